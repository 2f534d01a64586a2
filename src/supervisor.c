/*
 * supervisor.c: runs the formation: the instances, signals, deadlines, the
 * one shutdown path and the exit status.
 *
 * Each instance's life is a struct fsm (fsm.c); this file only turns
 * libuv's events into fsm events and carries out the actions the table
 * returns. Instances are allocated one by one, so they never move while a
 * callback points at one; a removed instance goes to a graveyard first
 * and is freed at the end of the callback that removed it.
 *
 * Every entry point (an exit, the deadline timer, a signal, a control
 * request) ends with supervisor_settle: it starts what waited for its
 * dependencies, moves a shutdown on to its next layer, notes groups that
 * emptied, decides whether tfrun is done, frees the graveyard and arms the
 * one timer for the earliest deadline.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <uv.h>

#include "buf.h"
#include "ctl.h"
#include "fsm.h"
#include "history.h"
#include "keeper.h"
#include "output.h"
#include "proc.h"
#include "prober.h"
#include "reaper.h"
#include "sig.h"
#include "supervisor.h"
#include "xmalloc.h"

struct supervisor;
struct sv_type;

/* One instance ("web.2"): its state, its current run, its deadline. */
struct inst {
	struct supervisor *sv;
	struct sv_type *type;
	long n;                /* instance number, from 1 */
	char name[SUPERVISOR_NAME_MAX]; /* "web.2" */
	long port;
	struct fsm fsm;
	struct proc *run;      /* the run whose end is awaited, or NULL */
	int pid;               /* of the last run, in tfrun's namespace */
	int host_pid;          /* of the last run, as the system knows it */
	int pgid;              /* process group of the last run */
	uint64_t started_at;   /* loop time of the last spawn */
	uint64_t deadline;     /* loop time of the armed deadline; 0 none */
	struct history *hist;  /* a reference: its runs hold one each */
	struct prober *prober; /* the readiness probe running, or NULL */
	char not_ready[200];   /* why the probe did not pass */
	int attached;          /* a tfrun attach client gets its output */
	struct supervisor_tap tap;
	struct winsize attach_ws; /* that client's window */
	struct inst *next_dead; /* in the graveyard */
};

/* One process type and its part of the formation. */
struct sv_type {
	const struct plan_type *pt;
	long count;            /* instances wanted (tfrun scale changes it) */
	struct inst **v;       /* owned: instance n at v[n - 1], or NULL */
	size_t n;              /* length of v */
	int stopping;          /* the shutdown has reached this type */
};

enum sv_reason {
	SV_RUNNING,     /* no shutdown yet */
	SV_REQUESTED,   /* a signal, tfrun quit, stdout's reader gone: 0 */
	SV_INSTANCE,    /* an instance's end stopped the formation */
	SV_ALL_ENDED,   /* every instance ended on its own */
	SV_OUTPUT_ERROR /* writing the log failed (not EPIPE): status 1 */
};

struct supervisor {
	uv_loop_t loop;
	const struct plan *plan;
	struct sv_type *types; /* owned: one per Procfile entry */
	size_t ntypes;
	struct inst *graveyard; /* removed, to be freed by supervisor_sweep */
	uv_signal_t signals[8];
	uv_signal_t sigchld;   /* adopted orphans to reap */
	uv_poll_t keeper;      /* the keeper's pipe: its EOF is its death */
	int keeper_watched;
	uv_timer_t deadline;
	uint64_t adopted_kill_at; /* SIGKILL adopted orphans from then on */
	size_t adopted;        /* adopted children alive at the last look */
	int adopted_given_up;  /* those left after SIGKILL are not waited for */
	int adopted_killed;    /* SIGKILL to adopted processes was logged */
	int adopted_stopped;   /* the shutdown sent them its stop signal */
	uint64_t pipes_deadline; /* at the end, when open pipes are closed */
	enum sv_reason reason;
	int status;            /* tfrun's exit status */
	int closing;           /* handles are being closed; the loop ends */
	int draining;          /* proc_drain_all is under way */
	int settling;          /* supervisor_settle is under way */
	int settle_again;      /* and something asked for another round */
	int own_end;           /* an instance ended on its own: all ended? */
	int bulk;              /* a shutdown stops many: one log line */
	int stop_signals;      /* SIGINT/SIGTERM/SIGHUP received so far */
	int stop_signal;       /* for types without their own: INT or TERM */
	int stopped;           /* ^Z stopped the formation */
	int last_signal;       /* the last signal to tfrun, when (ms), */
	uint64_t last_signal_at;
	int last_forwarded;    /* and whether the keeper passed it on */
	size_t width;          /* the label width of the log */
	struct ctl *ctl;       /* the control socket's server, or NULL */
	int tty_auto;          /* --tty auto means a pty: stdout is a tty */
	uint64_t started_ms;   /* loop time of the start, for "ready in" */
	int all_ready_logged;
	int ordered;           /* readiness or order are used: say when ready */
	uv_pipe_t input;       /* --stdin: the terminal's input, via the keeper */
	int input_open;
	char input_name[80];   /* the instance that gets it */
	struct winsize winsize; /* tfrun's terminal's, for the ptys */
};

/* What cmd_start set up; see supervisor_set_up. */
static struct supervisor_setup sv_setup = { -1, NULL, 0, -1, 0, NULL };

/* How often groups that outlived their leader are checked at shutdown. */
#define SV_POLL_MS 20
/*
 * Copies of one signal closer than this are one request: SV_SAME_SIGNAL_MS
 * for a copy sent to each tfrun process, SV_SAME_WAY_MS for two that came
 * the same way, which no hand can type (timeout(1) signals both the
 * process and its group).
 */
#define SV_SAME_SIGNAL_MS 100
#define SV_SAME_WAY_MS 10
/* How long after SIGKILL adopted processes are still waited for. */
#define SV_ADOPTED_GRACE_MS 2000
/*
 * At the end, once no process tfrun knows of is left, how long a pipe may
 * stay open (held by a process tfrun may not signal) before it is closed.
 */
#define SV_PIPES_GRACE_MS 2000

static const int sv_signals[8] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1,
	SIGUSR2, SIGTSTP, SIGCONT, SIGWINCH };

static void supervisor_settle(struct supervisor *);
static void supervisor_deadline_cb(uv_timer_t *);
static void supervisor_tell_started(struct supervisor *);
static void supervisor_tell_ready(struct supervisor *);
static void supervisor_shutdown(struct supervisor *, enum sv_reason, int);
static void inst_step(struct inst *, const struct fsm_event_data *);
static void inst_probe_start(struct inst *);
static void inst_line(void *, const char *, size_t);

/* Formats a time for messages: "5s", "2.5s", "1.24s". */
static const char *
supervisor_seconds(uint64_t ms)
{
	static char text[32];

	if (ms % 1000 == 0)
		snprintf(text, sizeof text, "%llus",
		    (unsigned long long)(ms / 1000));
	else if (ms % 100 == 0)
		snprintf(text, sizeof text, "%.1fs", (double)ms / 1000.0);
	else
		snprintf(text, sizeof text, "%.2fs", (double)ms / 1000.0);
	return text;
}

/* Steps an instance with an event that carries no data. */
static void
inst_event(struct inst *in, enum fsm_event event)
{
	struct fsm_event_data ev;

	memset(&ev, 0, sizeof ev);
	ev.event = event;
	inst_step(in, &ev);
}

/* Steps an instance with STOP for a reason. */
static void
inst_stop(struct inst *in, enum fsm_stop why)
{
	struct fsm_event_data ev;

	memset(&ev, 0, sizeof ev);
	ev.event = FSM_EV_STOP;
	ev.stop = why;
	inst_step(in, &ev);
}

/*
 * The instance's stop signal: its type's stop_signal when configured,
 * else SIGINT when the shutdown began with SIGINT (^C: what the processes
 * would get from the terminal, so that they flush), else SIGTERM.
 */
static int
inst_stop_signal(const struct inst *in)
{
	if (in->type->pt->stop_signal_set)
		return in->type->pt->stop_signal;
	return in->sv->stop_signal != 0 ? in->sv->stop_signal : SIGTERM;
}

/*
 * Sends sig to the instance's process group: its live run's, or what is
 * left of its last one.
 */
static void
inst_signal(struct inst *in, int sig)
{
	if (in->run != NULL)
		proc_kill(in->run, sig);
	else if (in->fsm.group && in->pgid > 0)
		uv_kill(-in->pgid, sig);
}

