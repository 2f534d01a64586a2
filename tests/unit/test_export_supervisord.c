/*
 * test_export_supervisord.c: APP.conf (SPEC section 10): sections, the
 * quoting of command= and environment= against supervisord's configparser
 * and shlex rules, policy, signal, timeout, priority, and the values that
 * supervisord cannot carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_export_fixture.h"

#define CONF "shop.conf"

/*
 * A program per instance, a group of them all in start order; the file is
 * private.
 */
static void
test_sections(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_supervisord, &f, &files);
	assert_int_equal(files.n, 1);
	assert_string_equal(files.v[0].path, CONF);
	assert_int_equal(files.v[0].mode, 0600);
	assert_true(export_header_match("supervisord", "shop", files.v[0].data,
	    files.v[0].len));
	fx_line(&files, CONF, "[program:shop-web-1]");
	fx_line(&files, CONF, "[program:shop-web-2]");
	fx_line(&files, CONF, "[program:shop-worker-1]");
	fx_line(&files, CONF, "[program:shop-release-1]");
	fx_no_line(&files, CONF, "[program:shop-clock-1]");
	fx_line(&files, CONF, "[group:shop]");
	/* In start order: supervisord starts a group's programs so. */
	fx_line(&files, CONF, "programs=shop-release-1,shop-web-1,shop-web-2,"
	    "shop-worker-1");
	assert_true(strstr(files.v[0].data, "[program:shop-release-1]") <
	    strstr(files.v[0].data, "[program:shop-web-1]"));
	assert_int_equal(fx_count_line(files.v[0].data, files.v[0].len,
	    "directory=/srv/shop app"), 4);
	fx_no_line(&files, CONF, "user=deploy");
	export_files_free(&files);

	f.m.user = "deploy";
	fx_render(&export_supervisord, &f, &files);
	assert_int_equal(fx_count_line(files.v[0].data, files.v[0].len,
	    "user=deploy"), 4);
	export_files_free(&files);
}

/*
 * command= is POSIX shlex: single quotes, a quote as '"'"', '' before
 * ';' and '#' (no blank may stand before them), '%' doubled.
 */
static void
test_command(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_supervisord, &f, &files);
	assert_int_equal(fx_count_line(files.v[0].data, files.v[0].len,
	    "command=/bin/sh -c 'bundle exec puma -p $PORT -C '\"'\"'config/"
	    "puma.rb'\"'\"' ''# 100%%'"), 2);
	fx_line(&files, CONF, "command=/bin/sh -c 'exec sidekiq -q default'';"
	    " echo \"$(date)\"'");
	export_files_free(&files);
}

/*
 * environment= values go in the quote they do not hold, '%' doubled, a
 * newline as an indented continuation line (an empty line as is);
 * PORT and PS come last.
 */
static void
test_environment(void **state)
{
	struct export_files files;
	const struct export_file *conf;
	struct fx f;

	(void)state;
	fx_init(&f);
	f.m.nvars = 0;
	fx_var(&f, 0, "A", "say \"hi\" now");
	fx_var(&f, 1, "B", "it's 100%");
	fx_var(&f, 2, "C", "");
	fx_var(&f, 3, "D", "a;b#c $x \\n");
	fx_var(&f, 4, "E", "  lead and trail  ");
	fx_render(&export_supervisord, &f, &files);
	fx_line(&files, CONF, "environment=A='say \"hi\" now',B=\"it's "
	    "100%%\",C=\"\",D=\"a;b#c $x \\n\",E=\"  lead and trail  \","
	    "PORT=\"5000\",PS=\"web.1\"");
	export_files_free(&files);

	f.m.nvars = 0;
	fx_var(&f, 0, "NL", "one\ntwo\n\nfour\n");
	fx_render(&export_supervisord, &f, &files);
	conf = fx_file(&files, CONF);
	fx_contains(conf->data, "\nenvironment=NL=\"one\n  two\n\n  four\n"
	    "  \",PORT=\"5100\",PS=\"worker.1\"\n");
	export_files_free(&files);
}

/* The fixture's values, every one of which supervisord can carry. */
static void
test_fixture_values(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_supervisord, &f, &files);
	fx_contains(files.v[0].data, ",PCT=\"100%% of %%s\",");
	fx_contains(files.v[0].data, ",DQ='say \"hi\" now',");
	fx_contains(files.v[0].data, ",BACKSLASH=\"C:\\dir\\n\",");
	fx_contains(files.v[0].data, ",UTF8=\"caf\xc3\xa9 \xe2\x82\xac\",");
	export_files_free(&files);
}

