/*
 * config.h: tfrun's settings (SPEC section 8). One struct config holds one
 * layer of settings (built-in defaults, tfrun.ini, TFRUN_* variables or the
 * command line); config_apply stacks the layers. Pure: the INI text and the
 * variables come in as arguments.
 */
#ifndef TFRUN_CONFIG_H
#define TFRUN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "probe.h"

enum config_color {
	CONFIG_COLOR_AUTO,
	CONFIG_COLOR_ALWAYS,
	CONFIG_COLOR_NEVER
};

enum config_tty {
	CONFIG_TTY_AUTO,
	CONFIG_TTY_ALWAYS,
	CONFIG_TTY_NEVER
};

enum config_restart {
	CONFIG_RESTART_NEVER,
	CONFIG_RESTART_ON_FAILURE,
	CONFIG_RESTART_ALWAYS
};

enum config_log_format {
	CONFIG_LOG_TEXT,
	CONFIG_LOG_JSON
};

/* Bits of struct config's set: which fields this layer gives a value. */
enum config_field {
	CONFIG_PROCFILE = 1u << 0,
	CONFIG_ROOT = 1u << 1,
	CONFIG_ENV = 1u << 2,
	CONFIG_ENV_OVERRIDE = 1u << 3,
	CONFIG_FORMATION = 1u << 4,
	CONFIG_PORT = 1u << 5,
	CONFIG_PORT_STEP = 1u << 6,
	CONFIG_TIMEOUT = 1u << 7,
	CONFIG_COLOR = 1u << 8,
	CONFIG_NO_TIMESTAMP = 1u << 9,
	CONFIG_NO_PREFIX = 1u << 10,
	CONFIG_LOG_FORMAT = 1u << 11,
	CONFIG_RESTART = 1u << 12,
	CONFIG_CAN_DIE = 1u << 13,
	CONFIG_CONFIG = 1u << 14,
	CONFIG_SOCKET = 1u << 15,
	CONFIG_QUIET = 1u << 16,
	CONFIG_ISOLATE = 1u << 17,
	CONFIG_TTY = 1u << 18,
	CONFIG_STDIN = 1u << 19,
	CONFIG_DAEMON = 1u << 20,
	CONFIG_LOG_FILE = 1u << 21
};

/* Bits of struct config_type's set. */
enum config_type_field {
	CONFIG_TYPE_STOP_SIGNAL = 1u << 0,
	CONFIG_TYPE_TIMEOUT = 1u << 1,
	CONFIG_TYPE_RESTART = 1u << 2,
	CONFIG_TYPE_CAN_DIE = 1u << 3,
	CONFIG_TYPE_TTY = 1u << 4,
	CONFIG_TYPE_STDIN = 1u << 5,
	CONFIG_TYPE_READY = 1u << 6,
	CONFIG_TYPE_READY_INTERVAL = 1u << 7,
	CONFIG_TYPE_READY_TIMEOUT = 1u << 8,
	CONFIG_TYPE_AFTER = 1u << 9,
	CONFIG_TYPE_ONESHOT = 1u << 10
};

#define CONFIG_READY_INTERVAL_MS 250
#define CONFIG_READY_TIMEOUT_MS 60000

/* Per process type settings, from a [process.TYPE] section. */
struct config_type {
	char *name;    /* owned: TYPE */
	unsigned line; /* line of the section header, for messages */
	unsigned set;  /* enum config_type_field bits */
	int stop_signal;
	uint64_t timeout_ms;
	enum config_restart restart;
	int can_die;
	enum config_tty tty;
	int stdin_wanted;           /* stdin = true */
	struct probe ready;         /* owned; PROBE_NONE when unset */
	uint64_t ready_interval_ms;
	uint64_t ready_timeout_ms;
	struct probe_after *after;  /* owned */
	size_t nafter;
	int oneshot;
	unsigned stdin_line;        /* lines of stdin = and after =, for messages */
	unsigned after_line;
};

struct config {
	unsigned set; /* enum config_field bits */
	/*
	 * origin[k] says where field bit k came from ("--port",
	 * "TFRUN_PORT", "tfrun.ini:3"); owned, NULL when unset. Messages
	 * about a value found later (an unknown type in a formation) use it.
	 */
	char *origin[32];

