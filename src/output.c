/*
 * output.c: the merged log stream: a bounded queue and one writer thread.
 *
 * The loop thread appends formatted lines to `queue` under `lock`; the
 * writer swaps `queue` with its own buffer and writes the batch outside the
 * lock, so formatting and writing overlap and each write(2) is as large as
 * the backlog. There is one output per process, so its state is
 * file-static.
 *
 * The queue is bounded, not only watermarked: readers ask output_budget how
 * many bytes they may read before they read, and the answer assumes the
 * worst expansion (every byte a newline that gets a whole prefix), so that
 * no read, however many readers read at once, takes the queue over
 * OUTPUT_CAP. Both buffers are allocated once at that size and never freed
 * or regrown while tfrun runs.
 *
 * The writer sleeps in poll(2) with no timeout, on an eventfd the loop
 * thread signals and, when stdout is a pipe or a socket, on stdout itself
 * for POLLERR/POLLHUP: a reader that leaves while nothing is written is
 * noticed without any periodic wake-up.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "linebuf.h"
#include "output.h"

/*
 * Readers pause once the queue holds OUTPUT_HIGH_WATER and resume once the
 * writer has taken it below OUTPUT_LOW_WATER. OUTPUT_CAP is the hard
 * bound the read budgets keep to; it leaves room for full 64 KiB reads of
 * ordinary text while the queue is short.
 */
#define OUTPUT_HIGH_WATER (256 * 1024)
#define OUTPUT_LOW_WATER (64 * 1024)
#define OUTPUT_CAP (2 * 1024 * 1024)
#define OUTPUT_READ_MAX (64 * 1024)
/* A JSON string may spend six bytes on one input byte (\u001b). */
#define OUTPUT_JSON_FACTOR 6
/* After output_hurry, how long output_stop waits for a stalled stdout. */
#define OUTPUT_HURRY_MS 500

static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;      /* the writer signals its end here */
	struct buf queue;         /* guarded by lock: formatted lines */
	struct buf batch;         /* the writer's: the lines being written */
	size_t inflight;          /* guarded by lock: bytes being written */
	int writer_idle;          /* guarded by lock: the writer sleeps */
	int stopping;             /* guarded by lock: finish and exit */
	int broken;               /* guarded by lock: stdout is gone */
	int hurry;                /* guarded by lock: never pause, drop overflow */
	int finished;             /* guarded by lock: the writer has ended */
	int abandoned;            /* guarded by lock: nobody waits for the writer */
	int error;                /* guarded by lock: errno of a failed write */
	int congested;            /* guarded by lock: readers are paused */
	int notify_resume;        /* guarded by lock: tell the loop to resume */
	int notify_closed;        /* guarded by lock: tell the loop stdout is gone */
	int closed_told;          /* loop thread only */
	int watch_reader;         /* stdout is a pipe or socket: watch it */
	int running;              /* loop thread only: the thread exists */
	int wake;                 /* eventfd: the loop wakes the writer */
	pthread_t thread;
	uv_async_t async;         /* writer to loop thread */
	struct fmt_style style;
	struct output_ops ops;
	struct fmt_time time;     /* loop thread only: the current group's time */
	time_t time_sec;          /* loop thread only: second of time.hms */
	unsigned long time_stamp; /* loop thread only: changes with time.hms */
	uint64_t now_ms;          /* loop thread only: the group's time */
} out = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER, .wake = -1 };

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

/* Tells the loop thread that stdout is gone; the lock is held. */
static void
output_break(int error)
{
	if (out.broken)
		return;
	out.broken = 1;
	out.error = error;
	out.notify_closed = 1;
	buf_reset(&out.queue);
	if (!out.abandoned)
		uv_async_send(&out.async);
}

/*
 * Sleeps until the loop has work or stdout's reader is gone; called with
 * the lock held, which is released meanwhile.
 */
static void
output_idle_wait(void)
{
	struct pollfd pfd[2];
	uint64_t n;
	nfds_t nfd = 1;

	pfd[0].fd = out.wake;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (out.watch_reader && !out.broken) {
		/* No events asked: POLLERR and POLLHUP come all the same. */
		pfd[1].fd = STDOUT_FILENO;
		pfd[1].events = 0;
		pfd[1].revents = 0;
		nfd = 2;
	}
	out.writer_idle = 1;
	pthread_mutex_unlock(&out.lock);
	while (poll(pfd, nfd, -1) == -1 && errno == EINTR)
		continue;
	if (pfd[0].revents & POLLIN) {
		if (read(out.wake, &n, sizeof n) == -1)
			n = 0;
	}
	pthread_mutex_lock(&out.lock);
	out.writer_idle = 0;
	if (nfd == 2 && (pfd[1].revents & (POLLERR | POLLHUP)))
		output_break(EPIPE);
}

