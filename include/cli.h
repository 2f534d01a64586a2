/*
 * cli.h: the command line (SPEC section 1): argv in, a struct cli out.
 * Pure: no I/O; the help texts are returned as strings.
 */
#ifndef TFRUN_CLI_H
#define TFRUN_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum cli_command {
	CLI_NONE,
	CLI_START,
	CLI_RUN,
	CLI_CHECK,
	CLI_ENV,
	CLI_EXPORT,
	CLI_PS,
	CLI_SCALE,
	CLI_RESTART,
	CLI_STOP,
	CLI_SIGNAL,
	CLI_LOGS,
	CLI_WAIT,
	CLI_ATTACH,
	CLI_QUIT,
	CLI_HELP,
	CLI_VERSION
};

#define CLI_LOGS_LINES 100
#define CLI_WAIT_FOREVER UINT64_MAX

struct cli {
	enum cli_command command;
	struct config flags; /* settings given as options (flags.set) */
	char **args;         /* owned array of borrowed argv operands, NULL-terminated (NULL when none) */
	size_t nargs;
	int help;            /* -h/--help: print help for command, exit 0 */
	int version;         /* -V/--version (command is CLI_VERSION) */
	int json;            /* ps --json */
	long lines;          /* logs -n N: the last N lines (default 100) */
	int follow;          /* logs -f: follow until ^C or tfrun exits */
	uint64_t wait_timeout_ms; /* wait --timeout; CLI_WAIT_FOREVER when none */
	char **with;         /* owned array of owned type names: run --with */
	size_t nwith;
	char *app;           /* owned: export --app */
	char *user;          /* owned: export --user */
	char *image;         /* owned: export --image */
	int force;           /* export --force */
};

/*
 * Parses argv (argc entries, argv[0] the program name). Options may come
 * before or after the command, "--opt VALUE", "--opt=VALUE", "-f FILE" and
 * "-fFILE" forms; "--" ends options. For `run`, option parsing stops at the
 * first operand, so the command's own options are left alone.
 *
 * Options are the rows of config_settings (config.h). A setting that has
 * a TFRUN_* variable or a tfrun.ini key is taken by every command that
 * loads the app (they all read the variables and the file); any other
 * option only by the commands its row names.
 *
 * Returns 0, or -1 with *cause allocated: one line naming the problem (an
 * unknown option, a missing or malformed value naming the flag, an option
 * the command does not take, a wrong number or form of operands (start's
 * TYPE or TYPE=N, a malformed -m), an unknown command). The caller prints it with a `tfrun help` hint and exits 2.
 * "tfrun --help" gives CLI_HELP; "tfrun --version" gives CLI_VERSION;
 * no command at all is a usage error.
 */
int cli_parse(int argc, char **argv, struct cli *cli, char **cause);

/* Frees what cli owns. */
void cli_free(struct cli *cli);

/*
 * Sets *cause to name, prefix, arg (quoted; none when NULL) and suffix:
 * a usage error's text. Returns -1.
 */
int cli_fail(char **cause, const char *name, const char *prefix,
    const char *arg, const char *suffix);

#endif
