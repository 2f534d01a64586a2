/*
 * config.c: tfrun's settings (SPEC section 8): the one table of settings,
 * the value kinds, tfrun.ini through inih, the TFRUN_* variables, and the
 * stacking of layers. Every setting is one row of config_settings; the
 * code below knows kinds, never individual settings.
 *
 * tfrun.ini reaches inih through a reader that hands it one line per call
 * and counts them, so the handler knows its line (this inih is built
 * without INI_HANDLER_LINENO). The reader keeps only what inih cannot do
 * for a user: it refuses over-long lines and NUL bytes (inih would split
 * or cut them), and it reads [section] lines itself, because inih cuts
 * section names to 49 bytes and a [process.TYPE] may be 71. Whether a line
 * was a pair or a continuation is seen from inih's calls, not predicted;
 * a line inih neither passed on nor skipped as a comment is a syntax
 * error, which inih counts but does not report beyond the first.
 */
#include <ctype.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
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

#define CONFIG_TIMEOUT_MAX_S 86400
#define CONFIG_QUOTE_MAX 128

/* The commands that load the app, the client commands, and one. */
#define APP (CONFIG_CMD(CLI_START) | CONFIG_CMD(CLI_RUN) | \
    CONFIG_CMD(CLI_CHECK) | CONFIG_CMD(CLI_ENV) | CONFIG_CMD(CLI_EXPORT))
#define CTL (CONFIG_CMD(CLI_PS) | CONFIG_CMD(CLI_SCALE) | \
    CONFIG_CMD(CLI_RESTART) | CONFIG_CMD(CLI_STOP) | \
    CONFIG_CMD(CLI_SIGNAL) | CONFIG_CMD(CLI_LOGS) | CONFIG_CMD(CLI_WAIT) | \
    CONFIG_CMD(CLI_ATTACH) | CONFIG_CMD(CLI_QUIT))
#define CMD(c) CONFIG_CMD(CLI_##c)
#define C(f) offsetof(struct config, f)
#define T(f) offsetof(struct config_type, f)
#define L(f) offsetof(struct cli, f)

/*
 * The settings. Columns: flags, letters, negs, [tfrun] key, [process.TYPE]
 * key, variable, flag argument, kind, field, type field, offsets,
 * commands, default, help. Adding a setting is adding a row (and its
 * field): the parsers, `tfrun help` and tests/unit/test_settings.c (every
 * row in the man page, reachable by flag, variable and key) follow.
 */
