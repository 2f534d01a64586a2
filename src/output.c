/*
 * output.c: the merged log stream: a bounded queue and one writer thread.
 *
 * The loop thread appends formatted lines to `queue` under `lock`; the
 * writer swaps `queue` with its own empty buffer and writes the batch
 * outside the lock, so formatting and writing overlap and each write(2) is
 * as large as the backlog. There is one output per process, so its state is
 * file-static.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "output.h"

/*
 * The queue may hold this much before readers are paused, and must drain
 * below the low mark before they resume. A quarter megabyte keeps memory
 * bounded with hundreds of instances while giving the writer large writes.
 */
#define OUTPUT_HIGH_WATER (256 * 1024)
#define OUTPUT_LOW_WATER (64 * 1024)
#define OUTPUT_WATCH_MS 100

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* the writer waits here for work */
	struct buf queue;         /* guarded by lock: formatted lines */
	size_t inflight;          /* guarded by lock: bytes being written */
	int writer_idle;          /* guarded by lock: the writer is waiting */
	int stopping;             /* guarded by lock: finish and exit */
	int broken;               /* guarded by lock: stdout gave EPIPE */
	int congested;            /* guarded by lock: readers are paused */
	int notify_resume;        /* guarded by lock: tell the loop to resume */
	int notify_closed;        /* guarded by lock: tell the loop about EPIPE */
	int closed_told;          /* loop thread only */
	int watch_reader;         /* stdout is a pipe or socket: watch it */
	int running;              /* loop thread only: the thread exists */
	pthread_t thread;
	uv_async_t async;         /* writer to loop thread */
	struct fmt_style style;
	struct output_ops ops;
	struct fmt_time time;     /* loop thread only: the current group's time */
	time_t time_sec;          /* loop thread only: second of time.hms */
	unsigned long time_stamp; /* loop thread only: changes with time.hms */
} out = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER };

/*
 * Writes all of data to fd 1; returns 0, or -1 with errno set. Another
 * program sharing the terminal or pipe may have made it non-blocking: then
 * EAGAIN only means "wait", so the writer waits in poll(2).
 */
static int
output_write_all(const char *data, size_t len)
{
	struct pollfd pfd;
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pfd.fd = STDOUT_FILENO;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
				return -1;
			continue;
		}
		if (n == -1)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Waits for work, but looks every OUTPUT_WATCH_MS whether stdout's reader
 * is gone: with a pipe to `head`, the reader may leave while nothing more
 * is written, and only a write would have said so (EPIPE). poll(2)
 * reports POLLERR on a pipe without readers. Called with the lock held.
 */
static void
output_idle_wait(void)
{
	struct pollfd pfd;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += OUTPUT_WATCH_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if (pthread_cond_timedwait(&out.wake, &out.lock, &ts) != ETIMEDOUT)
		return;
	pfd.fd = STDOUT_FILENO;
	pfd.events = 0;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP))) {
		out.broken = 1;
		out.notify_closed = 1;
		uv_async_send(&out.async);
	}
}

/* The writer thread: takes batches and writes them until told to stop. */
static void *
output_writer(void *arg)
{
	struct buf batch = BUF_INIT, tmp;
	int failed;

	(void)arg;
	pthread_mutex_lock(&out.lock);
	for (;;) {
		while (out.queue.len == 0 && !out.stopping) {
			out.writer_idle = 1;
			if (out.watch_reader && !out.broken)
				output_idle_wait();
			else
				pthread_cond_wait(&out.wake, &out.lock);
			out.writer_idle = 0;
		}
		if (out.queue.len == 0 && out.stopping)
			break;
		tmp = batch;
		batch = out.queue;
		out.queue = tmp;
		buf_reset(&out.queue);
		out.inflight = batch.len;
		pthread_mutex_unlock(&out.lock);

		failed = out.broken ? 0 :
		    output_write_all(batch.data, batch.len) != 0;

		pthread_mutex_lock(&out.lock);
		out.inflight = 0;
		if (failed && !out.broken) {
			/* Any write error means nobody will read the rest. */
			out.broken = 1;
			out.notify_closed = 1;
			uv_async_send(&out.async);
		}
		if (out.broken)
			buf_reset(&out.queue);
		if (out.congested && out.queue.len < OUTPUT_LOW_WATER) {
			out.congested = 0;
			out.notify_resume = 1;
			uv_async_send(&out.async);
		}
		/* Give back memory a burst grew, so idle RSS stays small. */
		if (batch.cap > 4 * OUTPUT_HIGH_WATER)
			buf_free(&batch);
	}
	pthread_mutex_unlock(&out.lock);
	buf_free(&batch);
	return NULL;
}

