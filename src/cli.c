/*
 * cli.c: the command line (SPEC section 1): argv in, a struct cli out.
 * Pure: no I/O. Every option is a row of config_settings (config.c):
 * this file walks argv and finds rows; it knows commands and operands,
 * not settings.
 *
 * Options may come before or after the command, as with GNU getopt's
 * permutation, but an option met before the command cannot be checked
 * against it yet: every option is checked once the line is read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "compat.h"
#include "config.h"
#include "export.h"
#include "formation.h"
#include "procfile.h"
#include "sig.h"
#include "xmalloc.h"

/* The largest count a formation may name here (the largest port step). */
#define CLI_MAX_COUNT 65535

/* How a command's operands are checked (FORM_NAME: NAME or TYPE). */
enum cli_form { FORM_ANY, FORM_NAME, FORM_SCALE, FORM_SIGNAL, FORM_START,
    FORM_EXPORT, FORM_HELP };

/*
 * The commands and their operands: at least min, at most max, of a form;
 * few is what is said when there are fewer than min (or, with max set,
 * another number).
 */
static const struct {
	const char *name;
	size_t min, max;
	enum cli_form form;
	const char *few;
} cli_commands[] = {
	[CLI_NONE] = { "", 0, 0, FORM_ANY, NULL },
	[CLI_START] = { "start", 0, SIZE_MAX, FORM_START, NULL },
	[CLI_RUN] = { "run", 1, SIZE_MAX, FORM_ANY, "a command is required" },
	[CLI_CHECK] = { "check", 0, 0, FORM_ANY, NULL },
	[CLI_ENV] = { "env", 0, 1, FORM_ANY, NULL },
	[CLI_EXPORT] = { "export", 2, 2, FORM_EXPORT,
	    "expected FORMAT and DIR" },
	[CLI_PS] = { "ps", 0, 0, FORM_ANY, NULL },
	[CLI_SCALE] = { "scale", 1, SIZE_MAX, FORM_SCALE, "expected TYPE=N" },
	[CLI_RESTART] = { "restart", 0, SIZE_MAX, FORM_NAME, NULL },
	[CLI_STOP] = { "stop", 1, SIZE_MAX, FORM_NAME,
	    "expected NAME or TYPE" },
	[CLI_SIGNAL] = { "signal", 2, SIZE_MAX, FORM_SIGNAL,
	    "expected SIGNAL and NAME or TYPE" },
	[CLI_LOGS] = { "logs", 0, SIZE_MAX, FORM_NAME, NULL },
	[CLI_WAIT] = { "wait", 0, 0, FORM_ANY, NULL },
	[CLI_ATTACH] = { "attach", 1, 1, FORM_NAME, "expected one NAME" },
	[CLI_QUIT] = { "quit", 0, 0, FORM_ANY, NULL },
	[CLI_HELP] = { "help", 0, 1, FORM_HELP, NULL },
	[CLI_VERSION] = { "version", 0, 0, FORM_ANY, NULL }
};

/* The options met, to check against the command once it is known. */
struct cli_state {
	struct cli *cli;
	struct {
		const struct config_setting *row;
		const char *at;	/* "--name..." in argv, or a letter */
	} *opts;
	size_t nopts;
};

/* Returns the command named name, or CLI_NONE. */
enum cli_command
cli_command_lookup(const char *name)
{
	size_t i;

	for (i = CLI_START; i < nitems(cli_commands); i++) {
		if (strcmp(cli_commands[i].name, name) == 0)
			return (enum cli_command)i;
	}
	return CLI_NONE;
}

/* Returns the name of command ("" for CLI_NONE). */
const char *
cli_command_name(enum cli_command command)
{
	if ((size_t)command >= nitems(cli_commands))
		return "";
	return cli_commands[command].name;
}

/* Frees what cli owns and leaves it empty. */
void
cli_free(struct cli *cli)
{
	size_t i;

	config_free(&cli->flags);
	free(cli->args);
	for (i = 0; i < cli->nwith; i++)
		free(cli->with[i]);
	free(cli->with);
	free(cli->app);
	free(cli->user);
	free(cli->image);
	memset(cli, 0, sizeof *cli);
}

