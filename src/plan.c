/*
 * plan.c: resolves settings, files and the formation into one plan.
 *
 * Paths given on the command line or in TFRUN_* variables are relative to
 * the current directory, like any other command's arguments; paths written
 * in tfrun.ini are relative to the app root; default files (Procfile, .env,
 * tfrun.ini, .tfrun.sock) live in the root. The root is -d/TFRUN_ROOT, else
 * the directory of the Procfile named by -f/TFRUN_PROCFILE, else ".".
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dotenv.h"
#include "file.h"
#include "formation.h"
#include "plan.h"
#include "ports.h"
#include "xmalloc.h"

/* Collects error lines; every stage adds to it and goes on where it can. */
struct plan_errors {
	struct buf b;
	int n;
};

/* Adds one or more error lines. */
static void
plan_error(struct plan_errors *e, const char *text)
{
	if (e->n++ > 0)
		buf_addc(&e->b, '\n');
	buf_adds(&e->b, text);
}

/* Adds a formatted error line. */
static void printflike(2, 3)
plan_errorf(struct plan_errors *e, const char *fmt, ...)
{
	va_list ap;

	if (e->n++ > 0)
		buf_addc(&e->b, '\n');
	va_start(ap, fmt);
	buf_vprintf(&e->b, fmt, ap);
	va_end(ap);
}

/* Takes ownership of an allocated cause and adds it. */
static void
plan_error_take(struct plan_errors *e, char *cause)
{
	plan_error(e, cause);
	free(cause);
}

/* Joins dir and a relative path; an absolute path is returned as is. */
static char *
plan_join(const char *dir, const char *path)
{
	char *out;

	if (path[0] == '/' || strcmp(dir, ".") == 0)
		return xstrdup(path);
	xasprintf(&out, "%s/%s", dir, path);
	return out;
}

