/*
 * config.c: tfrun's settings (SPEC section 8): the one table of settings,
 * the value kinds, tfrun.ini through inih, the TFRUN_* variables, and the
 * stacking of layers. The code knows kinds, never individual settings.
 *
 * tfrun.ini reaches inih through a reader that hands it one line per call
 * and counts them, so the handler knows its line (this inih is built
 * without INI_HANDLER_LINENO). The reader does only what inih cannot do
 * for a user: it refuses over-long lines and NUL bytes (inih would split
 * or cut them), and reads [section] lines itself, as inih cuts section
 * names to 49 bytes and a [process.TYPE] may be 71. Whether a line was a
 * pair or a continuation is seen from inih's calls, not predicted.
 */
#include <ctype.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "buf.h"
#include "cli.h"
#include "compat.h"
#include "config.h"
#include "probe.h"
#include "procfile.h"
#include "sig.h"
#include "xmalloc.h"

#define CONFIG_TIMEOUT_MAX_MS 86400000ULL
#define CONFIG_QUOTE_MAX 128
#define CONFIG_SPACE " \t\n\v\f\r"

/*
 * The commands that load the app, the client commands, and one. Clients
 * take what says where the app and its socket are (-d, -f, --config,
 * --socket), as their variables do; logs keeps -f for --follow.
 */
#define APP (CMD(START) | CMD(RUN) | CMD(CHECK) | CMD(ENV) | CMD(EXPORT))
#define CTL (CMD(PS) | CMD(SCALE) | CMD(RESTART) | CMD(STOP) | CMD(SIGNAL) | \
    CMD(LOGS) | CMD(WAIT) | CMD(ATTACH) | CMD(QUIT))
#define CMD(c) CONFIG_CMD(CLI_##c)
#define K(k) CONFIG_K_##k
/* A setting of struct config: its variable, bit and field (and per type). */
#define G(b, f) "TFRUN_" #b, CONFIG_##b, 0, offsetof(struct config, f), 0
#define GT(b, f) "TFRUN_" #b, CONFIG_##b, CONFIG_TYPE_##b, \
    offsetof(struct config, f), offsetof(struct config_type, f)
/* A key of [process.TYPE] only. */
#define TYPE(key, k, b, f) { NULL, NULL, NULL, NULL, NULL, key, K(k), NULL, \
    0, CONFIG_TYPE_##b, 0, offsetof(struct config_type, f), 0, NULL, NULL }
/* An option of one command, kept in struct cli. */
#define OPT(fl, le, arg, k, f, cmds, help) { fl, le, NULL, arg, NULL, NULL, \
    K(k), NULL, 0, 0, offsetof(struct cli, f), 0, cmds, NULL, help }

/*
 * The settings. Columns: flags, letters, negs, flag argument, [tfrun]
 * key, [process.TYPE] key, kind, variable, bits and offsets, commands,
 * default, help. Adding a setting is adding a row (and its field): the
 * parsers, `tfrun help` and tests/unit/test_settings.c (every row in the
 * man page, reachable by flag, variable and key) follow.
 */
