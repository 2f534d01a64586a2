/*
 * probe.c: readiness probes and start-order dependencies (SPEC section
 * 6b): the text of tfrun.ini's ready = and after = values in, structs out.
 *
 * A probe's port stays text until probe_expand, because "$PORT" is only
 * known per instance. Messages quote what the user wrote with
 * buf_add_quoted, so a control byte cannot break the one-error-per-line
 * rule.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "probe.h"
#include "procfile.h"
#include "xmalloc.h"

/* How many bytes of a value a message quotes before "...". */
#define PROBE_QUOTE_MAX 64

/*
 * Bounds on a log: regex, so that compiling it stays cheap: the estimated
 * number of copies regcomp makes, group nesting, and the largest
 * repetition count POSIX promises (RE_DUP_MAX is at least 255).
 */
#define PROBE_REGEX_WEIGHT 4096
#define PROBE_REGEX_DEPTH 32
#define PROBE_REGEX_DUP_MAX 255
#define PROBE_REGEX_EMPTY_DUP 8
#define PROBE_REGEX_EMPTY_NEST 2

/* Sets *cause to "'TEXT' WHY" (why may add a regerror text); returns -1. */
static int
probe_fail(char **cause, const char *text, size_t len, const char *why,
    const char *detail)
{
	struct buf b = BUF_INIT;

	buf_add_quoted(&b, text, len, PROBE_QUOTE_MAX);
	buf_addc(&b, ' ');
	buf_adds(&b, why);
	if (detail != NULL) {
		buf_adds(&b, ": ");
		buf_adds(&b, detail);
	}
	*cause = buf_detach(&b);
	return -1;
}

/*
 * Tells whether the n bytes at s are a port: 1 to 65535, or $PORT or
 * ${PORT} (checked once expanded).
 */
static int
probe_port_ok(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if ((n == 5 && memcmp(s, "$PORT", 5) == 0) ||
	    (n == 7 && memcmp(s, "${PORT}", 7) == 0))
		return 1;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			return 0;
	}
	return v >= 1;
}

/* Tells whether the n bytes at s are a host name or address we can use. */
static int
probe_host_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' ||
		    (unsigned char)s[i] >= 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Splits "HOST:PORT" or "[V6]:PORT" (or "PORT" alone when host_optional)
 * into p->host and p->port. Returns 0, or -1 when malformed.
 */
static int
probe_hostport(const char *s, size_t n, int host_optional,
    const char *default_port, struct probe *p)
{
	const char *colon = NULL, *h = s;
	size_t hn, i;

	if (n > 0 && s[0] == '[') {
		for (i = 1; i < n && s[i] != ']'; i++)
			;
		if (i == n || (i + 1 < n && s[i + 1] != ':'))
			return -1;
		h = s + 1;
		hn = i - 1;
		colon = i + 1 < n ? s + i + 1 : NULL;
	} else {
		for (i = n; i > 0; i--) {
			if (s[i - 1] == ':') {
				colon = s + i - 1;
				break;
			}
		}
		hn = colon != NULL ? (size_t)(colon - s) : n;
		if (colon == NULL && host_optional) {
			/* tcp:PORT */
			colon = s - 1;
			hn = 0;
		}
	}
	if (colon == NULL && default_port == NULL)
		return -1;
	if (hn == 0 && !host_optional)
		return -1;
	if (hn > 0 && (!probe_host_ok(h, hn) ||
	    (h == s && memchr(h, ':', hn) != NULL)))
		return -1;
	if (colon != NULL) {
		if (!probe_port_ok(colon + 1, (size_t)(s + n - colon - 1)))
			return -1;
		p->port = xstrndup(colon + 1, (size_t)(s + n - colon - 1));
	} else
		p->port = xstrdup(default_port);
	p->host = hn > 0 ? xstrndup(h, hn) : xstrdup("127.0.0.1");
	return 0;
}

static char	*probe_subst(const char *, const char *, const char *);

/*
 * Returns the end of the bracket expression opening at p ('['), or NULL
 * when it does not close: ']' first (after '^') is a member, and [:x:],
 * [.x.] and [=x=] are skipped whole.
 */
static const char *
probe_bracket_end(const char *p)
{
	const char *q;

	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0' && *p != ']'; p++) {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			for (q = p + 2; *q != '\0' &&
			    !(q[0] == p[1] && q[1] == ']'); q++)
				;
			if (*q == '\0')
				return NULL;
			p = q + 1;
		}
	}
	return *p == ']' ? p : NULL;
}

