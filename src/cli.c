/*
 * cli.c: the command line (SPEC section 1): argv in, a struct cli out, and
 * the help texts. Pure: no I/O. Every option is a row of config_settings
 * (config.c): this file walks argv, finds rows and builds the help from
 * them; it knows commands and operands, not settings.
 *
 * Options may come before or after the command, as with GNU getopt's
 * permutation, but an option met before the command cannot be checked
 * against it yet: those wait in a list until the command is known.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "compat.h"
#include "config.h"
#include "formation.h"
#include "procfile.h"
#include "sig.h"
#include "xmalloc.h"

/* The largest count a formation may name here (the largest port step). */
#define CLI_MAX_COUNT 65535

/* How a command's operands are checked. */
enum cli_form {
	FORM_ANY,	/* anything (run's command) */
	FORM_NAME,	/* NAME (TYPE.N) or TYPE */
	FORM_SCALE,	/* TYPE=N */
	FORM_SIGNAL,	/* SIGNAL, then NAME or TYPE */
	FORM_START,	/* TYPE or TYPE=N, each type once */
	FORM_EXPORT,	/* FORMAT DIR */
	FORM_HELP	/* a command */
};

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

static const char *const cli_export_formats[] = {
	"systemd", "supervisord", "runit", "kubernetes"
};

/* An option met before the command, to check once the command is known. */
struct cli_pending {
	const struct config_setting *row;
	char *as;		/* owned: the option as typed, "-p" or "--port" */
};

/* The state of one cli_parse call. */
struct cli_state {
	struct cli *cli;
	struct cli_pending *pending;	/* owned */
	size_t npending;
	char *misplaced;	/* owned: the first option the command lacks */
	int done;		/* no more options: "--" or run's command */
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
	config_init(&cli->flags);
}

/* Sets *cause to "PREFIX'ARG'SUFFIX" with arg quoted; returns -1. */
static int
cli_fail(char **cause, const char *prefix, const char *arg,
    const char *suffix)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, prefix);
	if (arg != NULL)
		buf_add_quoted(&b, arg, strlen(arg), 128);
	buf_adds(&b, suffix);
	*cause = buf_detach(&b);
	return -1;
}

/* Tells whether a command loads the app (and so reads every setting). */
static int
cli_loads_app(enum cli_command c)
{
	return c >= CLI_START && c <= CLI_EXPORT;
}

/* Tells whether the command takes the option of row r; see cli.h. */
static int
cli_takes(const struct config_setting *r, enum cli_command c)
{
	return (r->cmds & CONFIG_CMD(c)) || (cli_loads_app(c) &&
	    (r->var != NULL || r->key != NULL));
}

/*
 * Finds the row of a long option (name, len bytes) or of a letter, and
 * says in *neg whether it was a negative spelling and in *spelled the
 * long spelling (owned). A name may mean two things (-f is --procfile but
 * logs -f follows; --timeout is a grace but wait's a limit): the
 * command's own meaning wins, once the command is known.
 */
static const struct config_setting *
cli_find(const char *name, size_t len, char letter, enum cli_command c,
    int *neg, char **spelled)
{
	const struct config_setting *r, *found = NULL;
	char *s;
	size_t i, j;
	int n, hit;

	*spelled = NULL;
	for (i = 0; i < config_nsettings; i++) {
		r = &config_settings[i];
		for (n = 0; n < 2; n++) {
			for (j = 0; (s = config_spelling(n ? r->negs : r->flags,
			    j)) != NULL; j++) {
				hit = letter != '\0' ? n == 0 &&
				    j < strlen(r->letters) &&
				    r->letters[j] == letter : strlen(s) == len &&
				    strncmp(s, name, len) == 0;
				if (hit && (found == NULL ||
				    (!cli_takes(found, c) && cli_takes(r, c)))) {
					found = r;
					*neg = n;
					free(*spelled);
					*spelled = s;
					s = NULL;
				}
				free(s);
			}
		}
	}
	return found;
}

/*
 * Checks that the command takes the option of row r (typed as as), or
 * keeps it until the command is known. Only the first misfit is kept: it
 * is reported at the end, unless help or the version was asked for.
 */
static void
cli_check_option(struct cli_state *st, const struct config_setting *r,
    const char *as)
{
	enum cli_command c = st->cli->command;

	if (c == CLI_NONE) {
		st->pending = xreallocarray(st->pending, st->npending + 1,
		    sizeof *st->pending);
		st->pending[st->npending].row = r;
		st->pending[st->npending++].as = xstrdup(as);
	} else if (!cli_takes(r, c) && st->misplaced == NULL)
		xasprintf(&st->misplaced, "option %s does not apply to '%s'",
		    as, cli_command_name(c));
}

