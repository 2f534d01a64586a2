/*
 * test_sig.c: signal names and numbers, both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "sig.h"

/* Parses s, expecting success and want. */
static void
expect_sig(const char *s, int want)
{
	int sig = -12345;

	if (sig_parse(s, &sig) != 0)
		fail_msg("sig_parse(\"%s\") failed", s);
	assert_int_equal(sig, want);
}

/* Parses s, expecting failure and *sig left alone. */
static void
expect_bad(const char *s)
{
	int sig = -12345;

	if (sig_parse(s, &sig) != -1)
		fail_msg("sig_parse(\"%s\") accepted it as %d", s, sig);
	assert_int_equal(sig, -12345);
}

/* Names with the SIG prefix. */
static void
test_with_prefix(void **state)
{
	expect_sig("SIGTERM", SIGTERM);
	expect_sig("SIGINT", SIGINT);
	expect_sig("SIGHUP", SIGHUP);
	expect_sig("SIGKILL", SIGKILL);
	expect_sig("SIGQUIT", SIGQUIT);
	expect_sig("SIGUSR1", SIGUSR1);
	expect_sig("SIGUSR2", SIGUSR2);
	expect_sig("SIGWINCH", SIGWINCH);
	expect_sig("SIGCONT", SIGCONT);
	expect_sig("SIGSTOP", SIGSTOP);
	expect_sig("SIGVTALRM", SIGVTALRM);
}

/* Names without the prefix. */
static void
test_without_prefix(void **state)
{
	expect_sig("TERM", SIGTERM);
	expect_sig("INT", SIGINT);
	expect_sig("HUP", SIGHUP);
	expect_sig("KILL", SIGKILL);
	expect_sig("USR1", SIGUSR1);
	expect_sig("USR2", SIGUSR2);
	expect_sig("ALRM", SIGALRM);
	expect_sig("CHLD", SIGCHLD);
	expect_sig("PIPE", SIGPIPE);
}

/* Any case, for the prefix and the name. */
static void
test_case(void **state)
{
	expect_sig("sigterm", SIGTERM);
	expect_sig("SigTerm", SIGTERM);
	expect_sig("term", SIGTERM);
	expect_sig("usr1", SIGUSR1);
	expect_sig("sIgUsR2", SIGUSR2);
	expect_sig("Hup", SIGHUP);
}

/* Numbers from 1 to 64, named or not. */
static void
test_numbers(void **state)
{
	expect_sig("1", 1);
	expect_sig("9", 9);
	expect_sig("15", 15);
	expect_sig("34", 34);
	expect_sig("64", 64);
}

/* Anything else is refused and leaves *sig alone. */
static void
test_invalid(void **state)
{
	int sig = 7;

	expect_bad("");
	expect_bad("0");
	expect_bad("65");
	expect_bad("-1");
	expect_bad("-9");
	expect_bad("+9");
	expect_bad("15x");
	expect_bad("15 ");
	expect_bad(" 15");
	expect_bad("1e1");
	expect_bad("99999999999999999999");
	expect_bad("SIG");
	expect_bad("SIGFOO");
	expect_bad("FOO");
	expect_bad("TERMX");
	expect_bad(" TERM");
	expect_bad("TERM ");
	expect_bad("SIG TERM");
	expect_bad("SIGSIGTERM");
	expect_bad("SIG15");
	assert_int_equal(sig_parse(NULL, &sig), -1);
	assert_int_equal(sig, 7);
}

/* Names of named and unnamed signals. */
static void
test_name(void **state)
{
	assert_string_equal(sig_name(SIGTERM), "SIGTERM");
	assert_string_equal(sig_name(SIGINT), "SIGINT");
	assert_string_equal(sig_name(SIGKILL), "SIGKILL");
	assert_string_equal(sig_name(SIGUSR1), "SIGUSR1");
	assert_string_equal(sig_name(SIGHUP), "SIGHUP");
	assert_string_equal(sig_name(40), "SIG40");
	assert_string_equal(sig_name(0), "SIG0");
}

/* Every name sig_name gives parses back to its number; "SIG<n>" not. */
static void
test_round_trip(void **state)
{
	char name[16];
	int n, sig, named = 0;

	for (n = 1; n <= 64; n++) {
		snprintf(name, sizeof name, "%s", sig_name(n));
		assert_memory_equal(name, "SIG", 3);
		if (name[3] >= '0' && name[3] <= '9') {
			assert_int_equal(sig_parse(name, &sig), -1);
			continue;
		}
		named++;
		assert_int_equal(sig_parse(name, &sig), 0);
		assert_int_equal(sig, n);
		assert_int_equal(sig_parse(name + 3, &sig), 0);
		assert_int_equal(sig, n);
	}
	assert_true(named >= 29);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_with_prefix),
		cmocka_unit_test(test_without_prefix),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
