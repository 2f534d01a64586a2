/*
 * proc.h: one run of one instance — a spawned `/bin/sh -c COMMAND` in its
 * own session, with stdout and stderr on one pipe read line by line.
 *
 * A proc is a reference-counted owner of its libuv handles (process, pipe,
 * timer): it frees itself in the last close callback, never earlier. Its
 * run has ended when the leader has exited and the bytes that were in the
 * pipe at that moment have been read (so its last lines are logged before
 * its end); then done() runs, once. The rest of its process group may
 * still write: the pipe is read until end of file, however long that
 * takes, and the proc frees itself after. The owner may forget a proc at
 * any time with proc_detach; no callback reaches it afterwards.
 *
 * Its stdin is a pipe whose write end tfrun keeps open for the life of
 * the proc and writes nothing to.
 */
#ifndef TFRUN_PROC_H
#define TFRUN_PROC_H

#include <stddef.h>
#include <stdint.h>

#include <sys/ioctl.h>

#include <uv.h>

#include "fmt.h"
#include "history.h"

struct proc;

struct proc_spec {
	const char *command;   /* run as /bin/sh -c command */
	const char *cwd;
	char **envp;           /* may be freed when proc_spawn returns */
	struct fmt_source src; /* label of its lines; name/type must outlive the proc */
	int quiet;             /* -q: read its output, log none of it */
	struct history *history; /* each line goes here too; the proc refs it */
	int tty;               /* a pty instead of pipes (SPEC section 6a) */
	int chars;             /* cut long lines between UTF-8 characters */
	struct winsize winsize; /* the pty's size */
	/* Called once when finished; status is the exit code or 128+signal. */
	void (*done)(void *ctx, struct proc *p, int status, int termsig);
	void *ctx;
};

/*
 * Spawns the process. Returns 0 and sets *pp, or a negative libuv error
 * (nothing is left running; handles already made close themselves).
 */
int proc_spawn(uv_loop_t *loop, const struct proc_spec *spec,
    struct proc **pp);

/*
 * The argument that makes tfrun the exec shim of a pty instance: `tfrun
 * PROC_SHIM_ARG PROGRAM ARG...` makes its stdin its controlling terminal
 * and execs PROGRAM. main() calls proc_exec_shim before anything else.
 */
#define PROC_SHIM_ARG "\001pty-exec"
int proc_exec_shim(int argc, char **argv);

/*
 * Writes input to the instance: to its pty, or to its stdin pipe. Never
 * blocks: returns 0, UV_EAGAIN when not all of it fit (the rest is
 * dropped), or another negative libuv error.
 */
int proc_input(struct proc *p, const char *data, size_t len);

/* Ends its input: ^D on a pty, the end of file on a pipe. */
void proc_input_end(struct proc *p);

/* Sets the pty's window size (the instance gets SIGWINCH); no-op on pipes. */
void proc_resize(struct proc *p, const struct winsize *ws);

/* Says whether the instance runs on a pty. */
int proc_has_tty(const struct proc *p);

/*
 * Sets a function that gets every byte the instance writes, raw, before
 * lines are assembled (tfrun attach); NULL to stop.
 */
void proc_set_tap(struct proc *p, void (*fn)(void *ctx, const char *data,
    size_t len), void *ctx);

/*
 * Sets a function that gets each line as it is assembled (a log probe);
 * it runs while the output's lock is held: it must not log.
 */
void proc_set_line_hook(struct proc *p, void (*fn)(void *ctx,
    const char *line, size_t len), void *ctx);

/*
 * Notes (and forgets, once reaped) the pid of another process libuv
 * spawned and will reap (an exec probe), for proc_owns_pid.
 */
void proc_claim(int pid);
void proc_unclaim(int pid);

/*
 * Returns what the instance has written since its last newline (up to 4
 * KiB), even once the log has flushed it: what a prompt looks like.
 */
size_t proc_partial(const struct proc *p, const char **data);

/* The pid, which is also the process group id. */
int proc_pid(const struct proc *p);

/*
 * The pid as the rest of the system knows it: proc_pid, but under
 * --isolate the pid outside the namespace. Shown, never signalled.
 */
int proc_host_pid(const struct proc *p);

/* Sends sig to the process group; returns 0 or a negative libuv error. */
int proc_kill(struct proc *p, int sig);

/* Stops and restarts reading the pipe (backpressure). */
void proc_pause(struct proc *p);
void proc_resume(struct proc *p);

/*
 * Returns 1 when pid is a process spawned by proc_spawn that has not been
 * reaped yet: libuv will reap it, so nobody else may wait for it.
 */
int proc_owns_pid(int pid);

/* The owner forgets p: no more callbacks; p frees itself when finished. */
void proc_detach(struct proc *p);

/* Resumes reading every paused proc (the output has drained). */
void proc_resume_all(void);

/* Returns how many procs still read their output (pipe not closed). */
size_t proc_open_count(void);

/* Sets a callback run each time a proc's output is closed. */
void proc_on_idle(void (*fn)(void *ctx), void *ctx);

/*
 * Writes what each proc holds and closes every pipe still open: at the
 * very end, when what is left of a group cannot be stopped.
 */
void proc_drain_all(void);

#endif