/*
 * Stores an option's value (NULL for one given without) through its row:
 * a flag without a value sets a boolean, a negative spelling sets it off
 * (a colour to never), a bare --color is always.
 */
static int
cli_set(struct cli *cli, const struct config_setting *r, const char *spelled,
    int neg, const char *value, char **cause)
{
	char *origin, *why;
	int rc;

	if (value == NULL)
		value = r->kind == CONFIG_K_COLOR ? (neg ? "never" : "always") :
		    (neg ? "false" : "true");
	xasprintf(&origin, "--%s", spelled);
	rc = config_set(r->field == 0 ? (void *)cli : (void *)&cli->flags, r,
	    0, value, origin, 1, &why);
	if (rc != 0) {
		xasprintf(cause, "%s: %s", origin, why);
		free(why);
	}
	free(origin);
	return rc;
}

/* Handles an operand: the command first, then the command's operands. */
static int
cli_operand(struct cli_state *st, char *arg, char **cause)
{
	struct cli *cli = st->cli;
	size_t i;

	if (cli->command == CLI_NONE) {
		if ((cli->command = cli_command_lookup(arg)) == CLI_NONE)
			return cli_fail(cause, "unknown command ", arg, "");
		for (i = 0; i < st->npending; i++)
			cli_check_option(st, st->pending[i].row,
			    st->pending[i].as);
		return 0;
	}
	/* Kept NULL-terminated: `run` hands the array to execvp. */
	cli->args = xreallocarray(cli->args, cli->nargs + 2,
	    sizeof *cli->args);
	cli->args[cli->nargs++] = arg;
	cli->args[cli->nargs] = NULL;
	/* The command's own options belong to the command. */
	if (cli->command == CLI_RUN)
		st->done = 1;
	return 0;
}

/* Handles "--name", "--name=VALUE" or "--name VALUE" at argv[*i]. */
static int
cli_long(struct cli_state *st, int argc, char **argv, int *i, char **cause)
{
	const struct config_setting *r;
	struct buf b = BUF_INIT;
	char *name, *eq, *value = NULL, *spelled, *as;
	size_t len;
	int neg = 0, rc;

	name = argv[*i] + 2;
	eq = strchr(name, '=');
	len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	if ((r = cli_find(name, len, '\0', st->cli->command, &neg,
	    &spelled)) == NULL) {
		buf_adds(&b, "unknown option --");
		buf_add_escaped(&b, name, len, 128);
		*cause = buf_detach(&b);
		return -1;
	}
	if (r->arg == NULL || neg) {
		if (eq != NULL) {
			xasprintf(cause, "option --%s takes no value", spelled);
			free(spelled);
			return -1;
		}
	} else if (eq != NULL)
		value = eq + 1;
	else if (r->kind == CONFIG_K_COLOR) {
		/* WHEN follows a bare --color only when it is one. */
		if (*i + 1 < argc &&
		    config_parse_value(r->kind, argv[*i + 1], &rc, NULL) == 0)
			value = argv[++*i];
	} else if (*i + 1 < argc)
		value = argv[++*i];
	else {
		xasprintf(cause, "option --%s needs a value", spelled);
		free(spelled);
		return -1;
	}
	xasprintf(&as, "--%s", spelled);
	cli_check_option(st, r, as);
	free(as);
	rc = cli_set(st->cli, r, spelled, neg, value, cause);
	free(spelled);
	return rc;
}

