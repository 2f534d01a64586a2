/*
 * tf-child.c: a deterministic child process for the integration tests,
 * run as a Procfile command. It performs the actions given as arguments,
 * in order, for example:
 *
 *	tf-child print:3:hi err:oops trap:TERM:bye sleep:500 exit:3
 *
 * Every line goes out with write(2) as one whole write, so what the tests
 * see does not depend on stdio buffering; only flood uses stdio, on
 * purpose, to produce output as fast as possible. Plain POSIX, and no
 * tfrun code, so that it tests tfrun from the outside.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define NSIGS 65

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "WINCH", SIGWINCH }, { "ABRT", SIGABRT },
};

/*
 * What a trapped signal prints, and the code trapexit exits with (or -1).
 * Both are set before the handler is installed.
 */
static char *trap_line[NSIGS];
static size_t trap_len[NSIGS];
static int trap_code[NSIGS];

/* The 64 KiB stdio buffer flood writes through. */
static char flood_buf[64 * 1024];

/* Prints a usage error for one action and exits 2. */
static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "tf-child: %s: %s\n", what, arg);
	exit(2);
}

/* Writes all n bytes to fd, looping over partial and interrupted writes. */
static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Writes one formatted line to fd in a single write. */
static void __attribute__((format(printf, 2, 3)))
say(int fd, const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	write_all(fd, line, (size_t)n);
}

/* Parses a non-negative decimal number, or exits with a usage error. */
static long
number(const char *s, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || errno != 0 || n < 0 || (*end != '\0' && *end != ':'))
		die("bad number", arg);
	return n;
}