/* Sets *cause to "PREFIX'ARG'SUFFIX", arg quoted unless NULL; returns -1. */
static int
cli_fail(char **cause, const char *name, const char *prefix, const char *arg,
    const char *suffix)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s%s", name, prefix);
	if (arg != NULL)
		buf_add_quoted(&b, arg, strlen(arg), 128);
	buf_adds(&b, suffix);
	*cause = buf_detach(&b);
	return -1;
}

/*
 * Tells whether command c takes the option of row r: a setting that has
 * a variable or an INI key is taken by every command that loads the app
 * (they all read the variables and the file).
 */
static int
cli_takes(const struct config_setting *r, enum cli_command c)
{
	return (r->cmds & CONFIG_CMD(c)) || (c >= CLI_START &&
	    c <= CLI_EXPORT && (r->var != NULL || r->key != NULL));
}

/*
 * Finds the row of a long option (name, len bytes) or of a letter, and
 * says in *neg whether it was a negative spelling and in *j which one. A
 * name may mean two things (-f is --procfile but logs -f follows;
 * --timeout is a grace but wait's a limit): the command's own meaning
 * wins, once the command is known.
 */
static const struct config_setting *
cli_find(const char *name, size_t len, char letter, enum cli_command c,
    int *neg, int *j)
{
	const struct config_setting *r, *found = NULL;
	const char *p;
	size_t i;
	int n, m;

	for (i = 0; i < config_nsettings; i++) {
		r = &config_settings[i];
		for (n = 0; n < 2; n++) {
			if (letter != '\0')
				m = n == 0 && r->letters != NULL && (p =
				    strchr(r->letters, letter)) != NULL ?
				    (int)(p - r->letters) : -1;
			else
				m = config_match(n ? r->negs : r->flags, name,
				    len);
			if (m >= 0 && (found == NULL || (!cli_takes(found, c) &&
			    cli_takes(r, c)))) {
				found = r;
				*neg = n;
				*j = m;
			}
		}
	}
	return found;
}

/*
 * Stores an option's value (NULL for one given without) through its row
 * and keeps the option (at) for the check against the command: a flag
 * without a value sets a boolean, a negative spelling sets it off (a
 * colour to never), a bare --color is always.
 */
static int
cli_set(struct cli_state *st, const struct config_setting *r, int neg, int j,
    const char *at, const char *value, char **cause)
{
	char *spelled, *origin, *why;
	int rc;

	st->opts = xreallocarray(st->opts, st->nopts + 1, sizeof *st->opts);
	st->opts[st->nopts].row = r;
	st->opts[st->nopts++].at = at;
	if (value == NULL)
		value = r->kind == CONFIG_K_COLOR ? (neg ? "never" : "always") :
		    (neg ? "false" : "true");
	spelled = config_spelling(neg ? r->negs : r->flags, (size_t)j);
	xasprintf(&origin, "--%s", spelled);
	rc = config_set(r->field == 0 ? (void *)st->cli :
	    (void *)&st->cli->flags, r, 0, value, origin, 1, &why);
	if (rc != 0) {
		xasprintf(cause, "%s: %s", origin, why);
		free(why);
	}
	free(spelled);
	free(origin);
	return rc;
}

/*
 * Handles the option word argv[*k]: "--name", "--name=VALUE" or "--name
 * VALUE", or a cluster of letters ("-hV", "-p5000", "-f FILE"). WHEN
 * follows a bare --color only when it is one.
 */
