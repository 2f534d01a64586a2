/*
 * test_fsm.c: the instance state table, one test per (state, event) pair
 * it defines (several for pairs whose outcome depends on the policy), and
 * a test that every pair it does not define is rejected without effect.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fsm.h"
#include "policy.h"

#define END (-1)

/* Variations of the initial instance and of the policy. */
enum {
	F_LEADER = 1 << 0,    /* the leader lives */
	F_GROUP = 1 << 1,     /* its group has members */
	F_PROBE = 1 << 2,     /* the type has a readiness probe */
	F_SHUTDOWN = 1 << 3,  /* the formation is stopping */
	F_CAN_DIE = 1 << 4,
	F_ONESHOT = 1 << 5,
	F_ON_FAILURE = 1 << 6,
	F_ALWAYS = 1 << 7,
	F_SCALE = 1 << 8,     /* STOP: a scale-down; STOPPING: for one */
	F_NOT_READY = 1 << 9, /* STOPPING: because its probe failed */
	F_QUICK9 = 1 << 10,   /* nine quick failures already */
	F_EV_GROUP = 1 << 11, /* EXITED: members of the group are left */
	F_DEPS = 1 << 12      /* the type starts after others */
};

struct row {
	const char *name;
	enum fsm_state from;
	enum fsm_event event;
	unsigned flags;
	int status;
	enum fsm_state to;
	int actions[FSM_MAX_ACTIONS + 1]; /* kinds, then END */
};

