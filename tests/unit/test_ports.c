/*
 * test_ports.c: unit tests for the PORT rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>

#include "ports.h"

/* Returns the port, failing the test when ports_for refuses. */
static long
port_ok(long base, long step, size_t index, long n)
{
	long port = -1;

	assert_int_equal(ports_for(base, step, index, n, &port), 0);
	return port;
}

/* Checks that ports_for refuses and leaves *port alone. */
static void
port_refused(long base, long step, size_t index, long n)
{
	long port = 4242;

	assert_int_equal(ports_for(base, step, index, n, &port), -1);
	assert_int_equal(port, 4242);
}

/* foreman's rule: base + step * index + (n - 1). */
static void
test_rule(void **state)
{
	assert_int_equal(port_ok(5000, 100, 0, 1), 5000);
	assert_int_equal(port_ok(5000, 100, 0, 2), 5001);
	assert_int_equal(port_ok(5000, 100, 1, 1), 5100);
	assert_int_equal(port_ok(5000, 100, 2, 3), 5202);
	assert_int_equal(port_ok(3000, 10, 4, 10), 3049);
	assert_int_equal(port_ok(1, 1, 0, 1), 1);
}

/* 65535 is the last valid port; one more is refused. */
static void
test_upper_edge(void **state)
{
	assert_int_equal(port_ok(65535, 100, 0, 1), 65535);
	assert_int_equal(port_ok(65435, 100, 1, 1), 65535);
	assert_int_equal(port_ok(65400, 100, 1, 36), 65535);
	assert_int_equal(port_ok(65000, 100, 5, 36), 65535);
	port_refused(65535, 100, 0, 2);
	port_refused(65436, 100, 1, 1);
	port_refused(65400, 100, 1, 37);
	port_refused(65000, 100, 5, 37);
	port_refused(65536, 100, 0, 1);
}

/* Out-of-range inputs are refused. */
static void
test_bad_inputs(void **state)
{
	port_refused(0, 100, 0, 1);
	port_refused(-5000, 100, 0, 1);
	port_refused(5000, 0, 0, 1);
	port_refused(5000, -100, 1, 1);
	port_refused(5000, 100, 0, 0);
	port_refused(5000, 100, 0, -1);
}

/* Huge values are refused without overflowing. */
static void
test_no_overflow(void **state)
{
	port_refused(LONG_MAX, 100, 0, 1);
	port_refused(5000, LONG_MAX, 1, 1);
	port_refused(5000, 100, SIZE_MAX, 1);
	port_refused(5000, LONG_MAX, SIZE_MAX, LONG_MAX);
	port_refused(5000, 100, 0, LONG_MAX);
	port_refused(5000, 2, (size_t)LONG_MAX / 2 + 1, 1);
	/* Index 0 with a huge step is fine: the step is never used. */
	assert_int_equal(port_ok(5000, LONG_MAX, 0, 3), 5002);
}

/* Runs every test of this module. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_upper_edge),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_no_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
