/*
 * proc.c: one run of one instance: spawn, read lines, report when done.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linebuf.h"
#include "output.h"
#include "proc.h"
#include "shell.h"
#include "xmalloc.h"

/*
 * After the process exits, its pipe may stay open because a descendant
 * inherited it; wait this long for EOF before closing it anyway. A partial
 * line is written after PROC_PARTIAL_MS without its newline (SPEC section 5).
 */
#define PROC_DRAIN_GRACE_MS 500
#define PROC_PARTIAL_MS 1000

struct proc {
	uv_process_t process;
	uv_pipe_t pipe;
	uv_timer_t timer;   /* partial-line flush; after exit, the drain grace */
	int refs;           /* handles not yet closed; free at zero */
	int exited;
	int drained;        /* the pipe is closed or closing */
	int finished;       /* done() has run (or would have, if detached) */
	int paused;
	int detached;
	unsigned long emitted; /* lines written so far, to see a new partial */
	int status;
	int termsig;
	struct linebuf lb;
	struct fmt_source src;
	struct output_prefix prefix; /* src's formatted prefix, per second */
	char name[80];      /* src.name points here */
	char type[64];      /* src.type points here */
	void (*done)(void *, struct proc *, int, int);
	void *ctx;
	struct proc *live_next; /* list of procs libuv has not reaped yet */
	struct proc **live_prev;
};

/*
 * Every proc whose process libuv still has to reap: tfrun, as a subreaper,
 * reaps adopted orphans itself and must never take one of these.
 */
static struct proc *proc_live;

/*
 * Reads go into one buffer shared by every proc: libuv calls alloc_cb and
 * read_cb back to back for one stream, and the read callback consumes the
 * data before returning, so no two reads ever share it.
 */
static char proc_readbuf[64 * 1024];

/* Frees the proc when its last handle has closed. */
static void
proc_close_cb(uv_handle_t *handle)
{
	struct proc *p = handle->data;

	if (--p->refs > 0)
		return;
	linebuf_free(&p->lb);
	free(p);
}

/* Closes a handle of p once. */
static void
proc_close(struct proc *p, uv_handle_t *handle)
{
	if (!uv_is_closing(handle))
		uv_close(handle, proc_close_cb);
}

/* Writes one assembled line under the proc's label. */
static void
proc_emit(void *ctx, const char *line, size_t len)
{
	struct proc *p = ctx;

	p->emitted++;
	output_line_cached(&p->src, &p->prefix, line, len);
}

/* Reports the end once the process has exited and its pipe is drained. */
static void
proc_check_done(struct proc *p)
{
	if (!p->exited || !p->drained || p->finished)
		return;
	p->finished = 1;
	uv_timer_stop(&p->timer);
	proc_close(p, (uv_handle_t *)&p->timer);
	if (!p->detached)
		p->done(p->ctx, p, p->status, p->termsig);
}

/* Writes any partial line and closes the pipe: nothing more will be read. */
static void
proc_drain(struct proc *p)
{
	if (p->drained)
		return;
	p->drained = 1;
	if (linebuf_has_partial(&p->lb)) {
		output_begin();
		linebuf_flush(&p->lb, proc_emit, p);
		output_end();
	}
	uv_read_stop((uv_stream_t *)&p->pipe);
	proc_close(p, (uv_handle_t *)&p->pipe);
}

static void proc_timer_cb(uv_timer_t *);

/* Hands libuv the shared read buffer. */
static void
proc_alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	(void)handle;
	(void)suggested;
	buf->base = proc_readbuf;
	buf->len = sizeof proc_readbuf;
}

/* Turns bytes into lines; pauses when the output is congested. */
static void
proc_read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct proc *p = stream->data;
	unsigned long before = p->emitted;
	int congested, had_partial;

	if (nread < 0) {
		/* EOF or an error: either way this pipe is finished. */
		proc_drain(p);
		proc_check_done(p);
		return;
	}
	if (nread == 0)
		return;
	had_partial = linebuf_has_partial(&p->lb);
	output_begin();
	linebuf_feed(&p->lb, buf->base, (size_t)nread, proc_emit, p);
	congested = output_end();

	/*
	 * The 1 s deadline belongs to the partial line now held: a new one
	 * (the old one was completed, or there was none) gets a full second;
	 * one that only grew keeps its deadline.
	 */
	if (!p->exited) {
		if (!linebuf_has_partial(&p->lb))
			uv_timer_stop(&p->timer);
		else if (!had_partial || p->emitted != before ||
		    !uv_is_active((uv_handle_t *)&p->timer))
			uv_timer_start(&p->timer, proc_timer_cb,
			    PROC_PARTIAL_MS, 0);
	}
	if (congested)
		proc_pause(p);
}

/* The partial-line deadline, or after exit the drain grace, has passed. */
static void
proc_timer_cb(uv_timer_t *timer)
{
	struct proc *p = timer->data;

	if (p->exited) {
		proc_drain(p);
		proc_check_done(p);
		return;
	}
	output_begin();
	linebuf_flush(&p->lb, proc_emit, p);
	output_end();
}