const struct config_setting config_settings[] = {
	{ "procfile", "f", NULL, "FILE", "procfile", NULL, K(STRING),
	    G(PROCFILE, procfile), APP | (CTL & ~CMD(LOGS)), NULL,
	    "the Procfile (default: Procfile in the root)" },
	{ "root", "d", NULL, "DIR", NULL, NULL, K(STRING), G(ROOT, root),
	    APP | CTL, NULL, "app root (default: the Procfile's directory)" },
	{ "env", "e", NULL, "FILE[,FILE]", "env", NULL, K(FILES), G(ENV, env),
	    APP, NULL, "env files, later win; repeatable (default: .env)" },
	{ "env-override", "", "no-env-override", NULL, "env_override", NULL,
	    K(BOOL), G(ENV_OVERRIDE, env_override), APP, "true", "env files "
	    "beat the real environment (default)|the real environment beats "
	    "env files" },
	{ "formation|concurrency", "mc", NULL, "SPEC", "formation|concurrency",
	    NULL, K(STRING), G(FORMATION, formation), CMD(START) | CMD(CHECK) |
	    CMD(EXPORT), NULL, "all=N,TYPE=N,... (default: all=1)" },
	{ "port", "p", NULL, "N", "port", NULL, K(PORT), G(PORT, port), APP,
	    NULL, "base port (default: env's PORT, else 5000)" },
	{ "port-step", "", NULL, "N", "port_step", NULL, K(PORT_STEP),
	    G(PORT_STEP, port_step), APP & ~CMD(RUN), "100",
	    "port distance between types (default: 100)" },
	{ "timeout", "t", NULL, "SECONDS", "timeout", "timeout", K(SECONDS),
	    GT(TIMEOUT, timeout_ms), CMD(START) | CMD(EXPORT), "5",
	    "grace before SIGKILL, decimals ok (default: 5)" },
	{ "color", "", "no-color|no-colour", "[WHEN]", "color", NULL, K(COLOR),
	    G(COLOR, color), CMD(START), "auto", "auto, always, never; bare: "
	    "always (default: auto)|the same as --color never" },
	{ "no-timestamp", "", "timestamp", NULL, "no_timestamp", NULL, K(BOOL),
	    G(NO_TIMESTAMP, no_timestamp), CMD(START), "false", "no time in "
	    "the log prefix|the time in the log prefix (default)" },
	{ "no-prefix", "", NULL, NULL, "no_prefix", NULL, K(BOOL),
	    G(NO_PREFIX, no_prefix), CMD(START), "false",
	    "bare output lines, no prefix (default: prefixed)" },
	{ "log-format", "", NULL, "FMT", "log_format", NULL, K(LOG_FORMAT),
	    G(LOG_FORMAT, log_format), CMD(START), "text",
	    "text or json (default: text)" },
	{ "restart", "", NULL, "POLICY", "restart", "restart", K(RESTART),
	    GT(RESTART, restart), CMD(START) | CMD(EXPORT), "never",
	    "never, on-failure or always (default: never)" },
	{ "can-die", "", NULL, "TYPE[,TYPE]", "can_die", NULL, K(TYPES),
	    G(CAN_DIE, can_die), CMD(START) | CMD(CHECK) | CMD(EXPORT), "",
	    "may exit alone; repeatable (default: none)" },
	{ "quiet", "q", NULL, "TYPE[,TYPE]", "quiet", NULL, K(TYPES),
	    G(QUIET, quiet), CMD(START) | CMD(CHECK), NULL,
	    "do not log their output (default: none)" },
	{ "tty", "", NULL, "WHEN", "tty", "tty", K(TTY), GT(TTY, tty),
	    CMD(START), "auto", "ptys: auto, always or never (default: auto)" },
	{ "stdin", "", NULL, "NAME", NULL, NULL, K(INSTANCE),
	    G(STDIN, stdin_name), CMD(START), NULL,
	    "the instance the terminal's input goes to" },
	{ "isolate", "", NULL, NULL, "isolate", NULL, K(BOOL),
	    G(ISOLATE, isolate), CMD(START), "false",
	    "run in a PID namespace (default: off)" },
	{ "daemon", "D", NULL, NULL, NULL, NULL, K(BOOL), NULL, CONFIG_DAEMON,
	    0, offsetof(struct config, daemon), 0, CMD(START), "false",
	    "detach once started; log to --log-file" },
	{ "log-file", "", NULL, "FILE", "log_file", NULL, K(STRING),
	    G(LOG_FILE, log_file), CMD(START), NULL,
	    "the log with -D (default: .tfrun.log in root)" },
	{ "config", "", NULL, "FILE", NULL, NULL, K(STRING), G(CONFIG, config),
	    APP | CTL, NULL, "tfrun's INI file (default: tfrun.ini in root)" },
	{ "socket", "", NULL, "PATH", "socket", NULL, K(STRING),
	    G(SOCKET, socket), CMD(START) | CTL, NULL,
	    "control socket (default: .tfrun.sock in root)" },
	TYPE("stop_signal", SIGNAL, STOP_SIGNAL, stop_signal),
	TYPE("can_die", BOOL, CAN_DIE, can_die),
	TYPE("stdin", BOOL, STDIN, stdin_wanted),
	TYPE("ready", PROBE, READY, ready),
	TYPE("ready_interval", INTERVAL, READY_INTERVAL, ready_interval_ms),
	TYPE("ready_timeout", SECONDS, READY_TIMEOUT, ready_timeout_ms),
	TYPE("after", AFTER, AFTER, after),
	TYPE("oneshot", BOOL, ONESHOT, oneshot),
	OPT("with", "", "TYPE[,TYPE]", TYPES, with, CMD(RUN),
	    "start these types first, wait until ready"),
	OPT("app", "", "NAME", STRING, app, CMD(EXPORT),
	    "app name (default: the root's directory name)"),
	OPT("user", "", "USER", STRING, user, CMD(EXPORT),
	    "user to run as (default: none written)"),
	OPT("image", "", "IMAGE", STRING, image, CMD(EXPORT),
	    "container image (required for kubernetes)"),
	OPT("force", "", NULL, BOOL, force, CMD(EXPORT),
	    "replace files, remove ones no longer exported"),
	OPT("json", "", NULL, BOOL, json, CMD(PS),
	    "print one JSON array (default: a table)"),
	OPT("lines", "n", "N", LINES, lines, CMD(LOGS),
	    "how many lines (default: 100)"),
	OPT("follow", "f", NULL, BOOL, follow, CMD(LOGS),
	    "go on until ^C or until tfrun exits"),
	OPT("timeout", "", "SECONDS", SECONDS, wait_timeout_ms, CMD(WAIT),
	    "how long to wait (default: no limit)"),
	OPT("help", "h", NULL, BOOL, help, ~0u, "show this help"),
	OPT("version", "V", NULL, BOOL, version, ~0u, "print tfrun's version")
};
const size_t config_nsettings = nitems(config_settings);
#define END (config_settings + nitems(config_settings))

