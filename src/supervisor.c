/*
 * supervisor.c: runs the formation: the instance table, each instance's
 * state machine, signals, the one shutdown path and the exit status.
 *
 * Every instance is a slot, allocated on its own so that it never moves
 * while libuv callbacks point at it; the table holds pointers and can grow
 * (live scaling). A slot's current run is a struct proc, which owns its
 * handles and outlives the slot's interest in it when needed. Events —
 * a run finished, a deadline passed, a signal arrived, the output closed —
 * each go through one function here; every path that stops the formation
 * goes through supervisor_shutdown.
 *
 * One timer serves every deadline (the SIGKILL deadline of each stopping
 * slot and the restart time of each slot in backoff): it is always armed
 * for the earliest one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "cmd.h"
#include "keeper.h"
#include "output.h"
#include "policy.h"
#include "proc.h"
#include "reaper.h"
#include "sig.h"
#include "supervisor.h"
#include "xmalloc.h"

enum slot_state {
	SLOT_NEW,      /* not started yet */
	SLOT_RUNNING,  /* a run is alive */
	SLOT_STOPPING, /* the stop signal was sent; waiting for the end */
	SLOT_BACKOFF,  /* waiting to restart */
	SLOT_EXITED,   /* ended, not to be restarted */
	SLOT_FAILED    /* could not be started, or given up */
};

struct supervisor;

struct slot {
	struct supervisor *sv;
	const struct plan_type *type;
	long n;                /* instance number, from 1 */
	char name[80];         /* "web.1" */
	long port;
	enum slot_state state;
	struct proc *run;      /* the current run, or NULL */
	int pid;
	int pgid;              /* process group of the last run */
	int group_alive;       /* that group may still have members */
	int status;            /* status of the last run */
	uint64_t started_at;   /* loop time of the last spawn */
	uint64_t kill_at;      /* loop time to SIGKILL; 0 for none */
	uint64_t restart_at;   /* loop time to restart; 0 for none */
	unsigned quick_failures;
	unsigned restarts;
};

enum sv_reason {
	SV_RUNNING,   /* no shutdown yet */
	SV_REQUESTED, /* a signal, `tfrun quit`, or stdout closed: status 0 */
	SV_INSTANCE,  /* an instance's end stopped the formation */
	SV_ALL_ENDED, /* every instance ended on its own */
	SV_OUTPUT_ERROR /* writing the log failed (not EPIPE): status 1 */
};

struct supervisor {
	uv_loop_t loop;
	const struct plan *plan;
	struct slot **slots;   /* owned pointers; the array may grow */
	size_t nslots;
	uv_signal_t signals[7];
	uv_signal_t sigchld;   /* adopted orphans to reap */
	uv_poll_t keeper;      /* the keeper's pipe: its EOF is its death */
	int keeper_watched;
	uv_timer_t deadline;
	uint64_t adopted_kill_at; /* SIGKILL adopted orphans from then on */
	size_t adopted;        /* adopted children alive at the last look */
	int adopted_given_up;  /* those left after SIGKILL are not waited for */
	enum sv_reason reason;
	int status;            /* tfrun's exit status */
	int closing;           /* handles are being closed; the loop ends */
	int stop_signals;      /* SIGINT/SIGTERM/SIGHUP received so far */
	int stop_signal;       /* for types without their own: INT or TERM */
	int stopped;           /* ^Z stopped the formation */
	int last_signal;       /* the last signal to tfrun, when (ms), */
	uint64_t last_signal_at;
	int last_forwarded;    /* and whether the keeper passed it on */
	int adopted_killed;    /* SIGKILL to adopted processes was logged */
	uint64_t pipes_deadline; /* at the end, when open pipes are closed */
	int draining;          /* proc_drain_all is under way */
};

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

static const int sv_signals[7] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1,
	SIGUSR2, SIGTSTP, SIGCONT };

static void supervisor_spawn(struct slot *);
static void supervisor_arm(struct supervisor *);
static void supervisor_deadline_cb(uv_timer_t *);
static void supervisor_on_signal(struct supervisor *, int, int);

/* Returns whether the slot has a live run. */
static int
slot_live(const struct slot *s)
{
	return s->run != NULL;
}

