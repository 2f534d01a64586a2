/*
 * export_supervisord.c: APP.conf, a [program:APP-TYPE-N] per instance and
 * a [group:APP] (Debian's supervisor 4.2 read as the reference).
 *
 * supervisord reads its files with Python's configparser (UTF-8; ';' or
 * '#' after a blank starts a comment, even inside quotes; a value's lines
 * are stripped; '\r' ends a line), expands '%(name)s' everywhere (so every
 * '%' is doubled, and '%(here)s' is replaced even when written
 * '%%(here)s'), then splits command= with POSIX shlex and environment=
 * with a non-POSIX shlex that has no escapes and strips quotes at both
 * ends of each value. So:
 * - command= is "/bin/sh -c 'COMMAND'" in POSIX single quotes, each quote
 *   written '"'"', and each ';' and '#' preceded by '' so that no blank
 *   stands before it;
 * - environment= values go in whichever quote they do not contain, a
 *   newline as an indented continuation line; a value that this cannot
 *   carry exactly is refused, naming its key (export.h).
 * The order of `after` becomes the order of the group's programs (which
 * supervisord starts in that order) and priority (which it stops in
 * reverse), but supervisord does not wait: a dependent starts right
 * after its dependency was started.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "sig.h"
#include "xmalloc.h"

#define SUPERVISORD "supervisord"

/*
 * Returns the length of the code point at p when Python's str.isspace()
 * is true for it (what configparser strips and what may stand before an
 * inline comment), else 0. p is valid UTF-8 (checked before).
 */
static size_t
supervisord_space(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	if (*p < 0x80)
		return ((*p >= 0x09 && *p <= 0x0d) || (*p >= 0x1c &&
		    *p <= 0x20)) ? 1 : 0;
	if ((*p & 0xe0) == 0xc0) {
		cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		return (cp == 0x85 || cp == 0xa0) ? 2 : 0;
	}
	if ((*p & 0xf0) == 0xe0) {
		cp = ((unsigned)(p[0] & 0x0f) << 12) |
		    ((unsigned)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		return (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
		    cp == 0x205f || cp == 0x3000) ? 3 : 0;
	}
	return 0;
}

/* Where a string goes, for supervisord_problem. */
enum supervisord_where {
	SUPERVISORD_COMMAND, /* in single quotes, ';' and '#' kept apart */
	SUPERVISORD_PATH,    /* bare: a blank before ';' or '#' is fatal */
	SUPERVISORD_ENV      /* in quotes, its lines stripped */
};

/* Returns why s cannot be written where it goes, or NULL. */
static const char *
supervisord_problem(const char *s, enum supervisord_where where)
{
	const char *p;
	size_t n;

	if (!export_utf8_valid(s))
		return "is not UTF-8 (supervisord reads UTF-8 text)";
	if (strchr(s, '\r') != NULL)
		return "holds a carriage return, which supervisord reads as "
		    "the end of a line";
	if (where != SUPERVISORD_ENV && strchr(s, '\n') != NULL)
		return "holds a newline";
	if (strstr(s, "%(here)s") != NULL)
		return "holds %(here)s, which supervisord replaces even when "
		    "it is written %%(here)s";
	if (where == SUPERVISORD_COMMAND)
		return NULL;
	for (p = s; *p != '\0'; p += n) {
		if ((n = supervisord_space(p)) == 0) {
			n = 1;
			continue;
		}
		if (p[n] == ';' || p[n] == '#')
			return "holds a blank before ';' or '#', which "
			    "supervisord reads as a comment";
		if (where != SUPERVISORD_ENV)
			continue;
		if (*p != '\n' && p[n] == '\n')
			return "holds a blank at the end of a line, which "
			    "supervisord strips";
		if (*p == '\n' && p[n] != '\n' && supervisord_space(p + n) != 0)
			return "holds a blank at the start of a line, which "
			    "supervisord strips";
	}
	return NULL;
}

/* Returns why an environment value cannot be carried, or NULL. */
static const char *
supervisord_env_problem(const char *v)
{
	size_t len = strlen(v);

	if (strchr(v, '\'') != NULL && strchr(v, '"') != NULL)
		return "holds both ' and \", and supervisord's environment= "
		    "has no escape for either";
	if (len > 0 && (strchr("'\"", v[0]) != NULL ||
	    strchr("'\"", v[len - 1]) != NULL))
		return "starts or ends with a quote, which supervisord's "
		    "environment= strips";
	return supervisord_problem(v, SUPERVISORD_ENV);
}

/* Appends text with every '%' doubled. */
static void
supervisord_pct(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '%')
			buf_addc(b, '%');
		buf_addc(b, *s);
	}
}

