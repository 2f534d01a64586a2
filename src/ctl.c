/*
 * ctl.c: the control socket's server (SPEC section 7); see ctl.h.
 *
 * Each client is a struct ctl_client owning a pipe and a timer, freed in
 * the last close callback. Replies are queued in the client's own buffer
 * and written by one uv_write at a time, so that lines that come while a
 * write is in flight go out together: a follower costs one write per
 * batch, not per line, and one that reads nothing is dropped once its
 * queue passes CTL_FOLLOW_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <uv.h>

#include "buf.h"
#include "ctl.h"
#include "ctlproto.h"
#include "fmt.h"
#include "history.h"
#include "output.h"
#include "supervisor.h"
#include "xmalloc.h"

/* How long a client has to take its last words when tfrun exits. */
#define CTL_LAST_WORDS_MS 1000

enum ctl_state {
	CTL_READING,   /* waiting for its request line */
	CTL_REPLIED,   /* answered: closed once the reply is written */
	CTL_FOLLOWING, /* logs -f: gets new lines until tfrun exits */
	CTL_WAITING,   /* wait: answered once all are ready, or at timeout */
	CTL_ATTACHED   /* attach: raw bytes both ways */
};

struct ctl_client {
	uv_pipe_t pipe;
	uv_timer_t timer;      /* the request's deadline; wait's timeout */
	struct ctl *ctl;
	struct ctl_client *next;
	struct ctl_client **prev;
	enum ctl_state state;
	int refs;              /* handles not yet closed */
	int closing;
	int writing;           /* a uv_write is in flight */
	int slow;              /* dropped for not reading: say so at close */
	char in[CTLPROTO_MAX_LINE];
	size_t inlen;
	struct ctlproto_req req; /* the request, for followers' targets */
	char attached[SUPERVISOR_NAME_MAX]; /* attach: the instance */
	struct buf out;        /* bytes to write */
};

struct ctl {
	struct supervisor *sv;
	uv_pipe_t server;
	char *path;            /* owned: removed at the end */
	pid_t pid;
	char *root;            /* owned */
	struct ctl_client *clients;
	struct fmt_style style; /* of the lines `logs` sends */
	int stopped;
	size_t followers;      /* clients in CTL_FOLLOWING */
};

/* What a write carries: its request and the bytes, freed together. */
struct ctl_write {
	uv_write_t req;
	struct ctl_client *c;
	char *data;
};

static void ctl_flush(struct ctl_client *);
static void ctl_frames(struct ctl_client *);

/* Frees the client once its last handle has closed. */
static void
ctl_close_cb(uv_handle_t *handle)
{
	struct ctl_client *c = handle->data;

	if (--c->refs > 0)
		return;
	/*
	 * Said here, not where it was dropped: that was inside the output's
	 * lock, which a log line takes too.
	 */
	if (c->slow)
		output_system("dropped a logs -f client that does not read");
	ctlproto_req_free(&c->req);
	buf_free(&c->out);
	free(c);
}

/* Closes a client (its pending output is dropped). */
static void
ctl_drop(struct ctl_client *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	if (c->state == CTL_FOLLOWING && --c->ctl->followers == 0)
		history_listen(NULL, NULL);
	if (c->state == CTL_ATTACHED) {
		c->state = CTL_REPLIED;
		supervisor_detach(c->ctl->sv, c->attached);
	}
	if (c->prev != NULL) {
		*c->prev = c->next;
		if (c->next != NULL)
			c->next->prev = c->prev;
		c->prev = NULL;
	}
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->timer, ctl_close_cb);
	uv_close((uv_handle_t *)&c->pipe, ctl_close_cb);
}

/* A write finished: write what came meanwhile, or close when replied. */
static void
ctl_write_cb(uv_write_t *req, int status)
{
	struct ctl_write *w = req->data;
	struct ctl_client *c = w->c;

	free(w->data);
	free(w);
	c->writing = 0;
	if (c->closing)
		return;
	if (status != 0) {
		ctl_drop(c);
		return;
	}
	if (c->out.len > 0)
		ctl_flush(c);
	else if (c->state == CTL_REPLIED)
		ctl_drop(c);
}