static const struct row rows[] = {
	{ "waiting start, no probe: spawn, running", FSM_WAITING,
	    FSM_EV_START, 0, 0, FSM_RUNNING, { FSM_SPAWN, END } },
	{ "waiting start, a probe: spawn, starting", FSM_WAITING,
	    FSM_EV_START, F_PROBE, 0, FSM_STARTING, { FSM_SPAWN, END } },
	{ "waiting stop: exited, nothing to signal", FSM_WAITING,
	    FSM_EV_STOP, 0, 0, FSM_EXITED, { END } },
	{ "waiting stop for a scale-down: removed", FSM_WAITING,
	    FSM_EV_STOP, F_SCALE, 0, FSM_EXITED, { FSM_REMOVE, END } },
	{ "waiting restart: still waits for its dependencies", FSM_WAITING,
	    FSM_EV_RESTART, 0, 0, FSM_WAITING, { END } },
	{ "waiting dependency failed: failed, logged", FSM_WAITING,
	    FSM_EV_DEP_FAILED, 0, 0, FSM_FAILED, { FSM_LOG, END } },

	{ "starting spawned: the probe starts", FSM_STARTING,
	    FSM_EV_SPAWNED, F_LEADER | F_PROBE, 0, FSM_STARTING,
	    { FSM_PROBE_START, END } },
	{ "starting spawn failed, never: stops the formation", FSM_STARTING,
	    FSM_EV_SPAWN_FAILED, F_LEADER | F_PROBE, 127, FSM_EXITED,
	    { FSM_ENDED, FSM_STOP_ALL, END } },
	{ "starting exited, never: probe stopped, formation stopped",
	    FSM_STARTING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_PROBE, 1,
	    FSM_EXITED, { FSM_PROBE_STOP, FSM_ENDED, FSM_STOP_ALL, END } },
	{ "starting stop: probe stopped, stop signal, deadline",
	    FSM_STARTING, FSM_EV_STOP, F_LEADER | F_GROUP | F_PROBE, 0,
	    FSM_STOPPING, { FSM_PROBE_STOP, FSM_STOP_SIGNAL, FSM_ARM, END } },
	{ "starting kill: SIGKILL now", FSM_STARTING, FSM_EV_KILL,
	    F_LEADER | F_GROUP | F_PROBE, 0, FSM_STOPPING,
	    { FSM_PROBE_STOP, FSM_DISARM, FSM_SIGNAL, END } },
	{ "starting restart: stop, then again", FSM_STARTING,
	    FSM_EV_RESTART, F_LEADER | F_GROUP | F_PROBE, 0, FSM_RESTARTING,
	    { FSM_PROBE_STOP, FSM_STOP_SIGNAL, FSM_ARM, END } },
	{ "starting ready: ready, logged", FSM_STARTING, FSM_EV_READY,
	    F_LEADER | F_GROUP | F_PROBE, 0, FSM_READY,
	    { FSM_PROBE_STOP, FSM_LOG, END } },
	{ "starting not ready in time: logged and stopped", FSM_STARTING,
	    FSM_EV_NOT_READY, F_LEADER | F_GROUP | F_PROBE, 0, FSM_STOPPING,
	    { FSM_PROBE_STOP, FSM_LOG, FSM_STOP_SIGNAL, FSM_ARM, END } },

	{ "running spawned: nothing to do", FSM_RUNNING, FSM_EV_SPAWNED,
	    F_LEADER, 0, FSM_RUNNING, { END } },
	{ "running spawn failed, on-failure: backoff", FSM_RUNNING,
	    FSM_EV_SPAWN_FAILED, F_LEADER | F_ON_FAILURE, 127, FSM_BACKOFF,
	    { FSM_ENDED, FSM_LOG, FSM_ARM, END } },
	{ "running exited 0, may die: exited", FSM_RUNNING, FSM_EV_EXITED,
	    F_LEADER | F_GROUP | F_CAN_DIE, 0, FSM_EXITED,
	    { FSM_ENDED, END } },
	{ "running exited 0, never: the formation stops", FSM_RUNNING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP, 0, FSM_EXITED,
	    { FSM_ENDED, FSM_STOP_ALL, END } },
	{ "running exited 3, on-failure, group left: killed, backoff",
	    FSM_RUNNING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_ON_FAILURE |
	    F_EV_GROUP, 3, FSM_BACKOFF,
	    { FSM_ENDED, FSM_SIGNAL, FSM_LOG, FSM_ARM, END } },
	{ "running exited 0, on-failure: exited, stops nothing", FSM_RUNNING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_ON_FAILURE, 0, FSM_EXITED,
	    { FSM_ENDED, END } },
	{ "running exited 0, always: restarted, not a failure", FSM_RUNNING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_ALWAYS, 0, FSM_BACKOFF,
	    { FSM_ENDED, FSM_LOG, FSM_ARM, END } },
	{ "running one-shot exited 0, always: done, not restarted",
	    FSM_RUNNING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_ONESHOT |
	    F_ALWAYS, 0, FSM_EXITED, { FSM_ENDED, END } },
	{ "running one-shot exited 1: the formation stops", FSM_RUNNING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_ONESHOT, 1, FSM_EXITED,
	    { FSM_ENDED, FSM_STOP_ALL, END } },
	{ "running tenth quick failure: given up, formation stopped",
	    FSM_RUNNING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_ON_FAILURE |
	    F_QUICK9, 1, FSM_FAILED,
	    { FSM_ENDED, FSM_LOG, FSM_STOP_ALL, END } },
	{ "running exited during a shutdown: exited, nothing more",
	    FSM_RUNNING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_ALWAYS |
	    F_SHUTDOWN, 1, FSM_EXITED, { FSM_ENDED, END } },
	{ "running stop: stop signal, deadline", FSM_RUNNING, FSM_EV_STOP,
	    F_LEADER | F_GROUP, 0, FSM_STOPPING,
	    { FSM_STOP_SIGNAL, FSM_ARM, END } },
	{ "running kill: SIGKILL now", FSM_RUNNING, FSM_EV_KILL,
	    F_LEADER | F_GROUP, 0, FSM_STOPPING,
	    { FSM_DISARM, FSM_SIGNAL, END } },
	{ "running restart: stop, then again", FSM_RUNNING, FSM_EV_RESTART,
	    F_LEADER | F_GROUP, 0, FSM_RESTARTING,
	    { FSM_STOP_SIGNAL, FSM_ARM, END } },

	{ "ready exited 2, never: the formation stops", FSM_READY,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_PROBE, 2, FSM_EXITED,
	    { FSM_ENDED, FSM_STOP_ALL, END } },
	{ "ready stop: stop signal, deadline", FSM_READY, FSM_EV_STOP,
	    F_LEADER | F_GROUP | F_PROBE, 0, FSM_STOPPING,
	    { FSM_STOP_SIGNAL, FSM_ARM, END } },
	{ "ready kill: SIGKILL now", FSM_READY, FSM_EV_KILL,
	    F_LEADER | F_GROUP | F_PROBE, 0, FSM_STOPPING,
	    { FSM_DISARM, FSM_SIGNAL, END } },
	{ "ready restart: stop, then again", FSM_READY, FSM_EV_RESTART,
	    F_LEADER | F_GROUP | F_PROBE, 0, FSM_RESTARTING,
	    { FSM_STOP_SIGNAL, FSM_ARM, END } },

	{ "stopping exited, group gone: exited", FSM_STOPPING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP, 143, FSM_EXITED,
	    { FSM_ENDED, FSM_DISARM, END } },
	{ "stopping exited, group left: still stopping", FSM_STOPPING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_EV_GROUP, 143,
	    FSM_STOPPING, { FSM_ENDED, END } },
	{ "stopping for a scale-down, exited: removed", FSM_STOPPING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_SCALE, 143, FSM_EXITED,
	    { FSM_ENDED, FSM_DISARM, FSM_REMOVE, END } },
	{ "stopping as not ready, exited, on-failure: a failure, backoff",
	    FSM_STOPPING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_NOT_READY |
	    F_ON_FAILURE, 143, FSM_BACKOFF,
	    { FSM_ENDED, FSM_DISARM, FSM_LOG, FSM_ARM, END } },
	{ "stopping, group emptied after the leader: exited", FSM_STOPPING,
	    FSM_EV_GROUP_EMPTY, F_GROUP, 0, FSM_EXITED, { FSM_DISARM, END } },
	{ "stopping, group emptied, leader alive: still stopping",
	    FSM_STOPPING, FSM_EV_GROUP_EMPTY, F_LEADER | F_GROUP, 0,
	    FSM_STOPPING, { END } },
	{ "stopping deadline: SIGKILL, logged", FSM_STOPPING,
	    FSM_EV_DEADLINE, F_LEADER | F_GROUP, 0, FSM_STOPPING,
	    { FSM_LOG, FSM_SIGNAL, END } },
	{ "stopping, stop again: nothing new", FSM_STOPPING, FSM_EV_STOP,
	    F_LEADER | F_GROUP | F_SCALE, 0, FSM_STOPPING, { END } },
	{ "stopping kill: SIGKILL now", FSM_STOPPING, FSM_EV_KILL,
	    F_LEADER | F_GROUP, 0, FSM_STOPPING,
	    { FSM_DISARM, FSM_SIGNAL, END } },
	{ "stopping restart: start again once stopped", FSM_STOPPING,
	    FSM_EV_RESTART, F_LEADER | F_GROUP, 0, FSM_RESTARTING, { END } },

	{ "restarting exited: the new run is spawned", FSM_RESTARTING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP, 143, FSM_RUNNING,
	    { FSM_ENDED, FSM_DISARM, FSM_SPAWN, END } },
	{ "restarting exited, after others: waits for them again",
	    FSM_RESTARTING, FSM_EV_EXITED, F_LEADER | F_GROUP | F_DEPS, 143,
	    FSM_WAITING, { FSM_ENDED, FSM_DISARM, END } },
	{ "restarting exited during a shutdown: exited", FSM_RESTARTING,
	    FSM_EV_EXITED, F_LEADER | F_GROUP | F_SHUTDOWN, 143, FSM_EXITED,
	    { FSM_ENDED, FSM_DISARM, END } },
	{ "restarting, group emptied: noted", FSM_RESTARTING,
	    FSM_EV_GROUP_EMPTY, F_LEADER | F_GROUP, 0, FSM_RESTARTING,
	    { END } },
	{ "restarting deadline: SIGKILL, logged", FSM_RESTARTING,
	    FSM_EV_DEADLINE, F_LEADER | F_GROUP, 0, FSM_RESTARTING,
	    { FSM_LOG, FSM_SIGNAL, END } },
	{ "restarting stop: stopping for good", FSM_RESTARTING, FSM_EV_STOP,
	    F_LEADER | F_GROUP, 0, FSM_STOPPING, { END } },
	{ "restarting kill: SIGKILL now", FSM_RESTARTING, FSM_EV_KILL,
	    F_LEADER | F_GROUP, 0, FSM_STOPPING,
	    { FSM_DISARM, FSM_SIGNAL, END } },
	{ "restarting restart: already", FSM_RESTARTING, FSM_EV_RESTART,
	    F_LEADER | F_GROUP, 0, FSM_RESTARTING, { END } },

	{ "backoff, group emptied: noted", FSM_BACKOFF, FSM_EV_GROUP_EMPTY,
	    F_GROUP, 0, FSM_BACKOFF, { END } },
	{ "backoff deadline: spawned again", FSM_BACKOFF, FSM_EV_DEADLINE,
	    0, 0, FSM_RUNNING, { FSM_SPAWN, END } },
	{ "backoff deadline during a shutdown: exited", FSM_BACKOFF,
	    FSM_EV_DEADLINE, F_SHUTDOWN, 0, FSM_EXITED, { END } },
	{ "backoff stop: the restart is cancelled", FSM_BACKOFF,
	    FSM_EV_STOP, 0, 0, FSM_EXITED, { FSM_DISARM, END } },
	{ "backoff stop for a scale-down: removed", FSM_BACKOFF,
	    FSM_EV_STOP, F_SCALE, 0, FSM_EXITED,
	    { FSM_DISARM, FSM_REMOVE, END } },
	{ "backoff kill: cancelled, nothing to kill", FSM_BACKOFF,
	    FSM_EV_KILL, 0, 0, FSM_EXITED, { FSM_DISARM, END } },
	{ "backoff restart: spawned at once", FSM_BACKOFF, FSM_EV_RESTART,
	    0, 0, FSM_RUNNING, { FSM_DISARM, FSM_SPAWN, END } },

	{ "exited, group emptied: noted", FSM_EXITED, FSM_EV_GROUP_EMPTY,
	    F_GROUP, 0, FSM_EXITED, { END } },
	{ "exited stop with members left: they are stopped", FSM_EXITED,
	    FSM_EV_STOP, F_GROUP, 0, FSM_STOPPING,
	    { FSM_STOP_SIGNAL, FSM_ARM, END } },
	{ "exited stop for a scale-down: removed", FSM_EXITED, FSM_EV_STOP,
	    F_SCALE, 0, FSM_EXITED, { FSM_REMOVE, END } },
	{ "exited kill with members left: SIGKILL", FSM_EXITED,
	    FSM_EV_KILL, F_GROUP, 0, FSM_EXITED,
	    { FSM_DISARM, FSM_SIGNAL, END } },
	{ "exited restart: a stopped instance starts", FSM_EXITED,
	    FSM_EV_RESTART, 0, 0, FSM_RUNNING, { FSM_SPAWN, END } },
	{ "exited restart, after others: waits for them", FSM_EXITED,
	    FSM_EV_RESTART, F_DEPS, 0, FSM_WAITING, { END } },

	{ "failed, group emptied: noted", FSM_FAILED, FSM_EV_GROUP_EMPTY,
	    F_GROUP, 0, FSM_FAILED, { END } },
	{ "failed stop: nothing to stop", FSM_FAILED, FSM_EV_STOP, 0, 0,
	    FSM_FAILED, { END } },
	{ "failed kill: nothing to kill", FSM_FAILED, FSM_EV_KILL, 0, 0,
	    FSM_FAILED, { FSM_DISARM, END } },
	{ "failed restart: given another chance", FSM_FAILED,
	    FSM_EV_RESTART, 0, 0, FSM_RUNNING, { FSM_SPAWN, END } },
};

