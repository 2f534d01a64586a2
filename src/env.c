/*
 * env.c: the environment a process gets (SPEC section 3): the real
 * environment merged with env files under tfrun's precedence rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"
#include "env.h"
#include "envmap.h"
#include "xmalloc.h"

/*
 * One file being added. The parser writes into copies of the maps, so a
 * file with an error leaves the environment exactly as it was.
 */
struct env_scratch {
	const struct env	*env;
	const char		*fname;
	struct envmap		 effective; /* owned copy of env->effective */
	struct envmap		 files;	    /* owned copy of env->files */
	char			**warnings; /* owned: this file's warnings */
	size_t			 nwarnings;
};

/* Frees an array of n owned strings. */
static void
env_free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Starts from the real environment envv (a NULL-terminated array). */
void
env_init(struct env *e, char *const *envv, int override)
{
	memset(e, 0, sizeof *e);
	envmap_add_environ(&e->real, envv);
	envmap_add_environ(&e->effective, envv);
	e->override = override;
}

/*
 * Looks a name up for expansion in the effective environment built so far.
 * Because assignments that lose to the real environment never reach it,
 * a variable set in the real environment wins inside expansions too.
 */
static const char *
env_lookup(void *ctx, const char *name)
{
	struct env_scratch *s = ctx;

	return envmap_get(&s->effective, name);
}

/* Keeps one warning, unless it repeats the one before. */
static void
env_warn(void *ctx, const char *message)
{
	struct env_scratch *s = ctx;

	if (s->nwarnings > 0 &&
	    strcmp(s->warnings[s->nwarnings - 1], message) == 0)
		return;
	s->warnings = xreallocarray(s->warnings, s->nwarnings + 1,
	    sizeof *s->warnings);
	s->warnings[s->nwarnings++] = xstrdup(message);
}

/*
 * Takes one assignment: the files map always records the file's own value
 * (later ones win); the effective one only when the real environment does
 * not hold the key or files override it.
 */
static void
env_assign(void *ctx, const char *key, const char *value, unsigned line)
{
	struct env_scratch *s = ctx;
	char *w;

	if (!dotenv_shell_key(key)) {
		xasprintf(&w, "%s:%u: key '%s' is not a shell identifier: "
		    "/bin/sh may not pass it on, and some export targets "
		    "reject it", s->fname, line, key);
		env_warn(s, w);
		free(w);
	}
	envmap_set(&s->files, key, value);
	if (s->env->override || envmap_get(&s->env->real, key) == NULL)
		envmap_set(&s->effective, key, value);
}

/*
 * Parses one env file and merges it. Returns 0, or -1 with *cause allocated;
 * on error the environment is unchanged.
 */
int
env_add_file(struct env *e, const char *fname, const char *buf, size_t len,
    char **cause)
{
	struct env_scratch s;
	struct dotenv_ops ops;

	memset(&s, 0, sizeof s);
	s.env = e;
	s.fname = fname;
	envmap_merge(&s.effective, &e->effective);
	envmap_merge(&s.files, &e->files);

	ops.lookup = env_lookup;
	ops.assign = env_assign;
	ops.ctx = &s;
	ops.warn = env_warn;
	if (dotenv_parse(fname, buf, len, &ops, cause) != 0) {
		envmap_free(&s.effective);
		envmap_free(&s.files);
		env_free_list(s.warnings, s.nwarnings);
		return -1;
	}
	if (s.nwarnings > 0) {
		e->warnings = xreallocarray(e->warnings, e->nwarnings +
		    s.nwarnings, sizeof *e->warnings);
		memcpy(e->warnings + e->nwarnings, s.warnings,
		    s.nwarnings * sizeof *s.warnings);
		e->nwarnings += s.nwarnings;
		free(s.warnings);
	}
	envmap_free(&e->effective);
	envmap_free(&e->files);
	e->effective = s.effective;
	e->files = s.files;
	return 0;
}

/*
 * Returns an allocated envp for one instance: the effective environment
 * plus PORT (unless port < 0) and PS (unless ps is NULL), which override
 * everything. Free with envmap_free_envp.
 */
char **
env_envp(const struct env *e, long port, const char *ps)
{
	struct envmap m = ENVMAP_INIT;
	char portstr[32], **envp;

	envmap_merge(&m, &e->effective);
	if (port >= 0) {
		snprintf(portstr, sizeof portstr, "%ld", port);
		envmap_set(&m, "PORT", portstr);
	}
	if (ps != NULL)
		envmap_set(&m, "PS", ps);
	envp = envmap_envp(&m);
	envmap_free(&m);
	return envp;
}

/* Frees everything. */
void
env_free(struct env *e)
{
	env_free_list(e->warnings, e->nwarnings);
	e->warnings = NULL;
	e->nwarnings = 0;
	envmap_free(&e->effective);
	envmap_free(&e->files);
	envmap_free(&e->real);
}