/*
 * Returns whether anything of the slot may still run: its run, or members
 * of its last process group that outlived the leader (a shell that did not
 * exec its command, a background job). Both must end before tfrun does.
 */
static int
slot_active(const struct slot *s)
{
	return s->run != NULL || s->group_alive;
}

/* Notes that the last group has emptied, once kill(2) says so. */
static void
slot_probe(struct slot *s)
{
	int err;

	if (s->run != NULL || !s->group_alive)
		return;
	err = uv_kill(-s->pgid, 0);
	if (err == UV_ESRCH)
		s->group_alive = 0;
	else if (err == UV_EPERM) {
		/* Members tfrun may not signal (setuid): it cannot stop them. */
		output_system("%s: what is left of its process group runs "
		    "as another user; tfrun cannot stop it", s->name);
		s->group_alive = 0;
	}
}

/* Sends sig to the slot's process group. */
static void
slot_signal(struct slot *s, int sig)
{
	if (s->run != NULL)
		proc_kill(s->run, sig);
	else if (s->group_alive && uv_kill(-s->pgid, sig) == UV_ESRCH)
		s->group_alive = 0;
}

/*
 * The slot's stop signal: its type's `stop_signal` when configured, else
 * SIGINT when the shutdown began with SIGINT (^C: what the processes would
 * get from the terminal, so that they flush), else SIGTERM.
 */
static int
slot_stop_signal(const struct slot *s)
{
	const struct config_type *ct;

	ct = config_type_find(&s->sv->plan->cfg, s->type->name);
	if (ct != NULL && (ct->set & CONFIG_TYPE_STOP_SIGNAL))
		return s->type->stop_signal;
	return s->sv->stop_signal != 0 ? s->sv->stop_signal : SIGTERM;
}

/* Formats a timeout for messages: "5s", "2.5s". */
static const char *
supervisor_seconds(uint64_t ms)
{
	static char text[32];

	if (ms % 1000 == 0)
		snprintf(text, sizeof text, "%llus",
		    (unsigned long long)(ms / 1000));
	else
		snprintf(text, sizeof text, "%gs", (double)ms / 1000.0);
	return text;
}

/* Closes the supervisor's own handles so that the loop can end. */
static void
supervisor_close(struct supervisor *sv)
{
	size_t i;

	sigset_t late;

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
	output_stop();
}

