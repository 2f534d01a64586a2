/*
 * test_export.c: what the export backends share (export.c): the backend
 * table, app and user names, the header that marks tfrun's files, shell
 * quoting, UTF-8, rounding, probe commands and the dependency depth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_export_fixture.h"

/* The table holds the four formats of SPEC section 10, and only them. */
static void
test_find(void **state)
{
	(void)state;
	assert_ptr_equal(export_find("systemd"), &export_systemd);
	assert_ptr_equal(export_find("supervisord"), &export_supervisord);
	assert_ptr_equal(export_find("runit"), &export_runit);
	assert_ptr_equal(export_find("kubernetes"), &export_kubernetes);
	assert_null(export_find("upstart"));
	assert_null(export_find("Systemd"));
	assert_true(export_runit.service_dirs);
	assert_false(export_systemd.service_dirs);
}

/* App names: letters, digits, '_' and '-', from a letter or digit. */
static void
test_app_valid(void **state)
{
	char long_name[EXPORT_APP_MAX + 2];

	(void)state;
	assert_true(export_app_valid("shop"));
	assert_true(export_app_valid("my_app-2"));
	assert_true(export_app_valid("9lives"));
	assert_false(export_app_valid(""));
	assert_false(export_app_valid("-app"));
	assert_false(export_app_valid("_app"));
	assert_false(export_app_valid("my app"));
	assert_false(export_app_valid("my.app"));
	assert_false(export_app_valid("app/x"));
	assert_false(export_app_valid("caf\xc3\xa9"));
	memset(long_name, 'a', sizeof long_name);
	long_name[EXPORT_APP_MAX] = '\0';
	assert_true(export_app_valid(long_name));
	long_name[EXPORT_APP_MAX] = 'a';
	long_name[EXPORT_APP_MAX + 1] = '\0';
	assert_false(export_app_valid(long_name));
}

/* Users: a portable user name (a trailing '$' allowed) or a uid. */
static void
test_user_valid(void **state)
{
	(void)state;
	assert_true(export_user_valid("deploy"));
	assert_true(export_user_valid("www-data"));
	assert_true(export_user_valid("_svc.1"));
	assert_true(export_user_valid("host$"));
	assert_true(export_user_valid("1000"));
	assert_false(export_user_valid(""));
	assert_false(export_user_valid("-u"));
	assert_false(export_user_valid("a b"));
	assert_false(export_user_valid("a'b"));
	assert_false(export_user_valid("a%b"));
	assert_false(export_user_valid("a\nb"));
	assert_false(export_user_valid("$"));
	assert_false(export_user_valid("a$b"));
}

/*
 * The header names the format and the app; it is recognised on the first
 * line, or on the second after a "#!" line, and only for that app and
 * format (app "web" is not app "webhook").
 */
static void
test_header(void **state)
{
	struct buf b = BUF_INIT;
	const char *h;

	(void)state;
	export_header(&b, "systemd", "web");
	assert_string_equal(b.data, "# Written by tfrun export systemd for "
	    "app web; tfrun export --force replaces or removes it.");
	buf_addc(&b, '\n');
	buf_adds(&b, "[Unit]\n");
	h = b.data;
	assert_true(export_header_match("systemd", "web", h, b.len));
	assert_false(export_header_match("systemd", "webhook", h, b.len));
	assert_false(export_header_match("systemd", "we", h, b.len));
	assert_false(export_header_match("runit", "web", h, b.len));
	/* Cut before its newline, the line is not known to be whole. */
	assert_false(export_header_match("systemd", "web", h, b.len - 8));
	buf_reset(&b);
	buf_adds(&b, "#!/bin/sh\n");
	export_header(&b, "runit", "web");
	buf_adds(&b, "\nexec true\n");
	assert_true(export_header_match("runit", "web", b.data, b.len));
	buf_reset(&b);
	buf_adds(&b, "[Unit]\n# Written by tfrun export systemd for app web; "
	    "tfrun export --force replaces or removes it.\n");
	assert_false(export_header_match("systemd", "web", b.data, b.len));
	assert_false(export_header_match("systemd", "web", "", 0));
	buf_free(&b);
}

