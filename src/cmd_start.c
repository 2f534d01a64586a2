/*
 * cmd_start.c: `tfrun start` — split into the keeper and the supervisor
 * (keeper.h), then hand the plan to the supervisor.
 */
#include <stdio.h>

#include "cmd.h"
#include "keeper.h"
#include "supervisor.h"

/* Runs the formation until it stops; returns tfrun's exit status. */
int
cmd_start(const struct plan *p, const struct cli *cli)
{
	int status;

	(void)cli;
	switch (keeper_start(p->cfg.isolate, &status)) {
	case 1:
		return status; /* the keeper, after the supervisor ended */
	case 0:
		break;
	case -2:
		return 1; /* --isolate refused; the reason was printed */
	default:
		fprintf(stderr, "tfrun: warning: no keeper process: if tfrun "
		    "is killed, its processes may survive it\n");
		break;
	}
	return supervisor_run(p);
}