/* Lists are a pointer and then a count, whatever the struct. */
#define LISTED(s, f) \
    (offsetof(struct s, n##f) == offsetof(struct s, f) + sizeof(char **))
_Static_assert(LISTED(config, env) && LISTED(config, can_die) &&
    LISTED(config, quiet) && LISTED(cli, with), "list layout");
_Static_assert(sizeof(enum config_color) == sizeof(int) &&
    sizeof(enum config_restart) == sizeof(int), "enums are ints");

/*
 * What each kind accepts, and what is said of a value it refuses. The
 * words of a boolean are true (the first four) or false, in any case.
 */
static const struct {
	const char *words[9];	/* the values of a word kind, in order */
	const char *what;
} config_kinds[K(TYPES) + 1] = {
	[K(BOOL)] = { { "true", "yes", "on", "1", "false", "no", "off", "0" },
	    "is not a boolean (true/false, yes/no, on/off, 1/0)" },
	[K(COLOR)] = { { "auto", "always", "never" },
	    "must be auto, always or never" },
	[K(TTY)] = { { "auto", "always", "never" },
	    "must be auto, always or never" },
	[K(LOG_FORMAT)] = { { "text", "json" }, "must be text or json" },
	[K(RESTART)] = { { "never", "on-failure", "always" },
	    "must be never, on-failure or always" },
	[K(SIGNAL)] = { .what = "is not a signal" },
	[K(PORT)] = { .what = "is not a port number (1-65535)" },
	[K(PORT_STEP)] = { .what = "is not a port step (1-65535)" },
	[K(LINES)] = { .what = "is not a number of lines" },
	[K(SECONDS)] = { .what = "is not a number of seconds" },
	[K(INTERVAL)] = { .what = "is not a number of seconds" },
	[K(INSTANCE)] = { .what = "is not an instance name (TYPE or TYPE.N)" }
};

/* The state of one config_parse_ini call, shared by reader and handler. */
struct config_ini {
	const char *fname, *buf; /* buf: the whole text, borrowed */
	size_t len, off;	/* off: start of the next line */
	unsigned lineno;	/* the line last given to inih */
	unsigned unread;	/* a line inih did not pass to the handler */
	unsigned first_error;	/* the first syntax error, as inih counts */
	int indented, prev_name; /* a continuation, by inih's rule */
	struct config *c;
	enum { IN_NONE, IN_TFRUN, IN_TYPE, IN_BAD } section;
	size_t type;		/* c->types index for IN_TYPE */
	const struct config_setting *key; /* the key an indented line
				   continues, or NULL */
	char *keyname;		/* owned, escaped */
	unsigned key_line;
	size_t comma, comma_end; /* the error of a list line ending in ',',
				   taken back if a continuation follows */
	struct buf errors;	/* "FNAME:LINE: ...\n" lines */
};

/* Returns the field bit's index in origin[]. */
unsigned
config_field_index(unsigned field)
{
	return field != 0 ? (unsigned)ffs((int)field) - 1 : 0;
}

/* Returns the name of value v of an enum kind. */
const char *
config_word(enum config_kind kind, int v)
{
	return config_kinds[kind].words[v];
}

/* Returns the i-th '|'-separated spelling of list (owned), or NULL. */
char *
config_spelling(const char *list, size_t i)
{
	for (; list != NULL && i > 0; i--)
		list = strchr(list, '|') != NULL ? strchr(list, '|') + 1 : NULL;
	return list != NULL ? xstrndup(list, strcspn(list, "|")) : NULL;
}

/* Returns which spelling of list name (len bytes) is, or -1. */
int
config_match(const char *list, const char *name, size_t len)
{
	int i;

	for (i = 0; list != NULL; i++) {
		if (strcspn(list, "|") == len && strncmp(list, name, len) == 0)
			return i;
		list = strchr(list, '|') != NULL ? strchr(list, '|') + 1 : NULL;
	}
	return -1;
}

/* Returns an owned copy of s escaped for a message (buf.h). */
static char *
config_printable(const char *s)
{
	struct buf b = BUF_INIT;

	buf_add_escaped(&b, s, strlen(s), CONFIG_QUOTE_MAX);
	return buf_detach(&b);
}

/* Sets *why (when why is not NULL) to "'S' WHAT"; returns -1. */
static int
config_why(char **why, const char *s, size_t n, const char *what)
{
	struct buf b = BUF_INIT;

	if (why == NULL)
		return -1;
	buf_add_quoted(&b, s, n, CONFIG_QUOTE_MAX);
	buf_printf(&b, " %s", what);
	*why = buf_detach(&b);
	return -1;
}

/*
 * Parses seconds ("5", "2.5", ".5", "1.") into milliseconds, rounded up.
 * Returns 0, -1 for another form, or -2 past 86400 (or for 0 if positive).
 */
static int
config_parse_seconds(const char *s, int positive, uint64_t *ms)
{
	size_t w = strspn(s, "0123456789"), i, f;
	uint64_t v = 0;

	f = s[w] == '.' ? strspn(s + w + 1, "0123456789") : 0;
	if (w + f == 0 || s[w + (s[w] == '.') + f] != '\0')
		return -1;
	/* Whole digits, then three decimals; past the maximum none matter. */
	for (i = 0; i < w + 3 && v <= CONFIG_TIMEOUT_MAX_MS; i++)
		v = v * 10 + (i < w ? (uint64_t)(s[i] - '0') : i - w < f ?
		    (uint64_t)(s[i + 1] - '0') : 0);
	v += f > 3 && strspn(s + w + 4, "0") < f - 3;
	if (v > CONFIG_TIMEOUT_MAX_MS || (positive && v == 0))
		return -2;
	*ms = v;
	return 0;
}

/* Parses a value of a kind without lists; see config.h. */
int
config_parse_value(enum config_kind kind, const char *s, void *out,
    char **why)
{
	const char *const *w = config_kinds[kind].words;
	struct probe_after *after;
	struct probe probe;
	size_t i, n = strlen(s);
	long v;
	int rc = -1;

	for (i = 0; w[i] != NULL && (kind == K(BOOL) ? strcasecmp(s, w[i]) :
	    strcmp(s, w[i])) != 0; i++)
		;
	if (w[i] != NULL) {
		*(int *)out = kind == K(BOOL) ? (i < 4) : (int)i;
		rc = 0;
	} else if (kind >= K(PORT) && kind <= K(LINES)) {
		v = n > 0 && n <= 9 && strspn(s, "0123456789") == n ?
		    strtol(s, NULL, 10) : -1;
		if ((rc = v >= (kind != K(LINES)) && (v <= 65535 ||
		    kind == K(LINES)) ? 0 : -1) == 0)
			*(long *)out = v;
	} else if ((kind == K(SECONDS) || kind == K(INTERVAL)) &&
	    (rc = config_parse_seconds(s, kind == K(INTERVAL), out)) == -2)
		return config_why(why, s, n, kind == K(SECONDS) ?
		    "is more than 86400 seconds" :
		    "is not from 0.001 to 86400 seconds");
	else if (kind == K(SIGNAL))
		rc = sig_parse(s, out);
	else if (kind == K(INSTANCE))
		rc = procfile_valid_instance(s) ? 0 : -1;
	else if (kind == K(STRING) && (rc = *s != '\0' ? 0 : -1) != 0 &&
	    why != NULL)
		*why = xstrdup("empty value");
	else if (kind == K(PROBE) && (rc = probe_parse(s, &probe, why)) == 0)
		probe_free(&probe);
	else if (kind == K(AFTER) && (rc = probe_after_parse(s, &after, &i,
	    why)) == 0)
		probe_after_free(after, i);
	/* Strings and probes say themselves what is wrong. */
	if (rc != 0)
		return config_kinds[kind].what == NULL ? -1 :
		    config_why(why, s, n, config_kinds[kind].what);
	if (kind >= K(STRING)) {
		free(*(char **)out);
		*(char **)out = xstrdup(s);
	}
	return 0;
}

/* Frees the value of kind at dst, then deep-copies src's (none if NULL). */
void
config_copy(enum config_kind kind, void *dst, const void *src)
{
	char ***v = dst, **const *from = src;
	size_t *n = (size_t *)(v + 1), i;

	if (kind >= K(FILES)) {
		for (i = 0; i < *n; i++)
			free((*v)[i]);
		free(*v);
		*n = src != NULL ? *(const size_t *)(from + 1) : 0;
		*v = *n > 0 ? xreallocarray(NULL, *n, sizeof **v) : NULL;
		for (i = 0; i < *n; i++)
			(*v)[i] = xstrdup((*from)[i]);
	} else if (kind >= K(STRING)) {
		free(*(char **)dst);
		*(char **)dst = src != NULL && *(char *const *)src != NULL ?
		    xstrdup(*(char *const *)src) : NULL;
	} else if (src != NULL)
		memcpy(dst, src, kind >= K(SECONDS) ? sizeof(uint64_t) :
		    kind >= K(PORT) ? sizeof(long) : sizeof(int));
}

/*
 * Adds the trimmed items of a comma list (type names for CONFIG_K_TYPES)
 * to the list at p, emptied first unless append. The first pass only
 * checks, so that a bad list changes nothing.
 */
static int
config_set_list(enum config_kind kind, const char *s, void *p, int append,
    char **why)
{
	char ***v = p;
	size_t *n = (size_t *)(v + 1);
	const char *q, *a, *z;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && !append)
			config_copy(kind, p, NULL);
		q = s;
		do {
			a = q + strspn(q, " \t");
			q += strcspn(q, ",");
			for (z = q; z > a && strchr(" \t", z[-1]) != NULL; z--)
				;
			if (a == z)
				return config_why(why, s, strlen(s),
				    "has an empty item");
			if (kind == K(TYPES) && !procfile_valid_name(a,
			    (size_t)(z - a)))
				return config_why(why, a, (size_t)(z - a),
				    "is not a valid process type name");
			if (pass == 1) {
				*v = xreallocarray(*v, *n + 1, sizeof **v);
				(*v)[(*n)++] = xstrndup(a, (size_t)(z - a));
			}
		} while (*q++ == ',');
	}
	return 0;
}