/* The writer thread: takes batches and writes them until told to stop. */
static void *
output_writer(void *arg)
{
	struct buf tmp;
	int failed;

	(void)arg;
	pthread_mutex_lock(&out.lock);
	for (;;) {
		while (out.queue.len == 0 && !out.stopping)
			output_idle_wait();
		if (out.queue.len == 0 && out.stopping)
			break;
		tmp = out.batch;
		out.batch = out.queue;
		out.queue = tmp;
		buf_reset(&out.queue);
		out.inflight = out.batch.len;
		pthread_mutex_unlock(&out.lock);

		failed = out.broken ? 0 :
		    output_write_all(out.batch.data, out.batch.len) != 0 ?
		    errno : 0;

		pthread_mutex_lock(&out.lock);
		/* output_stop gave up on this thread: touch nothing more. */
		if (out.abandoned) {
			pthread_mutex_unlock(&out.lock);
			return NULL;
		}
		out.inflight = 0;
		buf_reset(&out.batch);
		if (failed != 0)
			output_break(failed);
		if (out.congested && out.queue.len < OUTPUT_LOW_WATER) {
			out.congested = 0;
			out.notify_resume = 1;
			uv_async_send(&out.async);
		}
	}
	out.finished = 1;
	pthread_cond_signal(&out.done);
	pthread_mutex_unlock(&out.lock);
	return NULL;
}

