/*
 * main.c: glue only — parse the command line, load the plan, run the
 * command, return its exit status.
 *
 * Exit statuses: 0 success; 1 an error before anything started (invalid
 * Procfile, env file, config, port) or a failed client request; 2 a usage
 * error; otherwise what `start` or `run` define (see the man page).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "formation.h"
#include "keeper.h"
#include "cmd.h"
#include "plan.h"
#include "procfile.h"
#include "xmalloc.h"

/* The largest count a formation may name (the largest port step). */
#define MAIN_MAX_COUNT 65535

extern char **environ;

/* Prints each line of a multi-line cause with the "tfrun: " prefix. */
static void
main_print_cause(const char *cause)
{
	const char *p = cause, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			fprintf(stderr, "tfrun: %s\n", p);
			break;
		}
		fprintf(stderr, "tfrun: %.*s\n", (int)(nl - p), p);
		p = nl + 1;
	}
}

/*
 * Checks the form of `start`'s operands (TYPE or TYPE=N, each type once):
 * a malformed one is a usage error like a malformed flag. Whether the type
 * exists and the count fits is the app's business, checked later.
 */
static int
main_check_operands(char *const *args, size_t nargs, char **cause)
{
	const char *eq, *a;
	size_t i, j, len;

	for (i = 0; i < nargs; i++) {
		a = args[i];
		eq = strchr(a, '=');
		len = eq != NULL ? (size_t)(eq - a) : strlen(a);
		if (len == 0 || len > PROCFILE_NAME_MAX ||
		    strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_-") != len || (eq != NULL && (eq[1] == '\0' ||
		    strspn(eq + 1, "0123456789") != strlen(eq + 1)))) {
			xasprintf(cause, "'%s': expected TYPE or TYPE=N (N a "
			    "whole number)", a);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (strncmp(args[j], a, len) == 0 &&
			    (args[j][len] == '\0' || args[j][len] == '=')) {
				xasprintf(cause, "'%s': process type named "
				    "twice", a);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * libuv takes fds 0-2 to be open (it asserts so when it closes its own):
 * a closed one is opened on /dev/null, so output meant for it is dropped.
 */
static void
main_open_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct plan plan;
	char *cause;
	int status;

	main_open_std_fds();

	if (cli_parse(argc, argv, &cli, &cause) != 0) {
		fprintf(stderr, "tfrun: %s (see 'tfrun help')\n", cause);
		free(cause);
		return 2;
	}
	/*
	 * A malformed -m is a usage error like any malformed flag value;
	 * whether its types and counts fit the Procfile is checked later.
	 */
	if ((cli.flags.set & CONFIG_FORMATION) && !cli.help) {
		struct formation_spec fs;

		if (formation_parse("--formation", cli.flags.formation,
		    MAIN_MAX_COUNT, &fs, &cause) != 0) {
			fprintf(stderr, "tfrun: %s (see 'tfrun help')\n", cause);
			free(cause);
			cli_free(&cli);
			return 2;
		}
		formation_spec_free(&fs);
	}
	/*
	 * From here until its handlers are in place, `start` holds back the
	 * signals it handles, so an early ^C stops it cleanly instead of
	 * killing it (keeper.c and the supervisor unblock them). Only
	 * `start`: a blocked mask would be inherited by `run`'s command.
	 */
	if (cli.command == CLI_START && !cli.help)
		keeper_block();
	if (cli.command == CLI_START && !cli.help &&
	    main_check_operands(cli.args, cli.nargs, &cause) != 0) {
		fprintf(stderr, "tfrun: %s (see 'tfrun help')\n", cause);
		free(cause);
		cli_free(&cli);
		return 2;
	}
	if (cli.command == CLI_VERSION) {
		printf("tfrun %s\n", TFRUN_VERSION);
		cli_free(&cli);
		return 0;
	}
	if (cli.command == CLI_HELP || cli.help) {
		enum cli_command topic = cli.command;

		if (cli.command == CLI_HELP && cli.nargs > 0)
			topic = cli_command_lookup(cli.args[0]);
		fputs(cli_help_text(topic), stdout);
		cli_free(&cli);
		return 0;
	}

	switch (cli.command) {
	case CLI_START:
	case CLI_RUN:
	case CLI_CHECK:
	case CLI_ENV:
	case CLI_EXPORT:
		break;
	default:
		fprintf(stderr, "tfrun: %s: not implemented in this version\n",
		    cli_command_name(cli.command));
		cli_free(&cli);
		return 1;
	}

	if (plan_load(&plan, &cli, environ, &cause) != 0) {
		main_print_cause(cause);
		free(cause);
		plan_free(&plan);
		cli_free(&cli);
		return 1;
	}
	switch (cli.command) {
	case CLI_CHECK:
		status = cmd_check(&plan);
		break;
	case CLI_ENV:
		status = cmd_env(&plan, &cli);
		break;
	case CLI_EXPORT:
		status = cmd_export(&plan, &cli);
		break;
	case CLI_RUN:
		status = cmd_run(&plan, &cli);
		break;
	default:
		status = cmd_start(&plan, &cli);
		break;
	}
	plan_free(&plan);
	cli_free(&cli);
	return status;
}
