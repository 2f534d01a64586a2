/*
 * prober.c: readiness probes on the event loop; see prober.h.
 *
 * One timer paces the attempts: it fires at once, then every interval.
 * A tcp or http attempt still connecting at the next tick is abandoned
 * and a new one made; an exec probe still running is left to finish
 * (never two at once). The owner hears once: ready, or not ready in time.
 */
#include <arpa/inet.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "envmap.h"
#include "proc.h"
#include "prober.h"
#include "xmalloc.h"

struct prober {
	uv_loop_t *loop;
	struct probe p;          /* owned copy */
	uint64_t interval_ms;
	uint64_t deadline;       /* loop time */
	uint64_t timeout_ms;
	struct prober_ops ops;
	int refs;                /* handles not yet closed */
	int stopped;
	int told;                /* the owner has heard */
	uv_timer_t timer;
	struct sockaddr_storage addr;
	uv_tcp_t tcp;            /* tcp and http attempts */
	int tcp_busy;            /* an attempt holds the tcp handle */
	uv_connect_t connect;
	uv_write_t write;
	struct buf request;      /* http: the GET */
	char reply[256];         /* http: the start of the answer */
	size_t replylen;
	uv_process_t process;    /* exec attempts */
	int process_busy;
	char **envp;             /* owned */
	char *cwd;               /* owned */
	regex_t re;              /* log */
	int re_ok;
	int matched;
	char why[160];           /* the last attempt's failure, for messages */
};

static void prober_tick(uv_timer_t *);

/* Frees the prober once its last handle has closed. */
static void
prober_close_cb(uv_handle_t *handle)
{
	struct prober *pr = handle->data;

	if (handle == (uv_handle_t *)&pr->tcp)
		pr->tcp_busy = 0;
	if (handle == (uv_handle_t *)&pr->process)
		pr->process_busy = 0;
	if (--pr->refs > 0)
		return;
	probe_free(&pr->p);
	if (pr->re_ok)
		regfree(&pr->re);
	envmap_free_envp(pr->envp);
	free(pr->cwd);
	buf_free(&pr->request);
	free(pr);
}

/* Closes the tcp attempt, if any. */
static void
prober_tcp_close(struct prober *pr)
{
	if (pr->tcp_busy && !uv_is_closing((uv_handle_t *)&pr->tcp))
		uv_close((uv_handle_t *)&pr->tcp, prober_close_cb);
}

/* Tells the owner once, unless stopped. */
static void
prober_tell(struct prober *pr, int ready)
{
	char why[200];

	if (pr->told || pr->stopped)
		return;
	pr->told = 1;
	uv_timer_stop(&pr->timer);
	if (ready) {
		pr->ops.ready(pr->ops.ctx);
		return;
	}
	/* What was probed, with the instance's port, not "$PORT". */
	if (pr->p.kind == PROBE_TCP || pr->p.kind == PROBE_HTTP)
		snprintf(why, sizeof why, "%s%s%s%s:%s%s",
		    pr->p.kind == PROBE_TCP ? "tcp:" : "http://",
		    strchr(pr->p.host, ':') != NULL ? "[" : "", pr->p.host,
		    strchr(pr->p.host, ':') != NULL ? "]" : "", pr->p.port,
		    pr->p.kind == PROBE_HTTP ? pr->p.path : "");
	else
		snprintf(why, sizeof why, "%s", pr->p.text);
	if (pr->why[0] != '\0')
		snprintf(why + strlen(why), sizeof why - strlen(why), ": %s",
		    pr->why);
	pr->ops.timeout(pr->ops.ctx, why);
}

/* Reads an http answer's status line. */
static void
prober_http_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct prober *pr = handle->data;

	(void)suggested;
	buf->base = pr->reply + pr->replylen;
	buf->len = sizeof pr->reply - 1 - pr->replylen;
}

/* Decides on "HTTP/1.x NNN ...": 2xx and 3xx are ready. */
static void
prober_http_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct prober *pr = stream->data;
	int code;

	(void)buf;
	if (nread > 0)
		pr->replylen += (size_t)nread;
	pr->reply[pr->replylen] = '\0';
	if (strchr(pr->reply, '\n') == NULL && nread >= 0 &&
	    pr->replylen < sizeof pr->reply - 1)
		return;
	code = 0;
	if (sscanf(pr->reply, "HTTP/%*d.%*d %d", &code) != 1)
		snprintf(pr->why, sizeof pr->why, "no HTTP answer");
	else
		snprintf(pr->why, sizeof pr->why, "HTTP %d", code);
	prober_tcp_close(pr);
	if (code >= 200 && code < 400)
		prober_tell(pr, 1);
}

