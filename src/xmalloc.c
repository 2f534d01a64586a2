/*
 * xmalloc.c: allocation wrappers that never return NULL.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Prints why allocation failed and exits: nothing useful can follow. */
static void tf_noreturn
xmalloc_die(const char *what, size_t n)
{
	fprintf(stderr, "tfrun: %s: cannot allocate %zu bytes\n", what, n);
	exit(1);
}

/* Allocates size bytes. */
void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		xmalloc_die("xmalloc: zero size", 0);
	if ((p = malloc(size)) == NULL)
		xmalloc_die("xmalloc", size);
	return p;
}

/* Allocates nmemb zeroed elements of size bytes. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		xmalloc_die("xcalloc: zero size", 0);
	if ((p = calloc(nmemb, size)) == NULL)
		xmalloc_die("xcalloc", nmemb * size);
	return p;
}

/* Resizes ptr to nmemb elements of size bytes, checking the product. */
void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		xmalloc_die("xreallocarray: zero size", 0);
	if (nmemb > SIZE_MAX / size)
		xmalloc_die("xreallocarray: overflow", SIZE_MAX);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		xmalloc_die("xreallocarray", nmemb * size);
	return p;
}

/* Duplicates a NUL-terminated string. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Duplicates the first n bytes of s (or fewer, at a NUL) and terminates them. */
char *
xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Formats into a newly allocated string stored in *ret; returns its length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

/* The va_list form of xasprintf. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		xmalloc_die("xvasprintf: bad format", 0);
	*ret = xmalloc((size_t)n + 1);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap);
	return n;
}
