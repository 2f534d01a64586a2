/*
 * fuzz_linebuf.c: feeds linebuf arbitrary chunks and checks what comes out.
 *
 * Input layout: the first byte picks max (1 to 16). Then each control byte
 * is either 0xff, a flush (as after the 1 s timeout), or a chunk length
 * (its value modulo 64) followed by that many bytes of data. Every piece
 * is checked as it is emitted (no longer than max, no '\n'), the bytes
 * other than '\n' must come out exactly once and in order, and the pieces
 * must match a one-byte-at-a-time reference. Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "linebuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The pieces one side emitted, each as its length then its bytes. */
struct fuzz_out {
	struct buf pieces;
	size_t max;
};

/* Records a piece after checking it on its own. */
static void
fuzz_emit(void *ctx, const char *line, size_t len)
{
	struct fuzz_out *o = ctx;

	if (line == NULL || len > o->max || memchr(line, '\n', len) != NULL)
		abort();
	buf_add(&o->pieces, &len, sizeof len);
	buf_add(&o->pieces, line, len);
}

/* The reference splitter's state: the line so far and the split flag. */
struct fuzz_ref {
	char cur[16];
	size_t n;
	int split;
};

/* Feeds the reference one byte at a time. */
static void
fuzz_ref_feed(struct fuzz_ref *r, const char *p, size_t len,
    struct fuzz_out *o)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (r->split && p[i] == '\n') {
			r->split = 0;
			continue;
		}
		r->split = 0;
		if (p[i] == '\n') {
			fuzz_emit(o, r->cur, r->n);
			r->n = 0;
			continue;
		}
		r->cur[r->n++] = p[i];
		if (r->n == o->max) {
			fuzz_emit(o, r->cur, r->n);
			r->n = 0;
			r->split = 1;
		}
	}
}

/* Flushes the reference. */
static void
fuzz_ref_flush(struct fuzz_ref *r, struct fuzz_out *o)
{
	/* A flushed line's own newline, if it comes next, is eaten. */
	if (r->n > 0) {
		fuzz_emit(o, r->cur, r->n);
		r->split = 1;
	}
	r->n = 0;
}

/* Checks the bookkeeping a linebuf must keep between calls. */
static void
fuzz_check_state(const struct linebuf *lb)
{
	if (lb->len >= lb->max || lb->cap > lb->max || lb->len > lb->cap)
		abort();
	if ((lb->len == 0) != (lb->pending == NULL))
		abort();
	if (linebuf_has_partial(lb) != (lb->len != 0))
		abort();
}

/* Returns the bytes of the pieces in o, concatenated, in b. */
static void
fuzz_concat(const struct fuzz_out *o, struct buf *b)
{
	size_t off = 0, len;

	while (off < o->pieces.len) {
		memcpy(&len, o->pieces.data + off, sizeof len);
		off += sizeof len;
		buf_add(b, o->pieces.data + off, len);
		off += len;
	}
}

/* Runs one input through linebuf and the reference; aborts on a mismatch. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linebuf lb;
	struct fuzz_ref ref = { { 0 }, 0, 0 };
	struct fuzz_out got = { BUF_INIT, 0 }, want = { BUF_INIT, 0 };
	struct buf in = BUF_INIT, out = BUF_INIT;
	const char *p;
	size_t i, j, n;

	if (size == 0)
		return 0;
	linebuf_init(&lb, 1 + data[0] % 16);
	got.max = want.max = lb.max;
	for (i = 1; i < size; i += n) {
		if (data[i] == 0xff) {
			linebuf_flush(&lb, fuzz_emit, &got);
			fuzz_ref_flush(&ref, &want);
			if (lb.split != ref.split || lb.pending != NULL)
				abort();
			n = 1;
			continue;
		}
		n = data[i++] % 64;
		if (n > size - i)
			n = size - i;
		p = (const char *)data + i;
		linebuf_feed(&lb, p, n, fuzz_emit, &got);
		fuzz_ref_feed(&ref, p, n, &want);
		fuzz_check_state(&lb);
		for (j = 0; j < n; j++) {
			if (p[j] != '\n')
				buf_addc(&in, p[j]);
		}
	}
	linebuf_flush(&lb, fuzz_emit, &got);
	fuzz_ref_flush(&ref, &want);
	if (lb.pending != NULL || lb.len != 0 || lb.cap != 0)
		abort();

	/* Every byte but '\n' comes out once, in order, nothing added. */
	fuzz_concat(&got, &out);
	if (out.len != in.len || (in.len > 0 &&
	    memcmp(out.data, in.data, in.len) != 0))
		abort();
	/* The pieces themselves match the reference. */
	if (got.pieces.len != want.pieces.len || (got.pieces.len > 0 &&
	    memcmp(got.pieces.data, want.pieces.data, got.pieces.len) != 0))
		abort();

	linebuf_free(&lb);
	buf_free(&got.pieces);
	buf_free(&want.pieces);
	buf_free(&in);
	buf_free(&out);
	return 0;
}