static int
cli_option(struct cli_state *st, int argc, char **argv, int *k, char **cause)
{
	enum cli_command c = st->cli->command;
	const struct config_setting *r;
	struct buf b = BUF_INIT;
	char *arg = argv[*k], *p, *value = NULL;
	const char *what = NULL;
	size_t len = strcspn(arg + 2, "=");
	int neg = 0, j, rc, v;

	if (arg[1] == '-' && (r = cli_find(arg + 2, len, '\0', c, &neg,
	    &j)) == NULL) {
		buf_adds(&b, "unknown option --");
		buf_add_escaped(&b, arg + 2, len, 128);
		*cause = buf_detach(&b);
		return -1;
	} else if (arg[1] == '-') {
		if (arg[2 + len] == '=' && (r->arg == NULL || neg))
			what = "takes no value";
		else if (arg[2 + len] == '=')
			value = arg + 3 + len;
		else if (r->arg != NULL && !neg && *k + 1 < argc &&
		    (r->kind != CONFIG_K_COLOR || config_parse_value(r->kind,
		    argv[*k + 1], &v, NULL) == 0))
			value = argv[++*k];
		else if (r->arg != NULL && !neg && r->kind != CONFIG_K_COLOR)
			what = "needs a value";
		if (what != NULL) {
			xasprintf(cause, "option %.*s %s", (int)len + 2, arg,
			    what);
			return -1;
		}
		return cli_set(st, r, neg, j, arg, value, cause);
	}
	for (p = arg + 1; *p != '\0'; p++) {
		if (*p == ' ' || (r = cli_find(NULL, 0, *p, c, &neg,
		    &j)) == NULL) {
			if (*p > ' ' && *p < 0x7f) {
				xasprintf(cause, "unknown option -%c", *p);
				return -1;
			}
			return cli_fail(cause, "unknown option in ", "", arg,
			    "");
		}
		value = NULL;
		if (r->arg != NULL && p[1] != '\0')
			value = p + 1;
		else if (r->arg != NULL && *k + 1 < argc)
			value = argv[++*k];
		else if (r->arg != NULL) {
			xasprintf(cause, "option -%c needs a value", *p);
			return -1;
		}
		if ((rc = cli_set(st, r, 0, j, p, value, cause)) != 0 ||
		    value != NULL)
			return rc;
	}
	return 0;
}

/* Tells whether s is TYPE=N, or with bare also TYPE; *len: TYPE's. */
static int
cli_type_count(const char *s, int bare, size_t *len)
{
	const char *eq = strchr(s, '=');

	*len = eq != NULL ? (size_t)(eq - s) : strlen(s);
	return procfile_valid_name(s, *len) && (eq == NULL ? bare :
	    eq[1] != '\0' && strspn(eq + 1, "0123456789") == strlen(eq + 1));
}

/*
 * Checks the number and form of the command's operands, and the form of
 * -m: malformed, they are usage errors like a malformed flag. Whether
 * types exist and counts fit is the app's business, checked later.
 */