const struct config_setting config_settings[] = {
	{ "procfile", "f", NULL, "procfile", NULL, "TFRUN_PROCFILE", "FILE",
	    CONFIG_K_STRING, CONFIG_PROCFILE, 0, C(procfile), 0, APP, NULL,
	    "the Procfile (default: Procfile in the root)" },
	{ "root", "d", NULL, NULL, NULL, "TFRUN_ROOT", "DIR", CONFIG_K_STRING,
	    CONFIG_ROOT, 0, C(root), 0, APP | CTL, NULL,
	    "app root (default: the Procfile's directory)" },
	{ "env", "e", NULL, "env", NULL, "TFRUN_ENV", "FILE[,FILE]",
	    CONFIG_K_FILES, CONFIG_ENV, 0, C(env), 0, APP, NULL,
	    "env files, later win; repeatable (default: .env)" },
	{ "env-override", "", "no-env-override", "env_override", NULL,
	    "TFRUN_ENV_OVERRIDE", NULL, CONFIG_K_BOOL, CONFIG_ENV_OVERRIDE, 0,
	    C(env_override), 0, APP, "true", "env files beat the real "
	    "environment (default)|the real environment beats env files" },
	{ "formation|concurrency", "mc", NULL, "formation|concurrency", NULL,
	    "TFRUN_FORMATION", "SPEC", CONFIG_K_STRING, CONFIG_FORMATION, 0,
	    C(formation), 0, CMD(START) | CMD(CHECK) | CMD(EXPORT), NULL,
	    "all=N,TYPE=N,... (default: all=1)" },
	{ "port", "p", NULL, "port", NULL, "TFRUN_PORT", "N", CONFIG_K_PORT,
	    CONFIG_PORT, 0, C(port), 0, APP, NULL,
	    "base port (default: env's PORT, else 5000)" },
	{ "port-step", "", NULL, "port_step", NULL, "TFRUN_PORT_STEP", "N",
	    CONFIG_K_PORT_STEP, CONFIG_PORT_STEP, 0, C(port_step), 0,
	    APP & ~CMD(RUN), "100",
	    "port distance between types (default: 100)" },
	{ "timeout", "t", NULL, "timeout", "timeout", "TFRUN_TIMEOUT",
	    "SECONDS", CONFIG_K_SECONDS, CONFIG_TIMEOUT, CONFIG_TYPE_TIMEOUT,
	    C(timeout_ms), T(timeout_ms), CMD(START) | CMD(EXPORT), "5",
	    "grace before SIGKILL, decimals ok (default: 5)" },
	{ "color", "", "no-color|no-colour", "color", NULL, "TFRUN_COLOR",
	    "[WHEN]", CONFIG_K_COLOR, CONFIG_COLOR, 0, C(color), 0, CMD(START),
	    "auto", "auto, always, never; bare: always (default: auto)|"
	    "the same as --color never" },
	{ "no-timestamp", "", "timestamp", "no_timestamp", NULL,
	    "TFRUN_NO_TIMESTAMP", NULL, CONFIG_K_BOOL, CONFIG_NO_TIMESTAMP, 0,
	    C(no_timestamp), 0, CMD(START), "false",
	    "no time in the log prefix|the time in the log prefix (default)" },
	{ "no-prefix", "", NULL, "no_prefix", NULL, "TFRUN_NO_PREFIX", NULL,
	    CONFIG_K_BOOL, CONFIG_NO_PREFIX, 0, C(no_prefix), 0, CMD(START),
	    "false", "bare output lines, no prefix (default: prefixed)" },
	{ "log-format", "", NULL, "log_format", NULL, "TFRUN_LOG_FORMAT",
	    "FMT", CONFIG_K_LOG_FORMAT, CONFIG_LOG_FORMAT, 0, C(log_format), 0,
	    CMD(START), "text", "text or json (default: text)" },
	{ "restart", "", NULL, "restart", "restart", "TFRUN_RESTART",
	    "POLICY", CONFIG_K_RESTART, CONFIG_RESTART, CONFIG_TYPE_RESTART,
	    C(restart), T(restart), CMD(START) | CMD(EXPORT), "never",
	    "never, on-failure or always (default: never)" },
	{ "can-die", "", NULL, "can_die", NULL, "TFRUN_CAN_DIE", "TYPE[,TYPE]",
	    CONFIG_K_TYPES, CONFIG_CAN_DIE, 0, C(can_die), 0, CMD(START) |
	    CMD(CHECK) | CMD(EXPORT), "", "may exit alone; repeatable "
	    "(default: none)" },
	{ "quiet", "q", NULL, "quiet", NULL, "TFRUN_QUIET", "TYPE[,TYPE]",
	    CONFIG_K_TYPES, CONFIG_QUIET, 0, C(quiet), 0, CMD(START) |
	    CMD(CHECK), NULL, "do not log their output (default: none)" },
	{ "tty", "", NULL, "tty", "tty", "TFRUN_TTY", "WHEN", CONFIG_K_TTY,
	    CONFIG_TTY, CONFIG_TYPE_TTY, C(tty), T(tty), CMD(START), "auto",
	    "ptys: auto, always or never (default: auto)" },
	{ "stdin", "", NULL, NULL, NULL, "TFRUN_STDIN", "NAME",
	    CONFIG_K_INSTANCE, CONFIG_STDIN, 0, C(stdin_name), 0, CMD(START),
	    NULL, "the instance the terminal's input goes to" },
	{ "isolate", "", NULL, "isolate", NULL, "TFRUN_ISOLATE", NULL,
	    CONFIG_K_BOOL, CONFIG_ISOLATE, 0, C(isolate), 0, CMD(START),
	    "false", "run in a PID namespace (default: off)" },
	{ "daemon", "D", NULL, NULL, NULL, NULL, NULL, CONFIG_K_BOOL,
	    CONFIG_DAEMON, 0, C(daemon), 0, CMD(START), "false",
	    "detach once started; log to --log-file" },
	{ "log-file", "", NULL, "log_file", NULL, "TFRUN_LOG_FILE", "FILE",
	    CONFIG_K_STRING, CONFIG_LOG_FILE, 0, C(log_file), 0, CMD(START),
	    NULL, "the log with -D (default: .tfrun.log in root)" },
	{ "config", "", NULL, NULL, NULL, "TFRUN_CONFIG", "FILE",
	    CONFIG_K_STRING, CONFIG_CONFIG, 0, C(config), 0, APP, NULL,
	    "tfrun's INI file (default: tfrun.ini in root)" },
	{ "socket", "", NULL, "socket", NULL, "TFRUN_SOCKET", "PATH",
	    CONFIG_K_STRING, CONFIG_SOCKET, 0, C(socket), 0, CMD(START) | CTL,
	    NULL, "control socket (default: .tfrun.sock in root)" },
	/* Only in [process.TYPE]. */
	{ NULL, NULL, NULL, NULL, "stop_signal", NULL, NULL, CONFIG_K_SIGNAL, 0,
	    CONFIG_TYPE_STOP_SIGNAL, 0, T(stop_signal), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "can_die", NULL, NULL, CONFIG_K_BOOL, 0,
	    CONFIG_TYPE_CAN_DIE, 0, T(can_die), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "stdin", NULL, NULL, CONFIG_K_BOOL, 0,
	    CONFIG_TYPE_STDIN, 0, T(stdin_wanted), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "ready", NULL, NULL, CONFIG_K_PROBE, 0,
	    CONFIG_TYPE_READY, 0, T(ready), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "ready_interval", NULL, NULL,
	    CONFIG_K_INTERVAL, 0, CONFIG_TYPE_READY_INTERVAL, 0,
	    T(ready_interval_ms), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "ready_timeout", NULL, NULL,
	    CONFIG_K_SECONDS, 0, CONFIG_TYPE_READY_TIMEOUT, 0,
	    T(ready_timeout_ms), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "after", NULL, NULL, CONFIG_K_AFTER, 0,
	    CONFIG_TYPE_AFTER, 0, T(after), 0, NULL, NULL },
	{ NULL, NULL, NULL, NULL, "oneshot", NULL, NULL, CONFIG_K_BOOL, 0,
	    CONFIG_TYPE_ONESHOT, 0, T(oneshot), 0, NULL, NULL },
	/* Options of one command, kept in struct cli. */
	{ "with", "", NULL, NULL, NULL, NULL, "TYPE[,TYPE]", CONFIG_K_TYPES, 0,
	    0, L(with), 0, CMD(RUN), NULL,
	    "start these types first, wait until ready" },
	{ "app", "", NULL, NULL, NULL, NULL, "NAME", CONFIG_K_STRING, 0, 0,
	    L(app), 0, CMD(EXPORT), NULL,
	    "app name (default: the root's directory name)" },
	{ "user", "", NULL, NULL, NULL, NULL, "USER", CONFIG_K_STRING, 0, 0,
	    L(user), 0, CMD(EXPORT), NULL,
	    "user to run as (default: none written)" },
	{ "image", "", NULL, NULL, NULL, NULL, "IMAGE", CONFIG_K_STRING, 0, 0,
	    L(image), 0, CMD(EXPORT), NULL,
	    "container image (required for kubernetes)" },
	{ "force", "", NULL, NULL, NULL, NULL, NULL, CONFIG_K_BOOL, 0, 0,
	    L(force), 0, CMD(EXPORT), NULL,
	    "replace files, remove ones no longer exported" },
	{ "json", "", NULL, NULL, NULL, NULL, NULL, CONFIG_K_BOOL, 0, 0,
	    L(json), 0, CMD(PS), NULL,
	    "print one JSON array (default: a table)" },
	{ "lines", "n", NULL, NULL, NULL, NULL, "N", CONFIG_K_LINES, 0, 0,
	    L(lines), 0, CMD(LOGS), NULL, "how many lines (default: 100)" },
	{ "follow", "f", NULL, NULL, NULL, NULL, NULL, CONFIG_K_BOOL, 0, 0,
	    L(follow), 0, CMD(LOGS), NULL,
	    "go on until ^C or until tfrun exits" },
	{ "timeout", "", NULL, NULL, NULL, NULL, "SECONDS", CONFIG_K_SECONDS,
	    0, 0, L(wait_timeout_ms), 0, CMD(WAIT), NULL,
	    "how long to wait (default: no limit)" },
	{ "help", "h", NULL, NULL, NULL, NULL, NULL, CONFIG_K_BOOL, 0, 0,
	    L(help), 0, ~0u, NULL, "show this help" },
	{ "version", "V", NULL, NULL, NULL, NULL, NULL, CONFIG_K_BOOL, 0, 0,
	    L(version), 0, ~0u, NULL, "print tfrun's version" }
};
const size_t config_nsettings = nitems(config_settings);

