/*
 * test_history.c: unit tests for history.c, the bounded log history of
 * each instance that `tfrun logs` reads.
 *
 * Lines carry their sequence number in their text, so a test can tell
 * which lines were kept and in what order without storing them twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "history.h"
#include "xmalloc.h"

/*
 * What one history may take whatever is written: twice HISTORY_BYTES (the
 * text, or for very short lines their bookkeeping), the chunk being filled
 * and the oldest chunk, which is dropped only as a whole.
 */
#define MEMORY_BOUND (2 * HISTORY_BYTES + 2 * 64 * 1024 + 1024)

/* What a tail walk saw. */
struct seen {
	size_t n;
	size_t bytes;           /* text bytes of every line seen */
	uint64_t time[64];      /* of the first lines seen */
	char text[64][64];
	const struct history *from[64];
	long first, last;       /* sequence numbers of the first and last */
	long prev;
	int in_order;           /* sequence numbers rose by one each line */
};

/* Starts a walk. */
static void
seen_init(struct seen *s)
{
	memset(s, 0, sizeof *s);
	s->first = s->last = s->prev = -1;
	s->in_order = 1;
}

/* Reads the sequence number a line starts with ("#17 ..."), or -1. */
static long
seq_of(const char *text, size_t len)
{
	char digits[24];
	size_t k;

	if (len < 2 || text[0] != '#')
		return -1;
	for (k = 1; k < len && k < sizeof digits && text[k] >= '0' &&
	    text[k] <= '9'; k++)
		digits[k - 1] = text[k];
	digits[k - 1] = '\0';
	return strtol(digits, NULL, 10);
}

/* Records one line. */
static void
seen_line(struct seen *s, const struct history *h, uint64_t time_ms,
    const char *text, size_t len)
{
	long seq = seq_of(text, len);

	if (s->n < nitems(s->text)) {
		s->time[s->n] = time_ms;
		snprintf(s->text[s->n], sizeof s->text[s->n], "%.*s",
		    (int)len, text);
		s->from[s->n] = h;
	}
	if (s->first == -1)
		s->first = seq;
	if (s->prev != -1 && seq != s->prev + 1)
		s->in_order = 0;
	s->prev = s->last = seq;
	s->bytes += len;
	s->n++;
}

/* The history_tail callback. */
static void
tail_cb(void *arg, uint64_t time_ms, const char *text, size_t len)
{
	seen_line(arg, NULL, time_ms, text, len);
}

/* The history_tail_merged callback. */
static void
merged_cb(void *arg, const struct history *h, uint64_t time_ms,
    const char *text, size_t len)
{
	seen_line(arg, h, time_ms, text, len);
}

/* Appends a line "#SEQ" padded with '.' to len bytes. */
static void
add_seq(struct history *h, uint64_t time_ms, long seq, size_t len)
{
	static char line[256 * 1024];
	int k;

	k = snprintf(line, sizeof line, "#%ld", seq);
	if (len > (size_t)k)
		memset(line + k, '.', len - (size_t)k);
	else
		len = (size_t)k;
	history_add(h, time_ms, line, len);
}

/* Appends a string line. */
static void
add_str(struct history *h, uint64_t time_ms, const char *s)
{
	history_add(h, time_ms, s, strlen(s));
}

/* A new history is empty and knows whose it is. */
static void
test_new(void **state)
{
	struct history *h = history_new("web.1", "web");
	struct seen s;

	assert_string_equal(history_name(h), "web.1");
	assert_string_equal(history_type(h), "web");
	assert_int_equal(history_lines(h), 0);
	seen_init(&s);
	assert_int_equal(history_tail(h, 100, tail_cb, &s), 0);
	assert_int_equal(s.n, 0);
	history_unref(h);
	history_unref(NULL);
}

