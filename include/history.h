/*
 * history.h: the bounded log history of one instance, for `tfrun logs`
 * (SPEC section 7). Pure: lines and their times come in as arguments.
 *
 * Lines are appended into chunks that grow from 4 KiB to 64 KiB; whole
 * oldest chunks are dropped once the rest holds HISTORY_BYTES of text, so
 * at least the last HISTORY_BYTES of text are kept (SPEC section 7: 1 MiB
 * or 1000 lines). Lines of under 16 bytes are bounded by their bookkeeping
 * instead: 2 * HISTORY_BYTES of records, which is over 65536 lines.
 * So memory stays under about 2 * HISTORY_BYTES whatever an instance
 * writes. Appending is one memcpy.
 *
 * A history is reference-counted: the instance holds one reference and
 * each of its runs another, so lines a run's group writes after the
 * instance was scaled away still land somewhere valid.
 */
#ifndef TFRUN_HISTORY_H
#define TFRUN_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define HISTORY_BYTES (1024 * 1024)

struct history;

/* Makes an empty history for instance name of type (both copied). */
struct history *history_new(const char *name, const char *type);

void history_ref(struct history *h);

/* Drops a reference; the history is freed with the last one. */
void history_unref(struct history *h);

/* The instance and type it belongs to. */
const char *history_name(const struct history *h);
const char *history_type(const struct history *h);

/*
 * Appends one line (len bytes, no '\n') written at time_ms (milliseconds
 * since the epoch), then tells the listener, if any.
 */
void history_add(struct history *h, uint64_t time_ms, const char *text,
    size_t len);

/* How many lines it holds now, and how many bytes of memory. */
size_t history_lines(const struct history *h);
size_t history_memory(const struct history *h);

/*
 * Calls fn for each of the last n lines of h, oldest first, and returns
 * how many it called it for.
 */
size_t history_tail(const struct history *h, size_t n,
    void (*fn)(void *arg, uint64_t time_ms, const char *text, size_t len),
    void *arg);

/*
 * The last n lines of several histories together, ordered by time (lines
 * of the same millisecond in the order of v), oldest first.
 */
size_t history_tail_merged(struct history *const *v, size_t nv, size_t n,
    void (*fn)(void *arg, const struct history *h, uint64_t time_ms,
    const char *text, size_t len), void *arg);

/*
 * Sets the one listener told of every line added to any history (the
 * control socket's followers); NULL for none.
 */
void history_listen(void (*fn)(void *ctx, const struct history *h,
    uint64_t time_ms, const char *text, size_t len), void *ctx);

#endif
