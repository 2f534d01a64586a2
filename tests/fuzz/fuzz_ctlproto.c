/*
 * fuzz_ctlproto.c: feeds one input to the control protocol's parsers: the
 * whole of it, and each of its lines, as a request, a reply and an inst
 * payload, as a server or a client would get them; and the whole of it as
 * a stream of attach frames.
 *
 * Two round trips must hold. A request that parses is formatted again
 * from its own tokens, which must give back the very line, and from the
 * fields the parser filled, which must parse to the same fields. A reply
 * or an inst line that parses is formatted and parsed again to the same
 * values, and so must each attach frame, to the very bytes it was read
 * from. A refusal's message must be one line, since the server sends it
 * as "error MESSAGE\n". Any breach aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless a and b hold the same request. */
static void
fuzz_same_request(const struct ctlproto_req *a, const struct ctlproto_req *b)
{
	size_t i;

	if (a->verb != b->verb || a->ntargets != b->ntargets ||
	    a->sig != b->sig || a->lines != b->lines ||
	    a->follow != b->follow || a->timeout_ms != b->timeout_ms ||
	    a->cols != b->cols || a->rows != b->rows)
		abort();
	for (i = 0; i < a->ntargets; i++) {
		if (a->verb == CTLPROTO_SCALE) {
			/* TYPE=N is compared by its type and its count. */
			if (strcspn(a->targets[i], "=") !=
			    strcspn(b->targets[i], "=") ||
			    strncmp(a->targets[i], b->targets[i],
			    strcspn(a->targets[i], "=")) != 0 ||
			    a->counts[i] != b->counts[i])
				abort();
		} else if (strcmp(a->targets[i], b->targets[i]) != 0)
			abort();
	}
}

/* Parses a formatted request line (with its '\n') into r, or aborts. */
static void
fuzz_reparse(const struct buf *line, struct ctlproto_req *r)
{
	char *cause = NULL;

	if (line->len == 0 || line->data[line->len - 1] != '\n' ||
	    memchr(line->data, '\n', line->len - 1) != NULL)
		abort();
	if (ctlproto_parse_request(line->data, line->len - 1, r, &cause) != 0)
		abort();
}

/*
 * Formats r again from its tokens, which must give back the line it came
 * from (buf, len), and from its fields, which must parse to the same.
 */
static void
fuzz_round_trip(const char *buf, size_t len, const struct ctlproto_req *r)
{
	const char *args[CTLPROTO_MAX_ARGS + 3], *p;
	char nums[CTLPROTO_MAX_ARGS + 3][96];
	struct ctlproto_req again;
	struct buf line = BUF_INIT;
	size_t i, n = 0, k = 0;

	/* The tokens: r->line holds the words, each ended by a NUL. */
	for (p = r->line; p < r->line + len; p += strlen(p) + 1) {
		if (k++ >= 2)
			args[n++] = p;
	}
	if (ctlproto_format_request(&line, r->verb, args, n) != 0)
		abort();
	if (line.len != len + 1 || memcmp(line.data, buf, len) != 0)
		abort();
	fuzz_reparse(&line, &again);
	fuzz_same_request(r, &again);
	ctlproto_req_free(&again);

	/* The fields, in the form a client writes them. */
	n = 0;
	switch (r->verb) {
	case CTLPROTO_SIGNAL:
		snprintf(nums[n], sizeof nums[n], "%d", r->sig);
		args[n] = nums[n];
		n++;
		break;
	case CTLPROTO_LOGS:
		snprintf(nums[n], sizeof nums[n], "%ld", r->lines);
		args[n] = nums[n];
		n++;
		args[n++] = r->follow ? "follow" : "once";
		break;
	case CTLPROTO_WAIT:
		if (r->timeout_ms == CTLPROTO_FOREVER)
			args[n++] = "forever";
		else {
			snprintf(nums[n], sizeof nums[n], "%llu",
			    (unsigned long long)r->timeout_ms);
			args[n] = nums[n];
			n++;
		}
		break;
	default:
		break;
	}
	for (i = 0; i < r->ntargets; i++) {
		if (r->verb == CTLPROTO_SCALE) {
			snprintf(nums[n], sizeof nums[n], "%.*s=%ld",
			    (int)strcspn(r->targets[i], "="), r->targets[i],
			    r->counts[i]);
			args[n] = nums[n];
			n++;
		} else
			args[n++] = r->targets[i];
	}
	if (r->verb == CTLPROTO_ATTACH) {
		snprintf(nums[n], sizeof nums[n], "%ld", r->cols);
		args[n] = nums[n];
		n++;
		snprintf(nums[n], sizeof nums[n], "%ld", r->rows);
		args[n] = nums[n];
		n++;
	}
	buf_reset(&line);
	if (ctlproto_format_request(&line, r->verb, args, n) != 0)
		abort();
	fuzz_reparse(&line, &again);
	fuzz_same_request(r, &again);
	ctlproto_req_free(&again);
	buf_free(&line);
}

