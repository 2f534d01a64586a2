/*
 * formation.c: parses "all=N,TYPE=N,..." and resolves it, with the
 * positional TYPE and TYPE=N arguments of "tfrun start", into one instance
 * count per Procfile entry (SPEC section 4).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "formation.h"
#include "xmalloc.h"

/* How many bytes of an item a message quotes before "...". */
#define FORMATION_QUOTE_MAX 64

/* A piece of a string, not NUL-terminated. */
struct formation_span {
	const char *s;
	size_t n;
};

/* Tells whether c is a blank that may surround items, names and counts. */
static int
formation_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Removes blanks at both ends of sp. */
static void
formation_trim(struct formation_span *sp)
{
	while (sp->n > 0 && formation_is_blank(sp->s[0])) {
		sp->s++;
		sp->n--;
	}
	while (sp->n > 0 && formation_is_blank(sp->s[sp->n - 1]))
		sp->n--;
}

/* Tells whether sp equals the NUL-terminated string s. */
static int
formation_span_is(struct formation_span sp, const char *s)
{
	return strlen(s) == sp.n && memcmp(sp.s, s, sp.n) == 0;
}

/* Appends sp quoted for a message. */
static void
formation_quote(struct buf *b, struct formation_span sp)
{
	buf_add_quoted(b, sp.s, sp.n, FORMATION_QUOTE_MAX);
}

/*
 * Sets *cause to "PREFIX'ITEM': MESSAGE" (prefix is "" or "ORIGIN: ") and
 * returns -1.
 */
static int
formation_fail(char **cause, const char *prefix, struct formation_span item,
    const char *message)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, prefix);
	formation_quote(&b, item);
	buf_adds(&b, ": ");
	buf_adds(&b, message);
	*cause = buf_detach(&b);
	return -1;
}

/* Sets *cause to the message for a count that is not 0..max; returns -1. */
static int
formation_bad_count(char **cause, const char *prefix,
    struct formation_span item, long max)
{
	char *msg;

	if (max == FORMATION_MAX_UNKNOWN)
		msg = xstrdup("count must be a whole number from 0 to the "
		    "port step");
	else
		xasprintf(&msg, "count must be a whole number from 0 to %ld",
		    max);
	formation_fail(cause, prefix, item, msg);
	free(msg);
	return -1;
}

/*
 * Parses a count: decimal digits only, from 0 to max. No sign, no spaces
 * inside, no other base; digits are added one at a time with an explicit
 * bound so that no input can overflow.
 */
static int
formation_count(struct formation_span sp, long max, long *count)
{
	long v = 0;
	size_t i;
	int d;

	if (sp.n == 0 || max < 0)
		return -1;
	for (i = 0; i < sp.n; i++) {
		if (sp.s[i] < '0' || sp.s[i] > '9')
			return -1;
		d = sp.s[i] - '0';
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*count = v;
	return 0;
}

/*
 * Splits item at its first '=' into a trimmed name and count. Returns 0, or
 * -1 when there is no '='.
 */
static int
formation_split(struct formation_span item, struct formation_span *name,
    struct formation_span *count)
{
	const char *eq;

	if ((eq = memchr(item.s, '=', item.n)) == NULL)
		return -1;
	name->s = item.s;
	name->n = eq - item.s;
	count->s = eq + 1;
	count->n = item.n - name->n - 1;
	formation_trim(name);
	formation_trim(count);
	return 0;
}

/* Returns the item of fs for the type name, or NULL. */
static struct formation_item *
formation_spec_find(const struct formation_spec *fs,
    struct formation_span name)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (formation_span_is(name, fs->items[i].type))
			return &fs->items[i];
	}
	return NULL;
}

