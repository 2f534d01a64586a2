/*
 * buf.h: a growable byte buffer, always NUL-terminated after its content.
 *
 * The buffer owns data; buf_detach hands it to the caller. A struct buf
 * initialised to all zeroes (BUF_INIT) is an empty buffer.
 */
#ifndef TFRUN_BUF_H
#define TFRUN_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "compat.h"

struct buf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Makes room for n more bytes (and the NUL), for callers that copy in. */
void buf_reserve(struct buf *, size_t n);
void buf_add(struct buf *, const void *, size_t);
void buf_addc(struct buf *, char);
void buf_adds(struct buf *, const char *);
void buf_printf(struct buf *, const char *, ...) printflike(2, 3);
void buf_vprintf(struct buf *, const char *, va_list) printflike(2, 0);
void buf_reset(struct buf *);

/*
 * Appends the first n bytes of s in single quotes for an error message:
 * tab, CR, backslash and quote are escaped, other bytes that are not
 * printable ASCII become \xNN (so no control character reaches a terminal),
 * and text longer than max bytes is cut with "...".
 */
void buf_add_quoted(struct buf *, const char *s, size_t n, size_t max);

/* The same without the quotes, for text a message puts in its own. */
void buf_add_escaped(struct buf *, const char *s, size_t n, size_t max);
char *buf_detach(struct buf *);
void buf_free(struct buf *);

#endif
