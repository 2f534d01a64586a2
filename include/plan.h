/*
 * plan.h: everything `start`, `run`, `check` and `env` need, resolved once
 * from the command line, the TFRUN_* variables, tfrun.ini, the Procfile
 * and the env files. This is the only module that decides where files are
 * and which layer of settings wins; it reads files but owns no libuv
 * handle.
 */
#ifndef TFRUN_PLAN_H
#define TFRUN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "config.h"
#include "env.h"
#include "probe.h"
#include "procfile.h"

#define PLAN_DEFAULT_PORT 5000

/* One dependency of a type (after = TYPE[:COND]). */
struct plan_after {
	size_t type;          /* index in plan->types */
	enum probe_cond cond; /* started, ready (the default) or done */
};

/* One process type: a Procfile entry with its effective settings. */
struct plan_type {
	const char *name;    /* borrowed from the plan's procfile */
	const char *command; /* borrowed from the plan's procfile */
	size_t index;        /* position in the Procfile, for ports */
	long count;          /* instances the formation starts */
	int stop_signal;     /* SIGTERM unless configured */
	int stop_signal_set; /* configured: it wins over ^C's SIGINT */
	uint64_t timeout_ms;
	enum config_restart restart;
	int can_die;
	int quiet;           /* -q: its output is not logged (system lines are) */
	int color;           /* colour index for the log prefix */
	enum config_tty tty; /* [process.TYPE] tty, else --tty (auto) */
	long stdin_instance; /* the instance (1..count) the terminal's input
	                        goes to (--stdin TYPE.N, or stdin = true: 1);
	                        0 for none */
	struct probe ready;  /* owned; PROBE_NONE: ready once started */
	uint64_t ready_interval_ms; /* default 250 */
	uint64_t ready_timeout_ms;  /* default 60000 */
	struct plan_after *after;   /* owned: what it waits for */
	size_t nafter;
	int oneshot;         /* runs to completion once; exit 0 stops nothing */
	size_t level;        /* start order: 0 without after, else one more
	                        than the highest level it waits for */
};

struct plan {
	struct config cfg;   /* effective settings: defaults < ini < env < flags */
	char *root;          /* owned: the app root, as given or "." */
	char *procfile;      /* owned: the Procfile's path, as shown in messages */
	char *config_file;   /* owned: tfrun.ini's path, or NULL when none */
	char *socket;        /* owned: the control socket's path */
	char *log_file;      /* owned: -D's log file, default .tfrun.log in
	                        the root (resolved like socket) */
	struct procfile pf;
	struct env env;
	long base_port;
	long port_step;
	struct plan_type *types; /* owned: one per Procfile entry, same order */
	size_t ntypes;
	char **warnings;     /* owned: lines for `check` to print */
	size_t nwarnings;
};

/*
 * Builds the plan for cli (whose positional operands select types for
 * `start`) in the environment envp. On failure returns -1 with *cause
 * holding every error found (one per line, each naming its file and line
 * or its flag); the plan must still be freed.
 */
int plan_load(struct plan *p, const struct cli *cli, char *const *envp,
    char **cause);

/* Frees what p owns. */
void plan_free(struct plan *p);

/*
 * Returns the type one of whose instances (its stdin_instance) gets the
 * terminal's input (--stdin, stdin = true), or NULL.
 */
const struct plan_type *plan_stdin_type(const struct plan *p);

/* Returns the type named name, or NULL. */
const struct plan_type *plan_type_find(const struct plan *p,
    const char *name);

/*
 * Finds the PORT of instance n (from 1) of type t; returns 0, or -1 when it
 * would be above 65535.
 */
int plan_port(const struct plan *p, const struct plan_type *t, long n,
    long *port);

/* Returns the widest "TYPE.N" label of the formation, at least 6. */
size_t plan_label_width(const struct plan *p);

#endif
