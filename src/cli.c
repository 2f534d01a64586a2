/*
 * cli.c: the command line (SPEC section 1): argv in, a struct cli out, and
 * the help texts. Pure: no I/O.
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
#include "procfile.h"
#include "sig.h"
#include "xmalloc.h"

#define CLI_CMD(c) (1u << (c))
#define CLI_APP (CLI_CMD(CLI_START) | CLI_CMD(CLI_RUN) | CLI_CMD(CLI_CHECK) | \
    CLI_CMD(CLI_ENV) | CLI_CMD(CLI_EXPORT))
#define CLI_CTL (CLI_CMD(CLI_PS) | CLI_CMD(CLI_SCALE) | \
    CLI_CMD(CLI_RESTART) | CLI_CMD(CLI_STOP) | CLI_CMD(CLI_SIGNAL) | \
    CLI_CMD(CLI_LOGS) | CLI_CMD(CLI_WAIT) | CLI_CMD(CLI_ATTACH) | \
    CLI_CMD(CLI_QUIT))
#define CLI_ALL (~0u)

/* How an option's value is checked and stored. */
enum cli_kind {
	OPT_FLAG,	/* no value */
	OPT_STRING,	/* non-empty text */
	OPT_LIST,	/* comma list, added to earlier ones */
	OPT_TYPES,	/* comma list of type names, added to earlier ones */
	OPT_PORT,
	OPT_PORT_STEP,
	OPT_TIMEOUT,
	OPT_COLOR,
	OPT_LOG_FORMAT,
	OPT_RESTART,
	OPT_TTY,
	OPT_INSTANCE,
	OPT_LINES	/* a count of lines, 0 or more */
};

/* What an option sets. */
enum cli_target {
	TARGET_FLAGS,	/* cli->flags, the field bit */
	TARGET_JSON,
	TARGET_APP,
	TARGET_USER,
	TARGET_IMAGE,
	TARGET_FORCE,
	TARGET_HELP,
	TARGET_VERSION,
	TARGET_FOLLOW,
	TARGET_LINES,
	TARGET_WAIT,
	TARGET_WITH
};

static const struct cli_option {
	const char *name;	/* long name, without "--" */
	char letter;		/* short name, or '\0' */
	enum cli_kind kind;
	enum cli_target target;
	unsigned field;		/* config_field bit, for TARGET_FLAGS */
	unsigned commands;	/* CLI_CMD bits of the commands taking it */
} cli_options[] = {
	{ "procfile", 'f', OPT_STRING, TARGET_FLAGS, CONFIG_PROCFILE,
	    CLI_APP },
	{ "root", 'd', OPT_STRING, TARGET_FLAGS, CONFIG_ROOT,
	    CLI_APP | CLI_CTL },
	{ "env", 'e', OPT_LIST, TARGET_FLAGS, CONFIG_ENV, CLI_APP },
	{ "env-override", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_ENV_OVERRIDE,
	    CLI_APP },
	{ "no-env-override", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_ENV_OVERRIDE,
	    CLI_APP },
	{ "formation", 'm', OPT_STRING, TARGET_FLAGS, CONFIG_FORMATION,
	    CLI_APP },
	{ "concurrency", 'c', OPT_STRING, TARGET_FLAGS, CONFIG_FORMATION,
	    CLI_APP },
	{ "port", 'p', OPT_PORT, TARGET_FLAGS, CONFIG_PORT, CLI_APP },
	{ "port-step", '\0', OPT_PORT_STEP, TARGET_FLAGS, CONFIG_PORT_STEP,
	    CLI_APP },
	{ "timeout", 't', OPT_TIMEOUT, TARGET_FLAGS, CONFIG_TIMEOUT, CLI_APP },
	{ "color", '\0', OPT_COLOR, TARGET_FLAGS, CONFIG_COLOR, CLI_APP },
	{ "no-color", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_COLOR, CLI_APP },
	{ "no-colour", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_COLOR, CLI_APP },
	{ "timestamp", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_NO_TIMESTAMP,
	    CLI_APP },
	{ "no-timestamp", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_NO_TIMESTAMP,
	    CLI_APP },
	{ "no-prefix", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_NO_PREFIX,
	    CLI_APP },
	{ "log-format", '\0', OPT_LOG_FORMAT, TARGET_FLAGS, CONFIG_LOG_FORMAT,
	    CLI_APP },
	{ "restart", '\0', OPT_RESTART, TARGET_FLAGS, CONFIG_RESTART,
	    CLI_APP },
	{ "can-die", '\0', OPT_TYPES, TARGET_FLAGS, CONFIG_CAN_DIE, CLI_APP },
	{ "quiet", 'q', OPT_TYPES, TARGET_FLAGS, CONFIG_QUIET, CLI_APP },
	{ "config", '\0', OPT_STRING, TARGET_FLAGS, CONFIG_CONFIG, CLI_APP },
	{ "socket", '\0', OPT_STRING, TARGET_FLAGS, CONFIG_SOCKET,
	    CLI_APP | CLI_CTL },
	{ "isolate", '\0', OPT_FLAG, TARGET_FLAGS, CONFIG_ISOLATE,
	    CLI_APP },
	{ "tty", '\0', OPT_TTY, TARGET_FLAGS, CONFIG_TTY, CLI_APP },
	{ "stdin", '\0', OPT_INSTANCE, TARGET_FLAGS, CONFIG_STDIN, CLI_APP },
	{ "daemon", 'D', OPT_FLAG, TARGET_FLAGS, CONFIG_DAEMON,
	    CLI_CMD(CLI_START) },
	{ "log-file", '\0', OPT_STRING, TARGET_FLAGS, CONFIG_LOG_FILE,
	    CLI_APP },
	{ "json", '\0', OPT_FLAG, TARGET_JSON, 0, CLI_CMD(CLI_PS) },
	{ "lines", 'n', OPT_LINES, TARGET_LINES, 0, CLI_CMD(CLI_LOGS) },
	{ "follow", 'f', OPT_FLAG, TARGET_FOLLOW, 0, CLI_CMD(CLI_LOGS) },
	{ "timeout", '\0', OPT_TIMEOUT, TARGET_WAIT, 0, CLI_CMD(CLI_WAIT) },
	{ "with", '\0', OPT_TYPES, TARGET_WITH, 0, CLI_CMD(CLI_RUN) },
	{ "app", '\0', OPT_STRING, TARGET_APP, 0, CLI_CMD(CLI_EXPORT) },
	{ "user", '\0', OPT_STRING, TARGET_USER, 0, CLI_CMD(CLI_EXPORT) },
	{ "image", '\0', OPT_STRING, TARGET_IMAGE, 0, CLI_CMD(CLI_EXPORT) },
	{ "force", '\0', OPT_FLAG, TARGET_FORCE, 0, CLI_CMD(CLI_EXPORT) },
	{ "help", 'h', OPT_FLAG, TARGET_HELP, 0, CLI_ALL },
	{ "version", 'V', OPT_FLAG, TARGET_VERSION, 0, CLI_ALL }
};

