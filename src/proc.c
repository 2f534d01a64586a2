/*
 * proc.c: one run of one instance: spawn, read lines, report when done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linebuf.h"
#include "output.h"
#include "procfs.h"
#include "proc.h"
#include "shell.h"
#include "xmalloc.h"

/*
 * A partial line is written after PROC_PARTIAL_MS with a newline added
 * (SPEC section 5).
 */
#define PROC_PARTIAL_MS 1000

/*
 * What an instance shows on its screen since its last newline (a prompt)
 * is kept, up to this many bytes, for a client that attaches later: the
 * log has long written it with a newline added.
 */
#define PROC_SHOWN_MAX 4096

struct proc {
	uv_process_t process;
	uv_pipe_t pipe;
	uv_timer_t timer;   /* partial-line flush */
	int refs;           /* handles not yet closed; free at zero */
	int stdin_fd;       /* write end of the instance's stdin, or -1 */
	int exited;
	size_t exit_left;   /* bytes in the pipe when the leader exited */
	int drained;        /* the pipe is closed or closing */
	int eof;            /* the pipe hit its end; the partial line waits */
	int finished;       /* done() has run (or would have, if detached) */
	int paused;
	int detached;
	int quiet;          /* its lines are read and not logged */
	int tty;            /* the pipe is a pty's master */
	void (*tap)(void *, const char *, size_t); /* raw output: attach */
	void *tap_ctx;
	void (*line_hook)(void *, const char *, size_t); /* log probes */
	void *line_ctx;
	struct history *hist; /* a reference, or NULL */
	unsigned long emitted; /* lines written so far, to see a new partial */
	int status;
	int termsig;
	struct linebuf lb;
	char *shown;        /* output since the last newline; NULL when none */
	size_t shown_len;
	struct fmt_source src;
	struct output_prefix prefix; /* src's formatted prefix, per second */
	char name[80];      /* src.name points here */
	char type[64];      /* src.type points here */
	void (*done)(void *, struct proc *, int, int);
	void *ctx;
	struct proc *next;  /* every proc not freed yet */
	struct proc **prev;
};

/*
 * Every proc not freed yet. Those not exited are the processes libuv still
 * has to reap: tfrun, as a subreaper, reaps adopted orphans itself and must
 * never take one of these. Those exited may still read what the rest of
 * their group writes.
 */
static struct proc *proc_all;
static size_t proc_nopen; /* procs whose pipe is not closed yet */
static void (*proc_idle_cb)(void *);
static void *proc_idle_ctx;

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
	if (p->prev != NULL) {
		*p->prev = p->next;
		if (p->next != NULL)
			p->next->prev = p->prev;
	}
	if (p->stdin_fd != -1)
		close(p->stdin_fd);
	history_unref(p->hist);
	linebuf_free(&p->lb);
	free(p->shown);
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
	if (!p->quiet)
		output_line_cached(&p->src, &p->prefix, line, len);
	if (p->hist != NULL)
		history_add(p->hist, output_time_ms(), line, len);
	if (p->line_hook != NULL)
		p->line_hook(p->line_ctx, line, len);
}

/*
 * Reports the end once the leader has exited and what it wrote before is
 * logged: the bytes that were in the pipe at its exit have been read (or
 * the pipe is closed). The rest of its group may write on; that is logged
 * until the pipe closes, with no deadline (SPEC section 6).
 */
static void
proc_check_done(struct proc *p)
{
	if (!p->exited || p->finished || (p->exit_left > 0 && !p->drained))
		return;
	p->finished = 1;
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
	uv_timer_stop(&p->timer);
	proc_close(p, (uv_handle_t *)&p->timer);
	proc_nopen--;
	if (proc_idle_cb != NULL)
		proc_idle_cb(proc_idle_ctx);
}

static void proc_timer_cb(uv_timer_t *);

/*
 * Hands libuv the shared read buffer, or as much of it as the output has
 * room for (none: the read fails with UV_ENOBUFS and the proc pauses).
 */
static void
proc_alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct proc *p = handle->data;
	size_t room;

	(void)suggested;
	room = p->quiet ? sizeof proc_readbuf :
	    output_budget(&p->src, &p->prefix);
	buf->base = proc_readbuf;
	buf->len = room < sizeof proc_readbuf ? room : sizeof proc_readbuf;
}