/* Starts writing what is queued, unless a write is in flight. */
static void
ctl_flush(struct ctl_client *c)
{
	struct ctl_write *w;
	uv_buf_t b;

	if (c->writing || c->closing || c->out.len == 0)
		return;
	w = xcalloc(1, sizeof *w);
	w->c = c;
	b.len = c->out.len;
	w->data = buf_detach(&c->out);
	b.base = w->data;
	w->req.data = w;
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
	    ctl_write_cb) != 0) {
		free(w->data);
		free(w);
		ctl_drop(c);
		return;
	}
	c->writing = 1;
}

/* Queues one reply line. */
static void
ctl_reply(struct ctl_client *c, enum ctlproto_tag tag, const char *payload)
{
	ctlproto_format_reply(&c->out, tag, payload,
	    payload != NULL ? strlen(payload) : 0);
}

/* Ends the exchange with "ok" or "error MESSAGE" (taking cause). */
static void
ctl_finish(struct ctl_client *c, char *cause)
{
	if (cause != NULL)
		ctl_reply(c, CTLPROTO_ERROR, cause);
	else
		ctl_reply(c, CTLPROTO_OK, NULL);
	free(cause);
	c->state = CTL_REPLIED;
	uv_timer_stop(&c->timer);
	ctl_flush(c);
}

/* Appends one formatted log line of history h to out. */
static void
ctl_format_line(struct ctl *ctl, struct buf *out, const char *name,
    const char *type, uint64_t time_ms, const char *text, size_t len)
{
	struct fmt_source src = { name, type, 0, -1 };
	struct fmt_time tm;
	struct tm t;
	time_t sec = (time_t)(time_ms / 1000);
	struct buf line = BUF_INIT;
	char date[32];

	localtime_r(&sec, &t);
	strftime(tm.hms, sizeof tm.hms, "%H:%M:%S", &t);
	gmtime_r(&sec, &t);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &t);
	snprintf(tm.iso, sizeof tm.iso, "%.19s.%03dZ", date,
	    (int)(time_ms % 1000));
	ctl->style.width = supervisor_label_width(ctl->sv);
	fmt_line(&line, &ctl->style, &src, &tm, text, len);
	/* The line already ends in '\n': the reply is "line TEXT\n". */
	buf_adds(out, "line ");
	buf_add(out, line.data, line.len);
	buf_free(&line);
}

/* What ctl_send_history passes on. */
struct ctl_tail {
	struct ctl *ctl;
	struct buf *out;
};

/* Queues one line of the history. */
static void
ctl_tail_line(void *arg, const struct history *h, uint64_t time_ms,
    const char *text, size_t len)
{
	struct ctl_tail *t = arg;

	ctl_format_line(t->ctl, t->out, history_name(h), history_type(h),
	    time_ms, text, len);
}

/* Says whether a follower wants the lines of h. */
static int
ctl_wants(const struct ctl_client *c, const struct history *h)
{
	size_t i;

	if (c->req.ntargets == 0)
		return 1;
	for (i = 0; i < c->req.ntargets; i++) {
		if (strcmp(c->req.targets[i], history_name(h)) == 0 ||
		    strcmp(c->req.targets[i], history_type(h)) == 0)
			return 1;
	}
	return 0;
}

/*
 * A line was added to a history: followers that want it get it. One that
 * has let too much pile up is dropped, never waited for. This runs while
 * the output's lock is held (between output_begin and output_end): it must
 * not log.
 */
static void
ctl_on_line(void *arg, const struct history *h, uint64_t time_ms,
    const char *text, size_t len)
{
	struct ctl *ctl = arg;
	struct ctl_client *c, *next;

	for (c = ctl->clients; c != NULL; c = next) {
		next = c->next;
		if (c->state != CTL_FOLLOWING || !ctl_wants(c, h))
			continue;
		ctl_format_line(ctl, &c->out, history_name(h),
		    history_type(h), time_ms, text, len);
		if (c->out.len > CTL_FOLLOW_MAX) {
			c->slow = 1;
			ctl_drop(c);
			continue;
		}
		ctl_flush(c);
	}
}

/* `hello`: who is running here. */
static void
ctl_hello(struct ctl_client *c)
{
	char *s;

	xasprintf(&s, "%ld %s", (long)c->ctl->pid, c->ctl->root);
	ctl_reply(c, CTLPROTO_HELLO_REPLY, s);
	free(s);
	ctl_finish(c, NULL);
}

