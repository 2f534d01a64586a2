/*
 * test_cli.c: the command line: options in every form, permutation, run's
 * own options, usage errors word for word, operand counts and help.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "command.h"
#include "compat.h"
#include "config.h"
#include "help.h"
#include "xmalloc.h"

/* The argv of the current test: writable copies, freed in teardown. */
static char *words[64];
static int nwords;

/* Frees the current argv. */
static int
teardown(void **state)
{
	while (nwords > 0)
		free(words[--nwords]);
	return 0;
}

/* Parses "tfrun" and the NULL-terminated words after first. */
static int
vparse(struct cli *cli, char **cause, const char *first, va_list ap)
{
	const char *w;

	teardown(NULL);
	words[nwords++] = xstrdup("tfrun");
	for (w = first; w != NULL; w = va_arg(ap, const char *)) {
		assert_true(nwords < (int)nitems(words));
		words[nwords++] = xstrdup(w);
	}
	*cause = NULL;
	return cli_parse(nwords, words, cli, cause);
}

/* Parses the words, which must succeed. */
static void
parse_ok(struct cli *cli, const char *first, ...)
{
	va_list ap;
	char *cause;
	int r;

	va_start(ap, first);
	r = vparse(cli, &cause, first, ap);
	va_end(ap);
	if (r != 0)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
}

/* Parses the words, which must fail with exactly want. */
static void
parse_error(const char *want, const char *first, ...)
{
	struct cli cli;
	va_list ap;
	char *cause;
	int r;

	va_start(ap, first);
	r = vparse(&cli, &cause, first, ap);
	va_end(ap);
	if (r != -1)
		fail_msg("accepted, expected: %s", want);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	/* Nothing is left to free after an error. */
	assert_int_equal(cli.command, CLI_NONE);
	assert_int_equal(cli.flags.set, 0);
	assert_null(cli.args);
	assert_int_equal(cli.nargs, 0);
	free(cause);
	cli_free(&cli);
}

/* Returns the origin of field in the flags. */
static const char *
origin(const struct cli *cli, unsigned field)
{
	return cli->flags.origin[config_field_index(field)];
}

/* Every string option in its long, '=', short and attached forms. */
static void
test_string_options(void **state)
{
	static const struct {
		const char *lng;
		const char *shrt;	/* or NULL */
		unsigned field;
		size_t offset;
	} opts[] = {
		{ "--procfile", "-f", CONFIG_PROCFILE,
		    offsetof(struct config, procfile) },
		{ "--root", "-d", CONFIG_ROOT, offsetof(struct config, root) },
		{ "--formation", "-m", CONFIG_FORMATION,
		    offsetof(struct config, formation) },
		{ "--concurrency", "-c", CONFIG_FORMATION,
		    offsetof(struct config, formation) },
		{ "--config", NULL, CONFIG_CONFIG,
		    offsetof(struct config, config) },
		{ "--socket", NULL, CONFIG_SOCKET,
		    offsetof(struct config, socket) },
	};
	struct cli cli;
	char eq[64], attached[64];
	size_t i;

#define FIELD(c, off) (*(char **)(void *)((char *)&(c)->flags + (off)))
	for (i = 0; i < nitems(opts); i++) {
		parse_ok(&cli, "start", opts[i].lng, "v=1", NULL);
		assert_int_equal(cli.flags.set, opts[i].field);
		assert_string_equal(FIELD(&cli, opts[i].offset), "v=1");
		assert_string_equal(origin(&cli, opts[i].field), opts[i].lng);
		cli_free(&cli);

		snprintf(eq, sizeof eq, "%s=v=2", opts[i].lng);
		parse_ok(&cli, eq, "check", NULL);
		assert_string_equal(FIELD(&cli, opts[i].offset), "v=2");
		assert_string_equal(origin(&cli, opts[i].field), opts[i].lng);
		cli_free(&cli);

		if (opts[i].shrt == NULL)
			continue;
		parse_ok(&cli, "env", opts[i].shrt, "v=3", NULL);
		assert_string_equal(FIELD(&cli, opts[i].offset), "v=3");
		/* The origin is the option as typed (SPEC section 1). */
		assert_string_equal(origin(&cli, opts[i].field), opts[i].shrt);
		cli_free(&cli);

		snprintf(attached, sizeof attached, "%sv=4", opts[i].shrt);
		parse_ok(&cli, "run", attached, "ls", NULL);
		assert_string_equal(FIELD(&cli, opts[i].offset), "v=4");
		cli_free(&cli);
	}
#undef FIELD
}

/* Formation and concurrency are one setting: the last one wins. */
static void
test_formation_alias(void **state)
{
	struct cli cli;

	parse_ok(&cli, "start", "-m", "all=2", "-c", "web=3", NULL);
	assert_string_equal(cli.flags.formation, "web=3");
	assert_string_equal(origin(&cli, CONFIG_FORMATION), "-c");
	cli_free(&cli);
	parse_ok(&cli, "start", "--concurrency=web=3", "--formation",
	    "all=0", NULL);
	assert_string_equal(cli.flags.formation, "all=0");
	assert_string_equal(origin(&cli, CONFIG_FORMATION), "--formation");
	cli_free(&cli);
	parse_ok(&cli, "start", "-p", "1", "-p", "2", NULL);
	assert_int_equal(cli.flags.port, 2);
	cli_free(&cli);
}

