/*
 * command.c: tfrun's commands (SPEC section 1) and their operands: the
 * names, how many operands each takes, and their forms (TYPE=N, a signal,
 * NAME or TYPE, an export format). Pure. The options, which become
 * settings, are cli.c's and config.c's.
 */
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "command.h"
#include "compat.h"
#include "export.h"
#include "procfile.h"
#include "sig.h"

/*
 * The commands and their operands: at least min, at most max; few is
 * said when there are fewer (or, with max set, more). Their forms are
 * checked by command_check_operands.
 */
static const struct {
	const char *name;
	size_t min, max;
	const char *few;
} command_table[] = {
	[CLI_NONE] = { "", 0, 0, NULL },
	[CLI_START] = { "start", 0, SIZE_MAX, NULL },
	[CLI_RUN] = { "run", 1, SIZE_MAX, "a command is required" },
	[CLI_CHECK] = { "check", 0, 0, NULL },
	[CLI_ENV] = { "env", 0, 1, NULL },
	[CLI_EXPORT] = { "export", 2, 2, "expected FORMAT and DIR" },
	[CLI_PS] = { "ps", 0, 0, NULL },
	[CLI_SCALE] = { "scale", 1, SIZE_MAX, "expected TYPE=N" },
	[CLI_RESTART] = { "restart", 0, SIZE_MAX, NULL },
	[CLI_STOP] = { "stop", 1, SIZE_MAX, "expected NAME or TYPE" },
	[CLI_SIGNAL] = { "signal", 2, SIZE_MAX,
	    "expected SIGNAL and NAME or TYPE" },
	[CLI_LOGS] = { "logs", 0, SIZE_MAX, NULL },
	[CLI_WAIT] = { "wait", 0, 0, NULL },
	[CLI_ATTACH] = { "attach", 1, 1, "expected one NAME" },
	[CLI_QUIT] = { "quit", 0, 0, NULL },
	[CLI_HELP] = { "help", 0, 1, NULL },
	[CLI_VERSION] = { "version", 0, 0, NULL }
};

/* Returns the command named name, or CLI_NONE; see command.h. */
enum cli_command
command_lookup(const char *name)
{
	size_t i;

	for (i = CLI_START; i < nitems(command_table); i++) {
		if (strcmp(command_table[i].name, name) == 0)
			return (enum cli_command)i;
	}
	return CLI_NONE;
}

/* Returns the name of command ("" for CLI_NONE); see command.h. */
const char *
command_name(enum cli_command command)
{
	return (size_t)command < nitems(command_table) ?
	    command_table[command].name : "";
}

/* Checks the number and form of the operands; see command.h. */
int
command_check_operands(const struct cli *cli, char **cause)
{
	enum cli_command c = cli->command;
	const char *name = command_name(c), *a, *eq;
	size_t i, j, len, max = command_table[c].max;
	int sig, typed, rc = 0;

	if (cli->nargs < command_table[c].min || (cli->nargs > max &&
	    command_table[c].few != NULL))
		return cli_fail(cause, name, ": ", NULL, command_table[c].few);
	for (i = 0; i < cli->nargs && rc == 0; i++) {
		a = cli->args[i];
		/* As TYPE=N or TYPE: a valid TYPE (len bytes), N a number. */
		eq = strchr(a, '=');
		len = eq != NULL ? (size_t)(eq - a) : strlen(a);
		typed = procfile_valid_name(a, len) && (eq == NULL ||
		    (eq[1] != '\0' && strspn(eq + 1, "0123456789") ==
		    strlen(eq + 1)));
		if (i >= max)
			rc = cli_fail(cause, name, ": unexpected operand ", a,
			    "");
		else if (c == CLI_HELP && command_lookup(a) == CLI_NONE)
			rc = cli_fail(cause, name, ": unknown command ", a, "");
		else if (c == CLI_EXPORT && i == 0 && export_find(a) == NULL)
			rc = cli_fail(cause, name, ": unknown format ", a,
			    " (systemd, supervisord, runit or kubernetes)");
		else if (c == CLI_EXPORT && i == 1 && *a == '\0')
			rc = cli_fail(cause, name, ": DIR is empty", NULL, "");
		else if (c == CLI_EXPORT && i == 1 && cli->image == NULL &&
		    strcmp(cli->args[0], "kubernetes") == 0)
			rc = cli_fail(cause, name,
			    ": kubernetes needs --image IMAGE", NULL, "");
		else if (c == CLI_SCALE && (!typed || eq == NULL))
			rc = cli_fail(cause, name, ": ", a, " is not TYPE=N");
		else if (c == CLI_SIGNAL && i == 0 && sig_parse(a, &sig) != 0)
			rc = cli_fail(cause, name, ": ", a, " is not a signal");
		else if ((c == CLI_RESTART || c == CLI_STOP || c == CLI_LOGS ||
		    c == CLI_ATTACH || (c == CLI_SIGNAL && i > 0)) &&
		    !procfile_valid_instance(a))
			rc = cli_fail(cause, name, ": ", a,
			    " is not NAME (TYPE.N) or TYPE");
		else if (c == CLI_START && !typed)
			rc = cli_fail(cause, "", "", a,
			    ": expected TYPE or TYPE=N (N a whole number)");
		for (j = 0; c == CLI_START && rc == 0 && j < i; j++) {
			if (strncmp(cli->args[j], a, len) == 0 &&
			    (cli->args[j][len] == '\0' ||
			    cli->args[j][len] == '='))
				rc = cli_fail(cause, "", "", a,
				    ": process type named twice");
		}
	}
	return rc;
}