static const char *const cli_command_names[] = {
	[CLI_NONE] = "",
	[CLI_START] = "start",
	[CLI_RUN] = "run",
	[CLI_CHECK] = "check",
	[CLI_ENV] = "env",
	[CLI_EXPORT] = "export",
	[CLI_PS] = "ps",
	[CLI_SCALE] = "scale",
	[CLI_RESTART] = "restart",
	[CLI_STOP] = "stop",
	[CLI_SIGNAL] = "signal",
	[CLI_LOGS] = "logs",
	[CLI_WAIT] = "wait",
	[CLI_ATTACH] = "attach",
	[CLI_QUIT] = "quit",
	[CLI_HELP] = "help",
	[CLI_VERSION] = "version"
};

static const char *const cli_export_formats[] = {
	"systemd", "supervisord", "runit", "kubernetes"
};

/* An option met before the command, to check once the command is known. */
struct cli_pending {
	const struct cli_option *option;
	char letter;		/* the short name used, or '\0' */
};

/* The state of one cli_parse call. */
struct cli_state {
	struct cli *cli;
	struct cli_pending *pending;	/* owned */
	size_t npending;
	char *misplaced;	/* owned: the first option the command lacks */
	int version;		/* -V/--version seen */
	int done;		/* no more options: "--" or run's command */
};

/* Returns the command named name, or CLI_NONE. */
enum cli_command
cli_command_lookup(const char *name)
{
	size_t i;

	for (i = CLI_START; i < nitems(cli_command_names); i++) {
		if (strcmp(cli_command_names[i], name) == 0)
			return (enum cli_command)i;
	}
	return CLI_NONE;
}

/* Returns the name of command ("" for CLI_NONE). */
const char *
cli_command_name(enum cli_command command)
{
	if ((size_t)command >= nitems(cli_command_names))
		return "";
	return cli_command_names[command];
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
	memset(cli, 0, sizeof *cli);
	config_init(&cli->flags);
}

/*
 * Returns an owned copy of s fit for a one-line message: control
 * characters become '?'.
 */
static char *
cli_printable(const char *s)
{
	char *p, *copy;

	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return copy;
}

/* Sets *cause to a formatted message; returns -1 for the caller. */
static int printflike(2, 3)
cli_error(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	return -1;
}

/* Tells whether s is a valid Procfile type name. */
static int
cli_valid_type(const char *s)
{
	return procfile_valid_name(s, strlen(s));
}

/* Tells whether s names an instance or a type: TYPE or TYPE.N (N >= 1). */
static int
cli_valid_instance(const char *s)
{
	const char *dot = strrchr(s, '.');

	if (dot == NULL)
		return cli_valid_type(s);
	return procfile_valid_name(s, (size_t)(dot - s)) && dot[1] >= '1' &&
	    dot[1] <= '9' && strspn(dot + 1, "0123456789") == strlen(dot + 1) &&
	    strlen(dot + 1) <= 5;
}

