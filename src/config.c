/*
 * config.c: tfrun's settings (SPEC section 8): the value parsers, tfrun.ini
 * through inih, the TFRUN_* variables, and the stacking of layers.
 *
 * inih is built without line numbers for the handler, and it truncates
 * section names to 49 bytes and splits lines longer than its buffer. So the
 * INI text reaches inih through our own reader: it hands over one line per
 * call (counting them), refuses over-long lines and NUL bytes instead of
 * letting inih split them, and classifies each line the way inih will, to
 * know the full section name and whether the handler's next call is a
 * KEY = VALUE line or a continuation line.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "buf.h"
#include "compat.h"
#include "config.h"
#include "procfile.h"
#include "sig.h"
#include "xmalloc.h"

#define CONFIG_NFIELDS 32
#define CONFIG_TIMEOUT_MAX_S 86400
#define CONFIG_TIMEOUT_DEFAULT_MS 5000
#define CONFIG_TYPE_MAX 63

/* How the text of a setting is checked and stored. */
enum config_kind {
	KIND_STRING,	/* any non-empty text */
	KIND_LIST,	/* comma-separated list (env files) */
	KIND_TYPES,	/* comma-separated list of process type names */
	KIND_BOOL,
	KIND_PORT,
	KIND_PORT_STEP,
	KIND_TIMEOUT,
	KIND_COLOR,
	KIND_LOG_FORMAT,
	KIND_RESTART,
	KIND_SIGNAL,
	KIND_TTY,
	KIND_INSTANCE,	/* TYPE or TYPE.N */
	KIND_INTERVAL,	/* seconds, more than 0 */
	KIND_PROBE,
	KIND_AFTER
};

/* The global settings: their [tfrun] key and their TFRUN_* variable. */
static const struct config_key {
	const char *key;	/* in [tfrun], or NULL */
	const char *var;	/* environment variable, or NULL */
	unsigned field;		/* enum config_field bit */
	enum config_kind kind;
} config_keys[] = {
	{ "procfile", "TFRUN_PROCFILE", CONFIG_PROCFILE, KIND_STRING },
	{ NULL, "TFRUN_ROOT", CONFIG_ROOT, KIND_STRING },
	{ "env", "TFRUN_ENV", CONFIG_ENV, KIND_LIST },
	{ "env_override", "TFRUN_ENV_OVERRIDE", CONFIG_ENV_OVERRIDE,
	    KIND_BOOL },
	{ "formation", "TFRUN_FORMATION", CONFIG_FORMATION, KIND_STRING },
	{ "concurrency", NULL, CONFIG_FORMATION, KIND_STRING },
	{ "port", "TFRUN_PORT", CONFIG_PORT, KIND_PORT },
	{ "port_step", "TFRUN_PORT_STEP", CONFIG_PORT_STEP, KIND_PORT_STEP },
	{ "timeout", "TFRUN_TIMEOUT", CONFIG_TIMEOUT, KIND_TIMEOUT },
	{ "color", "TFRUN_COLOR", CONFIG_COLOR, KIND_COLOR },
	{ "no_timestamp", "TFRUN_NO_TIMESTAMP", CONFIG_NO_TIMESTAMP,
	    KIND_BOOL },
	{ "no_prefix", "TFRUN_NO_PREFIX", CONFIG_NO_PREFIX, KIND_BOOL },
	{ "log_format", "TFRUN_LOG_FORMAT", CONFIG_LOG_FORMAT,
	    KIND_LOG_FORMAT },
	{ "restart", "TFRUN_RESTART", CONFIG_RESTART, KIND_RESTART },
	{ "can_die", "TFRUN_CAN_DIE", CONFIG_CAN_DIE, KIND_TYPES },
	{ NULL, "TFRUN_CONFIG", CONFIG_CONFIG, KIND_STRING },
	{ "socket", "TFRUN_SOCKET", CONFIG_SOCKET, KIND_STRING },
	{ "quiet", "TFRUN_QUIET", CONFIG_QUIET, KIND_TYPES },
	{ "isolate", "TFRUN_ISOLATE", CONFIG_ISOLATE, KIND_BOOL },
	{ "tty", "TFRUN_TTY", CONFIG_TTY, KIND_TTY },
	{ NULL, "TFRUN_STDIN", CONFIG_STDIN, KIND_INSTANCE },
	{ "log_file", "TFRUN_LOG_FILE", CONFIG_LOG_FILE, KIND_STRING }
};

/* The keys of a [process.TYPE] section. */
static const struct config_type_key {
	const char *key;
	unsigned field;		/* enum config_type_field bit */
	enum config_kind kind;
} config_type_keys[] = {
	{ "stop_signal", CONFIG_TYPE_STOP_SIGNAL, KIND_SIGNAL },
	{ "timeout", CONFIG_TYPE_TIMEOUT, KIND_TIMEOUT },
	{ "restart", CONFIG_TYPE_RESTART, KIND_RESTART },
	{ "can_die", CONFIG_TYPE_CAN_DIE, KIND_BOOL },
	{ "tty", CONFIG_TYPE_TTY, KIND_TTY },
	{ "stdin", CONFIG_TYPE_STDIN, KIND_BOOL },
	{ "ready", CONFIG_TYPE_READY, KIND_PROBE },
	{ "ready_interval", CONFIG_TYPE_READY_INTERVAL, KIND_INTERVAL },
	{ "ready_timeout", CONFIG_TYPE_READY_TIMEOUT, KIND_TIMEOUT },
	{ "after", CONFIG_TYPE_AFTER, KIND_AFTER },
	{ "oneshot", CONFIG_TYPE_ONESHOT, KIND_BOOL }
};

