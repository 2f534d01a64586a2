/*
 * export_systemd.c: APP.target and one APP-TYPE.N.service per instance.
 *
 * Quoting: unit files must be UTF-8 (systemd ignores any other line), and
 * every value is written inside double quotes, where systemd decodes C
 * escapes: backslash and double quote are escaped, control characters
 * become \xNN (a newline \n), and '%' is doubled because systemd expands
 * specifiers everywhere. ExecStart= also substitutes $VAR and ${VAR}, so
 * there '$' is doubled as well. Environment= names must be shell
 * identifiers. One-shot types are Type=oneshot with RemainAfterExit=yes;
 * a readiness probe becomes an ExecStartPost= loop, so that After= waits
 * for it.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "dotenv.h"
#include "export.h"
#include "sig.h"

#define SYSTEMD "systemd"

/*
 * Appends s in double quotes for systemd. With dollar, '$' is doubled too
 * (ExecStart= would substitute variables).
 */
static void
systemd_quote(struct buf *b, const char *s, int dollar)
{
	unsigned char c;

	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\\' || c == '"') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '%')
			buf_adds(b, "%%");
		else if (c == '$' && dollar)
			buf_adds(b, "$$");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

/* Appends a path: '%' doubled, no quoting (WorkingDirectory= takes none). */
static void
systemd_path(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '%')
			buf_addc(b, '%');
		buf_addc(b, *s);
	}
}

/* Appends a timeout; systemd counts in any unit, so it stays exact. */
static void
systemd_time(struct buf *b, uint64_t ms)
{
	/* 0 would mean "no timeout" to systemd; tfrun means "at once". */
	if (ms == 0)
		ms = 1;
	if (ms % 1000 == 0)
		buf_printf(b, "%llus", (unsigned long long)(ms / 1000));
	else
		buf_printf(b, "%llums", (unsigned long long)ms);
}

/* Appends "APP-TYPE.N.service". */
static void
systemd_unit(struct buf *b, const struct export_model *m,
    const struct export_type *t, long n)
{
	buf_printf(b, "%s-%s.%ld.service", m->app, t->name, n);
}

/* Checks what the units would carry; adds a line per problem. */
static void
systemd_check(const struct export_model *m, struct buf *errs)
{
	const struct export_type *t;
	size_t i;

	if (!export_utf8_valid(m->root) || export_has_control(m->root, ""))
		export_error(errs, SYSTEMD, "the app root's path is not UTF-8 "
		    "text without control characters, which "
		    "WorkingDirectory= needs");
	for (i = 0; i < m->nvars; i++) {
		if (!dotenv_shell_key(m->vars[i].key))
			export_error(errs, SYSTEMD, "env key %s cannot be "
			    "passed: Environment= takes only names of letters, "
			    "digits and '_' not starting with a digit",
			    m->vars[i].key);
		if (!export_utf8_valid(m->vars[i].value))
			export_error(errs, SYSTEMD, "the value of %s is not "
			    "UTF-8, which systemd refuses in unit files",
			    m->vars[i].key);
	}
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		if (!export_utf8_valid(t->command))
			export_error(errs, SYSTEMD, "the command of %s is not "
			    "UTF-8, which systemd refuses in unit files",
			    t->name);
		if (t->count > 0 && !export_utf8_valid(
		    t->instances[0].ready.arg != NULL ?
		    t->instances[0].ready.arg : ""))
			export_error(errs, SYSTEMD, "the ready probe of %s is "
			    "not UTF-8, which systemd refuses in unit files",
			    t->name);
	}
}

/* Writes the [Unit] dependencies of one instance on other types. */
static void
systemd_after(struct buf *b, const struct export_model *m,
    const struct export_type *t)
{
	const struct export_type *d;
	size_t i;
	long n;

	for (i = 0; i < t->nafter; i++) {
		if ((d = export_after_type(m, t, i, b)) == NULL)
			continue;
		for (n = 1; n <= d->count; n++) {
			/*
			 * "done" means exited 0: Requires= fails this
			 * unit's start when the one-shot fails, where
			 * Wants= would start it anyway.
			 */
			buf_adds(b, t->after[i].cond == EXPORT_COND_DONE ?
			    "Requires=" : "Wants=");
			systemd_unit(b, m, d, n);
			buf_adds(b, "\nAfter=");
			systemd_unit(b, m, d, n);
			buf_addc(b, '\n');
		}
	}
}

/* Appends the ExecStartPost= loop that waits for a readiness probe. */
static void
systemd_probe(struct buf *b, const struct export_type *t,
    const struct export_probe *p)
{
	struct buf loop = BUF_INIT;

	buf_adds(&loop, "until ");
	export_probe_command(&loop, p);
	buf_printf(&loop, "; do sleep %llu.%03llu; done",
	    (unsigned long long)(t->ready_interval_ms / 1000),
	    (unsigned long long)(t->ready_interval_ms % 1000));
	buf_printf(b, "# ready = %s: the unit is active once it passes\n",
	    p->spec != NULL ? p->spec : "");
	buf_adds(b, "ExecStartPost=/bin/sh -c ");
	systemd_quote(b, loop.data, 1);
	buf_adds(b, "\nTimeoutStartSec=");
	systemd_time(b, t->ready_timeout_ms);
	buf_addc(b, '\n');
	buf_free(&loop);
}