/* Returns the directory part of path ("." when there is none). */
static char *
plan_dirname(const char *path)
{
	const char *slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* getenv through a NULL-terminated environ, for config_from_env. */
static const char *
plan_getvar(void *ctx, const char *name)
{
	char *const *envp = ctx;
	size_t len = strlen(name);

	for (; *envp != NULL; envp++) {
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	}
	return NULL;
}

/*
 * Reads a file, reporting a failure as "PATH: reason", or as "ORIGIN:
 * PATH: reason" when the file was named in tfrun.ini (origin is then the
 * INI line that named it).
 */
static int
plan_read_from(struct plan_errors *e, const char *origin, const char *path,
    char **data, size_t *len)
{
	int err;

	if ((err = file_read(path, data, len)) != 0) {
		if (origin != NULL)
			plan_errorf(e, "%s: %s: cannot read: %s", origin, path,
			    strerror(-err));
		else
			plan_errorf(e, "%s: cannot read: %s", path,
			    strerror(-err));
		return -1;
	}
	return 0;
}

/* Reads a file named on the command line or by default. */
static int
plan_read(struct plan_errors *e, const char *path, char **data, size_t *len)
{
	return plan_read_from(e, NULL, path, data, len);
}

/*
 * Returns the origin of field when it is worth naming in an error about
 * its file (a variable the user may not know is set, or an INI line), or
 * NULL (a flag, whose path the user has just typed, or the default).
 */
static const char *
plan_named_origin(const struct plan *p, unsigned field)
{
	const char *origin = p->cfg.origin[config_field_index(field)];

	return origin != NULL && origin[0] != '-' ? origin : NULL;
}

/* Returns 1 when the effective value of field came from tfrun.ini. */
static int
plan_from_ini(const struct plan *p, unsigned field)
{
	const char *origin = p->cfg.origin[config_field_index(field)];
	size_t len;

	if (origin == NULL || p->config_file == NULL)
		return 0;
	len = strlen(p->config_file);
	return strncmp(origin, p->config_file, len) == 0 &&
	    origin[len] == ':';
}

/* Returns 1 when path exists (as anything). */
static int
plan_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Picks the root and the Procfile path from the flags and variables. */
static void
plan_locate(struct plan *p, const struct config *flags,
    const struct config *vars)
{
	const char *procfile = NULL, *root = NULL;

	if (flags->set & CONFIG_PROCFILE)
		procfile = flags->procfile;
	else if (vars->set & CONFIG_PROCFILE)
		procfile = vars->procfile;
	if (flags->set & CONFIG_ROOT)
		root = flags->root;
	else if (vars->set & CONFIG_ROOT)
		root = vars->root;

	if (root != NULL)
		p->root = xstrdup(root);
	else if (procfile != NULL)
		p->root = plan_dirname(procfile);
	else
		p->root = xstrdup(".");
	if (procfile != NULL)
		p->procfile = xstrdup(procfile);
}

/* Loads tfrun.ini (explicit or default) into ini; missing default is fine. */
static void
plan_load_ini(struct plan *p, struct plan_errors *e,
    const struct config *flags, const struct config *vars,
    struct config *ini)
{
	char *data, *cause;
	size_t len;

	if (flags->set & CONFIG_CONFIG)
		p->config_file = xstrdup(flags->config);
	else if (vars->set & CONFIG_CONFIG)
		p->config_file = xstrdup(vars->config);
	else {
		p->config_file = plan_join(p->root, "tfrun.ini");
		if (!plan_exists(p->config_file)) {
			free(p->config_file);
			p->config_file = NULL;
			return;
		}
	}
	if (plan_read_from(e, !(flags->set & CONFIG_CONFIG) &&
	    (vars->set & CONFIG_CONFIG) ? "TFRUN_CONFIG" : NULL,
	    p->config_file, &data, &len) != 0)
		return;
	if (config_parse_ini(p->config_file, data, len, ini, &cause) != 0)
		plan_error_take(e, cause);
	free(data);
}

/* Reads and parses the Procfile. Returns 0 when it is valid. */
static int
plan_load_procfile(struct plan *p, struct plan_errors *e,
    const struct config *ini, enum cli_command command)
{
	const char *origin = NULL;
	char *data, *cause;
	size_t len;
	int rc;

	if (p->procfile == NULL) {
		if (ini->set & CONFIG_PROCFILE) {
			p->procfile = plan_join(p->root, ini->procfile);
			origin = ini->origin[config_field_index(
			    CONFIG_PROCFILE)];
		} else {
			p->procfile = plan_join(p->root, "Procfile");
			/*
			 * `run` and `env` need the app's environment, not
			 * its processes: like foreman run, they work in a
			 * directory without a Procfile.
			 */
			if ((command == CLI_RUN || command == CLI_ENV) &&
			    !plan_exists(p->procfile))
				return 1;
		}
	} else
		origin = plan_named_origin(p, CONFIG_PROCFILE);
	if (plan_read_from(e, origin, p->procfile, &data, &len) != 0)
		return -1;
	rc = procfile_parse(p->procfile, data, len, &p->pf, &cause);
	if (rc != 0)
		plan_error_take(e, cause);
	free(data);
	return rc;
}

/*
 * Loads the env files in order. Names from the command line or variables are
 * relative to the current directory, names from tfrun.ini to the root; the
 * default .env may be absent.
 */
static void
plan_load_env(struct plan *p, struct plan_errors *e, char *const *envp)
{
	const struct config *c = &p->cfg;
	char *path, *data, *cause;
	size_t i, len;
	int from_ini;

	env_init(&p->env, envp, c->env_override);
	if (!(c->set & CONFIG_ENV)) {
		path = plan_join(p->root, ".env");
		if (plan_exists(path) &&
		    plan_read(e, path, &data, &len) == 0) {
			if (env_add_file(&p->env, path, data, len,
			    &cause) != 0)
				plan_error_take(e, cause);
			free(data);
		}
		free(path);
		return;
	}
	from_ini = plan_from_ini(p, CONFIG_ENV);
	for (i = 0; i < c->nenv; i++) {
		path = from_ini ? plan_join(p->root, c->env[i]) :
		    xstrdup(c->env[i]);
		if (plan_read_from(e, plan_named_origin(p, CONFIG_ENV), path,
		    &data, &len) == 0) {
			if (env_add_file(&p->env, path, data, len,
			    &cause) != 0)
				plan_error_take(e, cause);
			free(data);
		}
		free(path);
	}
}

/* Chooses the base port: the setting, else the merged PORT, else 5000. */
static void
plan_base_port(struct plan *p, struct plan_errors *e)
{
	const char *v;

	p->port_step = p->cfg.port_step;
	if (p->cfg.set & CONFIG_PORT) {
		p->base_port = p->cfg.port;
		return;
	}
	p->base_port = PLAN_DEFAULT_PORT;
	if ((v = envmap_get(&p->env.effective, "PORT")) == NULL || *v == '\0')
		return;
	if (config_parse_value(CONFIG_K_PORT, v, &p->base_port, NULL) != 0) {
		plan_errorf(e, "PORT: '%s' (from the environment or an env "
		    "file) is not a port number (1-65535)", v);
		p->base_port = PLAN_DEFAULT_PORT;
	}
}

/* Tells whether name is in the list v of n names. */
static int
plan_listed(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return 1;
	}
	return 0;
}