/* Queues one `inst` line. */
static void
ctl_ps_one(const struct supervisor_info *info, void *arg)
{
	struct ctl_client *c = arg;
	struct ctlproto_inst in;

	memset(&in, 0, sizeof in);
	snprintf(in.name, sizeof in.name, "%s", info->name);
	in.pid = info->pid;
	snprintf(in.state, sizeof in.state, "%s", info->state);
	in.uptime_ms = info->uptime_ms;
	in.restarts = info->restarts;
	in.port = info->port;
	in.ready = info->ready;
	in.status = info->status;
	snprintf(in.command, sizeof in.command, "%s", info->command);
	ctlproto_format_inst(&c->out, &in);
}

/* `logs`: the history, then, with follow, what comes. */
static void
ctl_logs(struct ctl_client *c)
{
	struct ctl_tail t = { c->ctl, &c->out };
	struct history **v;
	char *cause;
	size_t n;

	if (supervisor_histories(c->ctl->sv, c->req.targets, c->req.ntargets,
	    &v, &n, &cause) != 0) {
		ctl_finish(c, cause);
		return;
	}
	history_tail_merged(v, n, (size_t)c->req.lines, ctl_tail_line, &t);
	free(v);
	if (!c->req.follow) {
		ctl_finish(c, NULL);
		return;
	}
	ctl_reply(c, CTLPROTO_FOLLOWING, NULL);
	c->state = CTL_FOLLOWING;
	/* Lines are handed to the server only while somebody follows. */
	if (c->ctl->followers++ == 0)
		history_listen(ctl_on_line, c->ctl);
	uv_timer_stop(&c->timer);
	ctl_flush(c);
}

/* wait's timeout: says who is not ready. */
static void
ctl_wait_timeout(uv_timer_t *timer)
{
	struct ctl_client *c = timer->data;
	char *names, *cause;

	if (c->state != CTL_WAITING)
		return;
	supervisor_all_ready(c->ctl->sv, &names);
	xasprintf(&cause, "not ready: %s", names != NULL ? names : "");
	free(names);
	ctl_finish(c, cause);
}

/* Answers a waiter when everything is ready. */
static void
ctl_check_waiter(struct ctl_client *c)
{
	char *names;

	if (supervisor_all_ready(c->ctl->sv, &names)) {
		ctl_finish(c, NULL);
		return;
	}
	free(names);
}

/* The attached instance wrote: its bytes go to the client as they are. */
static void
ctl_attach_output(void *arg, const char *data, size_t len)
{
	struct ctl_client *c = arg;

	if (c->closing)
		return;
	buf_add(&c->out, data, len);
	/* Until the answer is queued (ctl_attach), this is only kept. */
	if (c->state != CTL_ATTACHED)
		return;
	if (c->out.len > CTL_FOLLOW_MAX) {
		/* Outside the output's lock here (proc taps before it). */
		output_system("%s: dropped the attached client, which does "
		    "not read", c->attached);
		ctl_drop(c);
		return;
	}
	ctl_flush(c);
}

/* The attached instance is gone (scaled away): the client is let go. */
static void
ctl_attach_gone(void *arg)
{
	struct ctl_client *c = arg;

	c->state = CTL_REPLIED;
	if (c->out.len == 0 && !c->writing)
		ctl_drop(c);
}

/* `attach NAME COLS ROWS`: from here on, frames in, raw output out. */
static void
ctl_attach(struct ctl_client *c)
{
	struct supervisor_tap tap = { ctl_attach_output, ctl_attach_gone, c };
	struct buf shown;
	char *cause, *answer;
	int tty;

	if (supervisor_attach(c->ctl->sv, c->req.targets[0],
	    (unsigned)c->req.cols, (unsigned)c->req.rows, &tap, &tty,
	    c->attached, &cause) != 0) {
		ctl_finish(c, cause);
		return;
	}
	/* The answer goes before what the instance shows (its prompt). */
	shown = c->out;
	memset(&c->out, 0, sizeof c->out);
	xasprintf(&answer, "%s %s", tty ? "tty" : "pipe", c->attached);
	ctl_reply(c, CTLPROTO_OK, answer);
	free(answer);
	if (shown.len > 0)
		buf_add(&c->out, shown.data, shown.len);
	buf_free(&shown);
	c->state = CTL_ATTACHED;
	uv_timer_stop(&c->timer);
	ctl_flush(c);
	ctl_frames(c);
}