/*
 * Says why regcomp must not be given re, or returns NULL. glibc copies a
 * repeated atom once per repetition, so nested intervals multiply: the
 * scan adds up an estimate of the copies (an atom 1, a group 1 and its
 * content, so that empty groups count, a repetition of n multiplying what
 * it repeats) and refuses more than PROBE_REGEX_WEIGHT, rather than let
 * regcomp run out of memory or stack. An interval over an expression that
 * can match nothing ((a?|b?){50}) makes glibc's closure computation grow
 * exponentially with the count, so such intervals are bounded by
 * PROBE_REGEX_EMPTY_DUP and nest at most PROBE_REGEX_EMPTY_NEST deep: the
 * scan follows which items, branches and groups can match nothing. Adjacent
 * repetition operators, which POSIX leaves undefined, are refused too.
 */
static const char *
probe_regex_problem(const char *re)
{
	double sum[PROBE_REGEX_DEPTH + 1], last = 0, n;
	/*
	 * Per group: its branch so far can match nothing; a branch ended
	 * that can; the deepest interval over such an expression inside;
	 * an item is pending (its nullability may still change).
	 */
	int bnull[PROBE_REGEX_DEPTH + 1], gnull[PROBE_REGEX_DEPTH + 1];
	int nrep[PROBE_REGEX_DEPTH + 1], has[PROBE_REGEX_DEPTH + 1];
	int lastnull = 0, lastnrep = 0, dup = 0, null;
	const char *p, *q;
	size_t depth = 0;
	long min;
	char *end;

#define PROBE_COMMIT(d) do {						\
	if (has[d]) {							\
		bnull[d] = bnull[d] && lastnull;			\
		if (lastnrep > nrep[d])					\
			nrep[d] = lastnrep;				\
		has[d] = 0;						\
	}								\
} while (0)

	sum[0] = 0;
	bnull[0] = 1;
	gnull[0] = nrep[0] = has[0] = 0;
	for (p = re; *p != '\0'; p++) {
		n = 0;
		if ((*p == '*' || *p == '+' || *p == '?') ||
		    (*p == '{' && ((p[1] >= '0' && p[1] <= '9') ||
		    p[1] == ','))) {
			if (dup)
				return "has adjacent repetition operators, "
				    "which POSIX leaves undefined";
			n = 2;
			min = *p == '+';
			if (*p == '{') {
				/* glibc reads {,N} as {0,N} and {,} as *. */
				min = strtol(p + 1, &end, 10);
				n = (double)min;
				if (*end == ',' && end[1] >= '0' && end[1] <= '9')
					n = (double)strtol(end + 1, &end, 10);
				else if (*end == ',') {
					/* Open: its minimum and one more. */
					n = n < 1 ? 2 : n + 1;
					end++;
				}
				if (*end != '}')
					return "has a malformed interval";
				if (n > PROBE_REGEX_DUP_MAX)
					return "repeats more than 255 times";
				if (lastnull && n > PROBE_REGEX_EMPTY_DUP)
					return "repeats an expression that can "
					    "match nothing more than 8 times "
					    "(too slow to compile)";
				if (lastnull && ++lastnrep >
				    PROBE_REGEX_EMPTY_NEST)
					return "nests intervals over "
					    "expressions that can match "
					    "nothing (too slow to compile)";
				p = end;
			}
			if (min == 0)
				lastnull = 1;
			sum[depth] += last * (n > 1 ? n - 1 : 0);
			last *= n > 1 ? n : 1;
			dup = 1;
		} else if (*p == '(') {
			if (depth == PROBE_REGEX_DEPTH)
				return "nests groups too deeply";
			PROBE_COMMIT(depth);
			sum[++depth] = 0;
			bnull[depth] = 1;
			gnull[depth] = nrep[depth] = has[depth] = 0;
			last = 0;
			dup = 0;
			continue;
		} else if (*p == ')' && depth > 0) {
			PROBE_COMMIT(depth);
			null = gnull[depth] || bnull[depth];
			lastnrep = nrep[depth];
			last = sum[depth--] + 1;
			sum[depth] += last;
			has[depth] = 1;
			lastnull = null;
			dup = 0;
		} else if (*p == '|') {
			PROBE_COMMIT(depth);
			gnull[depth] |= bnull[depth];
			bnull[depth] = 1;
			last = 1;
			sum[depth] += 1;
			dup = 0;
		} else {
			PROBE_COMMIT(depth);
			has[depth] = 1;
			/* Anchors match no character. */
			lastnull = *p == '^' || *p == '$';
			lastnrep = 0;
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '[' && (q = probe_bracket_end(p)) != NULL)
				p = q;
			last = 1;
			sum[depth] += 1;
			dup = 0;
		}
		if (sum[depth] > PROBE_REGEX_WEIGHT)
			return "is too complex";
	}
#undef PROBE_COMMIT
	return NULL;
}