/* Parses a signal name (TERM or SIGTERM) or number, up to a ':'. */
static int
signum(const char *s, const char *arg)
{
	size_t len, i;
	long n;

	if (*s >= '0' && *s <= '9') {
		if ((n = number(s, arg)) < 1 || n >= NSIGS)
			die("bad signal", arg);
		return (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	len = strcspn(s, ":");
	for (i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		if (strlen(signals[i].name) == len &&
		    strncasecmp(s, signals[i].name, len) == 0)
			return signals[i].number;
	}
	die("bad signal", arg);
	return 0;
}

/* Returns the text after the first ':' of s, or "" if there is none. */
static const char *
after(const char *s)
{
	const char *p = strchr(s, ':');

	return p != NULL ? p + 1 : "";
}

/* Sleeps ms milliseconds, resuming after signals that are trapped. */
static void
sleep_ms(long ms)
{
	struct timespec ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

/* Runs for a trapped signal: prints its line, and exits for trapexit. */
static void
on_signal(int sig)
{
	int saved = errno;

	write_all(STDOUT_FILENO, trap_line[sig], trap_len[sig]);
	if (trap_code[sig] >= 0)
		_exit(trap_code[sig]);
	errno = saved;
}

/* Installs on_signal for sig, printing line (which ends in '\n'). */
static void
trap(int sig, const char *text, int code)
{
	struct sigaction sa;
	size_t len = strlen(text);

	free(trap_line[sig]);
	trap_line[sig] = malloc(len + 2);
	if (trap_line[sig] == NULL)
		die("out of memory", text);
	memcpy(trap_line[sig], text, len);
	trap_line[sig][len] = '\n';
	trap_len[sig] = len + 1;
	trap_code[sig] = code;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Returns "TERM" for SIGTERM, or the number for an unlisted signal. */
static const char *
signame(int sig)
{
	static char num[16];
	size_t i;

	for (i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		if (signals[i].number == sig)
			return signals[i].name;
	}
	snprintf(num, sizeof num, "%d", sig);
	return num;
}

/* Writes n empty lines, 64 KiB at a time: the worst case for a prefix. */
static void
blank(long n)
{
	static char nl[64 * 1024];
	size_t k;

	memset(nl, '\n', sizeof nl);
	while (n > 0) {
		k = n < (long)sizeof nl ? (size_t)n : sizeof nl;
		write_all(STDOUT_FILENO, nl, k);
		n -= (long)k;
	}
}

/* Prints n lines "id i ....", each about 60 bytes, through stdio. */
static void
flood(long n, const char *id)
{
	char dots[64];
	long i;
	int len;

	memset(dots, '.', sizeof dots);
	for (i = 1; i <= n; i++) {
		len = (int)strlen(id) + 2 + snprintf(NULL, 0, "%ld", i);
		printf("%s %ld %.*s\n", id, i, len < 59 ? 59 - len : 0, dots);
	}
	fflush(stdout);
}

/*
 * Forks a process that prints "what pid=<pid>" and sleeps ms. With escape,
 * it is a grandchild in a new session (double fork), out of our group. We
 * wait until it has printed, so the order of the output is fixed.
 */
static void
spawn(const char *what, long ms, int escape)
{
	char c;
	int fd[2];
	pid_t pid;

	if (pipe(fd) != 0)
		die("pipe", strerror(errno));
	if ((pid = fork()) < 0)
		die("fork", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		if (escape) {
			if ((pid = fork()) != 0)
				_exit(pid < 0);
			setsid();
		}
		say(STDOUT_FILENO, "%s pid=%ld", what, (long)getpid());
		close(fd[1]);
		sleep_ms(ms);
		_exit(0);
	}
	close(fd[1]);
	if (escape)
		waitpid(pid, NULL, 0);
	while (read(fd[0], &c, 1) < 0 && errno == EINTR)
		;
	close(fd[0]);
}

/* Prints the first line of stdin (without its '\n'), or EOF. */
static void
read_stdin(void)
{
	char line[4096];

	if (fgets(line, sizeof line, stdin) == NULL)
		say(STDOUT_FILENO, "stdin=EOF");
	else
		say(STDOUT_FILENO, "stdin=%.*s", (int)strcspn(line, "\n"),
		    line);
}

/*
 * Echoes each line of stdin as "stdin=LINE" until end of file, then says
 * "stdin=EOF" and exits 1, as watchers such as `esbuild --watch` do when
 * their stdin closes.
 */
static void
watch_stdin(void)
{
	char line[4096];

	while (fgets(line, sizeof line, stdin) != NULL)
		say(STDOUT_FILENO, "stdin=%.*s", (int)strcspn(line, "\n"),
		    line);
	say(STDOUT_FILENO, "stdin=EOF");
	exit(1);
}

/* Writes the bytes spelled in hex by s. */
static void
raw(const char *s, const char *arg)
{
	char out[4096];
	unsigned int v;
	size_t n = 0;

	if (strlen(s) % 2 != 0 || strlen(s) / 2 > sizeof out)
		die("bad hex", arg);
	for (; *s != '\0'; s += 2) {
		if (strspn(s, "0123456789abcdefABCDEF") < 2 ||
		    sscanf(s, "%2x", &v) != 1)
			die("bad hex", arg);
		out[n++] = (char)v;
	}
	write_all(STDOUT_FILENO, out, n);
}

/*
 * Appends "PID UTIME_US STIME_US" (this process's own CPU so far, the
 * shell it was exec'd from included) to file in one write, so that a
 * benchmark can tell the producers' CPU from their supervisor's.
 */
static void
report_rusage(const char *file)
{
	struct rusage ru;
	char line[128];
	int fd, n;

	fflush(stdout);
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		die("getrusage", file);
	n = snprintf(line, sizeof line, "%ld %lld %lld\n", (long)getpid(),
	    (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
	    (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
		die("cannot open", file);
	write_all(fd, line, (size_t)n);
	close(fd);
}

/* Performs one action. */
static void
act(const char *a)
{
	const char *arg = after(a);
	const char *text;
	char cwd[4096], *p;
	long i, n;
	int sig;
	sigset_t set;

	if (strncmp(a, "print:", 6) == 0) {
		n = number(arg, a);
		text = strchr(arg, ':') != NULL ? strchr(arg, ':') + 1 : "line";
		for (i = 1; i <= n; i++)
			say(STDOUT_FILENO, "%s %ld", text, i);
	} else if (strncmp(a, "blank:", 6) == 0)
		blank(number(arg, a));
	else if (strncmp(a, "flood:", 6) == 0)
		flood(number(arg, a), after(arg));
	else if (strncmp(a, "err:", 4) == 0)
		say(STDERR_FILENO, "%s", arg);
	else if (strncmp(a, "partial:", 8) == 0)
		write_all(STDOUT_FILENO, arg, strlen(arg));
	else if (strncmp(a, "long:", 5) == 0) {
		n = number(arg, a);
		if ((p = malloc((size_t)n + 1)) == NULL)
			die("out of memory", a);
		memset(p, 'x', (size_t)n);
		p[n] = '\n';
		write_all(STDOUT_FILENO, p, (size_t)n + 1);
		free(p);
	} else if (strncmp(a, "raw:", 4) == 0)
		raw(arg, a);
	else if (strncmp(a, "sleep:", 6) == 0)
		sleep_ms(number(arg, a));
	else if (strncmp(a, "ignore:", 7) == 0)
		signal(signum(arg, a), SIG_IGN);
	else if (strncmp(a, "trap:", 5) == 0)
		trap(signum(arg, a), after(arg), -1);
	else if (strncmp(a, "trapexit:", 9) == 0) {
		sig = signum(arg, a);
		snprintf(cwd, sizeof cwd, "got SIG%s", signame(sig));
		trap(sig, cwd, (int)number(after(arg), a));
	} else if (strncmp(a, "env:", 4) == 0) {
		if ((p = getenv(arg)) != NULL)
			say(STDOUT_FILENO, "%s=%s", arg, p);
		else
			say(STDOUT_FILENO, "%s unset", arg);
	} else if (strcmp(a, "pgid") == 0)
		say(STDOUT_FILENO, "pid=%ld pgid=%ld sid=%ld ppid=%ld",
		    (long)getpid(), (long)getpgid(0), (long)getsid(0),
		    (long)getppid());
	else if (strcmp(a, "cwd") == 0)
		say(STDOUT_FILENO, "cwd=%s",
		    getcwd(cwd, sizeof cwd) != NULL ? cwd : "?");
	else if (strcmp(a, "stdin") == 0)
		read_stdin();
	else if (strcmp(a, "watch-stdin") == 0)
		watch_stdin();
	else if (strncmp(a, "grandchild:", 11) == 0)
		spawn("grandchild", number(arg, a), 0);
	else if (strncmp(a, "orphan:", 7) == 0)
		spawn("orphan", number(arg, a), 1);
	else if (strcmp(a, "wait") == 0) {
		for (;;)
			pause();
	} else if (strncmp(a, "rusage:", 7) == 0)
		report_rusage(arg);
	else if (strncmp(a, "exit:", 5) == 0)
		exit((int)number(arg, a));
	else if (strncmp(a, "kill:", 5) == 0) {
		sig = signum(arg, a);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	} else
		die("unknown action", a);
}

/* Performs each argument as an action, in order, then exits 0. */
int
main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, flood_buf, _IOFBF, sizeof flood_buf);
	for (i = 1; i < argc; i++)
		act(argv[i]);
	return 0;
}
