/*
 * config.h: tfrun's settings (SPEC section 8), described once, in one
 * table (config_settings): each row is one setting with its [tfrun] and
 * [process.TYPE] keys, its TFRUN_* variable, its flags, the commands that
 * use it, its kind, its default and its help line. The INI reader, the
 * variables, the flag parser (cli.c), `tfrun help` and the man-page test
 * are all driven from it, in the manner of tmux's options-table.c.
 *
 * One struct config holds one layer of settings (built-in defaults,
 * tfrun.ini, TFRUN_* variables or the command line); config_apply stacks
 * the layers. Pure: the INI text and the variables come in as arguments.
 */
#ifndef TFRUN_CONFIG_H
#define TFRUN_CONFIG_H

#include <stddef.h>
#include <stdint.h>


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

#define CONFIG_NFIELDS 32
#define CONFIG_READY_INTERVAL_MS 250
#define CONFIG_READY_TIMEOUT_MS 60000

/* Per process type settings, from a [process.TYPE] section. */
struct config_type {
	char *name;    /* owned: TYPE */
	unsigned line; /* line of the section header, for messages */
	unsigned set;  /* enum config_type_field bits */
	unsigned line_of[CONFIG_NFIELDS]; /* line of each key set */
	int stop_signal;
	uint64_t timeout_ms;
	enum config_restart restart;
	int can_die;
	enum config_tty tty;
	int stdin_wanted;           /* stdin = true */
	char *ready;                /* owned: a probe, checked by probe_parse */
	uint64_t ready_interval_ms;
	uint64_t ready_timeout_ms;
	char *after;                /* owned: checked by probe_after_parse */
	int oneshot;
};

struct config {
	unsigned set; /* enum config_field bits */
	/*
	 * origin[k] says where field bit k came from ("--port",
	 * "TFRUN_PORT", "tfrun.ini:3", "default"); owned, NULL when unset.
	 * Messages about a value found later (an unknown type in a
	 * formation) use it.
	 */
	char *origin[CONFIG_NFIELDS];

	char *procfile;   /* owned */
	char *root;       /* owned */
	char **env;       /* owned array of owned file names */
	size_t nenv;
	int env_override; /* env files win (the default) */
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

/*
 * How a setting's text is checked and stored, grouped by storage: the
 * code copies and frees by those ranges.
 */
enum config_kind {
	CONFIG_K_BOOL,		/* int: true/false...; a flag takes no value */
	CONFIG_K_COLOR,		/* int: auto, always, never; a bare flag always */
	CONFIG_K_TTY,		/* int: auto, always, never */
	CONFIG_K_LOG_FORMAT,	/* int: text, json */
	CONFIG_K_RESTART,	/* int: never, on-failure, always */
	CONFIG_K_SIGNAL,	/* int: a name with or without SIG, a number */
	CONFIG_K_PORT,		/* long: 1 to 65535 */
	CONFIG_K_PORT_STEP,	/* long: 1 to 65535 */
	CONFIG_K_LINES,		/* long: 0 or more */
	CONFIG_K_SECONDS,	/* uint64_t ms: 5, 2.5, .5, 1.; 0 to 86400 */
	CONFIG_K_INTERVAL,	/* uint64_t ms: as seconds, more than 0 */
	CONFIG_K_STRING,	/* char *: any non-empty text */
	CONFIG_K_INSTANCE,	/* char *: TYPE or TYPE.N */
	CONFIG_K_PROBE,		/* char *: a probe (probe.h) */
	CONFIG_K_AFTER,		/* char *: TYPE[:COND], ... (probe.h) */
	CONFIG_K_FILES,		/* char ** + size_t: comma list */
	CONFIG_K_TYPES		/* char ** + size_t: comma list of type names */
};

/* Which commands use a setting: bits of enum cli_command (cli.h). */
#define CONFIG_CMD(c) (1u << (c))

/* One setting: one row of config_settings. */
struct config_setting {
	const char *flags;	/* long options, '|' between spellings, the
				   first canonical ("formation|concurrency") */
	const char *letters;	/* a short option per spelling, ' ' for none */
	const char *negs;	/* long options that turn it off ("no-color") */
	const char *arg;	/* the flag's value in help ("N"); NULL: none */
	const char *key;	/* [tfrun] key(s), '|' between spellings */
	const char *tkey;	/* [process.TYPE] key */
	enum config_kind kind;
	const char *var;	/* TFRUN_* variable */
	unsigned field;		/* enum config_field bit: kept in struct
				   config; 0: in struct cli, or only per type */
	unsigned tfield;	/* enum config_type_field bit (with tkey) */
	size_t off;		/* offset in struct config or struct cli */
	size_t toff;		/* offset in struct config_type */
	unsigned cmds;		/* CONFIG_CMD bits of the commands using it */
	const char *def;	/* default as text for config_defaults, or NULL */
	const char *help;	/* help line; after '|', the negs' line */
};

extern const struct config_setting config_settings[];
extern const size_t config_nsettings;

/* Makes c an empty layer: nothing set. */
void config_init(struct config *c);

/* Frees what c owns and leaves it empty. */
void config_free(struct config *c);

/*
 * Makes c the built-in defaults: every row with a def is set, with the
 * origin "default" (port_step 100, timeout 5 s, colour auto, timestamps
 * and prefixes on, text, restart never, env_override on, no can_die,
 * isolate off, tty auto, no daemon). procfile, root, env, formation, port,
 * config and socket depend on other settings and are chosen by the caller.
 */
void config_defaults(struct config *c);

/*
 * Parses tfrun.ini text (buf, len bytes; fname in messages) into c with
 * inih. Returns 0 (*cause NULL), or -1 with *cause allocated: every error
 * found, one per line in line order, each "FNAME:LINE: what is wrong"
 * (unknown section or key, bad value, a [process.TYPE] whose TYPE is not
 * a valid type name).
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
 * Stores value as setting s in base: a struct config_type when type is
 * set, else a struct config (with its origin) when s->field is, else a
 * struct cli. A list replaces the old one, or is added to it when append
 * is set. Returns 0, or -1 with *why allocated: what is wrong with the
 * value ("'abc' is not a port number (1-65535)"), without the setting's
 * name.
 */
int config_set(void *base, const struct config_setting *s, int type,
    const char *value, const char *origin, int append, char **why);

/*
 * Parses s as a value of kind (not a list) into out, which points at the
 * kind's storage. Returns 0, or -1 leaving it alone, with *why allocated
 * unless why is NULL.
 */
int config_parse_value(enum config_kind kind, const char *s, void *out,
    char **why);

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
 * Returns the i-th spelling of a '|'-separated list of names (a row's
 * flags, negs or keys), owned, or NULL when there are fewer.
 */
char *config_spelling(const char *list, size_t i);

/* Returns which spelling of list name (len bytes) is, or -1. */
int config_match(const char *list, const char *name, size_t len);

/*
 * Frees the value of kind at dst (a field of struct config, config_type
 * or cli), then makes it a deep copy of the one at src, or empty if NULL.
 */
void config_copy(enum config_kind kind, void *dst, const void *src);

/* Returns the name of value v of an enum kind ("on-failure"). */
const char *config_word(enum config_kind kind, int v);

/* Returns the index of a single-bit enum config_field value (0..31). */
unsigned config_field_index(unsigned field);

#endif
