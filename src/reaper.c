/*
 * reaper.c: finds and reaps the children tfrun adopted as a subreaper.
 *
 * libuv reaps only the pids of its own uv_process_t handles and must not
 * have them taken away (STYLE.md 2.3), so waitpid(-1) is out. Instead the
 * kernel's list of this process's children (/proc/self/task/TID/children)
 * is read, and every pid that no proc owns is waited for by its own pid.
 */
#include <dirent.h>
#include <errno.h>
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

#include "buf.h"
#include "compat.h"
#include "proc.h"
#include "reaper.h"

/*
 * Appends the pid of every process whose parent is this one, found in
 * /proc/PID/stat: the slow way, for kernels without the children file.
 */
static void
reaper_scan_ppid(struct buf *list)
{
	char path[64], stat[512], *close_paren;
	struct dirent *de;
	long ppid, self = (long)getpid();
	DIR *dir;
	FILE *f;
	size_t n;

	if ((dir = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(stat, 1, sizeof stat - 1, f);
		fclose(f);
		stat[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and ')'. */
		if ((close_paren = strrchr(stat, ')')) == NULL ||
		    sscanf(close_paren + 1, " %*c %ld", &ppid) != 1)
			continue;
		if (ppid == self)
			buf_printf(list, "%s ", de->d_name);
	}
	closedir(dir);
}

/* Calls fn for each child pid of this process that libuv does not own. */
static void
reaper_each_adopted(void (*fn)(pid_t, void *), void *arg)
{
	struct buf list = BUF_INIT;
	char path[64], chunk[4096], *p, *end;
	struct dirent *de;
	DIR *dir;
	FILE *f;
	size_t n;
	long pid;

	if ((dir = opendir("/proc/self/task")) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%.20s/children",
		    de->d_name);
		if ((f = fopen(path, "r")) == NULL) {
			/* No CONFIG_PROC_CHILDREN: find children by ppid. */
			reaper_scan_ppid(&list);
			break;
		}
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&list, chunk, n);
		fclose(f);
		buf_addc(&list, ' ');
	}
	closedir(dir);
	for (p = list.data; p != NULL; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0 && !proc_owns_pid((int)pid))
			fn((pid_t)pid, arg);
	}
	buf_free(&list);
}

/* Makes this process a subreaper. */
int
reaper_enable(void)
{
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -1;
#else
	return -1;
#endif
}

/* Reaps one adopted child if it has exited; counts those still alive. */
static void
reaper_reap_one(pid_t pid, void *arg)
{
	size_t *alive = arg;
	int status;

	if (waitpid(pid, &status, WNOHANG) == 0)
		(*alive)++;
}

/* Reaps exited adopted children; returns how many remain. */
size_t
reaper_reap(void)
{
	size_t alive = 0;

	reaper_each_adopted(reaper_reap_one, &alive);
	return alive;
}

/*
 * Pids already sent the stop signal: a process adopted later in a shutdown
 * gets it too, but nobody gets it twice (some programs take a second
 * SIGTERM as "quit now").
 */
static pid_t reaper_stopped[1024];
static size_t reaper_nstopped;

/* What reaper_signal passes to reaper_signal_one. */
struct reaper_signal_args {
	int sig;
	int (*skip)(int, void *);
	void *ctx;
	size_t count;
};

/* Signals one adopted child, and its group when it leads one. */
static void
reaper_signal_one(pid_t pid, void *arg)
{
	struct reaper_signal_args *a = arg;
	size_t i;

	if (a->sig != SIGKILL) {
		for (i = 0; i < reaper_nstopped; i++) {
			if (reaper_stopped[i] == pid)
				return;
		}
		if (reaper_nstopped < nitems(reaper_stopped))
			reaper_stopped[reaper_nstopped++] = pid;
		/* Its group already got the stop signal: not twice. */
		if (a->skip != NULL && a->skip((int)getpgid(pid), a->ctx))
			return;
	}
	if (getpgid(pid) == pid)
		kill(-pid, a->sig);
	kill(pid, a->sig);
	a->count++;
}

/* Signals adopted children; see reaper.h. */
size_t
reaper_signal(int sig, int (*skip)(int pgid, void *ctx), void *ctx)
{
	struct reaper_signal_args a = { sig, skip, ctx, 0 };

	reaper_each_adopted(reaper_signal_one, &a);
	return a.count;
}