/* Says whether anything of the instance may still run. */
static int
inst_active(const struct inst *in)
{
	switch (in->fsm.state) {
	case FSM_STARTING:
	case FSM_RUNNING:
	case FSM_READY:
	case FSM_STOPPING:
	case FSM_RESTARTING:
		return 1;
	default:
		return in->fsm.leader || in->fsm.group;
	}
}

/*
 * Notes that what was left of a group is gone, once kill(2) says so. A
 * group whose members tfrun may not signal (setuid) cannot be stopped.
 */
static void
inst_probe_group(struct inst *in)
{
	int err;

	if (!in->fsm.group || in->run != NULL)
		return;
	err = uv_kill(-in->pgid, 0);
	if (err == UV_EPERM)
		output_system("%s: what is left of its process group runs "
		    "as another user; tfrun cannot stop it", in->name);
	if (err == UV_ESRCH || err == UV_EPERM)
		inst_event(in, FSM_EV_GROUP_EMPTY);
}

/* A run has exited and what it wrote before is logged. */
static void
inst_done(void *ctx, struct proc *p, int status, int termsig)
{
	struct inst *in = ctx;
	struct supervisor *sv = in->sv;
	struct fsm_event_data ev;

	/* Only the current run feeds an attached client or a probe. */
	proc_set_tap(p, NULL, NULL);
	proc_set_line_hook(p, NULL, NULL);
	in->run = NULL;
	if (termsig != 0)
		output_system("%s terminated by %s", in->name,
		    sig_name(termsig));
	else
		output_system("%s exited with code %d", in->name, status);
	memset(&ev, 0, sizeof ev);
	ev.event = FSM_EV_EXITED;
	ev.status = status;
	ev.ran_ms = uv_now(&sv->loop) - in->started_at;
	ev.group_alive = uv_kill(-in->pgid, 0) == 0;
	inst_step(in, &ev);
	supervisor_settle(sv);
}

/*
 * Starts a run. What is left of the last run's group is killed first:
 * the new run gets a new group, and the old one must not linger.
 */
static void
inst_spawn(struct inst *in)
{
	struct supervisor *sv = in->sv;
	const struct plan_type *pt = in->type->pt;
	struct fsm_event_data ev;
	struct proc_spec spec;
	char **envp;
	int err;

	if (in->pgid > 0 && uv_kill(-in->pgid, 0) == 0) {
		output_system("killing what is left of %s's process group",
		    in->name);
		uv_kill(-in->pgid, SIGKILL);
	}
	envp = env_envp(&sv->plan->env, in->port, in->name);
	memset(&spec, 0, sizeof spec);
	spec.command = pt->command;
	spec.cwd = sv->plan->root;
	spec.envp = envp;
	spec.src.name = in->name;
	spec.src.type = pt->name;
	spec.src.color = pt->color;
	spec.quiet = pt->quiet;
	spec.history = in->hist;
	/* JSON would turn a torn character into two U+FFFD (SPEC section 5). */
	spec.chars = sv->plan->cfg.log_format == CONFIG_LOG_JSON;
	spec.tty = pt->tty == CONFIG_TTY_ALWAYS ||
	    (pt->tty == CONFIG_TTY_AUTO && sv->tty_auto);
	spec.winsize = in->attached ? in->attach_ws : sv->winsize;
	spec.done = inst_done;
	spec.ctx = in;
	in->started_at = uv_now(&sv->loop);
	err = proc_spawn(&sv->loop, &spec, &in->run);
	envmap_free_envp(envp);
	memset(&ev, 0, sizeof ev);
	if (err == 0) {
		if (in->attached)
			proc_set_tap(in->run, in->tap.output, in->tap.ctx);
		if (pt->ready.kind == PROBE_LOG)
			proc_set_line_hook(in->run, inst_line, in);
		in->pid = in->pgid = proc_pid(in->run);
		in->host_pid = proc_host_pid(in->run);
		keeper_report(in->host_pid);
		output_system("%s started with pid %d on port %ld", in->name,
		    in->host_pid, in->port);
		ev.event = FSM_EV_SPAWNED;
		inst_step(in, &ev);
		return;
	}

	/*
	 * A failed spawn (a missing root, EMFILE, EAGAIN) is a run that
	 * ended at once, with the status a shell would give; the restart
	 * policy decides whether it is tried again.
	 */
	in->run = NULL;
	in->pgid = 0;
	output_system("%s could not be started: %s", in->name,
	    uv_strerror(err));
	ev.event = FSM_EV_SPAWN_FAILED;
	ev.status = err == UV_ENOENT ? 127 : err == UV_EACCES ? 126 : 1;
	inst_step(in, &ev);
}

/* Unlinks a scaled-down instance; it is freed by supervisor_sweep. */
static void
inst_remove(struct inst *in)
{
	struct sv_type *t = in->type;

	if (in->n >= 1 && (size_t)in->n <= t->n && t->v[in->n - 1] == in)
		t->v[in->n - 1] = NULL;
	while (t->n > 0 && t->v[t->n - 1] == NULL)
		t->n--;
	if (in->run != NULL) {
		proc_set_tap(in->run, NULL, NULL);
		proc_set_line_hook(in->run, NULL, NULL);
		proc_detach(in->run);
		in->run = NULL;
	}
	prober_stop(in->prober);
	in->prober = NULL;
	if (in->attached) {
		in->attached = 0;
		in->tap.gone(in->tap.ctx);
	}
	in->deadline = 0;
	in->next_dead = in->sv->graveyard;
	in->sv->graveyard = in;
}

/* Frees an instance (its run, if any, was detached). */
static void
inst_free(struct inst *in)
{
	history_unref(in->hist);
	free(in);
}

/* Logs one of the table's messages about the instance. */
static void
inst_log(struct inst *in, const struct fsm_action *a)
{
	switch ((enum fsm_log)a->arg) {
	case FSM_LOG_RESTARTING:
		output_system("%s restarting in %s", in->name,
		    supervisor_seconds(a->ms));
		break;
	case FSM_LOG_GIVE_UP:
		output_system("%s failed %u times in a row; giving up",
		    in->name, (unsigned)a->ms);
		break;
	case FSM_LOG_KILL:
		output_system("sending SIGKILL to %s after %s", in->name,
		    supervisor_seconds(a->ms));
		break;
	case FSM_LOG_READY:
		output_system("%s ready after %.2fs", in->name,
		    (double)(uv_now(&in->sv->loop) - in->started_at) / 1000.0);
		break;
	case FSM_LOG_NOT_READY:
		output_system("%s not ready after %s (%s)", in->name,
		    supervisor_seconds(in->type->pt->ready_timeout_ms),
		    in->not_ready);
		break;
	case FSM_LOG_DEP_FAILED:
		output_system("%s will not start: a process it waits for "
		    "failed", in->name);
		break;
	}
}

/* The instance's probe passed. */
static void
inst_probe_ready(void *ctx)
{
	struct inst *in = ctx;

	inst_event(in, FSM_EV_READY);
	supervisor_settle(in->sv);
}

/* The instance's probe did not pass in time. */
static void
inst_probe_timeout(void *ctx, const char *why)
{
	struct inst *in = ctx;

	snprintf(in->not_ready, sizeof in->not_ready, "%s", why);
	inst_event(in, FSM_EV_NOT_READY);
	supervisor_settle(in->sv);
}

/* A line of the instance, for a log probe (the output's lock is held). */
static void
inst_line(void *ctx, const char *line, size_t len)
{
	struct inst *in = ctx;

	if (in->prober != NULL)
		prober_line(in->prober, line, len);
}

/*
 * Starts the readiness probe, with $PORT and $PS the instance's; exec
 * probes get its environment. One that cannot run at all (a name where
 * an address must be) is as good as one that never passes.
 */
static void
inst_probe_start(struct inst *in)
{
	const struct plan_type *pt = in->type->pt;
	struct prober_ops ops = { inst_probe_ready, inst_probe_timeout, in };
	struct probe p;
	char **envp, *cause = NULL;

	if (probe_expand(&pt->ready, in->port, in->name, &p) != 0) {
		xasprintf(&cause, "%s: not a valid probe for %s",
		    pt->ready.text, in->name);
	} else {
		envp = env_envp(&in->sv->plan->env, in->port, in->name);
		in->prober = prober_start(&in->sv->loop, &p,
		    pt->ready_interval_ms, pt->ready_timeout_ms,
		    in->sv->plan->root, envp, &ops, &cause);
		envmap_free_envp(envp);
		probe_free(&p);
	}
	if (in->prober == NULL) {
		output_system("%s: %s", in->name, cause);
		snprintf(in->not_ready, sizeof in->not_ready, "%s", cause);
		free(cause);
		inst_event(in, FSM_EV_NOT_READY);
	}
}

