/*
 * test_export_fixture.h: the app the export backend tests render, built
 * by hand (no plan, no files), and helpers to look into what a backend
 * rendered. Included by each tests/unit/test_export_*.c after cmocka.h.
 *
 * The app "shop" in "/srv/shop app" (a blank in the root):
 *	web	2 instances on 5000 and 5001, SIGINT, 2.5 s, on-failure,
 *		ready = http://127.0.0.1:$PORT/health, after = release:done
 *	worker	1 instance on 5100, SIGTERM, 5 s, always,
 *		after = web:started
 *	release	a one-shot on 5200, restart never
 *	clock	0 instances (nothing is written for it)
 * and env variables with the values every target must carry.
 */
#ifndef TEST_EXPORT_FIXTURE_H
#define TEST_EXPORT_FIXTURE_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "export.h"

enum { FX_WEB, FX_WORKER, FX_RELEASE, FX_CLOCK, FX_NTYPES };

/* The variables of the fixture, every one carried by every target. */
static const struct export_var fx_vars[] = {
	{ "PLAIN", "hello" },
	{ "SPACES", "  two  words" },
	{ "DQ", "say \"hi\" now" },
	{ "SQ", "it's" },
	{ "PCT", "100% of %s" },
	{ "DOLLAR", "$HOME ${X} $(date) $$" },
	{ "HASH", "a#b" },
	{ "BACKSLASH", "C:\\dir\\n" },
	{ "NEWLINE", "line1\nline2" },
	{ "UTF8", "caf\xc3\xa9 \xe2\x82\xac" },
	{ "EMPTY", "" },
	{ "API_KEY", "k3y" },
	{ "DATABASE_URL", "postgres://u:p@h/db" },
};

/* A fixture: the model and the arrays it points into. */
struct fx {
	struct export_model m;
	struct export_type types[FX_NTYPES];
	struct export_instance web[2], worker[1], release[1];
	struct export_after web_after[1], worker_after[1];
	struct export_var vars[32];
};

/* Fills a probe for http://127.0.0.1:PORT/health. */
static tf_unused void
fx_http(struct export_probe *p, long port)
{
	p->kind = EXPORT_PROBE_HTTP;
	p->host = "127.0.0.1";
	p->port = port;
	p->path = "/health";
	p->spec = "http://127.0.0.1:$PORT/health";
}

/* Builds the fixture. */
static tf_unused void
fx_init(struct fx *f)
{
	struct export_type *t;

	memset(f, 0, sizeof *f);
	memcpy(f->vars, fx_vars, sizeof fx_vars);
	f->m.app = "shop";
	f->m.root = "/srv/shop app";
	f->m.image = "registry.example/shop:1";
	f->m.vars = f->vars;
	f->m.nvars = sizeof fx_vars / sizeof fx_vars[0];
	f->m.types = f->types;
	f->m.ntypes = FX_NTYPES;

	t = &f->types[FX_WEB];
	t->name = "web";
	t->command = "bundle exec puma -p $PORT -C 'config/puma.rb' # 100%";
	t->count = 2;
	f->web[0].n = 1;
	f->web[0].port = 5000;
	fx_http(&f->web[0].ready, 5000);
	f->web[1].n = 2;
	f->web[1].port = 5001;
	fx_http(&f->web[1].ready, 5001);
	fx_http(&t->pod_ready, 5000);
	t->instances = f->web;
	t->stop_signal = SIGINT;
	t->timeout_ms = 2500;
	t->restart = CONFIG_RESTART_ON_FAILURE;
	f->web_after[0].type = FX_RELEASE;
	f->web_after[0].cond = EXPORT_COND_DONE;
	t->after = f->web_after;
	t->nafter = 1;

	t = &f->types[FX_WORKER];
	t->name = "worker";
	t->command = "exec sidekiq -q default; echo \"$(date)\"";
	t->count = 1;
	f->worker[0].n = 1;
	f->worker[0].port = 5100;
	t->instances = f->worker;
	t->stop_signal = SIGTERM;
	t->timeout_ms = 5000;
	t->restart = CONFIG_RESTART_ALWAYS;
	f->worker_after[0].type = FX_WEB;
	f->worker_after[0].cond = EXPORT_COND_STARTED;
	t->after = f->worker_after;
	t->nafter = 1;

	t = &f->types[FX_RELEASE];
	t->name = "release";
	t->command = "bin/rails db:migrate";
	t->count = 1;
	f->release[0].n = 1;
	f->release[0].port = 5200;
	t->instances = f->release;
	t->stop_signal = SIGTERM;
	t->timeout_ms = 5000;
	t->restart = CONFIG_RESTART_NEVER;
	t->oneshot = 1;

	t = &f->types[FX_CLOCK];
	t->name = "clock";
	t->command = "bin/clock";
	t->count = 0;
	t->stop_signal = SIGTERM;
	t->timeout_ms = 5000;

	for (t = f->types; t < f->types + FX_NTYPES; t++) {
		t->ready_interval_ms = 250;
		t->ready_timeout_ms = 60000;
	}
}