/*
 * Checks a regex with regcomp, as it will be once $PORT and $PS are
 * expanded; returns 0, or -1 with *cause allocated.
 */
static int
probe_check_regex(const char *text, const char *re, char **cause)
{
	char err[256], *expanded;
	const char *why;
	regex_t r;
	int rc;

	expanded = probe_subst(re, "5000", "web.1");
	if ((why = probe_regex_problem(expanded)) != NULL) {
		free(expanded);
		return probe_fail(cause, text, strlen(text), why, NULL);
	}
	rc = regcomp(&r, expanded, REG_EXTENDED | REG_NOSUB);
	free(expanded);
	if (rc != 0) {
		regerror(rc, &r, err, sizeof err);
		return probe_fail(cause, text, strlen(text),
		    "is not a valid regular expression", err);
	}
	regfree(&r);
	return 0;
}

/*
 * Probes do not look names up (a lookup would block the loop or need a
 * thread): the host must be an address, or localhost.
 */
static int
probe_host_check(const char *s, struct probe *p, char **cause)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (strcmp(p->host, "localhost") == 0 ||
	    inet_pton(AF_INET, p->host, addr) == 1 ||
	    inet_pton(AF_INET6, p->host, addr) == 1)
		return 0;
	probe_free(p);
	return probe_fail(cause, s, strlen(s), "names a host: probes do not "
	    "look names up (use an IP address or localhost)", NULL);
}

/* Parses a probe; see probe.h. */
int
probe_parse(const char *s, struct probe *p, char **cause)
{
	const char *rest, *slash;
	size_t n;

	memset(p, 0, sizeof p[0]);
	if (strncmp(s, "tcp:", 4) == 0) {
		p->kind = PROBE_TCP;
		rest = s + 4;
		if (probe_hostport(rest, strlen(rest), 1, NULL, p) != 0) {
			probe_free(p);
			return probe_fail(cause, s, strlen(s), "is not "
			    "tcp:PORT or tcp:HOST:PORT (PORT 1-65535 or "
			    "$PORT)", NULL);
		}
		if (probe_host_check(s, p, cause) != 0)
			return -1;
	} else if (strncmp(s, "http://", 7) == 0) {
		p->kind = PROBE_HTTP;
		rest = s + 7;
		slash = strchr(rest, '/');
		n = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
		if (probe_hostport(rest, n, 0, "80", p) != 0 ||
		    (slash != NULL && strpbrk(slash, " \t\r\n") != NULL)) {
			probe_free(p);
			return probe_fail(cause, s, strlen(s), "is not "
			    "http://HOST:PORT/PATH (PORT 1-65535 or $PORT)",
			    NULL);
		}
		if (probe_host_check(s, p, cause) != 0)
			return -1;
		p->path = xstrdup(slash != NULL ? slash : "/");
	} else if (strncmp(s, "https://", 8) == 0) {
		return probe_fail(cause, s, strlen(s), "cannot be probed: "
		    "tfrun speaks no TLS (use tcp:HOST:PORT)", NULL);
	} else if (strncmp(s, "log:", 4) == 0) {
		if (s[4] == '\0')
			return probe_fail(cause, s, strlen(s),
			    "has an empty regular expression", NULL);
		if (probe_check_regex(s, s + 4, cause) != 0)
			return -1;
		p->kind = PROBE_LOG;
		p->arg = xstrdup(s + 4);
	} else if (strncmp(s, "exec:", 5) == 0) {
		if (s[5 + strspn(s + 5, " \t")] == '\0')
			return probe_fail(cause, s, strlen(s),
			    "has an empty command", NULL);
		p->kind = PROBE_EXEC;
		p->arg = xstrdup(s + 5);
	} else
		return probe_fail(cause, s, strlen(s), "is not a probe "
		    "(tcp:PORT, tcp:HOST:PORT, http://HOST:PORT/PATH, "
		    "log:REGEX or exec:COMMAND)", NULL);
	p->text = xstrdup(s);
	return 0;
}

/*
 * Returns an owned copy of s with $PORT, ${PORT}, $PS and ${PS} replaced.
 * A name followed by more name characters ($PORTS) is not a reference.
 */
