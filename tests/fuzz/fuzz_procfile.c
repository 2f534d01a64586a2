/*
 * fuzz_procfile.c: feeds arbitrary bytes to the Procfile parser and checks
 * what it promises about its result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procfile.h"

/* Tells whether name is a valid process type name. */
static int
fuzz_valid_name(const char *name)
{
	size_t n;

	n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-");
	return n > 0 && n <= PROCFILE_NAME_MAX && name[n] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parses one input; aborts when a promise of procfile.h is broken. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procfile pf;
	char *cause = NULL;
	size_t i;

	if (procfile_parse("Procfile", (const char *)data, size, &pf,
	    &cause) != 0) {
		if (cause == NULL || *cause == '\0' || pf.n != 0 ||
		    pf.entries != NULL)
			abort();
		if (strncmp(cause, "Procfile:", 9) != 0 ||
		    cause[strlen(cause) - 1] == '\n')
			abort();
		free(cause);
		return 0;
	}
	if (cause != NULL || pf.n == 0)
		abort();
	for (i = 0; i < pf.n; i++) {
		if (!fuzz_valid_name(pf.entries[i].name))
			abort();
		if (pf.entries[i].command[0] == '\0' ||
		    pf.entries[i].command[0] == ' ' ||
		    pf.entries[i].command[0] == '\t')
			abort();
		if (i > 0 && pf.entries[i].line <= pf.entries[i - 1].line)
			abort();
		if (procfile_find(&pf, pf.entries[i].name) != (int)i)
			abort();
	}
	procfile_free(&pf);
	return 0;
}