/* Single quotes carry every byte; a quote is closed, escaped, reopened. */
static void
test_sh_quote(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	export_sh_quote(&b, "");
	assert_string_equal(b.data, "''");
	buf_reset(&b);
	export_sh_quote(&b, "it's $HOME \\ \"x\" \n`y`");
	assert_string_equal(b.data, "'it'\\''s $HOME \\ \"x\" \n`y`'");
	buf_free(&b);
}

/* UTF-8: no overlong forms, surrogates, stray or missing bytes. */
static void
test_utf8(void **state)
{
	(void)state;
	assert_true(export_utf8_valid(""));
	assert_true(export_utf8_valid("plain ascii"));
	assert_true(export_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	assert_false(export_utf8_valid("caf\xe9"));
	assert_false(export_utf8_valid("\xc0\xaf"));
	assert_false(export_utf8_valid("\xe0\x80\xaf"));
	assert_false(export_utf8_valid("\xed\xa0\x80"));
	assert_false(export_utf8_valid("\xf4\x90\x80\x80"));
	assert_false(export_utf8_valid("\xe2\x82"));
	assert_false(export_utf8_valid("\x80"));
	assert_true(export_has_control("a\tb", ""));
	assert_false(export_has_control("a\tb", "\t"));
	assert_true(export_has_control("a\x7f", ""));
	assert_false(export_has_control("caf\xc3\xa9", ""));
}

/* Timeouts round up to whole seconds. */
static void
test_seconds(void **state)
{
	(void)state;
	assert_int_equal(export_seconds(0), 0);
	assert_int_equal(export_seconds(1), 1);
	assert_int_equal(export_seconds(1000), 1);
	assert_int_equal(export_seconds(1001), 2);
	assert_int_equal(export_seconds(2500), 3);
}

/* Probe commands: bash's /dev/tcp under timeout, or /bin/sh -c. */
static void
test_probe_command(void **state)
{
	struct export_probe p;
	struct buf b = BUF_INIT;

	(void)state;
	memset(&p, 0, sizeof p);
	p.kind = EXPORT_PROBE_TCP;
	p.host = "db.local";
	p.port = 5432;
	export_probe_command(&b, &p);
	assert_string_equal(b.data, "timeout 5 bash -c 'exec 3<>\"/dev/tcp/"
	    "$0/$1\"' 'db.local' '5432' 2>/dev/null");

	buf_reset(&b);
	p.kind = EXPORT_PROBE_HTTP;
	p.host = "127.0.0.1";
	p.port = 5000;
	p.path = "/it's";
	export_probe_command(&b, &p);
	fx_contains(b.data, "timeout 5 bash -c 'exec 3<>\"/dev/tcp/$0/$1\" "
	    "|| exit 1; printf '\\''GET %s HTTP/1.1\\r\\nHost: %s:%s\\r\\n");
	fx_contains(b.data, "case $s in [23][0-9][0-9]) exit 0;; esac; "
	    "exit 1' '127.0.0.1' '5000' '/it'\\''s' 2>/dev/null");

	buf_reset(&b);
	p.kind = EXPORT_PROBE_EXEC;
	p.arg = "pg_isready -p $PORT";
	export_probe_command(&b, &p);
	assert_string_equal(b.data, "/bin/sh -c 'pg_isready -p $PORT'");

	buf_reset(&b);
	p.kind = EXPORT_PROBE_LOG;
	p.arg = "Listening";
	export_probe_command(&b, &p);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* The depth of a type: one more than its deepest dependency. */
static void
test_level(void **state)
{
	struct export_after loop[1];
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(export_level(&f.m, FX_RELEASE), 0);
	assert_int_equal(export_level(&f.m, FX_WEB), 1);
	assert_int_equal(export_level(&f.m, FX_WORKER), 2);
	assert_int_equal(export_level(&f.m, FX_CLOCK), 0);
	/* A cycle (which plan_load refuses) still ends. */
	loop[0].type = FX_WORKER;
	loop[0].cond = EXPORT_COND_READY;
	f.types[FX_RELEASE].after = loop;
	f.types[FX_RELEASE].nafter = 1;
	assert_true(export_level(&f.m, FX_WORKER) <= FX_NTYPES + 1);
	assert_string_equal(export_cond_name(EXPORT_COND_STARTED), "started");
	assert_string_equal(export_cond_name(EXPORT_COND_READY), "ready");
	assert_string_equal(export_cond_name(EXPORT_COND_DONE), "done");
}

/* Files of one top-level directory are named once for install. */
static void
test_files_top(void **state)
{
	struct export_files files = { NULL, 0 };
	struct buf b = BUF_INIT;
	size_t len;

	(void)state;
	export_files_add(&files, "a-1/run", 0755, &b);
	export_files_add(&files, "a-1/env/X", 0600, &b);
	export_files_add(&files, "a-10/run", 0755, &b);
	export_files_add(&files, "a.conf", 0600, &b);
	assert_true(export_files_top(&files, 0, &len));
	assert_int_equal(len, 3);
	assert_false(export_files_top(&files, 1, &len));
	assert_true(export_files_top(&files, 2, &len));
	assert_int_equal(len, 4);
	assert_true(export_files_top(&files, 3, &len));
	assert_int_equal(len, 6);
	export_install_paths(&b, &files, "/o", 1);
	assert_string_equal(b.data, " '/o/a-1' '/o/a-10' '/o/a.conf'");
	buf_reset(&b);
	export_install_paths(&b, &files, "/o", 0);
	assert_string_equal(b.data, " '/o/a-1/run' '/o/a-1/env/X' "
	    "'/o/a-10/run' '/o/a.conf'");
	buf_free(&b);
	export_files_free(&files);
	assert_int_equal(files.n, 0);
}

/* Errors collect one line each, prefixed with the format. */
static void
test_errors(void **state)
{
	struct export_files files = { NULL, 0 };
	struct buf errs = BUF_INIT, b = BUF_INIT;
	char *cause = NULL;

	(void)state;
	assert_int_equal(export_finish(&errs, &files, &cause), 0);
	assert_null(cause);
	buf_adds(&b, "x");
	export_files_add(&files, "f", 0644, &b);
	export_error(&errs, "runit", "one %s", "KEY");
	export_error(&errs, "runit", "two");
	assert_int_equal(export_finish(&errs, &files, &cause), -1);
	assert_string_equal(cause, "runit: one KEY\nrunit: two");
	assert_int_equal(files.n, 0);
	free(cause);

	/* A control character in a name cannot break a line. */
	export_error(&errs, "runit", "key %s", "a\nb\x7f");
	assert_string_equal(errs.data, "runit: key a\\x0ab\\x7f");
	buf_free(&errs);
}

/*
 * Names no env file can hold are refused by every target, before any of
 * them could become a path (runit's env/ files) or break a list
 * (supervisord's environment=).
 */
static void
test_check_keys(void **state)
{
	static const char *const bad[] = { "../x", "a=b", "a,b", "a b", "" };
	struct buf errs = BUF_INIT;
	struct fx f;
	char *cause;
	size_t i;

	(void)state;
	fx_init(&f);
	export_check_keys(&f.m, "runit", &errs);
	assert_int_equal(errs.len, 0);
	for (i = 0; i < nitems(bad); i++) {
		fx_init(&f);
		fx_var(&f, f.m.nvars, bad[i], "v");
		export_check_keys(&f.m, "supervisord", &errs);
		fx_contains(errs.data, "is not a name of letters, digits");
		buf_reset(&errs);
		cause = fx_render_fails(&export_runit, &f);
		fx_contains(cause, "runit: env key ");
		free(cause);
		cause = fx_render_fails(&export_supervisord, &f);
		fx_contains(cause, "supervisord: env key ");
		free(cause);
	}
	buf_free(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_app_valid),
		cmocka_unit_test(test_user_valid),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_sh_quote),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_probe_command),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_files_top),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_check_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
