/*
 * help.c: `tfrun help`, `tfrun --help` and `tfrun COMMAND --help`. Pure:
 * the texts are built from what each command is for (below) and from the
 * rows of config_settings (config.h), so an option is described once, in
 * its row, and listed for exactly the commands that use it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "compat.h"
#include "config.h"
#include "help.h"
#include "xmalloc.h"

/* What each command is for: its operands, a summary and a description. */
static const struct help_command {
	const char *name;
	const char *operands;
	const char *summary;
	const char *about;
} help_commands[] = {
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
	[CLI_ATTACH] = { "attach", "NAME|TYPE", "connect the terminal to an instance",
	    "Connect the terminal to instance NAME of a running 'tfrun start' (a\n"
	    "TYPE: its first instance): its output, and keystrokes to it. ^P ^Q\n"
	    "detaches.\n" },
	[CLI_QUIT] = { "quit", "", "stop a running tfrun start gracefully",
	    "Stop a running 'tfrun start' gracefully; it exits with status 0.\n" },
	[CLI_HELP] = { "help", "[COMMAND]", "show this help, or a command's", "" },
	[CLI_VERSION] = { "version", "", "print tfrun's version",
	    "Print tfrun's version.\n" }
};


/* Appends one help line: the option at col 2, its text at col 29. */
static void
help_line(struct buf *b, char letter, const char *flag, const char *arg,
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
help_options(struct buf *b, enum cli_command command)
{
	const struct config_setting *r;
	const char *bar;
	char *first, *s, *text;
	size_t i, j;

	for (i = 0; i < config_nsettings; i++) {
		r = &config_settings[i];
		if (r->flags == NULL || !(r->cmds & CONFIG_CMD(command)))
			continue;
		first = config_spelling(r->flags, 0);
		bar = strchr(r->help, '|');
		for (j = 0; (s = config_spelling(r->flags, j)) != NULL; j++) {
			if (j == 0)
				help_line(b, r->letters[0], s, r->arg,
				    r->help, bar != NULL ?
				    (size_t)(bar - r->help) : strlen(r->help));
			else {
				xasprintf(&text, "the same as --%s", first);
				help_line(b, j < strlen(r->letters) ?
				    r->letters[j] : ' ', s, r->arg, text,
				    strlen(text));
				free(text);
			}
			free(s);
		}
		for (j = 0; bar != NULL &&
		    (s = config_spelling(r->negs, j)) != NULL; j++) {
			help_line(b, ' ', s, NULL, bar + 1, strlen(bar + 1));
			free(s);
		}
		free(first);
	}
}

/* Returns the help text for command, or the general help; see help.h. */
const char *
help_text(enum cli_command command)
{
	static char *texts[nitems(help_commands)];
	const struct help_command *ci;
	struct buf b = BUF_INIT;
	size_t i, start;

	if (command == CLI_HELP || (size_t)command >= nitems(help_commands))
		command = CLI_NONE;
	if (texts[command] != NULL)
		return texts[command];
	ci = &help_commands[command];
	if (command != CLI_NONE) {
		buf_printf(&b, "usage: tfrun %s [OPTIONS]%s%s\n\n%s\nOptions:\n",
		    ci->name, *ci->operands != '\0' ? " " : "", ci->operands,
		    ci->about);
		help_options(&b, command);
		return texts[command] = buf_detach(&b);
	}
	buf_adds(&b, "usage: tfrun COMMAND [OPTIONS] [ARG]...\n\n"
	    "Run a Procfile app's processes with its .env files, merge their "
	    "output\ninto one prefixed log, and stop them cleanly.\n\n"
	    "Commands:\n");
	for (i = CLI_START; i < nitems(help_commands); i++) {
		ci = &help_commands[i];
		start = b.len;
		buf_printf(&b, "  %s%s%s", ci->name, *ci->operands != '\0' ?
		    " " : "", ci->operands);
		do
			buf_addc(&b, ' ');
		while (b.len - start < 29);
		buf_printf(&b, "%s\n", ci->summary);
	}
	buf_adds(&b, "\nOptions:\n");
	help_options(&b, CLI_NONE);
	buf_adds(&b, "\nSettings come from options, then TFRUN_* variables, "
	    "then tfrun.ini,\nthen the defaults. Run 'tfrun help COMMAND' "
	    "for a command's options.\n");
	return texts[command] = buf_detach(&b);
}