/* Handles a cluster of short options ("-p5000", "-hV", "-f FILE"). */
static int
cli_short(struct cli_state *st, int argc, char **argv, int *i, char **cause)
{
	const struct config_setting *r;
	char *arg = argv[*i], *value, *spelled, as[3] = "-?";
	size_t j;
	int neg, rc;

	for (j = 1; arg[j] != '\0'; j++) {
		if (arg[j] == ' ' || (r = cli_find(NULL, 0, arg[j],
		    st->cli->command, &neg, &spelled)) == NULL) {
			if (arg[j] > ' ' && arg[j] < 0x7f) {
				xasprintf(cause, "unknown option -%c", arg[j]);
				return -1;
			}
			return cli_fail(cause, "unknown option in ", arg, "");
		}
		as[1] = arg[j];
		cli_check_option(st, r, as);
		value = NULL;
		if (r->arg != NULL && r->kind != CONFIG_K_COLOR) {
			if (arg[j + 1] != '\0')
				value = arg + j + 1;
			else if (*i + 1 < argc)
				value = argv[++*i];
			else {
				free(spelled);
				xasprintf(cause, "option -%c needs a value",
				    arg[j]);
				return -1;
			}
		}
		rc = cli_set(st->cli, r, spelled, 0, value, cause);
		free(spelled);
		if (rc != 0 || value != NULL)
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
	const char *name = cli_command_name(cli->command), *what = NULL, *a;
	enum cli_form form = cli_commands[cli->command].form;
	struct formation_spec fs;
	char *prefix;
	size_t i, j, len;
	int sig, rc = 0;

	if (cli->nargs < cli_commands[cli->command].min ||
	    (cli->nargs > cli_commands[cli->command].max &&
	    cli_commands[cli->command].few != NULL)) {
		xasprintf(cause, "%s: %s", name, cli_commands[cli->command].few);
		return -1;
	}
	xasprintf(&prefix, "%s: ", name);
	for (i = 0; i < cli->nargs && rc == 0; i++) {
		a = cli->args[i];
		if (i >= cli_commands[cli->command].max)
			what = "unexpected operand ";
		else if (form == FORM_HELP && cli_command_lookup(a) == CLI_NONE)
			what = "unknown command ";
		else if (form == FORM_EXPORT && i == 0) {
			for (j = 0; j < nitems(cli_export_formats) &&
			    strcmp(a, cli_export_formats[j]) != 0; j++)
				;
			if (j == nitems(cli_export_formats))
				rc = cli_fail(cause, "export: unknown format ", a,
				    " (systemd, supervisord, runit or "
				    "kubernetes)");
		} else if (form == FORM_EXPORT && *a == '\0')
			rc = cli_fail(cause, "export: DIR is empty", NULL, "");
		else if (form == FORM_SCALE && !cli_type_count(a, 0, &len))
			rc = cli_fail(cause, prefix, a, " is not TYPE=N");
		else if (form == FORM_SIGNAL && i == 0 && sig_parse(a, &sig) != 0)
			rc = cli_fail(cause, prefix, a, " is not a signal");
		else if ((form == FORM_NAME || (form == FORM_SIGNAL && i > 0)) &&
		    !procfile_valid_instance(a))
			rc = cli_fail(cause, prefix, a,
			    " is not NAME (TYPE.N) or TYPE");
		else if (form == FORM_START && !cli_type_count(a, 1, &len))
			rc = cli_fail(cause, "", a,
			    ": expected TYPE or TYPE=N (N a whole number)");
		for (j = 0; form == FORM_START && rc == 0 && j < i; j++) {
			if (strncmp(cli->args[j], a, len) == 0 &&
			    (cli->args[j][len] == '\0' ||
			    cli->args[j][len] == '='))
				rc = cli_fail(cause, "", a,
				    ": process type named twice");
		}
		if (what != NULL) {
			free(prefix);
			xasprintf(&prefix, "%s: %s", name, what);
			rc = cli_fail(cause, prefix, a, "");
		}
	}
	free(prefix);
	if (rc == 0 && form == FORM_EXPORT && cli->image == NULL &&
	    strcmp(cli->args[0], "kubernetes") == 0)
		rc = cli_fail(cause, "export: kubernetes needs --image IMAGE",
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
	char *arg;
	size_t i;
	int k, r = 0;

	memset(cli, 0, sizeof *cli);
	config_init(&cli->flags);
	cli->lines = CLI_LOGS_LINES;
	cli->wait_timeout_ms = CLI_WAIT_FOREVER;
	memset(&st, 0, sizeof st);
	st.cli = cli;
	for (k = 1; k < argc && r == 0; k++) {
		arg = argv[k];
		if (st.done || arg[0] != '-' || arg[1] == '\0')
			r = cli_operand(&st, arg, cause);
		else if (strcmp(arg, "--") == 0)
			st.done = 1;
		else if (arg[1] == '-')
			r = cli_long(&st, argc, argv, &k, cause);
		else
			r = cli_short(&st, argc, argv, &k, cause);
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
		r = cli_fail(cause, "no command given", NULL, "");
	else if (r == 0 && st.misplaced != NULL) {
		*cause = st.misplaced;
		st.misplaced = NULL;
		r = -1;
	} else if (r == 0)
		r = cli_check_operands(cli, cause);
	for (i = 0; i < st.npending; i++)
		free(st.pending[i].as);
	free(st.pending);
	free(st.misplaced);
	if (r != 0)
		cli_free(cli);
	return r;
}