/* Appends one KEY=VALUE of environment= (the value carried, checked). */
static void
supervisord_env(struct buf *b, const char *key, const char *v)
{
	char q = strchr(v, '"') != NULL ? '\'' : '"';

	buf_printf(b, "%s=%c", key, q);
	for (; *v != '\0'; v++) {
		if (*v == '%')
			buf_adds(b, "%%");
		else if (*v == '\n')
			/* A continuation line; an empty one needs no indent. */
			buf_adds(b, v[1] == '\n' ? "\n" : "\n  ");
		else
			buf_addc(b, *v);
	}
	buf_addc(b, q);
}

/* Appends command= for /bin/sh -c COMMAND (checked). */
static void
supervisord_command(struct buf *b, const char *cmd)
{
	buf_adds(b, "/bin/sh -c '");
	for (; *cmd != '\0'; cmd++) {
		if (*cmd == '\'')
			buf_adds(b, "'\"'\"'");
		else if (*cmd == ';' || *cmd == '#')
			buf_printf(b, "''%c", *cmd);
		else if (*cmd == '%')
			buf_adds(b, "%%");
		else
			buf_addc(b, *cmd);
	}
	buf_addc(b, '\'');
}

/* Checks everything the file would carry; adds a line per problem. */
static void
supervisord_check(const struct export_model *m, struct buf *errs)
{
	const char *why;
	size_t i, len;

	len = strlen(m->root);
	if ((why = supervisord_problem(m->root, SUPERVISORD_PATH)) == NULL &&
	    (export_has_control(m->root, "") || (len > 0 &&
	    supervisord_space(m->root + len - 1) != 0)))
		why = "holds control characters or ends with a blank";
	if (why != NULL)
		export_error(errs, SUPERVISORD, "the app root's path %s", why);
	export_check_keys(m, SUPERVISORD, errs);
	for (i = 0; i < m->nvars; i++) {
		if ((why = supervisord_env_problem(m->vars[i].value)) != NULL)
			export_error(errs, SUPERVISORD, "the value of %s %s",
			    m->vars[i].key, why);
	}
	for (i = 0; i < m->ntypes; i++) {
		why = supervisord_problem(m->types[i].command,
		    SUPERVISORD_COMMAND);
		if (why != NULL)
			export_error(errs, SUPERVISORD, "the command of %s %s",
			    m->types[i].name, why);
	}
}

