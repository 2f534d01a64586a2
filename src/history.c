/*
 * history.c: a bounded, chunked log history per instance; see history.h.
 */
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "xmalloc.h"

#define HISTORY_FIRST_CHUNK (4 * 1024)
#define HISTORY_CHUNK (64 * 1024)

/*
 * One line as stored: its time, its length, then its bytes. Records are
 * read and written with memcpy, so they need no alignment and follow each
 * other without padding.
 */
struct history_rec {
	uint64_t time_ms;
	uint32_t len;
	uint32_t pad;
};

/* A chunk of whole records; no record spans two chunks. */
struct history_chunk {
	struct history_chunk *next;
	size_t size;   /* bytes of data */
	size_t used;
	size_t text;   /* bytes of text in it, without the records' headers */
	size_t nlines;
	char data[];
};

struct history {
	int refs;
	char *name;
	char *type;
	struct history_chunk *head; /* oldest */
	struct history_chunk *tail; /* newest: lines are appended here */
	size_t bytes;               /* data bytes used in all chunks */
	size_t text;                /* bytes of text in all chunks */
	size_t memory;              /* bytes allocated for chunks */
	size_t nlines;
};

static void (*history_listener)(void *, const struct history *, uint64_t,
    const char *, size_t);
static void *history_listener_ctx;

/* Makes a history; see history.h. */
struct history *
history_new(const char *name, const char *type)
{
	struct history *h;

	h = xcalloc(1, sizeof *h);
	h->refs = 1;
	h->name = xstrdup(name);
	h->type = xstrdup(type);
	return h;
}

/* Takes a reference. */
void
history_ref(struct history *h)
{
	h->refs++;
}

/* Drops a reference; see history.h. */
void
history_unref(struct history *h)
{
	struct history_chunk *c;

	if (h == NULL || --h->refs > 0)
		return;
	while ((c = h->head) != NULL) {
		h->head = c->next;
		free(c);
	}
	free(h->name);
	free(h->type);
	free(h);
}

/* The instance's name. */
const char *
history_name(const struct history *h)
{
	return h->name;
}

/* The instance's type. */
const char *
history_type(const struct history *h)
{
	return h->type;
}

/* Drops the oldest chunk. */
static void
history_drop_oldest(struct history *h)
{
	struct history_chunk *c = h->head;

	h->head = c->next;
	if (h->tail == c)
		h->tail = NULL;
	h->bytes -= c->used;
	h->text -= c->text;
	h->memory -= c->size;
	h->nlines -= c->nlines;
	free(c);
}

/* Appends a line; see history.h. */
void
history_add(struct history *h, uint64_t time_ms, const char *text,
    size_t len)
{
	struct history_chunk *c = h->tail;
	struct history_rec rec;
	size_t need, size;

	if (len > HISTORY_CHUNK)
		len = HISTORY_CHUNK; /* lines are at most 64 KiB anyway */
	need = sizeof rec + len;
	if (c == NULL || c->size - c->used < need) {
		size = c == NULL ? HISTORY_FIRST_CHUNK : c->size * 2;
		if (size > HISTORY_CHUNK)
			size = HISTORY_CHUNK;
		if (size < need)
			size = need;
		c = xmalloc(sizeof *c + size);
		c->next = NULL;
		c->size = size;
		c->used = 0;
		c->text = 0;
		c->nlines = 0;
		if (h->tail != NULL)
			h->tail->next = c;
		else
			h->head = c;
		h->tail = c;
		h->memory += size;
		/*
		 * The oldest chunk goes once the others hold HISTORY_BYTES of
		 * text without it. Counting the 16-byte record headers too
		 * would keep less text than that (83% for lines of 80 bytes);
		 * counting only text would let empty lines take memory without
		 * end, so the records are bounded at twice HISTORY_BYTES, which
		 * comes first only for lines of under 16 bytes.
		 */
		while (h->head != c &&
		    (h->text - h->head->text >= HISTORY_BYTES ||
		    h->bytes - h->head->used >= 2 * HISTORY_BYTES))
			history_drop_oldest(h);
	}
	rec.time_ms = time_ms;
	rec.len = (uint32_t)len;
	rec.pad = 0;
	memcpy(c->data + c->used, &rec, sizeof rec);
	memcpy(c->data + c->used + sizeof rec, text, len);
	c->used += need;
	c->text += len;
	c->nlines++;
	h->bytes += need;
	h->text += len;
	h->nlines++;
	if (history_listener != NULL)
		history_listener(history_listener_ctx, h, time_ms, text, len);
}

