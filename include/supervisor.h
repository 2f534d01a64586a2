/*
 * supervisor.h: runs a formation on libuv until it stops (SPEC sections 6,
 * 6b, 7).
 *
 * The supervisor is glue: it owns the instances (each a struct fsm plus
 * its current run), turns libuv events (an exit, a deadline, a signal, a
 * probe, a control request) into fsm events, and carries out the actions
 * the table returns. Every way in — signals, timers, probes, the control
 * socket — goes through the functions below, so they behave the same
 * whoever calls them.
 */
#ifndef TFRUN_SUPERVISOR_H
#define TFRUN_SUPERVISOR_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "plan.h"

struct supervisor;

/*
 * Starts every instance of the plan, supervises them, and returns tfrun's
 * exit status once every instance has ended and every handle is closed.
 */
int supervisor_run(const struct plan *plan);

/* What `tfrun ps` shows of one instance. */
struct supervisor_info {
	const char *name;    /* "web.1" */
	const char *type;
	long n;
	int pid;             /* as the system knows it; 0 when none */
	const char *state;   /* "running", "backoff", ... (SPEC section 7) */
	int ready;           /* counts as ready for tfrun wait */
	uint64_t uptime_ms;  /* of the current run; 0 when none */
	unsigned restarts;
	long port;
	const char *command;
	int status;          /* of the last run, -1 when none ended yet */
};

/* Calls fn for each instance, in Procfile order, then by number. */
void supervisor_each(struct supervisor *sv,
    void (*fn)(const struct supervisor_info *, void *), void *arg);

/* The loop the supervisor runs on, for the control socket. */
uv_loop_t *supervisor_loop(struct supervisor *sv);

/* The plan it runs. */
const struct plan *supervisor_plan(struct supervisor *sv);

/*
 * Changes the number of instances of type to n (SPEC section 7): new ones
 * get their names, ports and colours; the highest-numbered are stopped
 * and removed. origin is logged ("tfrun scale"). Returns 0, or -1 with
 * *cause allocated (an unknown type, a count above the port step, a port
 * above 65535, a shutdown under way).
 */
int supervisor_scale(struct supervisor *sv, const char *type, long n,
    const char *origin, char **cause);

/*
 * What restart, stop and signal act on: NAME ("web.1") or TYPE ("web"),
 * or every instance when target is NULL. They return 0, or -1 with
 * *cause allocated when target matches nothing or a shutdown is under
 * way.
 */
int supervisor_restart(struct supervisor *sv, const char *target,
    const char *origin, char **cause);
int supervisor_stop(struct supervisor *sv, const char *target,
    const char *origin, char **cause);
int supervisor_signal(struct supervisor *sv, int sig, const char *target,
    const char *origin, char **cause);

/* A graceful shutdown asked for (tfrun quit): exit status 0. */
void supervisor_quit(struct supervisor *sv, const char *origin);

/* Says whether every instance is ready (tfrun wait); names those not. */
int supervisor_all_ready(struct supervisor *sv, char **not_ready);

/* Says whether a shutdown is under way. */
int supervisor_stopping(struct supervisor *sv);

struct history;

/*
 * The histories of the instances targets name (NAME or TYPE; every
 * instance when n is 0), in ps order: returns 0 with *v (owned array of
 * borrowed pointers) and *nv set, or -1 with *cause allocated when a
 * target matches nothing.
 */
int supervisor_histories(struct supervisor *sv, const char *const *targets,
    size_t n, struct history ***v, size_t *nv, char **cause);

/*
 * tfrun attach (SPEC section 6a): output gets every byte the instance
 * writes, raw, as long as the client is attached (across restarts); gone
 * says the instance is no more (scaled away, tfrun ending).
 */
struct supervisor_tap {
	void (*output)(void *ctx, const char *data, size_t len);
	void (*gone)(void *ctx);
	void *ctx;
};

/*
 * Attaches tap to the instance named name (a type's name: its first
 * instance), its pty (if it has one) sized cols x rows, and sends it the
 * partial line shown now (a prompt). Returns 0 with *tty set (1 for a pty,
 * 0 for pipes) and the instance's name in as (SUPERVISOR_NAME_MAX bytes),
 * or -1 with *cause allocated (no such instance; another client is
 * attached).
 */
#define SUPERVISOR_NAME_MAX 80
int supervisor_attach(struct supervisor *sv, const char *name, unsigned cols,
    unsigned rows, const struct supervisor_tap *tap, int *tty, char *as,
    char **cause);

/* Input from the attached client, to the instance's pty or stdin pipe. */
void supervisor_attach_input(struct supervisor *sv, const char *name,
    const char *data, size_t len);

/* The attached client's window changed size. */
void supervisor_attach_resize(struct supervisor *sv, const char *name,
    unsigned cols, unsigned rows);

/* The client has gone: the instance goes on as before. */
void supervisor_detach(struct supervisor *sv, const char *name);

/* The width names are padded to in the log now. */
size_t supervisor_label_width(struct supervisor *sv);

/*
 * What `tfrun start` sets up before the supervisor runs: the control
 * socket's listening fd and path (-1 and NULL for none), the pid the user
 * started (for "already running"), and, with -D, a pipe's write end that
 * gets "ok\n" once every instance has been started (-1 for none).
 */
struct supervisor_setup {
	int ctl_fd;
	const char *ctl_path;
	long pid;
	int started_fd;
	int run_with;          /* tfrun run --with: tell the keeper when ready */
	const long *counts;    /* run --with: instances per type, or NULL */
};
void supervisor_set_up(const struct supervisor_setup *setup);

#endif