/* Numeric and word options, in each form. */
static void
test_value_options(void **state)
{
	struct cli cli;

	parse_ok(&cli, "start", "--port", "6000", "--port-step", "10", "-t", "2.5",
	    "--color", "always", "--log-format", "json", "--restart",
	    "on-failure", NULL);
	assert_int_equal(cli.flags.set, CONFIG_PORT | CONFIG_PORT_STEP |
	    CONFIG_TIMEOUT | CONFIG_COLOR | CONFIG_LOG_FORMAT |
	    CONFIG_RESTART);
	assert_int_equal(cli.flags.port, 6000);
	assert_int_equal(cli.flags.port_step, 10);
	assert_int_equal(cli.flags.timeout_ms, 2500);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_ALWAYS);
	assert_int_equal(cli.flags.log_format, CONFIG_LOG_JSON);
	assert_int_equal(cli.flags.restart, CONFIG_RESTART_ON_FAILURE);
	assert_string_equal(origin(&cli, CONFIG_PORT), "--port");
	assert_string_equal(origin(&cli, CONFIG_PORT_STEP), "--port-step");
	assert_string_equal(origin(&cli, CONFIG_TIMEOUT), "-t");
	assert_string_equal(origin(&cli, CONFIG_COLOR), "--color");
	assert_string_equal(origin(&cli, CONFIG_LOG_FORMAT), "--log-format");
	assert_string_equal(origin(&cli, CONFIG_RESTART), "--restart");
	cli_free(&cli);

	parse_ok(&cli, "start", "--port=6001", "--port-step=1", "--timeout=0",
	    "--color=never", "--log-format=text", "--restart=always", NULL);
	assert_int_equal(cli.flags.port, 6001);
	assert_int_equal(cli.flags.port_step, 1);
	assert_int_equal(cli.flags.timeout_ms, 0);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_NEVER);
	assert_int_equal(cli.flags.log_format, CONFIG_LOG_TEXT);
	assert_int_equal(cli.flags.restart, CONFIG_RESTART_ALWAYS);
	cli_free(&cli);

	parse_ok(&cli, "start", "-p6002", "-t0.0001", NULL);
	assert_int_equal(cli.flags.port, 6002);
	assert_int_equal(cli.flags.timeout_ms, 1);
	cli_free(&cli);
}

/* Flags without values. */
static void
test_flag_options(void **state)
{
	struct cli cli;

	parse_ok(&cli, "start", "--env-override", "--no-timestamp",
	    "--no-prefix", NULL);
	assert_int_equal(cli.flags.set, CONFIG_ENV_OVERRIDE |
	    CONFIG_NO_TIMESTAMP | CONFIG_NO_PREFIX);
	assert_int_equal(cli.flags.env_override, 1);
	assert_int_equal(cli.flags.no_timestamp, 1);
	assert_int_equal(cli.flags.no_prefix, 1);
	assert_string_equal(origin(&cli, CONFIG_ENV_OVERRIDE),
	    "--env-override");
	assert_string_equal(origin(&cli, CONFIG_NO_TIMESTAMP),
	    "--no-timestamp");
	assert_string_equal(origin(&cli, CONFIG_NO_PREFIX), "--no-prefix");
	assert_int_equal(cli.help, 0);
	assert_int_equal(cli.json, 0);
	assert_int_equal(cli.force, 0);
	cli_free(&cli);

	/* foreman's and honcho's spellings. */
	parse_ok(&cli, "start", "--no-color", "--timestamp", NULL);
	assert_int_equal(cli.flags.set, CONFIG_COLOR | CONFIG_NO_TIMESTAMP);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_NEVER);
	assert_int_equal(cli.flags.no_timestamp, 0);
	assert_string_equal(origin(&cli, CONFIG_COLOR), "--no-color");
	cli_free(&cli);
	parse_ok(&cli, "start", "--no-timestamp", "--no-colour", NULL);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_NEVER);
	assert_int_equal(cli.flags.no_timestamp, 1);
	cli_free(&cli);
	/* A bare --color is always; a following WHEN is its value. */
	parse_ok(&cli, "--no-color", "--color", "start", "web", NULL);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_ALWAYS);
	assert_int_equal(cli.command, CLI_START);
	assert_int_equal(cli.nargs, 1);
	cli_free(&cli);
	parse_ok(&cli, "start", "--color", NULL);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_ALWAYS);
	cli_free(&cli);
	parse_ok(&cli, "start", "--color", "never", NULL);
	assert_int_equal(cli.flags.color, CONFIG_COLOR_NEVER);
	assert_int_equal(cli.nargs, 0);
	cli_free(&cli);
	parse_ok(&cli, "start", "-q", "web", "--quiet=clock,worker", NULL);
	assert_int_equal(cli.flags.set, CONFIG_QUIET);
	assert_int_equal(cli.flags.nquiet, 3);
	assert_string_equal(cli.flags.quiet[0], "web");
	assert_string_equal(cli.flags.quiet[2], "worker");
	assert_string_equal(origin(&cli, CONFIG_QUIET), "--quiet");
	cli_free(&cli);

	parse_ok(&cli, "check", "--env-override", "--no-env-override", NULL);
	assert_int_equal(cli.flags.set, CONFIG_ENV_OVERRIDE);
	assert_int_equal(cli.flags.env_override, 0);
	assert_string_equal(origin(&cli, CONFIG_ENV_OVERRIDE),
	    "--no-env-override");
	cli_free(&cli);

	parse_ok(&cli, "ps", "--json", NULL);
	assert_int_equal(cli.command, CLI_PS);
	assert_int_equal(cli.json, 1);
	assert_int_equal(cli.flags.set, 0);
	cli_free(&cli);
}