/* Lists are a pointer followed by their count, whatever the struct. */
_Static_assert(C(nenv) == C(env) + sizeof(char **) &&
    C(ncan_die) == C(can_die) + sizeof(char **) &&
    C(nquiet) == C(quiet) + sizeof(char **) &&
    L(nwith) == L(with) + sizeof(char **), "list layout");
_Static_assert(sizeof(enum config_color) == sizeof(int) &&
    sizeof(enum config_restart) == sizeof(int), "enums are ints");

static const char *const config_when[] = { "auto", "always", "never", NULL };
static const char *const config_formats[] = { "text", "json", NULL };
static const char *const config_policies[] = {
	"never", "on-failure", "always", NULL
};

/* What each kind accepts, and what is said of a value it refuses. */
static const struct {
	const char *const *words;	/* enum kinds: the values, in order */
	const char *what;
} config_kinds[] = {
	[CONFIG_K_BOOL] = { NULL,
	    "is not a boolean (true/false, yes/no, on/off, 1/0)" },
	[CONFIG_K_PORT] = { NULL, "is not a port number (1-65535)" },
	[CONFIG_K_PORT_STEP] = { NULL, "is not a port step (1-65535)" },
	[CONFIG_K_LINES] = { NULL, "is not a number of lines" },
	[CONFIG_K_SECONDS] = { NULL, "is not a number of seconds" },
	[CONFIG_K_INTERVAL] = { NULL, "is not a number of seconds" },
	[CONFIG_K_COLOR] = { config_when, "must be auto, always or never" },
	[CONFIG_K_TTY] = { config_when, "must be auto, always or never" },
	[CONFIG_K_LOG_FORMAT] = { config_formats, "must be text or json" },
	[CONFIG_K_RESTART] = { config_policies,
	    "must be never, on-failure or always" },
	[CONFIG_K_SIGNAL] = { NULL, "is not a signal" },
	[CONFIG_K_INSTANCE] = { NULL,
	    "is not an instance name (TYPE or TYPE.N)" },
	[CONFIG_K_AFTER] = { NULL, NULL }
};

