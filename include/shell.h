/*
 * shell.h: what tfrun needs to know about a Procfile command's shell
 * syntax — only whether it is one simple command.
 */
#ifndef TFRUN_SHELL_H
#define TFRUN_SHELL_H

/*
 * Returns 1 when command is a single simple command that /bin/sh may run
 * with `exec` in front without any change in meaning: words of ordinary
 * characters, quotes and $ expansions only, no operators, redirections,
 * globs, comments or newlines, and a first word that is neither an
 * assignment, a reserved word nor a shell builtin without a program of the
 * same name. Returns 0 otherwise (and for commands starting with exec).
 */
int shell_can_exec(const char *command);

#endif
