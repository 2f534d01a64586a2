/*
 * test_linebuf.c: unit tests for linebuf.c.
 *
 * Most tests compare what linebuf emits against a reference splitter that
 * handles one byte at a time, which is slow but obviously right, so chunk
 * boundaries anywhere can be checked against it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "xmalloc.h"

/* The lines one linebuf (or the reference) emitted, each copied. */
struct lines {
	char **line;
	size_t *len;
	size_t n;
	size_t cap;
	const char *lo; /* the caller's data, to see where lines point */
	const char *hi;
	size_t direct;  /* lines that pointed into [lo, hi) */
};

/* Appends one line to l. */
static void
lines_add(struct lines *l, const char *p, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->line = xreallocarray(l->line, l->cap, sizeof *l->line);
		l->len = xreallocarray(l->len, l->cap, sizeof *l->len);
	}
	l->line[l->n] = xmalloc(len + 1);
	memcpy(l->line[l->n], p, len);
	l->line[l->n][len] = '\0';
	l->len[l->n] = len;
	l->n++;
}

/* The emit callback: records the line and whether it was zero-copy. */
static void
collect(void *ctx, const char *line, size_t len)
{
	struct lines *l = ctx;

	assert_non_null(line);
	if (l->lo != NULL && line >= l->lo && line < l->hi)
		l->direct++;
	lines_add(l, line, len);
}

/* Frees what l holds. */
static void
lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	free(l->len);
	memset(l, 0, sizeof *l);
}

/* Asserts that two runs emitted the same lines. */
static void
lines_equal(const struct lines *a, const struct lines *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->line[i], b->line[i], a->len[i]);
	}
}

/* Asserts the exact lines emitted, given as NUL-terminated strings. */
static void
lines_expect(const struct lines *l, size_t n, const char **want)
{
	size_t i;

	assert_int_equal(l->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(l->len[i], strlen(want[i]));
		assert_memory_equal(l->line[i], want[i], l->len[i]);
	}
}

/*
 * The reference: one byte at a time, a '\n' ends a line, max bytes force a
 * cut, and a '\n' right after a cut is eaten. Flushes at the end if flush.
 */
static void
reference(const char *p, size_t len, size_t max, int flush, struct lines *out)
{
	char *cur;
	size_t n = 0, i;
	int split = 0;

	cur = xmalloc(max);
	for (i = 0; i < len; i++) {
		if (split && p[i] == '\n') {
			split = 0;
			continue;
		}
		split = 0;
		if (p[i] == '\n') {
			lines_add(out, cur, n);
			n = 0;
			continue;
		}
		cur[n++] = p[i];
		if (n == max) {
			lines_add(out, cur, n);
			n = 0;
			split = 1;
		}
	}
	if (flush && n > 0)
		lines_add(out, cur, n);
	free(cur);
}

/* Asserts that lb holds no memory. */
static void
assert_empty(const struct linebuf *lb)
{
	assert_null(lb->pending);
	assert_int_equal(lb->len, 0);
	assert_int_equal(lb->cap, 0);
	assert_int_equal(linebuf_has_partial(lb), 0);
}

/* A text with short, empty, long and CR-ended lines and a partial tail. */
static const char sample[] =
    "web started\n\nline two\r\nabcdefghijklmnopqrstuvwxyz\n"
    "0123456789abcdef\n01234567\n012345678\n\n\n"
    "x\n0123456789012345678901234567890123456789\npartial tail";

/* Lines of the sample split with max = 8, partial tail flushed. */
static void
sample_reference(size_t max, struct lines *out)
{
	reference(sample, sizeof sample - 1, max, 1, out);
}

/* Complete lines with nothing pending are emitted from the caller's data. */
static void
test_simple_lines(void **state)
{
	static const char in[] = "a\nbb\n\nccc\n";
	const char *want[] = { "a", "bb", "", "ccc" };
	struct linebuf lb;
	struct lines got = { 0 };

	linebuf_init(&lb, 0);
	assert_int_equal(lb.max, LINEBUF_MAX);
	got.lo = in;
	got.hi = in + sizeof in - 1;
	linebuf_feed(&lb, in, sizeof in - 1, collect, &got);
	lines_expect(&got, 4, want);
	assert_int_equal(got.direct, 4);
	assert_empty(&lb);
	linebuf_flush(&lb, collect, &got);
	assert_int_equal(got.n, 4);
	linebuf_free(&lb);
	lines_free(&got);
}