/* Reports the names of a type list setting that the Procfile lacks. */
static void
plan_check_types(struct plan *p, struct plan_errors *e, unsigned field,
    char *const *v, size_t n, const char *what)
{
	const char *origin = p->cfg.origin[config_field_index(field)];
	size_t i;

	for (i = 0; i < n; i++) {
		if (procfile_find(&p->pf, v[i]) < 0)
			plan_errorf(e, "%s: no process type '%s' in the "
			    "Procfile", origin != NULL ? origin : what, v[i]);
	}
}

/* Returns the line of tfrun.ini that set field of ct. */
static unsigned
plan_line(const struct config_type *ct, unsigned field)
{
	return ct->line_of[config_field_index(field)];
}

/* Returns the INI file's name for messages. */
static const char *
plan_ini_name(const struct plan *p)
{
	return p->config_file != NULL ? p->config_file : "tfrun.ini";
}

/*
 * Finds the start level of type i (0 without dependencies, else one more
 * than its highest dependency's) by depth-first search. state is 0 for
 * unvisited, 1 while on the search path, 2 when done; path holds that
 * path, so a cycle can be reported by its members. Returns 0, or -1 after
 * reporting a cycle.
 */
static int
plan_visit(struct plan *p, struct plan_errors *e, size_t i, char *state,
    size_t *path, size_t depth)
{
	struct plan_type *t = &p->types[i], *d;
	const struct config_type *ct;
	struct buf b = BUF_INIT;
	size_t k, j;

	if (state[i] == 2)
		return 0;
	if (state[i] == 1) {
		for (k = 0; path[k] != i; k++)
			;
		ct = config_type_find(&p->cfg, t->name);
		buf_printf(&b, "%s:%u: dependency cycle: ", plan_ini_name(p),
		    ct != NULL ? plan_line(ct, CONFIG_TYPE_AFTER) : 0);
		for (j = k; j < depth; j++)
			buf_printf(&b, "%s -> ", p->types[path[j]].name);
		buf_adds(&b, t->name);
		plan_error(e, b.data);
		buf_free(&b);
		return -1;
	}
	state[i] = 1;
	path[depth] = i;
	t->level = 0;
	for (k = 0; k < t->nafter; k++) {
		d = &p->types[t->after[k].type];
		if (plan_visit(p, e, t->after[k].type, state, path,
		    depth + 1) != 0) {
			state[i] = 2;
			return -1;
		}
		if (d->level + 1 > t->level)
			t->level = d->level + 1;
	}
	state[i] = 2;
	return 0;
}

/*
 * Resolves each type's after list to type indexes, reporting unknown
 * types, then finds the start levels, reporting a cycle once.
 */
static void
plan_after(struct plan *p, struct plan_errors *e)
{
	const struct config_type *ct;
	struct probe_after *after;
	struct plan_type *t;
	size_t i, k, n, *path;
	char *state, *err;
	int idx;

	for (i = 0; i < p->ntypes; i++) {
		t = &p->types[i];
		ct = config_type_find(&p->cfg, t->name);
		if (ct == NULL || !(ct->set & CONFIG_TYPE_AFTER))
			continue;
		/* tfrun.ini's reader checked it: it parses. */
		if (probe_after_parse(ct->after, &after, &n, &err) != 0)
			abort();
		t->after = xcalloc(n, sizeof *t->after);
		for (k = 0; k < n; k++) {
			idx = procfile_find(&p->pf, after[k].type);
			if (idx < 0) {
				plan_errorf(e, "%s:%u: after: no process type "
				    "'%s' in the Procfile", plan_ini_name(p),
				    plan_line(ct, CONFIG_TYPE_AFTER),
				    after[k].type);
				continue;
			}
			t->after[t->nafter].type = (size_t)idx;
			t->after[t->nafter++].cond = after[k].cond;
		}
		probe_after_free(after, n);
	}
	/* The known edges may still close a cycle: check lists it too. */
	state = xcalloc(p->ntypes + 1, 1);
	path = xcalloc(p->ntypes + 1, sizeof *path);
	for (i = 0; i < p->ntypes; i++) {
		if (plan_visit(p, e, i, state, path, 0) != 0)
			break;
	}
	free(path);
	free(state);
}