/* Parses buf as a request and checks what ctlproto.h promises. */
static void
fuzz_request(const char *buf, size_t len)
{
	struct ctlproto_req r;
	char *cause = NULL;

	if (ctlproto_parse_request(buf, len, &r, &cause) != 0) {
		if (cause == NULL || *cause == '\0' ||
		    strchr(cause, '\n') != NULL || r.line != NULL ||
		    r.ntargets != 0)
			abort();
		free(cause);
		return;
	}
	if (cause != NULL || r.line == NULL || r.ntargets > CTLPROTO_MAX_ARGS ||
	    strcmp(ctlproto_verb_name(r.verb), "?") == 0 ||
	    len >= CTLPROTO_MAX_LINE)
		abort();
	fuzz_round_trip(buf, len, &r);
	ctlproto_req_free(&r);
}

/* Aborts unless two parsed inst rows are the same. */
static void
fuzz_same_inst(const struct ctlproto_inst *a, const struct ctlproto_inst *b)
{
	if (strcmp(a->name, b->name) != 0 || a->pid != b->pid ||
	    strcmp(a->state, b->state) != 0 || a->uptime_ms != b->uptime_ms ||
	    a->restarts != b->restarts || a->port != b->port ||
	    a->ready != b->ready || a->status != b->status ||
	    strcmp(a->command, b->command) != 0)
		abort();
}

/*
 * Parses buf as an inst payload; one that parses and holds neither NUL
 * nor newline (which a line cannot carry) is formatted and read back.
 */
static void
fuzz_inst(const char *buf, size_t len)
{
	struct ctlproto_inst in, again;
	struct ctlproto_reply r;
	struct buf line = BUF_INIT;

	if (ctlproto_parse_inst(buf, len, &in) != 0)
		return;
	if (memchr(buf, '\0', len) != NULL || memchr(buf, '\n', len) != NULL)
		return;
	ctlproto_format_inst(&line, &in);
	if (line.len == 0 || line.data[line.len - 1] != '\n' ||
	    ctlproto_parse_reply(line.data, line.len - 1, &r) != 0 ||
	    r.tag != CTLPROTO_INST ||
	    ctlproto_parse_inst(r.payload, r.len, &again) != 0)
		abort();
	fuzz_same_inst(&in, &again);
	buf_free(&line);
}

/* Parses one line as a reply, and an inst payload if it is one. */
static void
fuzz_reply(const char *buf, size_t len)
{
	struct ctlproto_reply r, again;
	struct buf line = BUF_INIT;

	if (ctlproto_parse_reply(buf, len, &r) != 0)
		return;
	if (r.payload < buf || r.payload + r.len != buf + len)
		abort();
	/* Formatted again, it reads the same (the payload has no '\n'). */
	ctlproto_format_reply(&line, r.tag, r.payload, r.len);
	if (ctlproto_parse_reply(line.data, line.len - 1, &again) != 0 ||
	    again.tag != r.tag || again.len != r.len ||
	    memcmp(again.payload, r.payload, r.len) != 0)
		abort();
	buf_free(&line);
	if (r.tag == CTLPROTO_INST)
		fuzz_inst(r.payload, r.len);
}

/*
 * Reads attach frames from buf as the server does, each from where the
 * last ended, until one is incomplete or malformed.
 */
static void
fuzz_frames(const char *buf, size_t len)
{
	struct ctlproto_frame f;
	struct buf again = BUF_INIT;
	size_t off = 0;
	long n;

	while ((n = ctlproto_parse_frame(buf + off, len - off, &f)) > 0) {
		if ((size_t)n > len - off)
			abort();
		buf_reset(&again);
		if (f.type == 'i') {
			if (f.len == 0 || f.len > CTLPROTO_FRAME_MAX ||
			    f.data != buf + off + 3)
				abort();
			ctlproto_format_input(&again, f.data, f.len);
		} else if (f.type == 'w') {
			if (f.cols == 0 || f.rows == 0)
				abort();
			ctlproto_format_winsize(&again, f.cols, f.rows);
		} else
			abort();
		if (again.len != (size_t)n ||
		    memcmp(again.data, buf + off, again.len) != 0)
			abort();
		off += (size_t)n;
	}
	buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl;
	size_t off = 0, n;

	fuzz_request(s, size);
	fuzz_inst(s, size);
	fuzz_frames(s, size);
	while (off < size) {
		nl = memchr(s + off, '\n', size - off);
		n = nl != NULL ? (size_t)(nl - (s + off)) : size - off;
		fuzz_request(s + off, n);
		fuzz_reply(s + off, n);
		off += n + 1;
	}
	return 0;
}
