/*
 * procfile.h: the Procfile parser (SPEC section 2). Pure: buffer in,
 * entries out; no files, no environment.
 */
#ifndef TFRUN_PROCFILE_H
#define TFRUN_PROCFILE_H

#include <stddef.h>

#define PROCFILE_NAME_MAX 63

struct procfile_entry {
	char *name;    /* owned; matches [A-Za-z0-9_-]{1,63} */
	char *command; /* owned; passed to /bin/sh -c unchanged */
	unsigned line; /* 1-based line in the file */
};

struct procfile {
	struct procfile_entry *entries; /* owned; in file order */
	size_t n;
};

/*
 * Parses buf (len bytes, not necessarily NUL-terminated) into pf, which the
 * caller frees with procfile_free. fname is the name used in messages.
 *
 * On success returns 0. On failure returns -1, pf is left empty, and *cause
 * is an allocated string holding every error found, one per line (joined
 * with '\n', no trailing newline), each "FNAME:LINE: what is wrong".
 */
int procfile_parse(const char *fname, const char *buf, size_t len,
    struct procfile *pf, char **cause);

/* Frees what pf owns and leaves it empty. */
void procfile_free(struct procfile *pf);

/*
 * Tells whether the n bytes at s are a valid process type name,
 * [A-Za-z0-9_-]{1,63}: the one definition every module uses.
 */
int procfile_valid_name(const char *s, size_t n);

/*
 * Tells whether s names an instance or a type: TYPE or TYPE.N, N from 1
 * to 99999 without a leading zero.
 */
int procfile_valid_instance(const char *s);

/* Returns the index of the entry named name, or -1. */
int procfile_find(const struct procfile *pf, const char *name);

#endif
