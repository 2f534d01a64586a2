/*
 * cmd_export.c: `tfrun export FORMAT DIR` — builds the export model from
 * the plan, lets the format's backend render it, and is the one place that
 * writes the files: each atomically (a temporary file renamed over the
 * name), none at all when anything is wrong, an existing file only with
 * --force, and no file that tfrun did not write for this app and format.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "export.h"
#include "file.h"
#include "probe.h"
#include "xmalloc.h"

/* How much of a file is read to find tfrun's header. */
#define CMD_EXPORT_HEAD 1024

/* Remembers an allocation of the model, freed by export_model_free. */
static void *
cmd_export_own(struct export_model *m, void *p)
{
	m->owned = xreallocarray(m->owned, m->nowned + 1, sizeof *m->owned);
	m->owned[m->nowned++] = p;
	return p;
}

/*
 * Checks the export options; prints a usage error and returns -1 when one
 * is malformed for this format.
 */
static int
cmd_export_options(const struct cli *cli, const char *format)
{
	const char *why = NULL, *flag = NULL, *value = NULL;
	struct buf q = BUF_INIT;

	if (cli->app != NULL && !export_app_valid(cli->app)) {
		flag = "--app";
		value = cli->app;
		why = "an app name is 1 to 63 letters, digits, '_' and '-', "
		    "starting with a letter or digit";
	} else if (cli->user != NULL && !export_user_valid(cli->user)) {
		flag = "--user";
		value = cli->user;
		why = "not a user name or uid";
	} else if (cli->user != NULL && strcmp(format, "kubernetes") == 0 &&
	    strspn(cli->user, "0123456789") != strlen(cli->user)) {
		flag = "--user";
		value = cli->user;
		why = "kubernetes runs as a numeric uid (runAsUser)";
	} else if (cli->image != NULL && (!export_utf8_valid(cli->image) ||
	    export_has_control(cli->image, "") ||
	    strpbrk(cli->image, " ") != NULL)) {
		flag = "--image";
		value = cli->image;
		why = "an image reference has no blanks or control characters";
	}
	if (why == NULL)
		return 0;
	buf_add_quoted(&q, value, strlen(value), 64);
	fprintf(stderr, "tfrun: export: %s %s: %s (see 'tfrun help export')\n",
	    flag, q.data, why);
	buf_free(&q);
	return -1;
}

/*
 * Fills dst with the plan's probe expanded for one instance (PORT and PS),
 * its strings owned by the model. Returns 0, or -1 after printing why (a
 * port out of range once expanded).
 */
static int
cmd_export_probe(struct export_model *m, const struct plan_type *t,
    long port, const char *ps, struct export_probe *dst)
{
	struct probe p;

	memset(dst, 0, sizeof *dst);
	dst->kind = EXPORT_PROBE_NONE;
	if (t->ready.kind == PROBE_NONE)
		return 0;
	if (probe_expand(&t->ready, port, ps, &p) != 0) {
		fprintf(stderr, "tfrun: export: the ready probe of %s gives no "
		    "valid port for %s\n", t->name, ps);
		return -1;
	}
	switch (p.kind) {
	case PROBE_TCP:
		dst->kind = EXPORT_PROBE_TCP;
		break;
	case PROBE_HTTP:
		dst->kind = EXPORT_PROBE_HTTP;
		break;
	case PROBE_LOG:
		dst->kind = EXPORT_PROBE_LOG;
		break;
	case PROBE_EXEC:
		dst->kind = EXPORT_PROBE_EXEC;
		break;
	case PROBE_NONE:
		break;
	}
	if (p.port != NULL)
		dst->port = strtol(p.port, NULL, 10);
	/* The model takes over the expanded strings. */
	dst->host = p.host != NULL ? cmd_export_own(m, p.host) : NULL;
	dst->path = p.path != NULL ? cmd_export_own(m, p.path) : NULL;
	dst->arg = p.arg != NULL ? cmd_export_own(m, p.arg) : NULL;
	dst->spec = t->ready.text;
	free(p.port);
	free(p.text);
	return 0;
}

/* Maps the plan's dependencies of a type into the model. */
static void
cmd_export_after(struct export_model *m, const struct plan_type *pt,
    struct export_type *t)
{
	struct export_after *after;
	size_t i;