/* How inih will treat a line, as our reader predicts it. */
enum config_line {
	LINE_BLANK,	/* blank or comment: no handler call */
	LINE_CONT,	/* continuation of the previous key's value */
	LINE_SECTION,
	LINE_PAIR,
	LINE_ERROR	/* inih reports an error for it */
};

/* What a continuation line of the current key does. */
enum config_cont {
	CONT_IGNORE,	/* the key was already reported as wrong */
	CONT_LIST,	/* items are added to a list */
	CONT_REFUSE	/* the key takes a single value */
};

/* The state of one config_parse_ini call, shared by reader and handler. */
struct config_ini {
	const char *fname;
	const char *buf;	/* borrowed: the whole text */
	size_t len;
	size_t off;		/* start of the next line */
	unsigned lineno;	/* the line last given to inih */
	enum config_line kind;	/* and how inih sees it */
	unsigned first_error;	/* first LINE_ERROR line, for inih's */

	struct config *c;
	struct buf errors;	/* "FNAME:LINE: ...\n" lines */

	int prev_name;		/* inih's prev_name is not empty */
	enum {
		SECTION_NONE,	/* before any section */
		SECTION_TFRUN,
		SECTION_TYPE,
		SECTION_IGNORE	/* a wrong section, already reported */
	} section;
	size_t type;		/* index in c->types for SECTION_TYPE */

	/* The key of the last KEY = VALUE line, for its continuations. */
	enum config_cont cont;
	const struct config_key *key;	/* NULL in [process.TYPE] */
	char *keyname;		/* owned, printable */
	unsigned key_line;

	/* A list line that ended with ',': fine only if continued. */
	unsigned comma_line;	/* 0 if none */
	char *comma_value;	/* owned */
};

/* Returns the field bit's index in origin[]. */
unsigned
config_field_index(unsigned field)
{
	unsigned i;

	for (i = 0; i < CONFIG_NFIELDS; i++) {
		if (field & (1u << i))
			return i;
	}
	return 0;
}

/* Frees an array of n owned strings. */
static void
config_free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Returns an owned copy of an array of n strings (NULL when empty). */
static char **
config_copy_list(char *const *v, size_t n)
{
	char **copy;
	size_t i;

	if (n == 0)
		return NULL;
	copy = xreallocarray(NULL, n, sizeof *copy);
	for (i = 0; i < n; i++)
		copy[i] = xstrdup(v[i]);
	return copy;
}

/* Appends the n strings of add (taking them) to *v. */
static void
config_append_list(char ***v, size_t *n, char **add, size_t nadd)
{
	size_t i;

	if (nadd == 0)
		return;
	*v = xreallocarray(*v, *n + nadd, sizeof **v);
	for (i = 0; i < nadd; i++)
		(*v)[(*n)++] = add[i];
	free(add);
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
	size_t i;

	for (i = 0; i < nitems(c->origin); i++)
		free(c->origin[i]);
	free(c->procfile);
	free(c->root);
	config_free_list(c->env, c->nenv);
	free(c->formation);
	config_free_list(c->can_die, c->ncan_die);
	free(c->config);
	free(c->socket);
	config_free_list(c->quiet, c->nquiet);
	free(c->stdin_name);
	free(c->log_file);
	for (i = 0; i < c->ntypes; i++) {
		free(c->types[i].name);
		probe_free(&c->types[i].ready);
		probe_after_free(c->types[i].after, c->types[i].nafter);
	}
	free(c->types);
	config_init(c);
}

/* Marks field set in c, coming from origin. */
static void
config_set_origin(struct config *c, unsigned field, const char *origin)
{
	unsigned k;

	k = config_field_index(field);
	free(c->origin[k]);
	c->origin[k] = xstrdup(origin);
	c->set |= field;
}

/* Makes c the built-in defaults (c's old content is not freed). */
void
config_defaults(struct config *c)
{
	static const unsigned fields[] = {
		CONFIG_ENV_OVERRIDE, CONFIG_PORT_STEP, CONFIG_TIMEOUT,
		CONFIG_COLOR, CONFIG_NO_TIMESTAMP, CONFIG_NO_PREFIX,
		CONFIG_LOG_FORMAT, CONFIG_RESTART, CONFIG_CAN_DIE,
		CONFIG_ISOLATE, CONFIG_TTY, CONFIG_DAEMON
	};
	size_t i;

	config_init(c);
	c->env_override = 1;
	c->port_step = 100;
	c->timeout_ms = CONFIG_TIMEOUT_DEFAULT_MS;
	c->color = CONFIG_COLOR_AUTO;
	c->no_timestamp = 0;
	c->no_prefix = 0;
	c->log_format = CONFIG_LOG_TEXT;
	c->restart = CONFIG_RESTART_NEVER;
	for (i = 0; i < nitems(fields); i++)
		config_set_origin(c, fields[i], "default");
}

/* Parses seconds with optional decimals into milliseconds, rounded up. */
int
config_parse_timeout(const char *s, uint64_t *ms)
{
	uint64_t secs = 0, frac = 0;
	int digits = 0, up = 0;
	const char *p = s;

	/* Seconds with optional decimals: "5", "2.5", ".5" and "1." all do. */
	if (!config_timeout_syntax(s))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		/* Past the maximum the value no longer matters. */
		if (secs <= CONFIG_TIMEOUT_MAX_S)
			secs = secs * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (digits < 3) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			} else if (*p != '0')
				up = 1;
		}
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (secs > CONFIG_TIMEOUT_MAX_S)
		return -1;
	if (secs * 1000 + frac + up > CONFIG_TIMEOUT_MAX_S * 1000ULL)
		return -1;
	*ms = secs * 1000 + frac + up;
	return 0;
}