/* The state of one config_parse_ini call, shared by reader and handler. */
struct config_ini {
	const char *fname;
	const char *buf;	/* borrowed: the whole text */
	size_t len, off;	/* off: start of the next line */
	unsigned lineno;	/* the line last given to inih */
	int passed;		/* it was a section, a comment or reported */
	int indented;		/* it begins with white space */
	unsigned called;	/* the last line inih called the handler for */
	unsigned first_error;	/* the first syntax error, as inih counts */
	int prev_name;		/* inih has a key to continue */
	struct config *c;
	struct buf errors;	/* "FNAME:LINE: ...\n" lines */
	const struct config_setting *key; /* the last [tfrun] key */
	char *keyname;		/* owned, escaped */
	unsigned key_line;
	enum { CONT_IGNORE, CONT_LIST, CONT_REFUSE } cont; /* what an
				   indented line after the key does */
	unsigned comma_line;	/* a list line ending in ',', or 0 */
	char *comma_value;	/* owned */
	enum { IN_NONE, IN_TFRUN, IN_TYPE, IN_BAD } section;
	size_t type;		/* c->types index for IN_TYPE */
};

/* Returns the field bit's index in origin[]. */
unsigned
config_field_index(unsigned field)
{
	unsigned i;

	for (i = 0; i < CONFIG_NFIELDS && !(field & (1u << i)); i++)
		;
	return i < CONFIG_NFIELDS ? i : 0;
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
	const char *bar;

	for (; list != NULL && i > 0; i--)
		list = (bar = strchr(list, '|')) != NULL ? bar + 1 : NULL;
	if (list == NULL)
		return NULL;
	bar = strchr(list, '|');
	return bar != NULL ? xstrndup(list, (size_t)(bar - list)) :
	    xstrdup(list);
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
 * Parses seconds with optional decimals ("5", "2.5", ".5", "1.") into
 * milliseconds, rounded up. Returns 0, -1 for another form, or -2 for
 * more than 86400 seconds.
 */
static int
config_parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t secs = 0, frac = 0;
	size_t whole, n;
	int digits = 0, up = 0;

	whole = strspn(s, "0123456789");
	n = s[whole] == '.' ? strspn(s + whole + 1, "0123456789") : 0;
	if (whole + n == 0 || s[whole + (s[whole] == '.') + n] != '\0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		/* Past the maximum the value no longer matters. */
		if (secs <= CONFIG_TIMEOUT_MAX_S)
			secs = secs * 10 + (uint64_t)(*s - '0');
	}
	for (s += *s == '.'; *s != '\0'; s++) {
		if (digits < 3) {
			frac = frac * 10 + (uint64_t)(*s - '0');
			digits++;
		} else if (*s != '0')
			up = 1;
	}
	for (; digits < 3; digits++)
		frac *= 10;
	if (secs > CONFIG_TIMEOUT_MAX_S ||
	    secs * 1000 + frac + up > CONFIG_TIMEOUT_MAX_S * 1000ULL)
		return -2;
	*ms = secs * 1000 + frac + up;
	return 0;
}

