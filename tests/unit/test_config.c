/*
 * test_config.c: tfrun.ini, the TFRUN_* variables, the value parsers and
 * the stacking of layers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "compat.h"
#include "config.h"
#include "xmalloc.h"

/* Parses text as tfrun.ini into c (initialised here); returns the result. */
static int
parse(struct config *c, const char *text, char **cause)
{
	config_init(c);
	*cause = NULL;
	return config_parse_ini("tfrun.ini", text, strlen(text), c, cause);
}

/* Parses text, which must fail with exactly want as the cause. */
static void
expect_ini_error(const char *text, const char *want)
{
	struct config c;
	char *cause;

	assert_int_equal(parse(&c, text, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
	config_free(&c);
}

/* Parses text, which must succeed. */
static void
parse_ok(struct config *c, const char *text)
{
	char *cause;

	if (parse(c, text, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
}

/* Returns the origin of field in c. */
static const char *
origin(const struct config *c, unsigned field)
{
	return c->origin[config_field_index(field)];
}

/* --- value parsers --- */

/* Timeouts: seconds with decimals, rounded up to milliseconds. */
static void
test_parse_timeout(void **state)
{
	static const struct {
		const char *s;
		uint64_t ms;
	} good[] = {
		{ "0", 0 }, { "5", 5000 }, { "2.5", 2500 }, { "0.0001", 1 },
		{ "0.001", 1 }, { "0.0015", 2 }, { "1.2345", 1235 },
		{ "1.2340000", 1234 }, { "007", 7000 }, { "10.10", 10100 },
		{ "86400", 86400000 }, { "86400.0", 86400000 },
		{ "86399.9999", 86400000 }, { "0.0000000000000000001", 1 },
		/* "decimals allowed": a bare fraction or a trailing point too */
		{ ".5", 500 }, { "5.", 5000 }, { ".001", 1 }
	};
	static const char *const bad[] = {
		"", "abc", "1.2.3", "-1", "+1", " 1", "1 ", "1e3",
		"0x10", "86400.0001", "86401", "100000",
		"99999999999999999999999", "1,5", "5s", "."
	};
	uint64_t ms;
	size_t i;

	for (i = 0; i < nitems(good); i++) {
		ms = 12345;
		if (config_parse_value(CONFIG_K_SECONDS, good[i].s, &ms, NULL) != 0)
			fail_msg("'%s' refused", good[i].s);
		assert_int_equal(ms, good[i].ms);
	}
	for (i = 0; i < nitems(bad); i++) {
		ms = 12345;
		if (config_parse_value(CONFIG_K_SECONDS, bad[i], &ms, NULL) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(ms, 12345);
	}
}

/* Ports and port steps: 1 to 65535. */
static void
test_parse_port(void **state)
{
	static const char *const bad[] = {
		"", "0", "00", "65536", "-1", "+80", "abc", "50a", " 80", "80 ",
		"99999999999999999999", "5000.0"
	};
	long n;
	size_t i;

	assert_int_equal(config_parse_value(CONFIG_K_PORT, "1", &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(config_parse_value(CONFIG_K_PORT, "65535", &n, NULL), 0);
	assert_int_equal(n, 65535);
	assert_int_equal(config_parse_value(CONFIG_K_PORT, "5000", &n, NULL), 0);
	assert_int_equal(n, 5000);
	assert_int_equal(config_parse_value(CONFIG_K_PORT, "05000", &n, NULL), 0);
	assert_int_equal(n, 5000);
	assert_int_equal(config_parse_value(CONFIG_K_PORT_STEP, "1", &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(config_parse_value(CONFIG_K_PORT_STEP, "100", &n, NULL), 0);
	assert_int_equal(n, 100);
	assert_int_equal(config_parse_value(CONFIG_K_PORT_STEP, "65535", &n, NULL), 0);
	assert_int_equal(n, 65535);
	for (i = 0; i < nitems(bad); i++) {
		n = 42;
		if (config_parse_value(CONFIG_K_PORT, bad[i], &n, NULL) != -1)
			fail_msg("port '%s' accepted", bad[i]);
		if (config_parse_value(CONFIG_K_PORT_STEP, bad[i], &n, NULL) != -1)
			fail_msg("port step '%s' accepted", bad[i]);
		assert_int_equal(n, 42);
	}
}

/* Booleans: true/false, yes/no, on/off, 1/0, any case. */
static void
test_parse_bool(void **state)
{
	static const char *const yes[] = {
		"true", "TRUE", "True", "yes", "Yes", "on", "ON", "1"
	};
	static const char *const no[] = {
		"false", "FALSE", "no", "NO", "off", "oFf", "0"
	};
	static const char *const bad[] = {
		"", "2", "y", "n", "t", "truee", "enabled", " true", "01", "-1"
	};
	size_t i;
	int b;

	for (i = 0; i < nitems(yes); i++) {
		b = 7;
		assert_int_equal(config_parse_value(CONFIG_K_BOOL, yes[i], &b, NULL), 0);
		assert_int_equal(b, 1);
	}
	for (i = 0; i < nitems(no); i++) {
		b = 7;
		assert_int_equal(config_parse_value(CONFIG_K_BOOL, no[i], &b, NULL), 0);
		assert_int_equal(b, 0);
	}
	for (i = 0; i < nitems(bad); i++) {
		b = 7;
		if (config_parse_value(CONFIG_K_BOOL, bad[i], &b, NULL) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(b, 7);
	}
}

/* Colours, restart policies and log formats: exact lower-case words. */
static void
test_parse_enums(void **state)
{
	enum config_color c = CONFIG_COLOR_NEVER;
	enum config_restart r = CONFIG_RESTART_ALWAYS;
	enum config_log_format f = CONFIG_LOG_JSON;

	assert_int_equal(config_parse_value(CONFIG_K_COLOR, "auto", &c, NULL), 0);
	assert_int_equal(c, CONFIG_COLOR_AUTO);
	assert_int_equal(config_parse_value(CONFIG_K_COLOR, "always", &c, NULL), 0);
	assert_int_equal(c, CONFIG_COLOR_ALWAYS);
	assert_int_equal(config_parse_value(CONFIG_K_COLOR, "never", &c, NULL), 0);
	assert_int_equal(c, CONFIG_COLOR_NEVER);
	assert_int_equal(config_parse_value(CONFIG_K_COLOR, "Always", &c, NULL), -1);
	assert_int_equal(config_parse_value(CONFIG_K_COLOR, "", &c, NULL), -1);
	assert_int_equal(config_parse_value(CONFIG_K_COLOR, "sometimes", &c, NULL), -1);
	assert_int_equal(c, CONFIG_COLOR_NEVER);

	assert_int_equal(config_parse_value(CONFIG_K_RESTART, "never", &r, NULL), 0);
	assert_int_equal(r, CONFIG_RESTART_NEVER);
	assert_int_equal(config_parse_value(CONFIG_K_RESTART, "on-failure", &r, NULL), 0);
	assert_int_equal(r, CONFIG_RESTART_ON_FAILURE);
	assert_int_equal(config_parse_value(CONFIG_K_RESTART, "always", &r, NULL), 0);
	assert_int_equal(r, CONFIG_RESTART_ALWAYS);
	assert_int_equal(config_parse_value(CONFIG_K_RESTART, "on_failure", &r, NULL), -1);
	assert_int_equal(config_parse_value(CONFIG_K_RESTART, "onfailure", &r, NULL), -1);
	assert_int_equal(config_parse_value(CONFIG_K_RESTART, "", &r, NULL), -1);
	assert_int_equal(r, CONFIG_RESTART_ALWAYS);

	assert_int_equal(config_parse_value(CONFIG_K_LOG_FORMAT, "text", &f, NULL), 0);
	assert_int_equal(f, CONFIG_LOG_TEXT);
	assert_int_equal(config_parse_value(CONFIG_K_LOG_FORMAT, "json", &f, NULL), 0);
	assert_int_equal(f, CONFIG_LOG_JSON);
	assert_int_equal(config_parse_value(CONFIG_K_LOG_FORMAT, "JSON", &f, NULL), -1);
	assert_int_equal(config_parse_value(CONFIG_K_LOG_FORMAT, "xml", &f, NULL), -1);
	assert_int_equal(f, CONFIG_LOG_JSON);

	assert_string_equal(config_word(CONFIG_K_RESTART, CONFIG_RESTART_NEVER), "never");
	assert_string_equal(config_word(CONFIG_K_RESTART, CONFIG_RESTART_ON_FAILURE),
	    "on-failure");
	assert_string_equal(config_word(CONFIG_K_RESTART, CONFIG_RESTART_ALWAYS),
	    "always");
}

/* Returns the row of the setting whose first flag is flag. */
static const struct config_setting *
row(const char *flag)
{
	size_t i, n = strlen(flag);

	for (i = 0; i < config_nsettings; i++) {
		if (config_settings[i].flags != NULL &&
		    strncmp(config_settings[i].flags, flag, n) == 0 &&
		    (config_settings[i].flags[n] == '\0' ||
		    config_settings[i].flags[n] == '|'))
			return &config_settings[i];
	}
	fail_msg("no row for --%s", flag);
	return NULL;
}

/* Lists: comma-separated, items trimmed, empty items refused. */
static void
test_parse_list(void **state)
{
	static const char *const bad[] = {
		"", " ", ",", "a,", ",a", "a,,b", " , ", "a, ,b", "a,\t"
	};
	struct config c;
	char *why;
	size_t i;

	config_init(&c);
	assert_int_equal(config_set(&c, row("env"), 0, "a", "o", 0, &why), 0);
	assert_int_equal(c.nenv, 1);
	assert_string_equal(c.env[0], "a");
	assert_int_equal(config_set(&c, row("env"), 0,
	    " .env , .env.local\t,x y ", "o", 0, &why), 0);
	assert_int_equal(c.nenv, 3);
	assert_string_equal(c.env[0], ".env");
	assert_string_equal(c.env[1], ".env.local");
	assert_string_equal(c.env[2], "x y");

	for (i = 0; i < nitems(bad); i++) {
		why = NULL;
		if (config_set(&c, row("env"), 0, bad[i], "o", 0, &why) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
		free(why);
		assert_int_equal(c.nenv, 3);
		assert_string_equal(c.env[2], "x y");
	}
	assert_int_equal(config_set(&c, row("env"), 0, "z", "o", 1, &why), 0);
	assert_int_equal(c.nenv, 4);
	config_free(&c);
}

/* Every field bit maps to its own index. */
static void
test_field_index(void **state)
{
	unsigned k;

	for (k = 0; k < 16; k++)
		assert_int_equal(config_field_index(1u << k), k);
	assert_int_equal(config_field_index(CONFIG_PORT), 5);
	assert_int_equal(config_field_index(CONFIG_SOCKET), 15);
}

/* --- layers --- */

/* config_init empties; config_defaults sets the documented defaults. */
static void
test_defaults(void **state)
{
	struct config c;
	unsigned k;

	config_init(&c);
	assert_int_equal(c.set, 0);
	for (k = 0; k < 16; k++)
		assert_null(c.origin[k]);
	assert_null(c.procfile);
	assert_null(c.types);
	config_free(&c);

	config_defaults(&c);
	assert_int_equal(c.set, CONFIG_ENV_OVERRIDE | CONFIG_PORT_STEP |
	    CONFIG_TIMEOUT | CONFIG_COLOR | CONFIG_NO_TIMESTAMP |
	    CONFIG_NO_PREFIX | CONFIG_LOG_FORMAT | CONFIG_RESTART |
	    CONFIG_CAN_DIE | CONFIG_ISOLATE | CONFIG_TTY | CONFIG_DAEMON);
	assert_int_equal(c.env_override, 1);
	assert_int_equal(c.isolate, 0);
	assert_int_equal(c.tty, CONFIG_TTY_AUTO);
	assert_int_equal(c.daemon, 0);
	assert_int_equal(c.port_step, 100);
	assert_int_equal(c.timeout_ms, 5000);
	assert_int_equal(c.color, CONFIG_COLOR_AUTO);
	assert_int_equal(c.no_timestamp, 0);
	assert_int_equal(c.no_prefix, 0);
	assert_int_equal(c.log_format, CONFIG_LOG_TEXT);
	assert_int_equal(c.restart, CONFIG_RESTART_NEVER);
	assert_int_equal(c.ncan_die, 0);
	assert_null(c.procfile);
	assert_null(c.root);
	assert_null(c.env);
	assert_null(c.formation);
	assert_null(c.config);
	assert_null(c.socket);
	for (k = 0; k < 16; k++) {
		if (c.set & (1u << k))
			assert_string_equal(c.origin[k], "default");
		else
			assert_null(c.origin[k]);
	}
	config_free(&c);
	assert_int_equal(c.set, 0);
	assert_null(c.origin[config_field_index(CONFIG_TIMEOUT)]);
}

/* --- tfrun.ini --- */

/* Every [tfrun] key, with its value and origin. */
static void
test_ini_tfrun_keys(void **state)
{
	struct config c;

	parse_ok(&c,
	    "[tfrun]\n"				/* 1 */
	    "procfile = Procfile.dev\n"		/* 2 */
	    "env = .env, .env.local\n"		/* 3 */
	    "env_override = yes\n"		/* 4 */
	    "formation = all=1, web=2\n"	/* 5 */
	    "port = 6000\n"			/* 6 */
	    "port_step = 10\n"			/* 7 */
	    "timeout = 2.5\n"			/* 8 */
	    "color = never\n"			/* 9 */
	    "no_timestamp = true\n"		/* 10 */
	    "no_prefix = on\n"			/* 11 */
	    "log_format = json\n"		/* 12 */
	    "restart = on-failure\n"		/* 13 */
	    "can_die = clock, release\n"	/* 14 */
	    "socket = /tmp/x.sock\n");		/* 15 */
	assert_int_equal(c.set, CONFIG_PROCFILE | CONFIG_ENV |
	    CONFIG_ENV_OVERRIDE | CONFIG_FORMATION | CONFIG_PORT |
	    CONFIG_PORT_STEP | CONFIG_TIMEOUT | CONFIG_COLOR |
	    CONFIG_NO_TIMESTAMP | CONFIG_NO_PREFIX | CONFIG_LOG_FORMAT |
	    CONFIG_RESTART | CONFIG_CAN_DIE | CONFIG_SOCKET);
	assert_string_equal(c.procfile, "Procfile.dev");
	assert_int_equal(c.nenv, 2);
	assert_string_equal(c.env[0], ".env");
	assert_string_equal(c.env[1], ".env.local");
	assert_int_equal(c.env_override, 1);
	assert_string_equal(c.formation, "all=1, web=2");
	assert_int_equal(c.port, 6000);
	assert_int_equal(c.port_step, 10);
	assert_int_equal(c.timeout_ms, 2500);
	assert_int_equal(c.color, CONFIG_COLOR_NEVER);
	assert_int_equal(c.no_timestamp, 1);
	assert_int_equal(c.no_prefix, 1);
	assert_int_equal(c.log_format, CONFIG_LOG_JSON);
	assert_int_equal(c.restart, CONFIG_RESTART_ON_FAILURE);
	assert_int_equal(c.ncan_die, 2);
	assert_string_equal(c.can_die[0], "clock");
	assert_string_equal(c.can_die[1], "release");
	assert_string_equal(c.socket, "/tmp/x.sock");
	assert_null(c.root);
	assert_null(c.config);
	assert_int_equal(c.ntypes, 0);

	assert_string_equal(origin(&c, CONFIG_PROCFILE), "tfrun.ini:2");
	assert_string_equal(origin(&c, CONFIG_ENV), "tfrun.ini:3");
	assert_string_equal(origin(&c, CONFIG_ENV_OVERRIDE), "tfrun.ini:4");
	assert_string_equal(origin(&c, CONFIG_FORMATION), "tfrun.ini:5");
	assert_string_equal(origin(&c, CONFIG_PORT), "tfrun.ini:6");
	assert_string_equal(origin(&c, CONFIG_PORT_STEP), "tfrun.ini:7");
	assert_string_equal(origin(&c, CONFIG_TIMEOUT), "tfrun.ini:8");
	assert_string_equal(origin(&c, CONFIG_COLOR), "tfrun.ini:9");
	assert_string_equal(origin(&c, CONFIG_NO_TIMESTAMP), "tfrun.ini:10");
	assert_string_equal(origin(&c, CONFIG_NO_PREFIX), "tfrun.ini:11");
	assert_string_equal(origin(&c, CONFIG_LOG_FORMAT), "tfrun.ini:12");
	assert_string_equal(origin(&c, CONFIG_RESTART), "tfrun.ini:13");
	assert_string_equal(origin(&c, CONFIG_CAN_DIE), "tfrun.ini:14");
	assert_string_equal(origin(&c, CONFIG_SOCKET), "tfrun.ini:15");
	assert_null(origin(&c, CONFIG_ROOT));
	assert_null(origin(&c, CONFIG_CONFIG));
	config_free(&c);
}

/* "concurrency" is an alias of "formation"; the last one wins. */
static void
test_ini_concurrency(void **state)
{
	struct config c;

	parse_ok(&c, "[tfrun]\nformation = web=1\nconcurrency = web=3\n");
	assert_string_equal(c.formation, "web=3");
	assert_string_equal(origin(&c, CONFIG_FORMATION), "tfrun.ini:3");
	config_free(&c);
}

/* Every [process.TYPE] key; the header's line is kept. */
static void
test_ini_type_keys(void **state)
{
	struct config c;
	const struct config_type *t;

	parse_ok(&c,
	    "; per type\n"
	    "[process.web]\n"
	    "stop_signal = SIGINT\n"
	    "timeout = 10\n"
	    "restart = always\n"
	    "can_die = false\n"
	    "[process.worker_2-b]\n"
	    "stop_signal = quit\n");
	assert_int_equal(c.set, 0);
	assert_int_equal(c.ntypes, 2);
	t = config_type_find(&c, "web");
	assert_non_null(t);
	assert_string_equal(t->name, "web");
	assert_int_equal(t->line, 2);
	assert_int_equal(t->set, CONFIG_TYPE_STOP_SIGNAL |
	    CONFIG_TYPE_TIMEOUT | CONFIG_TYPE_RESTART | CONFIG_TYPE_CAN_DIE);
	assert_int_equal(t->stop_signal, SIGINT);
	assert_int_equal(t->timeout_ms, 10000);
	assert_int_equal(t->restart, CONFIG_RESTART_ALWAYS);
	assert_int_equal(t->can_die, 0);
	t = config_type_find(&c, "worker_2-b");
	assert_non_null(t);
	assert_int_equal(t->line, 7);
	assert_int_equal(t->set, CONFIG_TYPE_STOP_SIGNAL);
	assert_int_equal(t->stop_signal, SIGQUIT);
	assert_null(config_type_find(&c, "clock"));
	assert_null(config_type_find(&c, NULL));
	config_free(&c);
}

/* A type name of 63 characters, longer than inih's section buffer. */
static void
test_ini_long_type(void **state)
{
	char name[64], text[256], want[256];
	struct config c;

	memset(name, 'w', 63);
	name[63] = '\0';
	snprintf(text, sizeof text, "[process.%s]\ntimeout = 1\n", name);
	parse_ok(&c, text);
	assert_int_equal(c.ntypes, 1);
	assert_string_equal(c.types[0].name, name);
	assert_int_equal(c.types[0].timeout_ms, 1000);
	config_free(&c);

	snprintf(text, sizeof text, "[process.%sw]\ntimeout = 1\n", name);
	snprintf(want, sizeof want, "tfrun.ini:1: '%sw' is not a valid "
	    "process type name in [process.%sw]", name, name);
	expect_ini_error(text, want);
}

/* A section may appear twice: its keys merge; a repeated key wins. */
static void
test_ini_merge_sections(void **state)
{
	struct config c;
	const struct config_type *t;

	parse_ok(&c,
	    "[tfrun]\n"
	    "port = 6000\n"
	    "env = a\n"
	    "[process.web]\n"
	    "timeout = 3\n"
	    "[tfrun]\n"
	    "timeout = 7\n"
	    "port = 7000\n"
	    "env = b, c\n"
	    "[process.web]\n"
	    "restart = on-failure\n"
	    "timeout = 4\n");
	assert_int_equal(c.port, 7000);
	assert_string_equal(origin(&c, CONFIG_PORT), "tfrun.ini:8");
	assert_int_equal(c.timeout_ms, 7000);
	assert_int_equal(c.nenv, 2);
	assert_string_equal(c.env[0], "b");
	assert_string_equal(c.env[1], "c");
	assert_string_equal(origin(&c, CONFIG_ENV), "tfrun.ini:9");
	assert_int_equal(c.ntypes, 1);
	t = config_type_find(&c, "web");
	assert_int_equal(t->line, 4);
	assert_int_equal(t->set, CONFIG_TYPE_TIMEOUT | CONFIG_TYPE_RESTART);
	assert_int_equal(t->timeout_ms, 4000);
	assert_int_equal(t->restart, CONFIG_RESTART_ON_FAILURE);
	config_free(&c);
}

/* Comments, ':' separators, blanks, a BOM and CRLF line ends. */
static void
test_ini_syntax(void **state)
{
	struct config c;

	parse_ok(&c,
	    "\xef\xbb\xbf; comment\r\n"
	    "# comment\r\n"
	    "\r\n"
	    "  [ tfrun ]  ; trailing comment\r\n"
	    "procfile = Proc#file ; inline comment\r\n"
	    "socket: my.sock # inline comment\r\n"
	    "formation=web=2;x\r\n"
	    "   \t\r\n"
	    "port =5000\r\n"
	    "[process.web] # comment\r\n"
	    "timeout:1");
	assert_string_equal(c.procfile, "Proc#file");
	assert_string_equal(c.socket, "my.sock");
	assert_string_equal(c.formation, "web=2;x");
	assert_int_equal(c.port, 5000);
	assert_string_equal(origin(&c, CONFIG_PORT), "tfrun.ini:9");
	assert_int_equal(c.types[0].line, 10);
	assert_int_equal(c.types[0].timeout_ms, 1000);
	config_free(&c);

	/* An empty file, and one with only comments, set nothing. */
	parse_ok(&c, "");
	assert_int_equal(c.set, 0);
	config_free(&c);
	parse_ok(&c, "; nothing\n\n#\n");
	assert_int_equal(c.set, 0);
	assert_int_equal(c.ntypes, 0);
	config_free(&c);
}

/* Lists may go on over indented lines (inih's multi-line values). */
static void
test_ini_list_continuation(void **state)
{
	struct config c;

	parse_ok(&c,
	    "[tfrun]\n"
	    "env = .env,\n"
	    "      .env.local, .env.dev,\n"
	    "\n"
	    "; a comment does not end the value\n"
	    "      .env.last\n"
	    "can_die = clock\n"
	    "  release\n");
	assert_int_equal(c.nenv, 4);
	assert_string_equal(c.env[0], ".env");
	assert_string_equal(c.env[1], ".env.local");
	assert_string_equal(c.env[2], ".env.dev");
	assert_string_equal(c.env[3], ".env.last");
	assert_string_equal(origin(&c, CONFIG_ENV), "tfrun.ini:2");
	assert_int_equal(c.ncan_die, 2);
	assert_string_equal(c.can_die[0], "clock");
	assert_string_equal(c.can_die[1], "release");
	assert_string_equal(origin(&c, CONFIG_CAN_DIE), "tfrun.ini:7");
	config_free(&c);

	/* A trailing ',' needs a continuation line. */
	expect_ini_error("[tfrun]\nenv = a,\nport = 1\n",
	    "tfrun.ini:2: env: 'a,' has an empty item");
	expect_ini_error("[tfrun]\nenv = a,\n  b,\n",
	    "tfrun.ini:3: env: 'b,' has an empty item");
	expect_ini_error("[tfrun]\nenv = ,\n  b\n",
	    "tfrun.ini:2: env: ',' has an empty item");
	expect_ini_error("[tfrun]\nenv = a,\n[process.web]\n",
	    "tfrun.ini:2: env: 'a,' has an empty item");
	expect_ini_error("[tfrun]\ncan_die = a\n  b c\n",
	    "tfrun.ini:3: can_die: 'b c' is not a valid process type name");
	/* Other keys take one value. */
	expect_ini_error("[tfrun]\nport = 5000\n  6000\n  7000\n",
	    "tfrun.ini:3: indented line continues 'port', which takes one "
	    "value");
	expect_ini_error("[process.web]\ntimeout = 1\n\n\tmore\n",
	    "tfrun.ini:4: indented line continues 'timeout', which takes one "
	    "value");
}

/* Each kind of error, with its file name and line. */
static void
test_ini_errors(void **state)
{
	expect_ini_error("[tfrun]\nport = 5000\nprot = 1\n",
	    "tfrun.ini:3: unknown key 'prot' in [tfrun]");
	expect_ini_error("[tfrun]\nroot = x\n",
	    "tfrun.ini:2: unknown key 'root' in [tfrun]");
	expect_ini_error("[tfrun]\nconfig = x\n",
	    "tfrun.ini:2: unknown key 'config' in [tfrun]");
	expect_ini_error("[tfrun]\nPort = 1\n",
	    "tfrun.ini:2: unknown key 'Port' in [tfrun]");
	expect_ini_error("[process.web]\nport = 1\n",
	    "tfrun.ini:2: unknown key 'port' in [process.web]");
	expect_ini_error("port = 1\n",
	    "tfrun.ini:1: key 'port' outside any section");
	expect_ini_error("\n[bogus]\n",
	    "tfrun.ini:2: unknown section [bogus] (expected [tfrun] or "
	    "[process.TYPE])");
	expect_ini_error("[process]\n",
	    "tfrun.ini:1: unknown section [process] (expected [tfrun] or "
	    "[process.TYPE])");
	expect_ini_error("[process.]\n",
	    "tfrun.ini:1: '' is not a valid process type name in [process.]");
	expect_ini_error("[process.web.1]\n",
	    "tfrun.ini:1: 'web.1' is not a valid process type name in "
	    "[process.web.1]");
	expect_ini_error("[process.a b]\nfoo = 1\n",
	    "tfrun.ini:1: 'a b' is not a valid process type name in "
	    "[process.a b]");
	expect_ini_error("[tfrun\nport = 1\n",
	    "tfrun.ini:1: section header without ']'\n"
	    "tfrun.ini:2: key 'port' outside any section");
	expect_ini_error("[tfrun ; x]\n",
	    "tfrun.ini:1: unknown section [tfrun ; x] (expected [tfrun] or "
	    "[process.TYPE])");
	expect_ini_error("[tfrun]\nport\n",
	    "tfrun.ini:2: expected KEY = VALUE, [SECTION] or a comment");
	expect_ini_error("[tfrun] port = 1\n",
	    "tfrun.ini:1: unexpected text after ']'");
}

/* Bad values name the key and the value; each kind has its words. */
static void
test_ini_bad_values(void **state)
{
	expect_ini_error("[tfrun]\nport = abc\n",
	    "tfrun.ini:2: port: 'abc' is not a port number (1-65535)");
	expect_ini_error("[tfrun]\nport = 70000\n",
	    "tfrun.ini:2: port: '70000' is not a port number (1-65535)");
	expect_ini_error("[tfrun]\nport =\n",
	    "tfrun.ini:2: port: '' is not a port number (1-65535)");
	expect_ini_error("[tfrun]\nport = 5000 ; web\nport = 80 # web\n"
	    "port = 80#web\n",
	    "tfrun.ini:4: port: '80#web' is not a port number (1-65535)");
	expect_ini_error("[tfrun]\nport_step = 0\n",
	    "tfrun.ini:2: port_step: '0' is not a port step (1-65535)");
	expect_ini_error("\n\n[tfrun]\n\n\n\ntimeout = abc\n",
	    "tfrun.ini:7: timeout: 'abc' is not a number of seconds");
	expect_ini_error("[tfrun]\ntimeout = 86401\n",
	    "tfrun.ini:2: timeout: '86401' is more than 86400 seconds");
	expect_ini_error("[tfrun]\ncolor = sometimes\n",
	    "tfrun.ini:2: color: 'sometimes' must be auto, always or never");
	expect_ini_error("[tfrun]\nlog_format = xml\n",
	    "tfrun.ini:2: log_format: 'xml' must be text or json");
	expect_ini_error("[tfrun]\nrestart = on_failure\n",
	    "tfrun.ini:2: restart: 'on_failure' must be never, on-failure or "
	    "always");
	expect_ini_error("[tfrun]\nenv_override = maybe\n",
	    "tfrun.ini:2: env_override: 'maybe' is not a boolean (true/false, "
	    "yes/no, on/off, 1/0)");
	expect_ini_error("[tfrun]\nno_timestamp = 2\n",
	    "tfrun.ini:2: no_timestamp: '2' is not a boolean (true/false, "
	    "yes/no, on/off, 1/0)");
	expect_ini_error("[tfrun]\nno_prefix = y\n",
	    "tfrun.ini:2: no_prefix: 'y' is not a boolean (true/false, "
	    "yes/no, on/off, 1/0)");
	expect_ini_error("[tfrun]\nenv = a,,b\n",
	    "tfrun.ini:2: env: 'a,,b' has an empty item");
	expect_ini_error("[tfrun]\ncan_die = web, web.1\n",
	    "tfrun.ini:2: can_die: 'web.1' is not a valid process type name");
	expect_ini_error("[tfrun]\nprocfile =\n",
	    "tfrun.ini:2: procfile: empty value");
	expect_ini_error("[tfrun]\nformation = ; nothing\n",
	    "tfrun.ini:2: formation: empty value");
	expect_ini_error("[tfrun]\nconcurrency =\n",
	    "tfrun.ini:2: concurrency: empty value");
	expect_ini_error("[tfrun]\nsocket = # nothing\n",
	    "tfrun.ini:2: socket: empty value");
	expect_ini_error("[process.web]\nstop_signal = SIGFOO\n",
	    "tfrun.ini:2: stop_signal: 'SIGFOO' is not a signal");
	expect_ini_error("[process.web]\ntimeout = -1\n",
	    "tfrun.ini:2: timeout: '-1' is not a number of seconds");
	expect_ini_error("[process.web]\nrestart = yes\n",
	    "tfrun.ini:2: restart: 'yes' must be never, on-failure or always");
	expect_ini_error("[process.web]\ncan_die = sometimes\n",
	    "tfrun.ini:2: can_die: 'sometimes' is not a boolean (true/false, "
	    "yes/no, on/off, 1/0)");
}

/* Every error is collected, one per line, in line order. */
static void
test_ini_many_errors(void **state)
{
	struct config c;
	char *cause;

	assert_int_equal(parse(&c,
	    "port = 1\n"			/* 1 */
	    "[tfrun]\n"				/* 2 */
	    "port = x\n"			/* 3 */
	    "timeout = 3\n"			/* 4 */
	    "[nope]\n"				/* 5 */
	    "anything = goes\n"			/* 6: not reported */
	    "[process.web]\n"			/* 7 */
	    "stop_signal = TERM\n"		/* 8 */
	    "bogus = 1\n"			/* 9 */
	    "garbage\n"				/* 10 */
	    "[process.web\n"			/* 11 */
	    "restart = never\n",		/* 12 */
	    &cause), -1);
	assert_string_equal(cause,
	    "tfrun.ini:1: key 'port' outside any section\n"
	    "tfrun.ini:3: port: 'x' is not a port number (1-65535)\n"
	    "tfrun.ini:5: unknown section [nope] (expected [tfrun] or "
	    "[process.TYPE])\n"
	    "tfrun.ini:9: unknown key 'bogus' in [process.web]\n"
	    "tfrun.ini:10: expected KEY = VALUE, [SECTION] or a comment\n"
	    "tfrun.ini:11: section header without ']'");
	/* What was valid is kept; the caller frees it either way. */
	assert_int_equal(c.timeout_ms, 3000);
	assert_int_equal(c.ntypes, 1);
	assert_int_equal(c.types[0].stop_signal, SIGTERM);
	assert_int_equal(c.types[0].restart, CONFIG_RESTART_NEVER);
	assert_true(c.types[0].set & CONFIG_TYPE_RESTART);
	free(cause);
	config_free(&c);
}

/* A NUL byte, or a line too long for inih, is refused on its own line. */
static void
test_ini_bad_lines(void **state)
{
	static const char nul[] = "[tfrun]\nport = 1\0 2\ntimeout = 1\n";
	char text[512], want[128], *cause;
	struct config c;
	size_t n, max = INI_MAX_LINE - 2;

	config_init(&c);
	assert_int_equal(config_parse_ini("x.ini", nul, sizeof nul - 1, &c,
	    &cause), -1);
	assert_string_equal(cause, "x.ini:2: NUL byte in line");
	assert_int_equal(c.timeout_ms, 1000);
	assert_false(c.set & CONFIG_PORT);
	free(cause);
	config_free(&c);

	/* The longest line inih takes whole... */
	n = (size_t)snprintf(text, sizeof text, "[tfrun]\nprocfile = ");
	memset(text + n, 'p', max - 11);
	strcpy(text + n + max - 11, "\nport = 2\n");
	parse_ok(&c, text);
	assert_int_equal(strlen(c.procfile), max - 11);
	assert_int_equal(c.port, 2);
	config_free(&c);

	/* ...and one byte more. */
	memset(text + n, 'p', max - 10);
	strcpy(text + n + max - 10, "\nport = 2\n");
	snprintf(want, sizeof want, "tfrun.ini:2: line longer than %zu bytes",
	    max);
	assert_int_equal(parse(&c, text, &cause), -1);
	assert_string_equal(cause, want);
	assert_null(c.procfile);
	assert_int_equal(c.port, 2);
	free(cause);
	config_free(&c);
}

/* Parsing adds to what the layer holds. */
static void
test_ini_overlay(void **state)
{
	struct config c;
	char *cause;
	const char *text = "[tfrun]\nport = 6000\n";

	config_defaults(&c);
	assert_int_equal(config_parse_ini("app.ini", text, strlen(text), &c,
	    &cause), 0);
	assert_int_equal(c.port, 6000);
	assert_string_equal(origin(&c, CONFIG_PORT), "app.ini:2");
	assert_int_equal(c.timeout_ms, 5000);
	assert_string_equal(origin(&c, CONFIG_TIMEOUT), "default");
	config_free(&c);
}

/* --- TFRUN_* variables --- */

struct vars {
	const char *const *pairs;	/* name, value, name, value, NULL */
};

/* Looks a variable up in a struct vars. */
static const char *
getvar(void *ctx, const char *name)
{
	const struct vars *v = ctx;
	size_t i;

	for (i = 0; v->pairs[i] != NULL; i += 2) {
		if (strcmp(v->pairs[i], name) == 0)
			return v->pairs[i + 1];
	}
	return NULL;
}

/* Every variable, with its value and its name as origin. */
static void
test_env_all(void **state)
{
	static const char *const pairs[] = {
		"TFRUN_PROCFILE", "Procfile.dev",
		"TFRUN_ROOT", "/srv/app",
		"TFRUN_ENV", "a.env, b.env",
		"TFRUN_ENV_OVERRIDE", "TRUE",
		"TFRUN_FORMATION", "all=2",
		"TFRUN_PORT", "7000",
		"TFRUN_PORT_STEP", "1000",
		"TFRUN_TIMEOUT", "0.5",
		"TFRUN_COLOR", "always",
		"TFRUN_NO_TIMESTAMP", "1",
		"TFRUN_NO_PREFIX", "off",
		"TFRUN_LOG_FORMAT", "json",
		"TFRUN_RESTART", "always",
		"TFRUN_CAN_DIE", "clock",
		"TFRUN_CONFIG", "my.ini",
		"TFRUN_SOCKET", "/run/t.sock",
		"TFRUN_BOGUS", "ignored",
		"PORT", "1",
		NULL
	};
	struct vars v = { pairs };
	struct config c;
	char *cause = NULL;
	unsigned k;

	config_init(&c);
	assert_int_equal(config_from_env(getvar, &v, &c, &cause), 0);
	assert_null(cause);
	assert_int_equal(c.set, 0xffff);
	assert_string_equal(c.procfile, "Procfile.dev");
	assert_string_equal(c.root, "/srv/app");
	assert_int_equal(c.nenv, 2);
	assert_string_equal(c.env[0], "a.env");
	assert_string_equal(c.env[1], "b.env");
	assert_int_equal(c.env_override, 1);
	assert_string_equal(c.formation, "all=2");
	assert_int_equal(c.port, 7000);
	assert_int_equal(c.port_step, 1000);
	assert_int_equal(c.timeout_ms, 500);
	assert_int_equal(c.color, CONFIG_COLOR_ALWAYS);
	assert_int_equal(c.no_timestamp, 1);
	assert_int_equal(c.no_prefix, 0);
	assert_int_equal(c.log_format, CONFIG_LOG_JSON);
	assert_int_equal(c.restart, CONFIG_RESTART_ALWAYS);
	assert_int_equal(c.ncan_die, 1);
	assert_string_equal(c.can_die[0], "clock");
	assert_string_equal(c.config, "my.ini");
	assert_string_equal(c.socket, "/run/t.sock");
	assert_string_equal(origin(&c, CONFIG_PORT), "TFRUN_PORT");
	assert_string_equal(origin(&c, CONFIG_ROOT), "TFRUN_ROOT");
	assert_string_equal(origin(&c, CONFIG_CAN_DIE), "TFRUN_CAN_DIE");
	for (k = 0; k < 16; k++)
		assert_memory_equal(c.origin[k], "TFRUN_", 6);
	config_free(&c);
}

/* An empty variable is unset, as is a missing one. */
static void
test_env_empty(void **state)
{
	static const char *const pairs[] = {
		"TFRUN_PROCFILE", "", "TFRUN_PORT", "", "TFRUN_ENV", "",
		"TFRUN_TIMEOUT", "", "TFRUN_COLOR", "", "TFRUN_CAN_DIE", "",
		"TFRUN_NO_PREFIX", "", NULL
	};
	struct vars v = { pairs };
	struct config c;
	char *cause = NULL;

	config_init(&c);
	assert_int_equal(config_from_env(getvar, &v, &c, &cause), 0);
	assert_null(cause);
	assert_int_equal(c.set, 0);
	assert_null(c.procfile);
	config_free(&c);
}

/* Every bad variable is reported, one per line. */
static void
test_env_errors(void **state)
{
	static const char *const pairs[] = {
		"TFRUN_PORT", "abc",
		"TFRUN_ENV", "a,,b",
		"TFRUN_ENV_OVERRIDE", "perhaps",
		"TFRUN_PORT_STEP", "0",
		"TFRUN_TIMEOUT", "1e3",
		"TFRUN_COLOR", "sometimes",
		"TFRUN_NO_TIMESTAMP", "nope",
		"TFRUN_LOG_FORMAT", "a\nb",
		"TFRUN_RESTART", "on_failure",
		"TFRUN_CAN_DIE", "web, a.b",
		"TFRUN_SOCKET", "ok.sock",
		NULL
	};
	struct vars v = { pairs };
	struct config c;
	char *cause;

	config_init(&c);
	assert_int_equal(config_from_env(getvar, &v, &c, &cause), -1);
	assert_string_equal(cause,
	    "TFRUN_ENV: 'a,,b' has an empty item\n"
	    "TFRUN_ENV_OVERRIDE: 'perhaps' is not a boolean (true/false, "
	    "yes/no, on/off, 1/0)\n"
	    "TFRUN_PORT: 'abc' is not a port number (1-65535)\n"
	    "TFRUN_PORT_STEP: '0' is not a port step (1-65535)\n"
	    "TFRUN_TIMEOUT: '1e3' is not a number of seconds\n"
	    "TFRUN_COLOR: 'sometimes' must be auto, always or never\n"
	    "TFRUN_NO_TIMESTAMP: 'nope' is not a boolean (true/false, "
	    "yes/no, on/off, 1/0)\n"
	    "TFRUN_LOG_FORMAT: 'a\\x0ab' must be text or json\n"
	    "TFRUN_RESTART: 'on_failure' must be never, on-failure or always\n"
	    "TFRUN_CAN_DIE: 'a.b' is not a valid process type name");
	assert_int_equal(c.set, CONFIG_SOCKET);
	assert_string_equal(c.socket, "ok.sock");
	free(cause);
	config_free(&c);
}

/* --- stacking --- */

/* Layers stack: flags > variables > file > defaults, with origins. */
static void
test_apply_layers(void **state)
{
	static const char *const pairs[] = {
		"TFRUN_PORT", "7000", "TFRUN_ENV", "env.var", NULL
	};
	struct vars v = { pairs };
	struct config eff, ini, env, flags;
	char *cause;

	config_defaults(&eff);
	parse_ok(&ini, "[tfrun]\nport = 6000\ntimeout = 2\nenv = a, b\n"
	    "can_die = clock\n[process.web]\nrestart = always\n");
	config_init(&env);
	assert_int_equal(config_from_env(getvar, &v, &env, &cause), 0);
	config_init(&flags);
	flags.timeout_ms = 9000;
	flags.set |= CONFIG_TIMEOUT;
	flags.origin[config_field_index(CONFIG_TIMEOUT)] =
	    xstrdup("--timeout");

	config_apply(&eff, &ini);
	config_apply(&eff, &env);
	config_apply(&eff, &flags);
	/* The copies outlive the layers. */
	config_free(&ini);
	config_free(&env);
	config_free(&flags);

	assert_int_equal(eff.port, 7000);
	assert_string_equal(origin(&eff, CONFIG_PORT), "TFRUN_PORT");
	assert_int_equal(eff.timeout_ms, 9000);
	assert_string_equal(origin(&eff, CONFIG_TIMEOUT), "--timeout");
	assert_int_equal(eff.nenv, 1);
	assert_string_equal(eff.env[0], "env.var");
	assert_string_equal(origin(&eff, CONFIG_ENV), "TFRUN_ENV");
	assert_int_equal(eff.ncan_die, 1);
	assert_string_equal(eff.can_die[0], "clock");
	assert_string_equal(origin(&eff, CONFIG_CAN_DIE), "tfrun.ini:5");
	assert_int_equal(eff.port_step, 100);
	assert_string_equal(origin(&eff, CONFIG_PORT_STEP), "default");
	assert_int_equal(eff.ntypes, 1);
	assert_string_equal(eff.types[0].name, "web");
	assert_int_equal(eff.types[0].line, 6);
	assert_int_equal(eff.types[0].restart, CONFIG_RESTART_ALWAYS);
	assert_null(eff.procfile);
	assert_false(eff.set & CONFIG_PROCFILE);
	config_free(&eff);
}

/* Every field is copied by config_apply; unset ones are left alone. */
static void
test_apply_all_fields(void **state)
{
	static const char *const pairs[] = {
		"TFRUN_PROCFILE", "P", "TFRUN_ROOT", "R", "TFRUN_ENV", "E",
		"TFRUN_ENV_OVERRIDE", "yes", "TFRUN_FORMATION", "F",
		"TFRUN_PORT", "1", "TFRUN_PORT_STEP", "2", "TFRUN_TIMEOUT", "3",
		"TFRUN_COLOR", "never", "TFRUN_NO_TIMESTAMP", "yes",
		"TFRUN_NO_PREFIX", "yes", "TFRUN_LOG_FORMAT", "json",
		"TFRUN_RESTART", "on-failure", "TFRUN_CAN_DIE", "C",
		"TFRUN_CONFIG", "I", "TFRUN_SOCKET", "S", NULL
	};
	struct vars v = { pairs };
	struct config dst, src, empty;
	char *cause;
	unsigned k;

	config_init(&src);
	assert_int_equal(config_from_env(getvar, &v, &src, &cause), 0);
	config_init(&dst);
	config_apply(&dst, &src);
	config_free(&src);
	config_init(&empty);
	config_apply(&dst, &empty);
	assert_int_equal(dst.set, 0xffff);
	assert_string_equal(dst.procfile, "P");
	assert_string_equal(dst.root, "R");
	assert_string_equal(dst.env[0], "E");
	assert_int_equal(dst.env_override, 1);
	assert_string_equal(dst.formation, "F");
	assert_int_equal(dst.port, 1);
	assert_int_equal(dst.port_step, 2);
	assert_int_equal(dst.timeout_ms, 3000);
	assert_int_equal(dst.color, CONFIG_COLOR_NEVER);
	assert_int_equal(dst.no_timestamp, 1);
	assert_int_equal(dst.no_prefix, 1);
	assert_int_equal(dst.log_format, CONFIG_LOG_JSON);
	assert_int_equal(dst.restart, CONFIG_RESTART_ON_FAILURE);
	assert_string_equal(dst.can_die[0], "C");
	assert_string_equal(dst.config, "I");
	assert_string_equal(dst.socket, "S");
	for (k = 0; k < 16; k++)
		assert_memory_equal(dst.origin[k], "TFRUN_", 6);

	/* The defaults' empty can_die list replaces a longer one. */
	config_defaults(&src);
	config_apply(&dst, &src);
	assert_int_equal(dst.ncan_die, 0);
	assert_null(dst.can_die);
	assert_int_equal(dst.timeout_ms, 5000);
	assert_string_equal(dst.procfile, "P");
	config_free(&src);
	config_free(&dst);
}

/* [process.TYPE] sections merge by type and by field. */
static void
test_apply_types(void **state)
{
	struct config dst, src;
	const struct config_type *t;

	parse_ok(&dst, "[process.web]\nstop_signal = INT\ntimeout = 1\n"
	    "[process.clock]\ncan_die = yes\n");
	parse_ok(&src, "\n[process.worker]\nrestart = always\n"
	    "[process.web]\ntimeout = 2\nrestart = on-failure\n");
	config_apply(&dst, &src);
	config_free(&src);
	assert_int_equal(dst.ntypes, 3);
	t = config_type_find(&dst, "web");
	assert_int_equal(t->set, CONFIG_TYPE_STOP_SIGNAL |
	    CONFIG_TYPE_TIMEOUT | CONFIG_TYPE_RESTART);
	assert_int_equal(t->stop_signal, SIGINT);
	assert_int_equal(t->timeout_ms, 2000);
	assert_int_equal(t->restart, CONFIG_RESTART_ON_FAILURE);
	assert_int_equal(t->line, 1);
	t = config_type_find(&dst, "clock");
	assert_int_equal(t->set, CONFIG_TYPE_CAN_DIE);
	assert_int_equal(t->can_die, 1);
	t = config_type_find(&dst, "worker");
	assert_string_equal(t->name, "worker");
	assert_int_equal(t->line, 2);
	assert_int_equal(t->set, CONFIG_TYPE_RESTART);
	assert_int_equal(t->restart, CONFIG_RESTART_ALWAYS);
	config_free(&dst);
}

/* --- effective per-type values --- */

/* The type's section wins; then the global value; then the default. */
static void
test_effective(void **state)
{
	struct config c, eff;

	config_init(&c);
	assert_int_equal(config_stop_signal(&c, "web"), SIGTERM);
	assert_int_equal(config_timeout_ms(&c, "web"), 5000);
	assert_int_equal(config_restart_of(&c, "web"), CONFIG_RESTART_NEVER);
	assert_int_equal(config_can_die(&c, "web"), 0);
	config_free(&c);

	config_defaults(&eff);
	parse_ok(&c,
	    "[tfrun]\n"
	    "timeout = 3\n"
	    "restart = on-failure\n"
	    "can_die = clock, web\n"
	    "[process.web]\n"
	    "stop_signal = SIGINT\n"
	    "timeout = 10\n"
	    "restart = always\n"
	    "can_die = no\n"
	    "[process.release]\n"
	    "can_die = yes\n"
	    "[process.worker]\n"
	    "stop_signal = 10\n");
	config_apply(&eff, &c);
	config_free(&c);

	assert_int_equal(config_stop_signal(&eff, "web"), SIGINT);
	assert_int_equal(config_stop_signal(&eff, "worker"), 10);
	assert_int_equal(config_stop_signal(&eff, "clock"), SIGTERM);
	assert_int_equal(config_stop_signal(&eff, NULL), SIGTERM);
	assert_int_equal(config_timeout_ms(&eff, "web"), 10000);
	assert_int_equal(config_timeout_ms(&eff, "worker"), 3000);
	assert_int_equal(config_timeout_ms(&eff, "other"), 3000);
	assert_int_equal(config_timeout_ms(&eff, NULL), 3000);
	assert_int_equal(config_restart_of(&eff, "web"),
	    CONFIG_RESTART_ALWAYS);
	assert_int_equal(config_restart_of(&eff, "worker"),
	    CONFIG_RESTART_ON_FAILURE);
	/* The section's can_die overrides the global list either way. */
	assert_int_equal(config_can_die(&eff, "web"), 0);
	assert_int_equal(config_can_die(&eff, "clock"), 1);
	assert_int_equal(config_can_die(&eff, "release"), 1);
	assert_int_equal(config_can_die(&eff, "worker"), 0);
	assert_int_equal(config_can_die(&eff, NULL), 0);
	config_free(&eff);
}

/* The settings of terminals, readiness, order and the daemon's log. */
static void
test_new_settings(void **state)
{
	static const char *const pairs[] = {
		"TFRUN_ISOLATE", "yes", "TFRUN_TTY", "never",
		"TFRUN_STDIN", "web.3", "TFRUN_LOG_FILE", "/var/log/t.log",
		NULL
	};
	struct vars v = { pairs };
	const struct config_type *t;
	struct config c;
	char *cause;

	parse_ok(&c,
	    "[tfrun]\n"				/* 1 */
	    "isolate = true\n"			/* 2 */
	    "tty = always\n"			/* 3 */
	    "log_file = app.log\n"		/* 4 */
	    "[process.web]\n"			/* 5 */
	    "tty = never\n"			/* 6 */
	    "stdin = true\n"			/* 7 */
	    "ready = http://127.0.0.1:$PORT/health\n"	/* 8 */
	    "ready_interval = 0.1\n"		/* 9 */
	    "ready_timeout = 30\n"		/* 10 */
	    "after = db, release:done\n"	/* 11 */
	    "[process.release]\n"		/* 12 */
	    "oneshot = true\n");		/* 13 */
	assert_int_equal(c.isolate, 1);
	assert_int_equal(c.tty, CONFIG_TTY_ALWAYS);
	assert_string_equal(c.log_file, "app.log");
	assert_string_equal(origin(&c, CONFIG_LOG_FILE), "tfrun.ini:4");
	t = config_type_find(&c, "web");
	assert_int_equal(t->tty, CONFIG_TTY_NEVER);
	assert_int_equal(t->stdin_wanted, 1);
	assert_int_equal(t->line_of[config_field_index(CONFIG_TYPE_STDIN)], 7);
	assert_string_equal(t->ready, "http://127.0.0.1:$PORT/health");
	assert_true(t->ready_interval_ms == 100);
	assert_true(t->ready_timeout_ms == 30000);
	assert_string_equal(t->after, "db, release:done");
	assert_int_equal(t->line_of[config_field_index(CONFIG_TYPE_AFTER)], 11);
	t = config_type_find(&c, "release");
	assert_int_equal(t->oneshot, 1);
	assert_int_equal(t->set, CONFIG_TYPE_ONESHOT);
	config_free(&c);

	config_init(&c);
	assert_int_equal(config_from_env(getvar, &v, &c, &cause), 0);
	assert_int_equal(c.isolate, 1);
	assert_int_equal(c.tty, CONFIG_TTY_NEVER);
	assert_string_equal(c.stdin_name, "web.3");
	assert_string_equal(c.log_file, "/var/log/t.log");
	assert_string_equal(origin(&c, CONFIG_STDIN), "TFRUN_STDIN");
	config_free(&c);

	expect_ini_error("[tfrun]\ntty = yes\n",
	    "tfrun.ini:2: tty: 'yes' must be auto, always or never");
	expect_ini_error("[tfrun]\nstdin = web.1\n",
	    "tfrun.ini:2: unknown key 'stdin' in [tfrun]");
	expect_ini_error("[tfrun]\ndaemon = true\n",
	    "tfrun.ini:2: unknown key 'daemon' in [tfrun]");
	expect_ini_error("[process.web]\nready_interval = 0\n",
	    "tfrun.ini:2: ready_interval: '0' is not from 0.001 to 86400 "
	    "seconds");
	expect_ini_error("[process.web]\nready_timeout = x\n",
	    "tfrun.ini:2: ready_timeout: 'x' is not a number of seconds");
	expect_ini_error("[process.web]\nready = tcp:\n",
	    "tfrun.ini:2: ready: 'tcp:' is not tcp:PORT or tcp:HOST:PORT "
	    "(PORT 1-65535 or $PORT)");
	expect_ini_error("[process.web]\nafter = db:up\n",
	    "tfrun.ini:2: after: 'db:up' must be TYPE, TYPE:started, "
	    "TYPE:ready or TYPE:done");
	expect_ini_error("[process.web]\noneshot = 2\n",
	    "tfrun.ini:2: oneshot: '2' is not a boolean (true/false, yes/no, "
	    "on/off, 1/0)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_timeout),
		cmocka_unit_test(test_parse_port),
		cmocka_unit_test(test_parse_bool),
		cmocka_unit_test(test_parse_enums),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_field_index),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ini_tfrun_keys),
		cmocka_unit_test(test_ini_concurrency),
		cmocka_unit_test(test_ini_type_keys),
		cmocka_unit_test(test_ini_long_type),
		cmocka_unit_test(test_ini_merge_sections),
		cmocka_unit_test(test_ini_syntax),
		cmocka_unit_test(test_ini_list_continuation),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_ini_bad_values),
		cmocka_unit_test(test_ini_many_errors),
		cmocka_unit_test(test_ini_bad_lines),
		cmocka_unit_test(test_ini_overlay),
		cmocka_unit_test(test_env_all),
		cmocka_unit_test(test_env_empty),
		cmocka_unit_test(test_env_errors),
		cmocka_unit_test(test_apply_layers),
		cmocka_unit_test(test_apply_all_fields),
		cmocka_unit_test(test_apply_types),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_new_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