/* Lines come back oldest first; tail n gives the last n. */
static void
test_append_tail(void **state)
{
	struct history *h = history_new("web.1", "web");
	struct seen s;

	add_str(h, 1000, "first");
	add_str(h, 1001, "");
	add_str(h, 1001, "third line with  spaces");
	assert_int_equal(history_lines(h), 3);

	seen_init(&s);
	assert_int_equal(history_tail(h, 3, tail_cb, &s), 3);
	assert_string_equal(s.text[0], "first");
	assert_string_equal(s.text[1], "");
	assert_string_equal(s.text[2], "third line with  spaces");
	assert_true(s.time[0] == 1000 && s.time[1] == 1001 &&
	    s.time[2] == 1001);

	seen_init(&s);
	assert_int_equal(history_tail(h, 1, tail_cb, &s), 1);
	assert_string_equal(s.text[0], "third line with  spaces");

	seen_init(&s);
	assert_int_equal(history_tail(h, 0, tail_cb, &s), 0);

	/* More than it holds: all of it. */
	seen_init(&s);
	assert_int_equal(history_tail(h, 1000, tail_cb, &s), 3);
	assert_string_equal(s.text[0], "first");
	history_unref(h);
}

/* The tail is right across chunk boundaries, for every n. */
static void
test_tail_across_chunks(void **state)
{
	struct history *h = history_new("web.1", "web");
	struct seen s;
	size_t n;
	long i;

	/* 56 bytes a record, 840 KB in all: a dozen chunks, none dropped. */
	for (i = 0; i < 15000; i++)
		add_seq(h, (uint64_t)i, i, 40);
	assert_int_equal(history_lines(h), 15000);
	for (n = 0; n <= 15001; n += n < 300 ? 1 : 997) {
		seen_init(&s);
		assert_int_equal(history_tail(h, n, tail_cb, &s),
		    n < 15000 ? n : 15000);
		if (n == 0)
			continue;
		assert_true(s.in_order);
		assert_int_equal(s.last, 14999);
		assert_int_equal(s.first, 15000 - (long)(n < 15000 ? n :
		    15000));
	}
	seen_init(&s);
	assert_int_equal(history_tail(h, SIZE_MAX, tail_cb, &s), 15000);
	assert_int_equal(s.first, 0);
	history_unref(h);
}

/*
 * Whatever is written, memory stays bounded and at least HISTORY_BYTES of
 * the newest text are kept (65536 lines if they are shorter than 16
 * bytes), every line of it whole and in order.
 */
static void
check_bound(size_t linelen, size_t total)
{
	struct history *h = history_new("web.1", "web");
	struct seen s;
	size_t written = 0, peak = 0;
	long seq = 0;

	while (written < total) {
		add_seq(h, (uint64_t)seq, seq, linelen);
		seq++;
		written += linelen;
		if (history_memory(h) > peak)
			peak = history_memory(h);
	}
	seen_init(&s);
	history_tail(h, SIZE_MAX, tail_cb, &s);
	assert_int_equal(s.n, history_lines(h));
	assert_true(s.in_order);
	assert_int_equal(s.last, seq - 1);
	assert_true(s.n < (size_t)seq);
	/* Lines of under 16 bytes are bounded by their count instead. */
	if (s.bytes < HISTORY_BYTES && (linelen >= 16 || s.n < 65536))
		fail_msg("lines of %zu bytes: %zu bytes of text kept, fewer "
		    "than %d, in %zu lines", linelen, s.bytes, HISTORY_BYTES,
		    s.n);
	if (peak > MEMORY_BOUND)
		fail_msg("lines of %zu bytes: %zu bytes of memory for %zu "
		    "lines of text", linelen, peak, s.n);
	history_unref(h);
}

/* The 1 MiB bound, for short, typical and long lines. */
static void
test_bound(void **state)
{
	check_bound(8, 8 * HISTORY_BYTES);
	check_bound(15, 8 * HISTORY_BYTES);
	check_bound(16, 8 * HISTORY_BYTES);
	check_bound(17, 8 * HISTORY_BYTES);
	check_bound(80, 8 * HISTORY_BYTES);
	check_bound(100, 8 * HISTORY_BYTES);
	check_bound(2000, 8 * HISTORY_BYTES);
	check_bound(30000, 8 * HISTORY_BYTES);
	/* One record a chunk, half of each chunk unused. */
	check_bound(33000, 8 * HISTORY_BYTES);
}