/* Parses a decimal number from 1 to 65535. */
static int
config_parse_u16(const char *s, long *out)
{
	long n = 0;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
		if (n > 65535)
			return -1;
	}
	if (n < 1)
		return -1;
	*out = n;
	return 0;
}

/* Parses a port number. */
int
config_parse_port(const char *s, long *port)
{
	return config_parse_u16(s, port);
}

/* Parses the port distance between process types. */
int
config_parse_port_step(const char *s, long *step)
{
	return config_parse_u16(s, step);
}

/* Parses true/false, yes/no, on/off or 1/0 in any case. */
int
config_parse_bool(const char *s, int *b)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = 0;
			return 0;
		}
	}
	return -1;
}

/* Parses auto, always or never. */
int
config_parse_color(const char *s, enum config_color *c)
{
	if (strcmp(s, "auto") == 0)
		*c = CONFIG_COLOR_AUTO;
	else if (strcmp(s, "always") == 0)
		*c = CONFIG_COLOR_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*c = CONFIG_COLOR_NEVER;
	else
		return -1;
	return 0;
}

/* Parses never, on-failure or always. */
int
config_parse_restart(const char *s, enum config_restart *r)
{
	if (strcmp(s, "never") == 0)
		*r = CONFIG_RESTART_NEVER;
	else if (strcmp(s, "on-failure") == 0)
		*r = CONFIG_RESTART_ON_FAILURE;
	else if (strcmp(s, "always") == 0)
		*r = CONFIG_RESTART_ALWAYS;
	else
		return -1;
	return 0;
}

/* Parses auto, always or never. */
int
config_parse_tty(const char *s, enum config_tty *t)
{
	enum config_color c;

	if (config_parse_color(s, &c) != 0)
		return -1;
	*t = c == CONFIG_COLOR_AUTO ? CONFIG_TTY_AUTO :
	    c == CONFIG_COLOR_ALWAYS ? CONFIG_TTY_ALWAYS : CONFIG_TTY_NEVER;
	return 0;
}

/* Tells whether s is TYPE or TYPE.N (N from 1, no leading zero). */
static int
config_valid_instance(const char *s)
{
	const char *dot = strrchr(s, '.');

	if (dot == NULL)
		return procfile_valid_name(s, strlen(s));
	return procfile_valid_name(s, (size_t)(dot - s)) && dot[1] >= '1' &&
	    dot[1] <= '9' && strspn(dot + 1, "0123456789") == strlen(dot + 1) &&
	    strlen(dot + 1) <= 5;
}

/* Parses text or json. */
int
config_parse_log_format(const char *s, enum config_log_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = CONFIG_LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = CONFIG_LOG_JSON;
	else
		return -1;
	return 0;
}

/* Tells whether c is a blank that list items may be padded with. */
static int
config_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits a comma-separated list into owned, trimmed, non-empty items. */
int
config_parse_list(const char *s, char ***items, size_t *n)
{
	const char *p = s, *end, *a, *b;
	char **v = NULL;
	size_t nv = 0;

	for (;;) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		for (a = p; a < end && config_blank(*a); a++)
			;
		for (b = end; b > a && config_blank(b[-1]); b--)
			;
		if (a == b) {
			config_free_list(v, nv);
			return -1;
		}
		v = xreallocarray(v, nv + 1, sizeof *v);
		v[nv++] = xstrndup(a, (size_t)(b - a));
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*items = v;
	*n = nv;
	return 0;
}

/* Returns "never", "on-failure" or "always". */
const char *
config_restart_name(enum config_restart r)
{
	switch (r) {
	case CONFIG_RESTART_ON_FAILURE:
		return "on-failure";
	case CONFIG_RESTART_ALWAYS:
		return "always";
	case CONFIG_RESTART_NEVER:
		break;
	}
	return "never";
}

/* Tells whether s is a valid Procfile type name. */
static int
config_valid_type(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
			return 0;
	}
	return n >= 1 && n <= CONFIG_TYPE_MAX;
}

/*
 * Returns an owned copy of s fit to quote in a one-line message: control
 * characters become '?', so a value from the environment cannot break the
 * one-error-per-line rule.
 */
static char *
config_printable(const char *s)
{
	char *p, *copy;

	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return copy;
}

/* Tells whether s has the form of a timeout: 5, 2.5, .5 or 1. */
int
config_timeout_syntax(const char *s)
{
	size_t whole, frac = 0;

	whole = strspn(s, "0123456789");
	s += whole;
	if (*s == '.')
		frac = strspn(++s, "0123456789");
	return (whole > 0 || frac > 0) && s[frac] == '\0';
}