/* Records how the process ended; libuv has reaped it. */
static void
proc_exit_cb(uv_process_t *process, int64_t exit_status, int term_signal)
{
	struct proc *p = process->data;

	p->exited = 1;
	if (p->live_prev != NULL) {
		*p->live_prev = p->live_next;
		if (p->live_next != NULL)
			p->live_next->live_prev = p->live_prev;
		p->live_prev = NULL;
	}
	p->termsig = term_signal;
	p->status = term_signal != 0 ? 128 + term_signal : (int)exit_status;
	proc_close(p, (uv_handle_t *)&p->process);
	if (!p->drained) {
		uv_timer_stop(&p->timer);
		if (!p->paused)
			uv_timer_start(&p->timer, proc_timer_cb,
			    PROC_DRAIN_GRACE_MS, 0);
	}
	proc_check_done(p);
}

/* Spawns the instance; see proc.h. */
int
proc_spawn(uv_loop_t *loop, const struct proc_spec *spec, struct proc **pp)
{
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	char *args[4], *execcmd = NULL;
	uv_file fds[2];
	struct proc *p;
	int err;

	p = xcalloc(1, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", spec->src.name);
	snprintf(p->type, sizeof p->type, "%s",
	    spec->src.type != NULL ? spec->src.type : "");
	p->src = spec->src;
	p->src.name = p->name;
	p->src.type = spec->src.type != NULL ? p->type : NULL;
	p->done = spec->done;
	p->ctx = spec->ctx;
	linebuf_init(&p->lb, LINEBUF_MAX);

	/*
	 * One pipe made before the spawn and inherited as both stdout and
	 * stderr keeps the two streams' order, as foreman does; libuv's own
	 * UV_CREATE_PIPE cannot share one pipe between two slots.
	 */
	if ((err = uv_pipe(fds, 0, 0)) != 0) {
		free(p);
		return err;
	}

	/*
	 * A simple command is exec'd by the shell, so the program itself
	 * leads the group and gets tfrun's signals first (see shell.c).
	 */
	if (shell_can_exec(spec->command))
		xasprintf(&execcmd, "exec %s", spec->command);
	args[0] = "/bin/sh";
	args[1] = "-c";
	args[2] = execcmd != NULL ? execcmd :
	    (char *)(uintptr_t)spec->command;
	args[3] = NULL;
	memset(&opt, 0, sizeof opt);
	opt.exit_cb = proc_exit_cb;
	opt.file = "/bin/sh";
	opt.args = args;
	opt.env = spec->envp;
	opt.cwd = spec->cwd;
	/* Its own session and process group, so signals reach the tree. */
	opt.flags = UV_PROCESS_DETACHED;
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = fds[1];
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = fds[1];
	opt.stdio = stdio;
	opt.stdio_count = 3;

	p->process.data = p;
	err = uv_spawn(loop, &p->process, &opt);
	free(execcmd);
	close(fds[1]);
	p->refs = 1; /* the process handle must be closed even on failure */
	if (err != 0) {
		close(fds[0]);
		p->finished = 1;
		uv_close((uv_handle_t *)&p->process, proc_close_cb);
		return err;
	}

	p->src.pid = p->process.pid;
	p->live_next = proc_live;
	if (proc_live != NULL)
		proc_live->live_prev = &p->live_next;
	p->live_prev = &proc_live;
	proc_live = p;

	uv_pipe_init(loop, &p->pipe, 0);
	p->pipe.data = p;
	p->refs++;
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	p->refs++;
	if ((err = uv_pipe_open(&p->pipe, fds[0])) != 0)
		close(fds[0]);
	else
		err = uv_read_start((uv_stream_t *)&p->pipe, proc_alloc_cb,
		    proc_read_cb);
	if (err != 0) {
		/* Without a pipe the run still ends when the process does. */
		p->drained = 1;
		proc_close(p, (uv_handle_t *)&p->pipe);
	}
	*pp = p;
	return 0;
}

/* Returns the pid. */
int
proc_pid(const struct proc *p)
{
	return p->process.pid;
}

/* Signals the process group. */
int
proc_kill(struct proc *p, int sig)
{
	return uv_kill(-p->process.pid, sig);
}

/* Stops reading; the child blocks in write(2) once the pipe is full. */
void
proc_pause(struct proc *p)
{
	if (p->paused || p->drained)
		return;
	p->paused = 1;
	uv_read_stop((uv_stream_t *)&p->pipe);
	/*
	 * While tfrun does not read, the rest of a partial line may be
	 * waiting in the pipe: no deadline runs until reading resumes.
	 */
	uv_timer_stop(&p->timer);
}

/* Reads again after a pause. */
void
proc_resume(struct proc *p)
{
	if (!p->paused || p->drained)
		return;
	p->paused = 0;
	uv_read_start((uv_stream_t *)&p->pipe, proc_alloc_cb, proc_read_cb);
	if (p->exited)
		uv_timer_start(&p->timer, proc_timer_cb, PROC_DRAIN_GRACE_MS,
		    0);
	else if (linebuf_has_partial(&p->lb))
		uv_timer_start(&p->timer, proc_timer_cb, PROC_PARTIAL_MS, 0);
}

/* Says whether pid is a process libuv spawned for a proc and will reap. */
int
proc_owns_pid(int pid)
{
	const struct proc *p;

	for (p = proc_live; p != NULL; p = p->live_next) {
		if (p->process.pid == pid)
			return 1;
	}
	return 0;
}

/* Forgets the owner. */
void
proc_detach(struct proc *p)
{
	p->detached = 1;
}