/* CR, NUL and high bytes pass through unchanged. */
static void
test_bytes_unchanged(void **state)
{
	static const char in[] = "a\r\n\0b\xff\r\n\r\r\n";
	struct linebuf lb;
	struct lines got = { 0 };

	linebuf_init(&lb, 0);
	linebuf_feed(&lb, in, sizeof in - 1, collect, &got);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.len[0], 2);
	assert_memory_equal(got.line[0], "a\r", 2);
	assert_int_equal(got.len[1], 4);
	assert_memory_equal(got.line[1], "\0b\xff\r", 4);
	assert_int_equal(got.len[2], 2);
	assert_memory_equal(got.line[2], "\r\r", 2);
	linebuf_free(&lb);
	lines_free(&got);
}

/* Empty lines are emitted as empty lines, also across chunks. */
static void
test_empty_lines(void **state)
{
	const char *want[] = { "", "", "a", "", "" };
	struct linebuf lb;
	struct lines got = { 0 };

	linebuf_init(&lb, 4);
	linebuf_feed(&lb, "\n\na", 3, collect, &got);
	linebuf_feed(&lb, "\n", 1, collect, &got);
	linebuf_feed(&lb, "\n", 1, collect, &got);
	linebuf_feed(&lb, "\n", 1, collect, &got);
	linebuf_feed(&lb, "", 0, collect, &got);
	lines_expect(&got, 5, want);
	assert_empty(&lb);
	linebuf_free(&lb);
	lines_free(&got);
}

/*
 * With chars set, a cut that would fall inside a UTF-8 character moves back
 * to its start, whatever the chunks; without it, pieces are exactly max.
 */
static void
test_cut_between_chars(void **state)
{
	static const char in[] = "abcdefg\xc3\xa9xyz\nabcde\xf0\x9f\x98\x80"
	    "xyz\nabcdef\xc3\xa9\n";
	const char *chars[] = { "abcdefg", "\xc3\xa9xyz", "abcde",
	    "\xf0\x9f\x98\x80xyz", "abcdef\xc3\xa9" };
	const char *bytes[] = { "abcdefg\xc3", "\xa9xyz", "abcde\xf0\x9f\x98",
	    "\x80xyz", "abcdef\xc3\xa9" };
	struct linebuf lb;
	struct lines got;
	size_t cut, len = sizeof in - 1;
	int mode;

	for (mode = 0; mode < 2; mode++)
		for (cut = 0; cut <= len; cut++) {
			memset(&got, 0, sizeof got);
			linebuf_init(&lb, 8);
			lb.chars = mode;
			linebuf_feed(&lb, in, cut, collect, &got);
			linebuf_feed(&lb, in + cut, len - cut, collect, &got);
			lines_expect(&got, 5, mode ? chars : bytes);
			assert_empty(&lb);
			linebuf_free(&lb);
			lines_free(&got);
		}
}

/*
 * The 1 s flush with chars set keeps a character that has not ended yet:
 * it begins the rest of the line; without chars, everything is written.
 */
static void
test_flush_held(void **state)
{
	const char *chars[] = { "caf", "\xc3\xa9 ok", "x" };
	const char *bytes[] = { "caf\xc3", "\xa9 ok", "x" };
	struct linebuf lb;
	struct lines got;
	int mode;

	for (mode = 0; mode < 2; mode++) {
		memset(&got, 0, sizeof got);
		linebuf_init(&lb, 0);
		lb.chars = mode;
		linebuf_feed(&lb, "caf\xc3", 4, collect, &got);
		linebuf_flush_held(&lb, collect, &got);
		/* Only a torn character held: nothing more to write yet. */
		linebuf_flush_held(&lb, collect, &got);
		linebuf_feed(&lb, "\xa9 ok\nx", 6, collect, &got);
		linebuf_flush(&lb, collect, &got);
		lines_expect(&got, 3, mode ? chars : bytes);
		assert_empty(&lb);
		linebuf_free(&lb);
		lines_free(&got);
	}
}

/* Feeding one byte at a time gives the reference split. */
static void
test_byte_by_byte(void **state)
{
	size_t maxes[] = { 1, 2, 3, 7, 8, 9, 64, 0 };
	struct linebuf lb;
	struct lines got, want;
	size_t i, m;

	for (m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
		memset(&got, 0, sizeof got);
		memset(&want, 0, sizeof want);
		linebuf_init(&lb, maxes[m]);
		for (i = 0; i < sizeof sample - 1; i++)
			linebuf_feed(&lb, sample + i, 1, collect, &got);
		/* The tail "partial tail" is 12 bytes long. */
		assert_int_equal(linebuf_has_partial(&lb), 12 % lb.max != 0);
		linebuf_flush(&lb, collect, &got);
		assert_empty(&lb);
		sample_reference(lb.max, &want);
		lines_equal(&got, &want);
		linebuf_free(&lb);
		lines_free(&got);
		lines_free(&want);
	}
}

