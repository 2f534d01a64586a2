/*
 * fuzz_config.c: feeds one input to every settings parser: as tfrun.ini
 * text, then split at NUL bytes into argv words for cli_parse, whose words
 * of the form TFRUN_NAME=VALUE also serve as the environment for
 * config_from_env. The layers are then stacked and queried, and
 * everything is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "command.h"
#include "config.h"
#include "help.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The argv words, for getvar. */
struct fuzz_words {
	char **argv;
	size_t argc;
};

/* Looks a variable up among the words, as NAME=VALUE. */
static const char *
fuzz_getvar(void *ctx, const char *name)
{
	struct fuzz_words *w = ctx;
	size_t i, len = strlen(name);

	for (i = 1; i < w->argc; i++) {
		if (strncmp(w->argv[i], name, len) == 0 &&
		    w->argv[i][len] == '=')
			return w->argv[i] + len + 1;
	}
	return NULL;
}

/*
 * Aborts if a message comes from config.c's fallbacks, which mean its
 * model of how inih reads a line was wrong: every error must be its own.
 */
static void
fuzz_check_cause(const char *cause)
{
	const char *line, *p;

	for (line = cause; line != NULL; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, "tfrun.ini: cannot be parsed", 27) == 0)
			abort();
		if (strncmp(line, "tfrun.ini:", 10) != 0)
			continue;
		for (p = line + 10; *p >= '0' && *p <= '9'; p++)
			;
		if (strncmp(p, ": syntax error", 14) == 0 &&
		    (p[14] == '\n' || p[14] == '\0'))
			abort();
		if (strncmp(p, ": cannot parse this line", 24) == 0 &&
		    (p[24] == '\n' || p[24] == '\0'))
			abort();
	}
}

/* Asks the effective per-type questions for every type of c. */
static void
fuzz_query(const struct config *c)
{
	volatile uint64_t sink = 0;
	size_t i;

	for (i = 0; i < c->ntypes; i++) {
		sink += (uint64_t)config_stop_signal(c, c->types[i].name);
		sink += config_timeout_ms(c, c->types[i].name);
		sink += (uint64_t)config_restart_of(c, c->types[i].name);
		sink += (uint64_t)config_can_die(c, c->types[i].name);
	}
	sink += config_timeout_ms(c, "web");
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config ini, env, eff;
	struct fuzz_words w;
	struct cli cli;
	char prog[] = "tfrun", *copy, *cause = NULL;
	size_t i, start;

	config_init(&ini);
	if (config_parse_ini("tfrun.ini", (const char *)data, size, &ini,
	    &cause) != 0) {
		fuzz_check_cause(cause);
		free(cause);
	}

	/* Split a NUL-terminated copy into words at every NUL. */
	copy = malloc(size + 1);
	if (copy == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	copy[size] = '\0';
	w.argc = 1;
	for (i = 0; i < size; i++)
		w.argc += copy[i] == '\0';
	w.argc += 1;
	w.argv = calloc(w.argc + 1, sizeof *w.argv);
	if (w.argv == NULL)
		abort();
	w.argv[0] = prog;
	w.argc = 1;
	for (start = 0, i = 0; i <= size; i++) {
		if (copy[i] == '\0') {
			w.argv[w.argc++] = copy + start;
			start = i + 1;
		}
	}

	config_init(&env);
	cause = NULL;
	if (config_from_env(fuzz_getvar, &w, &env, &cause) != 0)
		free(cause);

	config_defaults(&eff);
	config_apply(&eff, &ini);
	config_apply(&eff, &env);
	cause = NULL;
	if (cli_parse((int)w.argc, w.argv, &cli, &cause) == 0) {
		config_apply(&eff, &cli.flags);
		(void)help_text(cli.command);
		(void)command_name(cli.command);
		cli_free(&cli);
	} else
		free(cause);
	fuzz_query(&eff);
	(void)config_word(CONFIG_K_RESTART, eff.restart);

	config_free(&eff);
	config_free(&env);
	config_free(&ini);
	free(w.argv);
	free(copy);
	return 0;
}