/* Builds the instance, policy and event a row describes. */
static void
setup(const struct row *r, struct fsm *f, struct fsm_policy *pol,
    struct fsm_event_data *ev)
{
	fsm_init(f);
	f->state = r->from;
	f->leader = (r->flags & F_LEADER) != 0;
	f->group = (r->flags & F_GROUP) != 0;
	f->started = r->from != FSM_WAITING;
	f->quick_failures = (r->flags & F_QUICK9) ? POLICY_MAX_FAILURES - 1 : 0;
	if (r->from == FSM_STOPPING) {
		f->stop = (r->flags & F_SCALE) ? FSM_STOP_SCALE :
		    FSM_STOP_SHUTDOWN;
		if (r->flags & F_NOT_READY)
			f->stop = FSM_STOP_FAILED;
	}
	memset(pol, 0, sizeof *pol);
	pol->restart = (r->flags & F_ALWAYS) ? CONFIG_RESTART_ALWAYS :
	    (r->flags & F_ON_FAILURE) ? CONFIG_RESTART_ON_FAILURE :
	    CONFIG_RESTART_NEVER;
	pol->can_die = (r->flags & F_CAN_DIE) != 0;
	pol->oneshot = (r->flags & F_ONESHOT) != 0;
	pol->has_probe = (r->flags & F_PROBE) != 0;
	pol->shutdown = (r->flags & F_SHUTDOWN) != 0;
	pol->has_deps = (r->flags & F_DEPS) != 0;
	pol->timeout_ms = 5000;
	memset(ev, 0, sizeof *ev);
	ev->event = r->event;
	ev->status = r->status;
	ev->ran_ms = 100;
	ev->group_alive = (r->flags & F_EV_GROUP) != 0;
	ev->stop = (r->event == FSM_EV_STOP && (r->flags & F_SCALE)) ?
	    FSM_STOP_SCALE : FSM_STOP_SHUTDOWN;
}

