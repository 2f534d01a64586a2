/*
 * keeper.c: the first of tfrun start's two processes (see keeper.h).
 *
 * The keeper uses no libuv and no thread: a ppoll(2) loop that forwards
 * signals, collects the sessions the supervisor reports, and waits for the
 * supervisor; then a /proc walk to kill what the formation left.
 *
 * Only the formation may be killed. The keeper is the process the user
 * started, so it may have children of its own from before tfrun was exec'd
 * (`helper & exec tfrun start`), and as a subreaper it also inherits their
 * orphans. Those are "foreign": every child the keeper has while the
 * supervisor lives is foreign, because the formation's orphans go to the
 * supervisor (the nearer subreaper) until it dies. After that, a new child
 * of the keeper comes from the formation. The keeper notes its children
 * each time it wakes up (it sleeps until a signal or a report comes: no
 * timer); a child in the keeper's own session is foreign too, since every
 * process of the formation runs in a session of its own. What is killed is
 * a descendant of a child of the formation, never a process found by a
 * session id alone, which a recycled pid could carry.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#endif

#include "compat.h"
#include "keeper.h"
#include "procfs.h"

extern char **environ;

#define KEEPER_MAX_PROCS 65536
#define KEEPER_MAX_PIDS 4096

/*
 * Signals the keeper passes on to the supervisor. SIGQUIT is not among
 * them: it kills the keeper, and the supervisor then kills the formation.
 */
static const int keeper_forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1,
	SIGUSR2, SIGWINCH };

static volatile sig_atomic_t keeper_child; /* the supervisor's pid */
static int keeper_nohup;            /* SIGHUP was ignored at the start */
static volatile sig_atomic_t keeper_tstp;  /* ^Z: stop the formation */
static int keeper_down = -1;        /* keeper: its end of the pipe down */
static int keeper_from_parent = -1; /* supervisor: EOF = keeper died */
static int keeper_to_parent = -1;   /* supervisor: session reports */
static volatile sig_atomic_t keeper_asked_stop; /* keeper: "T" reported */
static int keeper_supervisor_only = -1; /* closed in the keeper */
static int keeper_input_w = -1;     /* keeper: stdin goes on here */
static volatile sig_atomic_t keeper_asked_run; /* keeper: "R" reported */
static volatile sig_atomic_t keeper_cmd;        /* run --with: its pid */
static char **keeper_cmd_argv;      /* run --with: the command, */
static char **keeper_cmd_envp;      /* its environment, */
static const char *keeper_cmd_cwd;  /* and where it runs */
static long keeper_cmd_grace_ms;    /* its grace before SIGKILL */
static int keeper_cmd_status;       /* its wait status, once ended */
static volatile sig_atomic_t keeper_last_stop; /* the last INT/TERM/HUP */
static pid_t keeper_self;           /* the keeper, as its children see it */
static int keeper_input_r = -1;     /* supervisor: the keeper's stdin */

/* A set of pids, small and bounded. */
struct keeper_set {
	pid_t v[KEEPER_MAX_PIDS];
	size_t n;
};
static struct keeper_set keeper_foreign;  /* children not of the formation */
static struct keeper_set keeper_sessions; /* sessions the supervisor made */
static struct keeper_set keeper_before_cmd; /* children before the command */

/* One process of the system, as /proc/PID/stat describes it. */
struct keeper_proc {
	pid_t pid;
	pid_t ppid;
	pid_t sid;
	int mark;
};
static struct keeper_proc keeper_procs[KEEPER_MAX_PROCS];

/* Says whether pid is in the set. */
static int
keeper_set_has(const struct keeper_set *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i] == pid)
			return 1;
	}
	return 0;
}

/* Adds pid to the set once (silently full past KEEPER_MAX_PIDS). */
static void
keeper_set_add(struct keeper_set *s, pid_t pid)
{
	if (pid > 0 && !keeper_set_has(s, pid) && s->n < KEEPER_MAX_PIDS)
		s->v[s->n++] = pid;
}

