/*
 * dotenv.c: the .env grammar of SPEC section 3.
 *
 * The parser walks the buffer once with a cursor rather than splitting it
 * into lines first, because quoted values may span lines. Each assignment
 * is handed to the caller before the next line is read, so that expansions
 * on later lines see earlier ones through the caller's lookup.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dotenv.h"
#include "xmalloc.h"

/* How much offending text an error message quotes. */
#define DOTENV_SHOW_MAX 60

/* How deeply ${NAME:-default} defaults may nest inside each other. */
#define DOTENV_DEPTH_MAX 32

/*
 * How many bytes expansions may add in one file, in total. Without a bound,
 * "A=$A$A" repeated on a few dozen lines doubles a value each time.
 */
#define DOTENV_EXPAND_MAX (16 * 1024 * 1024)

/*
 * In a decoded double-quoted value, \$ becomes this byte so that expansion
 * can tell an escaped '$' from one that starts a reference. The input can
 * never hold it as data, because a NUL byte is an error.
 */
#define DOTENV_DOLLAR '\0'

struct dotenv_parser {
	const char		*fname;
	const char		*p;	/* next byte to read */
	const char		*end;
	unsigned		 line;	/* the line p is on */
	const struct dotenv_ops	*ops;
	struct buf		 errors; /* messages so far, '\n' between */
	int			 nerrors;
	size_t			 expanded; /* bytes added by expansions */
	int			 toobig;   /* DOTENV_EXPAND_MAX was reported */
};

/* The state of expanding one value. */
struct dotenv_expand {
	struct dotenv_parser	*dp;
	const char		*key;	/* being assigned; for messages */
	unsigned		 line;	/* where the assignment starts */
	const char		*s;	/* the decoded value */
	size_t			*match;	/* match[i]: the '}' closing '{' at i */
	int			 failed;
	int			 toodeep;
};

