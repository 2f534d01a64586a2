/*
 * fsm.c: the life of one instance as a table of (state, event) handlers;
 * see fsm.h for how it matches SPEC section 6.
 *
 * Each handler is small and says in code what one line of the SPEC says.
 * fsm_table[state][event] is NULL for a pair the table does not define;
 * fsm_step rejects those. Handlers only change the fsm and append actions:
 * the caller carries the actions out in order.
 */
#include <signal.h>
#include <string.h>

#include "compat.h"
#include "fsm.h"
#include "policy.h"

typedef void fsm_fn(struct fsm *, const struct fsm_policy *,
    const struct fsm_event_data *, struct fsm_actions *);

static const char *const fsm_state_names[FSM_NSTATES] = {
	[FSM_WAITING] = "waiting",
	[FSM_STARTING] = "starting",
	[FSM_RUNNING] = "running",
	[FSM_READY] = "ready",
	[FSM_STOPPING] = "stopping",
	[FSM_RESTARTING] = "stopping",
	[FSM_BACKOFF] = "backoff",
	[FSM_EXITED] = "exited",
	[FSM_FAILED] = "failed",
};

/* Appends one action. */
static void
fsm_push(struct fsm_actions *out, enum fsm_action_kind kind, int arg,
    uint64_t ms)
{
	if (out->n >= nitems(out->v))
		return; /* no handler pushes more; see FSM_MAX_ACTIONS */
	out->v[out->n].kind = kind;
	out->v[out->n].arg = arg;
	out->v[out->n].ms = ms;
	out->n++;
}

/* Starts a run: STARTING when a probe must pass, else RUNNING. */
static void
fsm_spawn(struct fsm *f, const struct fsm_policy *pol,
    struct fsm_actions *out)
{
	if (f->started)
		f->restarts++;
	f->started = 1;
	f->stopped = 0;
	f->leader = 1;
	f->not_ready = 0;
	f->done = 0;
	f->state = pol->has_probe ? FSM_STARTING : FSM_RUNNING;
	fsm_push(out, FSM_SPAWN, 0, 0);
}

/*
 * A restart asked for: spawn again, or, for a type that starts after
 * others, wait for them again, so that `tfrun restart` of a whole
 * formation keeps its order (the supervisor starts it once they are met).
 */
static void
fsm_restart(struct fsm *f, const struct fsm_policy *pol,
    struct fsm_actions *out)
{
	if (pol->has_deps) {
		f->state = FSM_WAITING;
		f->stopped = 0;
		return;
	}
	fsm_spawn(f, pol, out);
}

/* Sends the stop signal and arms the SIGKILL deadline. */
static void
fsm_stop(struct fsm *f, const struct fsm_policy *pol, enum fsm_stop why,
    struct fsm_actions *out)
{
	f->state = FSM_STOPPING;
	f->stop = why;
	fsm_push(out, FSM_STOP_SIGNAL, 0, 0);
	fsm_push(out, FSM_ARM, 0, pol->timeout_ms);
}

/*
 * A run ended on its own (or, when failed is set, was stopped because its
 * probe did not pass in time, which counts as a failure): the restart
 * policy of SPEC section 6 decides what follows.
 */
static void
fsm_policy(struct fsm *f, const struct fsm_policy *pol, int status,
    uint64_t ran_ms, int failed, struct fsm_actions *out)
{
	enum policy_action action;

	if (pol->shutdown) {
		f->state = FSM_EXITED;
		return;
	}
	/* A one-shot's success is its end, whatever the restart policy. */
	if (pol->oneshot && status == 0 && !failed) {
		f->state = FSM_EXITED;
		return;
	}
	/*
	 * Not ready in time is a failed run even when the stop made it exit
	 * 0 (it caught the stop signal): it counts, and stops tfrun, as 1.
	 */
	if (failed && status == 0)
		f->status = status = 1;
	action = policy_on_exit(pol->restart, pol->can_die, status, ran_ms,
	    &f->quick_failures);
	if (action == POLICY_GIVE_UP) {
		fsm_push(out, FSM_LOG, FSM_LOG_GIVE_UP, f->quick_failures);
		f->state = FSM_FAILED;
		if (policy_after_give_up(pol->can_die) == POLICY_STOP_ALL)
			fsm_push(out, FSM_STOP_ALL, status, 0);
		return;
	}
	switch (action) {
	case POLICY_RESTART:
		/* The next run gets a new group; the old one must not linger. */
		if (f->group)
			fsm_push(out, FSM_SIGNAL, SIGKILL, 0);
		f->state = FSM_BACKOFF;
		fsm_push(out, FSM_LOG, FSM_LOG_RESTARTING,
		    policy_backoff_ms(f->quick_failures));
		fsm_push(out, FSM_ARM, 0, policy_backoff_ms(f->quick_failures));
		break;
	case POLICY_STOP_ALL:
		f->state = FSM_EXITED;
		fsm_push(out, FSM_STOP_ALL, status, 0);
		break;
	default:
		f->state = FSM_EXITED;
		break;
	}
}