/*
 * Passes a signal on to the supervisor (async-signal-safe): as a byte on
 * the pipe down, so that the supervisor can tell a forwarded copy from the
 * same signal sent to it directly; by kill(2) if the pipe is full.
 */
static void
keeper_forward(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		keeper_last_stop = sig;

	/*
	 * While run --with's command runs, the terminal's ^C is its own (it
	 * got it too, in the foreground group); other signals go to it.
	 */
	if (keeper_cmd > 0) {
		if (sig != SIGINT && sig != SIGWINCH)
			kill((pid_t)keeper_cmd, sig);
		errno = saved;
		return;
	}
	if (keeper_child > 0 && (keeper_down == -1 ||
	    write(keeper_down, &c, 1) != 1))
		kill((pid_t)keeper_child, sig);
	errno = saved;
}

/* ^Z: the keeper's loop stops the formation, then the keeper. */
static void
keeper_stop(int sig)
{
	(void)sig;
	keeper_tstp = 1;
}

/* Only wakes ppoll up. */
static void
keeper_nothing(int sig)
{
	(void)sig;
}

static void keeper_read_reports(int);

/*
 * Stops the whole formation as one job: the supervisor stops every group
 * and reports "T"; the keeper then stops the supervisor (from outside: as
 * a PID namespace's init it could not stop itself) and, once it is
 * stopped, itself. When continued (fg, bg) the keeper continues the
 * supervisor, which continues the groups. The order means that the
 * SIGCONT can never come before the stop. Returns 1 when the supervisor
 * ended instead, its wait status in *status.
 */
static int
keeper_suspend(pid_t child, int reports, int forward, int *status)
{
	struct pollfd pfd;
	sigset_t tstp;
	pid_t pid;
	int st, sig, round;

	if (forward)
		keeper_forward(SIGTSTP);
	/* Wait (a little at most) for the supervisor to have stopped them. */
	for (round = 0; round < 40 && !keeper_asked_stop && reports != -1;
	    round++) {
		pfd.fd = reports;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 50) > 0)
			keeper_read_reports(reports);
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
	}
	keeper_asked_stop = 0;
	kill(child, SIGSTOP);
	while ((pid = waitpid(child, &st, WUNTRACED)) == -1 && errno == EINTR)
		continue;
	if (pid != child)
		return 0;
	if (!WIFSTOPPED(st)) {
		*status = st;
		return 1;
	}
	/*
	 * A session leader's process group is orphaned: the kernel discards
	 * a SIGTSTP with the default action there, so it takes SIGSTOP.
	 */
	sig = getsid(0) == getpid() ? SIGSTOP : SIGTSTP;
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &tstp, NULL);
	raise(sig);
	sigprocmask(SIG_BLOCK, &tstp, NULL);
	signal(SIGTSTP, keeper_stop);
	keeper_tstp = 0;
	kill(child, SIGCONT);
	return 0;
}

/* What keeper_children passes through procfs_children. */
struct keeper_children_args {
	struct keeper_set *set;
	pid_t except;
};

/* Adds one child to the set, unless it is the one to leave out. */
static void
keeper_children_one(pid_t pid, void *arg)
{
	struct keeper_children_args *a = arg;

	if (pid != a->except)
		keeper_set_add(a->set, pid);
}

/* Adds every child the keeper has now, but except, to set. */
static void
keeper_children(struct keeper_set *set, pid_t except)
{
	struct keeper_children_args a = { set, except };

	procfs_children(keeper_children_one, &a);
}

/* Orders processes by pid, for bsearch. */
static int
keeper_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct keeper_proc *)a)->pid;
	pid_t y = ((const struct keeper_proc *)b)->pid;

	return x < y ? -1 : x > y;
}

/*
 * Says whether a child of the keeper belongs to the formation: neither
 * noted as foreign nor in the keeper's own session.
 */