/* Returns 1 for the blanks allowed around keys, '=' and values. */
static int
dotenv_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Returns 1 for the characters of a shell identifier. */
static int
dotenv_namechar(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Returns 1 for the characters a key may hold. */
static int
dotenv_keychar(int c)
{
	return dotenv_namechar(c) || c == '.' || c == '-';
}

/* Returns 1 when the n bytes at s form a valid key. */
static int
dotenv_valid_key_n(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!dotenv_keychar((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* Returns 1 when key matches [A-Za-z0-9_.-]+, else 0. */
int
dotenv_valid_key(const char *key)
{
	return dotenv_valid_key_n(key, strlen(key));
}

/* Returns 1 when key is a shell identifier [A-Za-z_][A-Za-z0-9_]*, else 0. */
int
dotenv_shell_key(const char *key)
{
	const char *p;

	if (*key == '\0' || (*key >= '0' && *key <= '9'))
		return 0;
	for (p = key; *p != '\0'; p++) {
		if (!dotenv_namechar((unsigned char)*p))
			return 0;
	}
	return 1;
}

/*
 * Returns the text s (n bytes) made fit for a one-line message, allocated:
 * control bytes become \xHH and long text is cut. With quotes, the text is
 * wrapped in double quotes with \ and " escaped, so its ends are visible.
 * The DOTENV_DOLLAR marker shows as the '$' it stands for.
 */
static char *
dotenv_show(const char *s, size_t n, int quotes)
{
	struct buf b = BUF_INIT;
	unsigned char c;
	size_t i, cut;

	cut = n;
	if (n > DOTENV_SHOW_MAX) {
		/* Never cut a UTF-8 sequence in half. */
		cut = DOTENV_SHOW_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	if (quotes)
		buf_addc(&b, '"');
	for (i = 0; i < cut; i++) {
		c = (unsigned char)s[i];
		if (c == (unsigned char)DOTENV_DOLLAR)
			buf_addc(&b, '$');
		else if (quotes && (c == '"' || c == '\\')) {
			buf_addc(&b, '\\');
			buf_addc(&b, (char)c);
		} else if (c < 0x20 || c == 0x7f)
			buf_printf(&b, "\\x%02x", c);
		else
			buf_addc(&b, (char)c);
	}
	if (cut < n)
		buf_adds(&b, "...");
	if (quotes)
		buf_addc(&b, '"');
	return buf_detach(&b);
}

/* Records one error message for line. */
static void printflike(3, 4)
dotenv_error(struct dotenv_parser *dp, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (dp->nerrors != 0)
		buf_addc(&dp->errors, '\n');
	buf_printf(&dp->errors, "%s:%u: ", dp->fname, line);
	va_start(ap, fmt);
	buf_vprintf(&dp->errors, fmt, ap);
	va_end(ap);
	dp->nerrors++;
}

/* Records an error quoting the n bytes of text at s. */
static void
dotenv_error_text(struct dotenv_parser *dp, unsigned line, const char *what,
    const char *s, size_t n)
{
	char *shown;

	shown = dotenv_show(s, n, 1);
	dotenv_error(dp, line, "%s %s", what, shown);
	free(shown);
}

/* Returns the end of the physical line at p: its CR, LF or the buffer end. */
static const char *
dotenv_eol(const struct dotenv_parser *dp, const char *p)
{
	while (p < dp->end && *p != '\n' && *p != '\r')
		p++;
	return p;
}

/* Returns p moved back over the blanks that end the text from start. */
static const char *
dotenv_rtrim(const char *start, const char *p)
{
	while (p > start && dotenv_blank((unsigned char)p[-1]))
		p--;
	return p;
}

/* Moves past the line terminator (LF, CRLF or CR) at the cursor, if any. */
static void
dotenv_newline(struct dotenv_parser *dp)
{
	if (dp->p == dp->end)
		return;
	if (*dp->p == '\r') {
		dp->p++;
		if (dp->p < dp->end && *dp->p == '\n')
			dp->p++;
		dp->line++;
	} else if (*dp->p == '\n') {
		dp->p++;
		dp->line++;
	}
}

/*
 * Moves to the start of the next line, reporting a NUL byte in what is
 * skipped: a NUL is an error anywhere, comments included. Returns -1 when
 * there was one.
 */
static int
dotenv_skip_line(struct dotenv_parser *dp)
{
	const char *eol;
	int error = 0;

	eol = dotenv_eol(dp, dp->p);
	if (eol > dp->p && memchr(dp->p, '\0', (size_t)(eol - dp->p)) != NULL) {
		dotenv_error(dp, dp->line, "NUL byte");
		error = -1;
	}
	dp->p = eol;
	dotenv_newline(dp);
	return error;
}

/*
 * Returns 1 when the ':' at p is a YAML-style separator: followed by a
 * blank or by the end of the line.
 */
static int
dotenv_colon(const char *p, const char *eol)
{
	return *p == ':' && (p + 1 == eol || dotenv_blank((unsigned char)p[1]));
}

/*
 * Returns the value of the n-byte name at s, or NULL when unset. The
 * pointer is only valid until the next call to assign.
 */
static const char *
dotenv_lookup(struct dotenv_expand *ex, const char *s, size_t n)
{
	const struct dotenv_ops *ops = ex->dp->ops;
	const char *v;
	char *name;

	name = xstrndup(s, n);
	v = ops->lookup(ops->ctx, name);
	free(name);
	return v;
}

/*
 * Warns that the reference written as s (n bytes: "$NAME" or "${NAME}")
 * names a variable set nowhere, so it expands to "": the usual sign of a
 * '$' inside an unquoted password.
 */
static void
dotenv_warn_unset(struct dotenv_expand *ex, const char *s, size_t n)
{
	const struct dotenv_ops *ops = ex->dp->ops;
	char *shown, *msg;

	if (ops->warn == NULL)
		return;
	shown = dotenv_show(s, n, 0);
	xasprintf(&msg, "%s:%u: %s is not set; it expands to \"\"",
	    ex->dp->fname, ex->line, shown);
	ops->warn(ops->ctx, msg);
	free(msg);
	free(shown);
}

/* Appends the value of a reference to out, within the file's budget. */
static void
dotenv_append(struct dotenv_expand *ex, struct buf *out, const char *v)
{
	struct dotenv_parser *dp = ex->dp;
	size_t n;

	n = strlen(v);
	if (n > DOTENV_EXPAND_MAX - dp->expanded) {
		ex->failed = 1;
		if (!dp->toobig) {
			dp->toobig = 1;
			dotenv_error(dp, ex->line,
			    "expansions add more than %d bytes to this file",
			    DOTENV_EXPAND_MAX);
		}
		return;
	}
	dp->expanded += n;
	buf_add(out, v, n);
}

static void	dotenv_expand_range(struct dotenv_expand *, size_t, size_t, int,
		    struct buf *);

/*
 * Expands the text between "${" and "}" (s[a..b)) into out. Returns -1 when
 * it is not a reference, so the caller keeps the '$' literally.
 *
 * '-' is both a key character and an operator. The whole text is taken as
 * one key only when it is a valid key that is set; otherwise the name is
 * the longest run of [A-Za-z0-9_.] and must be followed by nothing or by
 * an operator (":-", "-", ":?", "?").
 */
static int
dotenv_reference(struct dotenv_expand *ex, size_t a, size_t b, int depth,
    struct buf *out)
{
	const char *s = ex->s, *v;
	char *msg;
	size_t n, op;
	int colon, unset;

	if (dotenv_valid_key_n(s + a, b - a) &&
	    (v = dotenv_lookup(ex, s + a, b - a)) != NULL) {
		dotenv_append(ex, out, v);
		return 0;
	}
	n = a;
	while (n < b && (dotenv_namechar((unsigned char)s[n]) || s[n] == '.'))
		n++;
	if (n == a)
		return -1;
	if (n == b) {
		if ((v = dotenv_lookup(ex, s + a, n - a)) != NULL)
			dotenv_append(ex, out, v);
		else
			dotenv_warn_unset(ex, s + a - 2, b - a + 3);
		return 0;
	}
	op = n;
	colon = s[op] == ':';
	if (colon)
		op++;
	if (op >= b || (s[op] != '-' && s[op] != '?'))
		return -1;

	v = dotenv_lookup(ex, s + a, n - a);
	unset = v == NULL || (colon && *v == '\0');
	if (!unset)
		dotenv_append(ex, out, v);
	else if (s[op] == '-') {
		if (depth < DOTENV_DEPTH_MAX)
			dotenv_expand_range(ex, op + 1, b, depth + 1, out);
		else if (!ex->toodeep) {
			ex->toodeep = 1;
			ex->failed = 1;
			msg = dotenv_show(ex->key, strlen(ex->key), 1);
			dotenv_error(ex->dp, ex->line,
			    "value of %s nests defaults more than %d deep", msg,
			    DOTENV_DEPTH_MAX);
			free(msg);
		}
	} else {
		/* The message is shown as written, not expanded. */
		ex->failed = 1;
		msg = dotenv_show(s + op + 1, b - op - 1, 0);
		dotenv_error(ex->dp, ex->line, "%.*s: %s", (int)(n - a), s + a,
		    *msg != '\0' ? msg : "is not set");
		free(msg);
	}
	return 0;
}

/* Appends the expansion of ex->s[from..to) to out. */
static void
dotenv_expand_range(struct dotenv_expand *ex, size_t from, size_t to,
    int depth, struct buf *out)
{
	const char *s = ex->s, *v;
	size_t i, j, rb;

	i = from;
	while (i < to) {
		if (s[i] == DOTENV_DOLLAR) {
			buf_addc(out, '$');
			i++;
			continue;
		}
		if (s[i] != '$' || i + 1 == to) {
			buf_addc(out, s[i]);
			i++;
			continue;
		}
		if (s[i + 1] == '{') {
			rb = ex->match[i + 1];
			if (rb < to &&
			    dotenv_reference(ex, i + 2, rb, depth, out) == 0) {
				i = rb + 1;
				continue;
			}
		} else if (dotenv_namechar((unsigned char)s[i + 1]) &&
		    !(s[i + 1] >= '0' && s[i + 1] <= '9')) {
			j = i + 1;
			while (j < to && dotenv_namechar((unsigned char)s[j]))
				j++;
			v = dotenv_lookup(ex, s + i + 1, j - i - 1);
			if (v != NULL)
				dotenv_append(ex, out, v);
			else
				dotenv_warn_unset(ex, s + i, j - i);
			i = j;
			continue;
		}
		/* A '$' that starts no reference, "$(" included, is kept. */
		buf_addc(out, '$');
		i++;
	}
}

/*
 * Expands the decoded value s (len bytes) of key into *value (allocated).
 * Returns 0, or -1 after a reported error (a ${NAME:?message} that fired,
 * or a limit): then nothing is set.
 */
static int
dotenv_expand_value(struct dotenv_parser *dp, const char *key, unsigned line,
    const char *s, size_t len, char **value)
{
	struct dotenv_expand ex;
	struct buf out = BUF_INIT;
	size_t *stack, top, i;

	memset(&ex, 0, sizeof ex);
	ex.dp = dp;
	ex.key = key;
	ex.line = line;
	ex.s = s;

	/*
	 * Pair every brace once up front (a stack pass), so finding the end
	 * of each "${" is constant time even in pathological values.
	 */
	if (len > 0) {
		ex.match = xreallocarray(NULL, len, sizeof *ex.match);
		stack = xreallocarray(NULL, len, sizeof *stack);
		top = 0;
		for (i = 0; i < len; i++) {
			ex.match[i] = SIZE_MAX;
			if (s[i] == '{')
				stack[top++] = i;
			else if (s[i] == '}' && top > 0)
				ex.match[stack[--top]] = i;
		}
		free(stack);
	}
	dotenv_expand_range(&ex, 0, len, 0, &out);
	free(ex.match);
	if (ex.failed) {
		buf_free(&out);
		return -1;
	}
	*value = buf_detach(&out);
	return 0;
}

/*
 * Decodes the character after a backslash in double quotes. Returns the
 * byte it stands for, or -1 when the sequence is kept as written.
 */
static int
dotenv_unescape(char c)
{
	switch (c) {
	case '\\':
	case '\'':
	case '"':
		return c;
	case 'a':
		return '\a';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'v':
		return '\v';
	case '$':
		return DOTENV_DOLLAR;
	}
	return -1;
}

/*
 * Reads a quoted value at the cursor (on its opening quote) and the rest of
 * its last line. Returns 0 with *value set, -1 after a reported error, or
 * -2 when the quote is never closed: it swallowed the rest of the file, so
 * nothing after it can be parsed.
 */
static int
dotenv_quoted(struct dotenv_parser *dp, const char *key, unsigned line,
    char **value)
{
	struct buf b = BUF_INIT;
	const char *eol, *q;
	char quote, c, *shown;
	unsigned open;
	int d, error = 0, nul = 0;

	quote = *dp->p++;
	open = dp->line;
	for (;;) {
		if (dp->p == dp->end) {
			shown = dotenv_show(key, strlen(key), 1);
			dotenv_error(dp, open,
			    "unterminated %s quote in value of %s",
			    quote == '"' ? "double" : "single", shown);
			free(shown);
			buf_free(&b);
			return -2;
		}
		c = *dp->p;
		if (c == quote) {
			dp->p++;
			break;
		}
		if (c == '\n' || c == '\r') {
			dotenv_newline(dp);
			buf_addc(&b, '\n');
			continue;
		}
		if (c == '\0' && !nul) {
			dotenv_error(dp, dp->line, "NUL byte");
			nul = 1;
		}
		dp->p++;
		if (c == '\\' && quote == '"' && dp->p < dp->end &&
		    (d = dotenv_unescape(*dp->p)) != -1) {
			buf_addc(&b, (char)d);
			dp->p++;
			continue;
		}
		buf_addc(&b, c);
	}

	/* After the closing quote only blanks and a comment may follow. */
	eol = dotenv_eol(dp, dp->p);
	q = dp->p;
	while (q < eol && dotenv_blank((unsigned char)*q))
		q++;
	if (eol > dp->p &&
	    memchr(dp->p, '\0', (size_t)(eol - dp->p)) != NULL) {
		if (!nul)
			dotenv_error(dp, dp->line, "NUL byte");
		nul = 1;
	} else if (q < eol && *q != '#') {
		dotenv_error_text(dp, dp->line,
		    "unexpected text after closing quote:", q,
		    (size_t)(dotenv_rtrim(q, eol) - q));
		error = 1;
	}
	dp->p = eol;
	dotenv_newline(dp);

	if (nul || error) {
		buf_free(&b);
		return -1;
	}
	if (quote == '\'') {
		*value = buf_detach(&b);
		return 0;
	}
	error = dotenv_expand_value(dp, key, line, b.data, b.len, value);
	buf_free(&b);
	return error;
}

/*
 * Reads the value after the separator (the cursor is just past it).
 * Returns as dotenv_quoted does.
 */
static int
dotenv_value(struct dotenv_parser *dp, const char *key, unsigned line,
    char **value)
{
	const char *start, *eol, *cut, *q;

	start = dp->p;
	while (dp->p < dp->end && dotenv_blank((unsigned char)*dp->p))
		dp->p++;
	if (dp->p < dp->end && (*dp->p == '\'' || *dp->p == '"'))
		return dotenv_quoted(dp, key, line, value);

	eol = dotenv_eol(dp, dp->p);
	if (eol > dp->p && memchr(dp->p, '\0', (size_t)(eol - dp->p)) != NULL) {
		dotenv_skip_line(dp);
		return -1;
	}
	/* '#' starts a comment only after a blank: a=b#c is "b#c". */
	cut = eol;
	for (q = start + 1; q < eol; q++) {
		if (*q == '#' && dotenv_blank((unsigned char)q[-1])) {
			cut = q;
			break;
		}
	}
	q = dp->p;
	cut = dotenv_rtrim(q, cut);
	dp->p = eol;
	dotenv_newline(dp);
	return dotenv_expand_value(dp, key, line, q, (size_t)(cut - q), value);
}

/*
 * Parses one assignment; the cursor is on its first non-blank byte.
 * Returns -1 when parsing must stop (an unterminated quote), else 0.
 */
static int
dotenv_assignment(struct dotenv_parser *dp)
{
	const struct dotenv_ops *ops = dp->ops;
	const char *ls, *eol, *ks, *ke, *sep, *q;
	unsigned line;
	char *key, *value = NULL;
	int bad = 0, exported = 0, error;

	ls = dp->p;
	line = dp->line;
	eol = dotenv_eol(dp, ls);

	/*
	 * "export" followed by blanks is a prefix, unless what follows is
	 * already the separator: then "export" is the key itself.
	 */
	ks = ls;
	if (eol - ls > 6 && memcmp(ls, "export", 6) == 0 &&
	    dotenv_blank((unsigned char)ls[6])) {
		q = ls + 6;
		while (q < eol && dotenv_blank((unsigned char)*q))
			q++;
		if (q < eol && *q != '=' && !dotenv_colon(q, eol)) {
			ks = q;
			exported = 1;
		}
	}

	for (sep = ks; sep < eol; sep++) {
		if (*sep == '=' || *sep == '\0' || dotenv_colon(sep, eol))
			break;
	}
	if (sep < eol && *sep == '\0') {
		dotenv_skip_line(dp);
		return 0;
	}
	if (sep == eol) {
		q = dotenv_rtrim(ls, eol);
		if (exported && dotenv_valid_key_n(ks, (size_t)(q - ks))) {
			dotenv_error_text(dp, line,
			    "missing value for exported key", ks,
			    (size_t)(q - ks));
		} else {
			dotenv_error_text(dp, line, "missing '=' in", ls,
			    (size_t)(q - ls));
		}
		dp->p = eol;
		dotenv_newline(dp);
		return 0;
	}

	ke = dotenv_rtrim(ks, sep);
	key = xstrndup(ks, (size_t)(ke - ks));
	if (ke == ks) {
		dotenv_error_text(dp, line, "missing key in", ls,
		    (size_t)(dotenv_rtrim(ls, eol) - ls));
		bad = 1;
	} else if (!dotenv_valid_key_n(ks, (size_t)(ke - ks))) {
		dotenv_error_text(dp, line, "invalid key", ks,
		    (size_t)(ke - ks));
		bad = 1;
	}

	/* Read the value even after a bad key, to find where it ends. */
	dp->p = sep + 1;
	error = dotenv_value(dp, key, line, &value);
	if (error == 0 && !bad)
		ops->assign(ops->ctx, key, value, line);
	free(value);
	free(key);
	return error == -2 ? -1 : 0;
}

/*
 * Parses buf (len bytes) named fname in messages, reporting assignments
 * through ops. Returns 0, or -1 with *cause allocated: every error found.
 */
int
dotenv_parse(const char *fname, const char *buf, size_t len,
    const struct dotenv_ops *ops, char **cause)
{
	struct dotenv_parser dp;

	memset(&dp, 0, sizeof dp);
	dp.fname = fname;
	dp.ops = ops;
	dp.line = 1;
	dp.p = buf;
	dp.end = len == 0 ? buf : buf + len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		dp.p += 3;

	while (dp.p < dp.end) {
		while (dp.p < dp.end && dotenv_blank((unsigned char)*dp.p))
			dp.p++;
		if (dp.p == dp.end)
			break;
		if (*dp.p == '\n' || *dp.p == '\r')
			dotenv_newline(&dp);
		else if (*dp.p == '#')
			dotenv_skip_line(&dp);
		else if (dotenv_assignment(&dp) != 0)
			break;
	}

	if (dp.nerrors == 0) {
		buf_free(&dp.errors);
		return 0;
	}
	if (cause != NULL)
		*cause = buf_detach(&dp.errors);
	else
		buf_free(&dp.errors);
	return -1;
}

/* Returns 1 for the characters a value may hold and still be written bare. */
static int
dotenv_safe(int c)
{
	return dotenv_namechar(c) ||
	    (c != '\0' && strchr("./:@%+,=-", c) != NULL);
}

/*
 * Appends value to b in .env syntax such that dotenv_parse reads it back
 * identically: bare when it holds only safe characters, otherwise double
 * quoted with \\ \" \$ \n \r escaped. Everything else (tabs, quotes, '#',
 * UTF-8) is literal inside double quotes, and CR must be escaped because
 * the parser turns a raw CR into LF.
 */
void
dotenv_quote(struct buf *b, const char *value)
{
	const char *p;
	int bare;

	bare = *value != '\0';
	for (p = value; bare && *p != '\0'; p++) {
		if (!dotenv_safe((unsigned char)*p))
			bare = 0;
	}
	if (bare) {
		buf_adds(b, value);
		return;
	}
	buf_addc(b, '"');
	for (p = value; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '$':
			buf_adds(b, "\\$");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		default:
			buf_addc(b, *p);
			break;
		}
	}
	buf_addc(b, '"');
}