static char *
probe_subst(const char *s, const char *port, const char *ps)
{
	static const struct {
		const char *ref;
		int which;	/* 0: port, 1: ps */
	} refs[] = {
		{ "${PORT}", 0 }, { "$PORT", 0 }, { "${PS}", 1 }, { "$PS", 1 }
	};
	struct buf b = BUF_INIT;
	size_t i, n;
	char c;

	if (s == NULL)
		return NULL;
	while (*s != '\0') {
		for (i = 0; i < sizeof refs / sizeof refs[0]; i++) {
			n = strlen(refs[i].ref);
			if (strncmp(s, refs[i].ref, n) != 0)
				continue;
			c = s[n];
			if (refs[i].ref[1] == '{' || !(c == '_' ||
			    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9')))
				break;
		}
		if (i < sizeof refs / sizeof refs[0]) {
			buf_adds(&b, refs[i].which == 0 ? port : ps);
			s += strlen(refs[i].ref);
		} else
			buf_addc(&b, *s++);
	}
	return buf_detach(&b);
}

/* Expands $PORT and $PS for one instance; see probe.h. */
int
probe_expand(const struct probe *p, long port, const char *ps,
    struct probe *out)
{
	char portstr[32];

	snprintf(portstr, sizeof portstr, "%ld", port);
	memset(out, 0, sizeof out[0]);
	out->kind = p->kind;
	out->text = p->text != NULL ? xstrdup(p->text) : NULL;
	out->host = probe_subst(p->host, portstr, ps);
	out->port = probe_subst(p->port, portstr, ps);
	out->path = probe_subst(p->path, portstr, ps);
	out->arg = p->kind == PROBE_LOG ? probe_subst(p->arg, portstr, ps) :
	    p->arg != NULL ? xstrdup(p->arg) : NULL;
	if (out->port != NULL && !probe_port_ok(out->port,
	    strlen(out->port))) {
		probe_free(out);
		return -1;
	}
	if (out->port != NULL && out->port[0] == '$') {
		/* Only a number is a port once expanded. */
		probe_free(out);
		return -1;
	}
	return 0;
}

/* Makes dst an owned copy of src. */
void
probe_copy(struct probe *dst, const struct probe *src)
{
	dst->kind = src->kind;
	dst->text = src->text != NULL ? xstrdup(src->text) : NULL;
	dst->host = src->host != NULL ? xstrdup(src->host) : NULL;
	dst->port = src->port != NULL ? xstrdup(src->port) : NULL;
	dst->path = src->path != NULL ? xstrdup(src->path) : NULL;
	dst->arg = src->arg != NULL ? xstrdup(src->arg) : NULL;
}

/* Frees what p owns. */
void
probe_free(struct probe *p)
{
	free(p->text);
	free(p->host);
	free(p->port);
	free(p->path);
	free(p->arg);
	memset(p, 0, sizeof p[0]);
}

/* Returns the name of a condition. */
const char *
probe_cond_name(enum probe_cond cond)
{
	switch (cond) {
	case PROBE_STARTED:
		return "started";
	case PROBE_DONE:
		return "done";
	case PROBE_READY:
		break;
	}
	return "ready";
}

/* Parses an after list; see probe.h. */
int
probe_after_parse(const char *s, struct probe_after **v, size_t *n,
    char **cause)
{
	static const enum probe_cond conds[] = {
		PROBE_STARTED, PROBE_READY, PROBE_DONE
	};
	struct probe_after *items = NULL;
	const char *p = s, *end, *a, *b, *colon;
	size_t ni = 0, i, tn;

	for (;;) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		for (a = p; a < end && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = end; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		if (a == b) {
			probe_after_free(items, ni);
			return probe_fail(cause, s, strlen(s),
			    "has an empty item", NULL);
		}
		colon = memchr(a, ':', (size_t)(b - a));
		tn = colon != NULL ? (size_t)(colon - a) : (size_t)(b - a);
		if (!procfile_valid_name(a, tn)) {
			probe_after_free(items, ni);
			return probe_fail(cause, a, tn,
			    "is not a valid process type name", NULL);
		}
		items = xreallocarray(items, ni + 1, sizeof *items);
		items[ni].cond = PROBE_READY;
		if (colon != NULL) {
			for (i = 0; i < sizeof conds / sizeof conds[0]; i++) {
				if ((size_t)(b - colon - 1) ==
				    strlen(probe_cond_name(conds[i])) &&
				    memcmp(colon + 1, probe_cond_name(conds[i]),
				    (size_t)(b - colon - 1)) == 0)
					break;
			}
			if (i == sizeof conds / sizeof conds[0]) {
				probe_after_free(items, ni);
				return probe_fail(cause, a, (size_t)(b - a),
				    "must be TYPE, TYPE:started, TYPE:ready "
				    "or TYPE:done", NULL);
			}
			items[ni].cond = conds[i];
		}
		items[ni].type = xstrndup(a, tn);
		for (i = 0; i < ni; i++) {
			if (strcmp(items[i].type, items[ni].type) == 0) {
				ni++;
				probe_after_free(items, ni);
				return probe_fail(cause, a, tn,
				    "is named twice", NULL);
			}
		}
		ni++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*v = items;
	*n = ni;
	return 0;
}

/* Frees an after list. */
void
probe_after_free(struct probe_after *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].type);
	free(v);
}