/* Returns an owned sentence saying why s is not a good value of kind. */
static char *
config_problem(enum config_kind kind, const char *s)
{
	char *v, *why, **items;
	const char *what = "is not valid";
	size_t i, n;

	v = config_printable(s);
	switch (kind) {
	case KIND_STRING:
		free(v);
		return xstrdup("empty value");
	case KIND_LIST:
	case KIND_TYPES:
		if (config_parse_list(s, &items, &n) != 0) {
			what = "has an empty item";
			break;
		}
		for (i = 0; i < n; i++) {
			if (!config_valid_type(items[i]))
				break;
		}
		if (i < n) {
			free(v);
			v = config_printable(items[i]);
			what = "is not a valid process type name";
		}
		config_free_list(items, n);
		break;
	case KIND_BOOL:
		what = "is not a boolean (true/false, yes/no, on/off, 1/0)";
		break;
	case KIND_PORT:
		what = "is not a port number (1-65535)";
		break;
	case KIND_PORT_STEP:
		what = "is not a port step (1-65535)";
		break;
	case KIND_TIMEOUT:
		if (config_timeout_syntax(s))
			what = "is more than 86400 seconds";
		else
			what = "is not a number of seconds";
		break;
	case KIND_COLOR:
		what = "must be auto, always or never";
		break;
	case KIND_LOG_FORMAT:
		what = "must be text or json";
		break;
	case KIND_RESTART:
		what = "must be never, on-failure or always";
		break;
	case KIND_SIGNAL:
		what = "is not a signal";
		break;
	case KIND_TTY:
		what = "must be auto, always or never";
		break;
	case KIND_INSTANCE:
		what = "is not an instance name (TYPE or TYPE.N)";
		break;
	case KIND_INTERVAL:
		if (config_timeout_syntax(s))
			what = "is not from 0.001 to 86400 seconds";
		else
			what = "is not a number of seconds";
		break;
	case KIND_PROBE:
	case KIND_AFTER:
		/* Their parsers say what is wrong themselves. */
		break;
	}
	xasprintf(&why, "'%s' %s", v, what);
	free(v);
	return why;
}

/* Sets *why to what is wrong with value and returns -1. */
static int
config_set_failed(enum config_kind kind, const char *value, char **why)
{
	*why = config_problem(kind, value);
	return -1;
}

/* Returns where c keeps the string of field. */
static char **
config_string_of(struct config *c, unsigned field)
{
	switch (field) {
	case CONFIG_PROCFILE:
		return &c->procfile;
	case CONFIG_ROOT:
		return &c->root;
	case CONFIG_FORMATION:
		return &c->formation;
	case CONFIG_CONFIG:
		return &c->config;
	case CONFIG_LOG_FILE:
		return &c->log_file;
	}
	return &c->socket;
}

/*
 * Parses value as a global setting k and stores it in c with its origin;
 * a list replaces the old one, or is added to it when append is set.
 * Returns 0, or -1 with *why allocated (see config_problem).
 */
static int
config_set_key(struct config *c, const struct config_key *k,
    const char *value, const char *origin, int append, char **why)
{
	char **items, **dst, ***list;
	size_t i, n, *nlist;
	int ok = 0;

	switch (k->kind) {
	case KIND_STRING:
		if ((ok = *value != '\0')) {
			dst = config_string_of(c, k->field);
			free(*dst);
			*dst = xstrdup(value);
		}
		break;
	case KIND_LIST:
	case KIND_TYPES:
		if (config_parse_list(value, &items, &n) != 0)
			break;
		for (i = 0; k->kind == KIND_TYPES && i < n; i++) {
			if (!config_valid_type(items[i])) {
				config_free_list(items, n);
				return config_set_failed(k->kind, value, why);
			}
		}
		ok = 1;
		list = k->field == CONFIG_ENV ? &c->env :
		    k->field == CONFIG_QUIET ? &c->quiet : &c->can_die;
		nlist = k->field == CONFIG_ENV ? &c->nenv :
		    k->field == CONFIG_QUIET ? &c->nquiet : &c->ncan_die;
		if (!append) {
			config_free_list(*list, *nlist);
			*list = NULL;
			*nlist = 0;
		}
		config_append_list(list, nlist, items, n);
		break;
	case KIND_BOOL:
		if (k->field == CONFIG_ENV_OVERRIDE)
			ok = config_parse_bool(value, &c->env_override) == 0;
		else if (k->field == CONFIG_NO_TIMESTAMP)
			ok = config_parse_bool(value, &c->no_timestamp) == 0;
		else if (k->field == CONFIG_ISOLATE)
			ok = config_parse_bool(value, &c->isolate) == 0;
		else
			ok = config_parse_bool(value, &c->no_prefix) == 0;
		break;
	case KIND_TTY:
		ok = config_parse_tty(value, &c->tty) == 0;
		break;
	case KIND_INSTANCE:
		if ((ok = config_valid_instance(value))) {
			free(c->stdin_name);
			c->stdin_name = xstrdup(value);
		}
		break;
	case KIND_PORT:
		ok = config_parse_port(value, &c->port) == 0;
		break;
	case KIND_PORT_STEP:
		ok = config_parse_port_step(value, &c->port_step) == 0;
		break;
	case KIND_TIMEOUT:
		ok = config_parse_timeout(value, &c->timeout_ms) == 0;
		break;
	case KIND_COLOR:
		ok = config_parse_color(value, &c->color) == 0;
		break;
	case KIND_LOG_FORMAT:
		ok = config_parse_log_format(value, &c->log_format) == 0;
		break;
	case KIND_RESTART:
		ok = config_parse_restart(value, &c->restart) == 0;
		break;
	default:
		break;
	}
	if (!ok)
		return config_set_failed(k->kind, value, why);
	config_set_origin(c, k->field, origin);
	return 0;
}

/* Returns c's [process.TYPE] entry for type, adding it if missing. */
static size_t
config_type_add(struct config *c, const char *type, unsigned line)
{
	size_t i;

	for (i = 0; i < c->ntypes; i++) {
		if (strcmp(c->types[i].name, type) == 0)
			return i;
	}
	c->types = xreallocarray(c->types, c->ntypes + 1, sizeof *c->types);
	memset(&c->types[c->ntypes], 0, sizeof *c->types);
	c->types[c->ntypes].name = xstrdup(type);
	c->types[c->ntypes].line = line;
	return c->ntypes++;
}