/* Keeps what follows the last newline of the output (see PROC_SHOWN_MAX). */
static void
proc_keep_shown(struct proc *p, const char *data, size_t n)
{
	const char *nl = memrchr(data, '\n', n);
	size_t keep, skip = 0;
	int cut = 0;

	if (nl != NULL) {
		p->shown_len = 0;
		n -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	if (n >= PROC_SHOWN_MAX) {
		data += n - PROC_SHOWN_MAX;
		n = PROC_SHOWN_MAX;
		cut = 1;
	}
	if (n == 0) {
		/* The common case: output ends with its lines; hold nothing. */
		if (nl != NULL) {
			free(p->shown);
			p->shown = NULL;
		}
		return;
	}
	if (p->shown == NULL)
		p->shown = xmalloc(PROC_SHOWN_MAX);
	keep = p->shown_len + n > PROC_SHOWN_MAX ? PROC_SHOWN_MAX - n :
	    p->shown_len;
	cut |= keep < p->shown_len;
	memmove(p->shown, p->shown + p->shown_len - keep, keep);
	memcpy(p->shown + keep, data, n);
	p->shown_len = keep + n;
	/* Where the oldest bytes were dropped, start at a whole character. */
	while (cut && skip < 3 && skip < p->shown_len &&
	    ((unsigned char)p->shown[skip] & 0xc0) == 0x80)
		skip++;
	if (skip > 0) {
		memmove(p->shown, p->shown + skip, p->shown_len - skip);
		p->shown_len -= skip;
	}
}

/*
 * Turns n bytes read into lines; returns whether the output is congested.
 */
static int
proc_consume(struct proc *p, const char *data, size_t n)
{
	unsigned long before = p->emitted;
	int congested, had_partial;

	if (p->tap != NULL)
		p->tap(p->tap_ctx, data, n);
	proc_keep_shown(p, data, n);
	had_partial = linebuf_has_partial(&p->lb);
	output_begin();
	linebuf_feed(&p->lb, data, n, proc_emit, p);
	congested = output_end();

	/*
	 * The 1 s deadline belongs to the partial line now held: a new one
	 * (the old one was completed, or there was none) gets a full second;
	 * one that only grew keeps its deadline.
	 */
	if (!linebuf_has_partial(&p->lb))
		uv_timer_stop(&p->timer);
	else if (!had_partial || p->emitted != before ||
	    !uv_is_active((uv_handle_t *)&p->timer))
		uv_timer_start(&p->timer, proc_timer_cb, PROC_PARTIAL_MS, 0);
	if (p->exit_left > 0) {
		p->exit_left = n >= p->exit_left ? 0 : p->exit_left - n;
		proc_check_done(p);
	}
	return congested;
}

/*
 * A pty's "end of file" from libuv may come early: a pty's read returns
 * at most 4095 bytes, and libuv takes a short read together with the
 * hang-up for the end. The master is read here until the kernel says it
 * is empty (EIO, or EAGAIN), so that the last lines are never lost. That
 * is at most what the pty buffers.
 */
static void
proc_read_pty_rest(struct proc *p)
{
	uv_os_fd_t fd;
	ssize_t n;

	if (uv_fileno((uv_handle_t *)&p->pipe, &fd) != 0)
		return;
	for (;;) {
		n = read(fd, proc_readbuf, sizeof proc_readbuf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		proc_consume(p, proc_readbuf, (size_t)n);
	}
}

/* Turns bytes into lines; pauses when the output is congested. */
static void
proc_read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct proc *p = stream->data;

	if (nread == UV_ENOBUFS) {
		/* The output had no room for a read: wait until it drains. */
		proc_pause(p);
		return;
	}
	if (nread < 0) {
		if (p->tty && !p->eof)
			proc_read_pty_rest(p);
		/*
		 * EOF or an error: either way this pipe is finished. A partial
		 * line it leaves waits until the output has room for it.
		 */
		if (linebuf_has_partial(&p->lb) &&
		    !p->quiet && output_budget(&p->src, &p->prefix) == 0) {
			p->eof = 1;
			proc_pause(p);
			return;
		}
		proc_drain(p);
		proc_check_done(p);
		return;
	}
	if (nread > 0 && proc_consume(p, buf->base, (size_t)nread))
		proc_pause(p);
}

/* The partial-line deadline has passed: write what is held. */
static void
proc_timer_cb(uv_timer_t *timer)
{
	struct proc *p = timer->data;

	/* No room: it is written once the output drains (proc_resume). */
	if (!p->quiet && output_budget(&p->src, &p->prefix) == 0) {
		proc_pause(p);
		return;
	}
	output_begin();
	linebuf_flush_held(&p->lb, proc_emit, p);
	output_end();
}

/* Records how the process ended; libuv has reaped it. */
static void
proc_exit_cb(uv_process_t *process, int64_t exit_status, int term_signal)
{
	struct proc *p = process->data;
	uv_os_fd_t fd;
	int avail;

	p->exited = 1;
	p->termsig = term_signal;
	p->status = term_signal != 0 ? 128 + term_signal : (int)exit_status;
	proc_close(p, (uv_handle_t *)&p->process);
	/*
	 * Everything the leader wrote is in the pipe by now: the end is
	 * reported once that much has been read, so that its last lines come
	 * before the line saying it ended (reading keeps to the output's
	 * pace; nothing is read here).
	 */
	if (!p->drained && uv_fileno((uv_handle_t *)&p->pipe, &fd) == 0 &&
	    ioctl(fd, FIONREAD, &avail) == 0 && avail > 0)
		p->exit_left = (size_t)avail;
	proc_check_done(p);
}

/*
 * Opens a pseudo-terminal for an instance: the master (read and written
 * by tfrun, close-on-exec) and the slave (the instance's stdin, stdout and
 * stderr). Output post-processing is off, so the log gets no '\r' the
 * program did not write. Returns 0 or a negative errno.
 */
static int
proc_openpty(const struct winsize *ws, int *master, int *slave)
{
	struct termios t;
	char *name;
	int err;

	if ((*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return -errno;
	if (grantpt(*master) != 0 || unlockpt(*master) != 0 ||
	    (name = ptsname(*master)) == NULL ||
	    (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		err = -errno;
		close(*master);
		return err;
	}
	if (tcgetattr(*slave, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(*slave, TCSANOW, &t);
	}
	if (ws != NULL)
		ioctl(*master, TIOCSWINSZ, ws);
	return 0;
}

/*
 * In a pty instance, tfrun runs itself first as this tiny shim: libuv
 * cannot make the pty the child's controlling terminal between setsid and
 * exec, so the shim does (TIOCSCTTY on its stdin, the pty) and then execs
 * the shell. See proc.h.
 */
int
proc_exec_shim(int argc, char **argv)
{
	if (argc < 3)
		return 127;
	ioctl(STDIN_FILENO, TIOCSCTTY, 0);
	execv(argv[2], argv + 2);
	fprintf(stderr, "tfrun: %s: %s\n", argv[2], strerror(errno));
	return 127;
}

/*
 * Says whether dir/name is a program the shell could execute: dir is
 * taken from cwd when relative, and is cwd itself when empty (as in PATH).
 */
static int
proc_is_program(const char *cwd, const char *dir, size_t dirlen,
    const char *name, size_t len)
{
	struct stat st;
	char *path;
	int ok;

	if (dirlen > 0 && dir[0] == '/')
		xasprintf(&path, "%.*s/%.*s", (int)dirlen, dir, (int)len, name);
	else if (dirlen > 0)
		xasprintf(&path, "%s/%.*s/%.*s", cwd, (int)dirlen, dir,
		    (int)len, name);
	else
		xasprintf(&path, "%s/%.*s", cwd, (int)len, name);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
	free(path);
	return ok;
}

/*
 * Says whether the command's first word names a program the shell will
 * find, through the instance's PATH. When it will not, the shell must not
 * be told `exec`: its error would show an "exec:" the user did not write.
 */
static int
proc_finds_program(const char *command, const char *cwd, char **envp)
{
	const char *word, *path = NULL, *dir;
	size_t len, dirlen;
	char **e;

	if (cwd == NULL)
		cwd = ".";
	word = command + strspn(command, " \t");
	len = strcspn(word, " \t");
	if (word[0] == '/')
		return proc_is_program(cwd, "/", 1, word + 1, len - 1);
	if (memchr(word, '/', len) != NULL)
		return proc_is_program(cwd, "", 0, word, len);
	for (e = envp; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	}
	/* The shell's own default, when the environment has none. */
	if (path == NULL)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin";
	for (dir = path;; dir += dirlen + 1) {
		dirlen = strcspn(dir, ":");
		if (proc_is_program(cwd, dir, dirlen, word, len))
			return 1;
		if (dir[dirlen] == '\0')
			return 0;
	}
}

/* Spawns the instance; see proc.h. */
int
proc_spawn(uv_loop_t *loop, const struct proc_spec *spec, struct proc **pp)
{
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	char *args[6], *execcmd = NULL;
	uv_file fds[2], in[2];
	struct proc *p;
	size_t k = 0;
	int err;

	p = xcalloc(1, sizeof *p);
	p->stdin_fd = -1;
	snprintf(p->name, sizeof p->name, "%s", spec->src.name);
	snprintf(p->type, sizeof p->type, "%s",
	    spec->src.type != NULL ? spec->src.type : "");
	p->src = spec->src;
	p->src.name = p->name;
	p->src.type = spec->src.type != NULL ? p->type : NULL;
	p->done = spec->done;
	p->ctx = spec->ctx;
	p->quiet = spec->quiet;
	p->tty = spec->tty;

	if (spec->tty) {
		/*
		 * A pty: fds[0] is the master, read like a pipe (and written
		 * for input), the slave is all three of the instance's stdio.
		 */
		if ((err = proc_openpty(&spec->winsize, &fds[0], &fds[1])) != 0) {
			free(p);
			return err;
		}
		in[0] = fds[1];
		in[1] = -1;
	} else {
		/*
		 * One pipe made before the spawn and inherited as both stdout
		 * and stderr keeps the two streams' order, as foreman does;
		 * libuv's own UV_CREATE_PIPE cannot share one pipe between two
		 * slots.
		 */
		if ((err = uv_pipe(fds, 0, 0)) != 0) {
			free(p);
			return err;
		}
		/*
		 * stdin is a pipe that stays open and delivers nothing, never
		 * /dev/null: watchers such as `esbuild --watch` exit when their
		 * stdin closes (SPEC section 6). tfrun keeps the write end.
		 */
		if ((err = uv_pipe(in, 0, UV_NONBLOCK_PIPE)) != 0) {
			close(fds[0]);
			close(fds[1]);
			free(p);
			return err;
		}
	}
	linebuf_init(&p->lb, LINEBUF_MAX);
	p->lb.chars = spec->chars;
	if ((p->hist = spec->history) != NULL)
		history_ref(p->hist);

	/*
	 * A simple command is exec'd by the shell, so the program itself
	 * leads the group and gets tfrun's signals first (see shell.c).
	 */
	if (shell_can_exec(spec->command) &&
	    proc_finds_program(spec->command, spec->cwd, spec->envp))
		xasprintf(&execcmd, "exec %s", spec->command);
	memset(&opt, 0, sizeof opt);
	if (spec->tty) {
		/* /proc/self/exe is still tfrun in the child, before exec. */
		opt.file = "/proc/self/exe";
		args[k++] = "tfrun";
		args[k++] = PROC_SHIM_ARG;
	} else
		opt.file = "/bin/sh";
	args[k++] = "/bin/sh";
	args[k++] = "-c";
	args[k++] = execcmd != NULL ? execcmd :
	    (char *)(uintptr_t)spec->command;
	args[k] = NULL;
	opt.exit_cb = proc_exit_cb;
	opt.args = args;
	opt.env = spec->envp;
	opt.cwd = spec->cwd;
	/* Its own session and process group, so signals reach the tree. */
	opt.flags = UV_PROCESS_DETACHED;
	stdio[0].flags = UV_INHERIT_FD;
	stdio[0].data.fd = in[0];
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = fds[1];
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = fds[1];
	opt.stdio = stdio;
	opt.stdio_count = 3;

	p->process.data = p;
	err = uv_spawn(loop, &p->process, &opt);
	free(execcmd);
	/* Only the instance holds the write side: its end is our EOF (EIO). */
	close(fds[1]);
	if (!spec->tty)
		close(in[0]);
	p->stdin_fd = in[1];
	p->refs = 1; /* the process handle must be closed even on failure */
	if (err != 0) {
		close(fds[0]);
		p->finished = 1;
		uv_close((uv_handle_t *)&p->process, proc_close_cb);
		return err;
	}

	/* Under --isolate, the pid the rest of the system knows. */
	p->src.pid = procfs_host_pid(p->process.pid);
	p->next = proc_all;
	if (proc_all != NULL)
		proc_all->prev = &p->next;
	p->prev = &proc_all;
	proc_all = p;
	proc_nopen++;

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
		proc_drain(p);
	}
	*pp = p;
	return 0;
}

/* Writes input for the instance; see proc.h. */
int
proc_input(struct proc *p, const char *data, size_t len)
{
	uv_buf_t b;
	ssize_t n;
	int r;

	if (p->tty) {
		if (p->drained)
			return UV_EPIPE;
		b = uv_buf_init((char *)(uintptr_t)data, (unsigned int)len);
		r = uv_try_write((uv_stream_t *)&p->pipe, &b, 1);
		return r < 0 ? r : (size_t)r == len ? 0 : UV_EAGAIN;
	}
	if (p->stdin_fd == -1)
		return UV_EPIPE;
	n = write(p->stdin_fd, data, len);
	if (n == -1)
		return -errno;
	return (size_t)n == len ? 0 : UV_EAGAIN;
}

/* Ends the instance's input; see proc.h. */
void
proc_input_end(struct proc *p)
{
	struct termios t;
	uv_os_fd_t fd;
	char eof = 4;

	if (p->tty) {
		/* The terminal's end-of-file character, as ^D would send. */
		if (uv_fileno((uv_handle_t *)&p->pipe, &fd) == 0 &&
		    tcgetattr(fd, &t) == 0)
			eof = (char)t.c_cc[VEOF];
		proc_input(p, &eof, 1);
		return;
	}
	if (p->stdin_fd != -1) {
		close(p->stdin_fd);
		p->stdin_fd = -1;
	}
}

/* Sets the pty's window size; see proc.h. */
void
proc_resize(struct proc *p, const struct winsize *ws)
{
	uv_os_fd_t fd;

	if (p->tty && !p->drained &&
	    uv_fileno((uv_handle_t *)&p->pipe, &fd) == 0)
		ioctl(fd, TIOCSWINSZ, ws);
}

/* Says whether the instance has a pty. */
int
proc_has_tty(const struct proc *p)
{
	return p->tty;
}

/* Sets the raw tap; see proc.h. */
void
proc_set_tap(struct proc *p, void (*fn)(void *, const char *, size_t),
    void *ctx)
{
	p->tap = fn;
	p->tap_ctx = ctx;
}

/* Sets the line hook; see proc.h. */
void
proc_set_line_hook(struct proc *p, void (*fn)(void *, const char *, size_t),
    void *ctx)
{
	p->line_hook = fn;
	p->line_ctx = ctx;
}

/*
 * Pids of other processes libuv reaps (exec probes): small, since only
 * probes that run at once are here.
 */
static int *proc_claimed;
static size_t proc_nclaimed;

/* Notes a pid libuv will reap; see proc.h. */
void
proc_claim(int pid)
{
	proc_claimed = xreallocarray(proc_claimed, proc_nclaimed + 1,
	    sizeof *proc_claimed);
	proc_claimed[proc_nclaimed++] = pid;
}

/* Forgets it once reaped; see proc.h. */
void
proc_unclaim(int pid)
{
	size_t i;

	for (i = 0; i < proc_nclaimed; i++) {
		if (proc_claimed[i] == pid) {
			proc_claimed[i] = proc_claimed[--proc_nclaimed];
			break;
		}
	}
	if (proc_nclaimed == 0) {
		free(proc_claimed);
		proc_claimed = NULL;
	}
}

/* Returns what the instance shows since its last newline; see proc.h. */
size_t
proc_partial(const struct proc *p, const char **data)
{
	*data = p->shown;
	return p->shown_len;
}

/* Returns the pid as the rest of the system knows it. */
int
proc_host_pid(const struct proc *p)
{
	return (int)p->src.pid;
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
	if (p->paused || (p->drained && !p->eof))
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
	if (p->eof) {
		proc_drain(p);
		proc_check_done(p);
		return;
	}
	uv_read_start((uv_stream_t *)&p->pipe, proc_alloc_cb, proc_read_cb);
	if (linebuf_has_partial(&p->lb))
		uv_timer_start(&p->timer, proc_timer_cb, PROC_PARTIAL_MS, 0);
}

/* Resumes every paused proc, those whose owner forgot them included. */
void
proc_resume_all(void)
{
	struct proc *p;

	for (p = proc_all; p != NULL; p = p->next)
		proc_resume(p);
}

/* Counts the procs whose output is still being read. */
size_t
proc_open_count(void)
{
	return proc_nopen;
}

/* Sets the callback run each time a proc's output closes. */
void
proc_on_idle(void (*fn)(void *), void *ctx)
{
	proc_idle_cb = fn;
	proc_idle_ctx = ctx;
}

/* Stops reading every proc's output: what is held is written. */
void
proc_drain_all(void)
{
	struct proc *p, *next;

	for (p = proc_all; p != NULL; p = next) {
		next = p->next;
		if (!p->drained) {
			proc_drain(p);
			proc_check_done(p);
		}
	}
}

/* Says whether pid is a process libuv spawned for a proc and will reap. */
int
proc_owns_pid(int pid)
{
	const struct proc *p;
	size_t i;

	for (p = proc_all; p != NULL; p = p->next) {
		if (!p->exited && p->process.pid == pid)
			return 1;
	}
	for (i = 0; i < proc_nclaimed; i++) {
		if (proc_claimed[i] == pid)
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