	after = cmd_export_own(m, xcalloc(pt->nafter + 1, sizeof *after));
	for (i = 0; i < pt->nafter; i++) {
		after[i].type = pt->after[i].type;
		switch (pt->after[i].cond) {
		case PROBE_STARTED:
			after[i].cond = EXPORT_COND_STARTED;
			break;
		case PROBE_READY:
			after[i].cond = EXPORT_COND_READY;
			break;
		case PROBE_DONE:
			after[i].cond = EXPORT_COND_DONE;
			break;
		}
	}
	t->after = after;
	t->nafter = pt->nafter;
}

/*
 * Builds the model from the plan. Returns 0, or -1 after printing why (an
 * app name that cannot be used).
 */
static int
cmd_export_model(const struct plan *p, const struct cli *cli,
    struct export_model *m)
{
	const struct envmap *files = &p->env.files;
	struct export_type *types;
	struct export_instance *in;
	struct export_var *vars;
	const struct plan_type *pt;
	struct buf q = BUF_INIT;
	char *root, *base, ps[96];
	size_t i, nvars = 0;
	long n, port;

	memset(m, 0, sizeof *m);
	if ((root = realpath(p->root, NULL)) == NULL) {
		fprintf(stderr, "tfrun: export: %s: %s\n", p->root,
		    strerror(errno));
		return -1;
	}
	m->root = cmd_export_own(m, root);
	if (cli->app != NULL)
		m->app = cli->app;
	else {
		base = strrchr(root, '/') + 1;
		if (!export_app_valid(base)) {
			buf_add_quoted(&q, base, strlen(base), 64);
			fprintf(stderr, "tfrun: export: the app name would be "
			    "%s, the root's directory name, which is not 1 to "
			    "63 letters, digits, '_' and '-' starting with a "
			    "letter or digit: give one with --app NAME\n",
			    q.data);
			buf_free(&q);
			return -1;
		}
		m->app = base;
	}
	m->user = cli->user;
	m->image = cli->image;

	/* PORT and PS are each instance's own: the files' values lose. */
	vars = cmd_export_own(m, xcalloc(files->n + 1, sizeof *vars));
	for (i = 0; i < files->n; i++) {
		if (strcmp(files->v[i].key, "PORT") == 0 ||
		    strcmp(files->v[i].key, "PS") == 0)
			continue;
		vars[nvars].key = files->v[i].key;
		vars[nvars++].value = files->v[i].value;
	}
	m->vars = vars;
	m->nvars = nvars;

	types = cmd_export_own(m, xcalloc(p->ntypes + 1, sizeof *types));
	m->types = types;
	m->ntypes = p->ntypes;
	for (i = 0; i < p->ntypes; i++) {
		pt = &p->types[i];
		types[i].name = pt->name;
		types[i].command = pt->command;
		types[i].count = pt->count;
		types[i].stop_signal = pt->stop_signal;
		types[i].timeout_ms = pt->timeout_ms;
		types[i].restart = pt->restart;
		types[i].oneshot = pt->oneshot;
		types[i].ready_interval_ms = pt->ready_interval_ms;
		types[i].ready_timeout_ms = pt->ready_timeout_ms;
		cmd_export_after(m, pt, &types[i]);
		in = cmd_export_own(m, xcalloc((size_t)pt->count + 1,
		    sizeof *in));
		types[i].instances = in;
		for (n = 1; n <= pt->count; n++) {
			in[n - 1].n = n;
			if (plan_port(p, pt, n, &in[n - 1].port) != 0)
				in[n - 1].port = 0;
			snprintf(ps, sizeof ps, "%s.%ld", pt->name, n);
			if (cmd_export_probe(m, pt, in[n - 1].port, ps,
			    &in[n - 1].ready) != 0)
				return -1;
		}
		/* Every replica of a pod: the first PORT, PS=TYPE. */
		if (plan_port(p, pt, 1, &port) != 0)
			port = 0;
		if (cmd_export_probe(m, pt, port, pt->name,
		    &types[i].pod_ready) != 0)
			return -1;
	}
	return 0;
}
/* Joins DIR and a relative path. */
static char *
cmd_export_path(const char *dir, const char *rel)
{
	char *path;

	xasprintf(&path, "%s/%s", dir, rel);
	return path;
}

