/*
 * dotenv.h: the .env grammar of SPEC section 3. Pure: the parser reads a
 * buffer and reports assignments through callbacks, so the caller decides
 * precedence; expansion looks names up through a callback too.
 */
#ifndef TFRUN_DOTENV_H
#define TFRUN_DOTENV_H

#include <stddef.h>

#include "buf.h"

struct dotenv_ops {
	/*
	 * Returns the current value of name in the effective environment
	 * (which includes this file's earlier assignments when the caller
	 * applied them), or NULL when unset. The pointer is only used until
	 * the next call to assign.
	 */
	const char *(*lookup)(void *ctx, const char *name);
	/*
	 * Receives one assignment, in file order, with the value fully
	 * decoded and expanded. line is where the assignment starts.
	 */
	void (*assign)(void *ctx, const char *key, const char *value,
	    unsigned line);
	void *ctx;
	/*
	 * Receives one warning, "FNAME:LINE: what is odd" (a reference to a
	 * name that is set nowhere, which expands to ""); may be NULL. The
	 * text is only valid during the call.
	 */
	void (*warn)(void *ctx, const char *message);
};

/*
 * Parses buf (len bytes) named fname in messages. Returns 0, or -1 with
 * *cause allocated: every error found, one per line joined with '\n', each
 * "FNAME:LINE: what is wrong". Assignments before and after an error may
 * already have been reported; a caller that fails on error discards them.
 */
int dotenv_parse(const char *fname, const char *buf, size_t len,
    const struct dotenv_ops *ops, char **cause);

/* Returns 1 when key matches [A-Za-z0-9_.-]+, else 0. */
int dotenv_valid_key(const char *key);

/* Returns 1 when key is a shell identifier [A-Za-z_][A-Za-z0-9_]*, else 0. */
int dotenv_shell_key(const char *key);

/*
 * Appends value to b in .env syntax such that dotenv_parse reads it back
 * identically: bare when it holds only safe characters, otherwise double
 * quoted with \\ \" \$ \n \r escaped.
 */
void dotenv_quote(struct buf *b, const char *value);

#endif