/* Parses a value of a kind without lists; see config.h. */
int
config_parse_value(enum config_kind kind, const char *s, void *out,
    char **why)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *const *w = config_kinds[kind].words;
	struct probe_after *after;
	struct probe probe;
	uint64_t ms;
	size_t i, n;
	long v;
	int rc;

	switch (kind) {
	case CONFIG_K_BOOL:
		for (i = 0; i < nitems(yes); i++) {
			if (strcasecmp(s, yes[i]) == 0 ||
			    strcasecmp(s, no[i]) == 0) {
				*(int *)out = strcasecmp(s, yes[i]) == 0;
				return 0;
			}
		}
		break;
	case CONFIG_K_PORT:
	case CONFIG_K_PORT_STEP:
	case CONFIG_K_LINES:
		n = strlen(s);
		v = n > 0 && n <= 9 && strspn(s, "0123456789") == n ?
		    strtol(s, NULL, 10) : -1;
		if (v >= (kind != CONFIG_K_LINES) && (v <= 65535 ||
		    kind == CONFIG_K_LINES)) {
			*(long *)out = v;
			return 0;
		}
		break;
	case CONFIG_K_SECONDS:
	case CONFIG_K_INTERVAL:
		if ((rc = config_parse_seconds(s, &ms)) == 0 &&
		    (ms > 0 || kind == CONFIG_K_SECONDS)) {
			*(uint64_t *)out = ms;
			return 0;
		}
		if (rc == -2 || (rc == 0 && kind == CONFIG_K_INTERVAL))
			return config_why(why, s, strlen(s), kind ==
			    CONFIG_K_SECONDS ? "is more than 86400 seconds" :
			    "is not from 0.001 to 86400 seconds");
		break;
	case CONFIG_K_SIGNAL:
		if (sig_parse(s, out) == 0)
			return 0;
		break;
	case CONFIG_K_STRING:
		if (*s == '\0') {
			if (why != NULL)
				*why = xstrdup("empty value");
			return -1;
		}
		goto string;
	case CONFIG_K_INSTANCE:
		if (procfile_valid_instance(s))
			goto string;
		break;
	case CONFIG_K_PROBE:
		if (probe_parse(s, &probe, why) != 0)
			return -1;
		probe_free(&probe);
		goto string;
	case CONFIG_K_AFTER:
		if (probe_after_parse(s, &after, &n, why) != 0)
			return -1;
		probe_after_free(after, n);
		goto string;
	default:
		for (i = 0; w != NULL && w[i] != NULL; i++) {
			if (strcmp(s, w[i]) == 0) {
				*(int *)out = (int)i;
				return 0;
			}
		}
		break;
	}
	return config_why(why, s, strlen(s), config_kinds[kind].what);
string:
	free(*(char **)out);
	*(char **)out = xstrdup(s);
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

/*
 * Splits a comma-separated list into owned, trimmed, non-empty items and
 * adds them to *v (after emptying it unless append). With types, items
 * must be type names. Returns 0, or -1 with *why allocated.
 */
static int
config_set_list(enum config_kind kind, const char *s, char ***v, size_t *n,
    int append, char **why)
{
	const char *p = s, *end, *a, *z;
	char **items = NULL;
	size_t ni = 0;

	for (;; p = end + 1) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		for (a = p; a < end && (*a == ' ' || *a == '\t'); a++)
			;
		for (z = end; z > a && (z[-1] == ' ' || z[-1] == '\t'); z--)
			;
		if (a == z || (kind == CONFIG_K_TYPES &&
		    !procfile_valid_name(a, (size_t)(z - a)))) {
			config_free_list(items, ni);
			return a == z ? config_why(why, s, strlen(s),
			    "has an empty item") : config_why(why, a, (size_t)(z -
			    a), "is not a valid process type name");
		}
		items = xreallocarray(items, ni + 1, sizeof *items);
		items[ni++] = xstrndup(a, (size_t)(z - a));
		if (*end == '\0')
			break;
	}
	if (!append) {
		config_free_list(*v, *n);
		*n = 0;
	}
	*v = xreallocarray(append ? *v : NULL, *n + ni, sizeof **v);
	memcpy(*v + *n, items, ni * sizeof *items);
	*n += ni;
	free(items);
	return 0;
}

