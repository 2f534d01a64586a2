/*
 * test_export_runit.c: the service directories (SPEC section 10): run
 * with its dependency waits, env/ for chpst -e, control/t for the stop
 * signal and timeout, finish for the restart policy and one-shots, check
 * for readiness, log/run; and what chpst -e cannot carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_export_fixture.h"

/* Asserts that file path holds exactly len bytes of data. */
static void
assert_content(const struct export_files *files, const char *path,
    const char *data, size_t len)
{
	const struct export_file *f = fx_file(files, path);

	assert_int_equal(f->len, len);
	assert_memory_equal(f->data, data, len);
}

/* Which files each service directory gets, and their modes. */
static void
test_layout(void **state)
{
	struct export_files files;
	struct fx f;
	size_t i, nvars;

	(void)state;
	fx_init(&f);
	nvars = f.m.nvars;
	fx_render(&export_runit, &f, &files);
	assert_int_equal(fx_file(&files, "shop-web-1/run")->mode, 0755);
	assert_int_equal(fx_file(&files, "shop-web-1/finish")->mode, 0755);
	assert_int_equal(fx_file(&files, "shop-web-1/check")->mode, 0755);
	/* sv check's output fails on write: the probe must not print there. */
	fx_line(&files, "shop-web-1/check", "exec >/dev/null 2>&1");
	assert_int_equal(fx_file(&files, "shop-web-1/control/t")->mode, 0755);
	assert_int_equal(fx_file(&files, "shop-web-1/log/run")->mode, 0755);
	assert_int_equal(fx_file(&files, "shop-web-1/env/PORT")->mode, 0600);
	assert_true(fx_has_file(&files, "shop-web-2/run"));
	assert_true(fx_has_file(&files, "shop-release-1/finish"));
	assert_false(fx_has_file(&files, "shop-release-1/check"));
	/* always: runsv's own restarting is the policy; no probe. */
	assert_false(fx_has_file(&files, "shop-worker-1/finish"));
	assert_false(fx_has_file(&files, "shop-worker-1/check"));
	assert_false(fx_has_file(&files, "shop-clock-1/run"));
	/*
	 * Per instance: run, control/t, log/run, env/ and its list .tfrun
	 * (+ finish, check).
	 */
	assert_int_equal(files.n, 2 * (6 + nvars + 2) + (4 + nvars + 2) +
	    (5 + nvars + 2));
	for (i = 0; i < files.n; i++) {
		if (strstr(files.v[i].path, "/env/") == NULL ||
		    strstr(files.v[i].path, "/env/.tfrun") != NULL)
			assert_true(export_header_match("runit", "shop",
			    files.v[i].data, files.v[i].len));
	}
	assert_int_equal(fx_file(&files, "shop-web-1/env/.tfrun")->mode, 0600);
	export_files_free(&files);
}

/*
 * env/: a file per variable, newlines as NUL and one final newline (what
 * chpst -e turns back into the value); PORT and PS per instance.
 */
static void
test_env_files(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_runit, &f, &files);
	assert_content(&files, "shop-web-1/env/PLAIN", "hello\n", 6);
	assert_content(&files, "shop-web-1/env/SPACES", "  two  words\n", 13);
	assert_content(&files, "shop-web-1/env/NEWLINE", "line1\0line2\n", 12);
	assert_content(&files, "shop-web-1/env/EMPTY", "\n", 1);
	assert_content(&files, "shop-web-1/env/DQ", "say \"hi\" now\n", 13);
	assert_content(&files, "shop-web-1/env/PORT", "5000\n", 5);
	assert_content(&files, "shop-web-1/env/PS", "web.1\n", 6);
	assert_content(&files, "shop-web-2/env/PORT", "5001\n", 5);
	assert_content(&files, "shop-web-2/env/PS", "web.2\n", 6);
	assert_content(&files, "shop-worker-1/env/PS", "worker.1\n", 9);
	export_files_free(&files);
}

/*
 * A value ending with a blank, which chpst -e would strip, is exported by
 * the run script in shell quotes (which keep the run script private).
 */