static int
keeper_formation_child(pid_t pid, pid_t sid)
{
	return sid != getsid(0) && !keeper_set_has(&keeper_foreign, pid);
}

/* What keeper_note_proc collects: the system's processes, bounded. */
struct keeper_scan {
	size_t n;
	pid_t self;
	int command; /* mark run --with's command, not the formation */
};

/*
 * Says whether a child of the keeper is run --with's command or an orphan
 * of it: in the keeper's session, and not there before the command.
 */
static int
keeper_command_child(pid_t pid, pid_t sid)
{
	return sid == getsid(0) && !keeper_set_has(&keeper_before_cmd, pid);
}

/* Notes one process, marked when it is a child of the keeper to signal. */
static void
keeper_note_proc(pid_t pid, pid_t ppid, pid_t sid, void *arg)
{
	struct keeper_scan *scan = arg;
	struct keeper_proc *p;

	if (pid == scan->self || scan->n >= KEEPER_MAX_PROCS)
		return;
	p = &keeper_procs[scan->n++];
	p->pid = pid;
	p->ppid = ppid;
	p->sid = sid;
	p->mark = ppid == scan->self && (scan->command ?
	    keeper_command_child(pid, sid) : keeper_formation_child(pid, sid));
}

/*
 * Sends sig to what the formation left (command 0): every child of the
 * keeper that belongs to the formation, and every descendant of those; or
 * (command 1) to run --with's command, its descendants and its orphans.
 * Returns how many were signalled (without /proc, only the reported
 * sessions can be reached, by their process groups, and the command).
 */
static size_t
keeper_signal_tree(int sig, int command)
{
	struct keeper_scan scan = { 0, getpid(), command };
	struct keeper_proc key, *parent;
	size_t i, n, killed = 0;
	int changed;

	if (procfs_each(keeper_note_proc, &scan) != 0) {
		if (command)
			return keeper_cmd > 0 && kill((pid_t)keeper_cmd, sig) ==
			    0;
		for (i = 0; i < keeper_sessions.n; i++) {
			if (kill(-keeper_sessions.v[i], sig) == 0)
				killed++;
		}
		return killed;
	}
	n = scan.n;
	/* Descendants of marked processes, until nothing changes. */
	qsort(keeper_procs, n, sizeof *keeper_procs, keeper_cmp);
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			if (keeper_procs[i].mark)
				continue;
			key.pid = keeper_procs[i].ppid;
			parent = bsearch(&key, keeper_procs, n,
			    sizeof *keeper_procs, keeper_cmp);
			if (parent != NULL && parent->mark)
				keeper_procs[i].mark = changed = 1;
		}
	} while (changed);
	for (i = 0; i < n; i++) {
		if (keeper_procs[i].mark && kill(keeper_procs[i].pid,
		    sig) == 0)
			killed++;
	}
	return killed;
}