/* Parses one trimmed, non-empty item of a spec into fs. */
static int
formation_parse_item(const char *prefix, struct formation_span item,
    long max, int *seen_all, struct formation_spec *fs, char **cause)
{
	struct formation_span name, count;
	struct formation_item *fi;
	struct buf b = BUF_INIT;
	long n;

	if (formation_split(item, &name, &count) != 0)
		return formation_fail(cause, prefix, item, "expected TYPE=N");
	if (name.n == 0) {
		return formation_fail(cause, prefix, item,
		    "missing process type name before '='");
	}
	if (formation_span_is(name, "all")) {
		if (*seen_all) {
			xasprintf(cause, "%s'all' named twice", prefix);
			return -1;
		}
		*seen_all = 1;
	} else if (!procfile_valid_name(name.s, name.n)) {
		buf_adds(&b, "invalid process type name ");
		formation_quote(&b, name);
		formation_fail(cause, prefix, item, b.data);
		buf_free(&b);
		return -1;
	} else if (formation_spec_find(fs, name) != NULL) {
		buf_adds(&b, prefix);
		formation_quote(&b, name);
		buf_adds(&b, " named twice");
		*cause = buf_detach(&b);
		return -1;
	}
	if (formation_count(count, max, &n) != 0)
		return formation_bad_count(cause, prefix, item, max);

	if (formation_span_is(name, "all")) {
		fs->all = n;
		return 0;
	}
	fs->items = xreallocarray(fs->items, fs->n + 1, sizeof *fs->items);
	fi = &fs->items[fs->n++];
	fi->type = xstrndup(name.s, name.n);
	fi->count = n;
	return 0;
}

/* Parses a formation specification; see formation.h. */
int
formation_parse(const char *origin, const char *spec, long max,
    struct formation_spec *fs, char **cause)
{
	struct formation_span whole, item;
	const char *s, *comma, *end;
	char *prefix;
	int seen_all = 0, rc = 0;

	fs->items = NULL;
	fs->n = 0;
	fs->all = 1;

	if (spec == NULL)
		return 0;
	whole.s = spec;
	whole.n = strlen(spec);
	formation_trim(&whole);
	/* A blank spec is no items at all, so "all" keeps its default. */
	if (whole.n == 0)
		return 0;

	xasprintf(&prefix, "%s: ", origin != NULL ? origin : "formation");
	s = spec;
	end = spec + strlen(spec);
	for (;;) {
		comma = memchr(s, ',', end - s);
		item.s = s;
		item.n = (comma != NULL ? comma : end) - s;
		formation_trim(&item);
		if (item.n == 0) {
			rc = formation_fail(cause, prefix, whole,
			    "empty item");
			break;
		}
		rc = formation_parse_item(prefix, item, max, &seen_all, fs,
		    cause);
		if (rc != 0 || comma == NULL)
			break;
		s = comma + 1;
	}
	free(prefix);
	if (rc != 0)
		formation_spec_free(fs);
	return rc;
}

/* Frees what fs owns; see formation.h. */
void
formation_spec_free(struct formation_spec *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->items[i].type);
	free(fs->items);
	fs->items = NULL;
	fs->n = 0;
	fs->all = 1;
}

/*
 * Returns the count fs gives the type name: its own item's count, or the
 * "all" value.
 */
static long
formation_spec_count(const struct formation_spec *fs,
    struct formation_span name)
{
	const struct formation_item *fi;

	if ((fi = formation_spec_find(fs, name)) != NULL)
		return fi->count;
	return fs->all;
}

/*
 * Checks the counts fs gives against pf and max: fs may have been parsed
 * with another maximum, and only here is the Procfile known.
 */
static int
formation_check_spec(const struct procfile *pf,
    const struct formation_spec *fs, const char *prefix, long max,
    char **cause)
{
	const struct formation_item *fi;
	struct formation_span item;
	char *text;
	int rc;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		fi = &fs->items[i];
		if (procfile_find(pf, fi->type) == -1) {
			xasprintf(cause, "%sno process type '%s' in the "
			    "Procfile", prefix, fi->type);
			return -1;
		}
		if (fi->count < 0 || fi->count > max) {
			xasprintf(&text, "%s=%ld", fi->type, fi->count);
			item.s = text;
			item.n = strlen(text);
			rc = formation_bad_count(cause, prefix, item, max);
			free(text);
			return rc;
		}
	}
	return 0;
}