/* Parses value as the [process.TYPE] key k into t; -1 with *why if bad. */
static int
config_set_type_key(struct config_type *t, const struct config_type_key *k,
    const char *value, unsigned line, char **why)
{
	struct probe_after *after;
	struct probe probe;
	uint64_t ms;
	size_t n;
	int ok = 0;

	switch (k->field) {
	case CONFIG_TYPE_STOP_SIGNAL:
		ok = sig_parse(value, &t->stop_signal) == 0;
		break;
	case CONFIG_TYPE_TIMEOUT:
		ok = config_parse_timeout(value, &t->timeout_ms) == 0;
		break;
	case CONFIG_TYPE_RESTART:
		ok = config_parse_restart(value, &t->restart) == 0;
		break;
	case CONFIG_TYPE_CAN_DIE:
		ok = config_parse_bool(value, &t->can_die) == 0;
		break;
	case CONFIG_TYPE_TTY:
		ok = config_parse_tty(value, &t->tty) == 0;
		break;
	case CONFIG_TYPE_STDIN:
		if ((ok = config_parse_bool(value, &t->stdin_wanted) == 0))
			t->stdin_line = line;
		break;
	case CONFIG_TYPE_ONESHOT:
		ok = config_parse_bool(value, &t->oneshot) == 0;
		break;
	case CONFIG_TYPE_READY_INTERVAL:
		ok = config_parse_timeout(value, &ms) == 0 && ms > 0;
		if (ok)
			t->ready_interval_ms = ms;
		break;
	case CONFIG_TYPE_READY_TIMEOUT:
		ok = config_parse_timeout(value, &t->ready_timeout_ms) == 0;
		break;
	case CONFIG_TYPE_READY:
		if (probe_parse(value, &probe, why) != 0)
			return -1;
		probe_free(&t->ready);
		t->ready = probe;
		ok = 1;
		break;
	case CONFIG_TYPE_AFTER:
		if (probe_after_parse(value, &after, &n, why) != 0)
			return -1;
		probe_after_free(t->after, t->nafter);
		t->after = after;
		t->nafter = n;
		t->after_line = line;
		ok = 1;
		break;
	}
	if (!ok)
		return config_set_failed(k->kind, value, why);
	t->set |= k->field;
	return 0;
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

/* Tells whether c is white space as inih's isspace() sees it. */
static int
config_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/*
 * Mirrors inih's find_chars_or_comment: returns the offset of the first of
 * chars, or of an inline comment prefix that follows white space, or of
 * the end.
 */
static size_t
config_find(const char *s, const char *chars)
{
	int was_space = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (strchr(chars, s[i]) != NULL || (was_space &&
		    strchr(INI_INLINE_COMMENT_PREFIXES, s[i]) != NULL))
			break;
		was_space = config_space(s[i]);
	}
	return i;
}

/* Reports a list line left ending in ',' when no continuation followed. */
static void
config_ini_flush(struct config_ini *ci)
{
	char *v;

	if (ci->comma_line == 0)
		return;
	v = config_printable(ci->comma_value);
	config_ini_error(ci, ci->comma_line, "%s: '%s' has an empty item",
	    ci->keyname, v);
	free(v);
	free(ci->comma_value);
	ci->comma_value = NULL;
	ci->comma_line = 0;
}

/* Handles a "[name]" header (name already trimmed) on the current line. */
static void
config_ini_section(struct config_ini *ci, const char *name)
{
	char *v;

	if (strcmp(name, "tfrun") == 0) {
		ci->section = SECTION_TFRUN;
		return;
	}
	ci->section = SECTION_IGNORE;
	v = config_printable(name);
	if (strncmp(name, "process.", 8) == 0) {
		if (config_valid_type(name + 8)) {
			ci->section = SECTION_TYPE;
			ci->type = config_type_add(ci->c, name + 8,
			    ci->lineno);
		} else
			config_ini_error(ci, ci->lineno,
			    "'%s' is not a valid process type name in [%s]",
			    v + 8, v);
	} else
		config_ini_error(ci, ci->lineno, "unknown section [%s] "
		    "(expected [tfrun] or [process.TYPE])", v);
	free(v);
}

/*
 * Classifies the line in str the way inih's ini_parse_stream will (a
 * comment, a continuation, a section header, a KEY = VALUE pair or a
 * syntax error), and handles what inih keeps to itself: section headers,
 * which the handler never sees, and syntax errors, of which inih reports
 * only the first.
 */
static void
config_ini_classify(struct config_ini *ci, const char *str)
{
	char *line, *start, *end, *close = NULL, *name, *tail;

	line = xstrdup(str);
	start = line;
	if (ci->lineno == 1 && (unsigned char)start[0] == 0xef &&
	    (unsigned char)start[1] == 0xbb && (unsigned char)start[2] == 0xbf)
		start += 3;
	end = start + strlen(start);
	while (end > start && config_space(end[-1]))
		end--;
	*end = '\0';
	while (config_space(*start))
		start++;

	if (strchr(INI_START_COMMENT_PREFIXES, *start) != NULL)
		ci->kind = LINE_BLANK;	/* blank lines match the NUL */
	else if (ci->prev_name && start > line)
		ci->kind = LINE_CONT;
	else if (*start == '[') {
		close = start + 1 + config_find(start + 1, "]");
		ci->kind = *close == ']' ? LINE_SECTION : LINE_ERROR;
	} else {
		close = start + config_find(start, "=:");
		if (*close == '=' || *close == ':') {
			ci->kind = LINE_PAIR;
			for (end = close; end > start && config_space(end[-1]);
			    end--)
				;
			ci->prev_name = end > start;
		} else
			ci->kind = LINE_ERROR;
	}

	if (ci->kind != LINE_BLANK && ci->kind != LINE_CONT)
		config_ini_flush(ci);
	if (ci->kind == LINE_SECTION) {
		ci->prev_name = 0;
		*close = '\0';
		for (name = start + 1; config_space(*name); name++)
			;
		for (end = close; end > name && config_space(end[-1]); end--)
			;
		*end = '\0';
		config_ini_section(ci, name);
		/* inih ignores what follows ']'; only a comment may. */
		for (tail = close + 1; config_space(*tail); tail++)
			;
		if (*tail != '\0' && *tail != ';' && *tail != '#')
			config_ini_error(ci, ci->lineno,
			    "unexpected text after ']'");
	} else if (ci->kind == LINE_ERROR) {
		if (ci->first_error == 0)
			ci->first_error = ci->lineno;
		if (*start == '[')
			config_ini_error(ci, ci->lineno,
			    "section header without ']'");
		else
			config_ini_error(ci, ci->lineno,
			    "expected KEY = VALUE, [SECTION] or a comment");
	}
	free(line);
}

