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
 * Lines are stored in blocks: the lines of one millisecond (usually those
 * of one read) after one header, each ending in '\n' (a logged line never
 * holds one). Appending to the open block is one memcpy, which keeps the
 * history cheap on the log's hot path. Headers are read and written with
 * memcpy, so blocks need no alignment.
 */
struct history_block {
	uint64_t time_ms;
	uint32_t len;    /* bytes of lines, their '\n' included */
	uint32_t nlines;
};

/* A chunk of whole blocks; no block spans two chunks. */
struct history_chunk {
	struct history_chunk *next;
	size_t size;   /* bytes of data */
	size_t used;
	size_t text;   /* bytes of text in it, without headers and '\n' */
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
	struct history_block open;  /* the tail chunk's last block, */
	size_t open_off;            /* at this offset in it */
	int is_open;
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

/* Makes room for need bytes at the tail: a new chunk, maybe dropping. */
static struct history_chunk *
history_room(struct history *h, size_t need)
{
	struct history_chunk *c = h->tail;
	size_t size;

	if (c != NULL && c->size - c->used >= need)
		return c;
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
	h->is_open = 0;
	/*
	 * The oldest chunk goes once the others hold HISTORY_BYTES of text
	 * without it. Counting headers and newlines too would keep less text
	 * than that; counting only text would let empty lines take memory
	 * without end, so the data is bounded at twice HISTORY_BYTES, which
	 * comes first only for very short lines.
	 */
	while (h->head != c && (h->text - h->head->text >= HISTORY_BYTES ||
	    h->bytes - h->head->used >= 2 * HISTORY_BYTES))
		history_drop_oldest(h);
	return c;
}

/* Appends a line; see history.h. */
void
history_add(struct history *h, uint64_t time_ms, const char *text,
    size_t len)
{
	struct history_chunk *c = h->tail;

	if (len > HISTORY_CHUNK)
		len = HISTORY_CHUNK; /* lines are at most 64 KiB anyway */
	if (!h->is_open || h->open.time_ms != time_ms ||
	    c->size - c->used < len + 1) {
		c = history_room(h, sizeof h->open + len + 1);
		h->open.time_ms = time_ms;
		h->open.len = 0;
		h->open.nlines = 0;
		h->open_off = c->used;
		h->is_open = 1;
		c->used += sizeof h->open;
		h->bytes += sizeof h->open;
	}
	memcpy(c->data + c->used, text, len);
	c->data[c->used + len] = '\n';
	c->used += len + 1;
	c->text += len;
	c->nlines++;
	h->bytes += len + 1;
	h->text += len;
	h->nlines++;
	h->open.len += (uint32_t)len + 1;
	h->open.nlines++;
	memcpy(c->data + h->open_off, &h->open, sizeof h->open);
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

/*
 * A position in a history: a chunk, the block at blk in it (its header in
 * block), and the next line at off.
 */
struct history_pos {
	const struct history_chunk *c;
	size_t blk, off;
	struct history_block block;
};

/* Reads the header of the block at pos->blk of pos->c. */
static void
history_load(struct history_pos *pos)
{
	memcpy(&pos->block, pos->c->data + pos->blk, sizeof pos->block);
	pos->off = pos->blk + sizeof pos->block;
}

/* Moves pos to the first of the last n lines. */
static void
history_seek(const struct history *h, size_t n, struct history_pos *pos)
{
	size_t skip = h->nlines > n ? h->nlines - n : 0;
	const char *nl;

	pos->c = h->head;
	pos->blk = 0;
	while (pos->c != NULL && skip >= pos->c->nlines) {
		skip -= pos->c->nlines;
		pos->c = pos->c->next;
	}
	if (pos->c == NULL)
		return;
	history_load(pos);
	while (skip >= pos->block.nlines) {
		skip -= pos->block.nlines;
		pos->blk += sizeof pos->block + pos->block.len;
		history_load(pos);
	}
	while (skip-- > 0) {
		nl = memchr(pos->c->data + pos->off, '\n', pos->c->used -
		    pos->off);
		pos->off = (size_t)(nl - pos->c->data) + 1;
	}
}

/*
 * Reads the line at pos and moves past it; returns 0, or -1 at the end.
 */
static int
history_next(struct history_pos *pos, uint64_t *time_ms, const char **text,
    size_t *len)
{
	const char *nl;

	while (pos->c != NULL && pos->off >= pos->blk + sizeof pos->block +
	    pos->block.len) {
		pos->blk = pos->off;
		if (pos->blk >= pos->c->used) {
			pos->c = pos->c->next;
			pos->blk = 0;
		}
		if (pos->c != NULL)
			history_load(pos);
	}
	if (pos->c == NULL)
		return -1;
	*text = pos->c->data + pos->off;
	nl = memchr(*text, '\n', pos->c->used - pos->off);
	*len = (size_t)(nl - *text);
	*time_ms = pos->block.time_ms;
	pos->off += *len + 1;
	return 0;
}

/* Walks the last n lines; see history.h. */
size_t
history_tail(const struct history *h, size_t n,
    void (*fn)(void *arg, uint64_t time_ms, const char *text, size_t len),
    void *arg)
{
	struct history_pos pos;
	const char *text;
	uint64_t t;
	size_t k = 0, len;

	history_seek(h, n, &pos);
	while (history_next(&pos, &t, &text, &len) == 0) {
		fn(arg, t, text, len);
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
	uint64_t *t;
	const char **text;
	size_t *len;
	int *more;
	size_t i, best, total = 0, skip, k = 0;

	if (nv == 0)
		return 0;
	pos = xcalloc(nv, sizeof *pos);
	t = xcalloc(nv, sizeof *t);
	text = xcalloc(nv, sizeof *text);
	len = xcalloc(nv, sizeof *len);
	more = xcalloc(nv, sizeof *more);
	/* Each holds at most its own last n; of those, the last n overall. */
	for (i = 0; i < nv; i++) {
		history_seek(v[i], n, &pos[i]);
		total += v[i]->nlines < n ? v[i]->nlines : n;
		more[i] = history_next(&pos[i], &t[i], &text[i], &len[i]) == 0;
	}
	skip = total > n ? total - n : 0;
	for (;;) {
		best = nv;
		for (i = 0; i < nv; i++) {
			if (more[i] && (best == nv || t[i] < t[best]))
				best = i;
		}
		if (best == nv)
			break;
		if (skip > 0)
			skip--;
		else {
			fn(arg, v[best], t[best], text[best], len[best]);
			k++;
		}
		more[best] = history_next(&pos[best], &t[best], &text[best],
		    &len[best]) == 0;
	}
	free(pos);
	free(t);
	free(text);
	free(len);
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