/* Carries out the table's actions, in order. */
static void
inst_apply(struct inst *in, const struct fsm_actions *acts)
{
	struct supervisor *sv = in->sv;
	const struct fsm_action *a;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		a = &acts->v[i];
		switch (a->kind) {
		case FSM_SPAWN:
			inst_spawn(in);
			break;
		case FSM_SIGNAL:
			inst_signal(in, a->arg);
			break;
		case FSM_STOP_SIGNAL:
			if (!sv->bulk)
				output_system("sending %s to %s",
				    sig_name(inst_stop_signal(in)), in->name);
			inst_signal(in, inst_stop_signal(in));
			/* A stopped group would never act on it. */
			inst_signal(in, SIGCONT);
			break;
		case FSM_ARM:
			in->deadline = uv_now(&sv->loop) + a->ms;
			break;
		case FSM_DISARM:
			in->deadline = 0;
			break;
		case FSM_PROBE_START:
			inst_probe_start(in);
			break;
		case FSM_PROBE_STOP:
			prober_stop(in->prober);
			in->prober = NULL;
			break;
		case FSM_LOG:
			inst_log(in, a);
			break;
		case FSM_ENDED:
			if (!in->fsm.stopped)
				sv->own_end = 1;
			break;
		case FSM_STOP_ALL:
			supervisor_shutdown(sv, SV_INSTANCE, a->arg);
			break;
		case FSM_REMOVE:
			inst_remove(in);
			break;
		}
	}
}

/* Feeds one event to the instance's table and carries out its actions. */
static void
inst_step(struct inst *in, const struct fsm_event_data *ev)
{
	struct fsm_actions acts;
	struct fsm_policy pol;
	const struct plan_type *pt = in->type->pt;

	memset(&pol, 0, sizeof pol);
	pol.restart = pt->restart;
	pol.can_die = pt->can_die;
	pol.oneshot = pt->oneshot;
	pol.has_probe = pt->ready.kind != PROBE_NONE;
	pol.has_deps = pt->nafter > 0;
	pol.timeout_ms = pt->timeout_ms;
	pol.shutdown = in->sv->reason != SV_RUNNING;
	/* A pair the table does not define changes nothing: a late event. */
	if (fsm_step(&in->fsm, &pol, ev, &acts) == 0)
		inst_apply(in, &acts);
}

/* Makes instance n of type t (not started). */
static struct inst *
inst_new(struct supervisor *sv, struct sv_type *t, long n)
{
	struct inst *in;

	in = xcalloc(1, sizeof *in);
	in->sv = sv;
	in->type = t;
	in->n = n;
	snprintf(in->name, sizeof in->name, "%s.%ld", t->pt->name, n);
	in->hist = history_new(in->name, t->pt->name);
	if (plan_port(sv->plan, t->pt, n, &in->port) != 0)
		in->port = -1;
	fsm_init(&in->fsm);
	if ((size_t)n > t->n) {
		t->v = xreallocarray(t->v, (size_t)n, sizeof *t->v);
		while (t->n < (size_t)n)
			t->v[t->n++] = NULL;
	}
	t->v[n - 1] = in;
	return in;
}

/* Frees what the graveyard holds. */
static void
supervisor_sweep(struct supervisor *sv)
{
	struct inst *in;

	while ((in = sv->graveyard) != NULL) {
		sv->graveyard = in->next_dead;
		inst_free(in);
	}
}

/* Calls fn for every instance. */
#define SV_EACH(sv, ti, k, in)						\
	for ((ti) = 0; (ti) < (sv)->ntypes; (ti)++)			\
		for ((k) = 0; (k) < (sv)->types[(ti)].n; (k)++)		\
			if (((in) = (sv)->types[(ti)].v[(k)]) != NULL)

/*
 * Says whether every instance of type t meets cond (SPEC 6b). A type with
 * no instance (scaled to 0) meets every condition. *failed is set when
 * one never will: given up, or a one-shot that failed.
 */
static int
supervisor_type_meets(const struct sv_type *t, enum probe_cond cond,
    int *failed)
{
	const struct inst *in;
	size_t k;
	int ok = 1;

	for (k = 0; k < t->n; k++) {
		if ((in = t->v[k]) == NULL)
			continue;
		if (in->fsm.state == FSM_FAILED ||
		    (cond == PROBE_DONE && in->fsm.state == FSM_EXITED &&
		    !in->fsm.done))
			*failed = 1;
		switch (cond) {
		case PROBE_STARTED:
			ok &= in->fsm.started;
			break;
		case PROBE_READY:
			ok &= fsm_is_ready(&in->fsm);
			break;
		case PROBE_DONE:
			ok &= in->fsm.state == FSM_EXITED && in->fsm.done;
			break;
		}
	}
	return ok;
}

/*
 * Starts the instances waiting for dependencies that are now met; a
 * dependency that failed stops the formation (SPEC 6b).
 */
static void
supervisor_start_waiting(struct supervisor *sv)
{
	const struct plan_type *pt;
	struct sv_type *t;
	size_t i, j, k;
	int met, failed;

	for (i = 0; i < sv->ntypes && sv->reason == SV_RUNNING; i++) {
		t = &sv->types[i];
		pt = t->pt;
		met = 1;
		failed = 0;
		for (j = 0; j < pt->nafter; j++)
			met &= supervisor_type_meets(&sv->types[pt->after[j].type],
			    pt->after[j].cond, &failed);
		for (k = 0; k < t->n; k++) {
			if (t->v[k] == NULL || t->v[k]->fsm.state != FSM_WAITING)
				continue;
			if (failed)
				inst_event(t->v[k], FSM_EV_DEP_FAILED);
			else if (met)
				inst_event(t->v[k], FSM_EV_START);
		}
		if (failed && sv->reason == SV_RUNNING) {
			output_system("%s: a process it waits for failed; "
			    "stopping", pt->name);
			supervisor_shutdown(sv, SV_INSTANCE, 1);
		}
	}
}

/* Says whether a type still has an instance that may run. */
static int
supervisor_type_active(const struct sv_type *t)
{
	size_t k;

	for (k = 0; k < t->n; k++) {
		if (t->v[k] != NULL && inst_active(t->v[k]))
			return 1;
	}
	return 0;
}

/*
 * Says whether type i may be stopped in the shutdown: every type that
 * starts after it (names it in `after`) has ended (SPEC 6b).
 */
static int
supervisor_may_stop(const struct supervisor *sv, size_t i)
{
	const struct plan_type *pt;
	size_t d, j;

	for (d = 0; d < sv->ntypes; d++) {
		pt = sv->types[d].pt;
		for (j = 0; j < pt->nafter; j++) {
			if (pt->after[j].type == i &&
			    supervisor_type_active(&sv->types[d]))
				return 0;
		}
	}
	return 1;
}

/* Sends SIGTERM to adopted processes not stopped yet; says so. */
static int
supervisor_is_inst_group(int pgid, void *ctx)
{
	struct supervisor *sv = ctx;
	struct inst *in;
	size_t ti, k;

	SV_EACH(sv, ti, k, in) {
		if (in->pgid == pgid)
			return 1;
	}
	return 0;
}

/*
 * Sends SIGTERM to adopted processes that have not had a stop signal yet,
 * neither themselves nor through their group, and says so.
 */
static void
supervisor_stop_adopted(struct supervisor *sv)
{
	size_t n;

	n = reaper_signal(SIGTERM, supervisor_is_inst_group, sv);
	if (n > 0)
		output_system("sending %s to %zu adopted process%s",
		    sig_name(SIGTERM), n, n == 1 ? "" : "es");
}

/*
 * The shutdown's next layer: stops every type whose dependents have all
 * ended (every type at once when nothing uses `after`). When all share
 * one stop signal, one line says so.
 */