/* Says whether pgid is the process group of a slot (signalled with it). */
static int
supervisor_is_slot_group(int pgid, void *ctx)
{
	struct supervisor *sv = ctx;
	size_t i;

	for (i = 0; i < sv->nslots; i++) {
		if (sv->slots[i]->pgid == pgid)
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

	n = reaper_signal(SIGTERM, supervisor_is_slot_group, sv);
	if (n > 0)
		output_system("sending SIGTERM to %zu adopted process%s", n,
		    n == 1 ? "" : "es");
}

/*
 * Sends each active slot its stop signal and sets its SIGKILL deadline:
 * every group at once. The message names the signal once when all types
 * share it.
 */
static void
supervisor_stop_groups(struct supervisor *sv)
{
	uint64_t now = uv_now(&sv->loop);
	struct slot *s;
	size_t i;
	int mixed = 0, sig = 0;

	for (i = 0; i < sv->nslots; i++) {
		s = sv->slots[i];
		if (!slot_active(s))
			continue;
		if (sig == 0)
			sig = slot_stop_signal(s);
		else if (sig != slot_stop_signal(s))
			mixed = 1;
	}
	if (sig != 0 && !mixed)
		output_system("sending %s to all processes", sig_name(sig));
	for (i = 0; i < sv->nslots; i++) {
		s = sv->slots[i];
		if (s->state == SLOT_BACKOFF) {
			s->state = SLOT_EXITED;
			s->restart_at = 0;
		}
		if (!slot_active(s))
			continue;
		if (mixed)
			output_system("sending %s to %s",
			    sig_name(slot_stop_signal(s)), s->name);
		if (slot_live(s))
			s->state = SLOT_STOPPING;
		s->kill_at = now + s->type->timeout_ms;
		slot_signal(s, slot_stop_signal(s));
		/* A stopped group would never act on it. */
		slot_signal(s, SIGCONT);
	}
	/* Descendants that escaped their groups were adopted by tfrun. */
	sv->adopted = reaper_reap();
	supervisor_stop_adopted(sv);
	sv->adopted_kill_at = now + sv->plan->cfg.timeout_ms;
	supervisor_arm(sv);
}

/*
 * Ends the run of tfrun once nothing is alive: after a shutdown, or when
 * every instance has ended on its own (then what is left of their groups
 * is stopped first).
 */
static void
supervisor_check_end(struct supervisor *sv)
{
	size_t i;
	int highest = 0, leftovers = 0;

	for (i = 0; i < sv->nslots; i++)
		slot_probe(sv->slots[i]);
	for (i = 0; i < sv->nslots; i++) {
		if (slot_live(sv->slots[i]))
			return;
		if (sv->reason == SV_RUNNING &&
		    (sv->slots[i]->state == SLOT_BACKOFF ||
		    sv->slots[i]->state == SLOT_NEW))
			return;
		slot_probe(sv->slots[i]);
		if (sv->slots[i]->group_alive)
			leftovers = 1;
		if (sv->slots[i]->status > highest)
			highest = sv->slots[i]->status;
	}
	sv->adopted = reaper_reap();
	/* After SIGKILL, only processes tfrun may not signal can remain. */
	if (sv->adopted > 0 && sv->adopted_kill_at != 0 &&
	    sv->reason != SV_RUNNING &&
	    uv_now(&sv->loop) > sv->adopted_kill_at + SV_ADOPTED_GRACE_MS) {
		if (!sv->adopted_given_up)
			output_system("%zu adopted process%s could not be "
			    "stopped", sv->adopted, sv->adopted == 1 ? "" :
			    "es");
		sv->adopted_given_up = 1;
		sv->adopted = 0;
	}
	if (sv->adopted > 0)
		leftovers = 1;
	if (sv->reason == SV_RUNNING) {
		sv->reason = SV_ALL_ENDED;
		sv->status = highest;
		output_system("all processes have ended");
		if (leftovers)
			supervisor_stop_groups(sv);
	}
	if (leftovers) {
		supervisor_arm(sv); /* the deadline timer polls what is left */
		return;
	}
	/* What the groups wrote last may still be in their pipes: read it. */
	if (proc_open_count() > 0) {
		if (sv->pipes_deadline == 0)
			sv->pipes_deadline = uv_now(&sv->loop) +
			    SV_PIPES_GRACE_MS;
		if (uv_now(&sv->loop) < sv->pipes_deadline) {
			supervisor_arm(sv);
			return;
		}
		sv->draining = 1;
		proc_drain_all();
		sv->draining = 0;
	}
	supervisor_close(sv);
}

/* An output pipe has closed: it may have been the last thing to wait for. */
static void
supervisor_pipe_closed(void *ctx)
{
	struct supervisor *sv = ctx;

	if (!sv->draining && !sv->closing && sv->reason != SV_RUNNING)
		supervisor_check_end(sv);
}

/* The one shutdown path: stop signal to every group, then the deadline. */
static void
supervisor_shutdown(struct supervisor *sv, enum sv_reason reason,
    int status)
{
	if (sv->reason != SV_RUNNING)
		return;
	sv->reason = reason;
	sv->status = reason == SV_INSTANCE || reason == SV_OUTPUT_ERROR ?
	    status : 0;
	supervisor_stop_groups(sv);
	supervisor_check_end(sv);
}

/* Sends SIGKILL to every live group at once (a second ^C). */
static void
supervisor_kill_all(struct supervisor *sv)
{
	struct slot *s;
	size_t i;

	output_system("sending SIGKILL to all processes");
	for (i = 0; i < sv->nslots; i++) {
		s = sv->slots[i];
		if (!slot_active(s))
			continue;
		s->kill_at = 0;
		slot_signal(s, SIGKILL);
	}
	sv->adopted_kill_at = uv_now(&sv->loop);
	reaper_signal(SIGKILL, NULL, NULL);
	supervisor_arm(sv);
}

/* Logs how a run ended. */
static void
supervisor_log_end(const struct slot *s, int status, int termsig)
{
	if (termsig != 0)
		output_system("%s terminated by %s", s->name,
		    sig_name(termsig));
	else
		output_system("%s exited with code %d", s->name, status);
}

/*
 * A run of the slot ended with status (its exit code or 128 + signal):
 * decide, by the restart policy, what follows. Failed spawns come here too,
 * as runs that lasted no time, so they back off like any quick failure.
 */
static void
supervisor_ended(struct slot *s, int status)
{
	struct supervisor *sv = s->sv;
	enum policy_action action;
	uint64_t now = uv_now(&sv->loop), delay;

	s->status = status;
	if (sv->reason != SV_RUNNING || s->state == SLOT_STOPPING) {
		s->state = SLOT_EXITED;
		supervisor_check_end(sv);
		return;
	}
	action = policy_on_exit(s->type->restart, s->type->can_die, status,
	    now - s->started_at, &s->quick_failures);
	if (action == POLICY_GIVE_UP) {
		output_system("%s failed %u times in a row; giving up",
		    s->name, s->quick_failures);
		s->state = SLOT_FAILED;
		action = policy_after_give_up(s->type->can_die);
	}
	switch (action) {
	case POLICY_RESTART:
		/* The next run gets a new group; the old one must not linger. */
		if (s->group_alive) {
			output_system("killing what is left of %s's process "
			    "group", s->name);
			slot_signal(s, SIGKILL);
			s->group_alive = 0;
		}
		delay = policy_backoff_ms(s->quick_failures);
		s->state = SLOT_BACKOFF;
		s->restart_at = now + delay;
		output_system("%s restarting in %s", s->name,
		    supervisor_seconds(delay));
		supervisor_arm(sv);
		break;
	case POLICY_STOP_ALL:
		if (s->state != SLOT_FAILED)
			s->state = SLOT_EXITED;
		supervisor_shutdown(sv, SV_INSTANCE, status);
		break;
	default:
		if (s->state != SLOT_FAILED)
			s->state = SLOT_EXITED;
		supervisor_check_end(sv);
		break;
	}
}

/* A run has exited and its output is drained. */
static void
supervisor_done(void *ctx, struct proc *p, int status, int termsig)
{
	struct slot *s = ctx;

	(void)p;
	s->run = NULL;
	slot_probe(s);
	if (!s->group_alive)
		s->kill_at = 0;
	supervisor_log_end(s, status, termsig);
	supervisor_ended(s, status);
}

/* Starts one run of the slot's instance. */
static void
supervisor_spawn(struct slot *s)
{
	struct supervisor *sv = s->sv;
	struct proc_spec spec;
	char **envp;
	int err, status;

	envp = env_envp(&sv->plan->env, s->port, s->name);
	memset(&spec, 0, sizeof spec);
	spec.command = s->type->command;
	spec.cwd = sv->plan->root;
	spec.envp = envp;
	spec.src.name = s->name;
	spec.src.type = s->type->name;
	spec.src.color = s->type->color;
	spec.quiet = s->type->quiet;
	spec.done = supervisor_done;
	spec.ctx = s;
	s->started_at = uv_now(&sv->loop);
	err = proc_spawn(&sv->loop, &spec, &s->run);
	envmap_free_envp(envp);
	if (err == 0) {
		s->pid = s->pgid = proc_pid(s->run);
		s->group_alive = 1;
		keeper_report(proc_host_pid(s->run));
		s->state = SLOT_RUNNING;
		output_system("%s started with pid %d on port %ld", s->name,
		    proc_host_pid(s->run), s->port);
		return;
	}

	/*
	 * A failed spawn (a missing root, EMFILE, EAGAIN) is a run that
	 * ended at once, with the status a shell would give; the restart
	 * policy decides whether it is tried again.
	 */
	s->run = NULL;
	status = err == UV_ENOENT ? 127 : err == UV_EACCES ? 126 : 1;
	output_system("%s could not be started: %s", s->name,
	    uv_strerror(err));
	s->state = SLOT_RUNNING;
	supervisor_ended(s, status);
}

/* Arms the deadline timer for the earliest pending deadline, if any. */
static void
supervisor_arm(struct supervisor *sv)
{
	uint64_t now = uv_now(&sv->loop), next = 0, t;
	struct slot *s;
	size_t i;

	if (sv->closing)
		return;
	for (i = 0; i < sv->nslots; i++) {
		s = sv->slots[i];
		t = s->kill_at != 0 && slot_active(s) ? s->kill_at : 0;
		if (s->restart_at != 0 && (t == 0 || s->restart_at < t))
			t = s->restart_at;
		/* Groups that outlived their leader are polled until empty. */
		if (sv->reason != SV_RUNNING && !slot_live(s) &&
		    s->group_alive && (t == 0 || now + SV_POLL_MS < t))
			t = now + SV_POLL_MS;
		if (t != 0 && (next == 0 || t < next))
			next = t;
	}
	if (sv->reason != SV_RUNNING && sv->adopted > 0 &&
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

/* Handles every deadline that has passed, then re-arms. */
static void
supervisor_deadline_cb(uv_timer_t *timer)
{
	struct supervisor *sv = timer->data;
	uint64_t now = uv_now(&sv->loop);
	struct slot *s;
	size_t i;

	for (i = 0; i < sv->nslots; i++) {
		s = sv->slots[i];
		if (s->kill_at != 0 && s->kill_at <= now && slot_active(s)) {
			s->kill_at = 0;
			output_system("sending SIGKILL to %s after %s",
			    s->name, supervisor_seconds(s->type->timeout_ms));
			slot_signal(s, SIGKILL);
		}
		if (s->restart_at != 0 && s->restart_at <= now) {
			s->restart_at = 0;
			if (s->state == SLOT_BACKOFF &&
			    sv->reason == SV_RUNNING) {
				s->restarts++;
				supervisor_spawn(s);
			}
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
		supervisor_check_end(sv);
	}
	supervisor_arm(sv);
}

/*
 * The keeper's pipe is readable: a signal the keeper passes on (one byte,
 * its number), or end of file when the keeper (the process the user
 * started) has died. Nothing may outlive it: everything is killed at once.
 */
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
		for (i = 0; i < n; i++)
			supervisor_on_signal(sv, sigs[i], 1);
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	uv_poll_stop(handle);
	output_system("tfrun's keeper process has died: killing every "
	    "process");
	if (sv->reason == SV_RUNNING) {
		sv->reason = SV_REQUESTED;
		sv->status = 1;
	}
	sv->stop_signals = 2;
	supervisor_kill_all(sv);
	supervisor_check_end(sv);
}

/* A child changed state: reap adopted orphans (libuv reaps its own). */
static void
supervisor_sigchld_cb(uv_signal_t *handle, int signum)
{
	struct supervisor *sv = handle->data;

	size_t i;

	(void)signum;
	sv->adopted = reaper_reap();
	if (sv->reason != SV_RUNNING && sv->adopted > 0 &&
	    uv_now(&sv->loop) < sv->adopted_kill_at)
		supervisor_stop_adopted(sv);
	for (i = 0; i < sv->nslots; i++)
		slot_probe(sv->slots[i]);
	if (sv->reason != SV_RUNNING)
		supervisor_check_end(sv);
}

/*
 * ^Z: stops every group, then the supervisor itself (the keeper stops once
 * the supervisor has). The instances are not in the terminal's process
 * group, and SIGTSTP would be discarded in their orphaned groups, so they
 * get SIGSTOP.
 */
static void
supervisor_suspend(struct supervisor *sv)
{
	size_t i;

	output_system("SIGTSTP received, stopping every process");
	sv->stopped = 1;
	for (i = 0; i < sv->nslots; i++) {
		if (slot_active(sv->slots[i]))
			slot_signal(sv->slots[i], SIGSTOP);
	}
	/* The keeper stops the supervisor, then itself; without one: here. */
	if (keeper_report_stop() != 0)
		kill(getpid(), SIGSTOP);
}

/* fg/bg, or SIGCONT: the groups ^Z stopped go on too. */
static void
supervisor_continue(struct supervisor *sv)
{
	size_t i;

	if (!sv->stopped)
		return;
	sv->stopped = 0;
	for (i = 0; i < sv->nslots; i++) {
		if (slot_active(sv->slots[i]))
			slot_signal(sv->slots[i], SIGCONT);
	}
	output_system("SIGCONT received, every process continues");
}

/*
 * Handles a signal to tfrun: sent to the supervisor directly, or to the
 * keeper, which passes it on through its pipe (forwarded).
 */
static void
supervisor_on_signal(struct supervisor *sv, int signum, int forwarded)
{
	struct slot *s;
	uint64_t now;
	size_t i;

	/*
	 * One signal sent to both tfrun processes at once (`pkill tfrun`,
	 * systemd's control-group kill) arrives twice, once by each way,
	 * within moments: that is one request. Two copies that came the same
	 * way are two (a second ^C).
	 */
	now = uv_hrtime() / 1000000;
	if (signum == sv->last_signal && now - sv->last_signal_at <
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
	if (signum == SIGUSR1 || signum == SIGUSR2) {
		output_system("%s received, forwarding it to all processes",
		    sig_name(signum));
		for (i = 0; i < sv->nslots; i++) {
			s = sv->slots[i];
			if (slot_active(s))
				slot_signal(s, signum);
		}
		return;
	}
	if (sv->reason == SV_RUNNING) {
		sv->stop_signals++;
		sv->stop_signal = signum == SIGINT ? SIGINT : SIGTERM;
		output_system("%s received, starting shutdown",
		    sig_name(signum));
		supervisor_shutdown(sv, SV_REQUESTED, 0);
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
		return;
	}
	fprintf(stderr, "tfrun: cannot write the log to standard output: %s\n",
	    strerror(error));
	if (sv->reason == SV_RUNNING)
		supervisor_shutdown(sv, SV_OUTPUT_ERROR, 1);
	else
		sv->status = 1;
}

/* Adds a slot for instance n of type t. */
static struct slot *
supervisor_add_slot(struct supervisor *sv, const struct plan_type *t,
    long n)
{
	struct slot *s;

	s = xcalloc(1, sizeof *s);
	s->sv = sv;
	s->type = t;
	s->n = n;
	snprintf(s->name, sizeof s->name, "%s.%ld", t->name, n);
	if (plan_port(sv->plan, t, n, &s->port) != 0)
		s->port = -1;
	sv->slots = xreallocarray(sv->slots, sv->nslots + 1,
	    sizeof *sv->slots);
	sv->slots[sv->nslots++] = s;
	return s;
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

/* Runs the formation; see supervisor.h. */
int
supervisor_run(const struct plan *plan)
{
	struct supervisor sv;
	struct fmt_style style;
	struct output_ops ops;
	struct sigaction sa;
	size_t i;
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

	/* A closed stdout must be an EPIPE error, not a fatal signal. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	memset(&style, 0, sizeof style);
	style.json = plan->cfg.log_format == CONFIG_LOG_JSON;
	style.color = !style.json && supervisor_color(plan);
	style.timestamp = !plan->cfg.no_timestamp;
	style.prefix = !plan->cfg.no_prefix;
	style.width = plan_label_width(plan);
	ops.resume = supervisor_resume;
	ops.closed = supervisor_output_closed;
	ops.ctx = &sv;
	if ((err = output_start(&sv.loop, &style, &ops)) != 0) {
		fprintf(stderr, "tfrun: cannot start the output: %s\n",
		    uv_strerror(err));
		uv_run(&sv.loop, UV_RUN_DEFAULT); /* let close callbacks run */
		uv_loop_close(&sv.loop);
		return 1;
	}

	for (i = 0; i < nitems(sv.signals); i++) {
		uv_signal_init(&sv.loop, &sv.signals[i]);
		sv.signals[i].data = &sv;
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

	/* What `tfrun check` would warn about, before anything starts. */
	for (i = 0; i < plan->nwarnings; i++)
		output_system("warning: %s", plan->warnings[i]);

	for (i = 0; i < plan->ntypes; i++) {
		for (n = 1; n <= plan->types[i].count; n++)
			supervisor_add_slot(&sv, &plan->types[i], n);
	}
	for (i = 0; i < sv.nslots && sv.reason == SV_RUNNING; i++)
		supervisor_spawn(sv.slots[i]);
	if (sv.nslots == 0) {
		output_system("nothing to start (every count is 0)");
		supervisor_close(&sv);
	}

	uv_run(&sv.loop, UV_RUN_DEFAULT);

	if (uv_loop_close(&sv.loop) != 0) {
		uv_walk(&sv.loop, supervisor_walk_cb, NULL);
		uv_run(&sv.loop, UV_RUN_DEFAULT);
		uv_loop_close(&sv.loop);
	}
	for (i = 0; i < sv.nslots; i++)
		free(sv.slots[i]);
	free(sv.slots);
	return sv.status;
}