/* A cut between any two bytes gives the reference split. */
static void
test_every_boundary(void **state)
{
	size_t maxes[] = { 1, 5, 8, 16, 0 };
	struct linebuf lb;
	struct lines got, want;
	size_t i, m, len = sizeof sample - 1;

	for (m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
		memset(&want, 0, sizeof want);
		linebuf_init(&lb, maxes[m]);
		sample_reference(lb.max, &want);
		for (i = 0; i <= len; i++) {
			memset(&got, 0, sizeof got);
			linebuf_feed(&lb, sample, i, collect, &got);
			linebuf_feed(&lb, sample + i, len - i, collect, &got);
			linebuf_flush(&lb, collect, &got);
			assert_empty(&lb);
			lines_equal(&got, &want);
			lines_free(&got);
		}
		linebuf_free(&lb);
		lines_free(&want);
	}
}

/* Random chunk sizes (a fixed seed, so runs repeat) give the reference. */
static void
test_random_chunks(void **state)
{
	struct linebuf lb;
	struct lines got, want;
	size_t len = sizeof sample - 1, off, n, max;
	unsigned int seed = 12345;
	int round;

	for (round = 0; round < 2000; round++) {
		seed = seed * 1103515245 + 12345;
		max = 1 + (seed >> 16) % 20;
		memset(&got, 0, sizeof got);
		memset(&want, 0, sizeof want);
		linebuf_init(&lb, max);
		for (off = 0; off < len; off += n) {
			seed = seed * 1103515245 + 12345;
			n = (seed >> 16) % 24;
			if (n > len - off)
				n = len - off;
			linebuf_feed(&lb, sample + off, n, collect, &got);
			assert_true(lb.cap <= max);
			assert_true(lb.len < max);
		}
		linebuf_flush(&lb, collect, &got);
		reference(sample, len, max, 1, &want);
		lines_equal(&got, &want);
		linebuf_free(&lb);
		lines_free(&got);
		lines_free(&want);
	}
}

/* Feeds s in one call and in two halves; both must match want. */
static void
check_split(size_t max, const char *s, size_t n, const char **want)
{
	struct linebuf lb;
	struct lines got = { 0 };
	size_t len = strlen(s);

	linebuf_init(&lb, max);
	linebuf_feed(&lb, s, len, collect, &got);
	linebuf_flush(&lb, collect, &got);
	lines_expect(&got, n, want);
	lines_free(&got);
	linebuf_feed(&lb, s, len / 2, collect, &got);
	linebuf_feed(&lb, s + len / 2, len - len / 2, collect, &got);
	linebuf_flush(&lb, collect, &got);
	lines_expect(&got, n, want);
	lines_free(&got);
	assert_empty(&lb);
	linebuf_free(&lb);
}

/* Lines of exactly max, max + 1, 2 * max and 2 * max + '\n' bytes. */
static void
test_long_lines(void **state)
{
	const char *w1[] = { "abcd", "z" };
	const char *w2[] = { "abcd", "e", "z" };
	const char *w3[] = { "abcd", "efgh", "z" };
	const char *w4[] = { "abcd", "efgh" };
	const char *w5[] = { "abcd", "", "z" };
	const char *w6[] = { "abcd", "efgh", "ij" };

	check_split(4, "abcd\nz\n", 2, w1);
	check_split(4, "abcde\nz\n", 3, w2);
	check_split(4, "abcdefgh\nz\n", 3, w3);
	check_split(4, "abcdefgh", 2, w4);
	check_split(4, "abcdefgh\n", 2, w4);
	/* Only the first '\n' after a cut is eaten. */
	check_split(4, "abcd\n\nz\n", 3, w5);
	check_split(4, "abcdefghij", 3, w6);
}

/* The same at the real limit, fed the way a pipe would deliver it. */
static void
test_long_lines_default(void **state)
{
	struct linebuf lb;
	struct lines got = { 0 };
	char *big;
	size_t len = 2 * LINEBUF_MAX + 1, off, n;

	big = xmalloc(len + 5);
	memset(big, 'x', len);
	big[LINEBUF_MAX] = 'y';
	memcpy(big + len, "\nok\n", 4);

	/* 2 * max + 1 bytes, then "ok": three pieces and "ok". */
	linebuf_init(&lb, 0);
	for (off = 0; off < len + 4; off += n) {
		n = len + 4 - off < 4096 ? len + 4 - off : 4096;
		linebuf_feed(&lb, big + off, n, collect, &got);
	}
	assert_int_equal(got.n, 4);
	assert_int_equal(got.len[0], LINEBUF_MAX);
	assert_int_equal(got.len[1], LINEBUF_MAX);
	assert_int_equal(got.line[1][0], 'y');
	assert_int_equal(got.len[2], 1);
	assert_string_equal(got.line[3], "ok");
	assert_empty(&lb);
	lines_free(&got);

	/* Exactly 2 * max then '\n' in one chunk: two pieces, no empty one. */
	big[2 * LINEBUF_MAX] = '\n';
	linebuf_feed(&lb, big, 2 * LINEBUF_MAX + 1, collect, &got);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.len[0], LINEBUF_MAX);
	assert_int_equal(got.len[1], LINEBUF_MAX);
	assert_empty(&lb);
	linebuf_free(&lb);
	lines_free(&got);
	free(big);
}