/*
 * Parses a list option's value and adds its items to *v. The messages are
 * the same as config.c's for tfrun.ini and the TFRUN_* variables.
 */
static int
cli_set_list(const struct cli_option *o, const char *value, char ***v,
    size_t *n, char **cause)
{
	char **items, *pv;
	size_t i, nitem;
	int r;

	if (config_parse_list(value, &items, &nitem) != 0) {
		pv = cli_printable(value);
		r = cli_error(cause, "--%s: '%s' has an empty item", o->name,
		    pv);
		free(pv);
		return r;
	}
	for (i = 0; o->kind == OPT_TYPES && i < nitem; i++) {
		if (!cli_valid_type(items[i])) {
			pv = cli_printable(items[i]);
			r = cli_error(cause,
			    "--%s: '%s' is not a valid process type name",
			    o->name, pv);
			free(pv);
			for (i = 0; i < nitem; i++)
				free(items[i]);
			free(items);
			return r;
		}
	}
	*v = xreallocarray(*v, *n + nitem, sizeof **v);
	for (i = 0; i < nitem; i++)
		(*v)[(*n)++] = items[i];
	free(items);
	return 0;
}

/* Stores a string option's value; the flags layer owns a copy. */
static void
cli_set_string(struct cli *cli, const struct cli_option *o, char *value)
{
	struct config *c = &cli->flags;
	char **dst;

	switch (o->target) {
	case TARGET_APP:
		cli->app = value;
		return;
	case TARGET_USER:
		cli->user = value;
		return;
	case TARGET_IMAGE:
		cli->image = value;
		return;
	default:
		break;
	}
	switch (o->field) {
	case CONFIG_PROCFILE:
		dst = &c->procfile;
		break;
	case CONFIG_ROOT:
		dst = &c->root;
		break;
	case CONFIG_FORMATION:
		dst = &c->formation;
		break;
	case CONFIG_CONFIG:
		dst = &c->config;
		break;
	case CONFIG_LOG_FILE:
		dst = &c->log_file;
		break;
	default:
		dst = &c->socket;
		break;
	}
	free(*dst);
	*dst = xstrdup(value);
}

/* Checks and stores the value of option o (NULL for a flag). */
static int
cli_set(struct cli_state *st, const struct cli_option *o, char *value,
    char **cause)
{
	struct cli *cli = st->cli;
	struct config *c = &cli->flags;
	const char *what = NULL;
	char *origin, *pv;
	int r, ok = 1;

	switch (o->kind) {
	case OPT_FLAG:
		switch (o->target) {
		case TARGET_JSON:
			cli->json = 1;
			return 0;
		case TARGET_FORCE:
			cli->force = 1;
			return 0;
		case TARGET_HELP:
			cli->help = 1;
			return 0;
		case TARGET_VERSION:
			st->version = 1;
			return 0;
		case TARGET_FOLLOW:
			cli->follow = 1;
			return 0;
		default:
			break;
		}
		/* foreman's --timestamp and honcho's --no-colour are spellings. */
		if (o->field == CONFIG_ENV_OVERRIDE)
			c->env_override = strncmp(o->name, "no-", 3) != 0;
		else if (o->field == CONFIG_NO_TIMESTAMP)
			c->no_timestamp = strcmp(o->name, "timestamp") != 0;
		else if (o->field == CONFIG_COLOR)
			c->color = CONFIG_COLOR_NEVER;
		else if (o->field == CONFIG_ISOLATE)
			c->isolate = 1;
		else if (o->field == CONFIG_DAEMON)
			c->daemon = 1;
		else
			c->no_prefix = 1;
		break;
	case OPT_STRING:
		if (*value == '\0')
			return cli_error(cause, "--%s: empty value", o->name);
		cli_set_string(cli, o, value);
		if (o->target != TARGET_FLAGS)
			return 0;
		break;
	case OPT_LIST:
		if (cli_set_list(o, value, &c->env, &c->nenv, cause) != 0)
			return -1;
		break;
	case OPT_TYPES:
		if (o->target == TARGET_WITH)
			return cli_set_list(o, value, &cli->with, &cli->nwith,
			    cause);
		if (cli_set_list(o, value, o->field == CONFIG_QUIET ?
		    &c->quiet : &c->can_die, o->field == CONFIG_QUIET ?
		    &c->nquiet : &c->ncan_die, cause) != 0)
			return -1;
		break;
	case OPT_PORT:
		ok = config_parse_port(value, &c->port) == 0;
		what = "is not a port number (1-65535)";
		break;
	case OPT_PORT_STEP:
		ok = config_parse_port_step(value, &c->port_step) == 0;
		what = "is not a port step (1-65535)";
		break;
	case OPT_TIMEOUT:
		ok = config_parse_timeout(value, o->target == TARGET_WAIT ?
		    &cli->wait_timeout_ms : &c->timeout_ms) == 0;
		if (config_timeout_syntax(value))
			what = "is more than 86400 seconds";
		else
			what = "is not a number of seconds";
		break;
	case OPT_COLOR:
		ok = config_parse_color(value, &c->color) == 0;
		what = "must be auto, always or never";
		break;
	case OPT_LOG_FORMAT:
		ok = config_parse_log_format(value, &c->log_format) == 0;
		what = "must be text or json";
		break;
	case OPT_RESTART:
		ok = config_parse_restart(value, &c->restart) == 0;
		what = "must be never, on-failure or always";
		break;
	case OPT_TTY:
		ok = config_parse_tty(value, &c->tty) == 0;
		what = "must be auto, always or never";
		break;
	case OPT_INSTANCE:
		if ((ok = cli_valid_instance(value))) {
			free(c->stdin_name);
			c->stdin_name = xstrdup(value);
		}
		what = "is not an instance name (TYPE or TYPE.N)";
		break;
	case OPT_LINES:
		ok = value[0] != '\0' &&
		    strspn(value, "0123456789") == strlen(value) &&
		    strlen(value) <= 9;
		if (ok)
			cli->lines = strtol(value, NULL, 10);
		what = "is not a number of lines";
		break;
	}
	if (!ok) {
		pv = cli_printable(value);
		r = cli_error(cause, "--%s: '%s' %s", o->name, pv, what);
		free(pv);
		return r;
	}
	if (o->target != TARGET_FLAGS)
		return 0;
	xasprintf(&origin, "--%s", o->name);
	free(c->origin[config_field_index(o->field)]);
	c->origin[config_field_index(o->field)] = origin;
	c->set |= o->field;
	return 0;
}

