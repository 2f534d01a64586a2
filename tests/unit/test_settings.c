/*
 * test_settings.c: the settings table against the man page and the three
 * ways in: every flag, negation, short letter, variable and INI key of
 * every row of config_settings is documented in man/tfrun.1, the check
 * fails when one of them is taken out of the page, and every row is
 * reachable by its flag, its variable and its INI key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "command.h"
#include "compat.h"
#include "config.h"
#include "xmalloc.h"

#ifndef TFRUN_MANPAGE
#error "TFRUN_MANPAGE must name man/tfrun.1"
#endif

/* Returns the man page's text, allocated. */
static char *
manual(void)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(TFRUN_MANPAGE, "r")) == NULL)
		fail_msg("cannot open %s", TFRUN_MANPAGE);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b);
}

/* How a name is written in mdoc: "--port-step" as "\-port\-step". */
static char *
mdoc_flag(const char *name)
{
	struct buf b = BUF_INIT;

	for (buf_adds(&b, "\\-"); *name != '\0'; name++) {
		if (*name == '-')
			buf_addc(&b, '\\');
		buf_addc(&b, *name);
	}
	return buf_detach(&b);
}

/*
 * Returns where the token occurs in text as a whole word (not followed by
 * a letter, digit, '_' or an escaped '-'), or NULL.
 */
static char *
find_token(char *text, const char *token)
{
	char *p;
	size_t n = strlen(token);

	for (p = text; (p = strstr(p, token)) != NULL; p++) {
		if (token[n - 1] == ' ')
			return p;
		if (!(p[n] >= 'a' && p[n] <= 'z') && !(p[n] >= 'A' &&
		    p[n] <= 'Z') && !(p[n] >= '0' && p[n] <= '9') &&
		    p[n] != '_' && p[n] != '\\')
			return p;
	}
	return NULL;
}

/* The ways the man page writes the names of a row, each a token. */
struct names {
	char *v[16];
	size_t n;
};

/* Collects the tokens of row r: flags, negs, letters, variable, keys. */
static void
row_names(const struct config_setting *r, struct names *nm)
{
	const char *lists[2] = { r->flags, r->negs };
	char *s;
	size_t i, j;

	nm->n = 0;
	for (i = 0; i < 2; i++) {
		for (j = 0; (s = config_spelling(lists[i], j)) != NULL; j++) {
			nm->v[nm->n++] = mdoc_flag(s);
			free(s);
		}
	}
	for (i = 0; r->letters != NULL && r->letters[i] != '\0'; i++)
		xasprintf(&nm->v[nm->n++], "Fl %c", r->letters[i]);
	if (r->var != NULL)
		nm->v[nm->n++] = xstrdup(r->var);
	for (j = 0; (s = config_spelling(r->key, j)) != NULL; j++) {
		xasprintf(&nm->v[nm->n++], "=%s", s);
		free(s);
	}
	if (r->tkey != NULL)
		xasprintf(&nm->v[nm->n++], "=%s", r->tkey);
}

/*
 * Returns where name is documented in text, or NULL: "=KEY" (an INI key)
 * is a line "KEY = ..." of an example, or ".Li KEY" in the text; any
 * other name is a token as it is.
 */
static char *
documented(char *text, const char *name, size_t *len)
{
	char *p, *form;

	if (name[0] != '=') {
		*len = strlen(name);
		return find_token(text, name);
	}
	xasprintf(&form, "\n%s = ", name + 1);
	if ((p = find_token(text, form)) == NULL) {
		free(form);
		xasprintf(&form, ".Li %s", name + 1);
		p = find_token(text, form);
	}
	*len = strlen(form);
	free(form);
	return p;
}

/* Frees the names. */
static void
names_free(struct names *nm)
{
	while (nm->n > 0)
		free(nm->v[--nm->n]);
}

/*
 * The man-page check: returns the first name of a row that text lacks
 * (allocated), or NULL when every row is documented.
 */
static char *
manual_lacks(char *text)
{
	struct names nm;
	char *missing = NULL;
	size_t i, k, len;

	for (i = 0; i < config_nsettings && missing == NULL; i++) {
		row_names(&config_settings[i], &nm);
		for (k = 0; k < nm.n && missing == NULL; k++) {
			if (documented(text, nm.v[k], &len) == NULL)
				missing = xstrdup(nm.v[k]);
		}
		names_free(&nm);
	}
	return missing;
}

/* Every name of every row is in the man page. */
static void
test_manual_documents_every_row(void **state)
{
	char *text, *missing;

	text = manual();
	if ((missing = manual_lacks(text)) != NULL)
		fail_msg("man/tfrun.1 lacks %s", missing);
	free(text);
}

/*
 * Taking any one name of any row out of the page (every place it
 * appears) makes the check fail, naming it.
 */
static void
test_manual_check_fails_without_an_entry(void **state)
{
	struct names nm;
	char *text, *p, *missing;
	size_t i, k, len, tried = 0;

	for (i = 0; i < config_nsettings; i++) {
		row_names(&config_settings[i], &nm);
		for (k = 0; k < nm.n; k++) {
			text = manual();
			while ((p = documented(text, nm.v[k], &len)) != NULL)
				memset(p + 1, '#', len - 1);
			missing = manual_lacks(text);
			if (missing == NULL)
				fail_msg("the check passes without %s",
				    nm.v[k]);
			free(missing);
			free(text);
			tried++;
		}
		names_free(&nm);
	}
	assert_true(tried > config_nsettings);
}