static void
supervisor_stop_layer(struct supervisor *sv)
{
	struct inst *in;
	struct sv_type *t;
	size_t i, k, ntypes = 0, nstop = 0;
	int sig = 0, mixed = 0, all;
	char *pick;

	pick = xcalloc(sv->ntypes + 1, 1);
	for (i = 0; i < sv->ntypes; i++) {
		t = &sv->types[i];
		if (t->stopping)
			continue;
		ntypes++;
		if (!supervisor_may_stop(sv, i))
			continue;
		pick[i] = 1;
		for (k = 0; k < t->n; k++) {
			if ((in = t->v[k]) == NULL || !inst_active(in))
				continue;
			nstop++;
			if (sig == 0)
				sig = inst_stop_signal(in);
			else if (sig != inst_stop_signal(in))
				mixed = 1;
		}
	}
	all = 1;
	for (i = 0; i < sv->ntypes; i++) {
		if (!sv->types[i].stopping && !pick[i])
			all = 0;
	}
	if (nstop > 0 && all && !mixed && ntypes == sv->ntypes)
		output_system("sending %s to all processes", sig_name(sig));
	sv->bulk = nstop > 0 && all && !mixed && ntypes == sv->ntypes;
	for (i = 0; i < sv->ntypes; i++) {
		if (!pick[i])
			continue;
		t = &sv->types[i];
		t->stopping = 1;
		for (k = 0; k < t->n; k++) {
			if ((in = t->v[k]) != NULL)
				inst_stop(in, FSM_STOP_SHUTDOWN);
		}
	}
	sv->bulk = 0;
	free(pick);
	/* With the first layer: descendants that escaped their groups. */
	if (!sv->adopted_stopped) {
		sv->adopted_stopped = 1;
		sv->adopted = reaper_reap();
		supervisor_stop_adopted(sv);
	}
}

/* Closes the supervisor's own handles so that the loop can end. */
static void
supervisor_close(struct supervisor *sv)
{
	sigset_t late;
	size_t i;

	if (sv->closing)
		return;
	sv->closing = 1;
	/*
	 * Closing a signal handle restores the default action, and a late
	 * copy of a stop signal (sent to both tfrun processes, the keeper's
	 * already handled) would then kill tfrun after a clean stop: keep
	 * them blocked for the little that is left.
	 */
	sigemptyset(&late);
	for (i = 0; i < nitems(sv_signals); i++)
		sigaddset(&late, sv_signals[i]);
	sigprocmask(SIG_BLOCK, &late, NULL);
	for (i = 0; i < nitems(sv->signals); i++)
		uv_close((uv_handle_t *)&sv->signals[i], NULL);
	uv_close((uv_handle_t *)&sv->sigchld, NULL);
	if (sv->keeper_watched)
		uv_close((uv_handle_t *)&sv->keeper, NULL);
	uv_close((uv_handle_t *)&sv->deadline, NULL);
	ctl_stop(sv->ctl);
	sv->ctl = NULL;
	if (sv->input_open)
		uv_close((uv_handle_t *)&sv->input, NULL);
	supervisor_tell_started(sv);
	output_stop();
}

/*
 * Decides whether tfrun is done: after a shutdown, once nothing of the
 * formation is left and its output is read; or, without one, when every
 * instance has ended on its own and none will run again (SPEC section 6).
 */
static void
supervisor_check_end(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k, count = 0;
	int highest = 0, waiting = 0;

	if (sv->reason == SV_RUNNING) {
		if (!sv->own_end)
			return;
		sv->own_end = 0;
		SV_EACH(sv, ti, k, in) {
			count++;
			if (in->fsm.state != FSM_EXITED &&
			    in->fsm.state != FSM_FAILED)
				waiting = 1;
			if (in->fsm.leader)
				waiting = 1;
			if (in->fsm.started && !in->fsm.stopped &&
			    in->fsm.status > highest)
				highest = in->fsm.status;
		}
		if (waiting || count == 0)
			return;
		/*
		 * run --with: once the command runs, it is what ends the
		 * formation; types that ended well (a one-shot done, --can-die)
		 * stop nothing.
		 */
		if (sv_setup.run_with && sv->all_ready_logged)
			return;
		output_system("all processes have ended");
		supervisor_shutdown(sv, SV_ALL_ENDED, highest);
		return;
	}
	SV_EACH(sv, ti, k, in) {
		if (inst_active(in))
			return;
	}
	sv->adopted = reaper_reap();
	/* After SIGKILL, only processes tfrun may not signal can remain. */
	if (sv->adopted > 0 && sv->adopted_kill_at != 0 &&
	    uv_now(&sv->loop) > sv->adopted_kill_at + SV_ADOPTED_GRACE_MS) {
		if (!sv->adopted_given_up)
			output_system("%zu adopted process%s could not be "
			    "stopped", sv->adopted, sv->adopted == 1 ? "" :
			    "es");
		sv->adopted_given_up = 1;
		sv->adopted = 0;
	}
	if (sv->adopted > 0)
		return;
	/* What the groups wrote last may still be in their pipes: read it. */
	if (proc_open_count() > 0) {
		if (sv->pipes_deadline == 0)
			sv->pipes_deadline = uv_now(&sv->loop) +
			    SV_PIPES_GRACE_MS;
		if (uv_now(&sv->loop) < sv->pipes_deadline)
			return;
		sv->draining = 1;
		proc_drain_all();
		sv->draining = 0;
	}
	supervisor_close(sv);
}

/* Arms the deadline timer for the earliest pending deadline, if any. */
static void
supervisor_arm(struct supervisor *sv)
{
	uint64_t now = uv_now(&sv->loop), next = 0;
	struct inst *in;
	size_t ti, k;
	int leftovers = 0;

	if (sv->closing)
		return;
	SV_EACH(sv, ti, k, in) {
		if (in->deadline != 0 && (next == 0 || in->deadline < next))
			next = in->deadline;
		if (in->fsm.group && in->run == NULL)
			leftovers = 1;
	}
	/*
	 * During a shutdown only: groups that outlived their leader and
	 * adopted processes are looked at until they are gone.
	 */
	if (sv->reason != SV_RUNNING && (leftovers || sv->adopted > 0) &&
	    (next == 0 || now + SV_POLL_MS < next))
		next = now + SV_POLL_MS;
	if (sv->pipes_deadline != 0 && (next == 0 || sv->pipes_deadline < next))
		next = sv->pipes_deadline;
	if (next == 0)
		uv_timer_stop(&sv->deadline);
	else
		uv_timer_start(&sv->deadline, supervisor_deadline_cb,
		    next > now ? next - now : 0, 0);
}

/*
 * Once the whole formation is ready for the first time, says so, when
 * readiness or order are used at all (SPEC 6b): a one-shot that is done
 * counts as ready.
 */
static void
supervisor_check_all_ready(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k, n = 0;
	int ok;

	if ((!sv->ordered && !sv_setup.run_with) || sv->all_ready_logged ||
	    sv->reason != SV_RUNNING)
		return;
	SV_EACH(sv, ti, k, in) {
		/*
		 * Done (exited 0) counts as ready for a one-shot, and for run
		 * --with for any type whose exit 0 stopped nothing (--can-die,
		 * on-failure); run --with runs its command once a one-shot is
		 * done, not just started.
		 */
		if (in->fsm.state == FSM_EXITED && in->fsm.done &&
		    (in->type->pt->oneshot || sv_setup.run_with))
			ok = 1;
		else
			ok = !(in->type->pt->oneshot && sv_setup.run_with) &&
			    fsm_is_ready(&in->fsm);
		if (!ok)
			return;
		n++;
	}
	if (n == 0 && !sv_setup.run_with)
		return;
	sv->all_ready_logged = 1;
	/* run --with needs the moment even when nothing is ordered. */
	if (sv->ordered && n > 0)
		output_system("all %zu instance%s ready in %.2fs", n,
		    n == 1 ? "" : "s",
		    (double)(uv_now(&sv->loop) - sv->started_ms) / 1000.0);
	supervisor_tell_ready(sv);
}

/*
 * With -D: once every instance has been started (or tfrun is ending, with
 * closing), tells the process waiting in the foreground, which then
 * returns 0 and leaves tfrun in the background.
 */
static void
supervisor_tell_started(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k;

	if (sv_setup.started_fd == -1)
		return;
	if (!sv->closing) {
		SV_EACH(sv, ti, k, in) {
			if (!in->fsm.started && in->fsm.state != FSM_FAILED)
				return;
		}
		if (write(sv_setup.started_fd, "ok\n", 3) < 0)
			sv_setup.started_fd = sv_setup.started_fd;
	}
	close(sv_setup.started_fd);
	sv_setup.started_fd = -1;
}

