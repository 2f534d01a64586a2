/*
 * fuzz_formation.c: feeds arbitrary specs and positional arguments to
 * formation_parse and formation_resolve against a fixed Procfile.
 *
 * The input up to the first NUL or newline is the spec; each further
 * NUL- or newline-separated piece is a positional argument (at most
 * FUZZ_MAX_ARGS).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formation.h"
#include "procfile.h"

#define FUZZ_MAX_ARGS 4

/* "all" is also a type here, as it may be in a real Procfile. */
static const char fuzz_procfile[] =
    "web: a\nworker: b\nclock: c\nall: d\n";

/* Resolves and checks what formation.h promises about counts and cause. */
static void
fuzz_resolve(const struct procfile *pf, const struct formation_spec *fs,
    char *const *args, size_t nargs, long max)
{
	long counts[4];
	char *cause = NULL;
	size_t i;

	if (formation_resolve(pf, fs, "-m", args, nargs, max, counts,
	    &cause) != 0) {
		if (cause == NULL)
			abort();
		for (i = 0; i < pf->n; i++) {
			if (counts[i] != 0)
				abort();
		}
		free(cause);
		return;
	}
	for (i = 0; i < pf->n; i++) {
		if (counts[i] < 0 || counts[i] > max)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Runs one input through parse and resolve. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procfile pf;
	struct formation_spec fs;
	char *copy, *p, *end, *args[FUZZ_MAX_ARGS], *cause = NULL;
	size_t nargs = 0;

	if (procfile_parse("Procfile", fuzz_procfile,
	    sizeof fuzz_procfile - 1, &pf, &cause) != 0)
		abort();

	/* Pieces become C strings by turning each separator into a NUL. */
	copy = malloc(size + 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	for (p = copy; p < end; p++) {
		if (*p == '\n')
			*p = '\0';
	}
	p = copy + strlen(copy) + 1;
	while (p < end && nargs < FUZZ_MAX_ARGS) {
		args[nargs++] = p;
		p += strlen(p) + 1;
	}

	/* A spec parsed with a higher maximum is checked again by resolve. */
	if (formation_parse("-m", copy, 1000, &fs, &cause) != 0) {
		if (cause == NULL || strncmp(cause, "-m: ", 4) != 0 ||
		    fs.n != 0 || fs.items != NULL || fs.all != 1)
			abort();
		free(cause);
	} else {
		fuzz_resolve(&pf, &fs, NULL, 0, 100);
		fuzz_resolve(&pf, &fs, args, nargs, 100);
		formation_spec_free(&fs);
	}

	free(copy);
	procfile_free(&pf);
	return 0;
}
