/*
 * formation.h: how many instances of each process type run (SPEC section 4).
 */
#ifndef TFRUN_FORMATION_H
#define TFRUN_FORMATION_H

#include <stddef.h>

#include "procfile.h"

struct formation_item {
	char *type; /* owned */
	long count;
};

/* A parsed "all=N,TYPE=N,..." specification. */
struct formation_spec {
	struct formation_item *items; /* owned; in order, without "all" */
	size_t n;
	long all; /* the "all" value; 1 when not given */
};

/*
 * Parses spec ("all=2, web=3,worker=0": spaces after commas allowed) into
 * fs, which the caller frees with formation_spec_free. origin names where
 * the spec came from ("--formation", "TFRUN_FORMATION", "tfrun.ini:4") and
 * begins every message. Returns 0, or -1 with *cause allocated: a missing
 * '=', an empty or invalid type name, a negative or non-numeric count, a
 * count above max, a type named twice.
 */
/*
 * The max to pass when the real bound (the port step) is not known yet: a
 * count above it is surely too big, and the message says "the port step".
 */
#define FORMATION_MAX_UNKNOWN 65535

int formation_parse(const char *origin, const char *spec, long max,
    struct formation_spec *fs, char **cause);

/* Frees what fs owns. */
void formation_spec_free(struct formation_spec *fs);

/*
 * Computes counts[i] for every entry i of pf (the caller passes an array of
 * pf->n longs). Types not named in fs get fs->all. When nargs > 0 only the
 * types named by the positional args run (every other count is 0): a bare
 * "TYPE" keeps its count from fs, "TYPE=N" sets it. A type that is not in
 * the Procfile (in fs or in args), a bad count or a count above max is an
 * error; returns 0, or -1 with *cause allocated (naming origin, or the
 * positional argument).
 */
int formation_resolve(const struct procfile *pf,
    const struct formation_spec *fs, const char *origin,
    char *const *args, size_t nargs, long max, long *counts, char **cause);

#endif