/*
 * Gives inih the next line of the text, fgets-style, counting lines. A
 * line with a NUL byte or too long for inih's buffer is reported here and
 * replaced by a blank line, so inih neither truncates nor splits it.
 */
static char *
config_ini_reader(char *str, int num, void *stream)
{
	struct config_ini *ci = stream;
	const char *p, *nl;
	size_t n;

	if (ci->off >= ci->len || num < 3) {
		config_ini_flush(ci);
		return NULL;
	}
	p = ci->buf + ci->off;
	nl = memchr(p, '\n', ci->len - ci->off);
	n = nl != NULL ? (size_t)(nl - p) : ci->len - ci->off;
	ci->off += n + (nl != NULL);
	ci->lineno++;
	if (memchr(p, '\0', n) != NULL) {
		config_ini_error(ci, ci->lineno, "NUL byte in line");
		n = 0;
	} else if (n > (size_t)num - 2) {
		config_ini_error(ci, ci->lineno,
		    "line longer than %d bytes", num - 2);
		n = 0;
	}
	memcpy(str, p, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	config_ini_classify(ci, str);
	return str;
}

/*
 * Returns an owned copy of an INI value without its comment: inih strips
 * a ';' comment after a blank, and '#' is taken the same way (at the start
 * of the value or after a blank), as it is at the start of a line.
 */
static char *
config_ini_value(const char *value)
{
	char *v, *p, *end;

	v = xstrdup(value);
	for (p = v; *p != '\0'; p++) {
		if ((*p == '#' || *p == ';') &&
		    (p == v || config_space(p[-1]))) {
			*p = '\0';
			break;
		}
	}
	for (end = v + strlen(v); end > v && config_space(end[-1]); end--)
		;
	*end = '\0';
	return v;
}

/*
 * Sets the current list key of [tfrun] from v, or adds v's items to it on
 * a continuation line. A trailing ',' is allowed if a continuation line
 * follows, which config_ini_flush checks when the next line comes.
 */
static void
config_ini_list(struct config_ini *ci, const char *v, int append)
{
	char *origin, *copy, *why, *pv;
	size_t n;
	int comma = 0;

	copy = xstrdup(v);
	n = strlen(copy);
	if (n > 0 && copy[n - 1] == ',') {
		comma = 1;
		copy[--n] = '\0';
		while (n > 0 && config_space(copy[n - 1]))
			copy[--n] = '\0';
	}
	xasprintf(&origin, "%s:%u", ci->fname, ci->key_line);
	ci->cont = CONT_IGNORE;
	if (comma && *copy == '\0') {
		pv = config_printable(v);
		config_ini_error(ci, ci->lineno, "%s: '%s' has an empty item",
		    ci->keyname, pv);
		free(pv);
	} else if (config_set_key(ci->c, ci->key, copy, origin, append,
	    &why) != 0) {
		config_ini_error(ci, ci->lineno, "%s: %s", ci->keyname, why);
		free(why);
	} else {
		ci->cont = CONT_LIST;
		if (comma) {
			ci->comma_line = ci->lineno;
			ci->comma_value = xstrdup(v);
		}
	}
	free(origin);
	free(copy);
}

/* Handles a KEY = VALUE line: v is the value without its comment. */
static void
config_ini_pair(struct config_ini *ci, const char *name, const char *v)
{
	struct config_type *t;
	char *origin, *why;
	size_t i;

	free(ci->keyname);
	ci->keyname = config_printable(name);
	ci->key_line = ci->lineno;
	ci->key = NULL;
	ci->cont = CONT_IGNORE;
	switch (ci->section) {
	case SECTION_NONE:
		config_ini_error(ci, ci->lineno,
		    "key '%s' outside any section", ci->keyname);
		return;
	case SECTION_IGNORE:
		return;
	case SECTION_TFRUN:
		for (i = 0; i < nitems(config_keys); i++) {
			if (config_keys[i].key != NULL &&
			    strcmp(config_keys[i].key, name) == 0)
				break;
		}
		if (i == nitems(config_keys)) {
			config_ini_error(ci, ci->lineno,
			    "unknown key '%s' in [tfrun]", ci->keyname);
			return;
		}
		ci->key = &config_keys[i];
		if (ci->key->kind == KIND_LIST || ci->key->kind == KIND_TYPES) {
			config_ini_list(ci, v, 0);
			return;
		}
		xasprintf(&origin, "%s:%u", ci->fname, ci->lineno);
		if (config_set_key(ci->c, ci->key, v, origin, 0, &why) != 0) {
			config_ini_error(ci, ci->lineno, "%s: %s", ci->keyname,
			    why);
			free(why);
		} else
			ci->cont = CONT_REFUSE;
		free(origin);
		return;
	case SECTION_TYPE:
		break;
	}
	t = &ci->c->types[ci->type];
	for (i = 0; i < nitems(config_type_keys); i++) {
		if (strcmp(config_type_keys[i].key, name) == 0)
			break;
	}
	if (i == nitems(config_type_keys)) {
		config_ini_error(ci, ci->lineno,
		    "unknown key '%s' in [process.%s]", ci->keyname, t->name);
		return;
	}
	if (config_set_type_key(t, &config_type_keys[i], v, ci->lineno,
	    &why) != 0) {
		config_ini_error(ci, ci->lineno, "%s: %s", ci->keyname, why);
		free(why);
	} else
		ci->cont = CONT_REFUSE;
}

/* Handles a continuation line (an indented line after KEY = VALUE). */
static void
config_ini_cont(struct config_ini *ci, const char *v)
{
	switch (ci->cont) {
	case CONT_IGNORE:
		break;
	case CONT_LIST:
		free(ci->comma_value);
		ci->comma_value = NULL;
		ci->comma_line = 0;
		config_ini_list(ci, v, 1);
		break;
	case CONT_REFUSE:
		config_ini_error(ci, ci->lineno,
		    "indented line continues '%s', which takes one value",
		    ci->keyname);
		ci->cont = CONT_IGNORE;
		break;
	}
}

/*
 * inih's handler: the reader has already said what kind of line it is.
 * inih's section argument is not used: it is cut to 49 bytes, and the
 * reader knows the whole name.
 */
static int
config_ini_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_ini *ci = user;
	char *v;

	v = config_ini_value(value);
	if (ci->kind == LINE_PAIR)
		config_ini_pair(ci, name, v);
	else if (ci->kind == LINE_CONT)
		config_ini_cont(ci, v);
	else
		config_ini_error(ci, ci->lineno, "cannot parse this line");
	free(v);
	return 1;
}