/* One row: the new state and exactly the actions expected, in order. */
static void
test_row(void **state)
{
	const struct row *r = *state;
	struct fsm_event_data ev;
	struct fsm_policy pol;
	struct fsm_actions out;
	struct fsm f;
	size_t i;

	setup(r, &f, &pol, &ev);
	assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
	assert_string_equal(fsm_state_name(f.state), fsm_state_name(r->to));
	assert_int_equal(f.state, r->to);
	for (i = 0; r->actions[i] != END; i++) {
		assert_true(i < out.n);
		assert_int_equal(out.v[i].kind, r->actions[i]);
	}
	assert_int_equal(out.n, i);
}

/* Pairs the table does not define are rejected, with no effect at all. */
static void
test_undefined_rejected(void **state)
{
	struct fsm_event_data ev;
	struct fsm_policy pol;
	struct fsm_actions out;
	struct fsm f, before;
	int s, e, undefined = 0;

	(void)state;
	memset(&pol, 0, sizeof pol);
	for (s = 0; s < FSM_NSTATES; s++) {
		for (e = 0; e < FSM_NEVENTS; e++) {
			if (fsm_defined((enum fsm_state)s, (enum fsm_event)e))
				continue;
			undefined++;
			fsm_init(&f);
			f.state = (enum fsm_state)s;
			f.leader = f.group = 1;
			before = f;
			memset(&ev, 0, sizeof ev);
			ev.event = (enum fsm_event)e;
			out.n = 3;
			assert_int_equal(fsm_step(&f, &pol, &ev, &out), -1);
			assert_int_equal(out.n, 0);
			assert_memory_equal(&f, &before, sizeof f);
		}
	}
	/* The pairs that make no sense, e.g. READY in RUNNING, or START twice. */
	assert_false(fsm_defined(FSM_RUNNING, FSM_EV_READY));
	assert_false(fsm_defined(FSM_RUNNING, FSM_EV_START));
	assert_false(fsm_defined(FSM_EXITED, FSM_EV_DEADLINE));
	assert_true(undefined > 40);
	assert_int_equal(fsm_defined(FSM_NSTATES, FSM_EV_START), 0);
}