/*
 * Finds the one instance that reads the terminal: --stdin/TFRUN_STDIN, or
 * the first instance of the type whose section says stdin = true.
 */
static void
plan_stdin(struct plan *p, struct plan_errors *e)
{
	const char *name = p->cfg.stdin_name, *dot, *origin;
	const struct config_type *ct, *first = NULL;
	char *type;
	long n = 1;
	size_t i;
	int idx;

	if (name == NULL) {
		for (i = 0; i < p->cfg.ntypes; i++) {
			ct = &p->cfg.types[i];
			if (!(ct->set & CONFIG_TYPE_STDIN) || !ct->stdin_wanted)
				continue;
			if (first != NULL) {
				plan_errorf(e, "%s:%u: stdin: only one type can "
				    "read the terminal (%s already does, line "
				    "%u)", plan_ini_name(p), plan_line(ct,
				    CONFIG_TYPE_STDIN), first->name,
				    plan_line(first, CONFIG_TYPE_STDIN));
				return;
			}
			first = ct;
		}
		if (first != NULL && (idx = procfile_find(&p->pf,
		    first->name)) >= 0)
			p->types[idx].stdin_instance = 1;
		return;
	}
	origin = p->cfg.origin[config_field_index(CONFIG_STDIN)];
	dot = strrchr(name, '.');
	type = dot != NULL ? xstrndup(name, (size_t)(dot - name)) :
	    xstrdup(name);
	if (dot != NULL)
		n = strtol(dot + 1, NULL, 10);
	if ((idx = procfile_find(&p->pf, type)) < 0)
		plan_errorf(e, "%s: no process type '%s' in the Procfile",
		    origin != NULL ? origin : "--stdin", type);
	else if (n > p->port_step)
		plan_errorf(e, "%s: '%s': the instance number must be from 1 "
		    "to %ld", origin != NULL ? origin : "--stdin", name,
		    p->port_step);
	else
		p->types[idx].stdin_instance = n;
	free(type);
}

/*
 * Parses the formation spec. Its syntax is checked even when the Procfile
 * is invalid, so `check` lists a bad formation in tfrun.ini with the rest.
 */
static int
plan_formation(struct plan *p, struct plan_errors *e,
    struct formation_spec *fs, const char **origin)
{
	const char *spec;
	char *cause;

	spec = (p->cfg.set & CONFIG_FORMATION) ? p->cfg.formation : "";
	*origin = p->cfg.origin[config_field_index(CONFIG_FORMATION)];
	if (*origin == NULL)
		*origin = "--formation";
	if (formation_parse(*origin, spec, p->port_step, fs, &cause) != 0) {
		plan_error_take(e, cause);
		return -1;
	}
	return 0;
}