/*
 * Restart policy, stop signal, timeout (whole seconds, rounded up),
 * groups killed whole, priority from the order: a type starts after what
 * it waits for (release 100, web 200, worker 300), and stops before it.
 */
static void
test_policy(void **state)
{
	struct export_files files;
	const struct export_file *conf;
	const char *web, *worker, *release;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_supervisord, &f, &files);
	conf = fx_file(&files, CONF);
	web = strstr(conf->data, "[program:shop-web-1]");
	worker = strstr(conf->data, "[program:shop-worker-1]");
	release = strstr(conf->data, "[program:shop-release-1]");
	assert_non_null(web);
	fx_contains(web, "autorestart=unexpected\nexitcodes=0\nstartsecs=1\n"
	    "startretries=10\nstopsignal=INT\nstopwaitsecs=3\n"
	    "stopasgroup=true\nkillasgroup=true\npriority=200\n");
	fx_contains(worker, "autorestart=true\nexitcodes=0\nstartsecs=1\n");
	fx_contains(worker, "stopsignal=TERM\nstopwaitsecs=5\n");
	fx_contains(worker, "priority=300\n");
	/* A one-shot may be done in less than a second. */
	fx_contains(release, "autorestart=false\nexitcodes=0\nstartsecs=0\n");
	fx_contains(release, "priority=100\n");
	fx_contains(web, "# after = release:done: started after it "
	    "(priority), without waiting\n");
	export_files_free(&files);

	f.types[FX_RELEASE].restart = CONFIG_RESTART_ALWAYS;
	fx_render(&export_supervisord, &f, &files);
	fx_contains(strstr(files.v[0].data, "[program:shop-release-1]"),
	    "autorestart=unexpected\n");
	export_files_free(&files);
}

/* Renders a fixture with one more variable and expects its refusal. */
static void
refused(const char *value, const char *why)
{
	struct fx f;
	char *cause;

	fx_init(&f);
	fx_var(&f, f.m.nvars, "TRICKY", value);
	cause = fx_render_fails(&export_supervisord, &f);
	fx_contains(cause, "supervisord: the value of TRICKY ");
	fx_contains(cause, why);
	assert_null(strchr(cause, '\n'));
	free(cause);
}

/*
 * What environment= cannot carry exactly is refused, naming the key:
 * both quotes, a quote at either end, a blank before ';' or '#', a
 * carriage return, a blank at the start or end of an inner line,
 * %(here)s, bytes that are not UTF-8.
 */
static void
test_refused(void **state)
{
	struct fx f;
	char *cause;

	(void)state;
	refused("it's \"both\" kinds", "both ' and \"");
	refused("\"quoted\"", "starts or ends with a quote");
	refused("'x", "starts or ends with a quote");
	refused("x\"", "starts or ends with a quote");
	refused("a ;b", "before ';' or '#'");
	refused("a\t#b", "before ';' or '#'");
	refused("a\n#b", "before ';' or '#'");
	refused("a\xc2\xa0;b", "before ';' or '#'");
	refused("a\rb", "carriage return");
	refused("a\n b", "blank at the start of a line");
	refused("a \nb", "blank at the end of a line");
	refused("%(here)s/x", "%(here)s");
	refused("caf\xe9", "not UTF-8");

	fx_init(&f);
	f.types[FX_WORKER].command = "cd %(here)s && run";
	f.types[FX_WEB].command = "a\rb";
	cause = fx_render_fails(&export_supervisord, &f);
	fx_contains(cause, "supervisord: the command of worker holds "
	    "%(here)s");
	fx_contains(cause, "supervisord: the command of web holds a carriage");
	free(cause);

	fx_init(&f);
	f.m.root = "/srv/a ;b";
	cause = fx_render_fails(&export_supervisord, &f);
	fx_contains(cause, "the app root's path");
	free(cause);
}

/* The install commands copy the file and update the group. */
static void
test_install(void **state)
{
	struct export_files files;
	struct buf b = BUF_INIT;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_supervisord, &f, &files);
	export_supervisord.install(&f.m, &files, "/out", &b);
	assert_string_equal(b.data, "cp '/out/shop.conf' "
	    "/etc/supervisor/conf.d/\nsupervisorctl reread\n"
	    "supervisorctl update shop\n");
	buf_free(&b);
	export_files_free(&files);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_fixture_values),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
