/*
 * cli.c: the command line (SPEC section 1): argv in, a struct cli out.
 * Pure. Every option is a row of config_settings (config.c): this file
 * walks argv and finds rows; command.c checks the operands. Options may
 * come before the command, as with GNU getopt's permutation, so that each
 * is checked against the command only once the line is read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "command.h"
#include "compat.h"
#include "config.h"
#include "formation.h"
#include "xmalloc.h"

/* An option met, to check against the command once it is known. */
struct cli_opt {
	const struct config_setting *row;
	const char *at;		/* "--name..." in argv, or a letter */
};

/* Frees what cli owns and leaves it empty. */
void
cli_free(struct cli *cli)
{
	const struct config_setting *r;

	config_free(&cli->flags);
	free(cli->args);
	/* The rows kept in struct cli are those of neither struct config. */
	for (r = config_settings; r < config_settings + config_nsettings; r++) {
		if (r->field == 0 && r->tfield == 0)
			config_copy(r->kind, (char *)cli + r->off, NULL);
	}
	memset(cli, 0, sizeof *cli);
}

/* Sets *cause to "PREFIX'ARG'SUFFIX", arg quoted unless NULL; see cli.h. */
int
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
 * Tells whether command c takes row r's option: every command that loads
 * the app reads the variables and the file, so it takes their settings.
 */
static int
cli_takes(const struct config_setting *r, enum cli_command c)
{
	return (r->cmds & CONFIG_CMD(c)) || (c >= CLI_START &&
	    c <= CLI_EXPORT && (r->var != NULL || r->key != NULL));
}

/*
 * Finds the row of a long option (name, len bytes) or of a letter, with
 * in *neg whether it was a negative spelling and in *j which one. A name
 * may mean two things (-f is --procfile but logs -f follows; --timeout is
 * a grace but wait's a limit): a row the command takes wins.
 */
static const struct config_setting *
cli_find(const char *name, size_t len, char letter, enum cli_command c,
    int *neg, int *j)
{
	const struct config_setting *r;
	const char *p;
	int any, n;

	for (any = 0; any < 2; any++) {
		for (r = config_settings; r < config_settings +
		    config_nsettings; r++) {
			for (n = 0; n < 2 && (any || cli_takes(r, c)); n++) {
				if (letter == '\0')
					*j = config_match(n ? r->negs :
					    r->flags, name, len);
				else
					*j = n == 0 && r->letters != NULL &&
					    (p = strchr(r->letters, letter)) !=
					    NULL ? (int)(p - r->letters) : -1;
				if (*j >= 0) {
					*neg = n;
					return r;
				}
			}
		}
	}
	return NULL;
}

/*
 * Handles the option word argv[*k] ("--name", "--name=VALUE", "--name
 * VALUE", or letters: "-hV", "-p5000", "-f FILE"), storing each value and
 * keeping each option in opts. A flag without a value is true, or false
 * (a colour never) when negative; WHEN follows a bare --color (always)
 * only when it is one.
 */
