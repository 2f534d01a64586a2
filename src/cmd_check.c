/*
 * cmd_check.c: `tfrun check` — the plan loaded, so everything is valid;
 * say what would run. Errors never reach here: plan_load lists them all.
 */
#include <stdio.h>

#include "cmd.h"

/*
 * When tfrun.ini orders the start (after =), prints the order: the types
 * that start together joined by ", ", each group after the one before.
 */
static void
cmd_check_order(const struct plan *p)
{
	size_t i, level, max = 0, shown = 0;
	int ordered = 0, first;

	for (i = 0; i < p->ntypes; i++) {
		ordered |= p->types[i].nafter > 0;
		if (p->types[i].level > max)
			max = p->types[i].level;
	}
	if (!ordered)
		return;
	printf("start order:");
	for (level = 0; level <= max; level++) {
		first = 1;
		for (i = 0; i < p->ntypes; i++) {
			if (p->types[i].level != level || p->types[i].count == 0)
				continue;
			printf("%s %s", first ? (shown > 0 ? " ->" : "") : ",",
			    p->types[i].name);
			first = 0;
			shown++;
		}
	}
	printf("\n");
}

/* Prints the valid types, the instances the formation would start, and warnings. */
int
cmd_check(const struct plan *p)
{
	const struct plan_type *t;
	size_t i, started = 0;
	long n, port;

	printf("valid Procfile: ");
	for (i = 0; i < p->ntypes; i++)
		printf("%s%s", i > 0 ? ", " : "", p->types[i].name);
	printf("\nwould start:");
	for (i = 0; i < p->ntypes; i++) {
		t = &p->types[i];
		for (n = 1; n <= t->count; n++) {
			if (plan_port(p, t, n, &port) != 0)
				port = -1;
			printf("%s %s.%ld (port %ld)", started++ > 0 ? "," :
			    "", t->name, n, port);
		}
	}
	if (started == 0)
		printf(" nothing (every count is 0)");
	printf("\n");
	cmd_check_order(p);
	for (i = 0; i < p->nwarnings; i++)
		fprintf(stderr, "tfrun: warning: %s\n", p->warnings[i]);
	return 0;
}