/* The GET has gone out (or not). */
static void
prober_http_written(uv_write_t *req, int status)
{
	struct prober *pr = req->data;

	if (status != 0) {
		snprintf(pr->why, sizeof pr->why, "%s", uv_strerror(status));
		prober_tcp_close(pr);
	}
}

/* A connect attempt ended. */
static void
prober_connected(uv_connect_t *req, int status)
{
	struct prober *pr = req->data;
	uv_buf_t b;

	if (pr->stopped || uv_is_closing((uv_handle_t *)&pr->tcp))
		return;
	if (status != 0) {
		snprintf(pr->why, sizeof pr->why, "%s", uv_strerror(status));
		prober_tcp_close(pr);
		return;
	}
	if (pr->p.kind == PROBE_TCP) {
		prober_tcp_close(pr);
		prober_tell(pr, 1);
		return;
	}
	pr->replylen = 0;
	b = uv_buf_init(pr->request.data, (unsigned int)pr->request.len);
	pr->write.data = pr;
	if (uv_write(&pr->write, (uv_stream_t *)&pr->tcp, &b, 1,
	    prober_http_written) != 0 ||
	    uv_read_start((uv_stream_t *)&pr->tcp, prober_http_alloc,
	    prober_http_read) != 0)
		prober_tcp_close(pr);
}

/* Starts a tcp or http attempt. */
static void
prober_try_connect(struct prober *pr)
{
	if (pr->tcp_busy) {
		/* Still connecting a whole interval later: start afresh. */
		snprintf(pr->why, sizeof pr->why, "no answer");
		prober_tcp_close(pr);
		return;
	}
	uv_tcp_init(pr->loop, &pr->tcp);
	pr->tcp.data = pr;
	pr->tcp_busy = 1;
	pr->refs++;
	pr->connect.data = pr;
	if (uv_tcp_connect(&pr->connect, &pr->tcp,
	    (const struct sockaddr *)&pr->addr, prober_connected) != 0)
		prober_tcp_close(pr);
}

/* An exec attempt ended. */
static void
prober_exec_exit(uv_process_t *process, int64_t status, int term_signal)
{
	struct prober *pr = process->data;

	proc_unclaim(process->pid);
	uv_close((uv_handle_t *)process, prober_close_cb);
	if (status == 0 && term_signal == 0)
		prober_tell(pr, 1);
	else if (term_signal != 0)
		snprintf(pr->why, sizeof pr->why, "killed by signal %d",
		    term_signal);
	else
		snprintf(pr->why, sizeof pr->why, "exited with code %d",
		    (int)status);
}

/* Starts an exec attempt, unless the last one still runs. */
static void
prober_try_exec(struct prober *pr)
{
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	char *args[4];
	int err;

	if (pr->process_busy)
		return;
	args[0] = "/bin/sh";
	args[1] = "-c";
	args[2] = pr->p.arg;
	args[3] = NULL;
	memset(&opt, 0, sizeof opt);
	opt.file = "/bin/sh";
	opt.args = args;
	opt.env = pr->envp;
	opt.cwd = pr->cwd;
	opt.exit_cb = prober_exec_exit;
	/* Its own group, so that stopping the probe stops what it started. */
	opt.flags = UV_PROCESS_DETACHED;
	stdio[0].flags = stdio[1].flags = stdio[2].flags = UV_IGNORE;
	opt.stdio = stdio;
	opt.stdio_count = 3;
	pr->process.data = pr;
	pr->process_busy = 1;
	pr->refs++;
	if ((err = uv_spawn(pr->loop, &pr->process, &opt)) != 0) {
		snprintf(pr->why, sizeof pr->why, "%s", uv_strerror(err));
		uv_close((uv_handle_t *)&pr->process, prober_close_cb);
		return;
	}
	/* libuv reaps it: the reaper of adopted orphans must not. */
	proc_claim(pr->process.pid);
}