/* -e and --can-die repeat, and their lists add up. */
static void
test_list_options(void **state)
{
	struct cli cli;

	parse_ok(&cli, "start", "-e", "a.env, b.env", "--env=c.env", "-ed.env",
	    "--env", "e.env", "--can-die", "clock", "--can-die=release,x",
	    NULL);
	assert_int_equal(cli.flags.nenv, 5);
	assert_string_equal(cli.flags.env[0], "a.env");
	assert_string_equal(cli.flags.env[1], "b.env");
	assert_string_equal(cli.flags.env[2], "c.env");
	assert_string_equal(cli.flags.env[3], "d.env");
	assert_string_equal(cli.flags.env[4], "e.env");
	assert_string_equal(origin(&cli, CONFIG_ENV), "--env");
	assert_int_equal(cli.flags.ncan_die, 3);
	assert_string_equal(cli.flags.can_die[0], "clock");
	assert_string_equal(cli.flags.can_die[1], "release");
	assert_string_equal(cli.flags.can_die[2], "x");
	assert_string_equal(origin(&cli, CONFIG_CAN_DIE), "--can-die");
	cli_free(&cli);
}

/* export's own options; the values are borrowed from argv. */
static void
test_export_options(void **state)
{
	struct cli cli;

	parse_ok(&cli, "--app", "shop", "export", "kubernetes", "out",
	    "--user=deploy", "--image", "reg/shop:1", "--force", "-m", "web=2",
	    NULL);
	assert_int_equal(cli.command, CLI_EXPORT);
	assert_int_equal(cli.nargs, 2);
	assert_string_equal(cli.args[0], "kubernetes");
	assert_string_equal(cli.args[1], "out");
	assert_string_equal(cli.app, "shop");
	assert_string_equal(cli.user, "deploy");
	assert_string_equal(cli.image, "reg/shop:1");
	assert_int_equal(cli.force, 1);
	assert_string_equal(cli.flags.formation, "web=2");
	cli_free(&cli);

	parse_ok(&cli, "export", "systemd", "/etc/systemd/system", NULL);
	assert_null(cli.app);
	assert_null(cli.user);
	assert_null(cli.image);
	assert_int_equal(cli.force, 0);
	cli_free(&cli);
}

/* Options may come before or after the command and among operands. */
static void
test_permutation(void **state)
{
	struct cli cli;

	parse_ok(&cli, "-p", "5000", "start", "web", "--no-prefix",
	    "worker=2", "-fProcfile.dev", NULL);
	assert_int_equal(cli.command, CLI_START);
	assert_int_equal(cli.nargs, 2);
	assert_string_equal(cli.args[0], "web");
	assert_string_equal(cli.args[1], "worker=2");
	assert_ptr_equal(cli.args[0], words[4]);
	assert_int_equal(cli.flags.port, 5000);
	assert_int_equal(cli.flags.no_prefix, 1);
	assert_string_equal(cli.flags.procfile, "Procfile.dev");
	cli_free(&cli);

	/* "--" ends the options; "-" is an operand. */
	parse_ok(&cli, "start", "--", "-web", "--port", NULL);
	assert_int_equal(cli.nargs, 2);
	assert_string_equal(cli.args[0], "-web");
	assert_string_equal(cli.args[1], "--port");
	assert_int_equal(cli.flags.set, 0);
	cli_free(&cli);
	parse_ok(&cli, "env", "-", NULL);
	assert_int_equal(cli.nargs, 1);
	assert_string_equal(cli.args[0], "-");
	cli_free(&cli);
	parse_ok(&cli, "--", "check", NULL);
	assert_int_equal(cli.command, CLI_CHECK);
	cli_free(&cli);

	/* A cluster of short options, the last one taking a value. */
	parse_ok(&cli, "ps", "-hd", "/srv", NULL);
	assert_int_equal(cli.help, 1);
	assert_string_equal(cli.flags.root, "/srv");
	cli_free(&cli);
}