/* Fills the per-type table: effective settings and formation counts. */
static void
plan_types(struct plan *p, struct plan_errors *e, const struct cli *cli,
    const struct formation_spec *fs, const char *origin)
{
	const struct config_type *ct;
	struct plan_type *t;
	char *const *args = NULL;
	long *counts, port;
	char *cause;
	size_t i, nargs = 0;

	p->ntypes = p->pf.n;
	p->types = xcalloc(p->ntypes, sizeof *p->types);
	for (i = 0; i < p->ntypes; i++) {
		t = &p->types[i];
		t->name = p->pf.entries[i].name;
		t->command = p->pf.entries[i].command;
		t->index = i;
		t->color = (int)i;
		t->stop_signal = config_stop_signal(&p->cfg, t->name);
		t->timeout_ms = config_timeout_ms(&p->cfg, t->name);
		t->restart = config_restart_of(&p->cfg, t->name);
		t->can_die = config_can_die(&p->cfg, t->name);
		t->quiet = plan_listed(p->cfg.quiet, p->cfg.nquiet, t->name);
		t->tty = p->cfg.tty;
		t->ready_interval_ms = CONFIG_READY_INTERVAL_MS;
		t->ready_timeout_ms = CONFIG_READY_TIMEOUT_MS;
		if ((ct = config_type_find(&p->cfg, t->name)) == NULL)
			continue;
		t->stop_signal_set = (ct->set & CONFIG_TYPE_STOP_SIGNAL) != 0;
		if (ct->set & CONFIG_TYPE_TTY)
			t->tty = ct->tty;
		/* tfrun.ini's reader checked them: they parse. */
		if ((ct->set & CONFIG_TYPE_READY) &&
		    probe_parse(ct->ready, &t->ready, &cause) != 0)
			abort();
		if (ct->set & CONFIG_TYPE_READY_INTERVAL)
			t->ready_interval_ms = ct->ready_interval_ms;
		if (ct->set & CONFIG_TYPE_READY_TIMEOUT)
			t->ready_timeout_ms = ct->ready_timeout_ms;
		t->oneshot = (ct->set & CONFIG_TYPE_ONESHOT) && ct->oneshot;
	}
	plan_after(p, e);
	plan_stdin(p, e);

	/* Settings that name types must name types of this Procfile. */
	for (i = 0; i < p->cfg.ntypes; i++) {
		ct = &p->cfg.types[i];
		if (procfile_find(&p->pf, ct->name) < 0)
			plan_errorf(e, "%s:%u: [process.%s]: no process type "
			    "'%s' in the Procfile", p->config_file != NULL ?
			    p->config_file : "tfrun.ini", ct->line, ct->name,
			    ct->name);
	}
	plan_check_types(p, e, CONFIG_CAN_DIE, p->cfg.can_die,
	    p->cfg.ncan_die, "can_die");
	plan_check_types(p, e, CONFIG_QUIET, p->cfg.quiet, p->cfg.nquiet,
	    "quiet");

	/* env and run (but run --with) use no formation. */
	if (fs == NULL)
		return;
	if (cli->command == CLI_START) {
		args = cli->args;
		nargs = cli->nargs;
	}
	counts = xcalloc(p->ntypes, sizeof *counts);
	if (formation_resolve(&p->pf, fs, origin, args, nargs,
	    p->port_step, counts, &cause) != 0)
		plan_error_take(e, cause);
	else {
		for (i = 0; i < p->ntypes; i++) {
			p->types[i].count = counts[i];
			if (counts[i] > 0 && plan_port(p, &p->types[i],
			    counts[i], &port) != 0)
				plan_errorf(e, "%s.%ld: port above %d (base "
				    "port %ld, port step %ld)",
				    p->types[i].name, counts[i], PORTS_MAX,
				    p->base_port, p->port_step);
		}
	}
	free(counts);
}

/*
 * Sets PWD to the root's absolute path, as /bin/sh gives it to the
 * processes it runs there, so that `run` and `env` agree with `start`.
 */
static void
plan_pwd(struct plan *p)
{
	char *abs;

	if ((abs = realpath(p->root, NULL)) == NULL)
		return;
	envmap_set(&p->env.effective, "PWD", abs);
	free(abs);
}

/*
 * Resolves the control socket's and -D's log file's paths: tfrun.ini's
 * relative to the root, the command line's as given, else in the root.
 */
static void
plan_paths(struct plan *p)
{
	if ((p->cfg.set & CONFIG_SOCKET) && plan_from_ini(p, CONFIG_SOCKET))
		p->socket = plan_join(p->root, p->cfg.socket);
	else if (p->cfg.set & CONFIG_SOCKET)
		p->socket = xstrdup(p->cfg.socket);
	else
		p->socket = plan_join(p->root, ".tfrun.sock");
	if ((p->cfg.set & CONFIG_LOG_FILE) && plan_from_ini(p, CONFIG_LOG_FILE))
		p->log_file = plan_join(p->root, p->cfg.log_file);
	else if (p->cfg.set & CONFIG_LOG_FILE)
		p->log_file = xstrdup(p->cfg.log_file);
	else
		p->log_file = plan_join(p->root, ".tfrun.log");
}