/* Marks field as set in c, coming from origin. */
static void
config_mark(struct config *c, unsigned field, const char *origin)
{
	unsigned k = config_field_index(field);

	free(c->origin[k]);
	c->origin[k] = xstrdup(origin);
	c->set |= field;
}

/* Stores value as setting s; see config.h. */
int
config_set(void *base, const struct config_setting *s, int type,
    const char *value, const char *origin, int append, char **why)
{
	char *p = (char *)base + (type ? s->toff : s->off);

	if ((s->kind >= K(FILES) ? config_set_list(s->kind, value, p, append,
	    why) : config_parse_value(s->kind, value, p, why)) != 0)
		return -1;
	if (type)
		((struct config_type *)base)->set |= s->tfield;
	else if (s->field != 0)
		config_mark(base, s->field, origin);
	return 0;
}

/* Makes c an empty layer. */
void
config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
}

/* Frees what c owns and leaves it empty. */
void
config_free(struct config *c)
{
	const struct config_setting *s;
	size_t i;

	for (i = 0; i < nitems(c->origin); i++)
		free(c->origin[i]);
	for (s = config_settings; s < END; s++) {
		if (s->field != 0)
			config_copy(s->kind, (char *)c + s->off, NULL);
		for (i = 0; s->tfield != 0 && i < c->ntypes; i++)
			config_copy(s->kind, (char *)&c->types[i] + s->toff,
			    NULL);
	}
	for (i = 0; i < c->ntypes; i++)
		free(c->types[i].name);
	free(c->types);
	config_init(c);
}