/* run: options stop at the command, which keeps its own. */
static void
test_run(void **state)
{
	struct cli cli;

	parse_ok(&cli, "run", "ls", "-l", "--port", "5", "--help", NULL);
	assert_int_equal(cli.command, CLI_RUN);
	assert_int_equal(cli.nargs, 5);
	assert_string_equal(cli.args[0], "ls");
	assert_string_equal(cli.args[1], "-l");
	assert_string_equal(cli.args[2], "--port");
	assert_string_equal(cli.args[3], "5");
	assert_string_equal(cli.args[4], "--help");
	assert_int_equal(cli.flags.set, 0);
	assert_int_equal(cli.help, 0);
	cli_free(&cli);

	parse_ok(&cli, "-p", "6000", "run", "-e", "x.env", "--", "cmd", "--",
	    "-x", NULL);
	assert_int_equal(cli.flags.port, 6000);
	assert_int_equal(cli.flags.nenv, 1);
	assert_string_equal(cli.flags.env[0], "x.env");
	assert_int_equal(cli.nargs, 3);
	assert_string_equal(cli.args[0], "cmd");
	assert_string_equal(cli.args[1], "--");
	assert_string_equal(cli.args[2], "-x");
	cli_free(&cli);

	parse_ok(&cli, "run", "--", "-weird", NULL);
	assert_int_equal(cli.nargs, 1);
	assert_string_equal(cli.args[0], "-weird");
	cli_free(&cli);

	parse_ok(&cli, "run", "web", NULL);
	assert_int_equal(cli.nargs, 1);
	cli_free(&cli);
}

/* Unknown options and commands, missing values, no command. */
static void
test_usage_errors(void **state)
{
	parse_error("unknown option --bogus", "start", "--bogus", NULL);
	parse_error("unknown option --bogus", "--bogus=1", "start", NULL);
	parse_error("unknown option --", "start", "--=x", NULL);
	parse_error("unknown option --proc", "start", "--proc", "P", NULL);
	parse_error("unknown option -x", "start", "-x", NULL);
	parse_error("unknown option -x", "start", "-hx", NULL);
	parse_error("unknown option in '-\\x0a'", "start", "-\n", NULL);
	parse_error("unknown command 'strat'", "strat", NULL);
	parse_error("unknown command 'a\\x0ab'", "a\nb", NULL);
	parse_error("unknown command 'Start'", "Start", NULL);
	parse_error("no command given", NULL);
	parse_error("no command given", "--port", "5", NULL);
	parse_error("option --port needs a value", "start", "--port", NULL);
	parse_error("option -p needs a value", "start", "-p", NULL);
	parse_error("option --app needs a value", "export", "runit", "d",
	    "--app", NULL);
	parse_error("option --force takes no value", "export", "runit", "d",
	    "--force=yes", NULL);
	parse_error("option --no-prefix takes no value", "start",
	    "--no-prefix=", NULL);
	parse_error("option --help takes no value", "--help=start", NULL);
}

/* Options a command does not take, before or after it. */
static void
test_misplaced_options(void **state)
{
	parse_error("option --json does not apply to 'start'", "start",
	    "--json", NULL);
	parse_error("option --json does not apply to 'start'", "--json",
	    "start", NULL);
	parse_error("option -p does not apply to 'ps'", "ps", "-p", "5",
	    NULL);
	parse_error("option --port does not apply to 'ps'", "--port=5", "ps",
	    NULL);
	parse_error("option --force does not apply to 'start'", "start",
	    "--force", NULL);
	parse_error("option --app does not apply to 'run'", "run", "--app",
	    "x", "ls", NULL);
	parse_error("option -e does not apply to 'quit'", "quit", "-e", "x",
	    NULL);
	parse_error("option --socket does not apply to 'help'", "help",
	    "--socket", "s", NULL);
	parse_error("option -f does not apply to 'version'", "version",
	    "-f", "P", NULL);
	/* The first misplaced option is the one named. */
	parse_error("option --image does not apply to 'check'", "--image",
	    "i", "check", "--json", NULL);

	/* The control commands take --socket and -d; ps takes --json. */
	{
		static const struct {
			const char *words[3];
		} ctl[] = {
			{ { "ps", "--json" } }, { { "scale", "web=1" } },
			{ { "restart" } }, { { "stop", "web" } },
			{ { "signal", "TERM", "web" } }, { { "quit" } }
		};
		struct cli cli;
		size_t i;

		for (i = 0; i < nitems(ctl); i++) {
			parse_ok(&cli, "--socket", "/s", ctl[i].words[0], "-d",
			    "/r", ctl[i].words[1], ctl[i].words[2], NULL);
			assert_int_equal(cli.command,
			    command_lookup(ctl[i].words[0]));
			assert_string_equal(cli.flags.socket, "/s");
			assert_string_equal(cli.flags.root, "/r");
			assert_int_equal(cli.flags.set, CONFIG_SOCKET |
			    CONFIG_ROOT);
			cli_free(&cli);
		}
	}
}