/*
 * Brings everything up to date after an event; see the top of the file.
 * Re-entrant calls (an action that settles) only ask for another round.
 */
static void
supervisor_settle(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k;

	if (sv->settling) {
		sv->settle_again = 1;
		return;
	}
	sv->settling = 1;
	do {
		sv->settle_again = 0;
		if (sv->closing)
			break;
		SV_EACH(sv, ti, k, in)
			inst_probe_group(in);
		supervisor_start_waiting(sv);
		if (sv->reason != SV_RUNNING)
			supervisor_stop_layer(sv);
		/* run --with: a one-shot just done lets the command run. */
		if (sv_setup.run_with)
			supervisor_check_all_ready(sv);
		supervisor_check_end(sv);
		supervisor_check_all_ready(sv);
	} while (sv->settle_again);
	sv->settling = 0;
	supervisor_sweep(sv);
	supervisor_arm(sv);
	if (!sv->closing) {
		ctl_notify(sv->ctl);
		supervisor_tell_started(sv);
	}
}

/* The one shutdown path; supervisor_settle stops the layers. */
static void
supervisor_shutdown(struct supervisor *sv, enum sv_reason reason,
    int status)
{
	if (sv->reason != SV_RUNNING)
		return;
	sv->reason = reason;
	sv->status = reason == SV_INSTANCE || reason == SV_ALL_ENDED ||
	    reason == SV_OUTPUT_ERROR ? status : 0;
	sv->adopted_kill_at = uv_now(&sv->loop) + sv->plan->cfg.timeout_ms;
	sv->settle_again = 1;
}

/* Sends SIGKILL to every group and adopted process at once. */
static void
supervisor_kill_all(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k;

	output_system("sending SIGKILL to all processes");
	SV_EACH(sv, ti, k, in)
		inst_event(in, FSM_EV_KILL);
	/*
	 * No later layer of the shutdown may still send its stop signal: the
	 * layers not reached yet are stopped here (killed instances are
	 * stopping already; waiting ones just end).
	 */
	for (ti = 0; ti < sv->ntypes; ti++) {
		if (sv->types[ti].stopping)
			continue;
		sv->types[ti].stopping = 1;
		for (k = 0; k < sv->types[ti].n; k++) {
			if ((in = sv->types[ti].v[k]) != NULL)
				inst_stop(in, FSM_STOP_SHUTDOWN);
		}
	}
	sv->adopted_kill_at = uv_now(&sv->loop);
	sv->adopted_stopped = 1;
	reaper_signal(SIGKILL, NULL, NULL);
}

/* Handles every deadline that has passed. */
static void
supervisor_deadline_cb(uv_timer_t *timer)
{
	struct supervisor *sv = timer->data;
	uint64_t now = uv_now(&sv->loop);
	struct inst *in;
	size_t ti, k;

	SV_EACH(sv, ti, k, in) {
		if (in->deadline != 0 && in->deadline <= now) {
			in->deadline = 0;
			inst_event(in, FSM_EV_DEADLINE);
		}
	}
	if (sv->reason != SV_RUNNING) {
		sv->adopted = reaper_reap();
		/* Adopted during the shutdown: they get the stop signal too. */
		if (sv->adopted > 0 && now < sv->adopted_kill_at)
			supervisor_stop_adopted(sv);
		if (sv->adopted > 0 && now >= sv->adopted_kill_at) {
			if (!sv->adopted_killed)
				output_system("sending SIGKILL to %zu adopted "
				    "process%s", sv->adopted, sv->adopted == 1 ?
				    "" : "es");
			sv->adopted_killed = 1;
			reaper_signal(SIGKILL, NULL, NULL);
		}
	}
	supervisor_settle(sv);
}

/*
 * The keeper's pipe is readable: a signal the keeper passes on (one byte,
 * its number), or end of file when the keeper (the process the user
 * started) has died. Nothing may outlive it: everything is killed at once.
 */
static void supervisor_on_signal(struct supervisor *, int, int);

/* run --with: the command has ended; the formation stops, as on SIGTERM. */
static void
supervisor_cmd_done(struct supervisor *sv)
{
	if (sv->reason != SV_RUNNING)
		return;
	sv->stop_signal = SIGTERM;
	output_system("the command has ended, starting shutdown");
	supervisor_shutdown(sv, SV_REQUESTED, 0);
	supervisor_settle(sv);
}

static void
supervisor_keeper_cb(uv_poll_t *handle, int status, int events)
{
	struct supervisor *sv = handle->data;
	unsigned char sigs[64];
	ssize_t n, i;

	(void)status;
	(void)events;
	n = read(keeper_fd(), sigs, sizeof sigs);
	if (n > 0) {
		for (i = 0; i < n; i++) {
			if (sigs[i] == KEEPER_CMD_DONE)
				supervisor_cmd_done(sv);
			else
				supervisor_on_signal(sv, sigs[i], 1);
		}
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	uv_poll_stop(handle);
	output_system("tfrun's keeper process has died: killing every "
	    "process");
	if (sv->reason == SV_RUNNING) {
		supervisor_shutdown(sv, SV_REQUESTED, 0);
		sv->status = 1;
	}
	sv->stop_signals = 2;
	supervisor_kill_all(sv);
	supervisor_settle(sv);
}

/* A child changed state: reap adopted orphans (libuv reaps its own). */
static void
supervisor_sigchld_cb(uv_signal_t *handle, int signum)
{
	struct supervisor *sv = handle->data;

	(void)signum;
	sv->adopted = reaper_reap();
	if (sv->reason != SV_RUNNING && sv->adopted > 0 &&
	    uv_now(&sv->loop) < sv->adopted_kill_at)
		supervisor_stop_adopted(sv);
	supervisor_settle(sv);
}

/*
 * ^Z: stops every group, then the supervisor is stopped (by the keeper,
 * which then stops itself; without a keeper, by itself). The instances
 * are not in the terminal's process group, and SIGTSTP would be discarded
 * in their orphaned groups, so they get SIGSTOP.
 */
static void
supervisor_suspend(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k;

	output_system("SIGTSTP received, stopping every process");
	sv->stopped = 1;
	SV_EACH(sv, ti, k, in) {
		if (inst_active(in))
			inst_signal(in, SIGSTOP);
	}
	if (keeper_report_stop() != 0)
		kill(getpid(), SIGSTOP);
}

/* fg/bg, or SIGCONT: the groups ^Z stopped go on too. */
static void
supervisor_continue(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k;

	if (!sv->stopped)
		return;
	sv->stopped = 0;
	SV_EACH(sv, ti, k, in) {
		if (inst_active(in))
			inst_signal(in, SIGCONT);
	}
	output_system("SIGCONT received, every process continues");
}

/*
 * Reads the size of tfrun's terminal (that of stdin, stdout or stderr,
 * whichever is one); 80x24 when none is.
 */
static void
supervisor_read_winsize(struct winsize *ws)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (ioctl(fd, TIOCGWINSZ, ws) == 0 && ws->ws_col > 0)
			return;
	}
	memset(ws, 0, sizeof *ws);
	ws->ws_col = 80;
	ws->ws_row = 24;
}

/* Finds an instance by name ("web.1"), or NULL. */
static struct inst *
supervisor_find_inst(struct supervisor *sv, const char *name)
{
	struct inst *in;
	size_t ti, k;

	SV_EACH(sv, ti, k, in) {
		if (strcmp(in->name, name) == 0)
			return in;
	}
	return NULL;
}

/* Hands libuv a buffer for the terminal's input. */
static void
supervisor_input_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	static char input[4096];

	(void)handle;
	(void)suggested;
	buf->base = input;
	buf->len = sizeof input;
}

/*
 * --stdin: the terminal's input (a line at a time, in its normal mode)
 * goes to the instance; its end is passed on as an end.
 */
static void
supervisor_input_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct supervisor *sv = stream->data;
	struct inst *in = supervisor_find_inst(sv, sv->input_name);

	if (nread == 0)
		return;
	if (nread < 0) {
		uv_read_stop(stream);
		if (in != NULL && in->run != NULL)
			proc_input_end(in->run);
		return;
	}
	if (in == NULL || in->run == NULL) {
		output_system("%s is not running: input dropped",
		    sv->input_name);
		return;
	}
	if (proc_input(in->run, buf->base, (size_t)nread) != 0)
		output_system("%s does not read its input: some dropped",
		    in->name);
}

