/*
 * guard.c: the process that cleans up after a killed tfrun.
 *
 * It must not depend on tfrun in any way once tfrun is gone, so it is a
 * plain loop over poll(2) and /proc, forked before tfrun starts any thread
 * or libuv handle, with nothing but static memory of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "compat.h"
#include "guard.h"

#define GUARD_MAX_SESSIONS 8192
#define GUARD_MAX_PROCS 65536
#define GUARD_POLL_MS 200

static int guard_fd = -1;  /* tfrun's end of the pipe; -1 without a guard */
static pid_t guard_child;  /* the guard's pid, in tfrun */
static pid_t guard_own_sid; /* tfrun's own session: never to be killed */

/* The guard's own state (in the guard process only). */
static pid_t guard_sessions[GUARD_MAX_SESSIONS];
static size_t guard_nsessions;
static pid_t guard_seen[GUARD_MAX_SESSIONS]; /* children already looked at */
static size_t guard_nseen;

/* One process of the system, as /proc/PID/stat describes it. */
struct guard_proc {
	pid_t pid;
	pid_t ppid;
	pid_t sid;
	int mark;
};
static struct guard_proc guard_procs[GUARD_MAX_PROCS];

/* Reads ppid and sid of pid; returns 0, or -1 when it is gone. */
static int
guard_stat(pid_t pid, pid_t *ppid, pid_t *sid)
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

/* Adds a session to watch, once. */
static void
guard_add_session(pid_t sid)
{
	size_t i;

	if (sid <= 1 || sid == guard_own_sid)
		return;
	for (i = 0; i < guard_nsessions; i++) {
		if (guard_sessions[i] == sid)
			return;
	}
	if (guard_nsessions < GUARD_MAX_SESSIONS)
		guard_sessions[guard_nsessions++] = sid;
}

/* Says whether sid is watched. */
static int
guard_watched(pid_t sid)
{
	size_t i;

	for (i = 0; i < guard_nsessions; i++) {
		if (guard_sessions[i] == sid)
			return 1;
	}
	return 0;
}

/* Looks at tfrun's children and watches the sessions of new ones. */
static void
guard_scan_children(pid_t tfrun)
{
	char path[96], list[65536], *p, *end;
	struct dirent *de;
	pid_t pid, ppid, sid;
	size_t i;
	ssize_t n;
	DIR *dir;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)tfrun);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%.20s/children",
		    (long)tfrun, de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, list, sizeof list - 1);
		close(fd);
		if (n <= 0)
			continue;
		list[n] = '\0';
		for (p = list;; p = end) {
			pid = (pid_t)strtol(p, &end, 10);
			if (end == p)
				break;
			for (i = 0; i < guard_nseen; i++) {
				if (guard_seen[i] == pid)
					break;
			}
			if (i < guard_nseen || pid == getpid())
				continue;
			if (guard_nseen < GUARD_MAX_SESSIONS)
				guard_seen[guard_nseen++] = pid;
			if (guard_stat(pid, &ppid, &sid) == 0)
				guard_add_session(sid);
		}
	}
	closedir(dir);
}

/*
 * SIGKILLs every process in a watched session, and every descendant of
 * one, whatever its session. Returns how many were signalled.
 */
static size_t
guard_kill_all(void)
{
	struct dirent *de;
	size_t n = 0, i, j, killed = 0;
	pid_t self = getpid(), pid;
	int changed;
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL && n < GUARD_MAX_PROCS) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == self || guard_stat(pid, &guard_procs[n].ppid,
		    &guard_procs[n].sid) != 0)
			continue;
		guard_procs[n].pid = pid;
		guard_procs[n].mark = guard_watched(guard_procs[n].sid);
		n++;
	}
	closedir(dir);
	/* Spread the mark to children until nothing changes. */
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			if (guard_procs[i].mark)
				continue;
			for (j = 0; j < n; j++) {
				if (guard_procs[j].mark &&
				    guard_procs[j].pid == guard_procs[i].ppid) {
					guard_procs[i].mark = changed = 1;
					break;
				}
			}
		}
	} while (changed);
	for (i = 0; i < n; i++) {
		if (guard_procs[i].mark && kill(guard_procs[i].pid,
		    SIGKILL) == 0)
			killed++;
	}
	return killed;
}

