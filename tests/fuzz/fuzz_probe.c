/*
 * fuzz_probe.c: feeds one input, cut at its first NUL, to the probe and
 * after-list parsers; a parsed probe is expanded for two instances. Every
 * message must be one line, quoting what was written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless cause is one line starting with a quote. */
static void
fuzz_check_cause(const char *cause)
{
	if (cause == NULL || cause[0] != '\'' || strchr(cause, '\n') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe p, x, c;
	struct probe_after *v;
	char *s, *cause = NULL;
	size_t n;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	if (probe_parse(s, &p, &cause) == 0) {
		if (p.kind == PROBE_NONE || p.text == NULL)
			abort();
		if (probe_expand(&p, 5000, "web.1", &x) == 0)
			probe_free(&x);
		if (probe_expand(&p, 65535, "a_very-long_type.100", &x) == 0)
			probe_free(&x);
		probe_copy(&c, &p);
		probe_free(&c);
		probe_free(&p);
	} else {
		fuzz_check_cause(cause);
		free(cause);
	}

	cause = NULL;
	if (probe_after_parse(s, &v, &n, &cause) == 0) {
		if (n == 0)
			abort();
		(void)probe_cond_name(v[n - 1].cond);
		probe_after_free(v, n);
	} else {
		fuzz_check_cause(cause);
		free(cause);
	}
	free(s);
	return 0;
}