static void
test_trailing_blank(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_var(&f, f.m.nvars, "TRAIL", "it's  \t");
	fx_render(&export_runit, &f, &files);
	assert_false(fx_has_file(&files, "shop-web-1/env/TRAIL"));
	fx_line(&files, "shop-web-1/run", "TRAIL='it'\\''s  \t'; export TRAIL");
	fx_line(&files, "shop-web-1/check", "TRAIL='it'\\''s  \t'; export "
	    "TRAIL");
	assert_int_equal(fx_file(&files, "shop-web-1/run")->mode, 0700);
	export_files_free(&files);
}

/* run: waits, changes to the root, runs the command through chpst. */
static void
test_run(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_runit, &f, &files);
	fx_line(&files, "shop-web-1/run", "exec 2>&1");
	fx_line(&files, "shop-web-1/run", "rm -f supervise/tfrun-stop");
	fx_line(&files, "shop-web-1/run", "dir=$PWD");
	fx_line(&files, "shop-web-1/run", "cd '/srv/shop app' || exit 1");
	fx_line(&files, "shop-web-1/run", "exec chpst -P -e \"$dir/env\" "
	    "/bin/sh -c 'bundle exec puma -p $PORT -C '\\''config/puma.rb'\\'' "
	    "# 100%'");
	/* done: the one-shot is down and no longer wanted up. */
	fx_line(&files, "shop-web-1/run", "until sv status ../shop-release-1 "
	    "2>/dev/null | grep -Eq '^down: [^;]*, normally up(;|$)'; do");
	fx_line(&files, "shop-web-1/run", "\tsleep 1");
	/*
	 * started: every instance shows "run:" and has passed its own wait
	 * (its run script marks that just before the exec).
	 */
	fx_line(&files, "shop-worker-1/run", "until sv status ../shop-web-1 "
	    "2>/dev/null | grep -q '^run:' &&");
	fx_line(&files, "shop-worker-1/run", "    [ -e ../shop-web-1/supervise/"
	    "tfrun-started ]; do");
	fx_line(&files, "shop-worker-1/run", "    [ -e ../shop-web-2/supervise/"
	    "tfrun-started ]; do");
	fx_line(&files, "shop-web-1/run", "rm -f supervise/tfrun-started");
	fx_line(&files, "shop-web-1/run", ": >\"$dir/supervise/tfrun-started\"");
	assert_null(strstr(fx_file(&files, "shop-release-1/run")->data,
	    "until"));
	export_files_free(&files);

	/* ready: running, and sv check runs its check script. */
	f.worker_after[0].cond = EXPORT_COND_READY;
	f.m.user = "deploy";
	fx_render(&export_runit, &f, &files);
	fx_line(&files, "shop-worker-1/run", "    [ -e ../shop-web-1/supervise/"
	    "tfrun-started ] &&");
	fx_line(&files, "shop-worker-1/run", "    sv check ../shop-web-1 "
	    ">/dev/null; do");
	fx_line(&files, "shop-worker-1/run", "    sv check ../shop-web-2 "
	    ">/dev/null; do");
	fx_contains(fx_file(&files, "shop-worker-1/run")->data,
	    "\nexec chpst -P -u 'deploy' -e \"$dir/env\" /bin/sh -c ");
	export_files_free(&files);

	/* On a one-shot, any condition waits until it is done. */
	f.worker_after[0].type = FX_RELEASE;
	f.worker_after[0].cond = EXPORT_COND_STARTED;
	fx_render(&export_runit, &f, &files);
	fx_line(&files, "shop-worker-1/run", "until sv status ../shop-release-1 "
	    "2>/dev/null | grep -Eq '^down: [^;]*, normally up(;|$)'; do");
	export_files_free(&files);
}

/* control/t: the stop signal to the group, SIGKILL after the timeout. */
static void
test_control(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_runit, &f, &files);
	fx_line(&files, "shop-web-1/control/t", "pid=$(cat supervise/pid "
	    "2>/dev/null)");
	fx_line(&files, "shop-web-1/control/t", "kill -s INT -- \"-$pid\" "
	    "2>/dev/null || exit 1");
	fx_line(&files, "shop-web-1/control/t", "(sleep 3; [ \"$(cat "
	    "supervise/pid 2>/dev/null)\" = \"$pid\" ] &&");
	fx_line(&files, "shop-web-1/control/t", "exit 0");
	/* The mark that tells ./finish this end was asked for. */
	fx_line(&files, "shop-web-1/control/t", ": >supervise/tfrun-stop");
	fx_line(&files, "shop-worker-1/control/t", "kill -s TERM -- \"-$pid\" "
	    "2>/dev/null || exit 1");
	fx_line(&files, "shop-worker-1/control/t", "(sleep 5; [ \"$(cat "
	    "supervise/pid 2>/dev/null)\" = \"$pid\" ] &&");
	export_files_free(&files);
}

