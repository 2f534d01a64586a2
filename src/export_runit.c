/*
 * export_runit.c: one service directory APP-TYPE-N/ per instance (runit
 * 2.1 read as the reference):
 *	run		waits for its dependencies (sv status, sv check),
 *			changes to the root, marks itself started
 *			(supervise/tfrun-started), then chpst -P -e env/
 *			/bin/sh -c COMMAND
 *	env/KEY		one file per variable, for chpst -e
 *	env/.tfrun	the names of those files, one per line
 *	control/t	the stop signal to the process group, SIGKILL after
 *			the timeout (runsv would TERM the leader only)
 *	finish		keeps the service down where the restart policy
 *			says so (runsv restarts whatever ends), unless the
 *			end was asked for with sv (control/t leaves a mark in
 *			supervise/, runsv's runtime directory)
 *	check		the readiness probe, which sv check runs
 *	log/run		svlogd into log/main/
 *
 * Quoting: scripts quote in POSIX single quotes, which carry every byte.
 * chpst -e reads the first line of a file, turns NUL into newline, strips
 * trailing blanks, skips names starting with '.', and unsets a variable
 * whose file is empty: a value is written with each newline as NUL and a
 * final newline; a value ending with a space or tab is exported by the
 * run script instead. A name starting with '.' is refused.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "dotenv.h"
#include "export.h"
#include "sig.h"

#define RUNIT "runit"

/* Tells whether chpst -e would change v: it ends with a space or tab. */
static int
runit_needs_script(const char *v)
{
	size_t len = strlen(v);

	return len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t');
}

/* Checks the keys; adds a line per problem. */
static void
runit_check(const struct export_model *m, struct buf *errs)
{
	const struct export_var *v;
	size_t i;

	export_check_keys(m, RUNIT, errs);
	for (i = 0; i < m->nvars; i++) {
		v = &m->vars[i];
		if (v->key[0] == '.')
			export_error(errs, RUNIT, "env key %s cannot be passed: "
			    "chpst -e skips files whose name starts with '.'",
			    v->key);
		else if (runit_needs_script(v->value) &&
		    !dotenv_shell_key(v->key))
			export_error(errs, RUNIT, "the value of %s ends with a "
			    "blank, which chpst -e strips, and its name is not "
			    "a shell variable name that the run script could "
			    "export instead", v->key);
	}
}

/* Appends "APP-TYPE-N". */
static void
runit_service(struct buf *b, const struct export_model *m,
    const struct export_type *t, long n)
{
	buf_printf(b, "%s-%s-%ld", m->app, t->name, n);
}

/* Starts a script: the shebang and tfrun's header. */
static void
runit_script(struct buf *b, const struct export_model *m)
{
	buf_adds(b, "#!/bin/sh\n");
	export_header(b, RUNIT, m->app);
	buf_addc(b, '\n');
}

/* Appends the exports of the values chpst -e cannot carry. */
static int
runit_exports(struct buf *b, const struct export_model *m)
{
	size_t i;
	int any = 0;

	for (i = 0; i < m->nvars; i++) {
		if (!runit_needs_script(m->vars[i].value))
			continue;
		if (!any)
			buf_adds(b, "# chpst -e would strip the trailing blanks "
			    "of these values.\n");
		any = 1;
		buf_printf(b, "%s=", m->vars[i].key);
		export_sh_quote(b, m->vars[i].value);
		buf_printf(b, "; export %s\n", m->vars[i].key);
	}
	return any;
}

/*
 * Appends "chpst [-P] [-u USER] -e "$dir/env"" and a space. -P (setsid)
 * makes ./run's command lead a process group of its own, which control/t
 * signals: runsv starts ./run in its own group.
 */
static void
runit_chpst(struct buf *b, const struct export_model *m, int group)
{
	buf_adds(b, group ? "chpst -P " : "chpst ");
	if (m->user != NULL) {
		buf_adds(b, "-u ");
		export_sh_quote(b, m->user);
		buf_addc(b, ' ');
	}
	buf_adds(b, "-e \"$dir/env\" ");
}

/*
 * Appends the loops that wait for the dependencies of t, one per instance
 * of each, read from sv status: "run:" and the mark its run script leaves
 * just before the exec once started (a run script still waiting for its
 * own dependencies already shows "run:"); for ready, sv check
 * then runs its check script (sv check alone also passes a service that
 * is down, not yet started); a one-shot is done once it is down and not
 * wanted up, which its finish script brings about after exit 0, whatever
 * the condition (runit cannot tell a started one-shot from a done one).
 */
