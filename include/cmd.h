/*
 * cmd.h: the subcommands that act on a loaded plan. Each returns the exit
 * status of tfrun (SPEC section 6 and the man page's EXIT STATUS).
 */
#ifndef TFRUN_CMD_H
#define TFRUN_CMD_H

#include "cli.h"
#include "plan.h"

/* Prints what is valid and what the formation would start. */
int cmd_check(const struct plan *p);

/*
 * Writes configuration for an export target into DIR (SPEC section 10):
 * 0, 1 when the app or a value cannot be exported (nothing written), 2
 * for an export option that is malformed.
 */
int cmd_export(const struct plan *p, const struct cli *cli);

/* Prints the environment of one instance (or of `run`) in .env syntax. */
int cmd_env(const struct plan *p, const struct cli *cli);

/* Replaces tfrun with the command; returns only on failure. */
int cmd_run(const struct plan *p, const struct cli *cli);

/* Runs the formation until it stops. */
int cmd_start(const struct plan *p, const struct cli *cli);

/*
 * A client command (ps, scale, restart, stop, signal, logs, wait, quit)
 * against the control socket at path (SPEC section 7).
 */
int cmd_ctl(const char *path, const struct cli *cli);

#endif
