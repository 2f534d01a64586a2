/*
 * cmd_env.c: `tfrun env [NAME]` — the environment a process would get, in
 * .env syntax that tfrun reads back to the same values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "dotenv.h"
#include "envmap.h"

/*
 * Resolves NAME ("web.2", or "web" for web.1) to its PORT and PS. Returns
 * 0, or -1 after printing why.
 */
static int
cmd_env_instance(const struct plan *p, const char *name, long *port,
    char **ps)
{
	const struct plan_type *t;
	const char *dot;
	char *type, *end;
	long n = 1;

	dot = strrchr(name, '.');
	type = dot != NULL ? strndup(name, (size_t)(dot - name)) :
	    strdup(name);
	if (type == NULL)
		return -1;
	if (dot != NULL) {
		errno = 0;
		n = strtol(dot + 1, &end, 10);
		if (dot[1] < '0' || dot[1] > '9' || *end != '\0' ||
		    errno != 0 || n < 1 || n > p->port_step) {
			fprintf(stderr, "tfrun: env: '%s': the instance number "
			    "must be from 1 to %ld\n", name, p->port_step);
			free(type);
			return -1;
		}
	}
	if ((t = plan_type_find(p, type)) == NULL) {
		fprintf(stderr, "tfrun: env: '%s': no process type '%s' in "
		    "%s\n", name, type, p->procfile);
		free(type);
		return -1;
	}
	free(type);
	if (plan_port(p, t, n, port) != 0) {
		fprintf(stderr, "tfrun: env: '%s': its port would be above "
		    "65535\n", name);
		return -1;
	}
	if (asprintf(ps, "%s.%ld", t->name, n) < 0)
		return -1;
	return 0;
}

/* Prints the sorted environment; keys .env cannot hold become a comment. */
int
cmd_env(const struct plan *p, const struct cli *cli)
{
	struct envmap m = ENVMAP_INIT;
	struct buf out = BUF_INIT;
	char portstr[32], *ps;
	long port;
	size_t i;

	if (cli->nargs > 0) {
		if (cmd_env_instance(p, cli->args[0], &port, &ps) != 0)
			return 1;
	} else {
		port = p->base_port;
		ps = strdup("run.1");
	}
	envmap_merge(&m, &p->env.effective);
	snprintf(portstr, sizeof portstr, "%ld", port);
	envmap_set(&m, "PORT", portstr);
	envmap_set(&m, "PS", ps);
	free(ps);
	envmap_sort(&m);
	for (i = 0; i < m.n; i++) {
		if (!dotenv_valid_key(m.v[i].key)) {
			buf_adds(&out, "# skipped a variable whose name is not "
			    "a valid .env key\n");
			continue;
		}
		buf_adds(&out, m.v[i].key);
		buf_addc(&out, '=');
		dotenv_quote(&out, m.v[i].value);
		buf_addc(&out, '\n');
	}
	fwrite(out.data != NULL ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
	envmap_free(&m);
	return fflush(stdout) == 0 ? 0 : 1;
}
