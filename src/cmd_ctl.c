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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "ctlproto.h"
#include "fmt.h"
#include "xmalloc.h"

/* Connects to the socket; returns the fd or -1 (the message printed). */
static int
cmd_ctl_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "tfrun: %s: socket path too long (%zu bytes; "
		    "at most %zu)\n", path, strlen(path), sizeof sa.sun_path -
		    1);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "tfrun: %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
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
		    "cannot have\n", cli_command_name(cli->command));
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

/* Prints the collected ps rows as a table or as a JSON array. */
static void
cmd_ctl_print_ps(const struct ctlproto_inst *v, size_t n, int json)
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

/* Runs one client command; see cmd.h. */
int
cmd_ctl(const char *path, const struct cli *cli)
{
	struct ctlproto_reply reply;
	struct ctlproto_inst *rows = NULL;
	struct buf req = BUF_INIT, in = BUF_INIT;
	size_t nrows = 0, start;
	char chunk[8192], *nl;
	ssize_t n;
	int fd, status = -1;

	if (cmd_ctl_request(cli, &req) != 0)
		return 1;
	/* A server that refuses closes at once: read its reason anyway. */
	signal(SIGPIPE, SIG_IGN);
	if ((fd = cmd_ctl_connect(path)) == -1) {
		buf_free(&req);
		return 1;
	}
	cmd_ctl_send(fd, &req);
	buf_free(&req);
	while (status == -1) {
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
					rows = xreallocarray(rows, nrows + 1,
					    sizeof *rows);
					if (ctlproto_parse_inst(reply.payload,
					    reply.len, &rows[nrows]) == 0)
						nrows++;
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
	free(rows);
	fflush(stdout);
	return status;
}
