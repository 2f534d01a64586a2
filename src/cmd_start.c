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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "keeper.h"
#include "supervisor.h"

static int cmd_start_lock_fd = -1; /* the root's lock; see below */

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

	/*
	 * O_NONBLOCK: a FIFO nobody reads must be an error (ENXIO), not an
	 * open that waits for ever with the signals held.
	 */
	if ((log = open(p->log_file, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC | O_NONBLOCK, 0644)) == -1) {
		fprintf(stderr, "tfrun: %s: cannot open the log file: %s\n",
		    p->log_file, strerror(errno));
		return 1;
	}
	fcntl(log, F_SETFL, fcntl(log, F_GETFL) & ~O_NONBLOCK);
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
	/*
	 * /proc/locks names the process that took the lock, which is about
	 * to exit: taken again, it names this one, which a second tfrun
	 * start then shows. Between the two, another start may win the
	 * root; this one then says so and ends.
	 */
	if (cmd_start_lock_fd != -1) {
		flock(cmd_start_lock_fd, LOCK_UN);
		if (flock(cmd_start_lock_fd, LOCK_EX | LOCK_NB) != 0) {
			fprintf(stderr, "tfrun: tfrun is already running in "
			    "%s\n", p->root);
			_exit(1);
		}
	}
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

/*
 * Finds the pid holding a flock(2) on the file st describes, from
 * /proc/locks; 0 when it cannot tell.
 */
static long
cmd_start_lock_holder(const struct stat *st)
{
	char line[256], want[64];
	long pid = 0, p;
	FILE *f;

	if ((f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	snprintf(want, sizeof want, ":%lu ", (unsigned long)st->st_ino);
	while (pid == 0 && fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "FLOCK") == NULL || strstr(line, want) == NULL)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %ld", &p) == 1)
			pid = p;
	}
	fclose(f);
	return pid;
}

/*
 * One tfrun start per app root (SPEC section 7), whatever socket each
 * uses: a lock on the root directory itself, held for tfrun's life by
 * its processes (the descriptor is inherited by fork, not by exec).
 */
static int
cmd_start_lock_root(const char *root)
{
	struct stat st;
	char *abs;
	long holder;
	int fd;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0; /* the plan checked it is a directory */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		cmd_start_lock_fd = fd;
		return 0;
	}
	abs = realpath(root, NULL);
	fstat(fd, &st);
	/* The holder may be gone by now (it was stopping): no pid then. */
	if ((holder = cmd_start_lock_holder(&st)) > 0)
		fprintf(stderr, "tfrun: tfrun is already running in %s (pid "
		    "%ld)\n", abs != NULL ? abs : root, holder);
	else
		fprintf(stderr, "tfrun: tfrun is already running in %s\n",
		    abs != NULL ? abs : root);
	free(abs);
	close(fd);
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
	if (cmd_start_lock_root(p->root) != 0)
		return 1;
	if ((setup.ctl_fd = ctl_listen(p->socket, &cause)) == -1) {
		fprintf(stderr, "tfrun: %s\n", cause);
		free(cause);
		return 1;
	}
	if (setup.ctl_fd == -2) {
		/* Like foreman, tfrun runs in a directory it may not write. */
		fprintf(stderr, "tfrun: warning: %s; tfrun ps and the other "
		    "control commands will not reach this tfrun\n", cause);
		free(cause);
		setup.ctl_fd = -1;
	}
	setup.ctl_path = p->socket;
	if (p->cfg.daemon &&
	    (status = cmd_start_daemon(p, &setup.started_fd)) != -1) {
		if (setup.ctl_fd != -1) {
			close(setup.ctl_fd);
			/* A start that failed leaves no socket behind. */
			if (status != 0)
				unlink(p->socket);
		}
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