/* Starts passing the terminal's input to the --stdin instance. */
static void
supervisor_open_input(struct supervisor *sv)
{
	const struct plan_type *pt = plan_stdin_type(sv->plan);
	int fd;

	if (pt == NULL)
		return;
	snprintf(sv->input_name, sizeof sv->input_name, "%s.%ld", pt->name,
	    pt->stdin_instance);
	/* Without a keeper, the supervisor is in the foreground itself. */
	if ((fd = keeper_input_fd()) == -1 && (fd = dup(STDIN_FILENO)) == -1)
		return;
	uv_pipe_init(&sv->loop, &sv->input, 0);
	sv->input.data = sv;
	if (uv_pipe_open(&sv->input, fd) != 0) {
		close(fd);
		uv_close((uv_handle_t *)&sv->input, NULL);
		return;
	}
	sv->input_open = 1;
	uv_read_start((uv_stream_t *)&sv->input, supervisor_input_alloc,
	    supervisor_input_cb);
}

/* tfrun's terminal was resized: so is every instance's pty. */
static void
supervisor_winch(struct supervisor *sv)
{
	struct inst *in;
	size_t ti, k;

	supervisor_read_winsize(&sv->winsize);
	SV_EACH(sv, ti, k, in) {
		if (in->run != NULL)
			proc_resize(in->run, &sv->winsize);
	}
}

/*
 * Handles a signal to tfrun: sent to the supervisor directly, or to the
 * keeper, which passes it on through its pipe (forwarded).
 */
static void
supervisor_on_signal(struct supervisor *sv, int signum, int forwarded)
{
	struct inst *in;
	uint64_t now;
	size_t ti, k;

	/*
	 * One signal sent to both tfrun processes at once (`pkill tfrun`,
	 * systemd's control-group kill) arrives twice, once by each way,
	 * within moments: that is one request. Two copies that came the same
	 * way are two (a second ^C), unless no hand could type them so fast.
	 */
	now = uv_hrtime() / 1000000;
	if (signum != SIGWINCH && signum != SIGCONT &&
	    signum == sv->last_signal && now - sv->last_signal_at <
	    (forwarded != sv->last_forwarded ? SV_SAME_SIGNAL_MS :
	    SV_SAME_WAY_MS))
		return;
	sv->last_signal = signum;
	sv->last_signal_at = now;
	sv->last_forwarded = forwarded;

	if (signum == SIGTSTP) {
		supervisor_suspend(sv);
		return;
	}
	if (signum == SIGCONT) {
		supervisor_continue(sv);
		return;
	}
	if (signum == SIGWINCH) {
		supervisor_winch(sv);
		return;
	}
	if (signum == SIGUSR1 || signum == SIGUSR2) {
		output_system("%s received, forwarding it to all processes",
		    sig_name(signum));
		SV_EACH(sv, ti, k, in) {
			if (inst_active(in))
				inst_signal(in, signum);
		}
		return;
	}
	if (sv->reason == SV_RUNNING) {
		sv->stop_signals++;
		sv->stop_signal = signum == SIGINT ? SIGINT : SIGTERM;
		output_system("%s received, starting shutdown",
		    sig_name(signum));
		supervisor_shutdown(sv, SV_REQUESTED, 0);
		supervisor_settle(sv);
		return;
	}
	if (signum == SIGHUP)
		return;
	/*
	 * A second SIGINT or SIGTERM means: do not wait any longer. The first
	 * one during a shutdown tfrun started by itself only asks for the
	 * same graceful stop, already under way.
	 */
	if (sv->stop_signals++ == 0) {
		output_system("%s received, already stopping (send it again "
		    "to kill at once)", sig_name(signum));
		return;
	}
	output_system("%s received again", sig_name(signum));
	supervisor_kill_all(sv);
	/*
	 * Do not wait any longer for a stdout nobody reads: what it cannot
	 * take is dropped, so that tfrun ends promptly.
	 */
	output_hurry();
	supervisor_settle(sv);
}

/* A signal sent to the supervisor itself. */
static void
supervisor_signal_cb(uv_signal_t *handle, int signum)
{
	supervisor_on_signal(handle->data, signum, 0);
}

/* Resumes reading every run once the output has drained. */
static void
supervisor_resume(void *ctx)
{
	(void)ctx;
	proc_resume_all();
}

/*
 * Writing stdout failed. EPIPE (its reader left, `tfrun start | head`) is a
 * stop the user asked for: status 0. Any other error is reported on stderr,
 * since the log itself cannot carry it, and tfrun exits 1.
 */
static void
supervisor_output_closed(void *ctx, int error)
{
	struct supervisor *sv = ctx;

	if (error == EPIPE) {
		supervisor_shutdown(sv, SV_REQUESTED, 0);
	} else {
		fprintf(stderr, "tfrun: cannot write the log to standard "
		    "output: %s\n", strerror(error));
		if (sv->reason == SV_RUNNING)
			supervisor_shutdown(sv, SV_OUTPUT_ERROR, 1);
		else
			sv->status = 1;
	}
	supervisor_settle(sv);
}

/* An output pipe has closed: it may have been the last thing to wait for. */
static void
supervisor_pipe_closed(void *ctx)
{
	struct supervisor *sv = ctx;

	if (!sv->draining && !sv->closing && sv->reason != SV_RUNNING)
		supervisor_settle(sv);
}

/* Decides whether the log is coloured (SPEC section 5). */
static int
supervisor_color(const struct plan *p)
{
	const char *term, *no_color;

	switch (p->cfg.color) {
	case CONFIG_COLOR_ALWAYS:
		return 1;
	case CONFIG_COLOR_NEVER:
		return 0;
	default:
		/* no-color.org: only a non-empty NO_COLOR turns colour off. */
		term = getenv("TERM");
		no_color = getenv("NO_COLOR");
		return isatty(STDOUT_FILENO) &&
		    (no_color == NULL || *no_color == '\0') &&
		    (term == NULL || strcmp(term, "dumb") != 0);
	}
}

/* Returns the label width the formation needs: the widest "TYPE.N". */
static size_t
supervisor_width(const struct supervisor *sv)
{
	size_t i, w = FMT_MIN_WIDTH, len;
	char digits[32];

	for (i = 0; i < sv->ntypes; i++) {
		if (sv->types[i].count == 0 && sv->types[i].n == 0)
			continue;
		len = strlen(sv->types[i].pt->name) + 1 + (size_t)snprintf(
		    digits, sizeof digits, "%ld", sv->types[i].count >
		    (long)sv->types[i].n ? sv->types[i].count :
		    (long)sv->types[i].n);
		if (len > w)
			w = len;
	}
	return w;
}

/* Grows the label width when a wider label appears (never shrinks it). */
static void
supervisor_grow_width(struct supervisor *sv)
{
	size_t w = supervisor_width(sv);

	if (w > sv->width) {
		sv->width = w;
		output_set_width(w);
	}
}

/* Closes anything a bug left open, then the loop; returns uv_loop_close. */
static void
supervisor_walk_cb(uv_handle_t *handle, void *arg)
{
	(void)arg;
	if (!uv_is_closing(handle)) {
		fprintf(stderr, "tfrun: internal: handle type %d left open\n",
		    (int)handle->type);
		uv_close(handle, NULL);
	}
}

/* Finds a type by name. */
static struct sv_type *
supervisor_find_type(struct supervisor *sv, const char *name)
{
	size_t i;

	for (i = 0; i < sv->ntypes; i++) {
		if (strcmp(sv->types[i].pt->name, name) == 0)
			return &sv->types[i];
	}
	return NULL;
}

/* Makes and starts (once its dependencies allow) instance n of type t. */
static void
supervisor_add(struct supervisor *sv, struct sv_type *t, long n)
{
	inst_new(sv, t, n);
}

