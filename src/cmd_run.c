/*
 * cmd_run.c: `tfrun run` — exec the command in the app's environment, so
 * the terminal, stdin, signals and exit status are the command's own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "envmap.h"

extern char **environ;

/* Builds the environment, changes to the root and execs; see cmd.h. */
int
cmd_run(const struct plan *p, const struct cli *cli)
{
	const struct plan_type *t;
	const char *shell_cmd = NULL;
	char **envp, **saved;
	int err;

	if (chdir(p->root) != 0) {
		fprintf(stderr, "tfrun: run: %s: %s\n", p->root,
		    strerror(errno));
		return 1;
	}
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
	/* execvp searches the PATH of environ, so PATH from .env counts. */
	saved = environ;
	environ = envp;
	if (shell_cmd != NULL)
		execl("/bin/sh", "sh", "-c", shell_cmd, (char *)NULL);
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