/* Renders one instance's service unit. */
static void
systemd_service(struct buf *b, const struct export_model *m,
    const struct export_type *t, const struct export_instance *in)
{
	struct buf pair = BUF_INIT;
	const char *restart, *name;
	char ps[96], port[32];
	size_t i;

	export_header(b, SYSTEMD, m->app);
	buf_printf(b, "\n[Unit]\nDescription=%s %s.%ld\nPartOf=%s.target\n",
	    m->app, t->name, in->n, m->app);
	systemd_after(b, m, t);

	buf_adds(b, "\n[Service]\n");
	if (t->oneshot)
		buf_adds(b, "Type=oneshot\nRemainAfterExit=yes\n");
	else
		buf_adds(b, "Type=simple\n");
	if (m->user != NULL)
		buf_printf(b, "User=%s\n", m->user);
	buf_adds(b, "WorkingDirectory=");
	systemd_path(b, m->root);
	buf_addc(b, '\n');
	for (i = 0; i < m->nvars; i++) {
		/* Keys are identifiers (checked): the pair is quoted whole. */
		buf_reset(&pair);
		buf_printf(&pair, "%s=%s", m->vars[i].key, m->vars[i].value);
		buf_adds(b, "Environment=");
		systemd_quote(b, pair.data, 0);
		buf_addc(b, '\n');
	}
	buf_free(&pair);
	snprintf(port, sizeof port, "%ld", in->port);
	snprintf(ps, sizeof ps, "%s.%ld", t->name, in->n);
	buf_printf(b, "Environment=PORT=%s\nEnvironment=PS=%s\n", port, ps);
	buf_adds(b, "ExecStart=/bin/sh -c ");
	systemd_quote(b, t->command, 1);
	buf_addc(b, '\n');
	if (!t->oneshot && in->ready.kind != EXPORT_PROBE_NONE) {
		if (in->ready.kind == EXPORT_PROBE_LOG)
			buf_printf(b, "# ready = %s: systemd cannot watch the "
			    "output; the unit is active once started\n",
			    in->ready.spec != NULL ? in->ready.spec : "");
		else
			systemd_probe(b, t, &in->ready);
	}
	/* systemd reads a number, but no "SIG34", for a signal without name. */
	name = sig_name(t->stop_signal);
	buf_printf(b, "KillMode=mixed\nKillSignal=%s\nTimeoutStopSec=",
	    name[3] >= '0' && name[3] <= '9' ? name + 3 : name);
	systemd_time(b, t->timeout_ms);
	switch (t->restart) {
	case CONFIG_RESTART_NEVER:
		restart = "no";
		break;
	case CONFIG_RESTART_ON_FAILURE:
		restart = "on-failure";
		break;
	default:
		/* systemd refuses Restart=always for a one-shot. */
		restart = t->oneshot ? "on-failure" : "always";
		break;
	}
	buf_printf(b, "\nRestart=%s\n", restart);
	if (t->restart != CONFIG_RESTART_NEVER)
		buf_adds(b, "RestartSec=1\n");
}

/* Renders APP.target and the services. */
static int
systemd_render(const struct export_model *m, struct export_files *files,
    char **cause)
{
	struct buf errs = BUF_INIT, b = BUF_INIT, name = BUF_INIT;
	const struct export_type *t;
	size_t i;
	long n;

	systemd_check(m, &errs);
	if (errs.len > 0)
		return export_finish(&errs, files, cause);

	export_header(&b, SYSTEMD, m->app);
	buf_printf(&b, "\n[Unit]\nDescription=%s (tfrun export)\n", m->app);
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		for (n = 1; n <= t->count; n++) {
			buf_adds(&b, "Wants=");
			systemd_unit(&b, m, t, n);
			buf_addc(&b, '\n');
		}
	}
	buf_adds(&b, "\n[Install]\nWantedBy=multi-user.target\n");
	buf_printf(&name, "%s.target", m->app);
	export_files_add(files, name.data, 0644, &b);

	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		for (n = 1; n <= t->count; n++) {
			systemd_service(&b, m, t, &t->instances[n - 1]);
			buf_reset(&name);
			systemd_unit(&name, m, t, n);
			export_files_add(files, name.data, 0644, &b);
		}
	}
	buf_free(&name);
	return export_finish(&errs, files, cause);
}

/* Appends the commands that install and start the units. */
static void
systemd_install(const struct export_model *m,
    const struct export_files *files, const char *dir, struct buf *b)
{
	if (strcmp(dir, "/etc/systemd/system") != 0) {
		buf_adds(b, "cp");
		export_install_paths(b, files, dir, 0);
		buf_adds(b, " /etc/systemd/system/\n");
	}
	buf_printf(b, "systemctl daemon-reload\n"
	    "systemctl enable --now %s.target\n", m->app);
}

const struct export_backend export_systemd = {
	SYSTEMD, 0, systemd_render, systemd_install
};