/* Parses tfrun.ini text into c; see config.h. */
int
config_parse_ini(const char *fname, const char *buf, size_t len,
    struct config *c, char **cause)
{
	struct config_ini ci;
	int r;

	memset(&ci, 0, sizeof ci);
	ci.fname = fname;
	ci.buf = buf;
	ci.len = len;
	ci.c = c;
	ci.section = SECTION_NONE;
	r = ini_parse_stream(config_ini_reader, &ci, config_ini_handler, &ci);
	config_ini_flush(&ci);
	/* inih's first error must be one the reader saw; say so if not. */
	if (r < 0)
		buf_printf(&ci.errors, "%s: cannot be parsed\n", fname);
	else if (r > 0 && (unsigned)r != ci.first_error)
		config_ini_error(&ci, (unsigned)r, "syntax error");
	free(ci.keyname);
	free(ci.comma_value);
	if (ci.errors.len == 0) {
		buf_free(&ci.errors);
		return 0;
	}
	ci.errors.data[--ci.errors.len] = '\0';
	*cause = buf_detach(&ci.errors);
	return -1;
}

/* Reads the TFRUN_* variables into c; see config.h. */
int
config_from_env(const char *(*getvar)(void *ctx, const char *name),
    void *ctx, struct config *c, char **cause)
{
	struct buf errors = BUF_INIT;
	const char *v;
	char *why;
	size_t i;

	for (i = 0; i < nitems(config_keys); i++) {
		if (config_keys[i].var == NULL)
			continue;
		v = getvar(ctx, config_keys[i].var);
		if (v == NULL || *v == '\0')
			continue;
		if (config_set_key(c, &config_keys[i], v, config_keys[i].var, 0,
		    &why) != 0) {
			if (errors.len > 0)
				buf_addc(&errors, '\n');
			buf_printf(&errors, "%s: %s", config_keys[i].var, why);
			free(why);
		}
	}
	if (errors.len == 0) {
		buf_free(&errors);
		return 0;
	}
	*cause = buf_detach(&errors);
	return -1;
}