static int
cli_check_operands(const struct cli *cli, char **cause)
{
	const char *name = cli_command_name(cli->command), *a;
	enum cli_form form = cli_commands[cli->command].form;
	size_t i, j, len, max = cli_commands[cli->command].max;
	struct formation_spec fs;
	int sig, rc = 0;

	if (cli->nargs < cli_commands[cli->command].min || (cli->nargs > max &&
	    cli_commands[cli->command].few != NULL))
		return cli_fail(cause, name, ": ", NULL,
		    cli_commands[cli->command].few);
	for (i = 0; i < cli->nargs && rc == 0; i++) {
		a = cli->args[i];
		if (i >= max)
			rc = cli_fail(cause, name, ": unexpected operand ", a, "");
		else if (form == FORM_HELP && cli_command_lookup(a) == CLI_NONE)
			rc = cli_fail(cause, name, ": unknown command ", a, "");
		else if (form == FORM_EXPORT && i == 0 && export_find(a) == NULL)
			rc = cli_fail(cause, name, ": unknown format ", a,
			    " (systemd, supervisord, runit or kubernetes)");
		else if (form == FORM_EXPORT && i == 1 && *a == '\0')
			rc = cli_fail(cause, name, ": DIR is empty", NULL, "");
		else if (form == FORM_SCALE && !cli_type_count(a, 0, &len))
			rc = cli_fail(cause, name, ": ", a, " is not TYPE=N");
		else if (form == FORM_SIGNAL && i == 0 && sig_parse(a, &sig) != 0)
			rc = cli_fail(cause, name, ": ", a, " is not a signal");
		else if ((form == FORM_NAME || (form == FORM_SIGNAL && i > 0)) &&
		    !procfile_valid_instance(a))
			rc = cli_fail(cause, name, ": ", a,
			    " is not NAME (TYPE.N) or TYPE");
		else if (form == FORM_START && !cli_type_count(a, 1, &len))
			rc = cli_fail(cause, "", "", a,
			    ": expected TYPE or TYPE=N (N a whole number)");
		for (j = 0; form == FORM_START && rc == 0 && j < i; j++) {
			if (strncmp(cli->args[j], a, len) == 0 &&
			    (cli->args[j][len] == '\0' ||
			    cli->args[j][len] == '='))
				rc = cli_fail(cause, "", "", a,
				    ": process type named twice");
		}
	}
	if (rc == 0 && form == FORM_EXPORT && cli->image == NULL &&
	    strcmp(cli->args[0], "kubernetes") == 0)
		rc = cli_fail(cause, name, ": kubernetes needs --image IMAGE",
		    NULL, "");
	if (rc != 0 || !(cli->flags.set & CONFIG_FORMATION))
		return rc;
	if (formation_parse(cli->flags.origin[config_field_index(
	    CONFIG_FORMATION)], cli->flags.formation, CLI_MAX_COUNT, &fs,
	    cause) != 0)
		return -1;
	formation_spec_free(&fs);
	return 0;
}

/* Parses argv into cli; see cli.h. */
int
cli_parse(int argc, char **argv, struct cli *cli, char **cause)
{
	struct cli_state st;
	const char *at;
	char *arg;
	size_t i;
	int k, r = 0, done = 0;

	memset(cli, 0, sizeof *cli);
	cli->lines = CLI_LOGS_LINES;
	cli->wait_timeout_ms = CLI_WAIT_FOREVER;
	memset(&st, 0, sizeof st);
	st.cli = cli;
	for (k = 1; k < argc && r == 0; k++) {
		arg = argv[k];
		if (!done && strcmp(arg, "--") == 0)
			done = 1;
		else if (!done && arg[0] == '-' && arg[1] != '\0')
			r = cli_option(&st, argc, argv, &k, cause);
		else if (cli->command == CLI_NONE) {
			if ((cli->command = cli_command_lookup(arg)) == CLI_NONE)
				r = cli_fail(cause, "unknown command ", "", arg,
				    "");
		} else {
			/* Kept NULL-terminated: `run` hands it to execvp. */
			cli->args = xreallocarray(cli->args, cli->nargs + 2,
			    sizeof *cli->args);
			cli->args[cli->nargs++] = arg;
			cli->args[cli->nargs] = NULL;
			/* The command's own options belong to the command. */
			done |= cli->command == CLI_RUN;
		}
	}
	/* Asking for help or the version excuses the rest of the line. */
	if (r == 0 && cli->help) {
		if (cli->command == CLI_NONE)
			cli->command = CLI_HELP;
		if (cli->command == CLI_HELP)
			r = cli_check_operands(cli, cause);
	} else if (r == 0 && cli->version)
		cli->command = CLI_VERSION;
	else if (r == 0 && cli->command == CLI_NONE)
		r = cli_fail(cause, "no command given", "", NULL, "");
	else if (r == 0) {
		for (i = 0; i < st.nopts && cli_takes(st.opts[i].row,
		    cli->command); i++)
			;
		at = i < st.nopts ? st.opts[i].at : NULL;
		if (at == NULL)
			r = cli_check_operands(cli, cause);
		else {
			xasprintf(cause, "option %s%.*s does not apply to '%s'",
			    *at == '-' ? "" : "-", *at == '-' ?
			    (int)strcspn(at, "=") : 1, at,
			    cli_command_name(cli->command));
			r = -1;
		}
	}
	free(st.opts);
	if (r != 0)
		cli_free(cli);
	return r;
}
