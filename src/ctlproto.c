/*
 * ctlproto.c: the control protocol's parsers and formatters; see
 * ctlproto.h for the grammar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "compat.h"
#include "ctlproto.h"
#include "procfile.h"
#include "sig.h"
#include "xmalloc.h"

static const char *const ctlproto_verbs[] = {
	[CTLPROTO_HELLO] = "hello",
	[CTLPROTO_PS] = "ps",
	[CTLPROTO_SCALE] = "scale",
	[CTLPROTO_RESTART] = "restart",
	[CTLPROTO_STOP] = "stop",
	[CTLPROTO_SIGNAL] = "signal",
	[CTLPROTO_LOGS] = "logs",
	[CTLPROTO_WAIT] = "wait",
	[CTLPROTO_QUIT] = "quit",
	[CTLPROTO_ATTACH] = "attach",
};

static const char *const ctlproto_tags[] = {
	[CTLPROTO_OK] = "ok",
	[CTLPROTO_ERROR] = "error",
	[CTLPROTO_HELLO_REPLY] = "hello",
	[CTLPROTO_INST] = "inst",
	[CTLPROTO_LINE] = "line",
	[CTLPROTO_FOLLOWING] = "following",
	[CTLPROTO_END] = "end",
};

/* Characters a token may hold. */
static int
ctlproto_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("_.:=+-/", c) != NULL);
}