/* Replaces *dst with a copy of src (NULL stays NULL). */
static void
config_copy_string(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Copies every field set in src over dst, with its origin. */
void
config_apply(struct config *dst, const struct config *src)
{
	const struct config_type *s;
	struct config_type *t;
	unsigned bit, k;
	size_t i, j;

	for (k = 0; k < CONFIG_NFIELDS; k++) {
		bit = 1u << k;
		if (!(src->set & bit))
			continue;
		dst->set |= bit;
		config_copy_string(&dst->origin[k], src->origin[k]);
		switch (bit) {
		case CONFIG_PROCFILE:
			config_copy_string(&dst->procfile, src->procfile);
			break;
		case CONFIG_ROOT:
			config_copy_string(&dst->root, src->root);
			break;
		case CONFIG_ENV:
			config_free_list(dst->env, dst->nenv);
			dst->env = config_copy_list(src->env, src->nenv);
			dst->nenv = src->nenv;
			break;
		case CONFIG_ENV_OVERRIDE:
			dst->env_override = src->env_override;
			break;
		case CONFIG_FORMATION:
			config_copy_string(&dst->formation, src->formation);
			break;
		case CONFIG_PORT:
			dst->port = src->port;
			break;
		case CONFIG_PORT_STEP:
			dst->port_step = src->port_step;
			break;
		case CONFIG_TIMEOUT:
			dst->timeout_ms = src->timeout_ms;
			break;
		case CONFIG_COLOR:
			dst->color = src->color;
			break;
		case CONFIG_NO_TIMESTAMP:
			dst->no_timestamp = src->no_timestamp;
			break;
		case CONFIG_NO_PREFIX:
			dst->no_prefix = src->no_prefix;
			break;
		case CONFIG_LOG_FORMAT:
			dst->log_format = src->log_format;
			break;
		case CONFIG_RESTART:
			dst->restart = src->restart;
			break;
		case CONFIG_CAN_DIE:
			config_free_list(dst->can_die, dst->ncan_die);
			dst->can_die = config_copy_list(src->can_die,
			    src->ncan_die);
			dst->ncan_die = src->ncan_die;
			break;
		case CONFIG_CONFIG:
			config_copy_string(&dst->config, src->config);
			break;
		case CONFIG_SOCKET:
			config_copy_string(&dst->socket, src->socket);
			break;
		case CONFIG_QUIET:
			config_free_list(dst->quiet, dst->nquiet);
			dst->quiet = config_copy_list(src->quiet, src->nquiet);
			dst->nquiet = src->nquiet;
			break;
		case CONFIG_ISOLATE:
			dst->isolate = src->isolate;
			break;
		case CONFIG_TTY:
			dst->tty = src->tty;
			break;
		case CONFIG_STDIN:
			config_copy_string(&dst->stdin_name, src->stdin_name);
			break;
		case CONFIG_DAEMON:
			dst->daemon = src->daemon;
			break;
		case CONFIG_LOG_FILE:
			config_copy_string(&dst->log_file, src->log_file);
			break;
		}
	}
	for (i = 0; i < src->ntypes; i++) {
		s = &src->types[i];
		/* Adding may move dst->types: index it afterwards. */
		j = config_type_add(dst, s->name, s->line);
		t = &dst->types[j];
		if (s->set & CONFIG_TYPE_STOP_SIGNAL)
			t->stop_signal = s->stop_signal;
		if (s->set & CONFIG_TYPE_TIMEOUT)
			t->timeout_ms = s->timeout_ms;
		if (s->set & CONFIG_TYPE_RESTART)
			t->restart = s->restart;
		if (s->set & CONFIG_TYPE_CAN_DIE)
			t->can_die = s->can_die;
		if (s->set & CONFIG_TYPE_TTY)
			t->tty = s->tty;
		if (s->set & CONFIG_TYPE_STDIN) {
			t->stdin_wanted = s->stdin_wanted;
			t->stdin_line = s->stdin_line;
		}
		if (s->set & CONFIG_TYPE_ONESHOT)
			t->oneshot = s->oneshot;
		if (s->set & CONFIG_TYPE_READY_INTERVAL)
			t->ready_interval_ms = s->ready_interval_ms;
		if (s->set & CONFIG_TYPE_READY_TIMEOUT)
			t->ready_timeout_ms = s->ready_timeout_ms;
		if (s->set & CONFIG_TYPE_READY) {
			probe_free(&t->ready);
			probe_copy(&t->ready, &s->ready);
		}
		if (s->set & CONFIG_TYPE_AFTER) {
			probe_after_free(t->after, t->nafter);
			t->after = xreallocarray(NULL, s->nafter + 1,
			    sizeof *t->after);
			for (k = 0; k < s->nafter; k++) {
				t->after[k].type = xstrdup(s->after[k].type);
				t->after[k].cond = s->after[k].cond;
			}
			t->nafter = s->nafter;
			t->after_line = s->after_line;
		}
		t->set |= s->set;
	}
}

/* Returns the [process.TYPE] settings for type, or NULL. */
const struct config_type *
config_type_find(const struct config *c, const char *type)
{
	size_t i;

	if (type == NULL)
		return NULL;
	for (i = 0; i < c->ntypes; i++) {
		if (strcmp(c->types[i].name, type) == 0)
			return &c->types[i];
	}
	return NULL;
}

/* Returns type's stop signal: SIGTERM unless its section says otherwise. */
int
config_stop_signal(const struct config *c, const char *type)
{
	const struct config_type *t;

	t = config_type_find(c, type);
	if (t != NULL && (t->set & CONFIG_TYPE_STOP_SIGNAL))
		return t->stop_signal;
	return SIGTERM;
}

/* Returns type's stop timeout in milliseconds. */
uint64_t
config_timeout_ms(const struct config *c, const char *type)
{
	const struct config_type *t;

	t = config_type_find(c, type);
	if (t != NULL && (t->set & CONFIG_TYPE_TIMEOUT))
		return t->timeout_ms;
	if (c->set & CONFIG_TIMEOUT)
		return c->timeout_ms;
	return CONFIG_TIMEOUT_DEFAULT_MS;
}

/* Returns type's restart policy. */
enum config_restart
config_restart_of(const struct config *c, const char *type)
{
	const struct config_type *t;

	t = config_type_find(c, type);
	if (t != NULL && (t->set & CONFIG_TYPE_RESTART))
		return t->restart;
	if (c->set & CONFIG_RESTART)
		return c->restart;
	return CONFIG_RESTART_NEVER;
}

/*
 * Tells whether type may exit without stopping the rest. can_die in the
 * type's section overrides the global list either way, as every other
 * per-type setting does (SPEC section 6).
 */
int
config_can_die(const struct config *c, const char *type)
{
	const struct config_type *t;
	size_t i;

	t = config_type_find(c, type);
	if (t != NULL && (t->set & CONFIG_TYPE_CAN_DIE))
		return t->can_die;
	for (i = 0; type != NULL && i < c->ncan_die; i++) {
		if (strcmp(c->can_die[i], type) == 0)
			return 1;
	}
	return 0;
}
