/*
 * export.c: what the export backends share: the backend table, the header
 * line that marks tfrun's files, shell quoting, the probe commands and the
 * dependency depth. Pure: the writing happens in cmd_export.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dotenv.h"
#include "export.h"
#include "xmalloc.h"

static const struct export_backend *const export_backends[] = {
	&export_systemd, &export_supervisord, &export_runit,
	&export_kubernetes
};

/* Finds a backend by name. */
const struct export_backend *
export_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(export_backends); i++) {
		if (strcmp(export_backends[i]->name, name) == 0)
			return export_backends[i];
	}
	return NULL;
}

/* Tells whether c is an ASCII letter or digit. */
static int
export_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Checks an app name; see export.h. */
int
export_app_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > EXPORT_APP_MAX || !export_alnum(name[0]))
		return 0;
	for (i = 0; i < len; i++) {
		if (!export_alnum(name[i]) && name[i] != '_' && name[i] != '-')
			return 0;
	}
	return 1;
}

/* Checks a user name or uid; see export.h. */
int
export_user_valid(const char *user)
{
	size_t i, len = strlen(user);

	if (len == 0 || len > 32 || user[0] == '-' || user[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (export_alnum(user[i]) || user[i] == '_' ||
		    user[i] == '.' || user[i] == '-')
			continue;
		if (user[i] == '$' && i == len - 1 && i > 0)
			continue;
		return 0;
	}
	return 1;
}

/* Frees a built model's allocations. */
void
export_model_free(struct export_model *m)
{
	size_t i;

	for (i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	memset(m, 0, sizeof *m);
}

/* Adds one file, taking b's content. */
void
export_files_add(struct export_files *f, const char *path, unsigned mode,
    struct buf *b)
{
	struct export_file *e;

	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	e = &f->v[f->n++];
	e->path = xstrdup(path);
	e->mode = mode;
	e->len = b->len;
	e->data = buf_detach(b);
}

/* Frees every file. */
void
export_files_free(struct export_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* Appends the header line; see export.h. */
void
export_header(struct buf *b, const char *format, const char *app)
{
	buf_printf(b, "# Written by tfrun export %s for app %s; tfrun export "
	    "--force replaces or removes it.", format, app);
}

/* Recognises a header; see export.h. */
int
export_header_match(const char *format, const char *app, const char *data,
    size_t len)
{
	struct buf want = BUF_INIT;
	const char *line = data, *end = data + len, *nl;
	int match;

	if (len >= 2 && data[0] == '#' && data[1] == '!') {
		if ((nl = memchr(data, '\n', len)) == NULL)
			return 0;
		line = nl + 1;
	}
	export_header(&want, format, app);
	match = (size_t)(end - line) > want.len &&
	    memcmp(line, want.data, want.len) == 0 && line[want.len] == '\n';
	buf_free(&want);
	return match;
}

/* Quotes one shell word; see export.h. */
void
export_sh_quote(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* Checks UTF-8; see export.h. */
int
export_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp, min;
	int n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
			min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
			min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Looks for control characters; see export.h. */
int
export_has_control(const char *s, const char *ok)
{
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 || *s == 0x7f) &&
		    strchr(ok, *s) == NULL)
			return 1;
	}
	return 0;
}

/* Rounds up to seconds. */
uint64_t
export_seconds(uint64_t ms)
{
	return ms / 1000 + (ms % 1000 != 0);
}

/*
 * The HTTP probe as a bash script taking HOST PORT PATH as $0 $1 $2: the
 * status code of the first response line must be 2xx or 3xx (SPEC 6b).
 */
static const char export_http_script[] =
	"exec 3<>\"/dev/tcp/$0/$1\" || exit 1; "
	"printf 'GET %s HTTP/1.1\\r\\nHost: %s:%s\\r\\nConnection: close"
	"\\r\\n\\r\\n' \"$2\" \"$0\" \"$1\" >&3; "
	"read -r v s r <&3; "
	"case $s in [23][0-9][0-9]) exit 0;; esac; exit 1";

/* Appends a probe's command line; see export.h. */
void
export_probe_command(struct buf *b, const struct export_probe *p)
{
	char port[32];

	switch (p->kind) {
	case EXPORT_PROBE_TCP:
	case EXPORT_PROBE_HTTP:
		/*
		 * No HTTP client is certain to be installed; bash is, on the
		 * systems these managers run on. timeout(1) bounds a connect
		 * that hangs on a filtered port.
		 */
		snprintf(port, sizeof port, "%ld", p->port);
		buf_adds(b, "timeout 5 bash -c ");
		export_sh_quote(b, p->kind == EXPORT_PROBE_TCP ?
		    "exec 3<>\"/dev/tcp/$0/$1\"" : export_http_script);
		buf_addc(b, ' ');
		export_sh_quote(b, p->host);
		buf_addc(b, ' ');
		export_sh_quote(b, port);
		if (p->kind == EXPORT_PROBE_HTTP) {
			buf_addc(b, ' ');
			export_sh_quote(b, p->path);
		}
		buf_adds(b, " 2>/dev/null");
		break;
	case EXPORT_PROBE_EXEC:
		buf_adds(b, "/bin/sh -c ");
		export_sh_quote(b, p->arg);
		break;
	case EXPORT_PROBE_NONE:
	case EXPORT_PROBE_LOG:
		break;
	}
}

/* Computes a type's depth, bounded so that a cycle cannot recurse forever. */
static size_t
export_level_bounded(const struct export_model *m, size_t type, size_t left)
{
	const struct export_type *t = &m->types[type];
	size_t i, d, level = 0;

	if (left == 0)
		return 0;
	for (i = 0; i < t->nafter; i++) {
		d = export_level_bounded(m, t->after[i].type, left - 1) + 1;
		if (d > level)
			level = d;
	}
	return level;
}

/* Returns a type's depth in the `after` graph. */
size_t
export_level(const struct export_model *m, size_t type)
{
	return export_level_bounded(m, type, m->ntypes);
}

/* Finds where a top-level directory's files start; see export.h. */
int
export_files_top(const struct export_files *files, size_t i, size_t *len)
{
	const char *path = files->v[i].path, *slash, *prev;

	if ((slash = strchr(path, '/')) == NULL) {
		*len = strlen(path);
		return 1;
	}
	*len = (size_t)(slash - path);
	if (i == 0)
		return 1;
	prev = files->v[i - 1].path;
	return strncmp(prev, path, *len + 1) != 0;
}

/* Appends the quoted paths of the files or of their directories. */
void
export_install_paths(struct buf *b, const struct export_files *files,
    const char *dir, int top)
{
	struct buf path = BUF_INIT;
	size_t i, len;

	for (i = 0; i < files->n; i++) {
		if (!top)
			len = strlen(files->v[i].path);
		else if (!export_files_top(files, i, &len))
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%.*s", dir, (int)len, files->v[i].path);
		buf_addc(b, ' ');
		export_sh_quote(b, path.data);
	}
	buf_free(&path);
}

/* Finds what a dependency waits for; see export.h. */
const struct export_type *
export_after_type(const struct export_model *m, const struct export_type *t,
    size_t i, struct buf *b)
{
	const struct export_type *d = &m->types[t->after[i].type];

	if (d->count == 0)
		return NULL;
	buf_printf(b, "# after = %s:%s\n", d->name,
	    export_cond_name(t->after[i].cond));
	return d;
}

/* Names a condition. */
const char *
export_cond_name(enum export_cond c)
{
	switch (c) {
	case EXPORT_COND_STARTED:
		return "started";
	case EXPORT_COND_READY:
		return "ready";
	case EXPORT_COND_DONE:
		break;
	}
	return "done";
}

/*
 * Adds a problem line. A name with control characters (which no key from
 * an env file has) must not break the one-line-per-problem promise: they
 * are shown as \xNN.
 */
void
export_error(struct buf *errs, const char *format, const char *fmt, ...)
{
	struct buf line = BUF_INIT;
	const unsigned char *p;
	va_list ap;

	if (errs->len > 0)
		buf_addc(errs, '\n');
	buf_printf(errs, "%s: ", format);
	va_start(ap, fmt);
	buf_vprintf(&line, fmt, ap);
	va_end(ap);
	for (p = (const unsigned char *)line.data; p != NULL && *p != '\0';
	    p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(errs, "\\x%02x", *p);
		else
			buf_addc(errs, (char)*p);
	}
	buf_free(&line);
}

/* Refuses names that no env file can hold; see export.h. */
void
export_check_keys(const struct export_model *m, const char *format,
    struct buf *errs)
{
	size_t i;

	for (i = 0; i < m->nvars; i++) {
		if (!dotenv_valid_key(m->vars[i].key))
			export_error(errs, format, "env key %s is not a name "
			    "of letters, digits, '_', '.' and '-'",
			    m->vars[i].key);
	}
}

/* Ends a render; see export.h. */
int
export_finish(struct buf *errs, struct export_files *files, char **cause)
{
	if (errs->len == 0) {
		buf_free(errs);
		return 0;
	}
	export_files_free(files);
	*cause = buf_detach(errs);
	return -1;
}
