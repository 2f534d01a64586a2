/*
 * export.h: `tfrun export FORMAT DIR` (SPEC section 10).
 *
 * cmd_export.c builds one plain model of the app from the plan; a backend
 * per target (export_systemd.c, export_supervisord.c, export_runit.c,
 * export_kubernetes.c) renders that model into an in-memory list of files;
 * cmd_export.c alone writes them. Backends are pure: no files, no
 * environment, no clock. A value a target cannot carry is an error naming
 * its key, found before anything is written.
 */
#ifndef TFRUN_EXPORT_H
#define TFRUN_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "compat.h"
#include "config.h"

/* The longest app name: names such as APP-TYPE.N must stay usable. */
#define EXPORT_APP_MAX 63

/* What an `after = TYPE:COND` dependency waits for (SPEC section 6b). */
enum export_cond {
	EXPORT_COND_STARTED,
	EXPORT_COND_READY,
	EXPORT_COND_DONE
};

enum export_probe_kind {
	EXPORT_PROBE_NONE,
	EXPORT_PROBE_TCP,
	EXPORT_PROBE_HTTP,
	EXPORT_PROBE_LOG,
	EXPORT_PROBE_EXEC
};

/*
 * A readiness probe of one instance, with $PORT and $PS already replaced
 * by that instance's values. Strings are borrowed (see export_model).
 */
struct export_probe {
	enum export_probe_kind kind;
	const char *host; /* tcp, http: as written, e.g. "127.0.0.1" */
	long port;        /* tcp, http */
	const char *path; /* http: from the first '/', query included */
	const char *arg;  /* log: the regular expression; exec: the command */
	const char *spec; /* the whole probe as written, for comments */
};

/* One dependency of a type: every instance of type meets cond. */
struct export_after {
	size_t type; /* index into export_model.types */
	enum export_cond cond;
};

/* One instance of a type: tfrun's name TYPE.N and its PORT. */
struct export_instance {
	long n;                    /* from 1 */
	long port;                 /* as under `tfrun start` (plan_port) */
	struct export_probe ready; /* kind NONE when the type has no probe */
};

struct export_type {
	const char *name;    /* the Procfile name, [A-Za-z0-9_-]{1,63} */
	const char *command; /* reaches /bin/sh -c unchanged */
	long count;          /* formation count; 0 writes no instance */
	const struct export_instance *instances; /* count entries */
	int stop_signal;
	uint64_t timeout_ms;
	enum config_restart restart;
	int oneshot;
	const struct export_after *after;
	size_t nafter;
	/*
	 * Kubernetes gives every replica the PORT of the first instance and
	 * PS=TYPE: the probe expanded with those values.
	 */
	struct export_probe pod_ready;
	uint64_t ready_interval_ms;
	uint64_t ready_timeout_ms;
};

/* One variable of the env files: exported as it is, byte for byte. */
struct export_var {
	const char *key;
	const char *value;
};

/*
 * Everything a backend renders. Strings and arrays are borrowed: a model
 * built by hand (the unit tests) points at literals; the one cmd_export.c
 * builds lists its allocations in owned, freed by export_model_free.
 */
struct export_model {
	const char *app;   /* valid per export_app_valid */
	const char *user;  /* NULL unless --user */
	const char *image; /* NULL unless --image */
	const char *root;  /* absolute: where the processes run */
	/* The env files' variables in order, without PORT and PS. */
	const struct export_var *vars;
	size_t nvars;
	const struct export_type *types; /* Procfile order */
	size_t ntypes;
	void **owned;
	size_t nowned;
};

/* One file to write, relative to DIR ("app-web-1/run"). */
struct export_file {
	char *path; /* owned */
	unsigned mode;
	char *data; /* owned; len bytes */
	size_t len;
};

struct export_files {
	struct export_file *v; /* owned */
	size_t n;
};

/*
 * A target. render fills files (which the caller frees) or returns -1
 * with *cause holding one line per problem, each naming the key, type or
 * option that cannot be carried. install appends the shell commands that
 * install and start files, written in dir (an absolute path).
 *
 * For `--force`, the writer removes files of the same app and format that
 * the new export no longer has: top-level files of DIR (or, with
 * service_dirs, the files inside DIR's top-level directories) whose name
 * starts with "APP-" or "APP." and which carry tfrun's header line.
 */
struct export_backend {
	const char *name;
	int service_dirs;
	int (*render)(const struct export_model *, struct export_files *,
	    char **cause);
	void (*install)(const struct export_model *,
	    const struct export_files *files, const char *dir, struct buf *);
};