/* Tells whether rel is one of the files to write. */
static int
cmd_export_new(const struct export_files *files, const char *rel)
{
	size_t i;

	for (i = 0; i < files->n; i++) {
		if (strcmp(files->v[i].path, rel) == 0)
			return 1;
	}
	return 0;
}

/*
 * Tells whether the regular file at path starts with tfrun's header for
 * this format and app.
 */
static int
cmd_export_ours(const char *path, const char *format, const char *app)
{
	char head[CMD_EXPORT_HEAD];
	struct stat st;
	ssize_t n;
	int fd, ours;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	n = read(fd, head, sizeof head);
	close(fd);
	ours = n > 0 && export_header_match(format, app, head, (size_t)n);
	return ours;
}

/* A list of relative paths. */
struct cmd_export_list {
	char **v;
	size_t n;
};

/* Adds an allocated path to a list, unless it is there already. */
static void
cmd_export_list_add(struct cmd_export_list *l, char *rel)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], rel) == 0) {
			free(rel);
			return;
		}
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = rel;
}

/* Frees a list. */
static void
cmd_export_list_free(struct cmd_export_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Tells whether a directory entry's name belongs to the app's names. */
static int
cmd_export_prefixed(const char *name, const char *app)
{
	size_t len = strlen(app);

	return strncmp(name, app, len) == 0 &&
	    (name[len] == '-' || name[len] == '.');
}

/*
 * Adds to list the files of svc/env/ (svc relative to dir) that tfrun
 * wrote, as its list env/.tfrun says, and the new export does not write:
 * chpst -e would pass a variable that is no longer exported. A file added
 * by hand is not in the list and stays.
 */
static void
cmd_export_env_extras(const char *dir, const char *svc, const char *format,
    const char *app, const struct export_files *files,
    struct cmd_export_list *list)
{
	struct stat st;
	char *rel, *path, *data, *line, *nl;
	size_t len;

	xasprintf(&rel, "%s/env/" EXPORT_RUNIT_KEYS, svc);
	path = cmd_export_path(dir, rel);
	free(rel);
	if (!cmd_export_ours(path, format, app) ||
	    file_read(path, &data, &len) != 0) {
		free(path);
		return;
	}
	free(path);
	/* The first line is the header; then one name per line. */
	for (line = strchr(data, '\n'); line != NULL; line = nl) {
		line++;
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (*line == '\0' || strchr(line, '/') != NULL ||
		    *line == '.')
			continue;
		xasprintf(&rel, "%s/env/%s", svc, line);
		path = cmd_export_path(dir, rel);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    !cmd_export_new(files, rel))
			cmd_export_list_add(list, rel);
		else
			free(rel);
		free(path);
	}
	free(data);
}

/*
 * Adds to stale every file of a service directory svc (relative to dir)
 * that tfrun wrote and the new export does not have: its scripts and its
 * list of env/ files, with tfrun's header, and the env/ files that list
 * names.
 */
static void
cmd_export_scan_service(const char *dir, const char *svc,
    const char *format, const char *app, const struct export_files *files,
    struct cmd_export_list *stale)
{
	static const char *const scripts[] = {
		"run", "finish", "check", "control/t", "log/run",
		("env/" EXPORT_RUNIT_KEYS)
	};
	char *rel, *path;
	size_t i;

	for (i = 0; i < nitems(scripts); i++) {
		xasprintf(&rel, "%s/%s", svc, scripts[i]);
		path = cmd_export_path(dir, rel);
		if (!cmd_export_new(files, rel) &&
		    cmd_export_ours(path, format, app))
			cmd_export_list_add(stale, rel);
		else
			free(rel);
		free(path);
	}
	cmd_export_env_extras(dir, svc, format, app, files, stale);
}

/*
 * Finds the files that --force removes (see export.h): tfrun's files of
 * this app and format that the new export does not write.
 */