/* One tick: give up at the deadline, else make an attempt. */
static void
prober_tick(uv_timer_t *timer)
{
	struct prober *pr = timer->data;

	if (pr->stopped || pr->told)
		return;
	if (pr->p.kind == PROBE_LOG && pr->matched) {
		prober_tell(pr, 1);
		return;
	}
	if (uv_now(pr->loop) >= pr->deadline) {
		prober_tell(pr, 0);
		return;
	}
	switch (pr->p.kind) {
	case PROBE_TCP:
	case PROBE_HTTP:
		prober_try_connect(pr);
		break;
	case PROBE_EXEC:
		prober_try_exec(pr);
		break;
	default:
		break;
	}
	/* A log probe only waits for its line, or the deadline. */
	uv_timer_start(&pr->timer, prober_tick, pr->p.kind == PROBE_LOG ?
	    pr->deadline - uv_now(pr->loop) : pr->interval_ms, 0);
}

/* Finds the address to connect to: numeric, or localhost. */
static int
prober_address(struct prober *pr, char **cause)
{
	const char *host = pr->p.host;
	long port = strtol(pr->p.port, NULL, 10);

	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)&pr->addr) == 0 ||
	    uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)&pr->addr) == 0)
		return 0;
	xasprintf(cause, "%s: the host must be an IP address or localhost "
	    "(probes do not look names up)", pr->p.text);
	return -1;
}

/* Starts probing; see prober.h. */
struct prober *
prober_start(uv_loop_t *loop, const struct probe *p, uint64_t interval_ms,
    uint64_t timeout_ms, const char *cwd, char *const *envp,
    const struct prober_ops *ops, char **cause)
{
	struct prober *pr;
	char err[256];
	size_t n;
	int rc;

	pr = xcalloc(1, sizeof *pr);
	pr->loop = loop;
	probe_copy(&pr->p, p);
	pr->interval_ms = interval_ms > 0 ? interval_ms : 1;
	pr->timeout_ms = timeout_ms;
	pr->ops = *ops;
	for (n = 0; envp != NULL && envp[n] != NULL; n++)
		continue;
	pr->envp = xcalloc(n + 1, sizeof *pr->envp);
	for (n = 0; envp != NULL && envp[n] != NULL; n++)
		pr->envp[n] = xstrdup(envp[n]);
	pr->cwd = xstrdup(cwd);
	if (p->kind == PROBE_LOG) {
		if ((rc = regcomp(&pr->re, p->arg, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &pr->re, err, sizeof err);
			xasprintf(cause, "%s: %s", p->text, err);
			goto fail;
		}
		pr->re_ok = 1;
	}
	if ((p->kind == PROBE_TCP || p->kind == PROBE_HTTP) &&
	    prober_address(pr, cause) != 0)
		goto fail;
	if (p->kind == PROBE_HTTP)
		buf_printf(&pr->request, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n"
		    "User-Agent: tfrun\r\nConnection: close\r\n\r\n",
		    p->path, p->host, p->port);
	uv_timer_init(loop, &pr->timer);
	pr->timer.data = pr;
	pr->refs = 1;
	pr->deadline = uv_now(loop) + timeout_ms;
	uv_timer_start(&pr->timer, prober_tick, 0, 0);
	return pr;
fail:
	probe_free(&pr->p);
	envmap_free_envp(pr->envp);
	free(pr->cwd);
	buf_free(&pr->request);
	free(pr);
	return NULL;
}

/*
 * A line of the instance: a log probe that matches is ready. This may run
 * while the output's lock is held, so the owner hears on the next tick,
 * which is made due at once.
 */
void
prober_line(struct prober *pr, const char *line, size_t len)
{
	char *s;

	if (pr == NULL || pr->p.kind != PROBE_LOG || pr->matched || pr->told)
		return;
	s = xstrndup(line, len);
	pr->matched = regexec(&pr->re, s, 0, NULL, 0) == 0;
	free(s);
	if (pr->matched)
		uv_timer_start(&pr->timer, prober_tick, 0, 0);
}

/* Stops probing; see prober.h. */
void
prober_stop(struct prober *pr)
{
	if (pr == NULL || pr->stopped)
		return;
	pr->stopped = 1;
	uv_timer_stop(&pr->timer);
	uv_close((uv_handle_t *)&pr->timer, prober_close_cb);
	prober_tcp_close(pr);
	/* An exec probe still running is killed; its exit closes it. */
	if (pr->process_busy && !uv_is_closing((uv_handle_t *)&pr->process))
		uv_kill(-pr->process.pid, SIGKILL);
}
