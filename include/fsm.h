/*
 * fsm.h: the life of one instance as a table (SPEC sections 6, 6b, 7).
 *
 * Pure: no libuv, no clock, no I/O. The supervisor feeds it events (a
 * start asked for, the spawn done or failed, the leader's exit, the group
 * emptied, a deadline, a stop, a restart, readiness) and carries out the
 * actions it returns (spawn, signal the group, arm or disarm the deadline,
 * start or stop the probe, log, report the end, stop the formation,
 * remove the instance). Each (state, event) pair the table defines is one
 * small function; a pair it does not define is rejected and changes
 * nothing, so a caller's mistake cannot corrupt an instance.
 *
 * How the table matches SPEC section 6 (read src/fsm.c against this):
 *
 *  SPEC                                          table
 *  an instance has ended when its leader has     EXITED in STARTING,
 *  exited; its status is the leader's            RUNNING, READY: the run
 *                                                ends, FSM_ENDED reports it
 *  restart never: an exit stops the formation    policy -> FSM_STOP_ALL
 *  (unless it may die)                           (LEAVE when can_die)
 *  on-failure: restart after a non-zero exit     policy -> BACKOFF,
 *  or a signal; exit 0 stops nothing             exit 0 -> EXITED
 *  always: restart; exit 0 is not a failure      policy -> BACKOFF, 1 s
 *  back off 1 s, doubling up to 30 s; a 10 s     policy.c, applied in
 *  run resets; 10 failures in a row: given up    fsm_ended
 *  a failed spawn is a quick failure             SPAWN_FAILED = EXITED
 *                                                after no time
 *  shutdown: stop signal to every group, then    STOP -> STOPPING with
 *  SIGKILL after the timeout                     FSM_STOP_SIGNAL, ARM;
 *                                                DEADLINE -> SIGKILL
 *  what is left of a group is stopped with it    STOP in EXITED with a
 *  and waited for                                live group -> STOPPING;
 *                                                GROUP_EMPTY ends it
 *  a second ^C kills at once                     KILL -> SIGKILL
 *  a restart kills what is left of the old       FSM_SPAWN (the supervisor
 *  group first                                   kills a live old group)
 *  oneshot: exit 0 is success and stops          oneshot exit 0 -> EXITED,
 *  nothing (6b)                                  done
 *  not ready in time: stopped, and counts as a   NOT_READY -> STOPPING,
 *  failed run (6b)                               then the policy as a
 *                                                failure
 *  tfrun restart NAME: stop, then start again;   RESTART -> RESTARTING;
 *  a stopped instance is started (7)             RESTART in EXITED -> spawn
 *  ... in dependency order (6b): a type with     then WAITING instead of
 *  `after` waits for what it needs again          a spawn (has_deps)
 *  tfrun stop NAME: stop without restarting (7)  STOP(COMMAND) -> STOPPING
 *                                                -> EXITED
 *  scale down: the stop signal and timeout,      STOP(SCALE) -> STOPPING
 *  then the instance is gone (7)                 -> FSM_REMOVE
 */
#ifndef TFRUN_FSM_H
#define TFRUN_FSM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum fsm_state {
	FSM_WAITING,    /* not started: waiting for a start or dependencies */
	FSM_STARTING,   /* spawned; its readiness probe has not passed yet */
	FSM_RUNNING,    /* spawned, without a probe: ready once started */
	FSM_READY,      /* spawned; its probe passed */
	FSM_STOPPING,   /* the stop signal was sent; waiting for the end */
	FSM_RESTARTING, /* stopping, then start again */
	FSM_BACKOFF,    /* waiting to restart after a failure */
	FSM_EXITED,     /* ended and not to be restarted */
	FSM_FAILED,     /* could not be started, or given up */
	FSM_NSTATES
};

enum fsm_event {
	FSM_EV_START,        /* start it (now allowed: dependencies met) */
	FSM_EV_SPAWNED,      /* the spawn asked for succeeded */
	FSM_EV_SPAWN_FAILED, /* it failed; status as a shell would give it */
	FSM_EV_EXITED,       /* the leader exited with status; ran_ms */
	FSM_EV_GROUP_EMPTY,  /* no member of the last group is left */
	FSM_EV_DEADLINE,     /* the deadline armed last has passed */
	FSM_EV_STOP,         /* stop it; why: stop_reason */
	FSM_EV_KILL,         /* SIGKILL at once (a second ^C) */
	FSM_EV_RESTART,      /* tfrun restart */
	FSM_EV_READY,        /* its probe passed */
	FSM_EV_NOT_READY,    /* its probe did not pass in time */
	FSM_EV_DEP_FAILED,   /* a dependency failed: it will never start */
	FSM_NEVENTS
};