/* Carries out the attach frames that have come in whole. */
static void
ctl_frames(struct ctl_client *c)
{
	struct ctlproto_frame f;
	size_t off = 0;
	long n = 0;

	while (c->state == CTL_ATTACHED &&
	    (n = ctlproto_parse_frame(c->in + off, c->inlen - off, &f)) > 0) {
		off += (size_t)n;
		if (f.type == 'i')
			supervisor_attach_input(c->ctl->sv, c->attached,
			    f.data, f.len);
		else
			supervisor_attach_resize(c->ctl->sv, c->attached,
			    f.cols, f.rows);
	}
	if (n < 0) {
		ctl_drop(c);
		return;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

/* Carries out one request. */
static void
ctl_dispatch(struct ctl_client *c)
{
	struct ctl *ctl = c->ctl;
	struct ctlproto_req *r = &c->req;
	char origin[32], *cause = NULL;
	size_t i;
	int rc = 0;

	snprintf(origin, sizeof origin, "tfrun %s",
	    ctlproto_verb_name(r->verb));
	switch (r->verb) {
	case CTLPROTO_HELLO:
		ctl_hello(c);
		return;
	case CTLPROTO_PS:
		supervisor_each(ctl->sv, ctl_ps_one, c);
		break;
	case CTLPROTO_SCALE:
		for (i = 0; i < r->ntargets && rc == 0; i++) {
			char type[80];

			snprintf(type, sizeof type, "%.*s",
			    (int)strcspn(r->targets[i], "="), r->targets[i]);
			rc = supervisor_scale(ctl->sv, type, r->counts[i],
			    origin, &cause);
		}
		break;
	case CTLPROTO_RESTART:
		if (r->ntargets == 0)
			rc = supervisor_restart(ctl->sv, NULL, origin, &cause);
		for (i = 0; i < r->ntargets && rc == 0; i++)
			rc = supervisor_restart(ctl->sv, r->targets[i], origin,
			    &cause);
		break;
	case CTLPROTO_STOP:
		for (i = 0; i < r->ntargets && rc == 0; i++)
			rc = supervisor_stop(ctl->sv, r->targets[i], origin,
			    &cause);
		break;
	case CTLPROTO_SIGNAL:
		for (i = 0; i < r->ntargets && rc == 0; i++)
			rc = supervisor_signal(ctl->sv, r->sig, r->targets[i],
			    origin, &cause);
		break;
	case CTLPROTO_LOGS:
		ctl_logs(c);
		return;
	case CTLPROTO_WAIT:
		c->state = CTL_WAITING;
		uv_timer_stop(&c->timer);
		if (r->timeout_ms != CTLPROTO_FOREVER)
			uv_timer_start(&c->timer, ctl_wait_timeout,
			    r->timeout_ms, 0);
		ctl_check_waiter(c);
		return;
	case CTLPROTO_QUIT:
		ctl_finish(c, NULL);
		supervisor_quit(ctl->sv, origin);
		return;
	case CTLPROTO_ATTACH:
		ctl_attach(c);
		return;
	}
	ctl_finish(c, rc != 0 ? cause : NULL);
}

/* A request that did not come in time. */
static void
ctl_request_timeout(uv_timer_t *timer)
{
	struct ctl_client *c = timer->data;

	if (c->state == CTL_READING)
		ctl_finish(c, xstrdup("no request within 10 seconds"));
}

/* Hands libuv the client's input buffer. */
static void
ctl_alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct ctl_client *c = handle->data;
	static char sink[4096];

	(void)suggested;
	/* After the request, what a client sends is read and ignored. */
	if (c->state != CTL_READING && c->state != CTL_ATTACHED) {
		buf->base = sink;
		buf->len = sizeof sink;
		return;
	}
	buf->base = c->in + c->inlen;
	buf->len = sizeof c->in - c->inlen;
}

/* Reads the request line; a client's end of file closes it. */
static void
ctl_read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct ctl_client *c = stream->data;
	char *nl, *cause;

	(void)buf;
	if (nread < 0) {
		ctl_drop(c);
		return;
	}
	if (c->state == CTL_ATTACHED) {
		c->inlen += (size_t)nread;
		ctl_frames(c);
		return;
	}
	if (c->state != CTL_READING || nread == 0)
		return;
	c->inlen += (size_t)nread;
	nl = memchr(c->in, '\n', c->inlen);
	if (nl == NULL) {
		if (c->inlen == sizeof c->in)
			ctl_finish(c, xstrdup("request too long"));
		return;
	}
	if (ctlproto_parse_request(c->in, (size_t)(nl - c->in), &c->req,
	    &cause) != 0) {
		ctl_finish(c, cause);
		return;
	}
	/* What came after the line is attach's first frames. */
	c->inlen -= (size_t)(nl + 1 - c->in);
	memmove(c->in, nl + 1, c->inlen);
	c->state = CTL_REPLIED; /* until the dispatch says otherwise */
	ctl_dispatch(c);
}