/* Wrong values name the option as typed and quote the value. */
static void
test_bad_values(void **state)
{
	parse_error("--port: 'abc' is not a port number (1-65535)", "start",
	    "--port", "abc", NULL);
	parse_error("-p: 'abc' is not a port number (1-65535)", "start",
	    "-pabc", NULL);
	parse_error("--port: '' is not a port number (1-65535)", "start",
	    "--port=", NULL);
	parse_error("-p: '65536' is not a port number (1-65535)",
	    "start", "-p", "65536", NULL);
	parse_error("--port-step: '0' is not a port step (1-65535)", "start",
	    "--port-step", "0", NULL);
	parse_error("-t: 'abc' is not a number of seconds", "start",
	    "-t", "abc", NULL);
	parse_error("--timeout: '90000' is more than 86400 seconds", "start",
	    "--timeout=90000", NULL);
	parse_error("--color: 'sometimes' must be auto, always or never",
	    "start", "--color=sometimes", NULL);
	parse_error("--log-format: 'xml' must be text or json", "start",
	    "--log-format", "xml", NULL);
	parse_error("--restart: 'maybe' must be never, on-failure or always",
	    "start", "--restart", "maybe", NULL);
	parse_error("-e: 'a,,b' has an empty item", "start", "-e", "a,,b",
	    NULL);
	parse_error("-e: '' has an empty item", "start", "-e", "", NULL);
	parse_error("--can-die: 'a b' is not a valid process type name",
	    "start", "--can-die", "web,a b", NULL);
	parse_error("-f: empty value", "start", "-f", "", NULL);
	parse_error("--formation: empty value", "start", "--formation=", NULL);
	parse_error("--app: empty value", "export", "runit", "d", "--app=",
	    NULL);
	parse_error("-p: 'a\\tb' is not a port number (1-65535)", "start",
	    "-p", "a\tb", NULL);
}

/* Each command's operand count and form. */
static void
test_operands(void **state)
{
	static const struct {
		const char *words[5];
	} good[] = {
		{ { "start" } },
		{ { "start", "web", "worker=2", "clock" } },
		{ { "run", "ls" } },
		{ { "check" } },
		{ { "env" } },
		{ { "env", "web.2" } },
		{ { "export", "systemd", "d" } },
		{ { "export", "supervisord", "d" } },
		{ { "export", "runit", "d" } },
		{ { "ps" } },
		{ { "scale", "web=2" } },
		{ { "scale", "web=0", "my_worker-2=10" } },
		{ { "restart" } },
		{ { "restart", "web", "worker.2" } },
		{ { "stop", "web.1" } },
		{ { "signal", "USR1", "web" } },
		{ { "signal", "9", "web", "worker.1" } },
		{ { "quit" } },
		{ { "help" } },
		{ { "help", "export" } },
		{ { "version" } },
	};
	struct cli cli;
	size_t i, n;

	for (i = 0; i < nitems(good); i++) {
		for (n = 0; n < 5 && good[i].words[n] != NULL; n++)
			;
		parse_ok(&cli, good[i].words[0], good[i].words[1],
		    good[i].words[2], good[i].words[3], good[i].words[4],
		    NULL);
		assert_int_equal(cli.command,
		    command_lookup(good[i].words[0]));
		assert_int_equal(cli.nargs, n - 1);
		cli_free(&cli);
	}

	parse_error("run: a command is required", "run", NULL);
	parse_error("run: a command is required", "run", "-e", "x", "--",
	    NULL);
	parse_error("check: unexpected operand 'web'", "check", "web", NULL);
	parse_error("env: unexpected operand 'b'", "env", "a", "b", NULL);
	parse_error("export: expected FORMAT and DIR", "export", NULL);
	parse_error("export: expected FORMAT and DIR", "export", "systemd",
	    NULL);
	parse_error("export: expected FORMAT and DIR", "export", "systemd",
	    "a", "b", NULL);
	parse_error("export: unknown format 'upstart' (systemd, supervisord, "
	    "runit or kubernetes)", "export", "upstart", "d", NULL);
	parse_error("export: DIR is empty", "export", "runit", "", NULL);
	parse_error("export: kubernetes needs --image IMAGE", "export",
	    "kubernetes", "d", NULL);
	parse_error("ps: unexpected operand 'web'", "ps", "web", NULL);
	parse_error("scale: expected TYPE=N", "scale", NULL);
	parse_error("scale: 'web' is not TYPE=N", "scale", "web", NULL);
	parse_error("scale: 'web=' is not TYPE=N", "scale", "web=1", "web=",
	    NULL);
	parse_error("scale: 'web=-1' is not TYPE=N", "scale", "web=-1", NULL);
	parse_error("scale: '=2' is not TYPE=N", "scale", "=2", NULL);
	parse_error("scale: 'web.1=2' is not TYPE=N", "scale", "web.1=2",
	    NULL);
	parse_error("scale: 'web=2x' is not TYPE=N", "scale", "web=2x", NULL);
	parse_error("stop: expected NAME or TYPE", "stop", NULL);
	parse_error("signal: expected SIGNAL and NAME or TYPE", "signal",
	    NULL);
	parse_error("signal: expected SIGNAL and NAME or TYPE", "signal",
	    "TERM", NULL);
	parse_error("signal: 'FOO' is not a signal", "signal", "FOO", "web",
	    NULL);
	parse_error("quit: unexpected operand 'now'", "quit", "now", NULL);
	parse_error("help: unknown command 'strat'", "help", "strat", NULL);
	parse_error("help: unexpected operand 'run'", "help", "start", "run",
	    NULL);
	parse_error("version: unexpected operand 'x'", "version", "x", NULL);
}