/* Scales a type; see supervisor.h. */
int
supervisor_scale(struct supervisor *sv, const char *type, long n,
    const char *origin, char **cause)
{
	struct sv_type *t;
	struct inst *in;
	long k, port;

	if (sv->reason != SV_RUNNING) {
		*cause = xstrdup("tfrun is stopping");
		return -1;
	}
	if ((t = supervisor_find_type(sv, type)) == NULL) {
		xasprintf(cause, "no process type '%s' in the Procfile", type);
		return -1;
	}
	if (n < 0 || n > sv->plan->port_step) {
		xasprintf(cause, "%s=%ld: a count is from 0 to %ld (the port "
		    "step)", type, n, sv->plan->port_step);
		return -1;
	}
	if (n > 0 && plan_port(sv->plan, t->pt, n, &port) != 0) {
		xasprintf(cause, "%s.%ld: port above 65535", type, n);
		return -1;
	}
	output_system("scale %s=%ld (from %s)", type, n, origin);
	t->count = n;
	supervisor_grow_width(sv);
	for (k = 1; k <= n; k++) {
		in = (size_t)k <= t->n ? t->v[k - 1] : NULL;
		if (in == NULL)
			supervisor_add(sv, t, k);
		else if (in->fsm.state == FSM_STOPPING &&
		    in->fsm.stop == FSM_STOP_SCALE)
			/* Being scaled down: it starts again instead. */
			inst_event(in, FSM_EV_RESTART);
	}
	/* The highest-numbered go first. */
	for (k = (long)t->n; k > n; k--) {
		if ((in = t->v[k - 1]) != NULL)
			inst_stop(in, FSM_STOP_SCALE);
	}
	supervisor_settle(sv);
	return 0;
}

/* Collects the instances a target names; see supervisor.h. */
static size_t
supervisor_match(struct supervisor *sv, const char *target,
    struct inst ***out)
{
	struct inst *in;
	size_t ti, k, n = 0;

	*out = NULL;
	SV_EACH(sv, ti, k, in) {
		if (target != NULL && strcmp(in->name, target) != 0 &&
		    strcmp(in->type->pt->name, target) != 0)
			continue;
		*out = xreallocarray(*out, n + 1, sizeof **out);
		(*out)[n++] = in;
	}
	return n;
}

/* Says why a target matches nothing. */
static void
supervisor_no_match(struct supervisor *sv, const char *target, char **cause)
{
	if (target == NULL)
		*cause = xstrdup("no instance is running");
	else if (supervisor_find_type(sv, target) != NULL)
		xasprintf(cause, "%s: no instance (its count is 0)", target);
	else
		xasprintf(cause, "%s: no such instance or process type",
		    target);
}

/*
 * tfrun restart and tfrun stop: every instance target names gets the
 * event, with a line saying so.
 */
static int
supervisor_command(struct supervisor *sv, const char *target,
    const char *origin, enum fsm_event event, char **cause)
{
	struct inst **v;
	size_t i, n;

	if (sv->reason != SV_RUNNING) {
		*cause = xstrdup("tfrun is stopping");
		return -1;
	}
	if ((n = supervisor_match(sv, target, &v)) == 0) {
		supervisor_no_match(sv, target, cause);
		return -1;
	}
	for (i = 0; i < n; i++) {
		output_system("%s %s (from %s)", event == FSM_EV_RESTART ?
		    "restarting" : "stopping", v[i]->name, origin);
		if (event == FSM_EV_RESTART)
			inst_event(v[i], FSM_EV_RESTART);
		else
			inst_stop(v[i], FSM_STOP_COMMAND);
	}
	free(v);
	supervisor_settle(sv);
	return 0;
}

/* Restarts; see supervisor.h. */
int
supervisor_restart(struct supervisor *sv, const char *target,
    const char *origin, char **cause)
{
	return supervisor_command(sv, target, origin, FSM_EV_RESTART, cause);
}

/* Stops; see supervisor.h. */
int
supervisor_stop(struct supervisor *sv, const char *target,
    const char *origin, char **cause)
{
	return supervisor_command(sv, target, origin, FSM_EV_STOP, cause);
}

/* Signals; see supervisor.h. */
int
supervisor_signal(struct supervisor *sv, int sig, const char *target,
    const char *origin, char **cause)
{
	struct inst **v;
	size_t i, n, sent = 0;

	if ((n = supervisor_match(sv, target, &v)) == 0) {
		supervisor_no_match(sv, target, cause);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!inst_active(v[i]))
			continue;
		output_system("sending %s to %s (from %s)", sig_name(sig),
		    v[i]->name, origin);
		inst_signal(v[i], sig);
		sent++;
	}
	free(v);
	if (sent == 0) {
		xasprintf(cause, "%s: not running", target != NULL ? target :
		    "every instance");
		return -1;
	}
	supervisor_settle(sv);
	return 0;
}

/* Quits; see supervisor.h. */
void
supervisor_quit(struct supervisor *sv, const char *origin)
{
	if (sv->reason != SV_RUNNING)
		return;
	output_system("quit (from %s), starting shutdown", origin);
	supervisor_shutdown(sv, SV_REQUESTED, 0);
	supervisor_settle(sv);
}

/* Lists each instance; see supervisor.h. */
void
supervisor_each(struct supervisor *sv,
    void (*fn)(const struct supervisor_info *, void *), void *arg)
{
	struct supervisor_info info;
	struct inst *in;
	size_t ti, k;

	SV_EACH(sv, ti, k, in) {
		memset(&info, 0, sizeof info);
		info.name = in->name;
		info.type = in->type->pt->name;
		info.n = in->n;
		info.pid = in->run != NULL ? in->host_pid : 0;
		info.state = fsm_state_name(in->fsm.state);
		info.ready = fsm_is_ready(&in->fsm);
		info.uptime_ms = in->run != NULL ? uv_now(&sv->loop) -
		    in->started_at : 0;
		info.restarts = in->fsm.restarts;
		info.port = in->port;
		info.command = in->type->pt->command;
		info.status = in->fsm.started && !in->fsm.leader ?
		    in->fsm.status : -1;
		fn(&info, arg);
	}
}

/* Says whether all are ready; see supervisor.h. */
int
supervisor_all_ready(struct supervisor *sv, char **not_ready)
{
	struct buf b = BUF_INIT;
	struct inst *in;
	size_t ti, k;

	SV_EACH(sv, ti, k, in) {
		/* A one-shot that is done counts as ready. */
		if (fsm_is_ready(&in->fsm) || (in->type->pt->oneshot &&
		    in->fsm.state == FSM_EXITED && in->fsm.done))
			continue;
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_printf(&b, "%s (%s)", in->name,
		    fsm_state_name(in->fsm.state));
	}
	if (b.len == 0) {
		buf_free(&b);
		*not_ready = NULL;
		return 1;
	}
	*not_ready = buf_detach(&b);
	return 0;
}

/* Says whether a shutdown is under way. */
int
supervisor_stopping(struct supervisor *sv)
{
	return sv->reason != SV_RUNNING;
}

/* Attaches a client; see supervisor.h. */
int
supervisor_attach(struct supervisor *sv, const char *name, unsigned cols,
    unsigned rows, const struct supervisor_tap *tap, int *tty, char *as,
    char **cause)
{
	struct inst *in;
	const char *partial;
	size_t ti, k, n;

	/* A type's name means its first instance, as overmind connect does. */
	if ((in = supervisor_find_inst(sv, name)) == NULL) {
		for (ti = 0; ti < sv->ntypes; ti++) {
			if (strcmp(sv->types[ti].pt->name, name) != 0)
				continue;
			for (k = 0; k < sv->types[ti].n && in == NULL; k++)
				in = sv->types[ti].v[k];
		}
	}
	if (in == NULL) {
		supervisor_no_match(sv, name, cause);
		return -1;
	}
	if (in->attached) {
		xasprintf(cause, "%s: another client is attached to it",
		    in->name);
		return -1;
	}
	snprintf(as, SUPERVISOR_NAME_MAX, "%s", in->name);
	name = in->name;
	in->attached = 1;
	in->tap = *tap;
	memset(&in->attach_ws, 0, sizeof in->attach_ws);
	in->attach_ws.ws_col = (unsigned short)cols;
	in->attach_ws.ws_row = (unsigned short)rows;
	*tty = in->run != NULL ? proc_has_tty(in->run) :
	    in->type->pt->tty == CONFIG_TTY_ALWAYS ||
	    (in->type->pt->tty == CONFIG_TTY_AUTO && sv->tty_auto);
	output_system("%s: a client attached (from tfrun attach)", name);
	if (in->run != NULL) {
		proc_resize(in->run, &in->attach_ws);
		/* What the instance shows now: a prompt without its newline. */
		if ((n = proc_partial(in->run, &partial)) > 0)
			tap->output(tap->ctx, partial, n);
		proc_set_tap(in->run, tap->output, tap->ctx);
	}
	return 0;
}