/* Makes c the defaults (not freeing it); an empty one is an empty list. */
void
config_defaults(struct config *c)
{
	const struct config_setting *s;

	config_init(c);
	for (s = config_settings; s < END; s++) {
		if (s->def == NULL || s->field == 0)
			continue;
		if (*s->def != '\0' && config_set(c, s, 0, s->def, "default", 0,
		    NULL) != 0)
			abort();
		config_mark(c, s->field, "default");
	}
}

/* Records an error about line in the INI file. */
static void printflike(3, 4)
config_ini_error(struct config_ini *ci, unsigned line, const char *fmt, ...)
{
	va_list ap;

	buf_printf(&ci->errors, "%s:%u: ", ci->fname, line);
	va_start(ap, fmt);
	buf_vprintf(&ci->errors, fmt, ap);
	va_end(ap);
	buf_addc(&ci->errors, '\n');
}

/* Returns c's [process.TYPE] entry for type, adding it if missing. */
static size_t
config_type_add(struct config *c, const char *type, unsigned line)
{
	const struct config_type *t = config_type_find(c, type);

	if (t != NULL)
		return (size_t)(t - c->types);
	c->types = xreallocarray(c->types, c->ntypes + 1, sizeof *c->types);
	memset(&c->types[c->ntypes], 0, sizeof *c->types);
	c->types[c->ntypes].name = xstrdup(type);
	c->types[c->ntypes].line = line;
	return c->ntypes++;
}

