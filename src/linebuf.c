/*
 * linebuf.c: assembles lines from a byte stream (SPEC section 5).
 *
 * This sits on the hot path of the log multiplexer, so complete lines are
 * emitted straight from the caller's data and found with memchr; only the
 * trailing partial line of a chunk is copied into pending. The pending
 * memory is freed whenever it empties, so an idle linebuf owns nothing.
 *
 * A line longer than max is cut into pieces of exactly max bytes. After
 * such a forced cut, split is set: a '\n' arriving right after it ends the
 * line that was just cut and is eaten, so a line of exactly k * max bytes
 * gives k pieces and never an extra empty one. With chars set, a piece
 * whose last bytes begin a UTF-8 character ends before them instead, and
 * they begin the next piece (no split then: nothing was cut at a line end).
 */
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "xmalloc.h"

/* The first allocation for a partial line; it grows by doubling. */
#define LINEBUF_MIN_CAP 256

/* Starts an empty linebuf; see linebuf.h. */
void
linebuf_init(struct linebuf *lb, size_t max)
{
	lb->pending = NULL;
	lb->len = 0;
	lb->cap = 0;
	lb->max = max == 0 ? LINEBUF_MAX : max;
	lb->split = 0;
	lb->chars = 0;
}

/*
 * Where to cut a piece of max bytes at p: max, or with chars set, the start
 * of a UTF-8 sequence that the last bytes begin but do not complete.
 */
static size_t
linebuf_cut(const struct linebuf *lb, const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i, need;

	if (!lb->chars)
		return lb->max;
	for (i = 1; i <= 3 && i < lb->max; i++) {
		if ((u[lb->max - i] & 0xc0) == 0x80)
			continue;
		if (u[lb->max - i] < 0xc0)
			break;
		need = u[lb->max - i] >= 0xf0 ? 4 : u[lb->max - i] >= 0xe0 ?
		    3 : 2;
		return need > i ? lb->max - i : lb->max;
	}
	return lb->max;
}

/* Releases pending once its content has been emitted. */
static void
linebuf_clear(struct linebuf *lb)
{
	free(lb->pending);
	lb->pending = NULL;
	lb->len = 0;
	lb->cap = 0;
}

/*
 * Appends n bytes to pending. The caller guarantees that len + n never
 * exceeds max, so the doubling stops at max.
 */
static void
linebuf_append(struct linebuf *lb, const char *p, size_t n)
{
	size_t want, cap;

	want = lb->len + n;
	if (want > lb->cap) {
		cap = lb->cap == 0 ? LINEBUF_MIN_CAP : lb->cap;
		while (cap < want)
			cap *= 2;
		if (cap > lb->max)
			cap = lb->max;
		lb->pending = xreallocarray(lb->pending, cap, 1);
		lb->cap = cap;
	}
	memcpy(lb->pending + lb->len, p, n);
	lb->len = want;
}

/*
 * Completes the pending partial line from p (n bytes available) and
 * returns how many bytes of p were consumed. The pending line ends at a
 * '\n' (consumed, not emitted) or when it reaches max bytes (a forced cut).
 */
static size_t
linebuf_complete(struct linebuf *lb, const char *p, size_t n,
    linebuf_emit_fn emit, void *ctx)
{
	const char *nl;
	size_t room, take, cut;

	room = lb->max - lb->len;
	take = n < room ? n : room;
	if ((nl = memchr(p, '\n', take)) != NULL) {
		take = (size_t)(nl - p);
		linebuf_append(lb, p, take);
		emit(ctx, lb->pending, lb->len);
		linebuf_clear(lb);
		return take + 1;
	}
	linebuf_append(lb, p, take);
	if (lb->len == lb->max) {
		cut = linebuf_cut(lb, lb->pending);
		emit(ctx, lb->pending, cut);
		if (cut < lb->max) {
			/* The torn character starts the next piece. */
			memmove(lb->pending, lb->pending + cut, lb->max - cut);
			lb->len = lb->max - cut;
			return take;
		}
		linebuf_clear(lb);
		lb->split = 1;
	}
	return take;
}

/* Feeds len bytes, emitting every complete line; see linebuf.h. */
void
linebuf_feed(struct linebuf *lb, const char *data, size_t len,
    linebuf_emit_fn emit, void *ctx)
{
	const char *p, *end, *nl;
	size_t n, scan, cut;

	p = data;
	end = data + len;
	while (p < end) {
		if (lb->split) {
			lb->split = 0;
			if (*p == '\n') {
				p++;
				continue;
			}
		}
		if (lb->len != 0) {
			p += linebuf_complete(lb, p, (size_t)(end - p), emit,
			    ctx);
			continue;
		}

		/* Nothing pending: lines come straight from data. */
		n = (size_t)(end - p);
		scan = n < lb->max ? n : lb->max;
		if ((nl = memchr(p, '\n', scan)) != NULL) {
			emit(ctx, p, (size_t)(nl - p));
			p = nl + 1;
		} else if (n >= lb->max) {
			cut = linebuf_cut(lb, p);
			emit(ctx, p, cut);
			p += cut;
			lb->split = cut == lb->max;
		} else {
			linebuf_append(lb, p, n);
			p = end;
		}
	}
}

/* Emits the partial line, if any; see linebuf.h. */
void
linebuf_flush(struct linebuf *lb, linebuf_emit_fn emit, void *ctx)
{
	/*
	 * The newline added here stands for the one still to come: set split
	 * so that, if it does come next, it is eaten rather than written as
	 * an empty line.
	 */
	if (lb->len != 0) {
		emit(ctx, lb->pending, lb->len);
		linebuf_clear(lb);
		lb->split = 1;
	}
}

/* Emits the partial line but a torn last character; see linebuf.h. */
void
linebuf_flush_held(struct linebuf *lb, linebuf_emit_fn emit, void *ctx)
{
	const unsigned char *u = (const unsigned char *)lb->pending;
	size_t i, need, tail = 0;

	for (i = 1; lb->chars && i <= 3 && i <= lb->len; i++) {
		if ((u[lb->len - i] & 0xc0) == 0x80)
			continue;
		if (u[lb->len - i] >= 0xc0) {
			need = u[lb->len - i] >= 0xf0 ? 4 :
			    u[lb->len - i] >= 0xe0 ? 3 : 2;
			tail = need > i ? i : 0;
		}
		break;
	}
	if (tail == 0) {
		linebuf_flush(lb, emit, ctx);
		return;
	}
	if (lb->len == tail)
		return;
	/* The rest of the character comes later and starts the next line. */
	emit(ctx, lb->pending, lb->len - tail);
	memmove(lb->pending, lb->pending + lb->len - tail, tail);
	lb->len = tail;
}

/* Returns 1 when a partial line is held; see linebuf.h. */
int
linebuf_has_partial(const struct linebuf *lb)
{
	return lb->len != 0;
}

/* Frees what lb owns; see linebuf.h. */
void
linebuf_free(struct linebuf *lb)
{
	linebuf_clear(lb);
	lb->split = 0;
}