/* Help: "tfrun --help", "tfrun help X", "tfrun X --help". */
static void
test_help(void **state)
{
	struct cli cli;

	parse_ok(&cli, "--help", NULL);
	assert_int_equal(cli.command, CLI_HELP);
	assert_int_equal(cli.help, 1);
	assert_int_equal(cli.nargs, 0);
	cli_free(&cli);
	parse_ok(&cli, "-h", NULL);
	assert_int_equal(cli.command, CLI_HELP);
	cli_free(&cli);

	parse_ok(&cli, "help", NULL);
	assert_int_equal(cli.command, CLI_HELP);
	assert_int_equal(cli.help, 0);
	assert_int_equal(cli.nargs, 0);
	cli_free(&cli);
	parse_ok(&cli, "help", "start", NULL);
	assert_int_equal(cli.command, CLI_HELP);
	assert_int_equal(cli.nargs, 1);
	assert_string_equal(cli.args[0], "start");
	cli_free(&cli);

	parse_ok(&cli, "start", "--help", NULL);
	assert_int_equal(cli.command, CLI_START);
	assert_int_equal(cli.help, 1);
	cli_free(&cli);
	parse_ok(&cli, "-h", "run", NULL);
	assert_int_equal(cli.command, CLI_RUN);
	assert_int_equal(cli.help, 1);
	cli_free(&cli);

	/* Help excuses missing operands and misplaced options... */
	parse_ok(&cli, "export", "--help", NULL);
	assert_int_equal(cli.command, CLI_EXPORT);
	assert_int_equal(cli.help, 1);
	cli_free(&cli);
	parse_ok(&cli, "--json", "signal", "-h", NULL);
	assert_int_equal(cli.command, CLI_SIGNAL);
	cli_free(&cli);
	/* ...but not unknown options or bad values. */
	parse_error("unknown option --bogus", "start", "--help", "--bogus",
	    NULL);
	parse_error("-p: 'x' is not a port number (1-65535)", "--help",
	    "-p", "x", NULL);
	parse_error("help: unknown command 'strat'", "help", "strat", "-h",
	    NULL);
}

/* Version: "--version", "-V", "version"; help wins over it. */
static void
test_version(void **state)
{
	struct cli cli;

	parse_ok(&cli, "--version", NULL);
	assert_int_equal(cli.command, CLI_VERSION);
	cli_free(&cli);
	parse_ok(&cli, "-V", NULL);
	assert_int_equal(cli.command, CLI_VERSION);
	cli_free(&cli);
	parse_ok(&cli, "version", NULL);
	assert_int_equal(cli.command, CLI_VERSION);
	assert_int_equal(cli.help, 0);
	cli_free(&cli);
	parse_ok(&cli, "start", "web", "--version", NULL);
	assert_int_equal(cli.command, CLI_VERSION);
	cli_free(&cli);
	parse_ok(&cli, "--version", "--help", NULL);
	assert_int_equal(cli.command, CLI_HELP);
	assert_int_equal(cli.help, 1);
	cli_free(&cli);
	/* After run's command, --version is the command's. */
	parse_ok(&cli, "run", "node", "--version", NULL);
	assert_int_equal(cli.command, CLI_RUN);
	assert_int_equal(cli.nargs, 2);
	cli_free(&cli);
}

/* The settings of terminals, isolation, the daemon and its log. */
static void
test_new_settings(void **state)
{
	struct cli cli;

	parse_ok(&cli, "start", "--isolate", "--tty", "never", "--stdin",
	    "web.2", "-D", "--log-file", "t.log", NULL);
	assert_int_equal(cli.flags.set, CONFIG_ISOLATE | CONFIG_TTY |
	    CONFIG_STDIN | CONFIG_DAEMON | CONFIG_LOG_FILE);
	assert_int_equal(cli.flags.isolate, 1);
	assert_int_equal(cli.flags.tty, CONFIG_TTY_NEVER);
	assert_string_equal(cli.flags.stdin_name, "web.2");
	assert_int_equal(cli.flags.daemon, 1);
	assert_string_equal(cli.flags.log_file, "t.log");
	assert_string_equal(origin(&cli, CONFIG_TTY), "--tty");
	cli_free(&cli);
	parse_ok(&cli, "start", "--daemon", "--tty=always", "--stdin=web",
	    NULL);
	assert_int_equal(cli.flags.tty, CONFIG_TTY_ALWAYS);
	assert_string_equal(cli.flags.stdin_name, "web");
	cli_free(&cli);
	parse_error("--tty: 'sometimes' must be auto, always or never",
	    "start", "--tty", "sometimes", NULL);
	parse_error("--stdin: 'web.0' is not an instance name (TYPE or "
	    "TYPE.N)", "start", "--stdin", "web.0", NULL);
	parse_error("--stdin: 'a b' is not an instance name (TYPE or TYPE.N)",
	    "start", "--stdin", "a b", NULL);
	parse_error("option -D does not apply to 'check'", "check", "-D",
	    NULL);
	parse_error("option --daemon does not apply to 'run'", "run",
	    "--daemon", "x", NULL);
}