/*
 * Gives inih the next line, fgets-style, and checks the one before: a
 * line that inih neither passed to the handler nor could skip as a
 * comment was a syntax error. A [section] line is read here and handed on
 * as "[s]", which only resets inih's key; a line with a NUL byte or too
 * long for inih's buffer is reported and handed on as a blank line.
 */
static char *
config_ini_reader(char *str, int num, void *stream)
{
	struct config_ini *ci = stream;
	const char *p = ci->buf + ci->off, *nl;
	char *s, *end, *v;
	size_t n;

	if (ci->unread != 0) {
		config_ini_error(ci, ci->unread,
		    "expected KEY = VALUE, [SECTION] or a comment");
		if (ci->first_error == 0)
			ci->first_error = ci->unread;
		ci->unread = 0;
	}
	if (ci->off >= ci->len || num < 6)
		return NULL;
	nl = memchr(p, '\n', ci->len - ci->off);
	n = nl != NULL ? (size_t)(nl - p) : ci->len - ci->off;
	ci->off += n + (nl != NULL);
	ci->lineno++;
	strcpy(str, "\n");
	if (memchr(p, '\0', n) != NULL)
		config_ini_error(ci, ci->lineno, "NUL byte in line");
	else if (n > (size_t)num - 2)
		config_ini_error(ci, ci->lineno, "line longer than %d bytes",
		    num - 2);
	if (memchr(p, '\0', n) != NULL || n > (size_t)num - 2)
		return str;
	memcpy(str, p, n);
	memcpy(str + n, "\n", 2);
	ci->indented = isspace((unsigned char)str[0]);
	s = str + (ci->lineno == 1 && strncmp(str, "\xef\xbb\xbf", 3) == 0 ?
	    3 : 0);
	s += strspn(s, CONFIG_SPACE);
	if (*s != '[') {
		if (*s != '\0' && *s != ';' && *s != '#')
			ci->unread = ci->lineno;
		return str;
	}
	ci->comma_end = 0;
	if ((end = strchr(s, ']')) == NULL) {
		config_ini_error(ci, ci->lineno, "section header without ']'");
		return strcpy(str, "\n");
	}
	ci->section = IN_BAD;
	ci->prev_name = 0;
	v = end + 1 + strspn(end + 1, CONFIG_SPACE);
	if (*v != '\0' && *v != ';' && *v != '#')
		config_ini_error(ci, ci->lineno, "unexpected text after ']'");
	for (s += 1 + strspn(s + 1, CONFIG_SPACE); end > s &&
	    isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	v = config_printable(s);
	if (strcmp(s, "tfrun") == 0)
		ci->section = IN_TFRUN;
	else if (strncmp(s, "process.", 8) != 0)
		config_ini_error(ci, ci->lineno, "unknown section [%s] "
		    "(expected [tfrun] or [process.TYPE])", v);
	else if (!procfile_valid_name(s + 8, strlen(s + 8)))
		config_ini_error(ci, ci->lineno, "'%s' is not a valid process "
		    "type name in [%s]", v + 8, v);
	else {
		ci->section = IN_TYPE;
		ci->type = config_type_add(ci->c, s + 8, ci->lineno);
	}
	free(v);
	return strcpy(str, "[s]\n");
}

/*
 * inih's handler. A call is a continuation when the line is indented and
 * inih still has a key since the last section (its prev_name): that is
 * inih's own rule; only a list key takes one. A list line may end in ','
 * if a continuation follows: its error is recorded now and taken back by
 * that line. inih's section is not used: the reader knows the whole name.
 */
static int
config_ini_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_ini *ci = user;
	const struct config_setting *s = NULL;
	struct config_type *t = NULL;
	char *v, *p, *copy, *origin, *why = NULL;
	size_t n;
	int cont = ci->prev_name && ci->indented, comma = 0;

	/* inih strips a ';' comment after a blank; '#' goes the same way. */
	v = xstrdup(value);
	for (p = v; *p != '\0' && !((*p == '#' || *p == ';') &&
	    (p == v || isspace((unsigned char)p[-1]))); p++)
		;
	while (p > v && isspace((unsigned char)p[-1]))
		p--;
	*p = '\0';
	ci->unread = 0;
	if (cont && ci->key != NULL && ci->key->kind < K(FILES))
		config_ini_error(ci, ci->lineno, "indented line continues "
		    "'%s', which takes one value", ci->keyname);
	else if (cont)
		s = ci->key;
	else {
		ci->prev_name = *name != '\0';
		free(ci->keyname);
		ci->keyname = config_printable(name);
		ci->key_line = ci->lineno;
		for (s = config_settings; s < END && config_match(ci->section ==
		    IN_TFRUN ? s->key : ci->section == IN_TYPE ? s->tkey : NULL,
		    name, strlen(name)) < 0; s++)
			;
		if (ci->section == IN_NONE)
			config_ini_error(ci, ci->lineno,
			    "key '%s' outside any section", ci->keyname);
		else if (ci->section != IN_BAD && s == END)
			config_ini_error(ci, ci->lineno, "unknown key '%s' in "
			    "%s%s]", ci->keyname, ci->section == IN_TFRUN ?
			    "[tfrun" : "[process.", ci->section == IN_TFRUN ?
			    "" : ci->c->types[ci->type].name);
		s = s == END ? NULL : s;
	}
	/* The list goes on: the ',' ending its last line was no mistake. */
	if (cont && s != NULL && ci->comma_end != 0) {
		memmove(ci->errors.data + ci->comma, ci->errors.data +
		    ci->comma_end, ci->errors.len - ci->comma_end + 1);
		ci->errors.len -= ci->comma_end - ci->comma;
	}
	ci->key = NULL;
	ci->comma_end = 0;
	if (s == NULL) {
		free(v);
		return 1;
	}
	/* A list's trailing ',' and the blanks before it are not an item. */
	n = (size_t)(p - v);
	if (s->kind >= K(FILES) && (comma = n > 0 && v[n - 1] == ','))
		for (n--; n > 0 && isspace((unsigned char)v[n - 1]); n--)
			;
	copy = xstrndup(v, n + (n == 0 && comma));
	if (ci->section == IN_TYPE)
		t = &ci->c->types[ci->type];
	xasprintf(&origin, "%s:%u", ci->fname, ci->key_line);
	if (config_set(t != NULL ? (void *)t : ci->c, s, t != NULL, copy,
	    origin, cont, &why) == 0) {
		ci->key = s;
		if (t != NULL)
			t->line_of[config_field_index(s->tfield)] = ci->lineno;
		if (comma)
			config_why(&why, v, strlen(v), "has an empty item");
	}
	ci->comma = ci->errors.len;
	if (why != NULL)
		config_ini_error(ci, ci->lineno, "%s: %s", ci->keyname, why);
	ci->comma_end = ci->key != NULL && comma ? ci->errors.len : 0;
	free(why);
	free(origin);
	free(copy);
	free(v);
	return 1;
}

