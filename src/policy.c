/*
 * policy.c: the restart and stop decisions of SPEC section 6.
 */
#include "policy.h"

/* Decides what an ended run leads to; see policy.h. */
enum policy_action
policy_on_exit(enum config_restart restart, int can_die, int status,
    uint64_t ran_ms, unsigned *quick_failures)
{
	int restart_it;

	switch (restart) {
	case CONFIG_RESTART_ALWAYS:
		/*
		 * A clean exit is not a failure: a job that succeeds every
		 * few seconds is restarted forever, after the first delay.
		 */
		if (status == 0) {
			*quick_failures = 0;
			return POLICY_RESTART;
		}
		restart_it = 1;
		break;
	case CONFIG_RESTART_ON_FAILURE:
		restart_it = status != 0;
		/* A clean exit under on-failure is not restarted, and stops nothing. */
		if (!restart_it)
			return POLICY_LEAVE;
		break;
	default:
		restart_it = 0;
		break;
	}
	if (!restart_it)
		return can_die ? POLICY_LEAVE : POLICY_STOP_ALL;
	if (ran_ms >= POLICY_STABLE_MS)
		*quick_failures = 0;
	if (++*quick_failures >= POLICY_MAX_FAILURES)
		return POLICY_GIVE_UP;
	return POLICY_RESTART;
}

/* What follows giving up. */
enum policy_action
policy_after_give_up(int can_die)
{
	return can_die ? POLICY_LEAVE : POLICY_STOP_ALL;
}

/* Doubles from one second, capped at thirty. */
uint64_t
policy_backoff_ms(unsigned k)
{
	uint64_t ms = POLICY_FIRST_DELAY_MS;

	while (k-- > 1 && ms < POLICY_MAX_DELAY_MS)
		ms *= 2;
	return ms > POLICY_MAX_DELAY_MS ? POLICY_MAX_DELAY_MS : ms;
}
