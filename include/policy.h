/*
 * policy.h: what happens when an instance ends (SPEC section 6). Pure, so
 * the whole decision table is unit-tested without spawning anything.
 */
#ifndef TFRUN_POLICY_H
#define TFRUN_POLICY_H

#include <stdint.h>

#include "config.h"

#define POLICY_FIRST_DELAY_MS 1000
#define POLICY_MAX_DELAY_MS 30000
#define POLICY_STABLE_MS 10000 /* a run this long resets the backoff */
#define POLICY_MAX_FAILURES 10 /* failed starts in a row before giving up */

enum policy_action {
	POLICY_RESTART,  /* start it again after policy_backoff_ms */
	POLICY_LEAVE,    /* it stays ended; the rest go on */
	POLICY_STOP_ALL, /* its end stops the formation */
	POLICY_GIVE_UP   /* too many failed starts: log, then LEAVE or STOP_ALL */
};

/*
 * Decides after a run of an instance ended on its own with status (exit
 * code or 128+signal), having lasted ran_ms, after quick_failures quick
 * failed runs in a row before this one (updated in place).
 */
enum policy_action policy_on_exit(enum config_restart restart, int can_die,
    int status, uint64_t ran_ms, unsigned *quick_failures);

/* What a given-up instance does next: LEAVE if it may die, else STOP_ALL. */
enum policy_action policy_after_give_up(int can_die);

/* The delay before restart number k (from 1) of a quick-failure streak. */
uint64_t policy_backoff_ms(unsigned k);

#endif