/* The leader's run ended with status: record it and report it. */
static void
fsm_run_ended(struct fsm *f, const struct fsm_event_data *ev,
    struct fsm_actions *out)
{
	/* A stop for a failed probe is the instance's own failure. */
	f->stopped = f->state == FSM_RESTARTING ||
	    (f->state == FSM_STOPPING && f->stop != FSM_STOP_FAILED);
	f->leader = 0;
	f->group = ev->group_alive;
	f->status = ev->status;
	f->done = ev->status == 0;
	fsm_push(out, FSM_ENDED, ev->status, 0);
}

/* A stop is complete (the leader and its group are gone). */
static void
fsm_stopped(struct fsm *f, const struct fsm_policy *pol,
    struct fsm_actions *out)
{
	fsm_push(out, FSM_DISARM, 0, 0);
	switch (f->stop) {
	case FSM_STOP_SCALE:
		f->state = FSM_EXITED;
		fsm_push(out, FSM_REMOVE, 0, 0);
		break;
	case FSM_STOP_FAILED:
		fsm_policy(f, pol, f->status, 0, 1, out);
		break;
	default:
		f->state = FSM_EXITED;
		break;
	}
}

/* WAITING, START: its dependencies are met; spawn. */
static void
fsm_waiting_start(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)ev;
	fsm_spawn(f, pol, out);
}

/* WAITING, STOP: nothing runs; a scaled-down instance is just removed. */
static void
fsm_waiting_stop(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	f->state = FSM_EXITED;
	f->stopped = 1;
	if (ev->stop == FSM_STOP_SCALE)
		fsm_push(out, FSM_REMOVE, 0, 0);
}

/* WAITING, DEP_FAILED: it will never start. */
static void
fsm_waiting_dep_failed(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)ev;
	f->state = FSM_FAILED;
	fsm_push(out, FSM_LOG, FSM_LOG_DEP_FAILED, 0);
}

/* A state that ignores the event (defined, so not an error). */
static void
fsm_nothing(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)f;
	(void)pol;
	(void)ev;
	(void)out;
}

/* STARTING/RUNNING, SPAWNED: the run is up; a probe starts watching it. */
static void
fsm_up_spawned(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)ev;
	f->leader = 1;
	f->group = 1;
	if (f->state == FSM_STARTING)
		fsm_push(out, FSM_PROBE_START, 0, 0);
}

/* STARTING/RUNNING, SPAWN_FAILED: a run that ended at once. */
static void
fsm_up_spawn_failed(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	struct fsm_event_data ended = *ev;

	ended.group_alive = 0;
	ended.ran_ms = 0;
	fsm_run_ended(f, &ended, out);
	fsm_policy(f, pol, ev->status, 0, 0, out);
}

/* STARTING/RUNNING/READY, EXITED: the run ended on its own. */
static void
fsm_up_exited(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	if (f->state == FSM_STARTING)
		fsm_push(out, FSM_PROBE_STOP, 0, 0);
	fsm_run_ended(f, ev, out);
	fsm_policy(f, pol, ev->status, ev->ran_ms, 0, out);
}

/* STARTING/RUNNING/READY, STOP: the stop signal, then the deadline. */
static void
fsm_up_stop(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	if (f->state == FSM_STARTING)
		fsm_push(out, FSM_PROBE_STOP, 0, 0);
	fsm_stop(f, pol, ev->stop, out);
}

/* Any state with a group, KILL: SIGKILL now (a second ^C). */
static void
fsm_any_kill(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)ev;
	if (f->state == FSM_STARTING)
		fsm_push(out, FSM_PROBE_STOP, 0, 0);
	if (f->state == FSM_BACKOFF)
		f->state = FSM_EXITED;
	fsm_push(out, FSM_DISARM, 0, 0);
	if (f->leader || f->group) {
		fsm_push(out, FSM_SIGNAL, SIGKILL, 0);
		if (f->state != FSM_EXITED && f->state != FSM_FAILED) {
			f->state = FSM_STOPPING;
			f->stop = FSM_STOP_SHUTDOWN;
		}
	}
}

