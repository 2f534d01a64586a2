/*
 * cmd_ctl.c: the client commands of SPEC section 7 — ps, scale, restart,
 * stop, signal, logs, wait, quit — against a running `tfrun start`.
 *
 * A client is a plain blocking socket: it sends one request line and
 * prints the reply lines as they come (ctlproto.h). It exits 0 on "ok", 1
 * with the server's message on "error", and 1 with "no tfrun running at
 * PATH" when nothing listens.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "ctl.h"
#include "ctlproto.h"
#include "fmt.h"
#include "xmalloc.h"

/* Connects to the socket; returns the fd or -1 (the message printed). */
static int
cmd_ctl_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd, dirfd, rc, err;

	if (ctl_address(path, &sa, &dirfd) != 0) {
		if (errno == ENAMETOOLONG)
			fprintf(stderr, "tfrun: %s: socket path too long (%zu "
			    "bytes)\n", path, strlen(path));
		else
			fprintf(stderr, "tfrun: no tfrun running at %s\n",
			    path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "tfrun: %s: %s\n", path, strerror(errno));
		if (dirfd != -1)
			close(dirfd);
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	err = errno;
	if (dirfd != -1)
		close(dirfd);
	errno = err;
	if (rc != 0) {
		/* A socket that exists but is not ours to use is not nothing. */
		if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "tfrun: %s: %s\n", path, strerror(errno));
		else
			fprintf(stderr, "tfrun: no tfrun running at %s\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes all of b to fd; returns 0 or -1. */
static int
cmd_ctl_send(int fd, const struct buf *b)
{
	size_t off = 0;
	ssize_t n;

	while (off < b->len) {
		n = write(fd, b->data + off, b->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/*
 * Connects and sends the request (which it frees); returns the fd or -1
 * (the message printed). A refusal's reason is read even when the send
 * fails, so the send's result does not matter here.
 */
static int
cmd_ctl_open(const char *path, struct buf *req)
{
	int fd;

	if ((fd = cmd_ctl_connect(path)) != -1)
		cmd_ctl_send(fd, req);
	buf_free(req);
	return fd;
}

/* Builds the request for the command line. */
static int
cmd_ctl_request(const struct cli *cli, struct buf *req)
{
	const char *args[CTLPROTO_MAX_ARGS + 2];
	char lines[32], ms[32];
	enum ctlproto_verb verb;
	size_t i, n = 0;

	switch (cli->command) {
	case CLI_PS:
		verb = CTLPROTO_PS;
		break;
	case CLI_SCALE:
		verb = CTLPROTO_SCALE;
		break;
	case CLI_RESTART:
		verb = CTLPROTO_RESTART;
		break;
	case CLI_STOP:
		verb = CTLPROTO_STOP;
		break;
	case CLI_SIGNAL:
		verb = CTLPROTO_SIGNAL;
		break;
	case CLI_LOGS:
		verb = CTLPROTO_LOGS;
		snprintf(lines, sizeof lines, "%ld", cli->lines);
		args[n++] = lines;
		args[n++] = cli->follow ? "follow" : "once";
		break;
	case CLI_WAIT:
		verb = CTLPROTO_WAIT;
		if (cli->wait_timeout_ms == CLI_WAIT_FOREVER)
			args[n++] = "forever";
		else {
			snprintf(ms, sizeof ms, "%llu",
			    (unsigned long long)cli->wait_timeout_ms);
			args[n++] = ms;
		}
		break;
	default:
		verb = CTLPROTO_QUIT;
		break;
	}
	for (i = 0; i < cli->nargs && n < CTLPROTO_MAX_ARGS; i++)
		args[n++] = cli->args[i];
	if (ctlproto_format_request(req, verb, args, n) != 0) {
		fprintf(stderr, "tfrun: %s: an operand has a character a name "
		    "cannot have\n", command_name(cli->command));
		return -1;
	}
	return 0;
}

/* Formats an uptime for the ps table: 45s, 12m3s, 3h5m, 2d4h. */
static void
cmd_ctl_uptime(char *out, size_t size, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (s < 60)
		snprintf(out, size, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(out, size, "%llum%llus", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(out, size, "%lluh%llum", (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%llud%lluh", (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600));
}

/* A ps row as the client keeps it: compact, its command allocated. */
struct cmd_ctl_row {
	char name[80];
	long pid;
	char state[16];
	uint64_t uptime_ms;
	unsigned long restarts;
	long port;
	int ready;
	char *command;
};

/* Keeps one parsed inst line, growing the array geometrically. */
static void
cmd_ctl_keep_row(struct cmd_ctl_row **v, size_t *n, size_t *cap,
    const struct ctlproto_inst *in)
{
	struct cmd_ctl_row *r;

	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	r = &(*v)[(*n)++];
	memcpy(r->name, in->name, sizeof r->name);
	r->pid = in->pid;
	memcpy(r->state, in->state, sizeof r->state);
	r->uptime_ms = in->uptime_ms;
	r->restarts = in->restarts;
	r->port = in->port;
	r->ready = in->ready;
	r->command = xstrdup(in->command);
}

/* Prints the collected ps rows as a table or as a JSON array. */
static void
cmd_ctl_print_ps(const struct cmd_ctl_row *v, size_t n, int json)
{
	struct buf b = BUF_INIT;
	char up[32], pid[32];
	size_t i, w = 4;

	if (json) {
		buf_addc(&b, '[');
		for (i = 0; i < n; i++) {
			buf_adds(&b, i > 0 ? ",\n {\"name\":" : "\n {\"name\":");
			fmt_json_string(&b, v[i].name, strlen(v[i].name));
			buf_printf(&b, ",\"pid\":%ld,\"state\":", v[i].pid);
			fmt_json_string(&b, v[i].state, strlen(v[i].state));
			buf_printf(&b, ",\"uptime\":%.3f,\"restarts\":%lu,"
			    "\"port\":%ld,\"ready\":%s,\"command\":",
			    (double)v[i].uptime_ms / 1000.0, v[i].restarts,
			    v[i].port, v[i].ready ? "true" : "false");
			fmt_json_string(&b, v[i].command, strlen(v[i].command));
			buf_addc(&b, '}');
		}
		buf_adds(&b, n > 0 ? "\n]\n" : "]\n");
		fputs(b.data, stdout);
		buf_free(&b);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strlen(v[i].name) > w)
			w = strlen(v[i].name);
	}
	printf("%-*s %7s %-8s %8s %8s %5s  %s\n", (int)w, "NAME", "PID",
	    "STATE", "UPTIME", "RESTARTS", "PORT", "COMMAND");
	for (i = 0; i < n; i++) {
		if (v[i].pid > 0)
			snprintf(pid, sizeof pid, "%ld", v[i].pid);
		else
			snprintf(pid, sizeof pid, "-");
		if (v[i].pid > 0)
			cmd_ctl_uptime(up, sizeof up, v[i].uptime_ms);
		else
			snprintf(up, sizeof up, "-");
		printf("%-*s %7s %-8s %8s %8lu %5ld  %s\n", (int)w, v[i].name,
		    pid, v[i].state, up, v[i].restarts, v[i].port,
		    v[i].command);
	}
}

/* The detach keys: ^P then ^Q, as docker's. */
#define CMD_CTL_KEY1 0x10
#define CMD_CTL_KEY2 0x11

static int cmd_ctl_winch[2] = { -1, -1 }; /* SIGWINCH, as a byte */
static struct termios cmd_ctl_saved;
static int cmd_ctl_raw;

/* Notes a window resize for the loop (async-signal-safe). */
static void
cmd_ctl_on_winch(int sig)
{
	int saved = errno;
	char c = 'w';

	(void)sig;
	/* A full pipe already holds a resize to read. */
	if (write(cmd_ctl_winch[1], &c, 1) == -1)
		c = 0;
	errno = saved;
}

/* Reads the terminal's size; 80x24 when stdin is not one. */
static void
cmd_ctl_winsize(unsigned *cols, unsigned *rows)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	} else {
		*cols = 80;
		*rows = 24;
	}
}

/*
 * Puts the terminal in raw mode (keystrokes go through as they are, ^C
 * included), but keeps output processing, so that the instance's "\n"
 * starts a new line here.
 */
static void
cmd_ctl_raw_mode(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &cmd_ctl_saved))
		return;
	t = cmd_ctl_saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	/* TCSANOW: what was typed ahead is kept, not flushed. */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		cmd_ctl_raw = 1;
}

/* Gives the terminal back as it was. */
static void
cmd_ctl_cooked_mode(void)
{
	if (cmd_ctl_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &cmd_ctl_saved);
	cmd_ctl_raw = 0;
}

/*
 * Sends what was typed: ^P ^Q detaches (returns 1); into a stdin pipe a
 * typed Enter ('\r' on a raw terminal) becomes '\n' and is echoed here,
 * as a terminal would have done it.
 */
static int
cmd_ctl_typed(int fd, const char *in, size_t n, int tty, int *held)
{
	struct buf out = BUF_INIT, echo = BUF_INIT;
	char data[CTLPROTO_FRAME_MAX], c;
	size_t i, k = 0;
	int detach = 0;

	for (i = 0; i < n && !detach; i++) {
		c = in[i];
		if (*held) {
			*held = 0;
			if (c == CMD_CTL_KEY2) {
				detach = 1;
				break;
			}
			data[k++] = CMD_CTL_KEY1;
		}
		if (c == CMD_CTL_KEY1) {
			*held = 1;
			continue;
		}
		if (!tty && cmd_ctl_raw && c == '\r')
			c = '\n';
		if (!tty && cmd_ctl_raw)
			buf_add(&echo, &c, 1);
		data[k++] = c;
		if (k >= sizeof data - 1) {
			ctlproto_format_input(&out, data, k);
			k = 0;
		}
	}
	if (k > 0)
		ctlproto_format_input(&out, data, k);
	if (echo.len > 0 && write(STDOUT_FILENO, echo.data, echo.len) < 0)
		echo.len = 0;
	if (out.len > 0)
		cmd_ctl_send(fd, &out);
	buf_free(&out);
	buf_free(&echo);
	return detach;
}

/*
 * How long a client waits for a word of its answer, in ms (-1: for ever).
 * A tfrun that was stopped (^Z) or anything that accepts and stays silent
 * must not hang a script: every request but `logs -f` and `wait` is
 * answered at once, and `wait --timeout` is answered when it passes.
 */
#define CMD_CTL_ANSWER_MS 10000
#define CMD_CTL_WAIT_SLACK_MS 2000

static long long
cmd_ctl_patience(const struct cli *cli)
{
	if (cli->command == CLI_WAIT)
		return cli->wait_timeout_ms == CLI_WAIT_FOREVER ? -1 :
		    (long long)cli->wait_timeout_ms + CMD_CTL_WAIT_SLACK_MS;
	if (cli->command == CLI_LOGS && cli->follow)
		return -1;
	return CMD_CTL_ANSWER_MS;
}

/* Milliseconds of the monotonic clock. */
static long long
cmd_ctl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until fd has something to read or ms pass (-1: for ever); returns
 * 1, or 0 after saying that the tfrun at path did not answer.
 */
static int
cmd_ctl_await(int fd, long long ms, const char *path)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	long long deadline = ms < 0 ? -1 : cmd_ctl_now() + ms, left;
	int rc;

	for (;;) {
		left = deadline < 0 ? -1 : deadline - cmd_ctl_now();
		if ((rc = poll(&pfd, 1, left < 0 ? -1 : (int)left)) > 0)
			return 1;
		if (rc == -1 && errno == EINTR)
			continue;
		fprintf(stderr, "tfrun: no answer from the tfrun at %s within "
		    "%gs (is it stopped?)\n", path, (double)ms / 1000);
		return 0;
	}
}

/*
 * tfrun attach NAME (SPEC section 6a): the terminal, raw, connected to the
 * instance until ^P ^Q; the instance is not affected when it ends.
 */
static int
cmd_ctl_attach(const char *path, const char *name)
{
	struct ctlproto_reply reply;
	struct buf req = BUF_INIT, in = BUF_INIT;
	struct sigaction sa;
	struct pollfd pfd[3];
	char chunk[8192], cols_s[16], rows_s[16], *nl;
	char as[128];
	const char *args[3], *space;
	unsigned cols, rows;
	int fd, tty = 0, held = 0, status = -1;
	ssize_t n;

	cmd_ctl_winsize(&cols, &rows);
	snprintf(cols_s, sizeof cols_s, "%u", cols);
	snprintf(rows_s, sizeof rows_s, "%u", rows);
	args[0] = name;
	args[1] = cols_s;
	args[2] = rows_s;
	if (ctlproto_format_request(&req, CTLPROTO_ATTACH, args, 3) != 0) {
		fprintf(stderr, "tfrun: attach: '%s' is not a name\n", name);
		return 1;
	}
	if ((fd = cmd_ctl_open(path, &req)) == -1)
		return 1;
	/* The answer line; what follows it is already the instance's output. */
	while ((nl = in.len > 0 ? memchr(in.data, '\n', in.len) : NULL) == NULL) {
		if (!cmd_ctl_await(fd, CMD_CTL_ANSWER_MS, path)) {
			close(fd);
			buf_free(&in);
			return 1;
		}
		if ((n = read(fd, chunk, sizeof chunk)) <= 0) {
			fprintf(stderr, "tfrun: the connection to %s ended "
			    "without an answer\n", path);
			close(fd);
			buf_free(&in);
			return 1;
		}
		buf_add(&in, chunk, (size_t)n);
	}
	if (ctlproto_parse_reply(in.data, (size_t)(nl - in.data), &reply) != 0 ||
	    reply.tag != CTLPROTO_OK) {
		if (reply.tag == CTLPROTO_ERROR)
			fprintf(stderr, "tfrun: %.*s\n", (int)reply.len,
			    reply.payload);
		close(fd);
		buf_free(&in);
		return 1;
	}
	tty = reply.len >= 3 && memcmp(reply.payload, "tty", 3) == 0;
	/* The instance's name follows: a type's name meant its first. */
	if ((space = memchr(reply.payload, ' ', reply.len)) != NULL) {
		snprintf(as, sizeof as, "%.*s", (int)(reply.len -
		    (size_t)(space + 1 - reply.payload)), space + 1);
		name = as;
	}
	cmd_ctl_raw_mode();
	fprintf(stderr, "tfrun: attached to %s (detach with ^P ^Q)\n", name);
	if (in.len > (size_t)(nl - in.data) + 1 &&
	    write(STDOUT_FILENO, nl + 1, in.len - (size_t)(nl - in.data) - 1) < 0)
		status = 1;
	buf_free(&in);

	if (pipe2(cmd_ctl_winch, O_CLOEXEC | O_NONBLOCK) == 0) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = cmd_ctl_on_winch;
		sigaction(SIGWINCH, &sa, NULL);
	}
	while (status == -1) {
		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = STDIN_FILENO;
		pfd[1].events = POLLIN;
		pfd[2].fd = cmd_ctl_winch[0];
		pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0) {
			n = read(fd, chunk, sizeof chunk);
			if (n <= 0) {
				cmd_ctl_cooked_mode();
				fprintf(stderr, "\ntfrun: %s has gone, or tfrun "
				    "exited\n", name);
				status = 0;
				break;
			}
			if (write(STDOUT_FILENO, chunk, (size_t)n) < 0)
				status = 1;
		}
		if (pfd[1].revents != 0) {
			n = read(STDIN_FILENO, chunk, sizeof chunk);
			if (n <= 0 || cmd_ctl_typed(fd, chunk, (size_t)n, tty,
			    &held)) {
				status = 0;
				cmd_ctl_cooked_mode();
				fprintf(stderr, "\ntfrun: detached from %s\n",
				    name);
			}
		}
		if (pfd[2].revents != 0) {
			struct buf w = BUF_INIT;

			while (read(cmd_ctl_winch[0], chunk, sizeof chunk) > 0)
				continue;
			cmd_ctl_winsize(&cols, &rows);
			ctlproto_format_winsize(&w, cols, rows);
			cmd_ctl_send(fd, &w);
			buf_free(&w);
		}
	}
	cmd_ctl_cooked_mode();
	close(fd);
	return status == -1 ? 1 : status;
}

/* Runs one client command; see cmd.h. */
int
cmd_ctl(const char *path, const struct cli *cli)
{
	struct ctlproto_reply reply;
	struct ctlproto_inst inst;
	struct cmd_ctl_row *rows = NULL;
	struct buf req = BUF_INIT, in = BUF_INIT;
	size_t nrows = 0, cap = 0, start, i;
	char chunk[8192], *nl;
	ssize_t n;
	int fd, status = -1;
	long long patience;

	/* A server that refuses closes at once: read its reason anyway. */
	signal(SIGPIPE, SIG_IGN);
	if (cli->command == CLI_ATTACH)
		return cmd_ctl_attach(path, cli->args[0]);
	if (cmd_ctl_request(cli, &req) != 0 ||
	    (fd = cmd_ctl_open(path, &req)) == -1)
		return 1;
	/* Patience runs out on silence, not on a long answer. */
	patience = cmd_ctl_patience(cli);
	while (status == -1) {
		if (!cmd_ctl_await(fd, patience, path)) {
			status = 1;
			break;
		}
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(&in, chunk, (size_t)n);
		start = 0;
		while (status == -1 && (nl = memchr(in.data + start, '\n',
		    in.len - start)) != NULL) {
			if (ctlproto_parse_reply(in.data + start,
			    (size_t)(nl - (in.data + start)), &reply) == 0) {
				switch (reply.tag) {
				case CTLPROTO_OK:
				case CTLPROTO_END:
					status = 0;
					break;
				case CTLPROTO_ERROR:
					fprintf(stderr, "tfrun: %.*s\n",
					    (int)reply.len, reply.payload);
					status = 1;
					break;
				case CTLPROTO_LINE:
					fwrite(reply.payload, 1, reply.len, stdout);
					putchar('\n');
					if (cli->follow)
						fflush(stdout);
					break;
				case CTLPROTO_INST:
					if (ctlproto_parse_inst(reply.payload,
					    reply.len, &inst) == 0)
						cmd_ctl_keep_row(&rows, &nrows,
						    &cap, &inst);
					break;
				default:
					break;
				}
			}
			start = (size_t)(nl - in.data) + 1;
		}
		memmove(in.data, in.data + start, in.len - start);
		in.len -= start;
	}
	close(fd);
	buf_free(&in);
	if (status == -1) {
		fprintf(stderr, "tfrun: the connection to %s ended without an "
		    "answer\n", path);
		status = 1;
	}
	if (status == 0 && cli->command == CLI_PS)
		cmd_ctl_print_ps(rows, nrows, cli->json);
	for (i = 0; i < nrows; i++)
		free(rows[i].command);
	free(rows);
	fflush(stdout);
	return status;
}