static void
cmd_export_scan(const char *dir, const struct export_backend *be,
    const char *app, const struct export_files *files,
    struct cmd_export_list *stale)
{
	struct dirent *de;
	struct stat st;
	char *path, *run;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!cmd_export_prefixed(de->d_name, app))
			continue;
		path = cmd_export_path(dir, de->d_name);
		if (be->service_dirs) {
			run = cmd_export_path(path, "run");
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
			    cmd_export_ours(run, be->name, app))
				cmd_export_scan_service(dir, de->d_name,
				    be->name, app, files, stale);
			free(run);
		} else if (!cmd_export_new(files, de->d_name) &&
		    cmd_export_ours(path, be->name, app))
			cmd_export_list_add(stale, xstrdup(de->d_name));
		free(path);
	}
	closedir(d);
}

/*
 * Cuts path at its last '/' when that leaves more than min bytes (a
 * directory below DIR); returns 1 when it did.
 */
static int
cmd_export_up(char *path, size_t min)
{
	size_t i = strlen(path);

	while (i > min && path[i] != '/')
		i--;
	if (i <= min)
		return 0;
	path[i] = '\0';
	return 1;
}

/*
 * Finds what is in the way of the new files: existing files (a conflict
 * without --force) and things that are not regular files or directories
 * where those are needed (always). Prints each; returns how many.
 */
static int
cmd_export_conflicts(const char *dir, const struct export_files *files,
    int force)
{
	struct stat st;
	char *path;
	size_t i;
	int n = 0;

	for (i = 0; i < files->n; i++) {
		path = cmd_export_path(dir, files->v[i].path);
		if (lstat(path, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				fprintf(stderr, "tfrun: export: %s exists and "
				    "is not a regular file\n", path);
				n++;
			} else if (!force) {
				fprintf(stderr, "tfrun: export: %s exists "
				    "(--force replaces it)\n", path);
				n++;
			}
		} else if (errno != ENOENT && errno != ENOTDIR) {
			fprintf(stderr, "tfrun: export: %s: %s\n", path,
			    strerror(errno));
			n++;
		}
		/* A parent that is not a directory cannot hold the file. */
		while (cmd_export_up(path, strlen(dir))) {
			if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "tfrun: export: %s exists and "
				    "is not a directory\n", path);
				n++;
				break;
			}
		}
		free(path);
	}
	return n;
}

/*
 * Adds to extras the env/ files of the new service directories that an
 * earlier export wrote and this one does not (service_dirs backends only).
 */
static void
cmd_export_extras(const char *dir, const char *format, const char *app,
    const struct export_files *files, struct cmd_export_list *extras)
{
	char *svc;
	size_t i, len;

	for (i = 0; i < files->n; i++) {
		if (strchr(files->v[i].path, '/') == NULL ||
		    !export_files_top(files, i, &len))
			continue;
		svc = xstrndup(files->v[i].path, len);
		cmd_export_env_extras(dir, svc, format, app, files, extras);
		free(svc);
	}
}

