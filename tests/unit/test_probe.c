/*
 * test_probe.c: readiness probes and after lists (SPEC section 6b): every
 * probe form, the messages for bad ones word for word, $PORT and $PS per
 * instance, and after lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "probe.h"

/* Parses s, which must succeed, into p. */
static void
parse_ok(const char *s, struct probe *p)
{
	char *cause = NULL;

	if (probe_parse(s, p, &cause) != 0)
		fail_msg("'%s' refused: %s", s, cause);
	assert_null(cause);
	assert_string_equal(p->text, s);
}

/* Parses s, which must fail with exactly want. */
static void
parse_error(const char *s, const char *want)
{
	struct probe p;
	char *cause = NULL;

	if (probe_parse(s, &p, &cause) == 0)
		fail_msg("'%s' accepted", s);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	assert_int_equal(p.kind, PROBE_NONE);
	assert_null(p.text);
	free(cause);
}

/* tcp: a port, or a host and a port; $PORT kept as text. */
static void
test_tcp(void **state)
{
	struct probe p;

	parse_ok("tcp:5432", &p);
	assert_int_equal(p.kind, PROBE_TCP);
	assert_string_equal(p.host, "127.0.0.1");
	assert_string_equal(p.port, "5432");
	probe_free(&p);
	parse_ok("tcp:10.0.0.7:$PORT", &p);
	assert_string_equal(p.host, "10.0.0.7");
	assert_string_equal(p.port, "$PORT");
	probe_free(&p);
	parse_ok("tcp:localhost:80", &p);
	assert_string_equal(p.host, "localhost");
	probe_free(&p);
	parse_ok("tcp:[::1]:${PORT}", &p);
	assert_string_equal(p.host, "::1");
	assert_string_equal(p.port, "${PORT}");
	probe_free(&p);
	parse_ok("tcp:$PORT", &p);
	assert_string_equal(p.port, "$PORT");
	probe_free(&p);
	parse_ok("tcp:65535", &p);
	probe_free(&p);

	parse_error("tcp:", "'tcp:' is not tcp:PORT or tcp:HOST:PORT "
	    "(PORT 1-65535 or $PORT)");
	parse_error("tcp:0", "'tcp:0' is not tcp:PORT or tcp:HOST:PORT "
	    "(PORT 1-65535 or $PORT)");
	parse_error("tcp:65536", "'tcp:65536' is not tcp:PORT or tcp:HOST:PORT "
	    "(PORT 1-65535 or $PORT)");
	parse_error("tcp:host", "'tcp:host' is not tcp:PORT or tcp:HOST:PORT "
	    "(PORT 1-65535 or $PORT)");
	parse_error("tcp::1:80", "'tcp::1:80' is not tcp:PORT or "
	    "tcp:HOST:PORT (PORT 1-65535 or $PORT)");
	parse_error("tcp:a b:80", "'tcp:a b:80' is not tcp:PORT or "
	    "tcp:HOST:PORT (PORT 1-65535 or $PORT)");
	parse_error("tcp:$PORTS", "'tcp:$PORTS' is not tcp:PORT or "
	    "tcp:HOST:PORT (PORT 1-65535 or $PORT)");
	/* Probes do not look names up: check says so, not the first probe. */
	parse_error("tcp:db.local:5432", "'tcp:db.local:5432' names a host: "
	    "probes do not look names up (use an IP address or localhost)");
	parse_error("http://$PS.local:$PORT/", "'http://$PS.local:$PORT/' "
	    "names a host: probes do not look names up (use an IP address or "
	    "localhost)");
	parse_error("tcp:[::1", "'tcp:[::1' is not tcp:PORT or tcp:HOST:PORT "
	    "(PORT 1-65535 or $PORT)");
}