/*
 * Checks that the command takes option o (used as letter, or by its long
 * name when letter is '\0'), or keeps it until the command is known. Only
 * the first misfit is kept: it is reported at the end, unless help or the
 * version was asked for.
 */
static void
cli_check_option(struct cli_state *st, const struct cli_option *o,
    char letter)
{
	enum cli_command command = st->cli->command;

	if (command == CLI_NONE) {
		st->pending = xreallocarray(st->pending, st->npending + 1,
		    sizeof *st->pending);
		st->pending[st->npending].option = o;
		st->pending[st->npending++].letter = letter;
		return;
	}
	if ((o->commands & CLI_CMD(command)) || st->misplaced != NULL)
		return;
	if (letter != '\0')
		xasprintf(&st->misplaced, "option -%c does not apply to '%s'",
		    letter, cli_command_name(command));
	else
		xasprintf(&st->misplaced, "option --%s does not apply to '%s'",
		    o->name, cli_command_name(command));
}

/* Handles an operand: the command first, then the command's operands. */
static int
cli_operand(struct cli_state *st, char *arg, char **cause)
{
	struct cli *cli = st->cli;
	char *pv;
	size_t i;
	int r;

	if (cli->command == CLI_NONE) {
		if ((cli->command = cli_command_lookup(arg)) == CLI_NONE) {
			pv = cli_printable(arg);
			r = cli_error(cause, "unknown command '%s'", pv);
			free(pv);
			return r;
		}
		for (i = 0; i < st->npending; i++)
			cli_check_option(st, st->pending[i].option,
			    st->pending[i].letter);
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

/*
 * Returns the option named by long name (len bytes) or by letter, or NULL.
 * A name may mean two things (-f is --procfile but logs -f follows,
 * --timeout is a grace but wait --timeout a limit): the command's own
 * meaning wins, once the command is known.
 */
static const struct cli_option *
cli_find(const char *name, size_t len, char letter, enum cli_command command)
{
	const struct cli_option *o, *found = NULL;
	size_t i;

	for (i = 0; i < nitems(cli_options); i++) {
		o = &cli_options[i];
		if (name != NULL ? (strlen(o->name) != len ||
		    strncmp(o->name, name, len) != 0) : o->letter != letter)
			continue;
		if (found == NULL || (command != CLI_NONE &&
		    (o->commands & CLI_CMD(command)) &&
		    !(found->commands & CLI_CMD(command))))
			found = o;
	}
	return found;
}

/* Handles "--name", "--name=VALUE" or "--name VALUE" at argv[*i]. */
static int
cli_long(struct cli_state *st, int argc, char **argv, int *i, char **cause)
{
	const struct cli_option *o;
	char *name, *eq, *value = NULL, *pv;
	size_t len;
	int r;

	name = argv[*i] + 2;
	eq = strchr(name, '=');
	len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	if ((o = cli_find(name, len, '\0', st->cli->command)) == NULL) {
		pv = cli_printable(name);
		pv[len] = '\0';
		r = cli_error(cause, "unknown option --%s", pv);
		free(pv);
		return r;
	}
	if (o->kind == OPT_FLAG) {
		if (eq != NULL)
			return cli_error(cause, "option --%s takes no value",
			    o->name);
	} else if (eq != NULL)
		value = eq + 1;
	else if (o->kind == OPT_COLOR) {
		/*
		 * A bare --color is foreman's "always"; WHEN is taken from
		 * the next word only when it is one.
		 */
		value = "always";
		if (*i + 1 < argc && (strcmp(argv[*i + 1], "auto") == 0 ||
		    strcmp(argv[*i + 1], "always") == 0 ||
		    strcmp(argv[*i + 1], "never") == 0))
			value = argv[++*i];
	}
	else if (*i + 1 < argc)
		value = argv[++*i];
	else
		return cli_error(cause, "option --%s needs a value", o->name);
	cli_check_option(st, o, '\0');
	return cli_set(st, o, value, cause);
}

/* Says that arg[j] is not an option letter. */
static int
cli_unknown_short(const char *arg, size_t j, char **cause)
{
	char *pv;
	int r;

	if (arg[j] > ' ' && arg[j] < 0x7f)
		return cli_error(cause, "unknown option -%c", arg[j]);
	pv = cli_printable(arg);
	r = cli_error(cause, "unknown option in '%s'", pv);
	free(pv);
	return r;
}

/* Handles a cluster of short options ("-p5000", "-hV", "-f FILE"). */
static int
cli_short(struct cli_state *st, int argc, char **argv, int *i, char **cause)
{
	const struct cli_option *o;
	char *arg = argv[*i], *value;
	size_t j;

	for (j = 1; arg[j] != '\0'; j++) {
		if ((o = cli_find(NULL, 0, arg[j], st->cli->command)) == NULL)
			return cli_unknown_short(arg, j, cause);
		cli_check_option(st, o, arg[j]);
		if (o->kind == OPT_FLAG) {
			if (cli_set(st, o, NULL, cause) != 0)
				return -1;
			continue;
		}
		if (arg[j + 1] != '\0')
			value = arg + j + 1;
		else if (*i + 1 < argc)
			value = argv[++*i];
		else
			return cli_error(cause, "option -%c needs a value",
			    arg[j]);
		return cli_set(st, o, value, cause);
	}
	return 0;
}

/* Tells whether s is "TYPE=N". */
static int
cli_scale_operand(const char *s)
{
	const char *eq;
	char *type;
	int ok;

	if ((eq = strchr(s, '=')) == NULL || eq[1] == '\0' ||
	    strspn(eq + 1, "0123456789") != strlen(eq + 1))
		return 0;
	type = xstrndup(s, (size_t)(eq - s));
	ok = cli_valid_type(type);
	free(type);
	return ok;
}

/* Says that operand arg of command is wrong: "CMD: 'ARG' WHAT". */
static int
cli_bad_operand(char **cause, const char *command, const char *arg,
    const char *what)
{
	char *pv;
	int r;

	pv = cli_printable(arg);
	r = cli_error(cause, "%s: '%s' %s", command, pv, what);
	free(pv);
	return r;
}

/* Checks the number and form of the command's operands. */
static int
cli_check_operands(const struct cli *cli, char **cause)
{
	const char *name = cli_command_name(cli->command);
	char *pv;
	size_t i, max = SIZE_MAX;
	int sig, r;

	switch (cli->command) {
	case CLI_RUN:
		if (cli->nargs == 0)
			return cli_error(cause, "run: a command is required");
		break;
	case CLI_CHECK:
	case CLI_PS:
	case CLI_WAIT:
	case CLI_QUIT:
	case CLI_VERSION:
		max = 0;
		break;
	case CLI_ENV:
		max = 1;
		break;
	case CLI_EXPORT:
		if (cli->nargs != 2)
			return cli_error(cause,
			    "export: expected FORMAT and DIR");
		for (i = 0; i < nitems(cli_export_formats); i++) {
			if (strcmp(cli->args[0], cli_export_formats[i]) == 0)
				break;
		}
		if (i == nitems(cli_export_formats)) {
			pv = cli_printable(cli->args[0]);
			r = cli_error(cause, "export: unknown format '%s' "
			    "(systemd, supervisord, runit or kubernetes)", pv);
			free(pv);
			return r;
		}
		if (*cli->args[1] == '\0')
			return cli_error(cause, "export: DIR is empty");
		if (strcmp(cli->args[0], "kubernetes") == 0 &&
		    cli->image == NULL)
			return cli_error(cause,
			    "export: kubernetes needs --image IMAGE");
		break;
	case CLI_SCALE:
		if (cli->nargs == 0)
			return cli_error(cause, "scale: expected TYPE=N");
		for (i = 0; i < cli->nargs; i++) {
			if (!cli_scale_operand(cli->args[i]))
				return cli_bad_operand(cause, name,
				    cli->args[i], "is not TYPE=N");
		}
		break;
	case CLI_STOP:
	case CLI_RESTART:
	case CLI_LOGS:
	case CLI_ATTACH:
		if (cli->nargs == 0 && cli->command == CLI_STOP)
			return cli_error(cause, "stop: expected NAME or TYPE");
		if (cli->nargs != 1 && cli->command == CLI_ATTACH)
			return cli_error(cause, "attach: expected one NAME");
		for (i = 0; i < cli->nargs; i++) {
			if (!cli_valid_instance(cli->args[i]))
				return cli_bad_operand(cause, name,
				    cli->args[i], "is not NAME (TYPE.N) or TYPE");
		}
		break;
	case CLI_SIGNAL:
		if (cli->nargs < 2)
			return cli_error(cause,
			    "signal: expected SIGNAL and NAME or TYPE");
		if (sig_parse(cli->args[0], &sig) != 0)
			return cli_bad_operand(cause, name, cli->args[0],
			    "is not a signal");
		for (i = 1; i < cli->nargs; i++) {
			if (!cli_valid_instance(cli->args[i]))
				return cli_bad_operand(cause, name,
				    cli->args[i], "is not NAME (TYPE.N) or TYPE");
		}
		break;
	case CLI_HELP:
		max = 1;
		if (cli->nargs == 1 &&
		    cli_command_lookup(cli->args[0]) == CLI_NONE) {
			pv = cli_printable(cli->args[0]);
			r = cli_error(cause, "help: unknown command '%s'", pv);
			free(pv);
			return r;
		}
		break;
	default:
		break;
	}
	if (cli->nargs > max) {
		pv = cli_printable(cli->args[max]);
		r = cli_error(cause, "%s: unexpected operand '%s'", name, pv);
		free(pv);
		return r;
	}
	return 0;
}

/* Parses argv into cli; see cli.h. */
int
cli_parse(int argc, char **argv, struct cli *cli, char **cause)
{
	struct cli_state st;
	char *arg;
	int i, r = 0;

	memset(cli, 0, sizeof *cli);
	config_init(&cli->flags);
	cli->lines = CLI_LOGS_LINES;
	cli->wait_timeout_ms = CLI_WAIT_FOREVER;
	memset(&st, 0, sizeof st);
	st.cli = cli;
	for (i = 1; i < argc && r == 0; i++) {
		arg = argv[i];
		if (st.done || arg[0] != '-' || arg[1] == '\0')
			r = cli_operand(&st, arg, cause);
		else if (strcmp(arg, "--") == 0)
			st.done = 1;
		else if (arg[1] == '-')
			r = cli_long(&st, argc, argv, &i, cause);
		else
			r = cli_short(&st, argc, argv, &i, cause);
	}
	/* Asking for help or the version excuses the rest of the line. */
	if (r == 0 && cli->help) {
		if (cli->command == CLI_NONE)
			cli->command = CLI_HELP;
		if (cli->command == CLI_HELP)
			r = cli_check_operands(cli, cause);
	} else if (r == 0 && st.version)
		cli->command = CLI_VERSION;
	else if (r == 0 && cli->command == CLI_NONE)
		r = cli_error(cause, "no command given");
	else if (r == 0 && st.misplaced != NULL) {
		*cause = st.misplaced;
		st.misplaced = NULL;
		r = -1;
	} else if (r == 0)
		r = cli_check_operands(cli, cause);
	free(st.pending);
	free(st.misplaced);
	if (r != 0)
		cli_free(cli);
	return r;
}

/*
 * The help texts, printed verbatim by "tfrun help" and --help. They must
 * agree with SPEC and the man page: every option, one line each, with its
 * default.
 */
/* Options every command that loads the app uses. */
#define CLI_HELP_FILES \
	"  -f, --procfile FILE        the Procfile (default: Procfile in the root)\n" \
	"  -d, --root DIR             app root (default: the Procfile's directory)\n" \
	"  -e, --env FILE[,FILE]      env files, later win; repeatable (default: .env)\n" \
	"      --env-override         env files beat the real environment (default)\n" \
	"      --no-env-override      the real environment beats env files\n" \
	"      --config FILE          tfrun's INI file (default: tfrun.ini in root)\n"
#define CLI_HELP_PORT \
	"  -p, --port N               base port (default: env's PORT, else 5000)\n"
#define CLI_HELP_PORT_STEP \
	"      --port-step N          port distance between types (default: 100)\n"
#define CLI_HELP_FORMATION \
	"  -m, --formation SPEC       all=N,TYPE=N,... (default: all=1)\n" \
	"  -c, --concurrency SPEC     the same as --formation\n"
#define CLI_HELP_TYPES \
	"      --can-die TYPE[,TYPE]  may exit alone; repeatable (default: none)\n" \
	"  -q, --quiet TYPE[,TYPE]    do not log their output (default: none)\n"
#define CLI_HELP_HELP \
	"  -h, --help                 show this help\n"
#define CLI_HELP_APP_OPTIONS \
	CLI_HELP_FILES CLI_HELP_FORMATION CLI_HELP_PORT CLI_HELP_PORT_STEP \
	"  -t, --timeout SECONDS      grace before SIGKILL, decimals ok (default: 5)\n" \
	"      --color [WHEN]         auto, always, never; bare: always (default: auto)\n" \
	"      --no-color             the same as --color never (also --no-colour)\n" \
	"      --timestamp            the time in the log prefix (default)\n" \
	"      --no-timestamp         no time in the log prefix\n" \
	"      --no-prefix            bare output lines, no prefix (default: prefixed)\n" \
	"      --log-format FMT       text or json (default: text)\n" \
	"      --restart POLICY       never, on-failure or always (default: never)\n" \
	CLI_HELP_TYPES \
	"      --tty WHEN             ptys: auto, always or never (default: auto)\n" \
	"      --stdin NAME           the instance the terminal's input goes to\n" \
	"      --isolate              run in a PID namespace (default: off)\n" \
	"      --log-file FILE        the log with -D (default: .tfrun.log in root)\n" \
	"      --socket PATH          control socket (default: .tfrun.sock in root)\n" \
	CLI_HELP_HELP

#define CLI_HELP_CTL_OPTIONS \
	"      --socket PATH          control socket (default: .tfrun.sock in root)\n" \
	"  -d, --root DIR             app root holding the socket (default: .)\n" \
	"  -h, --help                 show this help\n"

static const char cli_help_general[] =
	"usage: tfrun COMMAND [OPTIONS] [ARG]...\n"
	"\n"
	"Run a Procfile app's processes with its .env files, merge their output\n"
	"into one prefixed log, and stop them cleanly.\n"
	"\n"
	"Commands:\n"
	"  start [TYPE | TYPE=N]...   run the formation (all types, or those named)\n"
	"  run [--] COMMAND [ARG]...  run a one-off command in the app's environment\n"
	"  check                      validate the Procfile, env files and config\n"
	"  env [NAME]                 print the environment a process would get\n"
	"  export FORMAT DIR          write systemd, supervisord, runit or\n"
	"                             kubernetes configuration into DIR\n"
	"  ps [--json]                list the instances of a running tfrun start\n"
	"  scale TYPE=N...            change the formation while it runs\n"
	"  restart [NAME | TYPE]...   restart instances (all if none is named)\n"
	"  stop NAME | TYPE...        stop instances without restarting them\n"
	"  signal SIGNAL NAME | TYPE...  send a signal to instances\n"
	"  logs [NAME | TYPE]...      print (or follow) instances' last lines\n"
	"  wait                       wait until every instance is ready\n"
	"  attach NAME                connect the terminal to an instance\n"
	"  quit                       stop a running tfrun start gracefully\n"
	"  help [COMMAND]             show this help, or a command's\n"
	"  version                    print tfrun's version\n"
	"\n"
	"Options:\n"
	"  -h, --help                 show help (the command's, after one)\n"
	"  -V, --version              print tfrun's version\n"
	"\n"
	"Settings come from options, then TFRUN_* variables, then tfrun.ini,\n"
	"then the defaults. Run 'tfrun help COMMAND' for a command's options.\n";

static const char cli_help_start[] =
	"usage: tfrun start [OPTIONS] [TYPE | TYPE=N]...\n"
	"\n"
	"Run the formation: every process type of the Procfile, or the types\n"
	"named (TYPE=N also sets their count), with their output prefixed, until\n"
	"SIGINT, SIGTERM or SIGHUP, 'tfrun quit', or an instance's exit.\n"
	"\n"
	"Options:\n"
	"  -D, --daemon               detach once started; log to --log-file\n"
	CLI_HELP_APP_OPTIONS;

static const char cli_help_run[] =
	"usage: tfrun run [OPTIONS] [--] COMMAND [ARG]...\n"
	"\n"
	"Run a one-off command in the root with the app's environment (PORT is\n"
	"the base port, PS=run.1), in tfrun's place. One argument runs through\n"
	"/bin/sh -c, or runs that type's command if it names a Procfile type;\n"
	"several run as given. Options end at COMMAND.\n"
	"\n"
	"Options:\n"
	"      --with TYPE[,TYPE]     start these types first, wait until ready\n"
	CLI_HELP_FILES CLI_HELP_PORT CLI_HELP_HELP;

static const char cli_help_check[] =
	"usage: tfrun check [OPTIONS]\n"
	"\n"
	"Validate the Procfile, env files and config and list every error; exit\n"
	"0 if all is valid, 1 if not.\n"
	"\n"
	"Options:\n"
	CLI_HELP_FILES CLI_HELP_FORMATION CLI_HELP_PORT CLI_HELP_PORT_STEP
	CLI_HELP_TYPES CLI_HELP_HELP;

static const char cli_help_env[] =
	"usage: tfrun env [OPTIONS] [NAME]\n"
	"\n"
	"Print the environment a process would get, sorted, in .env syntax: for\n"
	"instance NAME (web.2, with its PORT and PS), or for 'tfrun run'.\n"
	"\n"
	"Options:\n"
	CLI_HELP_FILES CLI_HELP_PORT CLI_HELP_PORT_STEP CLI_HELP_HELP;

static const char cli_help_export[] =
	"usage: tfrun export FORMAT DIR [OPTIONS]\n"
	"\n"
	"Write configuration for FORMAT (systemd, supervisord, runit or\n"
	"kubernetes) into DIR, from the Procfile, env files, formation and\n"
	"policy, then print the commands that install and start it.\n"
	"\n"
	"Export options:\n"
	"      --app NAME             app name (default: the root's directory name)\n"
	"      --user USER            user to run as (default: none written)\n"
	"      --image IMAGE          container image (required for kubernetes)\n"
	"      --force                replace files, remove ones no longer exported\n"
	"\n"
	"Options:\n"
	CLI_HELP_APP_OPTIONS;

static const char cli_help_ps[] =
	"usage: tfrun ps [--json] [OPTIONS]\n"
	"\n"
	"List the instances of a running 'tfrun start': name, pid, state, uptime,\n"
	"restarts, port and command.\n"
	"\n"
	"Options:\n"
	"      --json                 print one JSON array (default: a table)\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_scale[] =
	"usage: tfrun scale [OPTIONS] TYPE=N...\n"
	"\n"
	"Change how many instances of each type a running 'tfrun start' runs.\n"
	"New instances get their usual names and ports; scaling down stops the\n"
	"highest-numbered ones.\n"
	"\n"
	"Options:\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_restart[] =
	"usage: tfrun restart [OPTIONS] [NAME | TYPE]...\n"
	"\n"
	"Restart the named instances (web.1) or types (web) of a running\n"
	"'tfrun start', or all of its instances.\n"
	"\n"
	"Options:\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_stop[] =
	"usage: tfrun stop [OPTIONS] NAME | TYPE...\n"
	"\n"
	"Stop instances or types of a running 'tfrun start' without restarting\n"
	"them; the rest keeps running.\n"
	"\n"
	"Options:\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_signal[] =
	"usage: tfrun signal [OPTIONS] SIGNAL NAME | TYPE...\n"
	"\n"
	"Send SIGNAL (USR1, SIGUSR1 or a number) to the process groups of\n"
	"instances or types of a running 'tfrun start'.\n"
	"\n"
	"Options:\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_logs[] =
	"usage: tfrun logs [OPTIONS] [NAME | TYPE]...\n"
	"\n"
	"Print the last lines of instances (all if none is named) of a running\n"
	"'tfrun start', in its log format.\n"
	"\n"
	"Options:\n"
	"  -n, --lines N              how many lines (default: 100)\n"
	"  -f, --follow               go on until ^C or until tfrun exits\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_wait[] =
	"usage: tfrun wait [OPTIONS]\n"
	"\n"
	"Return 0 once every instance of a running 'tfrun start' is ready; 1,\n"
	"naming those that are not, when the timeout passes or tfrun exits.\n"
	"\n"
	"Options:\n"
	"      --timeout SECONDS      how long to wait (default: no limit)\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_attach[] =
	"usage: tfrun attach [OPTIONS] NAME\n"
	"\n"
	"Connect the terminal to instance NAME of a running 'tfrun start': its\n"
	"output, and keystrokes to it. ^P ^Q detaches.\n"
	"\n"
	"Options:\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_quit[] =
	"usage: tfrun quit [OPTIONS]\n"
	"\n"
	"Stop a running 'tfrun start' gracefully; it exits with status 0.\n"
	"\n"
	"Options:\n"
	CLI_HELP_CTL_OPTIONS;

static const char cli_help_version[] =
	"usage: tfrun version\n"
	"\n"
	"Print tfrun's version.\n";

/* Returns the help text for command, or the general help. */
const char *
cli_help_text(enum cli_command command)
{
	switch (command) {
	case CLI_START:
		return cli_help_start;
	case CLI_RUN:
		return cli_help_run;
	case CLI_CHECK:
		return cli_help_check;
	case CLI_ENV:
		return cli_help_env;
	case CLI_EXPORT:
		return cli_help_export;
	case CLI_PS:
		return cli_help_ps;
	case CLI_SCALE:
		return cli_help_scale;
	case CLI_RESTART:
		return cli_help_restart;
	case CLI_STOP:
		return cli_help_stop;
	case CLI_SIGNAL:
		return cli_help_signal;
	case CLI_LOGS:
		return cli_help_logs;
	case CLI_WAIT:
		return cli_help_wait;
	case CLI_ATTACH:
		return cli_help_attach;
	case CLI_QUIT:
		return cli_help_quit;
	case CLI_VERSION:
		return cli_help_version;
	case CLI_NONE:
	case CLI_HELP:
		break;
	}
	return cli_help_general;
}
