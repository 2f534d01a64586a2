/*
 * procfile.c: the Procfile parser (SPEC section 2).
 *
 * A Procfile is read line by line with foreman's rule,
 * ^([A-Za-z0-9_-]+):[ \t]*(.+)$. Every bad line is reported, not only the
 * first, so that "tfrun check" can list them all; one line yields at most
 * one error, the first thing wrong with it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "procfile.h"
#include "xmalloc.h"

/* How many bytes of a bad line or name a message quotes before "...". */
#define PROCFILE_QUOTE_MAX 64

/* The state of one procfile_parse call. */
struct procfile_parser {
	const char *fname;	/* not owned; the name used in messages */
	struct procfile *pf;	/* not owned; entries are added here */
	size_t cap;		/* allocated length of pf->entries */

	/*
	 * An open-addressing hash of the names in pf->entries, so that a
	 * large file costs linear time to check for duplicates. A slot holds
	 * an entry index plus one, or 0 when free. Owned.
	 */
	size_t *slots;
	size_t nslots;		/* zero or a power of two */

	struct buf errors;	/* every message so far, joined with '\n' */
};

/* Tells whether c is a blank in the Procfile grammar ([ \t]). */
static int
procfile_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Tells whether c may appear in a process type name. */
static int
procfile_is_name_char(char c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-');
}

/* Appends n bytes of s quoted for a message. */
static void
procfile_quote(struct buf *b, const char *s, size_t n)
{
	buf_add_quoted(b, s, n, PROCFILE_QUOTE_MAX);
}

/*
 * Starts a new message for line lineno (0 for one about the whole file) and
 * returns the buffer the caller appends the rest of the message to.
 */
static struct buf *
procfile_error(struct procfile_parser *p, unsigned lineno)
{
	if (p->errors.len != 0)
		buf_addc(&p->errors, '\n');
	if (lineno != 0)
		buf_printf(&p->errors, "%s:%u: ", p->fname, lineno);
	else
		buf_printf(&p->errors, "%s: ", p->fname);
	return &p->errors;
}

/* Hashes n bytes with FNV-1a. */
static size_t
procfile_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/*
 * Returns the slot where name (n bytes) is, or where it would go. The table
 * is never full, so the probe always ends.
 */
