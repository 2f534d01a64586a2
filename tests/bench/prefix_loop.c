/*
 * prefix_loop.c: the "minimal C poll()-and-prefix loop" of SPEC section 11,
 * a baseline for tfrun's log throughput. Not part of tfrun.
 *
 *	tf-prefix-loop [-t] COMMAND...
 *
 * Runs each COMMAND with /bin/sh -c, its stdout and stderr into one pipe
 * (with -t, a pseudo-terminal of its own, output post-processing off),
 * and writes every complete line of every pipe to stdout as
 * "HH:MM:SS pK.1  | line" (K counts the commands from 1), as tfrun does,
 * with poll(2) over the pipes and one write(2) per round of reads. It does the least such a
 * multiplexer must do: no colours, no signals, no bounds on line length
 * (a line is held until its newline), no restart, no control socket.
 * Exits 0 once every pipe is at EOF (a pty: EIO) and every command is
 * reaped.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE (64 * 1024)

struct src {
	int fd;
	char label[32];
	size_t label_len;
	char *buf; /* the partial line, then what the last read brought */
	size_t len, cap;
};

static char *out;
static size_t out_len, out_cap;
static time_t stamp_sec = (time_t)-1;
static char stamp[16];

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
out_flush(void)
{
	size_t done = 0;
	ssize_t w;

	while (done < out_len) {
		if ((w = write(STDOUT_FILENO, out + done, out_len - done)) < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		done += (size_t)w;
	}
	out_len = 0;
}

static void
out_add(const char *p, size_t n)
{
	if (out_len + n > out_cap) {
		out_cap = (out_len + n) * 2;
		if ((out = realloc(out, out_cap)) == NULL)
			die("realloc");
	}
	memcpy(out + out_len, p, n);
	out_len += n;
}

/* "HH:MM:SS ", recomputed once a second. */
static void
out_stamp(void)
{
	struct tm tm;
	time_t now = time(NULL);

	if (now != stamp_sec) {
		stamp_sec = now;
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S ", &tm);
	}
	out_add(stamp, strlen(stamp));
}

static void
out_line(const struct src *s, const char *p, size_t n)
{
	out_stamp();
	out_add(s->label, s->label_len);
	out_add(p, n);
	out_add("\n", 1);
}

/* Writes the complete lines of s->buf and keeps the rest. */
static void
emit(struct src *s)
{
	char *p = s->buf, *end = s->buf + s->len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		out_line(s, p, (size_t)(nl - p));
		p = nl + 1;
	}
	s->len = (size_t)(end - p);
	memmove(s->buf, p, s->len);
}

/* A pty: fds[0] the master (read here), fds[1] the slave. */
static void
open_pty(int fds[2])
{
	struct termios t;
	char *name;

	if ((fds[0] = posix_openpt(O_RDWR | O_NOCTTY)) < 0 ||
	    grantpt(fds[0]) != 0 || unlockpt(fds[0]) != 0 ||
	    (name = ptsname(fds[0])) == NULL ||
	    (fds[1] = open(name, O_RDWR | O_NOCTTY)) < 0)
		die("pty");
	if (tcgetattr(fds[1], &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(fds[1], TCSANOW, &t);
	}
}

int
main(int argc, char **argv)
{
	struct pollfd *pfd;
	struct src *src;
	int i, nsrc, open_n, fds[2], tty = 0;
	ssize_t r;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "-t") == 0) {
		tty = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: tf-prefix-loop [-t] COMMAND...\n");
		return 2;
	}
	open_n = nsrc = argc - 1;
	src = calloc((size_t)open_n, sizeof *src);
	pfd = calloc((size_t)open_n, sizeof *pfd);
	if (src == NULL || pfd == NULL)
		die("calloc");
	for (i = 0; i < nsrc; i++) {
		if (tty)
			open_pty(fds);
		else if (pipe(fds) != 0)
			die("pipe");
		if ((pid = fork()) < 0)
			die("fork");
		if (pid == 0) {
			setsid();
			dup2(fds[1], STDOUT_FILENO);
			dup2(fds[1], STDERR_FILENO);
			close(fds[0]);
			close(fds[1]);
			execl("/bin/sh", "sh", "-c", argv[i + 1], (char *)NULL);
			_exit(127);
		}
		close(fds[1]);
		src[i].fd = fds[0];
		src[i].label_len = (size_t)snprintf(src[i].label,
		    sizeof src[i].label, "p%d.1%*s| ", i + 1,
		    i + 1 < 10 ? 3 : 2, "");
		src[i].cap = 2 * READ_SIZE;
		if ((src[i].buf = malloc(src[i].cap)) == NULL)
			die("malloc");
		pfd[i].fd = fds[0];
		pfd[i].events = POLLIN;
	}
	while (open_n > 0) {
		if (poll(pfd, (nfds_t)nsrc, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (i = 0; i < nsrc; i++) {
			struct src *s = &src[i];

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (s->cap - s->len < READ_SIZE) {
				s->cap *= 2;
				if ((s->buf = realloc(s->buf, s->cap)) == NULL)
					die("realloc");
			}
			r = read(s->fd, s->buf + s->len, READ_SIZE);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				if (s->len > 0)
					out_line(s, s->buf, s->len);
				s->len = 0;
				close(s->fd);
				pfd[i].fd = -1;
				open_n--;
				continue;
			}
			s->len += (size_t)r;
			emit(s);
		}
		/* Everything read in this round goes out before poll sleeps. */
		out_flush();
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