/*
 * Frees the value of kind at dst, then makes it a deep copy of the one at
 * src (or zero when src is NULL).
 */
static void
config_copy(enum config_kind kind, void *dst, const void *src)
{
	char ***list = dst;
	size_t *n = (size_t *)(list + 1), i;

	switch (kind) {
	case CONFIG_K_FILES:
	case CONFIG_K_TYPES:
		config_free_list(*list, *n);
		*list = NULL;
		*n = src != NULL ? *(const size_t *)((char **const *)src + 1) :
		    0;
		if (*n > 0)
			*list = xreallocarray(NULL, *n, sizeof **list);
		for (i = 0; i < *n; i++)
			(*list)[i] = xstrdup((*(char **const *)src)[i]);
		return;
	case CONFIG_K_STRING:
	case CONFIG_K_INSTANCE:
	case CONFIG_K_PROBE:
	case CONFIG_K_AFTER:
		free(*(char **)dst);
		*(char **)dst = src != NULL && *(char *const *)src != NULL ?
		    xstrdup(*(char *const *)src) : NULL;
		return;
	case CONFIG_K_PORT:
	case CONFIG_K_PORT_STEP:
	case CONFIG_K_LINES:
		i = sizeof(long);
		break;
	case CONFIG_K_SECONDS:
	case CONFIG_K_INTERVAL:
		i = sizeof(uint64_t);
		break;
	default:
		i = sizeof(int);
		break;
	}
	if (src != NULL)
		memcpy(dst, src, i);
}

/* Stores value as setting s; see config.h. */
int
config_set(void *base, const struct config_setting *s, int type,
    const char *value, const char *origin, int append, char **why)
{
	struct config *c = base;
	char *p = (char *)base + (type ? s->toff : s->off);
	unsigned k;
	int rc;

	if (s->kind == CONFIG_K_FILES || s->kind == CONFIG_K_TYPES)
		rc = config_set_list(s->kind, value, (char ***)p,
		    (size_t *)(p + sizeof(char **)), append, why);
	else
		rc = config_parse_value(s->kind, value, p, why);
	if (rc != 0)
		return -1;
	if (type)
		((struct config_type *)base)->set |= s->tfield;
	else if (s->field != 0) {
		k = config_field_index(s->field);
		free(c->origin[k]);
		c->origin[k] = xstrdup(origin);
		c->set |= s->field;
	}
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
	size_t i, j;

	for (i = 0; i < nitems(c->origin); i++)
		free(c->origin[i]);
	for (i = 0; i < nitems(config_settings); i++) {
		s = &config_settings[i];
		if (s->field != 0)
			config_copy(s->kind, (char *)c + s->off, NULL);
		for (j = 0; s->tkey != NULL && j < c->ntypes; j++)
			config_copy(s->kind, (char *)&c->types[j] + s->toff,
			    NULL);
	}
	for (i = 0; i < c->ntypes; i++)
		free(c->types[i].name);
	free(c->types);
	config_init(c);
}

/*
 * Makes c the built-in defaults (c's old content is not freed). An empty
 * default is an empty list, set.
 */