/* Says whether the peer runs as this process's user. */
static int
ctl_same_user(uv_pipe_t *pipe)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return 0;
	return cred.uid == geteuid();
}

/* A client connects. */
static void
ctl_connection_cb(uv_stream_t *server, int status)
{
	struct ctl *ctl = server->data;
	struct ctl_client *c;

	if (status != 0 || ctl->stopped)
		return;
	c = xcalloc(1, sizeof *c);
	c->ctl = ctl;
	uv_pipe_init(server->loop, &c->pipe, 0);
	c->pipe.data = c;
	uv_timer_init(server->loop, &c->timer);
	c->timer.data = c;
	c->refs = 2;
	c->next = ctl->clients;
	if (ctl->clients != NULL)
		ctl->clients->prev = &c->next;
	c->prev = &ctl->clients;
	ctl->clients = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0) {
		ctl_drop(c);
		return;
	}
	if (!ctl_same_user(&c->pipe)) {
		ctl_finish(c, xstrdup("permission denied: this tfrun runs as "
		    "another user"));
		return;
	}
	uv_timer_start(&c->timer, ctl_request_timeout, CTL_REQUEST_MS, 0);
	uv_read_start((uv_stream_t *)&c->pipe, ctl_alloc_cb, ctl_read_cb);
}

/* Serves the socket; see ctl.h. */
struct ctl *
ctl_start(struct supervisor *sv, int fd, const char *path, pid_t pid,
    const char *root)
{
	const struct plan *p = supervisor_plan(sv);
	struct ctl *ctl;

	ctl = xcalloc(1, sizeof *ctl);
	ctl->sv = sv;
	ctl->path = xstrdup(path);
	ctl->pid = pid;
	ctl->root = xstrdup(root);
	ctl->style.json = p->cfg.log_format == CONFIG_LOG_JSON;
	ctl->style.timestamp = !p->cfg.no_timestamp;
	ctl->style.prefix = !p->cfg.no_prefix;
	uv_pipe_init(supervisor_loop(sv), &ctl->server, 0);
	ctl->server.data = ctl;
	if (uv_pipe_open(&ctl->server, fd) != 0 ||
	    uv_listen((uv_stream_t *)&ctl->server, 64,
	    ctl_connection_cb) != 0)
		output_system("the control socket %s does not work; tfrun "
		    "ps and the other commands will not reach this tfrun",
		    path);
	return ctl;
}

/* Answers the waiters that can be answered; see ctl.h. */
void
ctl_notify(struct ctl *ctl)
{
	struct ctl_client *c, *next;

	if (ctl == NULL)
		return;
	for (c = ctl->clients; c != NULL; c = next) {
		next = c->next;
		if (c->state == CTL_WAITING)
			ctl_check_waiter(c);
	}
}

/* A client that did not take its last words in time. */
static void
ctl_give_up(uv_timer_t *timer)
{
	ctl_drop(timer->data);
}

/* Frees the server's state once its handle has closed. */
static void
ctl_server_close_cb(uv_handle_t *handle)
{
	struct ctl *ctl = handle->data;

	free(ctl->path);
	free(ctl->root);
	free(ctl);
}

/* Ends every client and the server; see ctl.h. */
void
ctl_stop(struct ctl *ctl)
{
	struct ctl_client *c, *next;
	char *names, *cause;

	if (ctl == NULL || ctl->stopped)
		return;
	ctl->stopped = 1;
	history_listen(NULL, NULL);
	for (c = ctl->clients; c != NULL; c = next) {
		next = c->next;
		switch (c->state) {
		case CTL_FOLLOWING:
			ctl_reply(c, CTLPROTO_END, NULL);
			break;
		case CTL_WAITING:
			supervisor_all_ready(ctl->sv, &names);
			xasprintf(&cause, "tfrun exited; not ready: %s",
			    names != NULL ? names : "");
			free(names);
			ctl_reply(c, CTLPROTO_ERROR, cause);
			free(cause);
			break;
		case CTL_READING:
			ctl_reply(c, CTLPROTO_ERROR, "tfrun is exiting");
			break;
		default:
			break;
		}
		/*
		 * The last words are written as the loop winds down; a
		 * client that does not take them within a second is dropped.
		 */
		c->state = CTL_REPLIED;
		uv_timer_start(&c->timer, ctl_give_up, CTL_LAST_WORDS_MS, 0);
		if (c->out.len == 0 && !c->writing)
			ctl_drop(c);
		else
			ctl_flush(c);
	}
	unlink(ctl->path);
	uv_close((uv_handle_t *)&ctl->server, ctl_server_close_cb);
}