/* Builds the plan; see plan.h. */
int
plan_load(struct plan *p, const struct cli *cli, char *const *envp,
    char **cause)
{
	struct plan_errors e = { BUF_INIT, 0 }, ignored = { BUF_INIT, 0 };
	struct plan_errors *ce = &e;
	struct config vars, ini;
	struct formation_spec fs;
	struct stat st;
	const char *origin = NULL;
	char *err;
	int procfile_ok, uses_formation;

	memset(p, 0, sizeof *p);
	config_init(&vars);
	config_init(&ini);
	config_defaults(&p->cfg);

	/*
	 * The client commands need only the socket: a broken tfrun.ini, a
	 * bad TFRUN_ variable, Procfile or .env must not keep `tfrun ps` or
	 * `tfrun quit` from working (what parsed still counts).
	 */
	if (cli->command >= CLI_PS && cli->command <= CLI_QUIT)
		ce = &ignored;
	if (config_from_env(plan_getvar, (void *)(uintptr_t)envp, &vars, &err) != 0)
		plan_error_take(ce, err);
	plan_locate(p, &cli->flags, &vars);
	if (stat(p->root, &st) != 0 || !S_ISDIR(st.st_mode))
		plan_errorf(&e, "%s%s: the app root is not a directory",
		    !(cli->flags.set & CONFIG_ROOT) && (vars.set & CONFIG_ROOT) ?
		    "TFRUN_ROOT: " : "", p->root);

	plan_load_ini(p, ce, &cli->flags, &vars, &ini);
	buf_free(&ignored.b);
	config_apply(&p->cfg, &ini);
	config_apply(&p->cfg, &vars);
	config_apply(&p->cfg, &cli->flags);

	if (ce == &ignored) {
		plan_paths(p);
		goto done;
	}
	procfile_ok = plan_load_procfile(p, &e, &ini, cli->command) == 0;
	plan_load_env(p, &e, envp);
	plan_pwd(p);
	plan_base_port(p, &e);
	/* run --with starts its types with their formation counts. */
	uses_formation = cli->command != CLI_ENV &&
	    (cli->command != CLI_RUN || cli->nwith > 0);
	if (uses_formation && plan_formation(p, &e, &fs, &origin) != 0)
		uses_formation = 0;
	if (procfile_ok)
		plan_types(p, &e, cli, uses_formation ? &fs : NULL, origin);
	if (uses_formation)
		formation_spec_free(&fs);
	/* The env files' warnings become the plan's, for check and start. */
	p->warnings = p->env.warnings;
	p->nwarnings = p->env.nwarnings;
	p->env.warnings = NULL;
	p->env.nwarnings = 0;
	plan_paths(p);
done:
	config_free(&vars);
	config_free(&ini);
	if (e.n > 0) {
		*cause = buf_detach(&e.b);
		return -1;
	}
	buf_free(&e.b);
	return 0;
}

/* Frees the plan. */
void
plan_free(struct plan *p)
{
	size_t i;

	config_free(&p->cfg);
	free(p->root);
	free(p->procfile);
	free(p->config_file);
	free(p->socket);
	free(p->log_file);
	procfile_free(&p->pf);
	env_free(&p->env);
	for (i = 0; i < p->ntypes; i++) {
		probe_free(&p->types[i].ready);
		free(p->types[i].after);
	}
	free(p->types);
	for (i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	memset(p, 0, sizeof *p);
}

/* Finds the type whose instance gets the terminal's input; see plan.h. */
const struct plan_type *
plan_stdin_type(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->ntypes; i++) {
		if (p->types[i].stdin_instance > 0)
			return &p->types[i];
	}
	return NULL;
}

/* Finds a type by name. */
const struct plan_type *
plan_type_find(const struct plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ntypes; i++) {
		if (strcmp(p->types[i].name, name) == 0)
			return &p->types[i];
	}
	return NULL;
}

/* Computes an instance's port. */
int
plan_port(const struct plan *p, const struct plan_type *t, long n,
    long *port)
{
	return ports_for(p->base_port, p->port_step, t->index, n, port);
}

/* Computes the label width of the formation. */
size_t
plan_label_width(const struct plan *p)
{
	size_t i, w = 6, len;
	char digits[32];

	for (i = 0; i < p->ntypes; i++) {
		if (p->types[i].count == 0)
			continue;
		len = strlen(p->types[i].name) + 1 +
		    (size_t)snprintf(digits, sizeof digits, "%ld",
		    p->types[i].count);
		if (len > w)
			w = len;
	}
	return w;
}