/*
 * runit: the file in each service's env/ that lists the variables tfrun
 * wrote there, one name per line after tfrun's header (chpst -e skips it).
 */
#define EXPORT_RUNIT_KEYS ".tfrun"

extern const struct export_backend export_systemd;
extern const struct export_backend export_supervisord;
extern const struct export_backend export_runit;
extern const struct export_backend export_kubernetes;

/* Returns the backend named name ("systemd"), or NULL. */
const struct export_backend *export_find(const char *name);

/*
 * Returns 1 when name may be an app name: 1 to EXPORT_APP_MAX letters,
 * digits, '_' and '-', starting with a letter or digit (a unit, program,
 * service directory and, mapped, a Kubernetes name).
 */
int export_app_valid(const char *name);

/*
 * Returns 1 when user may be written as a user to run as: a user name
 * ([A-Za-z0-9_][A-Za-z0-9_.-]*, an optional trailing '$') or a uid.
 */
int export_user_valid(const char *user);

/* Frees what a built model owns and empties it. */
void export_model_free(struct export_model *);

/* Adds content (taken; b is left empty) as the file path with mode. */
void export_files_add(struct export_files *, const char *path,
    unsigned mode, struct buf *b);
void export_files_free(struct export_files *);

/*
 * The comment line every written file starts with (after a "#!" line in
 * scripts), without its newline: it says tfrun wrote the file and is how
 * `--force` later recognises the files of one app and format.
 */
void export_header(struct buf *, const char *format, const char *app);

/*
 * Returns 1 when data (len bytes, a file's beginning) starts with the
 * header of format and app, as its first line or after a "#!" line.
 */
int export_header_match(const char *format, const char *app,
    const char *data, size_t len);

/* Appends s as one POSIX shell word in single quotes. */
void export_sh_quote(struct buf *, const char *s);

/* Returns 1 when s is valid UTF-8 (no overlong forms, no surrogates). */
int export_utf8_valid(const char *s);

/* Returns 1 when s holds a byte below 0x20 or 0x7f, other than in ok. */
int export_has_control(const char *s, const char *ok);

/* Rounds milliseconds up to whole seconds. */
uint64_t export_seconds(uint64_t ms);

/*
 * Appends a shell command line that exits 0 when the probe passes: http
 * and tcp through bash's /dev/tcp under timeout(1), exec through /bin/sh
 * -c. Nothing for NONE and LOG probes, which have no command.
 */
void export_probe_command(struct buf *, const struct export_probe *);

/*
 * Returns the depth of a type in the `after` graph: 0 without
 * dependencies, else one more than its deepest dependency.
 */
size_t export_level(const struct export_model *, size_t type);

/*
 * Tells whether file i is the first of its top-level directory in files
 * (whose files are contiguous), or a file of DIR itself, and sets *len to
 * the length of that directory's name, or of the file's path.
 */
int export_files_top(const struct export_files *, size_t i, size_t *len);

/*
 * Appends " 'DIR/PATH'" for each file, or with top set, for each distinct
 * top-level directory of the files (runit's service directories).
 */
void export_install_paths(struct buf *, const struct export_files *,
    const char *dir, int top);

/*
 * Returns the type that dependency i of t waits for, and appends the
 * comment "# after = TYPE:COND" to b; or returns NULL when that type has
 * no instance, so that there is nothing to wait for.
 */
const struct export_type *export_after_type(const struct export_model *,
    const struct export_type *t, size_t i, struct buf *b);

/* Returns "started", "ready" or "done". */
const char *export_cond_name(enum export_cond);

/*
 * Adds one problem line to errs (lines are joined with '\n'), as
 * "FORMAT: ..." so that every message names its target; control
 * characters in it are shown as \xNN, so it stays one line.
 */
void export_error(struct buf *errs, const char *format, const char *fmt,
    ...) printflike(3, 4);

/*
 * Adds a problem for each variable whose name is not an env file key
 * ([A-Za-z0-9_.-]+, as SPEC section 3 defines them): a target must never
 * see a name such as "a=b" or "../x" (a runit env/ file name).
 */
void export_check_keys(const struct export_model *, const char *format,
    struct buf *errs);

/*
 * Ends a render: when errs holds problems, frees files, hands the text to
 * *cause and returns -1; else returns 0.
 */
int export_finish(struct buf *errs, struct export_files *files,
    char **cause);

#endif