/* http://: host, optional port (80) and path (/). */
static void
test_http(void **state)
{
	struct probe p;

	parse_ok("http://127.0.0.1:$PORT/health?full=1", &p);
	assert_int_equal(p.kind, PROBE_HTTP);
	assert_string_equal(p.host, "127.0.0.1");
	assert_string_equal(p.port, "$PORT");
	assert_string_equal(p.path, "/health?full=1");
	probe_free(&p);
	parse_ok("http://localhost", &p);
	assert_string_equal(p.host, "localhost");
	assert_string_equal(p.port, "80");
	assert_string_equal(p.path, "/");
	probe_free(&p);
	parse_ok("http://[::1]:8080/", &p);
	assert_string_equal(p.host, "::1");
	assert_string_equal(p.port, "8080");
	probe_free(&p);

	parse_error("http://", "'http://' is not http://HOST:PORT/PATH "
	    "(PORT 1-65535 or $PORT)");
	parse_error("http://:80/", "'http://:80/' is not http://HOST:PORT/PATH "
	    "(PORT 1-65535 or $PORT)");
	parse_error("http://h:x/", "'http://h:x/' is not http://HOST:PORT/PATH "
	    "(PORT 1-65535 or $PORT)");
	parse_error("http://h/a b", "'http://h/a b' is not "
	    "http://HOST:PORT/PATH (PORT 1-65535 or $PORT)");
	parse_error("https://h/", "'https://h/' cannot be probed: tfrun "
	    "speaks no TLS (use tcp:HOST:PORT)");
}

/* log: a POSIX ERE checked by regcomp; exec: any command. */
static void
test_log_exec(void **state)
{
	struct probe p;
	char *cause = NULL;

	parse_ok("log:^Listening on .*:[0-9]+$", &p);
	assert_int_equal(p.kind, PROBE_LOG);
	assert_string_equal(p.arg, "^Listening on .*:[0-9]+$");
	probe_free(&p);
	parse_ok("exec:pg_isready -p $PORT", &p);
	assert_int_equal(p.kind, PROBE_EXEC);
	assert_string_equal(p.arg, "pg_isready -p $PORT");
	probe_free(&p);

	parse_error("log:", "'log:' has an empty regular expression");
	parse_error("exec: \t", "'exec: \\t' has an empty command");
	/* The regerror text is the C library's: only its start is fixed. */
	assert_int_equal(probe_parse("log:(", &p, &cause), -1);
	assert_memory_equal(cause, "'log:(' is not a valid regular "
	    "expression: ", 43);
	assert_true(strlen(cause) > 43);
	free(cause);
	/* What would make regcomp run out of memory is refused first. */
	parse_error("log:!++++", "'log:!++++' has adjacent repetition "
	    "operators, which POSIX leaves undefined");
	parse_error("log:a*{2}", "'log:a*{2}' has adjacent repetition "
	    "operators, which POSIX leaves undefined");
	parse_error("log:a{256}", "'log:a{256}' repeats more than 255 times");
	parse_error("log:((a{1,200}){1,200}){200}", "'log:((a{1,200}){1,200})"
	    "{200}' is too complex");
	parse_error("log:a{1", "'log:a{1' has a malformed interval");
	/* Empty groups count too: glibc's regcomp overflows its stack. */
	parse_error("log:((()){0,200}){1,200}", "'log:((()){0,200}){1,200}' "
	    "repeats an expression that can match nothing more than "
	    "8 times (too slow to compile)");
	/* glibc reads {,N} as {0,N} and {,} as *: they multiply as well. */
	parse_error("log:((()){,200}){1,200}", "'log:((()){,200}){1,200}' "
	    "repeats an expression that can match nothing more than "
	    "8 times (too slow to compile)");
	parse_error("log:((a{,}){,200}){,200}", "'log:((a{,}){,200}){,200}' "
	    "repeats an expression that can match nothing more than "
	    "8 times (too slow to compile)");
	parse_error("log:a{,256}", "'log:a{,256}' repeats more than 255 times");
	parse_error("log:a{,2", "'log:a{,2' has a malformed interval");
	parse_ok("log:ab{,2}c{,}d{3,}", &p);
	probe_free(&p);
	/*
	 * An interval over what can match nothing grows glibc's closures
	 * exponentially: ((()){,2}){102,} did not compile in 20 minutes.
	 */
	parse_error("log:((()){,2}){102,}", "'log:((()){,2}){102,}' repeats an "
	    "expression that can match nothing more than 8 times (too slow to "
	    "compile)");
	parse_error("log:(a?|b?){50,}", "'log:(a?|b?){50,}' repeats an "
	    "expression that can match nothing more than 8 times (too slow to "
	    "compile)");
	parse_error("log:(((()|()){8}){8}){8}", "'log:(((()|()){8}){8}){8}' nests "
	    "intervals over expressions that can match nothing (too slow to "
	    "compile)");
	parse_ok("log:((()|()){8}){8} (a|b){50} ([0-9]+ ){20}x?", &p);
	probe_free(&p);
	parse_ok("log:[+*]+ (x{2,3})+ \\++ [[:digit:]]{1,255} ]", &p);
	probe_free(&p);
	parse_error("ready", "'ready' is not a probe (tcp:PORT, "
	    "tcp:HOST:PORT, http://HOST:PORT/PATH, log:REGEX or "
	    "exec:COMMAND)");
	parse_error("", "'' is not a probe (tcp:PORT, tcp:HOST:PORT, "
	    "http://HOST:PORT/PATH, log:REGEX or exec:COMMAND)");
	parse_error("TCP:80", "'TCP:80' is not a probe (tcp:PORT, "
	    "tcp:HOST:PORT, http://HOST:PORT/PATH, log:REGEX or "
	    "exec:COMMAND)");
	parse_error("x\n:1", "'x\\x0a:1' is not a probe (tcp:PORT, "
	    "tcp:HOST:PORT, http://HOST:PORT/PATH, log:REGEX or "
	    "exec:COMMAND)");
}

