/*
 * reaper.c: finds and reaps the children tfrun adopted as a subreaper.
 *
 * libuv reaps only the pids of its own uv_process_t handles and must not
 * have them taken away (STYLE.md 2.3), so waitpid(-1) is out. Instead the
 * kernel's list of this process's children is read (procfs.c), and every
 * pid that no proc owns is waited for by its own pid.
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

#include "compat.h"
#include "proc.h"
#include "procfs.h"
#include "reaper.h"

/* What reaper_each_adopted passes through procfs_children. */
struct reaper_each_args {
	void (*fn)(pid_t, void *);
	void *arg;
};

/* Passes on a child that libuv does not own. */
static void
reaper_each_one(pid_t pid, void *arg)
{
	struct reaper_each_args *a = arg;

	if (!proc_owns_pid((int)pid))
		a->fn(pid, a->arg);
}

/* Calls fn for each child pid of this process that libuv does not own. */
static void
reaper_each_adopted(void (*fn)(pid_t, void *), void *arg)
{
	struct reaper_each_args a = { fn, arg };

	procfs_children(reaper_each_one, &a);
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