/* Every pair the table defines has at least one row above. */
static void
test_every_defined_pair_is_tested(void **state)
{
	int s, e, found;
	size_t i;

	(void)state;
	for (s = 0; s < FSM_NSTATES; s++) {
		for (e = 0; e < FSM_NEVENTS; e++) {
			if (!fsm_defined((enum fsm_state)s, (enum fsm_event)e))
				continue;
			found = 0;
			for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
				found |= (int)rows[i].from == s && (int)rows[i].event == e;
			if (!found)
				fail_msg("(%s, event %d) has no row",
				    fsm_state_name((enum fsm_state)s), e);
		}
	}
}

/* Starts f afresh under pol: ev is cleared and START is fed. */
static void
fsm_begin(struct fsm *f, const struct fsm_policy *pol,
    struct fsm_event_data *ev, struct fsm_actions *out)
{
	fsm_init(f);
	memset(ev, 0, sizeof *ev);
	ev->event = FSM_EV_START;
	assert_int_equal(fsm_step(f, pol, ev, out), 0);
}

/* The stop signal and deadline, then SIGKILL, then the end: a whole stop. */
static void
test_whole_stop(void **state)
{
	struct fsm_policy pol = { CONFIG_RESTART_NEVER, 0, 0, 0, 2500, 1, 0 };
	struct fsm_event_data ev;
	struct fsm_actions out;
	struct fsm f;

	(void)state;
	fsm_begin(&f, &pol, &ev, &out);
	ev.event = FSM_EV_SPAWNED;
	assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
	assert_true(fsm_live(&f));
	assert_true(fsm_is_ready(&f));
	ev.event = FSM_EV_STOP;
	assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
	assert_int_equal(out.v[1].kind, FSM_ARM);
	assert_int_equal(out.v[1].ms, 2500);
	ev.event = FSM_EV_DEADLINE;
	assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
	assert_int_equal(out.v[1].kind, FSM_SIGNAL);
	assert_int_equal(out.v[1].arg, SIGKILL);
	ev.event = FSM_EV_EXITED;
	ev.status = 128 + SIGKILL;
	assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
	assert_int_equal(out.v[0].kind, FSM_ENDED);
	assert_int_equal(out.v[0].arg, 137);
	assert_int_equal(f.state, FSM_EXITED);
	assert_false(fsm_live(&f));
	assert_int_equal(f.restarts, 0);
	assert_string_equal(fsm_state_name(f.state), "exited");
}