/* STARTING/RUNNING/READY, RESTART: stop, then start again. */
static void
fsm_up_restart(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)ev;
	if (f->state == FSM_STARTING)
		fsm_push(out, FSM_PROBE_STOP, 0, 0);
	f->state = FSM_RESTARTING;
	fsm_push(out, FSM_STOP_SIGNAL, 0, 0);
	fsm_push(out, FSM_ARM, 0, pol->timeout_ms);
}

/* STARTING, READY: its probe passed. */
static void
fsm_starting_ready(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)ev;
	f->state = FSM_READY;
	fsm_push(out, FSM_PROBE_STOP, 0, 0);
	fsm_push(out, FSM_LOG, FSM_LOG_READY, 0);
}

/*
 * STARTING, NOT_READY: not ready in time: it is stopped, and its end then
 * counts as a failed run under its restart policy (SPEC 6b).
 */
static void
fsm_starting_not_ready(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)ev;
	fsm_push(out, FSM_PROBE_STOP, 0, 0);
	fsm_push(out, FSM_LOG, FSM_LOG_NOT_READY, 0);
	f->not_ready = 1;
	fsm_stop(f, pol, FSM_STOP_FAILED, out);
}

/*
 * STOPPING, EXITED: the leader is gone. The stop is complete once what is
 * left of its group is gone too; until then the deadline stays armed.
 */
static void
fsm_stopping_exited(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	fsm_run_ended(f, ev, out);
	if (!f->group)
		fsm_stopped(f, pol, out);
}

/* STOPPING, GROUP_EMPTY: the last members are gone. */
static void
fsm_stopping_group_empty(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)ev;
	f->group = 0;
	if (!f->leader)
		fsm_stopped(f, pol, out);
}

/* STOPPING/RESTARTING, DEADLINE: the timeout passed: SIGKILL. */
static void
fsm_stopping_deadline(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)f;
	(void)ev;
	fsm_push(out, FSM_LOG, FSM_LOG_KILL, pol->timeout_ms);
	fsm_push(out, FSM_SIGNAL, SIGKILL, 0);
}

/*
 * STOPPING, STOP: already stopping. A scale-down still removes it at the
 * end; a shutdown or a command changes nothing.
 */
static void
fsm_stopping_stop(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)out;
	if (ev->stop == FSM_STOP_SCALE || f->stop == FSM_STOP_FAILED)
		f->stop = ev->stop;
}

/* STOPPING, RESTART: start it again once it has stopped. */
static void
fsm_stopping_restart(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)ev;
	(void)out;
	f->state = FSM_RESTARTING;
}

/* RESTARTING, EXITED: stopped: start the new run now. */
static void
fsm_restarting_exited(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	fsm_run_ended(f, ev, out);
	fsm_push(out, FSM_DISARM, 0, 0);
	if (pol->shutdown) {
		f->state = FSM_EXITED;
		return;
	}
	/* A restart asked for is not a failure. */
	f->quick_failures = 0;
	fsm_restart(f, pol, out);
}

/* RESTARTING/BACKOFF/EXITED/FAILED, GROUP_EMPTY: note it. */
static void
fsm_group_empty(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)ev;
	(void)out;
	f->group = 0;
}

/* RESTARTING, STOP: stop it for good instead. */
static void
fsm_restarting_stop(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)pol;
	(void)out;
	f->state = FSM_STOPPING;
	f->stop = ev->stop;
}

/* BACKOFF, DEADLINE: the delay is over: start again. */
static void
fsm_backoff_deadline(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)ev;
	if (pol->shutdown) {
		f->state = FSM_EXITED;
		return;
	}
	fsm_spawn(f, pol, out);
}

/* BACKOFF/EXITED/FAILED, RESTART: start it now (a stopped one too). */
static void
fsm_down_restart(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	(void)ev;
	if (f->state == FSM_BACKOFF)
		fsm_push(out, FSM_DISARM, 0, 0);
	f->quick_failures = 0;
	fsm_restart(f, pol, out);
}

/*
 * BACKOFF/EXITED/FAILED, STOP: no leader. What is left of its group is
 * stopped like a run; without one, a scale-down removes it at once.
 */
static void
fsm_down_stop(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	if (f->state == FSM_BACKOFF) {
		fsm_push(out, FSM_DISARM, 0, 0);
		f->state = FSM_EXITED;
	}
	f->stopped = 1;
	if (f->group) {
		fsm_stop(f, pol, ev->stop, out);
		return;
	}
	if (ev->stop == FSM_STOP_SCALE)
		fsm_push(out, FSM_REMOVE, 0, 0);
}