/* Fills sa for path; see ctl.h. */
int
ctl_address(const char *path, struct sockaddr_un *sa, int *dirfd)
{
	const char *slash;
	char *dir;
	int n;

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	*dirfd = -1;
	if (strlen(path) < sizeof sa->sun_path) {
		memcpy(sa->sun_path, path, strlen(path) + 1);
		return 0;
	}
	/*
	 * A deep app root: the directory is reached through a descriptor,
	 * so that only the socket's own name must fit.
	 */
	if ((slash = strrchr(path, '/')) == NULL) {
		errno = ENAMETOOLONG;
		return -1;
	}
	dir = slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (*dirfd == -1)
		return -1;
	n = snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s",
	    *dirfd, slash + 1);
	if (n < 0 || (size_t)n >= sizeof sa->sun_path) {
		close(*dirfd);
		*dirfd = -1;
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Asks a server at path who it is; returns 0 with its pid and root
 * (owned), or -1 when nothing answers there.
 */
static int
ctl_ask_hello(const char *path, long *pid, char **root)
{
	struct sockaddr_un sa;
	char reply[4200], *p;
	ssize_t n;
	size_t have = 0;
	int fd, dirfd, rc;

	if (ctl_address(path, &sa, &dirfd) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		if (dirfd != -1)
			close(dirfd);
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	if (dirfd != -1)
		close(dirfd);
	if (rc != 0) {
		close(fd);
		return -1;
	}
	if (write(fd, CTLPROTO_VERSION " hello\n", sizeof CTLPROTO_VERSION +
	    6) < 0) {
		close(fd);
		return 0; /* it accepted: something runs there */
	}
	while (have < sizeof reply - 1 &&
	    (n = read(fd, reply + have, sizeof reply - 1 - have)) > 0)
		have += (size_t)n;
	close(fd);
	reply[have] = '\0';
	*pid = 0;
	*root = NULL;
	if (strncmp(reply, "hello ", 6) == 0) {
		*pid = strtol(reply + 6, &p, 10);
		if (*p == ' ')
			*root = xstrndup(p + 1, strcspn(p + 1, "\n"));
	}
	return 0;
}

/* Sets the socket up; see ctl.h. */
int
ctl_listen(const char *path, char **cause)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t mask;
	char *root;
	long pid;
	int fd, dirfd, rc;

	if (ctl_address(path, &sa, &dirfd) != 0) {
		if (errno != ENAMETOOLONG) {
			xasprintf(cause, "%s: cannot listen: %s", path,
			    strerror(errno));
			return -2;
		}
		xasprintf(cause, "%s: socket path too long (%zu bytes; at "
		    "most %zu, or a name of at most %zu in its directory)",
		    path, strlen(path), sizeof sa.sun_path - 1,
		    sizeof sa.sun_path - 1 - sizeof "/proc/self/fd/999/" + 1);
		return -1;
	}
	if (dirfd != -1)
		close(dirfd);
	if (ctl_ask_hello(path, &pid, &root) == 0) {
		xasprintf(cause, "tfrun is already running in %s (pid %ld)",
		    root != NULL ? root : "?", pid);
		free(root);
		return -1;
	}
	/*
	 * Nothing answers: a socket left by a dead tfrun is replaced, but
	 * anything else there is the user's and is never removed.
	 */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			xasprintf(cause, "%s: exists and is not a socket (tfrun "
			    "replaces only a socket; choose another --socket)",
			    path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (ctl_address(path, &sa, &dirfd) != 0) {
		xasprintf(cause, "%s: cannot listen: %s", path,
		    strerror(errno));
		close(fd);
		return -2;
	}
	/* Created 0600 from the start: no moment where others may connect. */
	mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	if (dirfd != -1)
		close(dirfd);
	if (rc != 0 || listen(fd, 64) != 0) {
		umask(mask);
		xasprintf(cause, "%s: cannot listen: %s", path,
		    strerror(errno));
		close(fd);
		return -2;
	}
	umask(mask);
	return fd;
}