/* Parses tfrun.ini text into c; see config.h. */
int
config_parse_ini(const char *fname, const char *buf, size_t len,
    struct config *c, char **cause)
{
	struct config_ini ci = { .fname = fname, .buf = buf, .len = len,
	    .c = c };
	int r;

	r = ini_parse_stream(config_ini_reader, &ci, config_ini_handler, &ci);
	/* inih's first error must be one the reader saw; say so if not. */
	if (r < 0)
		buf_printf(&ci.errors, "%s: cannot be parsed\n", fname);
	else if (r > 0 && (unsigned)r != ci.first_error)
		config_ini_error(&ci, (unsigned)r, "syntax error");
	free(ci.keyname);
	if (ci.errors.len > 0)
		ci.errors.data[--ci.errors.len] = '\0';
	*cause = ci.errors.len > 0 ? buf_detach(&ci.errors) : NULL;
	buf_free(&ci.errors);
	return *cause != NULL ? -1 : 0;
}

/* Reads the TFRUN_* variables into c; see config.h. */
int
config_from_env(const char *(*getvar)(void *ctx, const char *name),
    void *ctx, struct config *c, char **cause)
{
	const struct config_setting *s;
	struct buf errors = BUF_INIT;
	const char *v;
	char *why;

	for (s = config_settings; s < END; s++) {
		if (s->var == NULL || (v = getvar(ctx, s->var)) == NULL ||
		    *v == '\0' || config_set(c, s, 0, v, s->var, 0, &why) == 0)
			continue;
		buf_printf(&errors, "%s%s: %s", errors.len > 0 ? "\n" : "",
		    s->var, why);
		free(why);
	}
	if (errors.len == 0)
		return 0;
	*cause = buf_detach(&errors);
	return -1;
}