/* Says whether s (n bytes) is a valid token. */
static int
ctlproto_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!ctlproto_token_char((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/*
 * Parses a whole number of at most maxdigits digits; returns 0 or -1.
 */
static int
ctlproto_number(const char *s, size_t maxdigits, long *out)
{
	size_t n = strlen(s);

	if (n == 0 || n > maxdigits || strspn(s, "0123456789") != n)
		return -1;
	*out = strtol(s, NULL, 10);
	return 0;
}

/* Says whether s names an instance (TYPE.N) or a type (TYPE). */
static int
ctlproto_target(const char *s)
{
	const char *dot = strchr(s, '.');
	long n;

	if (dot == NULL)
		return procfile_valid_name(s, strlen(s));
	return procfile_valid_name(s, (size_t)(dot - s)) && dot[1] != '0' &&
	    ctlproto_number(dot + 1, 6, &n) == 0 && n > 0;
}

/* Returns the verb's name. */
const char *
ctlproto_verb_name(enum ctlproto_verb verb)
{
	if ((size_t)verb >= nitems(ctlproto_verbs))
		return "?";
	return ctlproto_verbs[verb];
}

/* Checks one verb's arguments and fills req's fields from them. */
static int
ctlproto_check_args(struct ctlproto_req *r, const char **a, size_t n,
    char **cause)
{
	const char *eq;
	size_t i, first = 0, want_min = 0;
	long v;

	switch (r->verb) {
	case CTLPROTO_HELLO:
	case CTLPROTO_PS:
	case CTLPROTO_QUIT:
		if (n != 0) {
			xasprintf(cause, "%s takes no argument",
			    ctlproto_verb_name(r->verb));
			return -1;
		}
		return 0;
	case CTLPROTO_SCALE:
		if (n == 0) {
			*cause = xstrdup("scale needs TYPE=N");
			return -1;
		}
		for (i = 0; i < n; i++) {
			eq = strchr(a[i], '=');
			if (eq == NULL || !procfile_valid_name(a[i],
			    (size_t)(eq - a[i])) ||
			    ctlproto_number(eq + 1, 6, &r->counts[i]) != 0) {
				xasprintf(cause, "'%s': expected TYPE=N", a[i]);
				return -1;
			}
			r->targets[i] = a[i];
		}
		r->ntargets = n;
		return 0;
	case CTLPROTO_SIGNAL:
		if (n < 2 || sig_parse(a[0], &r->sig) != 0) {
			xasprintf(cause, "signal needs a signal and a name");
			return -1;
		}
		first = 1;
		want_min = 1;
		break;
	case CTLPROTO_LOGS:
		/* As many digits as `tfrun logs -n` takes (config.c). */
		if (n < 2 || ctlproto_number(a[0], 9, &r->lines) != 0 ||
		    (strcmp(a[1], "follow") != 0 && strcmp(a[1], "once") != 0)) {
			*cause = xstrdup("logs needs N and follow or once");
			return -1;
		}
		r->follow = strcmp(a[1], "follow") == 0;
		first = 2;
		break;
	case CTLPROTO_WAIT:
		if (n != 1 || (strcmp(a[0], "forever") != 0 &&
		    ctlproto_number(a[0], 12, &v) != 0)) {
			*cause = xstrdup("wait needs a time in ms or forever");
			return -1;
		}
		r->timeout_ms = strcmp(a[0], "forever") == 0 ?
		    CTLPROTO_FOREVER : (uint64_t)v;
		return 0;
	case CTLPROTO_ATTACH:
		if (n != 3 || !ctlproto_target(a[0]) ||
		    ctlproto_number(a[1], 4, &r->cols) != 0 ||
		    ctlproto_number(a[2], 4, &r->rows) != 0) {
			*cause = xstrdup("attach needs NAME COLS ROWS");
			return -1;
		}
		r->targets[0] = a[0];
		r->ntargets = 1;
		return 0;
	case CTLPROTO_STOP:
		want_min = 1;
		break;
	case CTLPROTO_RESTART:
		break;
	}
	if (n - first < want_min) {
		xasprintf(cause, "%s needs a name or a type",
		    ctlproto_verb_name(r->verb));
		return -1;
	}
	for (i = first; i < n; i++) {
		if (!ctlproto_target(a[i])) {
			xasprintf(cause, "'%s' is not a name or a process type",
			    a[i]);
			return -1;
		}
		r->targets[r->ntargets++] = a[i];
	}
	return 0;
}

/* Parses a request; see ctlproto.h. */
int
ctlproto_parse_request(const char *buf, size_t len, struct ctlproto_req *r,
    char **cause)
{
	const char *words[CTLPROTO_MAX_ARGS + 2];
	size_t i, n = 0;
	char *p;

	memset(r, 0, sizeof *r);
	if (len >= CTLPROTO_MAX_LINE) {
		xasprintf(cause, "request too long (at most %d bytes)",
		    CTLPROTO_MAX_LINE - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] != ' ' && !ctlproto_token_char((unsigned char)buf[i])) {
			*cause = xstrdup("request has a character outside "
			    "[A-Za-z0-9_.:=+/-]");
			return -1;
		}
	}
	r->line = xstrndup(buf, len);
	for (p = r->line; n < nitems(words);) {
		words[n++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	if (p != NULL) {
		xasprintf(cause, "too many arguments (at most %d)",
		    CTLPROTO_MAX_ARGS);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (*words[i] == '\0') {
			*cause = xstrdup("empty word in request");
			goto fail;
		}
	}
	if (strcmp(words[0], CTLPROTO_VERSION) != 0) {
		xasprintf(cause, "protocol '%.32s' not understood (this tfrun "
		    "speaks %s)", words[0], CTLPROTO_VERSION);
		goto fail;
	}
	if (n < 2) {
		*cause = xstrdup("request without a command");
		goto fail;
	}
	for (i = 0; i < nitems(ctlproto_verbs); i++) {
		if (strcmp(words[1], ctlproto_verbs[i]) == 0)
			break;
	}
	if (i == nitems(ctlproto_verbs)) {
		xasprintf(cause, "unknown command '%.32s'", words[1]);
		goto fail;
	}
	r->verb = (enum ctlproto_verb)i;
	if (ctlproto_check_args(r, words + 2, n - 2, cause) != 0)
		goto fail;
	return 0;
fail:
	free(r->line);
	memset(r, 0, sizeof *r);
	return -1;
}

/* Frees a request. */
void
ctlproto_req_free(struct ctlproto_req *r)
{
	free(r->line);
	memset(r, 0, sizeof *r);
}

/* Formats a request line; see ctlproto.h. */
int
ctlproto_format_request(struct buf *out, enum ctlproto_verb verb,
    const char *const *args, size_t nargs)
{
	size_t i;

	for (i = 0; i < nargs; i++) {
		if (!ctlproto_token(args[i], strlen(args[i])))
			return -1;
	}
	buf_printf(out, "%s %s", CTLPROTO_VERSION, ctlproto_verb_name(verb));
	for (i = 0; i < nargs; i++)
		buf_printf(out, " %s", args[i]);
	buf_addc(out, '\n');
	return 0;
}

/* Parses a reply line; see ctlproto.h. */
int
ctlproto_parse_reply(const char *buf, size_t len, struct ctlproto_reply *r)
{
	size_t i, n;

	for (i = 0; i < nitems(ctlproto_tags); i++) {
		n = strlen(ctlproto_tags[i]);
		if (len < n || memcmp(buf, ctlproto_tags[i], n) != 0 ||
		    (len > n && buf[n] != ' '))
			continue;
		r->tag = (enum ctlproto_tag)i;
		r->payload = len > n ? buf + n + 1 : buf + n;
		r->len = len > n ? len - n - 1 : 0;
		return 0;
	}
	return -1;
}

/* Formats a reply line; see ctlproto.h. */
void
ctlproto_format_reply(struct buf *out, enum ctlproto_tag tag,
    const char *payload, size_t len)
{
	const char *nl;

	buf_adds(out, ctlproto_tags[tag]);
	if (payload != NULL) {
		if ((nl = memchr(payload, '\n', len)) != NULL)
			len = (size_t)(nl - payload);
		buf_addc(out, ' ');
		buf_add(out, payload, len);
	}
	buf_addc(out, '\n');
}

/* Formats an inst line; see ctlproto.h. */
void
ctlproto_format_inst(struct buf *out, const struct ctlproto_inst *in)
{
	struct buf p = BUF_INIT;

	buf_printf(&p, "%s %ld %s %llu %lu %ld %d %d %s", in->name, in->pid,
	    in->state, (unsigned long long)in->uptime_ms, in->restarts,
	    in->port, in->ready, in->status, in->command);
	ctlproto_format_reply(out, CTLPROTO_INST, p.data, p.len);
	buf_free(&p);
}

/* Takes the next space-separated field of *s (len *n) into out. */
static int
ctlproto_field(const char **s, size_t *n, char *out, size_t size)
{
	const char *sp = memchr(*s, ' ', *n);
	size_t k;

	if (sp == NULL)
		return -1;
	k = (size_t)(sp - *s);
	if (k == 0 || k >= size)
		return -1;
	memcpy(out, *s, k);
	out[k] = '\0';
	*n -= k + 1;
	*s = sp + 1;
	return 0;
}

/* Parses an inst payload; see ctlproto.h. */
int
ctlproto_parse_inst(const char *s, size_t n, struct ctlproto_inst *in)
{
	char f[7][32];
	char *end;
	size_t i;

	memset(in, 0, sizeof *in);
	if (ctlproto_field(&s, &n, in->name, sizeof in->name) != 0)
		return -1;
	for (i = 0; i < nitems(f); i++) {
		if (ctlproto_field(&s, &n, f[i], sizeof f[i]) != 0)
			return -1;
	}
	if (n >= sizeof in->command)
		return -1;
	memcpy(in->command, s, n);
	in->command[n] = '\0';
	if (strlen(f[1]) >= sizeof in->state)
		return -1;
	memcpy(in->state, f[1], strlen(f[1]) + 1);
	in->pid = strtol(f[0], &end, 10);
	if (*end != '\0')
		return -1;
	in->uptime_ms = strtoull(f[2], &end, 10);
	if (*end != '\0')
		return -1;
	in->restarts = strtoul(f[3], &end, 10);
	if (*end != '\0')
		return -1;
	in->port = strtol(f[4], &end, 10);
	if (*end != '\0')
		return -1;
	in->ready = (int)strtol(f[5], &end, 10);
	if (*end != '\0')
		return -1;
	in->status = (int)strtol(f[6], &end, 10);
	if (*end != '\0')
		return -1;
	return 0;
}

/* Reads a 16-bit big-endian number. */
static unsigned
ctlproto_u16(const char *p)
{
	return ((unsigned)(unsigned char)p[0] << 8) | (unsigned char)p[1];
}

/* Parses one attach frame; see ctlproto.h. */
long
ctlproto_parse_frame(const char *buf, size_t len, struct ctlproto_frame *f)
{
	memset(f, 0, sizeof *f);
	if (len == 0)
		return 0;
	f->type = buf[0];
	switch (f->type) {
	case 'i':
		if (len < 3)
			return 0;
		f->len = ctlproto_u16(buf + 1);
		if (f->len == 0 || f->len > CTLPROTO_FRAME_MAX)
			return -1;
		if (len < 3 + f->len)
			return 0;
		f->data = buf + 3;
		return (long)(3 + f->len);
	case 'w':
		if (len < 5)
			return 0;
		f->cols = ctlproto_u16(buf + 1);
		f->rows = ctlproto_u16(buf + 3);
		if (f->cols == 0 || f->rows == 0)
			return -1;
		return 5;
	default:
		return -1;
	}
}

/* Appends an input frame; see ctlproto.h. */
void
ctlproto_format_input(struct buf *out, const char *data, size_t len)
{
	char hdr[3];

	if (len > CTLPROTO_FRAME_MAX)
		len = CTLPROTO_FRAME_MAX;
	hdr[0] = 'i';
	hdr[1] = (char)(len >> 8);
	hdr[2] = (char)(len & 0xff);
	buf_add(out, hdr, sizeof hdr);
	buf_add(out, data, len);
}

/* Appends a window-size frame; see ctlproto.h. */
void
ctlproto_format_winsize(struct buf *out, unsigned cols, unsigned rows)
{
	char f[5];

	f[0] = 'w';
	f[1] = (char)(cols >> 8);
	f[2] = (char)(cols & 0xff);
	f[3] = (char)(rows >> 8);
	f[4] = (char)(rows & 0xff);
	buf_add(out, f, sizeof f);
}