#define S(st, ev) [FSM_##st][FSM_EV_##ev]

/* The table: NULL where a pair is not defined. */
static fsm_fn *const fsm_table[FSM_NSTATES][FSM_NEVENTS] = {
	S(WAITING, START) = fsm_waiting_start,
	S(WAITING, STOP) = fsm_waiting_stop,
	S(WAITING, RESTART) = fsm_nothing,
	S(WAITING, DEP_FAILED) = fsm_waiting_dep_failed,

	S(STARTING, SPAWNED) = fsm_up_spawned,
	S(STARTING, SPAWN_FAILED) = fsm_up_spawn_failed,
	S(STARTING, EXITED) = fsm_up_exited,
	S(STARTING, STOP) = fsm_up_stop,
	S(STARTING, KILL) = fsm_any_kill,
	S(STARTING, RESTART) = fsm_up_restart,
	S(STARTING, READY) = fsm_starting_ready,
	S(STARTING, NOT_READY) = fsm_starting_not_ready,

	S(RUNNING, SPAWNED) = fsm_up_spawned,
	S(RUNNING, SPAWN_FAILED) = fsm_up_spawn_failed,
	S(RUNNING, EXITED) = fsm_up_exited,
	S(RUNNING, STOP) = fsm_up_stop,
	S(RUNNING, KILL) = fsm_any_kill,
	S(RUNNING, RESTART) = fsm_up_restart,

	S(READY, EXITED) = fsm_up_exited,
	S(READY, STOP) = fsm_up_stop,
	S(READY, KILL) = fsm_any_kill,
	S(READY, RESTART) = fsm_up_restart,

	S(STOPPING, EXITED) = fsm_stopping_exited,
	S(STOPPING, GROUP_EMPTY) = fsm_stopping_group_empty,
	S(STOPPING, DEADLINE) = fsm_stopping_deadline,
	S(STOPPING, STOP) = fsm_stopping_stop,
	S(STOPPING, KILL) = fsm_any_kill,
	S(STOPPING, RESTART) = fsm_stopping_restart,

	S(RESTARTING, EXITED) = fsm_restarting_exited,
	S(RESTARTING, GROUP_EMPTY) = fsm_group_empty,
	S(RESTARTING, DEADLINE) = fsm_stopping_deadline,
	S(RESTARTING, STOP) = fsm_restarting_stop,
	S(RESTARTING, KILL) = fsm_any_kill,
	S(RESTARTING, RESTART) = fsm_nothing,

	S(BACKOFF, GROUP_EMPTY) = fsm_group_empty,
	S(BACKOFF, DEADLINE) = fsm_backoff_deadline,
	S(BACKOFF, STOP) = fsm_down_stop,
	S(BACKOFF, KILL) = fsm_any_kill,
	S(BACKOFF, RESTART) = fsm_down_restart,

	S(EXITED, GROUP_EMPTY) = fsm_group_empty,
	S(EXITED, STOP) = fsm_down_stop,
	S(EXITED, KILL) = fsm_any_kill,
	S(EXITED, RESTART) = fsm_down_restart,

	S(FAILED, GROUP_EMPTY) = fsm_group_empty,
	S(FAILED, STOP) = fsm_down_stop,
	S(FAILED, KILL) = fsm_any_kill,
	S(FAILED, RESTART) = fsm_down_restart,
};

#undef S

/* Makes a new instance; see fsm.h. */
void
fsm_init(struct fsm *f)
{
	memset(f, 0, sizeof *f);
	f->state = FSM_WAITING;
}

/* Says whether the pair is defined; see fsm.h. */
int
fsm_defined(enum fsm_state state, enum fsm_event event)
{
	if ((unsigned)state >= FSM_NSTATES || (unsigned)event >= FSM_NEVENTS)
		return 0;
	return fsm_table[state][event] != NULL;
}

/* Applies one event; see fsm.h. */
int
fsm_step(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out)
{
	out->n = 0;
	if (!fsm_defined(f->state, ev->event))
		return -1;
	fsm_table[f->state][ev->event](f, pol, ev, out);
	return 0;
}

/* Names a state; see fsm.h. */
const char *
fsm_state_name(enum fsm_state state)
{
	if ((unsigned)state >= FSM_NSTATES)
		return "?";
	return fsm_state_names[state];
}

/* Says whether a leader lives; see fsm.h. */
int
fsm_live(const struct fsm *f)
{
	return f->leader;
}

/* Says whether it counts as ready; see fsm.h. */
int
fsm_is_ready(const struct fsm *f)
{
	return f->state == FSM_RUNNING || f->state == FSM_READY;
}
