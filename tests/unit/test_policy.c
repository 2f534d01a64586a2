/*
 * test_policy.c: the restart and stop decisions of SPEC section 6.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy.h"

/* Under `never`, any end stops the formation unless the type may die. */
static void
test_never(void **state)
{
	unsigned q = 0;

	(void)state;
	assert_int_equal(policy_on_exit(CONFIG_RESTART_NEVER, 0, 0, 50, &q),
	    POLICY_STOP_ALL);
	assert_int_equal(policy_on_exit(CONFIG_RESTART_NEVER, 0, 3, 50, &q),
	    POLICY_STOP_ALL);
	assert_int_equal(policy_on_exit(CONFIG_RESTART_NEVER, 1, 3, 50, &q),
	    POLICY_LEAVE);
	assert_int_equal(q, 0);
}

/* Under `on-failure`, status 0 is left alone and stops nothing. */
static void
test_on_failure(void **state)
{
	unsigned q = 0;

	(void)state;
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ON_FAILURE, 0, 0, 50,
	    &q), POLICY_LEAVE);
	assert_int_equal(q, 0);
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ON_FAILURE, 0, 1, 50,
	    &q), POLICY_RESTART);
	assert_int_equal(q, 1);
	/* A signal (128 + n) is a failure too. */
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ON_FAILURE, 0, 143, 50,
	    &q), POLICY_RESTART);
	assert_int_equal(q, 2);
}

/*
 * Under `always`, even a clean exit restarts, and it is not a failure: a
 * quick job that succeeds every time is restarted forever, 1 s apart.
 */
static void
test_always(void **state)
{
	unsigned q = 0, i;

	(void)state;
	for (i = 0; i < 3 * POLICY_MAX_FAILURES; i++) {
		assert_int_equal(policy_on_exit(CONFIG_RESTART_ALWAYS, 0, 0,
		    50, &q), POLICY_RESTART);
		assert_int_equal(q, 0);
		assert_int_equal(policy_backoff_ms(q), POLICY_FIRST_DELAY_MS);
	}
	/* A clean exit also ends a streak of failures. */
	q = POLICY_MAX_FAILURES - 1;
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ALWAYS, 0, 0, 50, &q),
	    POLICY_RESTART);
	assert_int_equal(q, 0);
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ALWAYS, 0, 1, 50, &q),
	    POLICY_RESTART);
	assert_int_equal(q, 1);
}

/* Ten quick failures in a row give up; a long run resets the streak. */
static void
test_give_up_and_reset(void **state)
{
	unsigned q = 0, i;

	(void)state;
	for (i = 1; i < POLICY_MAX_FAILURES; i++)
		assert_int_equal(policy_on_exit(CONFIG_RESTART_ALWAYS, 0, 1,
		    100, &q), POLICY_RESTART);
	assert_int_equal(q, POLICY_MAX_FAILURES - 1);
	/* A run of ten seconds resets the count before counting itself. */
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ALWAYS, 0, 1,
	    POLICY_STABLE_MS, &q), POLICY_RESTART);
	assert_int_equal(q, 1);
	q = POLICY_MAX_FAILURES - 1;
	assert_int_equal(policy_on_exit(CONFIG_RESTART_ALWAYS, 0, 1, 100, &q),
	    POLICY_GIVE_UP);
	assert_int_equal(policy_after_give_up(0), POLICY_STOP_ALL);
	assert_int_equal(policy_after_give_up(1), POLICY_LEAVE);
}

/* The delay doubles from 1 s and is capped at 30 s. */
static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(policy_backoff_ms(1), 1000);
	assert_int_equal(policy_backoff_ms(2), 2000);
	assert_int_equal(policy_backoff_ms(3), 4000);
	assert_int_equal(policy_backoff_ms(5), 16000);
	assert_int_equal(policy_backoff_ms(6), 30000);
	assert_int_equal(policy_backoff_ms(40), 30000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_on_failure),
		cmocka_unit_test(test_always),
		cmocka_unit_test(test_give_up_and_reset),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
