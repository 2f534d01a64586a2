/*
 * linebuf.h: assembles lines from a byte stream (SPEC section 5). Pure:
 * bytes in, whole lines out through a callback.
 *
 * Complete lines are handed straight out of the caller's data when
 * possible; only a partial line is copied, into memory owned by the
 * linebuf and freed as soon as it is emitted, so thousands of idle
 * linebufs cost nothing.
 */
#ifndef TFRUN_LINEBUF_H
#define TFRUN_LINEBUF_H

#include <stddef.h>

#define LINEBUF_MAX (64 * 1024)

/* Receives one line without its '\n' (len may be 0 for an empty line). */
typedef void (*linebuf_emit_fn)(void *ctx, const char *line, size_t len);

struct linebuf {
	char *pending;  /* owned; the partial line, NULL when none */
	size_t len;     /* bytes in pending */
	size_t cap;     /* allocated size of pending */
	size_t max;     /* longest piece emitted */
	int split;      /* the last piece was cut at max: a '\n' next is eaten */
	int chars;      /* cut between UTF-8 characters, not inside one */
};

/*
 * Starts an empty linebuf cutting lines at max bytes (LINEBUF_MAX if 0).
 * Setting chars afterwards moves a cut that would fall inside a UTF-8
 * sequence back to its start (up to 3 bytes), for the JSON format, where a
 * torn character would become two U+FFFD.
 */
void linebuf_init(struct linebuf *lb, size_t max);

/*
 * Feeds len bytes. Emits every complete line; a line longer than max is
 * emitted in pieces of max bytes, each as its own line, with no empty
 * piece when its length is an exact multiple of max. Keeps the rest.
 */
void linebuf_feed(struct linebuf *lb, const char *data, size_t len,
    linebuf_emit_fn emit, void *ctx);

/*
 * Emits the partial line, if any, as a line (at EOF, or after 1 s); a '\n'
 * arriving right after it is then eaten, as after a forced cut.
 */
void linebuf_flush(struct linebuf *lb, linebuf_emit_fn emit, void *ctx);

/*
 * The same for the 1 s deadline: with chars set, the bytes that begin a
 * character whose end has not come yet stay held (the line goes on with
 * them), so that JSON does not turn it into two U+FFFD.
 */
void linebuf_flush_held(struct linebuf *lb, linebuf_emit_fn emit, void *ctx);

/* Returns 1 when a partial line is held. */
int linebuf_has_partial(const struct linebuf *lb);

/* Frees what lb owns. */
void linebuf_free(struct linebuf *lb);

#endif