/* The client commands' operands and options (SPEC sections 6b and 7). */
static void
test_client_commands(void **state)
{
	struct cli cli;

	parse_ok(&cli, "logs", NULL);
	assert_int_equal(cli.command, CLI_LOGS);
	assert_int_equal(cli.lines, 100);
	assert_int_equal(cli.follow, 0);
	cli_free(&cli);
	/* -f follows for logs, though it is --procfile elsewhere. */
	parse_ok(&cli, "logs", "-n", "5", "-f", "web", "worker.2", "-d", "app",
	    "--socket", "s", NULL);
	assert_int_equal(cli.lines, 5);
	assert_int_equal(cli.follow, 1);
	assert_int_equal(cli.nargs, 2);
	assert_int_equal(cli.flags.set, CONFIG_ROOT | CONFIG_SOCKET);
	cli_free(&cli);
	parse_ok(&cli, "logs", "--lines=0", "--follow", NULL);
	assert_int_equal(cli.lines, 0);
	cli_free(&cli);
	parse_error("-n: 'x' is not a number of lines", "logs", "-n", "x",
	    NULL);
	parse_error("--lines: 'x' is not a number of lines", "logs", "--lines",
	    "x", NULL);
	parse_error("option -n does not apply to 'start'", "start", "-n", "1",
	    NULL);
	parse_error("option -f does not apply to 'logs'", "-f", "P", "logs",
	    NULL);

	/* wait --timeout is a limit, not the stop grace. */
	parse_ok(&cli, "wait", NULL);
	assert_true(cli.wait_timeout_ms == CLI_WAIT_FOREVER);
	cli_free(&cli);
	parse_ok(&cli, "wait", "--timeout", "2.5", NULL);
	assert_true(cli.wait_timeout_ms == 2500);
	assert_int_equal(cli.flags.set, 0);
	cli_free(&cli);
	parse_ok(&cli, "start", "--timeout", "2", NULL);
	assert_int_equal(cli.flags.timeout_ms, 2000);
	assert_true(cli.wait_timeout_ms == CLI_WAIT_FOREVER);
	cli_free(&cli);
	parse_error("wait: unexpected operand 'web'", "wait", "web", NULL);
	parse_error("option -t does not apply to 'wait'", "wait", "-t", "1",
	    NULL);

	parse_ok(&cli, "attach", "web.1", NULL);
	assert_int_equal(cli.command, CLI_ATTACH);
	cli_free(&cli);
	parse_error("attach: expected one NAME", "attach", NULL);
	parse_error("attach: expected one NAME", "attach", "a", "b", NULL);
	parse_error("attach: 'web.x' is not NAME (TYPE.N) or TYPE", "attach",
	    "web.x", NULL);
	parse_ok(&cli, "restart", NULL);
	cli_free(&cli);
	parse_ok(&cli, "restart", "web", "worker.3", NULL);
	cli_free(&cli);
	parse_error("restart: 'a/b' is not NAME (TYPE.N) or TYPE", "restart",
	    "a/b", NULL);
	parse_error("stop: '' is not NAME (TYPE.N) or TYPE", "stop", "", NULL);
	parse_error("signal: 'web.' is not NAME (TYPE.N) or TYPE", "signal",
	    "TERM", "web.", NULL);
	parse_ok(&cli, "quit", "--socket", "s", NULL);
	cli_free(&cli);

	/* run --with: a list of types, before the command. */
	parse_ok(&cli, "run", "--with", "db,cache", "--with", "mq", "--",
	    "bin/migrate", "--with", "x", NULL);
	assert_int_equal(cli.nwith, 3);
	assert_string_equal(cli.with[0], "db");
	assert_string_equal(cli.with[2], "mq");
	assert_int_equal(cli.nargs, 3);
	assert_string_equal(cli.args[1], "--with");
	cli_free(&cli);
	parse_error("--with: 'a.b' is not a valid process type name", "run",
	    "--with", "a.b", "x", NULL);
	parse_error("option --with does not apply to 'start'", "start",
	    "--with", "db", NULL);
}

/* Command names, both ways. */
static void
test_command_names(void **state)
{
	static const char *const names[] = {
		"start", "run", "check", "env", "export", "ps", "scale",
		"restart", "stop", "signal", "logs", "wait", "attach", "quit",
		"help", "version"
	};
	size_t i;

	for (i = 0; i < nitems(names); i++) {
		assert_int_equal(command_lookup(names[i]), CLI_START + i);
		assert_string_equal(command_name(CLI_START + i), names[i]);
	}
	assert_int_equal(command_lookup("strat"), CLI_NONE);
	assert_int_equal(command_lookup(""), CLI_NONE);
	assert_int_equal(command_lookup("START"), CLI_NONE);
	assert_string_equal(command_name(CLI_NONE), "");
}

/* Checks that text's lines fit in 79 columns and that it ends a line. */
static void
check_text_shape(const char *text)
{
	const char *p, *nl;

	assert_true(strlen(text) > 0);
	assert_int_equal(text[strlen(text) - 1], '\n');
	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl - p > 79)
			fail_msg("line too long: %.*s", (int)(nl - p), p);
	}
}

