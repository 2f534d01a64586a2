/*
 * test_export_systemd.c: the systemd units (SPEC section 10): names,
 * quoting of Environment= and ExecStart=, policy, signal, timeout, order,
 * readiness and one-shot types, and the values systemd cannot carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_export_fixture.h"

#define WEB1 "shop-web.1.service"

/* One target and one service per instance; nothing for a count of 0. */
static void
test_files(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	assert_int_equal(files.n, 5);
	assert_string_equal(files.v[0].path, "shop.target");
	assert_true(fx_has_file(&files, WEB1));
	assert_true(fx_has_file(&files, "shop-web.2.service"));
	assert_true(fx_has_file(&files, "shop-worker.1.service"));
	assert_true(fx_has_file(&files, "shop-release.1.service"));
	assert_false(fx_has_file(&files, "shop-clock.1.service"));
	fx_line(&files, "shop.target", "Wants=shop-web.1.service");
	fx_line(&files, "shop.target", "Wants=shop-web.2.service");
	fx_line(&files, "shop.target", "Wants=shop-release.1.service");
	fx_line(&files, "shop.target", "WantedBy=multi-user.target");
	fx_line(&files, WEB1, "PartOf=shop.target");
	fx_line(&files, WEB1, "WorkingDirectory=/srv/shop app");
	fx_line(&files, WEB1, "Environment=PORT=5000");
	fx_line(&files, WEB1, "Environment=PS=web.1");
	fx_line(&files, "shop-web.2.service", "Environment=PORT=5001");
	fx_line(&files, "shop-web.2.service", "Environment=PS=web.2");
	fx_line(&files, "shop-worker.1.service", "Environment=PORT=5100");
	fx_no_line(&files, WEB1, "User=");
	export_files_free(&files);

	f.m.user = "deploy";
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, WEB1, "User=deploy");
	export_files_free(&files);
}

/* Every file starts with the header that --force recognises. */
static void
test_header(void **state)
{
	struct export_files files;
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	for (i = 0; i < files.n; i++) {
		assert_true(export_header_match("systemd", "shop",
		    files.v[i].data, files.v[i].len));
		assert_false(export_header_match("systemd", "sho",
		    files.v[i].data, files.v[i].len));
		assert_int_equal(files.v[i].mode, 0644);
	}
	export_files_free(&files);
}

/*
 * Values are quoted the systemd way: in double quotes, \ and " escaped,
 * a newline as \n, % doubled, $ left alone (Environment= does not expand).
 */
static void
test_environment_quoting(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_var(&f, f.m.nvars, "CTRL", "a\tb\x01" "c\x7f");
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, WEB1, "Environment=\"PLAIN=hello\"");
	fx_line(&files, WEB1, "Environment=\"SPACES=  two  words\"");
	fx_line(&files, WEB1, "Environment=\"DQ=say \\\"hi\\\" now\"");
	fx_line(&files, WEB1, "Environment=\"SQ=it's\"");
	fx_line(&files, WEB1, "Environment=\"PCT=100%% of %%s\"");
	fx_line(&files, WEB1, "Environment=\"DOLLAR=$HOME ${X} $(date) $$\"");
	fx_line(&files, WEB1, "Environment=\"HASH=a#b\"");
	fx_line(&files, WEB1, "Environment=\"BACKSLASH=C:\\\\dir\\\\n\"");
	fx_line(&files, WEB1, "Environment=\"NEWLINE=line1\\nline2\"");
	fx_line(&files, WEB1, "Environment=\"UTF8=caf\xc3\xa9 \xe2\x82\xac\"");
	fx_line(&files, WEB1, "Environment=\"EMPTY=\"");
	fx_line(&files, WEB1, "Environment=\"CTRL=a\\x09b\\x01c\\x7f\"");
	export_files_free(&files);
}

/* ExecStart= doubles $ too, so /bin/sh gets the command unchanged. */
static void
test_exec_start(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, WEB1, "ExecStart=/bin/sh -c \"bundle exec puma -p "
	    "$$PORT -C 'config/puma.rb' # 100%%\"");
	fx_line(&files, "shop-worker.1.service", "ExecStart=/bin/sh -c "
	    "\"exec sidekiq -q default; echo \\\"$$(date)\\\"\"");
	export_files_free(&files);
}

/* Restart policy, stop signal and timeout (exact: systemd takes ms). */
static void
test_policy(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	f.types[FX_CLOCK].count = 1;
	f.types[FX_CLOCK].instances = f.release;
	f.types[FX_CLOCK].timeout_ms = 0;
	/* A signal without a name is a number: systemd refuses "SIG34". */
	f.types[FX_CLOCK].stop_signal = 34;
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, WEB1, "KillMode=mixed");
	fx_line(&files, WEB1, "KillSignal=SIGINT");
	fx_line(&files, WEB1, "TimeoutStopSec=2500ms");
	fx_line(&files, WEB1, "Restart=on-failure");
	fx_line(&files, WEB1, "RestartSec=1");
	fx_line(&files, "shop-worker.1.service", "KillSignal=SIGTERM");
	fx_line(&files, "shop-worker.1.service", "TimeoutStopSec=5s");
	fx_line(&files, "shop-worker.1.service", "Restart=always");
	fx_line(&files, "shop-release.1.service", "Restart=no");
	fx_no_line(&files, "shop-release.1.service", "RestartSec=1");
	/* 0 would mean "never" to systemd: the kill follows at once. */
	fx_line(&files, "shop-clock.1.service", "TimeoutStopSec=1ms");
	fx_line(&files, "shop-clock.1.service", "KillSignal=34");
	export_files_free(&files);

	/* systemd refuses Restart=always for a one-shot. */
	f.types[FX_RELEASE].restart = CONFIG_RESTART_ALWAYS;
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, "shop-release.1.service", "Restart=on-failure");
	export_files_free(&files);
}