/*
 * finish: an end asked for with sv is left to runsv; otherwise
 * on-failure keeps a clean exit down, never keeps every exit down, a
 * one-shot stays down once done; check: a probe runs in the instance's
 * environment.
 */
static void
test_finish_and_check(void **state)
{
	struct export_files files;
	const struct export_file *check;
	struct fx f;

	(void)state;
	fx_init(&f);
	f.types[FX_WORKER].restart = CONFIG_RESTART_NEVER;
	fx_render(&export_runit, &f, &files);
	fx_line(&files, "shop-web-1/finish", "if [ -e supervise/tfrun-stop ]; "
	    "then");
	fx_line(&files, "shop-worker-1/finish", "\trm -f supervise/tfrun-stop");
	fx_line(&files, "shop-release-1/finish", "\texit 0");
	fx_line(&files, "shop-web-1/finish", "[ \"$1\" = 0 ] && exec sv down .");
	fx_line(&files, "shop-web-1/finish", "exit 0");
	fx_line(&files, "shop-worker-1/finish", "exec sv down .");
	fx_line(&files, "shop-release-1/finish", "[ \"$1\" = 0 ] && exec sv "
	    "down .");
	check = fx_file(&files, "shop-web-1/check");
	fx_contains(check->data, "\ncd '/srv/shop app' || exit 1\n");
	fx_contains(check->data, "\nexec chpst -e \"$dir/env\" timeout 5 bash "
	    "-c '");
	fx_contains(check->data, "' '127.0.0.1' '5000' '/health' "
	    "2>/dev/null\n");
	fx_contains(fx_file(&files, "shop-web-2/check")->data, "'5001'");
	export_files_free(&files);

	/* A log: probe has no check script. */
	f.web[0].ready.kind = EXPORT_PROBE_LOG;
	fx_render(&export_runit, &f, &files);
	assert_false(fx_has_file(&files, "shop-web-1/check"));
	export_files_free(&files);
}

/* log/run: svlogd into log/main. */
static void
test_log(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_runit, &f, &files);
	fx_line(&files, "shop-web-1/log/run", "mkdir -p main || exit 1");
	fx_line(&files, "shop-web-1/log/run", "exec svlogd -tt main");
	export_files_free(&files);
}

/*
 * Refused, naming the key: a name starting with '.' (chpst -e skips it),
 * a value ending with a blank under a name the run script cannot export.
 */
static void
test_refused(void **state)
{
	struct fx f;
	char *cause;

	(void)state;
	fx_init(&f);
	fx_var(&f, f.m.nvars, ".hidden", "x");
	fx_var(&f, f.m.nvars, "a-b", "trailing ");
	fx_var(&f, f.m.nvars, "a.c", "fine");
	cause = fx_render_fails(&export_runit, &f);
	fx_contains(cause, "runit: env key .hidden cannot be passed");
	fx_contains(cause, "runit: the value of a-b ends with a blank");
	assert_null(strstr(cause, "a.c"));
	free(cause);
}

/* The install commands copy the directories and link them. */
static void
test_install(void **state)
{
	struct export_files files;
	struct buf b = BUF_INIT;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_runit, &f, &files);
	export_runit.install(&f.m, &files, "/out", &b);
	assert_string_equal(b.data, "cp -R '/out/shop-web-1' '/out/shop-web-2' "
	    "'/out/shop-worker-1' '/out/shop-release-1' /etc/sv/\n"
	    "ln -s /etc/sv/shop-web-1 /etc/service/\n"
	    "ln -s /etc/sv/shop-web-2 /etc/service/\n"
	    "ln -s /etc/sv/shop-worker-1 /etc/service/\n"
	    "ln -s /etc/sv/shop-release-1 /etc/service/\n");
	buf_free(&b);
	export_files_free(&files);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_env_files),
		cmocka_unit_test(test_trailing_blank),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_finish_and_check),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