/* Counts lines. */
size_t
history_lines(const struct history *h)
{
	return h->nlines;
}

/* Counts memory. */
size_t
history_memory(const struct history *h)
{
	return h->memory + sizeof *h;
}

/* A position in a history: a chunk and an offset in it. */
struct history_pos {
	const struct history_chunk *c;
	size_t off;
};

/* Moves pos to the first of the last n lines. */
static void
history_seek(const struct history *h, size_t n, struct history_pos *pos)
{
	size_t skip = h->nlines > n ? h->nlines - n : 0;
	struct history_rec rec;

	pos->c = h->head;
	pos->off = 0;
	while (pos->c != NULL && skip >= pos->c->nlines) {
		skip -= pos->c->nlines;
		pos->c = pos->c->next;
	}
	while (pos->c != NULL && skip-- > 0) {
		memcpy(&rec, pos->c->data + pos->off, sizeof rec);
		pos->off += sizeof rec + rec.len;
	}
}

/*
 * Reads the record at pos and moves past it; returns 0, or -1 at the end.
 */
static int
history_next(struct history_pos *pos, struct history_rec *rec,
    const char **text)
{
	while (pos->c != NULL && pos->off >= pos->c->used) {
		pos->c = pos->c->next;
		pos->off = 0;
	}
	if (pos->c == NULL)
		return -1;
	memcpy(rec, pos->c->data + pos->off, sizeof *rec);
	*text = pos->c->data + pos->off + sizeof *rec;
	pos->off += sizeof *rec + rec->len;
	return 0;
}

/* Walks the last n lines; see history.h. */
size_t
history_tail(const struct history *h, size_t n,
    void (*fn)(void *arg, uint64_t time_ms, const char *text, size_t len),
    void *arg)
{
	struct history_pos pos;
	struct history_rec rec;
	const char *text;
	size_t k = 0;

	history_seek(h, n, &pos);
	while (history_next(&pos, &rec, &text) == 0) {
		fn(arg, rec.time_ms, text, rec.len);
		k++;
	}
	return k;
}

/* Walks the last n lines of several, merged by time; see history.h. */
size_t
history_tail_merged(struct history *const *v, size_t nv, size_t n,
    void (*fn)(void *arg, const struct history *h, uint64_t time_ms,
    const char *text, size_t len), void *arg)
{
	struct history_pos *pos;
	struct history_rec *rec;
	const char **text;
	int *more;
	size_t i, best, total = 0, skip, k = 0;

	if (nv == 0)
		return 0;
	pos = xcalloc(nv, sizeof *pos);
	rec = xcalloc(nv, sizeof *rec);
	text = xcalloc(nv, sizeof *text);
	more = xcalloc(nv, sizeof *more);
	/* Each holds at most its own last n; of those, the last n overall. */
	for (i = 0; i < nv; i++) {
		history_seek(v[i], n, &pos[i]);
		total += v[i]->nlines < n ? v[i]->nlines : n;
		more[i] = history_next(&pos[i], &rec[i], &text[i]) == 0;
	}
	skip = total > n ? total - n : 0;
	for (;;) {
		best = nv;
		for (i = 0; i < nv; i++) {
			if (more[i] && (best == nv ||
			    rec[i].time_ms < rec[best].time_ms))
				best = i;
		}
		if (best == nv)
			break;
		if (skip > 0)
			skip--;
		else {
			fn(arg, v[best], rec[best].time_ms, text[best],
			    rec[best].len);
			k++;
		}
		more[best] = history_next(&pos[best], &rec[best],
		    &text[best]) == 0;
	}
	free(pos);
	free(rec);
	free(text);
	free(more);
	return k;
}

/* Sets the listener; see history.h. */
void
history_listen(void (*fn)(void *ctx, const struct history *h,
    uint64_t time_ms, const char *text, size_t len), void *ctx)
{
	history_listener = fn;
	history_listener_ctx = ctx;
}
