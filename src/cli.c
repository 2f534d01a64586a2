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

/* The commands: name, operands, summary and what help says of them. */
static const struct cli_command_info {
	const char *name;
	const char *operands;
	const char *summary;
	const char *about;
} cli_commands[] = {
	[CLI_NONE] = { "", "", "", "" },
	[CLI_START] = { "start", "[TYPE | TYPE=N]...",
	    "run the formation (all types, or those named)",
	    "Run the formation: every process type of the Procfile, or the types\n"
	    "named (TYPE=N also sets their count), with their output prefixed, until\n"
	    "SIGINT, SIGTERM or SIGHUP, 'tfrun quit', or an instance's exit.\n" },
	[CLI_RUN] = { "run", "[--] COMMAND [ARG]...",
	    "run a one-off command in the app's environment",
	    "Run a one-off command in the root with the app's environment (PORT is\n"
	    "the base port, PS=run.1), in tfrun's place. One argument runs through\n"
	    "/bin/sh -c, or runs that type's command if it names a Procfile type;\n"
	    "several run as given. Options end at COMMAND.\n" },
	[CLI_CHECK] = { "check", "", "validate the Procfile, env files and config",
	    "Validate the Procfile, env files and config and list every error; exit\n"
	    "0 if all is valid, 1 if not.\n" },
	[CLI_ENV] = { "env", "[NAME]", "print the environment a process would get",
	    "Print the environment a process would get, sorted, in .env syntax: for\n"
	    "instance NAME (web.2, with its PORT and PS), or for 'tfrun run'.\n" },
	[CLI_EXPORT] = { "export", "FORMAT DIR",
	    "write systemd/supervisord/runit/kubernetes files",
	    "Write configuration for FORMAT (systemd, supervisord, runit or\n"
	    "kubernetes) into DIR, from the Procfile, env files, formation and\n"
	    "policy, then print the commands that install and start it.\n" },
	[CLI_PS] = { "ps", "", "list the instances of a running tfrun start",
	    "List the instances of a running 'tfrun start': name, pid, state, uptime,\n"
	    "restarts, port and command.\n" },
	[CLI_SCALE] = { "scale", "TYPE=N...", "change the formation while it runs",
	    "Change how many instances of each type a running 'tfrun start' runs.\n"
	    "New instances get their usual names and ports; scaling down stops the\n"
	    "highest-numbered ones.\n" },
	[CLI_RESTART] = { "restart", "[NAME | TYPE]...",
	    "restart instances (all if none is named)",
	    "Restart the named instances (web.1) or types (web) of a running\n"
	    "'tfrun start', or all of its instances.\n" },
	[CLI_STOP] = { "stop", "NAME | TYPE...",
	    "stop instances without restarting them",
	    "Stop instances or types of a running 'tfrun start' without restarting\n"
	    "them; the rest keeps running.\n" },
	[CLI_SIGNAL] = { "signal", "SIGNAL NAME | TYPE...",
	    "send a signal to instances",
	    "Send SIGNAL (USR1, SIGUSR1 or a number) to the process groups of\n"
	    "instances or types of a running 'tfrun start'.\n" },
	[CLI_LOGS] = { "logs", "[NAME | TYPE]...",
	    "print (or follow) instances' last lines",
	    "Print the last lines of instances (all if none is named) of a running\n"
	    "'tfrun start', in its log format.\n" },
	[CLI_WAIT] = { "wait", "", "wait until every instance is ready",
	    "Return 0 once every instance of a running 'tfrun start' is ready; 1,\n"
	    "naming those that are not, when the timeout passes or tfrun exits.\n" },
	[CLI_ATTACH] = { "attach", "NAME", "connect the terminal to an instance",
	    "Connect the terminal to instance NAME of a running 'tfrun start': its\n"
	    "output, and keystrokes to it. ^P ^Q detaches.\n" },
	[CLI_QUIT] = { "quit", "", "stop a running tfrun start gracefully",
	    "Stop a running 'tfrun start' gracefully; it exits with status 0.\n" },
	[CLI_HELP] = { "help", "[COMMAND]", "show this help, or a command's", "" },
	[CLI_VERSION] = { "version", "", "print tfrun's version",
	    "Print tfrun's version.\n" }
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
 * Returns the i-th '|'-separated spelling of list (owned), or NULL when
 * there are fewer.
 */
static char *
cli_spelling(const char *list, size_t i)
{
	const char *bar;

	for (; list != NULL && i > 0; i--)
		list = (bar = strchr(list, '|')) != NULL ? bar + 1 : NULL;
	if (list == NULL)
		return NULL;
	bar = strchr(list, '|');
	return bar != NULL ? xstrndup(list, (size_t)(bar - list)) :
	    xstrdup(list);
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
			for (j = 0; (s = cli_spelling(n ? r->negs : r->flags,
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
	rc = config_set(r->where == CONFIG_IN_CLI ? (void *)cli :
	    (void *)&cli->flags, r, 0, value, origin, 1, &why);
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
		    config_parse_value(r->kind, argv[*i + 1], &rc) == 0)
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

/* Tells whether s names an instance or a type: TYPE or TYPE.N (N >= 1). */
static int
cli_instance(const char *s)
{
	const char *dot = strrchr(s, '.');

	if (dot == NULL)
		return procfile_valid_name(s, strlen(s));
	return procfile_valid_name(s, (size_t)(dot - s)) && dot[1] >= '1' &&
	    dot[1] <= '9' && strspn(dot + 1, "0123456789") == strlen(dot + 1);
}

/*
 * Tells whether s is TYPE=N (with count) or TYPE (without); the length of
 * TYPE goes to *len.
 */
static int
cli_type_count(const char *s, int count, size_t *len)
{
	const char *eq = strchr(s, '=');

	*len = eq != NULL ? (size_t)(eq - s) : strlen(s);
	if (!procfile_valid_name(s, *len))
		return 0;
	if (eq == NULL)
		return !count;
	return eq[1] != '\0' && strspn(eq + 1, "0123456789") == strlen(eq + 1);
}

/*
 * Checks start's operands (TYPE or TYPE=N, each type once) and the form
 * of -m: malformed, they are usage errors like a malformed flag. Whether
 * the types exist and the counts fit is the app's business, checked later.
 */
static int
cli_check_start(const struct cli *cli, char **cause)
{
	struct formation_spec fs;
	const char *origin;
	size_t i, j, len;

	for (i = 0; cli->command == CLI_START && i < cli->nargs; i++) {
		if (!cli_type_count(cli->args[i], 0, &len) &&
		    !cli_type_count(cli->args[i], 1, &len))
			return cli_fail(cause, "", cli->args[i],
			    ": expected TYPE or TYPE=N (N a whole number)");
		for (j = 0; j < i; j++) {
			if (strncmp(cli->args[j], cli->args[i], len) == 0 &&
			    (cli->args[j][len] == '\0' ||
			    cli->args[j][len] == '='))
				return cli_fail(cause, "", cli->args[i],
				    ": process type named twice");
		}
	}
	if (!(cli->flags.set & CONFIG_FORMATION))
		return 0;
	origin = cli->flags.origin[config_field_index(CONFIG_FORMATION)];
	if (formation_parse(origin, cli->flags.formation, CLI_MAX_COUNT, &fs,
	    cause) != 0)
		return -1;
	formation_spec_free(&fs);
	return 0;
}

/* Checks the number and form of the command's operands. */
static int
cli_check_operands(const struct cli *cli, char **cause)
{
	const char *name = cli_command_name(cli->command), *what = NULL;
	char *prefix;
	size_t i, max = SIZE_MAX, len, first = 0;
	int sig, rc;

	switch (cli->command) {
	case CLI_RUN:
		if (cli->nargs == 0)
			what = "a command is required";
		break;
	case CLI_CHECK:
	case CLI_PS:
	case CLI_WAIT:
	case CLI_QUIT:
	case CLI_VERSION:
		max = 0;
		break;
	case CLI_ENV:
	case CLI_HELP:
		max = 1;
		if (cli->command == CLI_HELP && cli->nargs == 1 &&
		    cli_command_lookup(cli->args[0]) == CLI_NONE)
			return cli_fail(cause, "help: unknown command ",
			    cli->args[0], "");
		break;
	case CLI_EXPORT:
		if (cli->nargs != 2)
			what = "expected FORMAT and DIR";
		for (i = 0; what == NULL && i < nitems(cli_export_formats) &&
		    strcmp(cli->args[0], cli_export_formats[i]) != 0; i++)
			;
		if (what == NULL && i == nitems(cli_export_formats))
			return cli_fail(cause, "export: unknown format ",
			    cli->args[0], " (systemd, supervisord, runit or "
			    "kubernetes)");
		if (what == NULL && *cli->args[1] == '\0')
			what = "DIR is empty";
		else if (what == NULL && cli->image == NULL &&
		    strcmp(cli->args[0], "kubernetes") == 0)
			what = "kubernetes needs --image IMAGE";
		break;
	case CLI_SCALE:
		if (cli->nargs == 0)
			what = "expected TYPE=N";
		for (i = 0; what == NULL && i < cli->nargs; i++) {
			if (!cli_type_count(cli->args[i], 1, &len)) {
				xasprintf(&prefix, "%s: ", name);
				rc = cli_fail(cause, prefix, cli->args[i],
				    " is not TYPE=N");
				free(prefix);
				return rc;
			}
		}
		break;
	case CLI_SIGNAL:
		if (cli->nargs < 2)
			what = "expected SIGNAL and NAME or TYPE";
		else if (sig_parse(cli->args[0], &sig) != 0)
			return cli_fail(cause, "signal: ", cli->args[0],
			    " is not a signal");
		first = 1;
		/* FALLTHROUGH */
	case CLI_STOP:
	case CLI_RESTART:
	case CLI_LOGS:
	case CLI_ATTACH:
		if (cli->command == CLI_STOP && cli->nargs == 0)
			what = "expected NAME or TYPE";
		if (cli->command == CLI_ATTACH && cli->nargs != 1)
			what = "expected one NAME";
		for (i = first; what == NULL && i < cli->nargs; i++) {
			if (!cli_instance(cli->args[i])) {
				xasprintf(&prefix, "%s: ", name);
				rc = cli_fail(cause, prefix, cli->args[i],
				    " is not NAME (TYPE.N) or TYPE");
				free(prefix);
				return rc;
			}
		}
		break;
	default:
		break;
	}
	if (what != NULL) {
		xasprintf(cause, "%s: %s", name, what);
		return -1;
	}
	if (cli->nargs > max) {
		xasprintf(&prefix, "%s: unexpected operand ", name);
		rc = cli_fail(cause, prefix, cli->args[max], "");
		free(prefix);
		return rc;
	}
	return cli_check_start(cli, cause);
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

/* Appends one help line: the option at col 2, its text at col 29. */
static void
cli_help_line(struct buf *b, char letter, const char *flag, const char *arg,
    const char *text, size_t textlen)
{
	size_t start = b->len;

	if (letter != ' ' && letter != '\0')
		buf_printf(b, "  -%c, --%s", letter, flag);
	else
		buf_printf(b, "      --%s", flag);
	if (arg != NULL)
		buf_printf(b, " %s", arg);
	do
		buf_addc(b, ' ');
	while (b->len - start < 29);
	buf_add(b, text, textlen);
	buf_addc(b, '\n');
}

/* Appends the lines of every option command uses, in table order. */
static void
cli_help_options(struct buf *b, enum cli_command command)
{
	const struct config_setting *r;
	const char *bar;
	char *first, *s, *text;
	size_t i, j;

	for (i = 0; i < config_nsettings; i++) {
		r = &config_settings[i];
		if (r->flags == NULL || !(r->cmds & CONFIG_CMD(command)))
			continue;
		first = cli_spelling(r->flags, 0);
		bar = strchr(r->help, '|');
		for (j = 0; (s = cli_spelling(r->flags, j)) != NULL; j++) {
			if (j == 0)
				cli_help_line(b, r->letters[0], s, r->arg,
				    r->help, bar != NULL ?
				    (size_t)(bar - r->help) : strlen(r->help));
			else {
				xasprintf(&text, "the same as --%s", first);
				cli_help_line(b, j < strlen(r->letters) ?
				    r->letters[j] : ' ', s, r->arg, text,
				    strlen(text));
				free(text);
			}
			free(s);
		}
		for (j = 0; bar != NULL &&
		    (s = cli_spelling(r->negs, j)) != NULL; j++) {
			cli_help_line(b, ' ', s, NULL, bar + 1, strlen(bar + 1));
			free(s);
		}
		free(first);
	}
}

/* Returns the help text for command, or the general help; see cli.h. */
const char *
cli_help_text(enum cli_command command)
{
	static char *texts[nitems(cli_commands)];
	const struct cli_command_info *ci;
	struct buf b = BUF_INIT;
	size_t i, start;

	if (command == CLI_HELP || (size_t)command >= nitems(cli_commands))
		command = CLI_NONE;
	if (texts[command] != NULL)
		return texts[command];
	ci = &cli_commands[command];
	if (command != CLI_NONE) {
		buf_printf(&b, "usage: tfrun %s [OPTIONS]%s%s\n\n%s\nOptions:\n",
		    ci->name, *ci->operands != '\0' ? " " : "", ci->operands,
		    ci->about);
		cli_help_options(&b, command);
		return texts[command] = buf_detach(&b);
	}
	buf_adds(&b, "usage: tfrun COMMAND [OPTIONS] [ARG]...\n\n"
	    "Run a Procfile app's processes with its .env files, merge their "
	    "output\ninto one prefixed log, and stop them cleanly.\n\n"
	    "Commands:\n");
	for (i = CLI_START; i < nitems(cli_commands); i++) {
		ci = &cli_commands[i];
		start = b.len;
		buf_printf(&b, "  %s%s%s", ci->name, *ci->operands != '\0' ?
		    " " : "", ci->operands);
		do
			buf_addc(&b, ' ');
		while (b.len - start < 29);
		buf_printf(&b, "%s\n", ci->summary);
	}
	buf_adds(&b, "\nOptions:\n");
	cli_help_options(&b, CLI_NONE);
	buf_adds(&b, "\nSettings come from options, then TFRUN_* variables, "
	    "then tfrun.ini,\nthen the defaults. Run 'tfrun help COMMAND' "
	    "for a command's options.\n");
	return texts[command] = buf_detach(&b);
}