/* Input from the attached client; see supervisor.h. */
void
supervisor_attach_input(struct supervisor *sv, const char *name,
    const char *data, size_t len)
{
	struct inst *in = supervisor_find_inst(sv, name);

	if (in != NULL && in->attached && in->run != NULL)
		proc_input(in->run, data, len);
}

/* The attached client's size; see supervisor.h. */
void
supervisor_attach_resize(struct supervisor *sv, const char *name,
    unsigned cols, unsigned rows)
{
	struct inst *in = supervisor_find_inst(sv, name);

	if (in == NULL || !in->attached)
		return;
	in->attach_ws.ws_col = (unsigned short)cols;
	in->attach_ws.ws_row = (unsigned short)rows;
	if (in->run != NULL)
		proc_resize(in->run, &in->attach_ws);
}

/* The client has gone; see supervisor.h. */
void
supervisor_detach(struct supervisor *sv, const char *name)
{
	struct inst *in = supervisor_find_inst(sv, name);

	if (in == NULL || !in->attached)
		return;
	in->attached = 0;
	if (in->run != NULL) {
		proc_set_tap(in->run, NULL, NULL);
		proc_resize(in->run, &sv->winsize);
	}
	output_system("%s: the client detached", name);
}

/*
 * tfrun run --with: the formation is ready, so the keeper runs the
 * command now.
 */
static void
supervisor_tell_ready(struct supervisor *sv)
{
	(void)sv;
	if (sv_setup.run_with)
		keeper_report_ready();
}

/* Keeps what cmd_start set up; see supervisor.h. */
void
supervisor_set_up(const struct supervisor_setup *setup)
{
	sv_setup = *setup;
}

/* Collects histories; see supervisor.h. */
int
supervisor_histories(struct supervisor *sv, const char *const *targets,
    size_t n, struct history ***v, size_t *nv, char **cause)
{
	struct inst **m;
	size_t i, j, k, d;

	*v = NULL;
	*nv = 0;
	for (i = 0; i < (n == 0 ? 1 : n); i++) {
		k = supervisor_match(sv, n == 0 ? NULL : targets[i], &m);
		if (k == 0 && n > 0) {
			supervisor_no_match(sv, targets[i], cause);
			free(*v);
			*v = NULL;
			*nv = 0;
			return -1;
		}
		*v = xreallocarray(*v, *nv + k + 1, sizeof **v);
		for (j = 0; j < k; j++) {
			/* Named twice (web and web.1): its lines once. */
			for (d = 0; d < *nv && (*v)[d] != m[j]->hist; d++)
				continue;
			if (d == *nv)
				(*v)[(*nv)++] = m[j]->hist;
		}
		free(m);
	}
	return 0;
}

/* Returns the label width. */
size_t
supervisor_label_width(struct supervisor *sv)
{
	return sv->width;
}

/* Returns the loop. */
uv_loop_t *
supervisor_loop(struct supervisor *sv)
{
	return &sv->loop;
}

/* Returns the plan. */
const struct plan *
supervisor_plan(struct supervisor *sv)
{
	return sv->plan;
}

/* Runs the formation; see supervisor.h. */
int
supervisor_run(const struct plan *plan)
{
	struct supervisor sv;
	struct fmt_style style;
	struct output_ops ops;
	struct sigaction sa;
	struct rlimit rl;
	struct inst *in;
	size_t i, k;
	long n;
	int err;

	memset(&sv, 0, sizeof sv);
	sv.plan = plan;
	if ((err = uv_loop_init(&sv.loop)) != 0) {
		fprintf(stderr, "tfrun: cannot start the event loop: %s\n",
		    uv_strerror(err));
		return 1;
	}

	/* Orphaned descendants come to tfrun, to be reaped and stopped. */
	reaper_enable();
	proc_on_idle(supervisor_pipe_closed, &sv);

	/*
	 * Each instance takes two descriptors (its output, its input): the
	 * soft limit (1024 on many systems) would stop a formation of a few
	 * hundred, so it is raised to the hard limit. The instances inherit
	 * the raised limit.
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	/* A closed stdout must be an EPIPE error, not a fatal signal. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sv.ntypes = plan->ntypes;
	sv.types = xcalloc(sv.ntypes + 1, sizeof *sv.types);
	for (i = 0; i < sv.ntypes; i++) {
		sv.types[i].pt = &plan->types[i];
		sv.types[i].count = sv_setup.counts != NULL ? sv_setup.counts[i] :
		    plan->types[i].count;
	}
	sv.width = supervisor_width(&sv);
	sv.tty_auto = isatty(STDOUT_FILENO);
	sv.started_ms = uv_now(&sv.loop);
	for (i = 0; i < sv.ntypes; i++) {
		if (plan->types[i].ready.kind != PROBE_NONE ||
		    plan->types[i].nafter > 0 || plan->types[i].oneshot)
			sv.ordered = 1;
	}
	supervisor_read_winsize(&sv.winsize);

	memset(&style, 0, sizeof style);
	style.json = plan->cfg.log_format == CONFIG_LOG_JSON;
	style.color = !style.json && supervisor_color(plan);
	style.timestamp = !plan->cfg.no_timestamp;
	style.prefix = !plan->cfg.no_prefix;
	style.width = sv.width;
	ops.resume = supervisor_resume;
	ops.closed = supervisor_output_closed;
	ops.ctx = &sv;
	if ((err = output_start(&sv.loop, &style, &ops)) != 0) {
		fprintf(stderr, "tfrun: cannot start the output: %s\n",
		    uv_strerror(err));
		uv_run(&sv.loop, UV_RUN_DEFAULT); /* let close callbacks run */
		uv_loop_close(&sv.loop);
		free(sv.types);
		return 1;
	}

	for (i = 0; i < nitems(sv.signals); i++) {
		uv_signal_init(&sv.loop, &sv.signals[i]);
		sv.signals[i].data = &sv;
		if (sv_signals[i] != SIGHUP || !keeper_hup_ignored())
			uv_signal_start(&sv.signals[i], supervisor_signal_cb,
			    sv_signals[i]);
	}
	if (keeper_fd() != -1 &&
	    uv_poll_init(&sv.loop, &sv.keeper, keeper_fd()) == 0) {
		sv.keeper.data = &sv;
		sv.keeper_watched = 1;
		uv_poll_start(&sv.keeper, UV_READABLE | UV_DISCONNECT,
		    supervisor_keeper_cb);
	}
	uv_signal_init(&sv.loop, &sv.sigchld);
	sv.sigchld.data = &sv;
	uv_signal_start(&sv.sigchld, supervisor_sigchld_cb, SIGCHLD);
	uv_timer_init(&sv.loop, &sv.deadline);
	sv.deadline.data = &sv;
	/* Signals that came before the handlers were pending: now they run. */
	keeper_unblock();

	if (sv_setup.ctl_fd != -1) {
		char *abs = realpath(plan->root, NULL);

		sv.ctl = ctl_start(&sv, sv_setup.ctl_fd, sv_setup.ctl_path,
		    (pid_t)sv_setup.pid, abs != NULL ? abs : plan->root);
		free(abs);
	}

	supervisor_open_input(&sv);

	/* What `tfrun check` would warn about, before anything starts. */
	for (i = 0; i < plan->nwarnings; i++)
		output_system("warning: %s", plan->warnings[i]);

	k = 0;
	for (i = 0; i < sv.ntypes; i++) {
		for (n = 1; n <= sv.types[i].count; n++, k++)
			supervisor_add(&sv, &sv.types[i], n);
	}
	if (k == 0) {
		output_system("nothing to start (every count is 0)");
		supervisor_close(&sv);
	}
	supervisor_settle(&sv);

	uv_run(&sv.loop, UV_RUN_DEFAULT);

	if (uv_loop_close(&sv.loop) != 0) {
		uv_walk(&sv.loop, supervisor_walk_cb, NULL);
		uv_run(&sv.loop, UV_RUN_DEFAULT);
		uv_loop_close(&sv.loop);
	}
	for (i = 0; i < sv.ntypes; i++) {
		for (k = 0; k < sv.types[i].n; k++) {
			if ((in = sv.types[i].v[k]) != NULL)
				inst_free(in);
		}
		free(sv.types[i].v);
	}
	free(sv.types);
	supervisor_sweep(&sv);
	return sv.status;
}