/* Flush emits a partial line once; with nothing held it emits nothing. */
static void
test_flush(void **state)
{
	const char *want[] = { "abc", "def", "g" };
	struct linebuf lb;
	struct lines got = { 0 };

	linebuf_init(&lb, 8);
	linebuf_flush(&lb, collect, &got);
	assert_int_equal(got.n, 0);
	linebuf_feed(&lb, "abc", 3, collect, &got);
	assert_int_equal(got.n, 0);
	assert_int_equal(linebuf_has_partial(&lb), 1);
	linebuf_flush(&lb, collect, &got);
	assert_empty(&lb);
	linebuf_flush(&lb, collect, &got);
	assert_int_equal(got.n, 1);
	linebuf_feed(&lb, "def\ng", 5, collect, &got);
	linebuf_flush(&lb, collect, &got);
	lines_expect(&got, 3, want);
	linebuf_free(&lb);
	lines_free(&got);
}

/*
 * A flush stands for the newline still to come: a '\n' right after a flushed
 * partial line (or after a cut with nothing held) is eaten, not an empty line.
 */
static void
test_flush_eats_next_newline(void **state)
{
	const char *want[] = { "abcd", "abcd", "ef", "" };
	struct linebuf lb;
	struct lines got = { 0 };

	linebuf_init(&lb, 4);
	linebuf_feed(&lb, "abcd", 4, collect, &got);
	assert_int_equal(lb.split, 1);
	linebuf_flush(&lb, collect, &got);
	assert_int_equal(lb.split, 1);
	linebuf_feed(&lb, "\n", 1, collect, &got);
	linebuf_feed(&lb, "abcdef", 6, collect, &got);
	linebuf_flush(&lb, collect, &got);
	assert_int_equal(lb.split, 1);
	linebuf_feed(&lb, "\n", 1, collect, &got);
	/* Only the first newline is eaten; the next is an empty line. */
	linebuf_feed(&lb, "\n", 1, collect, &got);
	lines_expect(&got, 4, want);
	assert_empty(&lb);
	linebuf_free(&lb);
	lines_free(&got);
}

/* Pending memory exists only while a partial line is held. */
static void
test_no_memory_held(void **state)
{
	struct linebuf lb;
	struct lines got = { 0 };

	linebuf_init(&lb, 1000);
	assert_empty(&lb);
	linebuf_feed(&lb, "one\ntwo\n", 8, collect, &got);
	assert_empty(&lb);
	linebuf_feed(&lb, "thr", 3, collect, &got);
	assert_non_null(lb.pending);
	assert_int_equal(lb.len, 3);
	assert_true(lb.cap >= 3 && lb.cap <= 1000);
	linebuf_feed(&lb, "ee\nfo", 5, collect, &got);
	assert_int_equal(lb.len, 2);
	linebuf_feed(&lb, "ur\n", 3, collect, &got);
	assert_empty(&lb);
	assert_int_equal(got.n, 4);
	assert_string_equal(got.line[2], "three");
	assert_string_equal(got.line[3], "four");
	linebuf_free(&lb);
	lines_free(&got);
}

/* Pending grows by doubling but never beyond max, and a cut frees it. */
static void
test_growth_bounded(void **state)
{
	struct linebuf lb;
	struct lines got = { 0 };
	char chunk[300];
	size_t i;

	memset(chunk, 'q', sizeof chunk);
	linebuf_init(&lb, 1000);
	for (i = 0; i < 3; i++) {
		linebuf_feed(&lb, chunk, sizeof chunk, collect, &got);
		assert_true(lb.cap <= 1000);
		assert_true(lb.cap >= lb.len);
	}
	assert_int_equal(lb.len, 900);
	assert_int_equal(lb.cap, 1000);
	linebuf_feed(&lb, chunk, sizeof chunk, collect, &got);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.len[0], 1000);
	assert_int_equal(lb.len, 200);
	linebuf_free(&lb);
	assert_empty(&lb);
	lines_free(&got);
}

/* Runs every linebuf test. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_lines),
		cmocka_unit_test(test_bytes_unchanged),
		cmocka_unit_test(test_empty_lines),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_cut_between_chars),
		cmocka_unit_test(test_flush_held),
		cmocka_unit_test(test_every_boundary),
		cmocka_unit_test(test_random_chunks),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_long_lines_default),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_flush_eats_next_newline),
		cmocka_unit_test(test_no_memory_held),
		cmocka_unit_test(test_growth_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
