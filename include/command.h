/*
 * command.h: tfrun's commands and the checks of their operands (SPEC
 * section 1). Pure.
 */
#ifndef TFRUN_COMMAND_H
#define TFRUN_COMMAND_H

#include "cli.h"

/* Returns the command for a name ("start"), or CLI_NONE. */
enum cli_command command_lookup(const char *name);

/* Returns the name of a command ("start"; "" for CLI_NONE). */
const char *command_name(enum cli_command command);

/*
 * Checks the number and form of cli's operands for its command (usage
 * errors, like a malformed flag): returns 0, or -1 with *cause allocated.
 * Whether named types exist is the app's business, checked later.
 */
int command_check_operands(const struct cli *cli, char **cause);

#endif