/*
 * Not ready in time under `never`: the formation stops with the instance's
 * status, and with 1 when the stop made it exit 0 (a failed run all the
 * same, SPEC section 6b).
 */
static void
test_not_ready_is_a_failure(void **state)
{
	struct fsm_policy pol = { CONFIG_RESTART_NEVER, 0, 0, 1, 2500, 0, 0 };
	struct fsm_event_data ev;
	struct fsm_actions out;
	struct fsm f;
	int status, i, want[2] = { 1, 143 }, stops;
	size_t k;

	(void)state;
	for (i = 0; i < 2; i++) {
		status = i == 0 ? 0 : 143;
		fsm_begin(&f, &pol, &ev, &out);
		ev.event = FSM_EV_SPAWNED;
		fsm_step(&f, &pol, &ev, &out);
		ev.event = FSM_EV_NOT_READY;
		assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
		ev.event = FSM_EV_EXITED;
		ev.status = status;
		assert_int_equal(fsm_step(&f, &pol, &ev, &out), 0);
		for (k = 0, stops = 0; k < out.n; k++) {
			if (out.v[k].kind == FSM_STOP_ALL) {
				assert_int_equal(out.v[k].arg, want[i]);
				stops++;
			}
		}
		assert_int_equal(stops, 1);
		/* What tfrun's exit status is taken from (all may die). */
		assert_int_equal(f.status, want[i]);
	}
}