/* Reads "S<sid>\n" reports from the supervisor. */
static void
keeper_read_reports(int fd)
{
	static char buf[4096];
	static size_t have;
	char *p, *nl;
	ssize_t n;

	while ((n = read(fd, buf + have, sizeof buf - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = '\0';
		for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			if (*p == 'S')
				keeper_set_add(&keeper_sessions,
				    (pid_t)strtol(p + 1, NULL, 10));
			else if (*p == 'T')
				keeper_asked_stop = 1;
			else if (*p == 'R')
				keeper_asked_run = 1;
		}
		have = strlen(p);
		memmove(buf, p, have);
		if (have == sizeof buf - 1)
			have = 0; /* no report is this long: drop the junk */
	}
}

/* Notes whether a child of the keeper belongs to the formation. */
static void
keeper_formation_left(pid_t pid, void *arg)
{
	pid_t ppid, sid;
	int *left = arg;

	if (procfs_stat(pid, &ppid, &sid) == 0 &&
	    keeper_formation_child(pid, sid))
		*left = 1;
}

/* Reaps every ended child; returns 1 while a non-foreign one is alive. */
static int
keeper_reap(void)
{
	pid_t pid;
	int left = 0;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		continue;
	if (pid == -1 && errno == ECHILD)
		return 0;
	procfs_children(keeper_formation_left, &left);
	return left;
}

/*
 * --stdin: the terminal's input, read here because the keeper is in the
 * terminal's foreground process group (a read from the supervisor's would
 * stop it with SIGTTIN), goes on to the supervisor as it comes, line by
 * line in the terminal's normal mode. Its end is passed on as an end.
 */
static void
keeper_pass_input(void)
{
	char buf[4096];
	ssize_t n, w, off;

	n = read(STDIN_FILENO, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(keeper_input_w);
		keeper_input_w = -1;
		return;
	}
	for (off = 0; off < n; off += w) {
		if ((w = write(keeper_input_w, buf + off, (size_t)(n - off))) <= 0) {
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			close(keeper_input_w);
			keeper_input_w = -1;
			return;
		}
	}
}

/*
 * run --with: the formation is ready: the command runs now, as the
 * keeper's child in the terminal's foreground process group, with the
 * terminal, as `tfrun run` would run it (but not exec'd).
 */
static void
keeper_run_command(void)
{
	sigset_t none;
	pid_t pid;
	int sig;

	keeper_asked_run = 0;
	if (keeper_cmd_argv == NULL || keeper_cmd != 0)
		return;
	keeper_before_cmd.n = 0;
	keeper_children(&keeper_before_cmd, 0);
	keeper_self = getpid();
	if ((pid = fork()) == -1) {
		fprintf(stderr, "tfrun: run: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
#if defined(__linux__) && defined(PR_SET_PDEATHSIG)
		/* A SIGKILLed keeper takes the command with it, as the rest. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 &&
		    getppid() != keeper_self)
			_exit(137);
#endif
		if (keeper_cmd_cwd != NULL && chdir(keeper_cmd_cwd) != 0) {
			fprintf(stderr, "tfrun: run: %s: %s\n", keeper_cmd_cwd,
			    strerror(errno));
			_exit(1);
		}
		environ = keeper_cmd_envp;
		execvp(keeper_cmd_argv[0], keeper_cmd_argv);
		fprintf(stderr, "tfrun: run: %s: %s\n", keeper_cmd_argv[0],
		    errno == ENOENT ? "command not found" : strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	keeper_cmd = pid;
}

/*
 * run --with: the formation stopped while the command ran (a dependency
 * ended): the command is stopped as an instance would be, with SIGTERM,
 * then SIGKILL after the grace, so that nothing outlives tfrun and its
 * status is still the command's.
 */
static void
keeper_stop_command(void)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	pid_t pid = (pid_t)keeper_cmd, got;
	long waited;
	int st;

	fprintf(stderr, "tfrun: run: the formation has stopped; sending "
	    "SIGTERM to the command\n");
	keeper_signal_tree(SIGTERM, 1);
	keeper_signal_tree(SIGCONT, 1);
	for (waited = 0;; waited += 20) {
		while ((got = waitpid(-1, &st, WNOHANG)) > 0) {
			if (got == pid) {
				keeper_cmd_status = st;
				keeper_cmd = -1;
			}
		}
		if (keeper_cmd == -1 && keeper_signal_tree(0, 1) == 0)
			return;
		if (waited >= keeper_cmd_grace_ms)
			break;
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "tfrun: run: sending SIGKILL to the command after "
	    "%.2fs\n", (double)keeper_cmd_grace_ms / 1000);
	keeper_signal_tree(SIGKILL, 1);
	if (keeper_cmd > 0) {
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		keeper_cmd_status = st;
		keeper_cmd = -1;
	}
}

/*
 * The keeper's life: forward signals, note foreign children and reported
 * sessions, wait for the supervisor, then make sure nothing of the
 * formation is left. Returns tfrun's exit status.
 */
static int
keeper_run(pid_t child, int reports, const sigset_t *waitmask)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	static struct keeper_set seen;
	struct pollfd pfd[2];
	int status = 0, st, round, sig, done = 0;
	unsigned char done_byte;
	size_t i;
	pid_t pid;

	while (!done) {
		/*
		 * Children seen while the supervisor still runs are foreign:
		 * the supervisor is checked after the look, so that none of
		 * its orphans, re-parented here as it dies, counts as one.
		 */
		seen.n = 0;
		keeper_children(&seen, child);
		/* Foreign children may end; the supervisor's end is the news. */
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid == child) {
				status = st;
				done = 1;
				break;
			}
			if (pid == keeper_cmd) {
				/* run --with: done; the formation stops. */
				keeper_cmd_status = st;
				keeper_cmd = -1;
				done_byte = KEEPER_CMD_DONE;
				if (keeper_down == -1 ||
				    write(keeper_down, &done_byte, 1) != 1)
					kill(child, SIGTERM);
			}
		}
		if (done || (pid == -1 && errno == ECHILD))
			break;
		for (i = 0; i < seen.n; i++)
			keeper_set_add(&keeper_foreign, seen.v[i]);
		if (keeper_asked_run)
			keeper_run_command();
		/* ^Z to the keeper, or to the supervisor, which says "T". */
		if (keeper_tstp || keeper_asked_stop) {
			if (keeper_suspend(child, reports, keeper_tstp,
			    &status)) {
				done = 1;
				break;
			}
			keeper_tstp = 0;
			continue;
		}
		pfd[0].fd = reports;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = keeper_input_w != -1 ? STDIN_FILENO : -1;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		/*
		 * SIGCHLD and SIGTSTP are blocked except inside ppoll: no
		 * lost wake-up, and no timer.
		 */
		if (ppoll(pfd, 2, NULL, waitmask) > 0 &&
		    (pfd[0].revents & POLLIN) != 0)
			keeper_read_reports(reports);
		if (pfd[0].revents & (POLLHUP | POLLERR)) {
			keeper_read_reports(reports);
			reports = -1;
		}
		if (pfd[1].revents != 0)
			keeper_pass_input();
	}
	keeper_child = 0;
	if (reports != -1)
		keeper_read_reports(reports);
	if (keeper_cmd > 0)
		keeper_stop_command();

	/*
	 * A supervisor that ended normally has stopped everything itself, so
	 * this finds nothing. One that was killed left its processes here.
	 */
	sig = done && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	for (round = 0; round < 250; round++) {
		if (sig == 0 && !keeper_reap())
			break;
		keeper_signal_tree(SIGKILL, 0);
		if (!keeper_reap())
			break;
		nanosleep(&pause, NULL);
	}
	/* run --with: the command's status, once it has run. */
	if (keeper_cmd == -1)
		return WIFEXITED(keeper_cmd_status) ?
		    WEXITSTATUS(keeper_cmd_status) :
		    128 + WTERMSIG(keeper_cmd_status);
	/*
	 * run --with whose command never ran (its types stopped first, or ^C
	 * while waiting): never a success, which a script would take for the
	 * command's.
	 */
	if (keeper_cmd_argv != NULL && sig == 0 && done &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		fprintf(stderr, "tfrun: run: the command did not run: the "
		    "formation stopped before it was ready\n");
		return keeper_last_stop != 0 ? 128 + keeper_last_stop : 1;
	}
	if (sig != 0) {
		fprintf(stderr, "tfrun: the supervisor was killed by signal "
		    "%d; what it had started was killed too\n", sig);
		return 128 + sig;
	}
	return done && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

#if defined(__linux__) && defined(CLONE_NEWPID)
/* Writes text to a /proc/self file; returns 0 or -1 with errno set. */
static int
keeper_write_file(const char *path, const char *text)
{
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * --isolate, in the keeper before the fork: the next child is the init of
 * a new PID namespace. Without root, a user namespace comes first, which
 * maps only the user's own uid and gid to themselves.
 */
static int
keeper_unshare(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid != 0) {
		if (unshare(CLONE_NEWUSER) != 0)
			return -1;
		snprintf(map, sizeof map, "%lu %lu 1\n", (unsigned long)uid,
		    (unsigned long)uid);
		if (keeper_write_file("/proc/self/uid_map", map) != 0)
			return -1;
		if (keeper_write_file("/proc/self/setgroups", "deny") != 0 &&
		    errno != ENOENT)
			return -1;
		snprintf(map, sizeof map, "%lu %lu 1\n", (unsigned long)gid,
		    (unsigned long)gid);
		if (keeper_write_file("/proc/self/gid_map", map) != 0)
			return -1;
	}
	return unshare(CLONE_NEWPID);
}

/*
 * --isolate, in the supervisor (the namespace's init): a mount namespace
 * of its own with a /proc that shows the namespace's pids, so that the
 * formation sees itself consistently (and the reaper waits for the right
 * pids). The system's /proc stays reachable for pid translation.
 */
static int
keeper_mount_proc(void)
{
	int host;

	if ((host = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    NULL) != 0) {
		close(host);
		return -1;
	}
	procfs_set_host(host);
	return 0;
}
#endif

/* Forks the supervisor; see keeper.h. */
int
keeper_start(int isolate, int input, int *status)
{
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
	struct sigaction sa;
	sigset_t block, waitmask;
	int down[2], up[2], in[2];
	size_t i;
	pid_t pid;

	/* An inherited SIG_IGN would make the kernel reap the supervisor. */
	signal(SIGCHLD, SIG_DFL);
	if (isolate && keeper_unshare() != 0) {
		fprintf(stderr, "tfrun: --isolate: the kernel refuses a PID "
		    "namespace: %s\n", strerror(errno));
		return -2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		return isolate ? -2 : -1;
	if (pipe2(down, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(up, O_CLOEXEC | O_NONBLOCK) == -1) {
		close(down[0]);
		close(down[1]);
		return -1;
	}
	if (input && pipe2(in, O_CLOEXEC) == 0) {
		keeper_input_r = in[0];
		keeper_input_w = in[1];
	}

	/*
	 * Until each side has its handlers, the signals it handles wait:
	 * blocked across the fork, unblocked by the keeper below and by the
	 * supervisor once its loop watches them (keeper_unblock).
	 */
	keeper_block();
	fflush(NULL);
	if ((pid = fork()) == -1) {
		keeper_unblock();
		close(down[0]);
		close(down[1]);
		close(up[0]);
		close(up[1]);
		return -1;
	}
	if (pid == 0) {
		/*
		 * The supervisor: its own process group, so that a signal to
		 * the keeper's group (a ^C on the terminal) reaches it once,
		 * forwarded. Writes to the terminal from outside the
		 * foreground group must not stop it (TOSTOP). Its name tells
		 * it from the keeper, so `killall tfrun` hits the keeper,
		 * which it outlives long enough to stop the formation.
		 */
		close(down[1]);
		close(up[0]);
		if (keeper_input_w != -1) {
			close(keeper_input_w);
			keeper_input_w = -1;
		}
		fcntl(down[0], F_SETFL, fcntl(down[0], F_GETFL) | O_NONBLOCK);
		keeper_from_parent = down[0];
		keeper_to_parent = up[1];
		setpgid(0, 0);
		signal(SIGTTOU, SIG_IGN);
		prctl(PR_SET_NAME, KEEPER_SUPERVISOR_NAME, 0, 0, 0);
		if (isolate && keeper_mount_proc() != 0) {
			fprintf(stderr, "tfrun: --isolate: cannot mount /proc "
			    "in the new namespace: %s\n", strerror(errno));
			_exit(1);
		}
		return 0;
	}
	close(down[0]);
	close(up[1]);
	if (keeper_supervisor_only != -1)
		close(keeper_supervisor_only);
	if (keeper_input_r != -1) {
		close(keeper_input_r);
		keeper_input_r = -1;
	}
	fcntl(down[1], F_SETFL, fcntl(down[1], F_GETFL) | O_NONBLOCK);
	keeper_down = down[1];
	keeper_child = pid;
	setpgid(pid, pid);

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = keeper_forward;
	for (i = 0; i < nitems(keeper_forwarded); i++) {
		if (keeper_forwarded[i] != SIGHUP || !keeper_nohup)
			sigaction(keeper_forwarded[i], &sa, NULL);
	}
	sa.sa_handler = keeper_stop;
	sigaction(SIGTSTP, &sa, NULL);
	sa.sa_handler = keeper_nothing;
	sigaction(SIGCHLD, &sa, NULL);
	/*
	 * A signal forwarded after the supervisor died would write to a pipe
	 * without a reader: that must fail with EPIPE, not kill the keeper
	 * before its cleanup.
	 */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/*
	 * Everything unblocked now (main blocked the stop signals too, from
	 * the start), but SIGCHLD, which runs only while in ppoll.
	 */
	keeper_unblock();
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTSTP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGCHLD);
	sigdelset(&waitmask, SIGTSTP);

	/* down[1] stays open until the keeper exits: its EOF is the news. */
	*status = keeper_run(pid, up[0], &waitmask);
	close(up[0]);
	keeper_down = -1;
	close(down[1]);
	return 1;
#else
	(void)status;
	if (isolate) {
		fprintf(stderr, "tfrun: --isolate: PID namespaces are a Linux "
		    "feature\n");
		return -2;
	}
	return -1;
#endif
}

/* The signals held back until handlers are in place. */
static void
keeper_held(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < nitems(keeper_forwarded); i++)
		sigaddset(set, keeper_forwarded[i]);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTSTP);
}