/* Renders one [program:] section. */
static void
supervisord_program(struct buf *b, const struct export_model *m,
    const struct export_type *t, const struct export_instance *in,
    size_t type)
{
	const char *autorestart;
	const struct export_type *d;
	size_t i;

	buf_printf(b, "\n[program:%s-%s-%ld]\n", m->app, t->name, in->n);
	for (i = 0; i < t->nafter; i++) {
		d = &m->types[t->after[i].type];
		buf_printf(b, "# after = %s:%s: started after it (priority), "
		    "without waiting\n", d->name,
		    export_cond_name(t->after[i].cond));
	}
	buf_adds(b, "command=");
	supervisord_command(b, t->command);
	buf_adds(b, "\ndirectory=");
	supervisord_pct(b, m->root);
	buf_addc(b, '\n');
	if (m->user != NULL)
		buf_printf(b, "user=%s\n", m->user);
	buf_adds(b, "environment=");
	for (i = 0; i < m->nvars; i++) {
		supervisord_env(b, m->vars[i].key, m->vars[i].value);
		buf_addc(b, ',');
	}
	buf_printf(b, "PORT=\"%ld\",PS=\"%s.%ld\"\n", in->port, t->name,
	    in->n);

	switch (t->restart) {
	case CONFIG_RESTART_NEVER:
		autorestart = "false";
		break;
	case CONFIG_RESTART_ON_FAILURE:
		autorestart = "unexpected";
		break;
	default:
		/* A one-shot that succeeded is done, not restarted. */
		autorestart = t->oneshot ? "unexpected" : "true";
		break;
	}
	buf_printf(b, "autostart=true\nautorestart=%s\nexitcodes=0\n",
	    autorestart);
	/*
	 * supervisord counts a run shorter than startsecs as a failed start
	 * and retries it whatever autorestart says: a one-shot may be done in
	 * less, and `never` must not retry at all. Otherwise tfrun gives up
	 * after 10 failed starts in a row, as startretries does.
	 */
	buf_printf(b, "startsecs=%d\nstartretries=%d\n", t->oneshot ? 0 : 1,
	    t->restart == CONFIG_RESTART_NEVER ? 0 : 10);
	buf_printf(b, "stopsignal=%s\nstopwaitsecs=%llu\n",
	    sig_name(t->stop_signal) + 3,
	    (unsigned long long)export_seconds(t->timeout_ms));
	buf_adds(b, "stopasgroup=true\nkillasgroup=true\n");
	buf_printf(b, "priority=%zu\nredirect_stderr=true\n",
	    100 * (export_level(m, type) + 1));
}

/*
 * Returns the type indexes in start order: by depth in the `after` graph,
 * Procfile order within one depth (an allocated array of m->ntypes).
 */
static size_t *
supervisord_order(const struct export_model *m)
{
	size_t *order, i, j, level;

	order = xcalloc(m->ntypes + 1, sizeof *order);
	for (i = 0; i < m->ntypes; i++) {
		level = export_level(m, i);
		for (j = i; j > 0 && export_level(m, order[j - 1]) > level; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	return order;
}

/*
 * Renders APP.conf. supervisord starts the programs of a group in the
 * order of programs= (priority orders only stops and `start group:*`),
 * so both follow the start order.
 */
static int
supervisord_render(const struct export_model *m, struct export_files *files,
    char **cause)
{
	struct buf errs = BUF_INIT, b = BUF_INIT, name = BUF_INIT;
	const struct export_type *t;
	const char *sep = "";
	size_t i, *order;
	long n;

	supervisord_check(m, &errs);
	if (errs.len > 0)
		return export_finish(&errs, files, cause);

	order = supervisord_order(m);
	export_header(&b, SUPERVISORD, m->app);
	buf_addc(&b, '\n');
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[order[i]];
		for (n = 1; n <= t->count; n++)
			supervisord_program(&b, m, t, &t->instances[n - 1],
			    order[i]);
	}
	buf_printf(&b, "\n[group:%s]\nprograms=", m->app);
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[order[i]];
		for (n = 1; n <= t->count; n++) {
			buf_printf(&b, "%s%s-%s-%ld", sep, m->app, t->name, n);
			sep = ",";
		}
	}
	buf_addc(&b, '\n');
	free(order);
	buf_printf(&name, "%s.conf", m->app);
	/* It holds the environment, secrets included: root reads it. */
	export_files_add(files, name.data, 0600, &b);
	buf_free(&name);
	return export_finish(&errs, files, cause);
}

/* Appends the commands that install and start the group. */
static void
supervisord_install(const struct export_model *m,
    const struct export_files *files, const char *dir, struct buf *b)
{
	if (strcmp(dir, "/etc/supervisor/conf.d") != 0) {
		buf_adds(b, "cp");
		export_install_paths(b, files, dir, 0);
		buf_adds(b, " /etc/supervisor/conf.d/\n");
	}
	buf_printf(b, "supervisorctl reread\nsupervisorctl update %s\n",
	    m->app);
}

const struct export_backend export_supervisord = {
	SUPERVISORD, 0, supervisord_render, supervisord_install
};
