/*
 * fuzz_export.c: renders an app built from one input with every export
 * backend. The input is cut at NUL bytes into fields: the first is web's
 * command, the second the app root, then KEY and VALUE pairs; every
 * field may hold any other byte. A render either succeeds with files
 * that start with tfrun's header, or fails with one line per problem,
 * each naming its target, and no file.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_VARS 16

/* Checks one backend's result; aborts on a broken promise. */
static void
fuzz_check(const struct export_backend *be, const struct export_model *m)
{
	struct export_files files = { NULL, 0 };
	struct buf b = BUF_INIT;
	const char *line, *nl;
	char *cause = NULL;
	size_t i, len;

	if (be->render(m, &files, &cause) != 0) {
		if (cause == NULL || files.n != 0 || files.v != NULL)
			abort();
		for (line = cause; line != NULL; line = nl != NULL ? nl + 1 :
		    NULL) {
			nl = strchr(line, '\n');
			len = strlen(be->name);
			if (strncmp(line, be->name, len) != 0 ||
			    line[len] != ':')
				abort();
		}
		free(cause);
		return;
	}
	if (cause != NULL || files.n == 0)
		abort();
	for (i = 0; i < files.n; i++) {
		/* env/ files hold a bare value (see export_runit.c). */
		if (strstr(files.v[i].path, "/env/") == NULL &&
		    !export_header_match(be->name, m->app, files.v[i].data,
		    files.v[i].len))
			abort();
	}
	be->install(m, &files, "/out", &b);
	buf_free(&b);
	export_files_free(&files);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct export_backend *const backends[] = {
		&export_systemd, &export_supervisord, &export_runit,
		&export_kubernetes
	};
	struct export_var vars[FUZZ_MAX_VARS];
	struct export_instance web[2];
	struct export_type type;
	struct export_model m;
	char *s, *field[2 + 2 * FUZZ_MAX_VARS];
	size_t i, nfield = 0, off = 0;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	while (off <= size && nfield < sizeof field / sizeof field[0]) {
		field[nfield++] = s + off;
		off += strlen(s + off) + 1;
	}

	memset(&m, 0, sizeof m);
	memset(&type, 0, sizeof type);
	memset(web, 0, sizeof web);
	m.app = "app";
	m.image = "example/app";
	m.root = nfield > 1 && field[1][0] != '\0' ? field[1] : "/srv/app";
	for (i = 2; i + 1 < nfield; i += 2) {
		vars[m.nvars].key = field[i];
		vars[m.nvars++].value = field[i + 1];
	}
	m.vars = vars;
	type.name = "web";
	type.command = field[0];
	type.count = 2;
	type.stop_signal = SIGTERM;
	type.timeout_ms = 2500;
	type.ready_interval_ms = 250;
	type.ready_timeout_ms = 60000;
	for (i = 0; i < 2; i++) {
		web[i].n = (long)i + 1;
		web[i].port = 5000 + (long)i;
		web[i].ready.kind = EXPORT_PROBE_EXEC;
		web[i].ready.arg = field[0];
	}
	type.instances = web;
	type.pod_ready = web[0].ready;
	m.types = &type;
	m.ntypes = 1;

	for (i = 0; i < sizeof backends / sizeof backends[0]; i++)
		fuzz_check(backends[i], &m);
	free(s);
	return 0;
}