static void
runit_after(struct buf *b, const struct export_model *m,
    const struct export_type *t)
{
	const struct export_type *d;
	enum export_cond cond;
	size_t i;
	long n;

	for (i = 0; i < t->nafter; i++) {
		if ((d = export_after_type(m, t, i, b)) == NULL)
			continue;
		cond = d->oneshot ? EXPORT_COND_DONE : t->after[i].cond;
		for (n = 1; n <= d->count; n++) {
			buf_adds(b, "until sv status ../");
			runit_service(b, m, d, n);
			if (cond == EXPORT_COND_DONE)
				buf_adds(b, " 2>/dev/null | grep -Eq '^down: "
				    "[^;]*, normally up(;|$)'");
			else {
				buf_adds(b, " 2>/dev/null | grep -q '^run:' "
				    "&&\n    [ -e ../");
				runit_service(b, m, d, n);
				buf_adds(b, "/supervise/tfrun-started ]");
			}
			if (cond == EXPORT_COND_READY) {
				buf_adds(b, " &&\n    sv check ../");
				runit_service(b, m, d, n);
				buf_adds(b, " >/dev/null");
			}
			buf_adds(b, "; do\n\tsleep 1\ndone\n");
		}
	}
}

/* Renders ./run; returns 1 when it holds values (so it is kept private). */
static int
runit_run(struct buf *b, const struct export_model *m,
    const struct export_type *t, const struct export_instance *in)
{
	int values;

	runit_script(b, m);
	buf_printf(b, "# %s.%ld of %s; the environment is in env/, one file "
	    "per variable.\nexec 2>&1\n", t->name, in->n, m->app);
	buf_adds(b, "rm -f supervise/tfrun-started\n");
	runit_after(b, m, t);
	buf_adds(b, "rm -f supervise/tfrun-stop\ndir=$PWD\ncd ");
	export_sh_quote(b, m->root);
	buf_adds(b, " || exit 1\n");
	values = runit_exports(b, m);
	buf_adds(b, "# Started: what waits for it (after) may start now.\n"
	    ": >\"$dir/supervise/tfrun-started\"\nexec ");
	runit_chpst(b, m, 1);
	buf_adds(b, "/bin/sh -c ");
	export_sh_quote(b, t->command);
	buf_addc(b, '\n');
	return values;
}

/* Renders control/t: the stop signal to the group, SIGKILL later. */
static void
runit_control(struct buf *b, const struct export_model *m,
    const struct export_type *t)
{
	const char *sig = sig_name(t->stop_signal) + 3;
	unsigned long long secs = export_seconds(t->timeout_ms);

	runit_script(b, m);
	buf_printf(b, "# sv down: %s to the process group of ./run (chpst -P "
	    "made it a session\n# leader), SIGKILL to what is left after %llu "
	    "s. Exit 0 tells runsv not to\n# send its own SIGTERM.\n",
	    sig_name(t->stop_signal), secs);
	buf_adds(b, "pid=$(cat supervise/pid 2>/dev/null)\n"
	    "[ -n \"$pid\" ] || exit 1\n"
	    "# ./finish must not take this end for an exit of its own.\n"
	    ": >supervise/tfrun-stop\n");
	buf_printf(b, "kill -s %s -- \"-$pid\" 2>/dev/null || exit 1\n", sig);
	buf_printf(b, "(sleep %llu; [ \"$(cat supervise/pid 2>/dev/null)\" = "
	    "\"$pid\" ] &&\n    kill -s KILL -- \"-$pid\") >/dev/null 2>&1 "
	    "</dev/null &\nexit 0\n", secs);
}

/* Renders ./finish, or nothing when runsv's restarting is the policy. */
static int
runit_finish(struct buf *b, const struct export_model *m,
    const struct export_type *t)
{
	const char *policy;

	if (t->oneshot)
		policy = "# A one-shot: done once it exits 0, then it stays down "
		    "(what its dependents\n# wait for) until the next start; "
		    "after a failure runsv runs it again a\n# second later.\n"
		    "[ \"$1\" = 0 ] && exec sv down .\nexit 0\n";
	else if (t->restart == CONFIG_RESTART_NEVER)
		policy = "# restart = never: runsv would start it again.\n"
		    "exec sv down .\n";
	else if (t->restart == CONFIG_RESTART_ON_FAILURE)
		policy = "# restart = on-failure: an exit with status 0 stays "
		    "down.\n[ \"$1\" = 0 ] && exec sv down .\nexit 0\n";
	else
		return 0;
	runit_script(b, m);
	buf_adds(b, "# An end asked for with sv (down, restart) is not an "
	    "exit of its own:\n# runsv does what it was asked.\n"
	    "if [ -e supervise/tfrun-stop ]; then\n"
	    "\trm -f supervise/tfrun-stop\n\texit 0\nfi\n");
	buf_adds(b, policy);
	return 1;
}

