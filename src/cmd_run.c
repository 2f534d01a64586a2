/*
 * cmd_run.c: `tfrun run` — exec the command in the app's environment, so
 * the terminal, stdin, signals and exit status are the command's own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "envmap.h"
#include "keeper.h"
#include "supervisor.h"
#include "xmalloc.h"

extern char **environ;

/* Marks type i and, transitively, what it waits for (after =). */
static void
cmd_run_need(const struct plan *p, size_t i, long *counts)
{
	const struct plan_type *t = &p->types[i];
	size_t j;

	if (counts[i] > 0)
		return;
	counts[i] = t->count > 0 ? t->count : 1;
	for (j = 0; j < t->nafter; j++)
		cmd_run_need(p, t->after[j].type, counts);
}

/*
 * tfrun run --with TYPE,... -- COMMAND (SPEC 6b): those types and what
 * they need are started and waited for; then COMMAND runs with the
 * terminal, as the keeper's child; then they are stopped, and the status
 * is COMMAND's. Their log goes to stderr, so that COMMAND's stdout stays
 * its own.
 */
static int
cmd_run_with(const struct plan *p, const struct cli *cli, char **envp,
    const char *shell_cmd)
{
	struct supervisor_setup setup = { -1, NULL, 0, -1, 1, NULL };
	const struct plan_type *t;
	/* "--": a command that starts with '-' is not an option of sh. */
	char *sh[5] = { "/bin/sh", "-c", "--", NULL, NULL };
	long *counts;
	size_t i;
	int status;

	counts = xcalloc(p->ntypes + 1, sizeof *counts);
	for (i = 0; i < cli->nwith; i++) {
		if ((t = plan_type_find(p, cli->with[i])) == NULL) {
			fprintf(stderr, "tfrun: run --with: no process type "
			    "'%s' in the Procfile\n", cli->with[i]);
			free(counts);
			return 1;
		}
		cmd_run_need(p, t->index, counts);
	}
	sh[3] = (char *)(uintptr_t)shell_cmd;
	keeper_set_command(shell_cmd != NULL ? sh : cli->args, envp, p->root,
	    p->cfg.timeout_ms);
	switch (keeper_start(p->cfg.isolate, 0, &status)) {
	case 1:
		free(counts);
		return status;
	case 0:
		break;
	default:
		fprintf(stderr, "tfrun: run --with needs the keeper process, "
		    "which could not be made\n");
		free(counts);
		return 1;
	}
	dup2(STDERR_FILENO, STDOUT_FILENO);
	setup.counts = counts;
	supervisor_set_up(&setup);
	status = supervisor_run(p);
	free(counts);
	return status;
}

/* Builds the environment, changes to the root and execs; see cmd.h. */
int
cmd_run(const struct plan *p, const struct cli *cli)
{
	const struct plan_type *t;
	const char *shell_cmd = NULL;
	char **envp, **saved;
	int err;

	envp = env_envp(&p->env, p->base_port, "run.1");

	/*
	 * One argument runs through the shell, and names a Procfile type's
	 * command when it is one; several run exactly as given.
	 */
	if (cli->nargs == 1) {
		t = plan_type_find(p, cli->args[0]);
		shell_cmd = t != NULL ? t->command : cli->args[0];
	}
	fflush(stdout);
	if (cli->nwith > 0) {
		err = cmd_run_with(p, cli, envp, shell_cmd);
		envmap_free_envp(envp);
		return err;
	}
	if (chdir(p->root) != 0) {
		fprintf(stderr, "tfrun: run: %s: %s\n", p->root,
		    strerror(errno));
		envmap_free_envp(envp);
		return 1;
	}
	/* execvp searches the PATH of environ, so PATH from .env counts. */
	saved = environ;
	environ = envp;
	if (shell_cmd != NULL)
		execl("/bin/sh", "sh", "-c", "--", shell_cmd, (char *)NULL);
	else
		execvp(cli->args[0], cli->args);
	err = errno;
	fprintf(stderr, "tfrun: run: %s: %s\n", shell_cmd != NULL ?
	    "/bin/sh" : cli->args[0], err == ENOENT ? "command not found" :
	    strerror(err));
	environ = saved;
	envmap_free_envp(envp);
	return err == ENOENT ? 127 : 126;
}