/* Creates dir and its parents (mkdir -p). Returns 0 or -1 with errno. */
static int
cmd_export_mkdirs(const char *dir)
{
	char *p = xstrdup(dir), *s, c;
	int rc = 0;

	for (s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

/*
 * Writes one file atomically: a temporary file in the same directory,
 * renamed over the name once complete. Returns 0, or -1 after printing.
 */
static int
cmd_export_write(const char *dir, const struct export_file *f)
{
	char *path, *tmp, *parent, *slash;
	size_t off = 0;
	ssize_t w;
	int fd;

	path = cmd_export_path(dir, f->path);
	parent = xstrdup(path);
	slash = strrchr(parent, '/');
	*slash = '\0';
	if (cmd_export_mkdirs(parent) != 0) {
		fprintf(stderr, "tfrun: export: %s: %s\n", parent,
		    strerror(errno));
		free(parent);
		free(path);
		return -1;
	}
	xasprintf(&tmp, "%s/.tfrun-export.XXXXXX", parent);
	free(parent);
	if ((fd = mkstemp(tmp)) == -1)
		goto fail;
	while (off < f->len) {
		if ((w = write(fd, f->data + off, f->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, f->mode) != 0 || fsync(fd) != 0)
		goto fail_fd;
	if (close(fd) != 0) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto fail_fd;
	}
	free(tmp);
	free(path);
	return 0;

fail_fd:
	{
		int err = errno;

		if (fd != -1)
			close(fd);
		unlink(tmp);
		errno = err;
	}
fail:
	fprintf(stderr, "tfrun: export: %s: %s\n", path, strerror(errno));
	free(tmp);
	free(path);
	return -1;
}

/*
 * Removes the stale files, then the directories they leave empty (never a
 * directory that still holds anything). Returns 0, or -1 after printing.
 */
static int
cmd_export_remove(const char *dir, const struct cmd_export_list *stale,
    struct buf *out)
{
	char *path;
	size_t i;
	int rc = 0;

	for (i = 0; i < stale->n; i++) {
		path = cmd_export_path(dir, stale->v[i]);
		if (unlink(path) != 0 && errno != ENOENT) {
			fprintf(stderr, "tfrun: export: %s: %s\n", path,
			    strerror(errno));
			rc = -1;
		} else
			buf_printf(out, "removed %s\n", path);
		while (cmd_export_up(path, strlen(dir))) {
			if (rmdir(path) != 0)
				break;
		}
		free(path);
	}
	return rc;
}

/* Writes the export; see cmd.h. */
int
cmd_export(const struct plan *p, const struct cli *cli)
{
	const struct export_backend *be;
	struct export_model m;
	struct export_files files = { NULL, 0 };
	struct cmd_export_list stale = { NULL, 0 };
	struct buf out = BUF_INIT;
	struct stat st;
	const char *line, *nl;
	char *cause, *dir = NULL;
	size_t i;
	int conflicts, status = 1;

	be = export_find(cli->args[0]);
	if (be == NULL || cmd_export_options(cli, be->name) != 0)
		return 2;
	if (cmd_export_model(p, cli, &m) != 0) {
		export_model_free(&m);
		return 1;
	}
	if (be->render(&m, &files, &cause) != 0) {
		for (line = cause; *line != '\0'; line = nl + 1) {
			if ((nl = strchr(line, '\n')) == NULL)
				nl = line + strlen(line) - 1;
			fprintf(stderr, "tfrun: export: %.*s\n",
			    (int)(nl - line + (*nl != '\n')), line);
		}
		fprintf(stderr, "tfrun: export: nothing written\n");
		free(cause);
		goto out;
	}

	/* DIR as an absolute path, for messages and the install commands. */
	if (cli->args[1][0] == '/')
		dir = xstrdup(cli->args[1]);
	else {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof cwd) == NULL) {
			fprintf(stderr, "tfrun: export: cannot find the "
			    "current directory: %s\n", strerror(errno));
			goto out;
		}
		xasprintf(&dir, "%s/%s", cwd, cli->args[1]);
	}
	while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';

	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tfrun: export: %s is not a directory\n", dir);
		fprintf(stderr, "tfrun: export: nothing written\n");
		goto out;
	}
	conflicts = cmd_export_conflicts(dir, &files, cli->force);
	if (be->service_dirs)
		cmd_export_extras(dir, be->name, m.app, &files, &stale);
	if (!cli->force) {
		for (i = 0; i < stale.n; i++)
			fprintf(stderr, "tfrun: export: %s/%s exists and would be "
			    "passed to the process (--force removes it)\n", dir,
			    stale.v[i]);
		conflicts += (int)stale.n;
	}
	if (conflicts > 0) {
		fprintf(stderr, "tfrun: export: nothing written\n");
		goto out;
	}
	if (cli->force)
		cmd_export_scan(dir, be, m.app, &files, &stale);
	if (cmd_export_mkdirs(dir) != 0) {
		fprintf(stderr, "tfrun: export: %s: %s\n", dir,
		    strerror(errno));
		goto out;
	}
	for (i = 0; i < files.n; i++) {
		if (cmd_export_write(dir, &files.v[i]) != 0)
			goto out;
	}
	buf_printf(&out, "wrote %zu file%s for app %s in %s (%s)\n", files.n,
	    files.n == 1 ? "" : "s", m.app, dir, be->name);
	if (cmd_export_remove(dir, &stale, &out) != 0)
		goto out;
	buf_adds(&out, "\nTo install and start it:\n\n");
	be->install(&m, &files, dir, &out);
	fwrite(out.data, 1, out.len, stdout);
	status = fflush(stdout) == 0 ? 0 : 1;

out:
	buf_free(&out);
	free(dir);
	cmd_export_list_free(&stale);
	export_files_free(&files);
	export_model_free(&m);
	return status;
}