void
config_defaults(struct config *c)
{
	const struct config_setting *s;
	size_t i;

	config_init(c);
	for (i = 0; i < nitems(config_settings); i++) {
		s = &config_settings[i];
		if (s->def == NULL || s->field == 0)
			continue;
		if (*s->def != '\0' && config_set(c, s, 0, s->def, "default", 0,
		    NULL) != 0)
			abort();
		c->set |= s->field;
		free(c->origin[config_field_index(s->field)]);
		c->origin[config_field_index(s->field)] = xstrdup("default");
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

/* Records "FNAME:LINE: KEY: WHY" and frees why. */
static void
config_ini_why(struct config_ini *ci, char *why)
{
	config_ini_error(ci, ci->lineno, "%s: %s", ci->keyname, why);
	free(why);
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

/* Reports a list line left ending in ',' when no continuation followed. */
static void
config_ini_flush(struct config_ini *ci)
{
	char *why;

	if (ci->comma_line == 0)
		return;
	config_why(&why, ci->comma_value, strlen(ci->comma_value),
	    "has an empty item");
	config_ini_error(ci, ci->comma_line, "%s: %s", ci->keyname, why);
	free(why);
	free(ci->comma_value);
	ci->comma_value = NULL;
	ci->comma_line = 0;
}

/* Handles a "[name]" line (s after its '['); returns 0, or -1 if bad. */
static int
config_ini_section(struct config_ini *ci, const char *s)
{
	const char *end, *tail;
	char *name, *v;

	config_ini_flush(ci);
	if ((end = strchr(s, ']')) == NULL) {
		config_ini_error(ci, ci->lineno, "section header without ']'");
		return -1;
	}
	ci->section = IN_BAD;
	ci->prev_name = 0;
	for (tail = end + 1; isspace((unsigned char)*tail); tail++)
		;
	if (*tail != '\0' && *tail != ';' && *tail != '#')
		config_ini_error(ci, ci->lineno, "unexpected text after ']'");
	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	name = xstrndup(s, (size_t)(end - s));
	v = config_printable(name);
	if (strcmp(name, "tfrun") == 0)
		ci->section = IN_TFRUN;
	else if (strncmp(name, "process.", 8) != 0)
		config_ini_error(ci, ci->lineno, "unknown section [%s] "
		    "(expected [tfrun] or [process.TYPE])", v);
	else if (!procfile_valid_name(name + 8, strlen(name + 8)))
		config_ini_error(ci, ci->lineno, "'%s' is not a valid process "
		    "type name in [%s]", v + 8, v);
	else {
		ci->section = IN_TYPE;
		ci->type = config_type_add(ci->c, name + 8, ci->lineno);
	}
	free(name);
	free(v);
	return 0;
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
	const char *p, *nl, *s;
	size_t n;

	if (ci->lineno > 0 && !ci->passed && ci->called != ci->lineno) {
		config_ini_error(ci, ci->lineno,
		    "expected KEY = VALUE, [SECTION] or a comment");
		if (ci->first_error == 0)
			ci->first_error = ci->lineno;
	}
	if (ci->off >= ci->len || num < 6) {
		config_ini_flush(ci);
		return NULL;
	}
	p = ci->buf + ci->off;
	nl = memchr(p, '\n', ci->len - ci->off);
	n = nl != NULL ? (size_t)(nl - p) : ci->len - ci->off;
	ci->off += n + (nl != NULL);
	ci->lineno++;
	ci->passed = 1;
	strcpy(str, "\n");
	if (memchr(p, '\0', n) != NULL)
		config_ini_error(ci, ci->lineno, "NUL byte in line");
	else if (n > (size_t)num - 2)
		config_ini_error(ci, ci->lineno, "line longer than %d bytes",
		    num - 2);
	else {
		memcpy(str, p, n);
		str[n] = '\0';
		s = str + (ci->lineno == 1 && strncmp(str, "\xef\xbb\xbf",
		    3) == 0 ? 3 : 0);
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '[') {
			strcpy(str, config_ini_section(ci, s + 1) == 0 ?
			    "[s]\n" : "\n");
			return str;
		}
		ci->passed = *s == '\0' || *s == ';' || *s == '#';
		ci->indented = isspace((unsigned char)str[0]);
		memcpy(str + n, "\n", 2);
	}
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
		    (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	for (end = p; end > v && isspace((unsigned char)end[-1]); end--)
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
	char *origin, *copy, *why;
	size_t n;
	int comma;

	copy = xstrdup(v);
	n = strlen(copy);
	if ((comma = n > 0 && copy[n - 1] == ',')) {
		copy[--n] = '\0';
		while (n > 0 && isspace((unsigned char)copy[n - 1]))
			copy[--n] = '\0';
	}
	xasprintf(&origin, "%s:%u", ci->fname, ci->key_line);
	ci->cont = CONT_IGNORE;
	if (comma && *copy == '\0') {
		config_why(&why, v, strlen(v), "has an empty item");
		config_ini_why(ci, why);
	} else if (config_set(ci->c, ci->key, 0, copy, origin, append,
	    &why) != 0)
		config_ini_why(ci, why);
	else {
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
	const struct config_setting *s = NULL;
	struct config_type *t = NULL;
	char *origin, *why, *key;
	size_t i, j;
	int found = 0;

	if (ci->section == IN_TYPE)
		t = &ci->c->types[ci->type];

	config_ini_flush(ci);
	free(ci->keyname);
	ci->keyname = config_printable(name);
	ci->key_line = ci->lineno;
	ci->cont = CONT_IGNORE;
	for (i = 0; !found && i < nitems(config_settings); i++) {
		s = &config_settings[i];
		for (j = 0; !found && (key = config_spelling(ci->section ==
		    IN_TFRUN ? s->key : s->tkey, j)) != NULL; j++) {
			found = strcmp(key, name) == 0;
			free(key);
		}
	}
	if (ci->section == IN_NONE)
		config_ini_error(ci, ci->lineno,
		    "key '%s' outside any section", ci->keyname);
	else if (ci->section == IN_BAD)
		return;
	else if (!found)
		config_ini_error(ci, ci->lineno, "unknown key '%s' in %s%s%s",
		    ci->keyname, t == NULL ? "[tfrun" : "[process.",
		    t == NULL ? "" : t->name, "]");
	else if (ci->section == IN_TYPE) {
		if (config_set(t, s, 1, v, NULL, 0, &why) != 0)
			config_ini_why(ci, why);
		else {
			t->line_of[config_field_index(s->tfield)] = ci->lineno;
			ci->cont = CONT_REFUSE;
		}
	} else if ((ci->key = s)->kind == CONFIG_K_FILES ||
	    s->kind == CONFIG_K_TYPES)
		config_ini_list(ci, v, 0);
	else {
		xasprintf(&origin, "%s:%u", ci->fname, ci->lineno);
		if (config_set(ci->c, s, 0, v, origin, 0, &why) != 0)
			config_ini_why(ci, why);
		else
			ci->cont = CONT_REFUSE;
		free(origin);
	}
}

/*
 * inih's handler. A call is a continuation when the line is indented and
 * inih still has a key since the last section (its prev_name): that is
 * inih's own rule. inih's section argument is not used: the reader knows
 * the whole name.
 */
static int
config_ini_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_ini *ci = user;
	char *v;

	v = config_ini_value(value);
	ci->called = ci->lineno;
	if (!ci->prev_name || !ci->indented) {
		ci->prev_name = *name != '\0';
		config_ini_pair(ci, name, v);
	} else if (ci->cont == CONT_LIST) {
		free(ci->comma_value);
		ci->comma_value = NULL;
		ci->comma_line = 0;
		config_ini_list(ci, v, 1);
	} else if (ci->cont == CONT_REFUSE) {
		config_ini_error(ci, ci->lineno, "indented line continues "
		    "'%s', which takes one value", ci->keyname);
		ci->cont = CONT_IGNORE;
	}
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
	r = ini_parse_stream(config_ini_reader, &ci, config_ini_handler, &ci);
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
	const struct config_setting *s;
	struct buf errors = BUF_INIT;
	const char *v;
	char *why;
	size_t i;

	for (i = 0; i < nitems(config_settings); i++) {
		s = &config_settings[i];
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
	size_t i, j, k;

	for (i = 0; i < nitems(config_settings); i++) {
		s = &config_settings[i];
		if (!(src->set & s->field))
			continue;
		k = config_field_index(s->field);
		free(dst->origin[k]);
		dst->origin[k] = xstrdup(src->origin[k]);
		dst->set |= s->field;
		config_copy(s->kind, (char *)dst + s->off,
		    (const char *)src + s->off);
	}
	for (j = 0; j < src->ntypes; j++) {
		st = &src->types[j];
		/* Adding may move dst->types: index it afterwards. */
		k = config_type_add(dst, st->name, st->line);
		t = &dst->types[k];
		for (i = 0; i < nitems(config_settings); i++) {
			s = &config_settings[i];
			if (s->tkey == NULL || !(st->set & s->tfield))
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

	if (t != NULL && (t->set & CONFIG_TYPE_STOP_SIGNAL))
		return t->stop_signal;
	return SIGTERM;
}

/* Returns type's stop timeout in milliseconds. */
uint64_t
config_timeout_ms(const struct config *c, const char *type)
{
	const struct config_type *t = config_type_find(c, type);

	if (t != NULL && (t->set & CONFIG_TYPE_TIMEOUT))
		return t->timeout_ms;
	return (c->set & CONFIG_TIMEOUT) ? c->timeout_ms : 5000;
}

/* Returns type's restart policy. */
enum config_restart
config_restart_of(const struct config *c, const char *type)
{
	const struct config_type *t = config_type_find(c, type);

	if (t != NULL && (t->set & CONFIG_TYPE_RESTART))
		return t->restart;
	return (c->set & CONFIG_RESTART) ? c->restart : CONFIG_RESTART_NEVER;
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