/* Sets variable i of the fixture (adding it when i is the count). */
static tf_unused void
fx_var(struct fx *f, size_t i, const char *key, const char *value)
{
	f->vars[i].key = key;
	f->vars[i].value = value;
	if (i == f->m.nvars)
		f->m.nvars++;
}

/* Renders with be and expects success. */
static tf_unused void
fx_render(const struct export_backend *be, const struct fx *f,
    struct export_files *files)
{
	char *cause = NULL;

	memset(files, 0, sizeof *files);
	if (be->render(&f->m, files, &cause) != 0)
		fail_msg("%s: unexpected error: %s", be->name, cause);
	assert_null(cause);
}

/*
 * Renders with be, expects failure and nothing rendered, and returns the
 * cause (the caller frees it).
 */
static tf_unused char *
fx_render_fails(const struct export_backend *be, const struct fx *f)
{
	struct export_files files;
	char *cause = NULL;

	memset(&files, 0, sizeof files);
	assert_int_equal(be->render(&f->m, &files, &cause), -1);
	assert_non_null(cause);
	assert_int_equal(files.n, 0);
	assert_null(files.v);
	return cause;
}

/* Returns the content of the file at path (it must exist). */
static tf_unused const struct export_file *
fx_file(const struct export_files *files, const char *path)
{
	size_t i;

	for (i = 0; i < files->n; i++) {
		if (strcmp(files->v[i].path, path) == 0)
			return &files->v[i];
	}
	fail_msg("no file %s", path);
	return NULL;
}

/* Tells whether a file at path was rendered. */
static tf_unused int
fx_has_file(const struct export_files *files, const char *path)
{
	size_t i;

	for (i = 0; i < files->n; i++) {
		if (strcmp(files->v[i].path, path) == 0)
			return 1;
	}
	return 0;
}

/* Counts the lines of data (len bytes) equal to line. */
static tf_unused int
fx_count_line(const char *data, size_t len, const char *line)
{
	const char *p = data, *end = data + len, *nl;
	size_t n = strlen(line);
	int count = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) == n && memcmp(p, line, n) == 0)
			count++;
		p = nl + 1;
	}
	return count;
}

/* Asserts that file path holds line exactly once. */
#define fx_line(files, path, line) do {					\
	const struct export_file *fx_f_ = fx_file((files), (path));	\
									\
	if (fx_count_line(fx_f_->data, fx_f_->len, (line)) != 1)	\
		fail_msg("%s: expected the line once: %s\n---\n%.*s",	\
		    (path), (line), (int)fx_f_->len, fx_f_->data);	\
} while (0)

/* Asserts that file path does not hold line. */
#define fx_no_line(files, path, line) do {				\
	const struct export_file *fx_f_ = fx_file((files), (path));	\
									\
	if (fx_count_line(fx_f_->data, fx_f_->len, (line)) != 0)	\
		fail_msg("%s: unexpected line: %s", (path), (line));	\
} while (0)

/* Asserts that text holds needle. */
#define fx_contains(text, needle) do {					\
	if (strstr((text), (needle)) == NULL)				\
		fail_msg("expected %s in:\n%s", (needle), (text));	\
} while (0)

#endif