/* Why an instance is stopped. */
enum fsm_stop {
	FSM_STOP_SHUTDOWN, /* the formation stops */
	FSM_STOP_COMMAND,  /* tfrun stop */
	FSM_STOP_SCALE,    /* tfrun scale down: then it is removed */
	FSM_STOP_FAILED    /* not ready in time: then the policy, as a failure */
};

/* What the instance's state allows to be logged, formatted by the caller. */
enum fsm_log {
	FSM_LOG_RESTARTING,   /* "NAME restarting in Ns" (ms) */
	FSM_LOG_GIVE_UP,      /* "NAME failed N times in a row; giving up" */
	FSM_LOG_KILL,         /* "sending SIGKILL to NAME after Ns" */
	FSM_LOG_READY,        /* "NAME ready after Ns" */
	FSM_LOG_NOT_READY,    /* "NAME not ready after Ns" */
	FSM_LOG_DEP_FAILED    /* "NAME will not start: a dependency failed" */
};

enum fsm_action_kind {
	FSM_SPAWN,       /* start a run (killing what is left of the last group) */
	FSM_SIGNAL,      /* send arg to the group */
	FSM_STOP_SIGNAL, /* send the stop signal, then SIGCONT, to the group */
	FSM_ARM,         /* arm the instance's one deadline in ms */
	FSM_DISARM,      /* disarm it */
	FSM_PROBE_START, /* start the readiness probe (and its timeout) */
	FSM_PROBE_STOP,
	FSM_LOG,         /* log arg (enum fsm_log); ms for times */
	FSM_ENDED,       /* the run ended with arg: the instance's status */
	FSM_STOP_ALL,    /* the formation stops, with status arg */
	FSM_REMOVE       /* the instance is gone (scaled down) */
};

struct fsm_action {
	enum fsm_action_kind kind;
	int arg;
	uint64_t ms;
};

#define FSM_MAX_ACTIONS 6

struct fsm_actions {
	struct fsm_action v[FSM_MAX_ACTIONS];
	size_t n;
};

/* What the instance's type says, and whether the formation is stopping. */
struct fsm_policy {
	enum config_restart restart;
	int can_die;
	int oneshot;
	int has_probe;
	uint64_t timeout_ms;   /* stop signal to SIGKILL */
	int shutdown;          /* the formation is stopping: no restarts */
	int has_deps;          /* `after`: a restart waits for them again */
};

/* One event and its data. */
struct fsm_event_data {
	enum fsm_event event;
	int status;            /* EXITED, SPAWN_FAILED: exit code or 128+n */
	uint64_t ran_ms;       /* EXITED: how long the run lasted */
	int group_alive;       /* EXITED: members of the group are left */
	enum fsm_stop stop;    /* STOP: why */
};

/* One instance's state. */
struct fsm {
	enum fsm_state state;
	enum fsm_stop stop;    /* STOPPING: why it is stopping */
	int leader;            /* the leader of the current run is alive */
	int group;             /* the last run's group may have members */
	int not_ready;         /* stopping because its probe failed in time */
	int done;              /* its last run exited 0 (one-shot: success) */
	int started;           /* it has been spawned at least once */
	int stopped;           /* a command or a scale-down ended it, not itself */
	int status;            /* status of the last run */
	unsigned quick_failures;
	unsigned restarts;     /* spawns after the first */
};

/* Makes f a new instance, WAITING. */
void fsm_init(struct fsm *f);

/*
 * Applies one event: fills *out with the actions to carry out in order
 * and updates f. Returns 0, or -1 when the table does not define the
 * event in f's state (f and *out are then left as they were / empty).
 */
int fsm_step(struct fsm *f, const struct fsm_policy *pol,
    const struct fsm_event_data *ev, struct fsm_actions *out);

/* Says whether the table defines event in state. */
int fsm_defined(enum fsm_state state, enum fsm_event event);

/* "waiting", "starting", ... as `tfrun ps` shows them. */
const char *fsm_state_name(enum fsm_state state);

/* Says whether the state has a live leader (or one being spawned). */
int fsm_live(const struct fsm *f);

/* Says whether it counts as ready (SPEC 6b): running, or ready. */
int fsm_is_ready(const struct fsm *f);

#endif