/* Copies every field set in src over dst, with its origin. */
void
config_apply(struct config *dst, const struct config *src)
{
	const struct config_setting *s;
	const struct config_type *st;
	struct config_type *t;
	size_t j, k;

	for (s = config_settings; s < END; s++) {
		if (!(src->set & s->field))
			continue;
		config_mark(dst, s->field,
		    src->origin[config_field_index(s->field)]);
		config_copy(s->kind, (char *)dst + s->off,
		    (const char *)src + s->off);
	}
	for (j = 0; j < src->ntypes; j++) {
		st = &src->types[j];
		/* Adding may move dst->types: index it afterwards. */
		k = config_type_add(dst, st->name, st->line);
		t = &dst->types[k];
		for (s = config_settings; s < END; s++) {
			if (!(st->set & s->tfield))
				continue;
			k = config_field_index(s->tfield);
			config_copy(s->kind, (char *)t + s->toff,
			    (const char *)st + s->toff);
			t->line_of[k] = st->line_of[k];
			t->set |= s->tfield;
		}
	}
}

/* Returns the [process.TYPE] settings for type, or NULL. */
const struct config_type *
config_type_find(const struct config *c, const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < c->ntypes; i++) {
		if (strcmp(c->types[i].name, type) == 0)
			return &c->types[i];
	}
	return NULL;
}

/* Returns type's stop signal: SIGTERM unless its section says otherwise. */
int
config_stop_signal(const struct config *c, const char *type)
{
	const struct config_type *t = config_type_find(c, type);

	return t != NULL && (t->set & CONFIG_TYPE_STOP_SIGNAL) ?
	    t->stop_signal : SIGTERM;
}

/* Returns type's stop timeout in milliseconds. */
uint64_t
config_timeout_ms(const struct config *c, const char *type)
{
	const struct config_type *t = config_type_find(c, type);

	return t != NULL && (t->set & CONFIG_TYPE_TIMEOUT) ? t->timeout_ms :
	    (c->set & CONFIG_TIMEOUT) ? c->timeout_ms : 5000;
}

/* Returns type's restart policy. */
enum config_restart
config_restart_of(const struct config *c, const char *type)
{
	const struct config_type *t = config_type_find(c, type);

	return t != NULL && (t->set & CONFIG_TYPE_RESTART) ? t->restart :
	    (c->set & CONFIG_RESTART) ? c->restart : CONFIG_RESTART_NEVER;
}

/*
 * Tells whether type may exit without stopping the rest. can_die in the
 * type's section overrides the global list either way, as every other
 * per-type setting does (SPEC section 6).
 */
int
config_can_die(const struct config *c, const char *type)
{
	const struct config_type *t = config_type_find(c, type);
	size_t i;

	if (t != NULL && (t->set & CONFIG_TYPE_CAN_DIE))
		return t->can_die;
	for (i = 0; type != NULL && i < c->ncan_die; i++) {
		if (strcmp(c->can_die[i], type) == 0)
			return 1;
	}
	return 0;
}