/* $PORT and $PS become the instance's; exec is left to the shell. */
static void
test_expand(void **state)
{
	struct probe p, x;

	parse_ok("http://127.0.0.1:${PORT}/ready/$PS/$PORTAL", &p);
	assert_int_equal(probe_expand(&p, 5001, "web.2", &x), 0);
	assert_string_equal(x.host, "127.0.0.1");
	assert_string_equal(x.port, "5001");
	assert_string_equal(x.path, "/ready/web.2/$PORTAL");
	assert_string_equal(x.text, p.text);
	probe_free(&x);
	probe_free(&p);

	parse_ok("log:^web ($PS) on ${PORT}$", &p);
	assert_int_equal(probe_expand(&p, 80, "web.1", &x), 0);
	assert_string_equal(x.arg, "^web (web.1) on 80$");
	probe_free(&x);
	probe_free(&p);

	parse_ok("exec:check $PORT $PS", &p);
	assert_int_equal(probe_expand(&p, 80, "web.1", &x), 0);
	assert_string_equal(x.arg, "check $PORT $PS");
	probe_free(&x);
	probe_free(&p);

	parse_ok("tcp:$PORT", &p);
	assert_int_equal(probe_expand(&p, 70000, "web.1", &x), -1);
	assert_int_equal(x.kind, PROBE_NONE);
	probe_copy(&x, &p);
	assert_string_equal(x.port, "$PORT");
	probe_free(&x);
	probe_free(&p);
}

/* after lists: TYPE[:COND], blanks allowed, ready by default. */
static void
test_after(void **state)
{
	static const struct {
		const char *s, *want;
	} bad[] = {
		{ "", "'' has an empty item" },
		{ "db,", "'db,' has an empty item" },
		{ "db, ,x", "'db, ,x' has an empty item" },
		{ "db.1", "'db.1' is not a valid process type name" },
		{ ":ready", "'' is not a valid process type name" },
		{ "db:up", "'db:up' must be TYPE, TYPE:started, TYPE:ready or "
		    "TYPE:done" },
		{ "db:", "'db:' must be TYPE, TYPE:started, TYPE:ready or "
		    "TYPE:done" },
		{ "db, db:done", "'db' is named twice" },
	};
	struct probe_after *v;
	char *cause;
	size_t i, n;

	assert_int_equal(probe_after_parse(" db:ready,release:done ,\tcache "
	    ", mq:started", &v, &n, &cause), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].type, "db");
	assert_int_equal(v[0].cond, PROBE_READY);
	assert_string_equal(v[1].type, "release");
	assert_int_equal(v[1].cond, PROBE_DONE);
	assert_string_equal(v[2].type, "cache");
	assert_int_equal(v[2].cond, PROBE_READY);
	assert_int_equal(v[3].cond, PROBE_STARTED);
	probe_after_free(v, n);
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		if (probe_after_parse(bad[i].s, &v, &n, &cause) == 0)
			fail_msg("'%s' accepted", bad[i].s);
		assert_string_equal(cause, bad[i].want);
		free(cause);
	}
	assert_string_equal(probe_cond_name(PROBE_STARTED), "started");
	assert_string_equal(probe_cond_name(PROBE_READY), "ready");
	assert_string_equal(probe_cond_name(PROBE_DONE), "done");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_log_exec),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
