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
#include "command.h"
#include "help.h"
#include "keeper.h"
#include "cmd.h"
#include "plan.h"
#include "proc.h"
#include "xmalloc.h"

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

	/* A pty instance's exec shim: nothing else may run before it. */
	if (argc >= 3 && strcmp(argv[1], PROC_SHIM_ARG) == 0)
		return proc_exec_shim(argc, argv);
	main_open_std_fds();

	if (cli_parse(argc, argv, &cli, &cause) != 0) {
		fprintf(stderr, "tfrun: %s (see 'tfrun help')\n", cause);
		free(cause);
		return 2;
	}
	/*
	 * From here until its handlers are in place, `start` holds back the
	 * signals it handles, so an early ^C stops it cleanly instead of
	 * killing it (keeper.c and the supervisor unblock them). Only
	 * `start`: a blocked mask would be inherited by `run`'s command.
	 */
	if ((cli.command == CLI_START || (cli.command == CLI_RUN &&
	    cli.nwith > 0)) && !cli.help)
		keeper_block();
	if (cli.command == CLI_VERSION) {
		printf("tfrun %s\n", TFRUN_VERSION);
		cli_free(&cli);
		return 0;
	}
	if (cli.command == CLI_HELP || cli.help) {
		enum cli_command topic = cli.command;

		if (cli.command == CLI_HELP && cli.nargs > 0)
			topic = command_lookup(cli.args[0]);
		fputs(help_text(topic), stdout);
		cli_free(&cli);
		return 0;
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
	case CLI_START:
		status = cmd_start(&plan, &cli);
		break;
	default:
		status = cmd_ctl(plan.socket, &cli);
		break;
	}
	plan_free(&plan);
	cli_free(&cli);
	return status;
}