/*
 * Order: "done" is Requires= + After= (a failed one-shot fails the start
 * of its dependents); "started" and "ready" are Wants= + After=.
 */
static void
test_order(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, WEB1, "Requires=shop-release.1.service");
	fx_line(&files, WEB1, "After=shop-release.1.service");
	fx_line(&files, "shop-web.2.service",
	    "Requires=shop-release.1.service");
	fx_line(&files, "shop-worker.1.service", "Wants=shop-web.1.service");
	fx_line(&files, "shop-worker.1.service", "Wants=shop-web.2.service");
	fx_line(&files, "shop-worker.1.service", "After=shop-web.1.service");
	fx_line(&files, "shop-worker.1.service", "After=shop-web.2.service");
	fx_no_line(&files, "shop-worker.1.service",
	    "Requires=shop-web.1.service");
	fx_no_line(&files, "shop-release.1.service",
	    "After=shop-web.1.service");
	export_files_free(&files);

	/* A dependency on a type with no instance names no unit. */
	f.web_after[0].type = FX_CLOCK;
	fx_render(&export_systemd, &f, &files);
	fx_no_line(&files, WEB1, "Requires=shop-clock.1.service");
	fx_no_line(&files, WEB1, "After=shop-clock.1.service");
	export_files_free(&files);
}

/* A one-shot is Type=oneshot and stays active once it exited 0. */
static void
test_oneshot(void **state)
{
	struct export_files files;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	fx_line(&files, "shop-release.1.service", "Type=oneshot");
	fx_line(&files, "shop-release.1.service", "RemainAfterExit=yes");
	fx_line(&files, WEB1, "Type=simple");
	fx_no_line(&files, WEB1, "RemainAfterExit=yes");
	export_files_free(&files);
}

/*
 * Readiness: an ExecStartPost= loop running the probe, bounded by
 * TimeoutStartSec= (ready_timeout), so After= waits until it passes. A
 * log: probe cannot be watched and is said so.
 */
static void
test_ready(void **state)
{
	struct export_files files;
	const struct export_file *web1;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	web1 = fx_file(&files, WEB1);
	fx_contains(web1->data, "\nExecStartPost=/bin/sh -c \"until timeout "
	    "5 bash -c '");
	fx_contains(web1->data, "' '127.0.0.1' '5000' '/health' 2>/dev/null; "
	    "do sleep 0.250; done\"\n");
	fx_line(&files, WEB1, "TimeoutStartSec=60s");
	fx_contains(fx_file(&files, "shop-web.2.service")->data,
	    "' '127.0.0.1' '5001' '/health'");
	fx_no_line(&files, "shop-worker.1.service", "TimeoutStartSec=60s");
	export_files_free(&files);

	f.web[0].ready.kind = EXPORT_PROBE_LOG;
	f.web[0].ready.spec = "log:Listening";
	fx_render(&export_systemd, &f, &files);
	assert_null(strstr(fx_file(&files, WEB1)->data, "ExecStartPost"));
	fx_line(&files, WEB1, "# ready = log:Listening: systemd cannot watch "
	    "the output; the unit is active once started");
	export_files_free(&files);
}

/*
 * What systemd cannot carry is an error naming the key: a name that is
 * not an identifier, a value that is not UTF-8. Nothing is rendered.
 */
static void
test_refused(void **state)
{
	struct fx f;
	char *cause;

	(void)state;
	fx_init(&f);
	fx_var(&f, f.m.nvars, "a.b", "x");
	fx_var(&f, f.m.nvars, "LATIN1", "caf\xe9");
	cause = fx_render_fails(&export_systemd, &f);
	fx_contains(cause, "systemd: env key a.b cannot be passed");
	fx_contains(cause, "systemd: the value of LATIN1 is not UTF-8");
	assert_null(strstr(cause, "caf"));
	free(cause);

	fx_init(&f);
	f.types[FX_WORKER].command = "echo \xff";
	cause = fx_render_fails(&export_systemd, &f);
	fx_contains(cause, "the command of worker is not UTF-8");
	free(cause);
}

/* The install commands name the files and the target. */
static void
test_install(void **state)
{
	struct export_files files;
	struct buf b = BUF_INIT;
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_render(&export_systemd, &f, &files);
	export_systemd.install(&f.m, &files, "/tmp/out dir", &b);
	fx_contains(b.data, "cp '/tmp/out dir/shop.target' '/tmp/out "
	    "dir/shop-web.1.service' ");
	fx_contains(b.data, " /etc/systemd/system/\n");
	fx_contains(b.data, "systemctl daemon-reload\n");
	fx_contains(b.data, "systemctl enable --now shop.target\n");
	buf_reset(&b);
	export_systemd.install(&f.m, &files, "/etc/systemd/system", &b);
	assert_null(strstr(b.data, "cp "));
	buf_free(&b);
	export_files_free(&files);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_environment_quoting),
		cmocka_unit_test(test_exec_start),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_oneshot),
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