	char *procfile;   /* owned */
	char *root;       /* owned */
	char **env;       /* owned array of owned file names */
	size_t nenv;
	int env_override;
	char *formation;  /* owned; the unparsed spec */
	long port;
	long port_step;
	uint64_t timeout_ms;
	enum config_color color;
	int no_timestamp;
	int no_prefix;
	enum config_log_format log_format;
	enum config_restart restart;
	char **can_die;   /* owned array of owned type names */
	size_t ncan_die;
	char *config;     /* owned: the INI file's path */
	char *socket;     /* owned */
	char **quiet;     /* owned array of owned type names (-q) */
	size_t nquiet;
	int isolate;      /* --isolate: a PID namespace */
	enum config_tty tty;
	char *stdin_name; /* owned: --stdin NAME, "TYPE" or "TYPE.N" */
	int daemon;       /* -D: detach after start */
	char *log_file;   /* owned: --log-file, unresolved */

	struct config_type *types; /* owned; [process.TYPE] sections */
	size_t ntypes;
};

/* Makes c an empty layer: nothing set. */
void config_init(struct config *c);

/* Frees what c owns and leaves it empty. */
void config_free(struct config *c);

/*
 * Makes c the built-in defaults, every field set except procfile, root,
 * env, formation, port, config and socket, whose defaults depend on other
 * settings and are chosen by the caller: port_step 100, timeout 5 s, colour
 * auto, timestamps and prefixes on, text, restart never, env_override on
 * (env files win over the inherited environment, SPEC section 3).
 */
void config_defaults(struct config *c);

/*
 * Parses tfrun.ini text (buf, len bytes; fname in messages) into c with
 * inih. Returns 0, or -1 with *cause allocated: every error found, one per
 * line, each "FNAME:LINE: what is wrong" (unknown section or key, bad
 * value, a [process.TYPE] whose TYPE is not a valid type name).
 */
int config_parse_ini(const char *fname, const char *buf, size_t len,
    struct config *c, char **cause);

/*
 * Reads the TFRUN_* variables through getvar (which returns a value or
 * NULL) into c. An empty variable counts as unset. Returns 0, or -1 with
 * *cause allocated ("TFRUN_PORT: ...", one line per bad variable).
 */
int config_from_env(const char *(*getvar)(void *ctx, const char *name),
    void *ctx, struct config *c, char **cause);

/*
 * Copies every field set in src over dst (strings and arrays are copied),
 * with its origin. [process.TYPE] sections are merged per type and per
 * field the same way.
 */
void config_apply(struct config *dst, const struct config *src);

/* Returns the [process.TYPE] settings for type, or NULL. */
const struct config_type *config_type_find(const struct config *c,
    const char *type);

/*
 * Effective per-type values: the [process.TYPE] value when set, else the
 * global one (can_die: listed in can_die, or can_die = true in the type's
 * section).
 */
int config_stop_signal(const struct config *c, const char *type);
uint64_t config_timeout_ms(const struct config *c, const char *type);
enum config_restart config_restart_of(const struct config *c,
    const char *type);
int config_can_die(const struct config *c, const char *type);

/*
 * Value parsers shared by the INI file, the variables and the command line.
 * Each returns 0 and sets its output, or -1 leaving it alone.
 * - timeout: seconds, decimals allowed ("2.5", ".5", "1."), 0 to 86400.
 * - port: 1 to 65535.  port_step: 1 to 65535.
 * - bool: true/false, yes/no, on/off, 1/0 (any case).
 * - list: comma-separated, blanks around items trimmed, empty items refused.
 */
int config_parse_timeout(const char *s, uint64_t *ms);
int config_timeout_syntax(const char *s); /* 5, 2.5, .5, 1.: any size */
int config_parse_port(const char *s, long *port);
int config_parse_port_step(const char *s, long *step);
int config_parse_bool(const char *s, int *b);
int config_parse_color(const char *s, enum config_color *c);
int config_parse_restart(const char *s, enum config_restart *r);
int config_parse_log_format(const char *s, enum config_log_format *f);
int config_parse_tty(const char *s, enum config_tty *t);
int config_parse_list(const char *s, char ***items, size_t *n);

/* Returns "never", "on-failure" or "always". */
const char *config_restart_name(enum config_restart r);

/* Returns the index of a single-bit enum config_field value (0..31). */
unsigned config_field_index(unsigned field);

#endif