/* Runs on the loop thread after the writer's uv_async_send. */
static void
output_async_cb(uv_async_t *handle)
{
	int resume, closed;

	(void)handle;
	pthread_mutex_lock(&out.lock);
	resume = out.notify_resume;
	closed = out.notify_closed;
	out.notify_resume = out.notify_closed = 0;
	pthread_mutex_unlock(&out.lock);
	if (closed && !out.closed_told) {
		out.closed_told = 1;
		if (out.ops.closed != NULL)
			out.ops.closed(out.ops.ctx);
	}
	if (resume && out.ops.resume != NULL)
		out.ops.resume(out.ops.ctx);
}

/* Starts the writer; see output.h. */
int
output_start(uv_loop_t *loop, const struct fmt_style *style,
    const struct output_ops *ops)
{
	sigset_t all, old;
	struct stat st;
	int err;

	out.style = *style;
	out.ops = *ops;
	out.watch_reader = fstat(STDOUT_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	if ((err = uv_async_init(loop, &out.async, output_async_cb)) != 0)
		return err;
	/* The writer takes no signal: they are all for the loop thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&out.thread, NULL, output_writer, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		uv_close((uv_handle_t *)&out.async, NULL);
		return -err;
	}
	out.running = 1;
	return 0;
}

/* Reads the clock once for a group of lines; localtime only each second. */
static void
output_clock(void)
{
	struct timespec ts;
	struct tm tm;
	char date[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (out.style.json) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(out.time.iso, sizeof out.time.iso, "%.19s.%03dZ",
		    date, (int)(ts.tv_nsec / 1000000) % 1000);
	}
	if (ts.tv_sec != out.time_sec) {
		out.time_sec = ts.tv_sec;
		out.time_stamp++;
		localtime_r(&ts.tv_sec, &tm);
		strftime(out.time.hms, sizeof out.time.hms, "%H:%M:%S", &tm);
	}
}

/* Takes the lock for a group of lines. */
void
output_begin(void)
{
	output_clock();
	pthread_mutex_lock(&out.lock);
}

/* Queues one line; the lock is held (output_begin). */
void
output_line(const struct fmt_source *src, const char *text, size_t len)
{
	if (!out.running || out.broken)
		return;
	fmt_line(&out.queue, &out.style, src, &out.time, text, len);
}

/* Queues one line with a cached prefix; the lock is held (output_begin). */
void
output_line_cached(const struct fmt_source *src, struct output_prefix *c,
    const char *text, size_t len)
{
	struct buf *q = &out.queue;
	struct buf tmp = BUF_INIT;

	if (!out.running || out.broken)
		return;
	/* JSON carries milliseconds; bare text has no prefix to cache. */
	if (out.style.json || !out.style.prefix) {
		fmt_line(q, &out.style, src, &out.time, text, len);
		return;
	}
	if (c->stamp != out.time_stamp) {
		fmt_line(&tmp, &out.style, src, &out.time, "", 0);
		if (tmp.len - 1 > sizeof c->text) {
			buf_free(&tmp);
			fmt_line(q, &out.style, src, &out.time, text, len);
			return;
		}
		c->len = tmp.len - 1; /* without the '\n' */
		memcpy(c->text, tmp.data, c->len);
		c->stamp = out.time_stamp;
		buf_free(&tmp);
	}
	buf_reserve(q, c->len + len + 1);
	memcpy(q->data + q->len, c->text, c->len);
	memcpy(q->data + q->len + c->len, text, len);
	q->len += c->len + len;
	q->data[q->len++] = '\n';
	q->data[q->len] = '\0';
}

/* Releases the lock, waking the writer if it sleeps; says if congested. */
int
output_end(void)
{
	int congested;

	if (out.queue.len + out.inflight >= OUTPUT_HIGH_WATER)
		out.congested = 1;
	congested = out.congested;
	if (out.writer_idle && out.queue.len > 0)
		pthread_cond_signal(&out.wake);
	pthread_mutex_unlock(&out.lock);
	return congested;
}

/* Writes a system line. */
void
output_system(const char *fmt, ...)
{
	static const struct fmt_source sys = { "system", NULL, 0, -1 };
	struct buf text = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (!out.running) {
		/* Before the writer exists (or after), write directly. */
		fprintf(stderr, "tfrun: %s\n", text.data != NULL ? text.data :
		    "");
	} else {
		output_begin();
		output_line(&sys, text.data != NULL ? text.data : "",
		    text.len);
		output_end();
	}
	buf_free(&text);
}

/* Says whether readers should pause. */
int
output_congested(void)
{
	int c;

	pthread_mutex_lock(&out.lock);
	c = out.congested;
	pthread_mutex_unlock(&out.lock);
	return c;
}

/* Flushes, joins the writer and closes the async handle. */
void
output_stop(void)
{
	if (!out.running)
		return;
	pthread_mutex_lock(&out.lock);
	out.stopping = 1;
	pthread_cond_signal(&out.wake);
	pthread_mutex_unlock(&out.lock);
	pthread_join(out.thread, NULL);
	out.running = 0;
	buf_free(&out.queue);
	uv_close((uv_handle_t *)&out.async, NULL);
}
