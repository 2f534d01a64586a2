/*
 * xmalloc.h: allocation wrappers that never return NULL.
 *
 * On exhaustion they print a message and exit, so callers never test the
 * result (tmux's rule). A zero size is a programming error and aborts too.
 */
#ifndef TFRUN_XMALLOC_H
#define TFRUN_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include "compat.h"

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) printflike(2, 3);
int xvasprintf(char **, const char *, va_list) printflike(2, 0);

#endif