/* Each help text has its usage line and every option the command takes. */
static void
test_help_texts(void **state)
{
	static const char *const app[] = {
		"-f, --procfile FILE", "-d, --root DIR",
		"-e, --env FILE[,FILE]",
		"--env-override", "--no-env-override", "-m, --formation SPEC",
		"-c, --concurrency SPEC", "-p, --port N", "--port-step N",
		"-t, --timeout SECONDS", "--color [WHEN]", "--no-color",
		"--no-timestamp", "--no-prefix", "--log-format FMT",
		"--restart POLICY", "--can-die TYPE[,TYPE]",
		"-q, --quiet TYPE[,TYPE]", "--config FILE", "--socket PATH",
		"-h, --help"
	};
	/* What run, check and env use, and what they must not list. */
	static const char *const uses[] = {
		"-f, --procfile", "-d, --root", "-e, --env", "--env-override",
		"--no-env-override", "--config FILE", "-p, --port", "-h, --help"
	};
	static const char *const unused[] = {
		"--timeout", "--color", "--no-timestamp", "--no-prefix",
		"--log-format", "--restart", "--socket"
	};
	static const enum cli_command narrow[] = {
		CLI_RUN, CLI_CHECK, CLI_ENV
	};
	static const char *const ctl[] = {
		"--socket PATH", "-d, --root DIR", "-h, --help"
	};
	static const char *const commands[] = {
		"start", "run", "check", "env", "export", "ps", "scale",
		"restart", "stop", "signal", "quit", "help", "version"
	};
	const char *text, *general;
	char want[64];
	enum cli_command c;
	size_t i;

	general = help_text(CLI_NONE);
	assert_ptr_equal(help_text(CLI_HELP), general);
	assert_memory_equal(general, "usage: tfrun COMMAND", 20);
	check_text_shape(general);
	for (i = 0; i < nitems(commands); i++) {
		snprintf(want, sizeof want, "\n  %s ", commands[i]);
		if (strstr(general, want) == NULL)
			fail_msg("general help lacks %s", commands[i]);
	}
	assert_non_null(strstr(general, "-V, --version"));

	for (c = CLI_START; c <= CLI_VERSION; c++) {
		if (c == CLI_HELP)
			continue;
		text = help_text(c);
		check_text_shape(text);
		snprintf(want, sizeof want, "usage: tfrun %s",
		    command_name(c));
		assert_memory_equal(text, want, strlen(want));
		if (c == CLI_START) {
			for (i = 0; i < nitems(app); i++) {
				if (strstr(text, app[i]) == NULL)
					fail_msg("%s lacks %s",
					    command_name(c), app[i]);
			}
		} else if (c >= CLI_PS && c < CLI_HELP) {
			for (i = 0; i < nitems(ctl); i++) {
				if (strstr(text, ctl[i]) == NULL)
					fail_msg("%s lacks %s",
					    command_name(c), ctl[i]);
			}
			assert_null(strstr(text, "--port"));
		}
	}
	for (c = 0; c < nitems(narrow); c++) {
		text = help_text(narrow[c]);
		for (i = 0; i < nitems(uses); i++) {
			if (strstr(text, uses[i]) == NULL)
				fail_msg("%s lacks %s",
				    command_name(narrow[c]), uses[i]);
		}
		for (i = 0; i < nitems(unused); i++) {
			if (strstr(text, unused[i]) != NULL)
				fail_msg("%s lists %s",
				    command_name(narrow[c]), unused[i]);
		}
	}
	assert_null(strstr(help_text(CLI_RUN), "--formation"));
	assert_null(strstr(help_text(CLI_ENV), "--formation"));
	assert_non_null(strstr(help_text(CLI_CHECK), "--formation"));
	assert_non_null(strstr(help_text(CLI_ENV), "--port-step"));
	text = help_text(CLI_EXPORT);
	for (i = 0; i < nitems(uses); i++) {
		if (strstr(text, uses[i]) == NULL)
			fail_msg("export lacks %s", uses[i]);
	}
	assert_non_null(strstr(text, "-m, --formation SPEC"));
	assert_non_null(strstr(text, "--restart POLICY"));
	assert_null(strstr(text, "--color"));
	assert_non_null(strstr(text, "--app NAME"));
	assert_non_null(strstr(text, "--user USER"));
	assert_non_null(strstr(text, "--image IMAGE"));
	assert_non_null(strstr(text, "--force"));
	assert_non_null(strstr(help_text(CLI_PS), "--json"));
	assert_null(strstr(help_text(CLI_START), "--json"));
	assert_non_null(strstr(help_text(CLI_START), "(default: 100)"));
	assert_non_null(strstr(help_text(CLI_START), "(default: 5)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_string_options, teardown),
		cmocka_unit_test_teardown(test_formation_alias, teardown),
		cmocka_unit_test_teardown(test_value_options, teardown),
		cmocka_unit_test_teardown(test_flag_options, teardown),
		cmocka_unit_test_teardown(test_list_options, teardown),
		cmocka_unit_test_teardown(test_export_options, teardown),
		cmocka_unit_test_teardown(test_permutation, teardown),
		cmocka_unit_test_teardown(test_run, teardown),
		cmocka_unit_test_teardown(test_usage_errors, teardown),
		cmocka_unit_test_teardown(test_misplaced_options, teardown),
		cmocka_unit_test_teardown(test_bad_values, teardown),
		cmocka_unit_test_teardown(test_operands, teardown),
		cmocka_unit_test_teardown(test_help, teardown),
		cmocka_unit_test_teardown(test_version, teardown),
		cmocka_unit_test_teardown(test_new_settings, teardown),
		cmocka_unit_test_teardown(test_client_commands, teardown),
		cmocka_unit_test(test_command_names),
		cmocka_unit_test(test_help_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