/* Fills counts from fs alone, for a start without positional arguments. */
static int
formation_resolve_spec(const struct procfile *pf,
    const struct formation_spec *fs, const char *prefix, long max,
    long *counts, char **cause)
{
	struct formation_span name, item;
	char *text;
	size_t i;
	int rc;

	for (i = 0; i < pf->n; i++) {
		name.s = pf->entries[i].name;
		name.n = strlen(name.s);
		counts[i] = formation_spec_count(fs, name);
		if (counts[i] < 0 || counts[i] > max) {
			/* Items were checked already: this is "all". */
			xasprintf(&text, "all=%ld", fs->all);
			item.s = text;
			item.n = strlen(text);
			rc = formation_bad_count(cause, prefix, item, max);
			free(text);
			return rc;
		}
	}
	return 0;
}

/*
 * Applies one positional argument, "TYPE" or "TYPE=N". seen marks the
 * Procfile entries named by earlier arguments. Messages begin with the
 * argument itself, which is what the user typed.
 */
static int
formation_resolve_arg(const struct procfile *pf,
    const struct formation_spec *fs, const char *arg, long max, long *counts,
    char *seen, char **cause)
{
	struct formation_span item, name, count;
	struct buf b = BUF_INIT;
	size_t i;
	long n;

	item.s = arg != NULL ? arg : "";
	item.n = strlen(item.s);
	if (formation_split(item, &name, &count) == 0) {
		if (formation_count(count, max, &n) != 0)
			return formation_bad_count(cause, "", item, max);
	} else {
		name = item;
		formation_trim(&name);
		n = -1;
	}
	if (name.n == 0) {
		return formation_fail(cause, "", item,
		    "expected TYPE or TYPE=N");
	}

	for (i = 0; i < pf->n; i++) {
		if (formation_span_is(name, pf->entries[i].name))
			break;
	}
	if (i == pf->n) {
		buf_adds(&b, "no process type ");
		formation_quote(&b, name);
		buf_adds(&b, " in the Procfile");
		formation_fail(cause, "", item, b.data);
		buf_free(&b);
		return -1;
	}
	if (seen[i]) {
		buf_adds(&b, "process type ");
		formation_quote(&b, name);
		buf_adds(&b, " named twice");
		formation_fail(cause, "", item, b.data);
		buf_free(&b);
		return -1;
	}
	seen[i] = 1;

	/* A bare name runs as many instances as the formation gives it. */
	if (n == -1) {
		n = formation_spec_count(fs, name);
		if (n < 0 || n > max)
			return formation_bad_count(cause, "", item, max);
	}
	counts[i] = n;
	return 0;
}

/* Computes the count of every Procfile entry; see formation.h. */
int
formation_resolve(const struct procfile *pf,
    const struct formation_spec *fs, const char *origin,
    char *const *args, size_t nargs, long max, long *counts, char **cause)
{
	char *prefix, *seen;
	size_t i;
	int rc;

	for (i = 0; i < pf->n; i++)
		counts[i] = 0;

	xasprintf(&prefix, "%s: ", origin != NULL ? origin : "formation");
	rc = formation_check_spec(pf, fs, prefix, max, cause);
	if (rc == 0 && nargs == 0)
		rc = formation_resolve_spec(pf, fs, prefix, max, counts, cause);
	free(prefix);
	if (rc != 0 || nargs == 0)
		goto out;

	/* One more byte than needed, as xcalloc refuses a zero size. */
	seen = xcalloc(pf->n + 1, 1);
	for (i = 0; i < nargs; i++) {
		rc = formation_resolve_arg(pf, fs, args[i], max, counts, seen,
		    cause);
		if (rc != 0)
			break;
	}
	free(seen);

out:
	/* A failed resolve starts nothing, whatever was filled in. */
	if (rc != 0) {
		for (i = 0; i < pf->n; i++)
			counts[i] = 0;
	}
	return rc;
}
