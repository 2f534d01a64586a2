/*
 * keeper.c: the first of tfrun start's two processes (see keeper.h).
 *
 * The keeper uses no libuv and no thread: it is plain waitpid(2) with
 * signal handlers that forward, and a /proc walk to kill what is left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "compat.h"
#include "keeper.h"

#define KEEPER_MAX_PROCS 65536

/* Signals the keeper passes on to the supervisor. */
static const int keeper_forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1,
	SIGUSR2, SIGQUIT };

static volatile sig_atomic_t keeper_child; /* the supervisor's pid */
static int keeper_pipe = -1;               /* the supervisor's read end */

/* One process of the system, as /proc/PID/stat describes it. */
struct keeper_proc {
	pid_t pid;
	pid_t ppid;
	pid_t sid;
	int mark;
};
static struct keeper_proc keeper_procs[KEEPER_MAX_PROCS];

/* Passes a signal on to the supervisor (async-signal-safe). */
static void
keeper_forward(int sig)
{
	int saved = errno;

	if (keeper_child > 0)
		kill((pid_t)keeper_child, sig);
	errno = saved;
}

/* Reads ppid and sid of pid from /proc; returns 0, or -1 when gone. */
static int
keeper_stat(pid_t pid, pid_t *ppid, pid_t *sid)
{
	char path[64], stat[512], *p;
	long pp, pg, sd;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = '\0';
	/* "pid (comm) state ppid pgrp session": comm may hold ')' too. */
	if ((p = strrchr(stat, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld %ld %ld", &pp, &pg, &sd) != 3)
		return -1;
	*ppid = (pid_t)pp;
	*sid = (pid_t)sd;
	return 0;
}

/*
 * SIGKILLs everything that descends from the keeper: its children (what
 * the supervisor left, re-parented here), every process in their sessions,
 * and every descendant of those. Returns how many were signalled.
 */
static size_t
keeper_kill_tree(void)
{
	struct dirent *de;
	size_t n = 0, i, j, killed = 0;
	pid_t self = getpid(), mysid = getsid(0), pid;
	int changed;
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL && n < KEEPER_MAX_PROCS) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == self || keeper_stat(pid, &keeper_procs[n].ppid,
		    &keeper_procs[n].sid) != 0)
			continue;
		keeper_procs[n].pid = pid;
		keeper_procs[n].mark = keeper_procs[n].ppid == self;
		n++;
	}
	closedir(dir);
	/* Whole sessions of marked processes (never the keeper's own). */
	for (i = 0; i < n; i++) {
		if (!keeper_procs[i].mark || keeper_procs[i].sid == mysid)
			continue;
		for (j = 0; j < n; j++) {
			if (keeper_procs[j].sid == keeper_procs[i].sid)
				keeper_procs[j].mark = 1;
		}
	}
	/* Then their descendants, until nothing changes. */
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			if (keeper_procs[i].mark)
				continue;
			for (j = 0; j < n; j++) {
				if (keeper_procs[j].mark &&
				    keeper_procs[j].pid == keeper_procs[i].ppid) {
					keeper_procs[i].mark = changed = 1;
					break;
				}
			}
		}
	} while (changed);
	for (i = 0; i < n; i++) {
		if (keeper_procs[i].mark && kill(keeper_procs[i].pid,
		    SIGKILL) == 0)
			killed++;
	}
	return killed;
}

/* Reaps every child that has ended; returns -1 once none is left. */
static int
keeper_reap(void)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		continue;
	return pid == -1 && errno == ECHILD ? -1 : 0;
}

/*
 * The keeper's life: forward signals, wait for the supervisor, then make
 * sure nothing of the formation is left. Returns tfrun's exit status.
 */
static int
keeper_run(pid_t child)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	struct sigaction sa;
	int status = 0, round, sig;
	size_t i;
	pid_t pid;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = keeper_forward;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < nitems(keeper_forwarded); i++)
		sigaction(keeper_forwarded[i], &sa, NULL);

	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid == child)
			break;
		if (pid == -1 && errno != EINTR)
			return 1;
	}
	keeper_child = 0;

	/*
	 * A supervisor that ended normally has stopped everything itself, so
	 * this finds nothing. One that was killed left its processes here.
	 */
	sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	for (round = 0; round < 250; round++) {
		keeper_kill_tree();
		if (keeper_reap() == -1)
			break;
		nanosleep(&pause, NULL);
	}
	if (sig != 0) {
		fprintf(stderr, "tfrun: the supervisor was killed by signal "
		    "%d; every process it started was killed\n", sig);
		return 128 + sig;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Forks the supervisor; see keeper.h. */
int
keeper_start(int *status)
{
	pid_t pid;
	int fds[2];

#if !defined(__linux__) || !defined(PR_SET_CHILD_SUBREAPER)
	return -1;
#else
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		/*
		 * The supervisor: its own process group, so that a signal to
		 * the keeper's group (a ^C on the terminal) reaches it once,
		 * forwarded. Writes to the terminal from outside the
		 * foreground group must not stop it (TOSTOP).
		 */
		close(fds[1]);
		keeper_pipe = fds[0];
		setpgid(0, 0);
		signal(SIGTTOU, SIG_IGN);
		return 0;
	}
	close(fds[0]);
	keeper_child = pid;
	setpgid(pid, pid);
	/* fds[1] stays open until the keeper exits: its EOF is the news. */
	*status = keeper_run(pid);
	close(fds[1]);
	return 1;
#endif
}

/* The supervisor's end of the keeper's pipe. */
int
keeper_fd(void)
{
	return keeper_pipe;
}