/* A valid value of each kind, and the operands each command needs. */
static const char *const samples[] = {
	[CONFIG_K_STRING] = "web=1", [CONFIG_K_FILES] = "a.env",
	[CONFIG_K_TYPES] = "web", [CONFIG_K_BOOL] = "true",
	[CONFIG_K_PORT] = "5000", [CONFIG_K_PORT_STEP] = "10",
	[CONFIG_K_LINES] = "5", [CONFIG_K_SECONDS] = "2",
	[CONFIG_K_INTERVAL] = "0.5", [CONFIG_K_COLOR] = "never",
	[CONFIG_K_TTY] = "never", [CONFIG_K_LOG_FORMAT] = "json",
	[CONFIG_K_RESTART] = "always", [CONFIG_K_SIGNAL] = "INT",
	[CONFIG_K_INSTANCE] = "web.1", [CONFIG_K_PROBE] = "tcp:5000",
	[CONFIG_K_AFTER] = "db:done"
};
static const char *const operands[][3] = {
	[CLI_RUN] = { "x" }, [CLI_EXPORT] = { "runit", "out" },
	[CLI_SCALE] = { "web=1" }, [CLI_STOP] = { "web" },
	[CLI_SIGNAL] = { "TERM", "web" }, [CLI_ATTACH] = { "web.1" }
};

/*
 * Parses "tfrun CMD OPTION [VALUE] OPERANDS" for a command that uses row
 * r, and tells whether the row's value was stored.
 */
static int
reach_by_flag(const struct config_setting *r, const char *opt, int neg)
{
	struct cli cli;
	char *argv[8], *cause = NULL;
	enum cli_command c;
	int argc = 0, k, reached;

	for (c = CLI_START; !(r->cmds & CONFIG_CMD(c)); c++)
		;
	argv[argc++] = xstrdup("tfrun");
	argv[argc++] = xstrdup(command_name(c));
	argv[argc++] = xstrdup(opt);
	if (r->arg != NULL && !neg && r->kind != CONFIG_K_COLOR)
		argv[argc++] = xstrdup(samples[r->kind]);
	for (k = 0; k < 3 && operands[c][k] != NULL; k++)
		argv[argc++] = xstrdup(operands[c][k]);
	if (cli_parse(argc, argv, &cli, &cause) != 0)
		fail_msg("%s %s: %s", argv[1], opt, cause);
	if (r->field != 0)
		reached = (cli.flags.set & r->field) != 0;
	else if (r->kind == CONFIG_K_LINES)
		reached = cli.lines == 5;
	else if (r->kind == CONFIG_K_SECONDS)
		reached = cli.wait_timeout_ms == 2000;
	else if (r->kind == CONFIG_K_BOOL)
		reached = *(int *)(void *)((char *)&cli + r->off) != 0;
	else
		reached = *(void **)(void *)((char *)&cli + r->off) != NULL;
	cli_free(&cli);
	while (argc > 0)
		free(argv[--argc]);
	return reached;
}

/* Looks a variable up: only name is set, to value. */
static const char *one_name, *one_value;
static const char *
one_var(void *ctx, const char *name)
{
	return strcmp(name, one_name) == 0 ? one_value : NULL;
}

/* Every row is reachable by each of its flags, its variable, its keys. */
static void
test_every_row_is_reachable(void **state)
{
	const struct config_setting *r;
	struct config c;
	char *s, *text, *cause, opt[64];
	size_t i, j;

	for (i = 0; i < config_nsettings; i++) {
		r = &config_settings[i];
		for (j = 0; (s = config_spelling(r->flags, j)) != NULL; j++) {
			snprintf(opt, sizeof opt, "--%s", s);
			if (!reach_by_flag(r, opt, 0))
				fail_msg("%s does not reach its row", opt);
			if (j < strlen(r->letters) && r->letters[j] != ' ') {
				snprintf(opt, sizeof opt, "-%c", r->letters[j]);
				if (!reach_by_flag(r, opt, 0))
					fail_msg("%s does not reach its row",
					    opt);
			}
			free(s);
		}
		for (j = 0; (s = config_spelling(r->negs, j)) != NULL; j++) {
			snprintf(opt, sizeof opt, "--%s", s);
			if (!reach_by_flag(r, opt, 1))
				fail_msg("%s does not reach its row", opt);
			free(s);
		}
		if (r->var != NULL) {
			config_init(&c);
			one_name = r->var;
			one_value = samples[r->kind];
			assert_int_equal(config_from_env(one_var, NULL, &c,
			    &cause), 0);
			assert_true(c.set & r->field);
			assert_string_equal(c.origin[config_field_index(
			    r->field)], r->var);
			config_free(&c);
		}
		for (j = 0; (s = config_spelling(r->key, j)) != NULL; j++) {
			xasprintf(&text, "[tfrun]\n%s = %s\n", s,
			    samples[r->kind]);
			config_init(&c);
			if (config_parse_ini("t.ini", text, strlen(text), &c,
			    &cause) != 0)
				fail_msg("%s: %s", s, cause);
			assert_true(c.set & r->field);
			config_free(&c);
			free(text);
			free(s);
		}
		if (r->tkey != NULL) {
			xasprintf(&text, "[process.web]\n%s = %s\n", r->tkey,
			    samples[r->kind]);
			config_init(&c);
			if (config_parse_ini("t.ini", text, strlen(text), &c,
			    &cause) != 0)
				fail_msg("%s: %s", r->tkey, cause);
			assert_true(c.types[0].set & r->tfield);
			assert_int_equal(c.types[0].line_of[config_field_index(
			    r->tfield)], 2);
			config_free(&c);
			free(text);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_documents_every_row),
		cmocka_unit_test(test_manual_check_fails_without_an_entry),
		cmocka_unit_test(test_every_row_is_reachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
