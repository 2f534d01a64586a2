/*
 * help.h: the help texts (SPEC section 1: `tfrun help COMMAND` lists only
 * the options COMMAND uses), built from config_settings. Pure.
 */
#ifndef TFRUN_HELP_H
#define TFRUN_HELP_H

#include "cli.h"

/*
 * Returns the help text for command (a usage synopsis, what it does and
 * the options it uses), or the general help listing every command for
 * CLI_NONE and CLI_HELP. The text is built once and kept.
 */
const char *help_text(enum cli_command command);

#endif