/* Holds back the signals `start` handles; see keeper.h. */
void
keeper_block(void)
{
	struct sigaction old;
	sigset_t set;

	/* Under nohup, a hang-up must not stop the formation. */
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		keeper_nohup = 1;
	keeper_held(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Unblocks the signals held back; see keeper.h. */
void
keeper_unblock(void)
{
	sigset_t set;

	keeper_held(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Whether SIGHUP was ignored when tfrun started; see keeper.h. */
int
keeper_hup_ignored(void)
{
	return keeper_nohup;
}

/* The supervisor's end of the input pipe; see keeper.h. */
int
keeper_input_fd(void)
{
	return keeper_input_r;
}

/* The supervisor's end of the keeper's pipe. */
int
keeper_fd(void)
{
	return keeper_from_parent;
}

/* Sets run --with's command; see keeper.h. */
void
keeper_set_command(char **argv, char **envp, const char *cwd, long grace_ms)
{
	keeper_cmd_grace_ms = grace_ms;
	keeper_cmd_argv = argv;
	keeper_cmd_envp = envp;
	keeper_cmd_cwd = cwd;
}

/* Says the formation is ready; see keeper.h. */
int
keeper_report_ready(void)
{
	if (keeper_to_parent == -1)
		return -1;
	return write(keeper_to_parent, "R\n", 2) == 2 ? 0 : -1;
}

/* Notes an fd for the supervisor only; see keeper.h. */
void
keeper_close_after_fork(int fd)
{
	keeper_supervisor_only = fd;
}

/* Asks the keeper to stop the supervisor; see keeper.h. */
int
keeper_report_stop(void)
{
	if (keeper_to_parent == -1)
		return -1;
	return write(keeper_to_parent, "T\n", 2) == 2 ? 0 : -1;
}

/* Tells the keeper about a session the formation made. */
void
keeper_report(int sid)
{
	char rec[32];
	int n;

	if (keeper_to_parent == -1)
		return;
	n = snprintf(rec, sizeof rec, "S%d\n", sid);
	/* A full pipe drops the report rather than block the supervisor. */
	if (write(keeper_to_parent, rec, (size_t)n) == -1 &&
	    errno != EAGAIN) {
		close(keeper_to_parent);
		keeper_to_parent = -1;
	}
}