static size_t
procfile_slot(const struct procfile_parser *p, const char *name, size_t n)
{
	const struct procfile_entry *e;
	size_t i, mask;

	mask = p->nslots - 1;
	i = procfile_hash(name, n) & mask;
	while (p->slots[i] != 0) {
		e = &p->pf->entries[p->slots[i] - 1];
		if (strlen(e->name) == n && memcmp(e->name, name, n) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Doubles the hash table (or creates it) and reinserts every entry. */
static void
procfile_grow(struct procfile_parser *p)
{
	const struct procfile_entry *e;
	size_t i, slot;

	free(p->slots);
	p->nslots = p->nslots == 0 ? 16 : p->nslots * 2;
	p->slots = xcalloc(p->nslots, sizeof *p->slots);
	for (i = 0; i < p->pf->n; i++) {
		e = &p->pf->entries[i];
		slot = procfile_slot(p, e->name, strlen(e->name));
		p->slots[slot] = i + 1;
	}
}

/*
 * Adds an entry. command may be NULL for a line whose name is valid but
 * whose command is missing: the entry then exists only so that a later
 * line with the same name is reported as a duplicate; the parse fails
 * anyway and every entry is thrown away.
 */
static void
procfile_add(struct procfile_parser *p, const char *name, size_t namelen,
    const char *command, size_t cmdlen, unsigned lineno)
{
	struct procfile *pf = p->pf;
	struct procfile_entry *e;
	size_t slot;

	/* Keep the table at most half full. */
	if ((pf->n + 1) * 2 > p->nslots)
		procfile_grow(p);
	if (pf->n == p->cap) {
		p->cap = p->cap == 0 ? 8 : p->cap * 2;
		pf->entries = xreallocarray(pf->entries, p->cap,
		    sizeof *pf->entries);
	}
	e = &pf->entries[pf->n];
	e->name = xstrndup(name, namelen);
	e->command = command != NULL ? xstrndup(command, cmdlen) : NULL;
	e->line = lineno;
	slot = procfile_slot(p, name, namelen);
	p->slots[slot] = ++pf->n;
}

/* Parses one line (n bytes, without its line ending). */
static void
procfile_line(struct procfile_parser *p, unsigned lineno, const char *s,
    size_t n)
{
	const struct procfile_entry *first;
	const char *colon, *cmd;
	struct buf *b;
	size_t i, j, namelen, cmdlen, slot;

	/* A NUL would silently cut the name or command short. */
	if (memchr(s, '\0', n) != NULL) {
		b = procfile_error(p, lineno);
		buf_adds(b, "NUL byte in line");
		return;
	}

	for (i = 0; i < n && procfile_is_blank(s[i]); i++)
		/* nothing */;
	if (i == n || s[i] == '#')
		return;
	if (i != 0) {
		b = procfile_error(p, lineno);
		buf_adds(b, "leading whitespace before ");
		procfile_quote(b, s + i, n - i);
		return;
	}

	if ((colon = memchr(s, ':', n)) == NULL) {
		b = procfile_error(p, lineno);
		buf_adds(b, "no ':' in ");
		procfile_quote(b, s, n);
		buf_adds(b, " (expected TYPE: COMMAND)");
		return;
	}
	namelen = colon - s;
	if (namelen == 0) {
		b = procfile_error(p, lineno);
		buf_adds(b, "empty process type name in ");
		procfile_quote(b, s, n);
		return;
	}
	for (i = 0; i < namelen && procfile_is_name_char(s[i]); i++)
		/* nothing */;
	if (i != namelen) {
		/* A valid name followed only by blanks is "web : x". */
		for (j = i; j < namelen && procfile_is_blank(s[j]); j++)
			/* nothing */;
		b = procfile_error(p, lineno);
		if (j == namelen) {
			buf_adds(b, "whitespace between process type ");
			procfile_quote(b, s, i);
			buf_adds(b, " and ':'");
		} else {
			buf_adds(b, "invalid character ");
			procfile_quote(b, s + i, 1);
			buf_adds(b, " in process type name ");
			procfile_quote(b, s, namelen);
			buf_adds(b, " (allowed: A-Z a-z 0-9 _ -)");
		}
		return;
	}
	if (namelen > PROCFILE_NAME_MAX) {
		b = procfile_error(p, lineno);
		buf_adds(b, "process type name ");
		procfile_quote(b, s, namelen);
		buf_printf(b, " is longer than %d characters",
		    PROCFILE_NAME_MAX);
		return;
	}

	if (p->nslots != 0) {
		slot = procfile_slot(p, s, namelen);
		if (p->slots[slot] != 0) {
			first = &p->pf->entries[p->slots[slot] - 1];
			b = procfile_error(p, lineno);
			buf_printf(b, "duplicate process type '%s' (first "
			    "defined on line %u)", first->name, first->line);
			return;
		}
	}

	/* The command is kept as written, trailing blanks included. */
	cmd = colon + 1;
	cmdlen = n - namelen - 1;
	while (cmdlen > 0 && procfile_is_blank(*cmd)) {
		cmd++;
		cmdlen--;
	}
	if (cmdlen == 0) {
		b = procfile_error(p, lineno);
		buf_adds(b, "empty command for process type ");
		procfile_quote(b, s, namelen);
		procfile_add(p, s, namelen, NULL, 0, lineno);
		return;
	}
	procfile_add(p, s, namelen, cmd, cmdlen, lineno);
}

/* Parses a whole Procfile buffer; see procfile.h. */
int
procfile_parse(const char *fname, const char *buf, size_t len,
    struct procfile *pf, char **cause)
{
	struct procfile_parser p;
	const char *s, *end, *nl, *next;
	size_t n;
	unsigned lineno;

	memset(pf, 0, sizeof *pf);
	memset(&p, 0, sizeof p);
	p.fname = fname != NULL ? fname : "Procfile";
	p.pf = pf;

	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	s = buf;
	end = buf + len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		s += 3;

	/*
	 * Lines end at LF. A CR just before the LF (or at the very end) is
	 * part of the line ending, so CRLF files and a last line ending in a
	 * lone CR read the same as LF files.
	 */
	lineno = 0;
	while (s < end) {
		lineno++;
		nl = memchr(s, '\n', end - s);
		next = nl != NULL ? nl + 1 : end;
		n = (nl != NULL ? nl : end) - s;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		procfile_line(&p, lineno, s, n);
		s = next;
	}

	if (p.errors.len == 0 && pf->n == 0)
		buf_adds(procfile_error(&p, 0), "no process types defined");
	free(p.slots);
	if (p.errors.len != 0) {
		procfile_free(pf);
		*cause = buf_detach(&p.errors);
		return -1;
	}
	return 0;
}

/* Frees what pf owns and leaves it empty; see procfile.h. */
void
procfile_free(struct procfile *pf)
{
	size_t i;

	for (i = 0; i < pf->n; i++) {
		free(pf->entries[i].name);
		free(pf->entries[i].command);
	}
	free(pf->entries);
	pf->entries = NULL;
	pf->n = 0;
}

/* Tells whether s (n bytes) is a valid type name; see procfile.h. */
int
procfile_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > PROCFILE_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!procfile_is_name_char(s[i]))
			return 0;
	}
	return 1;
}

/* Tells whether s is TYPE or TYPE.N; see procfile.h. */
int
procfile_valid_instance(const char *s)
{
	const char *dot = strrchr(s, '.');

	if (dot == NULL)
		return procfile_valid_name(s, strlen(s));
	return procfile_valid_name(s, (size_t)(dot - s)) && dot[1] >= '1' &&
	    dot[1] <= '9' && strlen(dot + 1) <= 5 &&
	    strspn(dot + 1, "0123456789") == strlen(dot + 1);
}

/* Returns the index of the entry named name, or -1; see procfile.h. */
int
procfile_find(const struct procfile *pf, const char *name)
{
	size_t i;

	if (pf == NULL || name == NULL)
		return -1;
	for (i = 0; i < pf->n; i++) {
		if (strcmp(pf->entries[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}