/* Lines so short that the bookkeeping dominates still cost bounded memory. */
static void
test_bound_tiny_lines(void **state)
{
	struct history *h = history_new("web.1", "web");
	size_t i, peak = 0;

	for (i = 0; i < 4 * 1024 * 1024; i++) {
		history_add(h, i, "", 0);
		if (history_memory(h) > peak)
			peak = history_memory(h);
	}
	/* At least as many lines as a megabyte of one-byte lines. */
	assert_true(history_lines(h) >= 65536);
	assert_true(peak <= MEMORY_BOUND);
	history_unref(h);
}

/* A line of 64 KiB is kept whole; a longer one is cut there. */
static void
test_long_line(void **state)
{
	struct history *h = history_new("web.1", "web");
	struct seen s;
	static char big[100 * 1024];
	int i;

	memset(big, 'x', sizeof big);
	add_str(h, 1, "before");
	history_add(h, 2, big, 64 * 1024);
	add_str(h, 3, "after");
	history_add(h, 4, big, sizeof big);
	seen_init(&s);
	assert_int_equal(history_tail(h, 10, tail_cb, &s), 4);
	assert_string_equal(s.text[0], "before");
	assert_string_equal(s.text[2], "after");
	assert_int_equal(s.bytes, 6 + 5 + 2 * 64 * 1024);

	/* Enough of them to drop some: still whole. */
	for (i = 0; i < 40; i++)
		history_add(h, 5, big, 64 * 1024);
	seen_init(&s);
	history_tail(h, SIZE_MAX, tail_cb, &s);
	assert_int_equal(s.bytes, s.n * 64 * 1024);
	assert_true(s.bytes >= HISTORY_BYTES);
	history_unref(h);
}

/*
 * Merges the last n lines of v and checks them against want, the texts
 * joined by spaces.
 */
static void
merged_is(struct history *const *v, size_t nv, size_t n, const char *want)
{
	struct seen s;
	char got[512] = "";
	size_t i, k;

	seen_init(&s);
	k = history_tail_merged(v, nv, n, merged_cb, &s);
	assert_int_equal(k, s.n);
	for (i = 0; i < s.n; i++) {
		if (i > 0)
			strcat(got, " ");
		strcat(got, s.text[i]);
	}
	assert_string_equal(got, want);
}

/* Merged: ordered by time, ties in the order of the array, last n. */
static void
test_merged(void **state)
{
	struct history *v[4], *w[3];
	struct seen s;

	v[0] = history_new("web.1", "web");
	v[1] = history_new("web.2", "web");
	v[2] = history_new("worker.1", "worker");
	v[3] = history_new("web.3", "web");
	add_str(v[0], 10, "a10");
	add_str(v[1], 5, "b5");
	add_str(v[2], 10, "c10");
	add_str(v[1], 10, "b10");
	add_str(v[0], 20, "a20");
	add_str(v[2], 15, "c15");
	add_str(v[0], 30, "a30");

	/* Three lines of the same millisecond: web.1, web.2, worker.1. */
	merged_is(v, 3, 100, "b5 a10 b10 c10 c15 a20 a30");
	/* The last 4 overall, though web.1 alone holds 3 of its own. */
	merged_is(v, 3, 4, "c10 c15 a20 a30");
	merged_is(v, 3, 1, "a30");
	merged_is(v, 3, 0, "");
	merged_is(v, 0, 10, "");
	/* One history, merged, is its own tail. */
	merged_is(v, 1, 2, "a20 a30");
	/* An empty history among others changes nothing. */
	merged_is(v + 1, 3, 10, "b5 b10 c10 c15");

	/* The other array order breaks the ties the other way. */
	w[0] = v[2];
	w[1] = v[1];
	w[2] = v[0];
	merged_is(w, 3, 100, "b5 c10 b10 a10 c15 a20 a30");

	/* Each line comes with its own history and time. */
	seen_init(&s);
	history_tail_merged(v, 3, 100, merged_cb, &s);
	assert_ptr_equal(s.from[0], v[1]);
	assert_ptr_equal(s.from[3], v[2]);
	assert_ptr_equal(s.from[6], v[0]);
	assert_true(s.time[0] == 5 && s.time[4] == 15 && s.time[6] == 30);
	history_unref(v[0]);
	history_unref(v[1]);
	history_unref(v[2]);
	history_unref(v[3]);
}

