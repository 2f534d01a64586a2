/*
 * cmd_start.c: `tfrun start` — hand the plan to the supervisor.
 */
#include "cmd.h"
#include "supervisor.h"

/* Runs the formation until it stops; returns tfrun's exit status. */
int
cmd_start(const struct plan *p, const struct cli *cli)
{
	(void)cli;
	return supervisor_run(p);
}