/* Runs on the loop thread after the writer's uv_async_send. */
static void
output_async_cb(uv_async_t *handle)
{
	int resume, closed, error;

	(void)handle;
	pthread_mutex_lock(&out.lock);
	resume = out.notify_resume;
	closed = out.notify_closed;
	error = out.error;
	out.notify_resume = out.notify_closed = 0;
	pthread_mutex_unlock(&out.lock);
	if (closed && !out.closed_told) {
		out.closed_told = 1;
		if (out.ops.closed != NULL)
			out.ops.closed(out.ops.ctx, error);
	}
	if ((resume || closed) && out.ops.resume != NULL)
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
	if ((out.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		return -errno;
	buf_reserve(&out.queue, OUTPUT_CAP);
	buf_reserve(&out.batch, OUTPUT_CAP);
	if ((err = uv_async_init(loop, &out.async, output_async_cb)) != 0) {
		close(out.wake);
		out.wake = -1;
		return err;
	}
	/* The writer takes no signal: they are all for the loop thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&out.thread, NULL, output_writer, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		uv_close((uv_handle_t *)&out.async, NULL);
		close(out.wake);
		out.wake = -1;
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
	out.now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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

/* The time of the current group of lines; see output.h. */
uint64_t
output_time_ms(void)
{
	return out.now_ms;
}

/* Takes the lock for a group of lines. */
void
output_begin(void)
{
	output_clock();
	pthread_mutex_lock(&out.lock);
}

/*
 * Says whether lines are thrown away instead of queued; lock held. In a
 * hurry, what would take the queue over its cap is.
 */
static int
output_discarding(void)
{
	return !out.running || out.broken ||
	    (out.hurry && out.queue.len + out.inflight >= OUTPUT_CAP);
}

/* Queues one line; the lock is held (output_begin). */
void
output_line(const struct fmt_source *src, const char *text, size_t len)
{
	if (output_discarding())
		return;
	fmt_line(&out.queue, &out.style, src, &out.time, text, len);
}

/* Rebuilds a source's cached prefix when the second has changed. */
static void
output_prefix_refresh(const struct fmt_source *src, struct output_prefix *c)
{
	struct buf tmp = BUF_INIT;

	if (c->stamp == out.time_stamp && c->stamp != 0)
		return;
	fmt_line(&tmp, &out.style, src, &out.time, "", 0);
	c->len = tmp.len - 1; /* without the '\n' */
	c->stamp = out.time_stamp;
	if (c->len <= sizeof c->text)
		memcpy(c->text, tmp.data, c->len);
	buf_free(&tmp);
}

/* Queues one line with a cached prefix; the lock is held (output_begin). */
void
output_line_cached(const struct fmt_source *src, struct output_prefix *c,
    const char *text, size_t len)
{
	struct buf *q = &out.queue;

	if (output_discarding())
		return;
	/* JSON carries milliseconds; bare text has no prefix to cache. */
	if (out.style.json || !out.style.prefix) {
		fmt_line(q, &out.style, src, &out.time, text, len);
		return;
	}
	/* Every line goes through here: the call only when it is stale. */
	if (c->stamp != out.time_stamp || c->stamp == 0)
		output_prefix_refresh(src, c);
	if (c->len > sizeof c->text) {
		fmt_line(q, &out.style, src, &out.time, text, len);
		return;
	}
	/* The queue was sized once; growing it is the rare case. */
	if (q->cap - q->len < c->len + len + 2)
		buf_reserve(q, c->len + len + 1);
	memcpy(q->data + q->len, c->text, c->len);
	memcpy(q->data + q->len + c->len, text, len);
	q->len += c->len + len;
	/* The queue is written by length, never read as a string. */
	q->data[q->len++] = '\n';
}

/* Wakes the writer if it sleeps; the lock is held. */
static void
output_wake(void)
{
	uint64_t one = 1;

	if (!out.writer_idle)
		return;
	out.writer_idle = 0;
	/* A full counter (EAGAIN) means a wake-up is pending anyway. */
	if (write(out.wake, &one, sizeof one) == -1 && errno != EAGAIN)
		out.writer_idle = 1;
}

/* Releases the lock, waking the writer if it sleeps; says if congested. */
int
output_end(void)
{
	int congested;

	if (out.queue.len + out.inflight >= OUTPUT_HIGH_WATER && !out.hurry)
		out.congested = 1;
	congested = out.congested;
	if (out.queue.len > 0)
		output_wake();
	pthread_mutex_unlock(&out.lock);
	return congested;
}

/* How many input bytes a source may turn into lines now; see output.h. */
size_t
output_budget(const struct fmt_source *src, struct output_prefix *cache)
{
	size_t used, per_byte, reserve, room;
	struct buf tmp = BUF_INIT;

	pthread_mutex_lock(&out.lock);
	if (!out.running || out.broken || out.hurry) {
		pthread_mutex_unlock(&out.lock);
		return OUTPUT_READ_MAX;
	}
	/*
	 * The worst case: every input byte a newline, each making a line of
	 * its own prefix (or JSON envelope), plus the partial line the source
	 * already holds, which a newline would complete.
	 */
	if (out.style.json) {
		fmt_line(&tmp, &out.style, src, &out.time, "", 0);
		per_byte = tmp.len + OUTPUT_JSON_FACTOR;
		reserve = LINEBUF_MAX * OUTPUT_JSON_FACTOR + tmp.len;
		buf_free(&tmp);
	} else if (out.style.prefix) {
		output_prefix_refresh(src, cache);
		per_byte = cache->len + 2;
		reserve = LINEBUF_MAX + cache->len + 1;
	} else {
		per_byte = 2;
		reserve = LINEBUF_MAX + 1;
	}
	used = out.queue.len + out.inflight + reserve;
	room = used < OUTPUT_CAP ? (OUTPUT_CAP - used) / per_byte : 0;
	if (room > OUTPUT_READ_MAX)
		room = OUTPUT_READ_MAX;
	if (room == 0)
		out.congested = 1;
	pthread_mutex_unlock(&out.lock);
	return room;
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

/* Widens the label column; see output.h. */
void
output_set_width(size_t width)
{
	pthread_mutex_lock(&out.lock);
	out.style.width = width;
	/* Every cached prefix is rebuilt with the new width. */
	out.time_stamp++;
	pthread_mutex_unlock(&out.lock);
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

/* Never makes anyone wait for stdout again; see output.h. */
void
output_hurry(void)
{
	if (!out.running)
		return;
	pthread_mutex_lock(&out.lock);
	out.hurry = 1;
	out.congested = 0;
	pthread_mutex_unlock(&out.lock);
	if (out.ops.resume != NULL)
		out.ops.resume(out.ops.ctx);
}

/* Flushes, joins the writer and closes the async handle. */
void
output_stop(void)
{
	struct timespec ts;

	if (!out.running)
		return;
	pthread_mutex_lock(&out.lock);
	out.stopping = 1;
	output_wake();
	/*
	 * In a hurry, a writer still blocked on a stdout nobody reads after
	 * OUTPUT_HURRY_MS is left behind: the process exits without it.
	 */
	if (out.hurry) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (OUTPUT_HURRY_MS % 1000) * 1000000L;
		ts.tv_sec += OUTPUT_HURRY_MS / 1000 + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		while (!out.finished && pthread_cond_timedwait(&out.done,
		    &out.lock, &ts) != ETIMEDOUT)
			continue;
		if (!out.finished)
			out.abandoned = 1;
	}
	pthread_mutex_unlock(&out.lock);
	out.running = 0;
	if (out.abandoned) {
		/* It touches nothing once it sees `abandoned`. */
		pthread_detach(out.thread);
		uv_close((uv_handle_t *)&out.async, NULL);
		return;
	}
	pthread_join(out.thread, NULL);
	uv_close((uv_handle_t *)&out.async, NULL);
	buf_free(&out.queue);
	buf_free(&out.batch);
	close(out.wake);
	out.wake = -1;
}