/* Merged over large histories: the last n, ordered, none lost. */
static void
test_merged_large(void **state)
{
	struct history *v[2];
	struct seen s;
	long i;

	v[0] = history_new("a.1", "a");
	v[1] = history_new("b.1", "b");
	/* Interleaved by time: even sequence numbers in a, odd in b. */
	for (i = 0; i < 40000; i++)
		add_seq(v[i % 2], (uint64_t)i, i, 30);
	seen_init(&s);
	assert_int_equal(history_tail_merged(v, 2, 25001, merged_cb, &s),
	    25001);
	assert_true(s.in_order);
	assert_int_equal(s.first, 40000 - 25001);
	assert_int_equal(s.last, 39999);
	history_unref(v[0]);
	history_unref(v[1]);
}

/* A history lives until its last reference goes. */
static void
test_refs(void **state)
{
	struct history *h = history_new("web.1", "web");
	struct seen s;

	history_ref(h);
	history_ref(h);
	history_unref(h);
	history_unref(h);
	/* One reference is left: the history still works. */
	add_str(h, 1, "still here");
	seen_init(&s);
	assert_int_equal(history_tail(h, 1, tail_cb, &s), 1);
	assert_string_equal(s.text[0], "still here");
	assert_string_equal(history_name(h), "web.1");
	/* The last one frees it (ASan would report a leak otherwise). */
	history_unref(h);
}

/* What the listener heard. */
struct heard {
	int calls;
	void *ctx;
	const struct history *h;
	uint64_t time_ms;
	char text[64];
	size_t held;            /* lines the history held when told */
};

/* The listener: one call per line, after the line was added. */
static void
listener(void *ctx, const struct history *h, uint64_t time_ms,
    const char *text, size_t len)
{
	struct heard *w = ctx;

	w->calls++;
	w->h = h;
	w->time_ms = time_ms;
	snprintf(w->text, sizeof w->text, "%.*s", (int)len, text);
	w->held = history_lines(h);
}

/* The listener hears each line of every history, once. */
static void
test_listener(void **state)
{
	struct history *a = history_new("web.1", "web");
	struct history *b = history_new("worker.1", "worker");
	struct heard w;

	memset(&w, 0, sizeof w);
	add_str(a, 1, "before any listener");
	history_listen(listener, &w);
	add_str(a, 7, "one");
	assert_int_equal(w.calls, 1);
	assert_ptr_equal(w.h, a);
	assert_true(w.time_ms == 7);
	assert_string_equal(w.text, "one");
	assert_int_equal(w.held, 2);
	add_str(b, 8, "two");
	assert_int_equal(w.calls, 2);
	assert_ptr_equal(w.h, b);
	assert_string_equal(w.text, "two");
	assert_int_equal(w.held, 1);
	history_add(b, 9, "", 0);
	assert_int_equal(w.calls, 3);
	assert_string_equal(w.text, "");

	history_listen(NULL, NULL);
	add_str(a, 10, "after");
	assert_int_equal(w.calls, 3);
	history_unref(a);
	history_unref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_append_tail),
		cmocka_unit_test(test_tail_across_chunks),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_bound_tiny_lines),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_merged),
		cmocka_unit_test(test_merged_large),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