/* The guard's life: watch until goodbye, or clean up after a death. */
static void tf_noreturn
guard_main(int fd, pid_t tfrun)
{
	struct pollfd pfd;
	char buf[4096], *p, *nl;
	int said_goodbye = 0, round;
	size_t have = 0;
	ssize_t n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, GUARD_POLL_MS) == -1 && errno != EINTR)
			break;
		if (pfd.revents == 0) {
			guard_scan_children(tfrun);
			continue;
		}
		n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		/* Records are "S<pid>\n" for an instance, "Q\n" for goodbye. */
		for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			if (*p == 'Q')
				said_goodbye = 1;
			else if (*p == 'S')
				guard_add_session((pid_t)strtol(p + 1, NULL,
				    10));
		}
		have = strlen(p);
		memmove(buf, p, have);
		if (have == sizeof buf - 1)
			have = 0; /* no record is this long: drop the junk */
	}
	if (said_goodbye)
		_exit(0);
	/* tfrun died: kill, and again for what was being forked meanwhile. */
	for (round = 0; round < 10; round++) {
		if (guard_kill_all() == 0)
			break;
		usleep(50 * 1000);
	}
	_exit(0);
}

/* Forks the guard; see guard.h. */
int
guard_start(void)
{
	struct sigaction sa;
	pid_t tfrun = getpid(), pid;
	int fds[2], null, sig;

	guard_own_sid = getsid(0);
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid > 0) {
		close(fds[0]);
		/* A full pipe must never block tfrun (see guard_watch). */
		fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
		guard_fd = fds[1];
		guard_child = pid;
		return 0;
	}

	/*
	 * The guard: out of tfrun's session and process group, so that a
	 * signal to the group or a ^C does not take it too, deaf to the
	 * signals that stop tfrun gracefully, and holding no terminal or pipe
	 * of tfrun's open (a reader of tfrun's stdout waits for every writer).
	 */
	close(fds[1]);
	setsid();
#ifdef PR_SET_NAME
	prctl(PR_SET_NAME, "tfrun-guard", 0, 0, 0);
#endif
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	for (sig = 1; sig < 32; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaction(sig, &sa, NULL);
	}
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	guard_main(fds[0], tfrun);
}

/* Reports an instance's session to the guard. */
void
guard_watch(int pid)
{
	char rec[32];
	int n;

	if (guard_fd == -1)
		return;
	n = snprintf(rec, sizeof rec, "S%d\n", pid);
	/*
	 * A full pipe drops the record: the guard finds the instance by
	 * itself within GUARD_POLL_MS. A dead guard is forgotten.
	 */
	if (write(guard_fd, rec, (size_t)n) == -1 && errno != EAGAIN) {
		close(guard_fd);
		guard_fd = -1;
	}
}

/* Says goodbye to the guard and waits for it to exit. */
void
guard_stop(void)
{
	struct pollfd pfd;

	if (guard_fd == -1)
		return;
	/* The goodbye must get through, so wait for room if need be. */
	pfd.fd = guard_fd;
	pfd.events = POLLOUT;
	while (write(guard_fd, "Q\n", 2) == -1 && (errno == EAGAIN ||
	    errno == EINTR))
		poll(&pfd, 1, 100);
	close(guard_fd);
	guard_fd = -1;
	waitpid(guard_child, NULL, 0);
	guard_child = 0;
}

/* Returns the guard's pid, or 0 without a guard. */
int
guard_pid(void)
{
	return (int)guard_child;
}
