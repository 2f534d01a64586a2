/*
 * fuzz_dotenv.c: libFuzzer target for the .env parser. Besides looking for
 * memory errors it checks invariants: every assigned key is valid, every
 * error line names the file, and every parsed value survives a round trip
 * through dotenv_quote and the parser unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dotenv.h"
#include "envmap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What one run of the target tracks. */
struct fuzz_state {
	struct envmap	vars;	/* the environment lookups see */
	unsigned	maxline; /* no assignment may start after it */
};

/* The result of reparsing one quoted value. */
struct fuzz_reparse {
	const char	*want;
	int		 nassign;
};

/* Looks a name up in the variables assigned so far. */
static const char *
fuzz_lookup(void *ctx, const char *name)
{
	struct fuzz_state *fs = ctx;

	return envmap_get(&fs->vars, name);
}

/* Claims every name is set, so a quoted value that expanded would show. */
static const char *
fuzz_lookup_all(void *ctx, const char *name)
{
	return "EXPANDED";
}

/* Checks that a reparsed value is exactly the one that was quoted. */
static void
fuzz_reassign(void *ctx, const char *key, const char *value, unsigned line)
{
	struct fuzz_reparse *rp = ctx;

	if (strcmp(key, "K") != 0 || strcmp(value, rp->want) != 0 ||
	    line != 1)
		abort();
	rp->nassign++;
}

/* Quotes value, parses "K=<quoted>" and aborts unless it reads back. */
static void
fuzz_round_trip(const char *value)
{
	struct dotenv_ops ops = { fuzz_lookup_all, fuzz_reassign, NULL, NULL };
	struct fuzz_reparse rp = { value, 0 };
	struct buf b = BUF_INIT;
	char *cause = NULL;

	ops.ctx = &rp;
	buf_adds(&b, "K=");
	dotenv_quote(&b, value);
	buf_addc(&b, '\n');
	if (dotenv_parse("q.env", b.data, b.len, &ops, &cause) != 0)
		abort();
	if (cause != NULL || rp.nassign != 1)
		abort();
	buf_free(&b);
}

/* Records an assignment after checking it, then round-trips its value. */
static void
fuzz_assign(void *ctx, const char *key, const char *value, unsigned line)
{
	struct fuzz_state *fs = ctx;

	if (!dotenv_valid_key(key) || line < 1 || line > fs->maxline)
		abort();
	envmap_set(&fs->vars, key, value);
	fuzz_round_trip(value);
}

/* Checks that every line of an error report starts with "f.env:". */
static void
fuzz_check_cause(const char *cause)
{
	const char *p;

	if (cause == NULL || *cause == '\0')
		abort();
	for (p = cause; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "f.env:", 6) != 0)
			abort();
	}
}

/* A warning is one line naming the file, like an error. */
static void
fuzz_warn(void *ctx, const char *message)
{
	(void)ctx;
	if (strncmp(message, "f.env:", 6) != 0 ||
	    strchr(message, '\n') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const preset[] = { "HOME=/home/u", "E=", "A-B=dash",
	    NULL };
	struct dotenv_ops ops = { fuzz_lookup, fuzz_assign, NULL, fuzz_warn };
	struct fuzz_state fs;
	char *cause = NULL;
	size_t i;

	memset(&fs, 0, sizeof fs);
	envmap_add_environ(&fs.vars, preset);
	fs.maxline = 1;
	for (i = 0; i < size; i++) {
		if (data[i] == '\n' || data[i] == '\r')
			fs.maxline++;
	}
	ops.ctx = &fs;
	if (dotenv_parse("f.env", (const char *)data, size, &ops, &cause) != 0)
		fuzz_check_cause(cause);
	else if (cause != NULL)
		abort();
	free(cause);
	envmap_free(&fs.vars);
	return 0;
}