/* Backoff doubles over quick failures; a restart asked for resets it. */
static void
test_backoff_and_restart(void **state)
{
	struct fsm_policy pol = { CONFIG_RESTART_ON_FAILURE, 0, 0, 0, 5000,
	    0, 0 };
	struct fsm_event_data ev;
	struct fsm_actions out;
	struct fsm f;

	(void)state;
	fsm_begin(&f, &pol, &ev, &out);
	ev.event = FSM_EV_EXITED;
	ev.status = 1;
	fsm_step(&f, &pol, &ev, &out);
	assert_int_equal(out.v[2].kind, FSM_ARM);
	assert_int_equal(out.v[2].ms, 1000);
	ev.event = FSM_EV_DEADLINE;
	fsm_step(&f, &pol, &ev, &out);
	ev.event = FSM_EV_EXITED;
	fsm_step(&f, &pol, &ev, &out);
	assert_int_equal(out.v[2].ms, 2000);
	assert_int_equal(f.restarts, 1);
	ev.event = FSM_EV_RESTART;
	fsm_step(&f, &pol, &ev, &out);
	assert_int_equal(f.state, FSM_RUNNING);
	assert_int_equal(f.quick_failures, 0);
	assert_int_equal(f.restarts, 2);
}

/*
 * A run ended by a command is marked stopped (it does not count as ending
 * on its own); one that exited by itself, or failed its probe, is not.
 */
static void
test_stopped_by_command(void **state)
{
	struct fsm_policy pol = { CONFIG_RESTART_NEVER, 1, 0, 0, 2500, 0, 0 };
	struct fsm_event_data ev;
	struct fsm_actions out;
	struct fsm f;

	(void)state;
	fsm_begin(&f, &pol, &ev, &out);
	ev.event = FSM_EV_STOP;
	ev.stop = FSM_STOP_COMMAND;
	fsm_step(&f, &pol, &ev, &out);
	ev.event = FSM_EV_EXITED;
	ev.status = 143;
	fsm_step(&f, &pol, &ev, &out);
	assert_int_equal(f.state, FSM_EXITED);
	assert_true(f.stopped);
	ev.event = FSM_EV_RESTART;
	fsm_step(&f, &pol, &ev, &out);
	assert_false(f.stopped);
	ev.event = FSM_EV_EXITED;
	ev.status = 3;
	fsm_step(&f, &pol, &ev, &out);
	assert_int_equal(f.state, FSM_EXITED);
	assert_false(f.stopped);
	ev.event = FSM_EV_STOP;
	ev.stop = FSM_STOP_COMMAND;
	fsm_step(&f, &pol, &ev, &out);
	assert_true(f.stopped);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof rows / sizeof rows[0] + 6];
	size_t i, n = 0;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		tests[n].name = rows[i].name;
		tests[n].test_func = test_row;
		tests[n].setup_func = NULL;
		tests[n].teardown_func = NULL;
		tests[n].initial_state = (void *)(uintptr_t)&rows[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_undefined_rejected);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_every_defined_pair_is_tested);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_whole_stop);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_backoff_and_restart);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_stopped_by_command);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_not_ready_is_a_failure);
	return _cmocka_run_group_tests("fsm", tests, n, NULL, NULL);
}