static int
cli_option(struct cli *cli, struct cli_opt **opts, size_t *nopts, int argc,
    char **argv, int *k, char **cause)
{
	const struct config_setting *r;
	struct buf b = BUF_INIT;
	char *arg = argv[*k], *p = arg + 1, *value, *spelled, *origin, *why;
	char as[3] = "-";
	const char *what = NULL;
	size_t len = strcspn(arg + 2, "=");
	int lng = arg[1] == '-', neg = 0, j, rc, v;

	do {
		as[1] = *p;
		r = lng ? cli_find(arg + 2, len, '\0', cli->command, &neg, &j) :
		    *p == ' ' ? NULL : cli_find(NULL, 0, *p, cli->command, &neg,
		    &j);
		if (r == NULL && lng) {
			buf_adds(&b, "unknown option --");
			buf_add_escaped(&b, arg + 2, len, 128);
			*cause = buf_detach(&b);
			return -1;
		} else if (r == NULL)
			return *p > ' ' && *p < 0x7f ? cli_fail(cause,
			    "unknown option ", as, NULL, "") : cli_fail(cause,
			    "unknown option in ", "", arg, "");
		value = NULL;
		if (lng && arg[2 + len] == '=' && (r->arg == NULL || neg))
			what = "takes no value";
		else if (lng && arg[2 + len] == '=')
			value = arg + 3 + len;
		else if (!lng && r->arg != NULL && p[1] != '\0')
			value = p + 1;
		else if (r->arg != NULL && !neg && *k + 1 < argc &&
		    (r->kind != CONFIG_K_COLOR || config_parse_value(r->kind,
		    argv[*k + 1], &v, NULL) == 0))
			value = argv[++*k];
		else if (r->arg != NULL && !neg && r->kind != CONFIG_K_COLOR)
			what = "needs a value";
		if (what != NULL) {
			xasprintf(cause, "option %.*s %s", lng ? (int)len + 2 :
			    2, lng ? arg : as, what);
			return -1;
		}
		*opts = xreallocarray(*opts, *nopts + 1, sizeof **opts);
		(*opts)[*nopts].row = r;
		(*opts)[(*nopts)++].at = lng ? arg : p;
		if (value == NULL)
			value = r->kind == CONFIG_K_COLOR ? (neg ? "never" :
			    "always") : (neg ? "false" : "true");
		/* Messages name the option as it was typed (SPEC section 1). */
		if (lng) {
			spelled = config_spelling(neg ? r->negs : r->flags,
			    (size_t)j);
			xasprintf(&origin, "--%s", spelled);
			free(spelled);
		} else
			origin = xstrdup(as);
		if ((rc = config_set(r->field == 0 ? (void *)cli :
		    (void *)&cli->flags, r, 0, value, origin, 1, &why)) != 0) {
			xasprintf(cause, "%s: %s", origin, why);
			free(why);
		}
		free(origin);
	} while (!lng && rc == 0 && r->arg == NULL && *++p != '\0');
	return rc;
}

/*
 * Checks the command's operands (command.c) and -m: they are usage errors
 * like a malformed flag. Whether types exist and counts fit is the app's
 * business, checked later.
 */
static int
cli_check_operands(const struct cli *cli, char **cause)
{
	struct formation_spec fs;
	int rc;

	if ((rc = command_check_operands(cli, cause)) == 0 &&
	    (cli->flags.set & CONFIG_FORMATION) &&
	    (rc = formation_parse(cli->flags.origin[config_field_index(
	    CONFIG_FORMATION)], cli->flags.formation, FORMATION_MAX_UNKNOWN, &fs,
	    cause)) == 0)
		formation_spec_free(&fs);
	return rc;
}

/* Parses argv into cli; see cli.h. */
int
cli_parse(int argc, char **argv, struct cli *cli, char **cause)
{
	struct cli_opt *opts = NULL;
	size_t i, nopts = 0;
	const char *at;
	char *arg;
	int k, r = 0, done = 0, excused;

	memset(cli, 0, sizeof *cli);
	cli->lines = CLI_LOGS_LINES;
	cli->wait_timeout_ms = CLI_WAIT_FOREVER;
	for (k = 1; k < argc && r == 0; k++) {
		arg = argv[k];
		if (!done && strcmp(arg, "--") == 0)
			done = 1;
		else if (!done && arg[0] == '-' && arg[1] != '\0')
			r = cli_option(cli, &opts, &nopts, argc, argv, &k,
			    cause);
		else if (cli->command == CLI_NONE) {
			cli->command = command_lookup(arg);
			if (cli->command == CLI_NONE)
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
	excused = cli->help || cli->version;
	if (r == 0 && cli->help && cli->command == CLI_NONE)
		cli->command = CLI_HELP;
	else if (r == 0 && cli->version && !cli->help)
		cli->command = CLI_VERSION;
	else if (r == 0 && cli->command == CLI_NONE)
		r = cli_fail(cause, "no command given", "", NULL, "");
	for (i = 0; r == 0 && !excused && i < nopts &&
	    cli_takes(opts[i].row, cli->command); i++)
		;
	if (r == 0 && !excused && i < nopts) {
		at = opts[i].at;
		xasprintf(cause, "option %s%.*s does not apply to '%s'",
		    *at == '-' ? "" : "-", *at == '-' ? (int)strcspn(at, "=") :
		    1, at, command_name(cli->command));
		r = -1;
	} else if (r == 0 && (!excused || cli->command == CLI_HELP))
		r = cli_check_operands(cli, cause);
	free(opts);
	if (r != 0)
		cli_free(cli);
	return r;
}
