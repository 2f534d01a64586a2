/*
 * cmd_start.c: `tfrun start` — set up the control socket (refusing a
 * second tfrun in the same root), detach with -D, split into the keeper
 * and the supervisor (keeper.h), then hand the plan to the supervisor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "keeper.h"
#include "supervisor.h"

/*
 * -D: the process the user started waits in the foreground until every
 * instance has been started (the supervisor writes "ok" to the pipe),
 * then returns 0; if tfrun ends before that, it returns tfrun's status.
 * The child goes on in a session of its own, its output appended to the
 * log file. Returns -1 in the child (which goes on), else the status.
 */
static int
cmd_start_daemon(const struct plan *p, int *started_fd)
{
	char buf[8];
	int fds[2], log, null, st;
	ssize_t n;
	pid_t pid;

	if ((log = open(p->log_file, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644)) == -1) {
		fprintf(stderr, "tfrun: %s: cannot open the log file: %s\n",
		    p->log_file, strerror(errno));
		return 1;
	}
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, "tfrun: -D: %s\n", strerror(errno));
		close(log);
		return 1;
	}
	if (pid != 0) {
		close(fds[1]);
		close(log);
		while ((n = read(fds[0], buf, sizeof buf)) == -1 &&
		    errno == EINTR)
			continue;
		close(fds[0]);
		if (n > 0)
			return 0;
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			continue;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	close(fds[0]);
	setsid();
	if ((null = open("/dev/null", O_RDONLY)) != -1) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	dup2(log, STDOUT_FILENO);
	dup2(log, STDERR_FILENO);
	close(log);
	*started_fd = fds[1];
	return -1;
}

/* Runs the formation until it stops; returns tfrun's exit status. */
int
cmd_start(const struct plan *p, const struct cli *cli)
{
	struct supervisor_setup setup = { -1, NULL, 0, -1, 0, NULL };
	char *cause;
	int status;

	(void)cli;
	if ((setup.ctl_fd = ctl_listen(p->socket, &cause)) == -1) {
		fprintf(stderr, "tfrun: %s\n", cause);
		free(cause);
		return 1;
	}
	setup.ctl_path = p->socket;
	if (p->cfg.daemon &&
	    (status = cmd_start_daemon(p, &setup.started_fd)) != -1) {
		close(setup.ctl_fd);
		return status;
	}
	setup.pid = (long)getpid();
	/* The keeper must not hold the socket: only the supervisor serves. */
	keeper_close_after_fork(setup.ctl_fd);
	switch (keeper_start(p->cfg.isolate, plan_stdin_type(p) != NULL,
	    &status)) {
	case 1:
		return status; /* the keeper, after the supervisor ended */
	case 0:
		break;
	case -2:
		unlink(p->socket);
		return 1; /* --isolate refused; the reason was printed */
	default:
		fprintf(stderr, "tfrun: warning: no keeper process: if tfrun "
		    "is killed, its processes may survive it\n");
		break;
	}
	supervisor_set_up(&setup);
	return supervisor_run(p);
}