/* Renders ./check, or nothing when there is nothing to check. */
static int
runit_check_script(struct buf *b, const struct export_model *m,
    const struct export_type *t, const struct export_instance *in)
{
	if (t->oneshot || in->ready.kind == EXPORT_PROBE_NONE ||
	    in->ready.kind == EXPORT_PROBE_LOG)
		return 0;
	runit_script(b, m);
	buf_printf(b, "# ready = %s: sv check runs this while the service is "
	    "up.\ndir=$PWD\ncd ", in->ready.spec != NULL ? in->ready.spec : "");
	export_sh_quote(b, m->root);
	buf_adds(b, " || exit 1\n");
	/*
	 * sv check gives ./check an output that fails: a probe that prints
	 * (pg_isready does) would never pass.
	 */
	buf_adds(b, "exec >/dev/null 2>&1\n");
	runit_exports(b, m);
	buf_adds(b, "exec ");
	runit_chpst(b, m, 0);
	export_probe_command(b, &in->ready);
	buf_addc(b, '\n');
	return 1;
}

/* Appends one env/ file: newlines as NUL, then one newline. */
static void
runit_env_file(struct export_files *files, struct buf *dir, const char *key,
    const char *value)
{
	struct buf path = BUF_INIT, b = BUF_INIT;

	buf_printf(&path, "%s/env/%s", dir->data, key);
	for (; *value != '\0'; value++)
		buf_addc(&b, *value == '\n' ? '\0' : *value);
	buf_addc(&b, '\n');
	export_files_add(files, path.data, 0600, &b);
	buf_free(&path);
}

/* Renders every file of one service directory. */
static void
runit_instance(struct export_files *files, const struct export_model *m,
    const struct export_type *t, const struct export_instance *in)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, b = BUF_INIT;
	char port[32], ps[96];
	size_t i;
	int values;

	runit_service(&dir, m, t, in->n);
	values = runit_run(&b, m, t, in);
	buf_printf(&path, "%s/run", dir.data);
	export_files_add(files, path.data, values ? 0700 : 0755, &b);

	if (runit_finish(&b, m, t)) {
		buf_reset(&path);
		buf_printf(&path, "%s/finish", dir.data);
		export_files_add(files, path.data, 0755, &b);
	}
	if (runit_check_script(&b, m, t, in)) {
		buf_reset(&path);
		buf_printf(&path, "%s/check", dir.data);
		export_files_add(files, path.data, values ? 0700 : 0755, &b);
	}
	runit_control(&b, m, t);
	buf_reset(&path);
	buf_printf(&path, "%s/control/t", dir.data);
	export_files_add(files, path.data, 0755, &b);

	for (i = 0; i < m->nvars; i++) {
		if (!runit_needs_script(m->vars[i].value))
			runit_env_file(files, &dir, m->vars[i].key,
			    m->vars[i].value);
	}
	snprintf(port, sizeof port, "%ld", in->port);
	snprintf(ps, sizeof ps, "%s.%ld", t->name, in->n);
	runit_env_file(files, &dir, "PORT", port);
	runit_env_file(files, &dir, "PS", ps);

	/*
	 * The names of the env/ files tfrun wrote (chpst -e skips a name
	 * that starts with '.'), so that --force removes those the next
	 * export no longer writes, and never a file added by hand.
	 */
	export_header(&b, RUNIT, m->app);
	buf_addc(&b, '\n');
	for (i = 0; i < m->nvars; i++) {
		if (!runit_needs_script(m->vars[i].value))
			buf_printf(&b, "%s\n", m->vars[i].key);
	}
	buf_adds(&b, "PORT\nPS\n");
	buf_reset(&path);
	buf_printf(&path, "%s/env/" EXPORT_RUNIT_KEYS, dir.data);
	export_files_add(files, path.data, 0600, &b);

	runit_script(&b, m);
	buf_adds(&b, "# The output of ../run, timestamped, in main/current.\n"
	    "mkdir -p main || exit 1\nexec svlogd -tt main\n");
	buf_reset(&path);
	buf_printf(&path, "%s/log/run", dir.data);
	export_files_add(files, path.data, 0755, &b);
	buf_free(&path);
	buf_free(&dir);
}

/* Renders every service directory. */
static int
runit_render(const struct export_model *m, struct export_files *files,
    char **cause)
{
	struct buf errs = BUF_INIT;
	const struct export_type *t;
	size_t i;
	long n;

	runit_check(m, &errs);
	if (errs.len > 0)
		return export_finish(&errs, files, cause);
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		for (n = 1; n <= t->count; n++)
			runit_instance(files, m, t, &t->instances[n - 1]);
	}
	return export_finish(&errs, files, cause);
}

/* Appends the commands that install and start the services. */
static void
runit_install(const struct export_model *m, const struct export_files *files,
    const char *dir, struct buf *b)
{
	const struct export_type *t;
	size_t i;
	long n;

	if (strcmp(dir, "/etc/sv") != 0) {
		buf_adds(b, "cp -R");
		export_install_paths(b, files, dir, 1);
		buf_adds(b, " /etc/sv/\n");
	}
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		for (n = 1; n <= t->count; n++)
			buf_printf(b, "ln -s /etc/sv/%s-%s-%ld /etc/service/\n",
			    m->app, t->name, n);
	}
}

const struct export_backend export_runit = {
	RUNIT, 1, runit_render, runit_install
};
