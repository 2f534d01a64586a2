/*
 * env.h: the environment a process gets (SPEC section 3): the real
 * environment merged with env files under tfrun's precedence rule.
 */
#ifndef TFRUN_ENV_H
#define TFRUN_ENV_H

#include <stddef.h>

#include "envmap.h"

struct env {
	struct envmap effective; /* what a process gets, before PORT and PS */
	struct envmap files;     /* only what the env files set (for export) */
	struct envmap real;      /* the inherited environment */
	int override;            /* files win over the real environment */
	char **warnings;         /* owned: "FILE:LINE: ..." lines for check */
	size_t nwarnings;
};

/* Starts from the real environment environ (a NULL-terminated array). */
void env_init(struct env *, char *const *environ, int override);

/*
 * Parses one env file (buf, len bytes, named fname in messages) and merges
 * it: later files win over earlier ones; the real environment wins unless
 * override. Expansions see the effective environment built so far. Returns
 * 0, or -1 with *cause allocated ("FNAME:LINE: ..." lines); on error the
 * environment is unchanged. Warnings (SPEC section 3: a reference to a
 * name set nowhere, a key that is not a shell identifier) are added to
 * warnings.
 */
int env_add_file(struct env *, const char *fname, const char *buf,
    size_t len, char **cause);

/*
 * Returns an allocated envp for one instance: the effective environment
 * plus PORT (unless port < 0) and PS (unless ps is NULL), which override
 * everything. Free with envmap_free_envp.
 */
char **env_envp(const struct env *, long port, const char *ps);

/* Frees everything. */
void env_free(struct env *);

#endif
