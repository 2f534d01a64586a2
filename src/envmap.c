/*
 * envmap.c: an insertion-ordered map of environment variables.
 *
 * The entries are a flat array, which keeps the order in which variables
 * were first set. An environment usually holds a few hundred variables at
 * most, searched linearly; past ENVMAP_LINEAR entries an open-addressing
 * hash index over the array keeps a .env of many thousands of keys linear
 * to load rather than quadratic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envmap.h"
#include "xmalloc.h"

#define ENVMAP_LINEAR 32

/* FNV-1a over the key. */
static size_t
envmap_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return (size_t)h;
}

/* Puts entry i into the index (the index has room). */
static void
envmap_index_add(struct envmap *m, size_t i)
{
	size_t s = envmap_hash(m->v[i].key) & (m->nslots - 1);

	while (m->slots[s] != 0)
		s = (s + 1) & (m->nslots - 1);
	m->slots[s] = i + 1;
}

/* Rebuilds the index for the entries there are now (none when few). */
static void
envmap_reindex(struct envmap *m)
{
	size_t i;

	free(m->slots);
	m->slots = NULL;
	m->nslots = 0;
	if (m->n < ENVMAP_LINEAR)
		return;
	for (m->nslots = 64; m->nslots < 2 * (m->n + 1); m->nslots *= 2)
		continue;
	m->slots = xcalloc(m->nslots, sizeof *m->slots);
	for (i = 0; i < m->n; i++)
		envmap_index_add(m, i);
}

/* Returns the index of key, or -1 when it is not in the map. */
static long
envmap_find(const struct envmap *m, const char *key)
{
	size_t i, s;

	if (m->slots == NULL) {
		for (i = 0; i < m->n; i++) {
			if (strcmp(m->v[i].key, key) == 0)
				return (long)i;
		}
		return -1;
	}
	for (s = envmap_hash(key) & (m->nslots - 1); m->slots[s] != 0;
	    s = (s + 1) & (m->nslots - 1)) {
		if (strcmp(m->v[m->slots[s] - 1].key, key) == 0)
			return (long)(m->slots[s] - 1);
	}
	return -1;
}

/* Returns the value of key, or NULL when unset. */
const char *
envmap_get(const struct envmap *m, const char *key)
{
	long i;

	if ((i = envmap_find(m, key)) == -1)
		return NULL;
	return m->v[i].value;
}

/* Sets key to value (both copied), replacing in place if present. */
void
envmap_set(struct envmap *m, const char *key, const char *value)
{
	char *copy;
	long i;

	/* Copy first: value may point into the entry being replaced. */
	copy = xstrdup(value);
	if ((i = envmap_find(m, key)) != -1) {
		free(m->v[i].value);
		m->v[i].value = copy;
		return;
	}
	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 16 : m->cap * 2;
		m->v = xreallocarray(m->v, m->cap, sizeof *m->v);
	}
	m->v[m->n].key = xstrdup(key);
	m->v[m->n].value = copy;
	m->n++;
	if (m->slots != NULL && 2 * (m->n + 1) <= m->nslots)
		envmap_index_add(m, m->n - 1);
	else if (m->n >= ENVMAP_LINEAR)
		envmap_reindex(m);
}

/* Removes key if present, keeping the order of the others. */
void
envmap_unset(struct envmap *m, const char *key)
{
	long i;

	if ((i = envmap_find(m, key)) == -1)
		return;
	free(m->v[i].key);
	free(m->v[i].value);
	memmove(&m->v[i], &m->v[i + 1],
	    (m->n - (size_t)i - 1) * sizeof *m->v);
	m->n--;
	/* The entries after it moved: rare enough to rebuild the index. */
	if (m->slots != NULL)
		envmap_reindex(m);
}

/*
 * Adds every "KEY=VALUE" string of a NULL-terminated array; strings without
 * '=' are skipped. The key ends at the first '=', as getenv(3) reads it.
 */
void
envmap_add_environ(struct envmap *m, char *const *envv)
{
	const char *eq;
	char *key;

	if (envv == NULL)
		return;
	for (; *envv != NULL; envv++) {
		if ((eq = strchr(*envv, '=')) == NULL)
			continue;
		key = xstrndup(*envv, (size_t)(eq - *envv));
		envmap_set(m, key, eq + 1);
		free(key);
	}
}

/* Copies every entry of src into dst with envmap_set. */
void
envmap_merge(struct envmap *dst, const struct envmap *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		envmap_set(dst, src->v[i].key, src->v[i].value);
}

/*
 * Returns an allocated NULL-terminated array of allocated "KEY=VALUE"
 * strings, in map order; free it with envmap_free_envp.
 */
char **
envmap_envp(const struct envmap *m)
{
	char **envp;
	size_t i;

	envp = xreallocarray(NULL, m->n + 1, sizeof *envp);
	for (i = 0; i < m->n; i++)
		xasprintf(&envp[i], "%s=%s", m->v[i].key, m->v[i].value);
	envp[m->n] = NULL;
	return envp;
}

/* Frees an array returned by envmap_envp (NULL is allowed). */
void
envmap_free_envp(char **envp)
{
	size_t i;

	if (envp == NULL)
		return;
	for (i = 0; envp[i] != NULL; i++)
		free(envp[i]);
	free(envp);
}

/* Compares two entries by key, for qsort. */
static int
envmap_cmp(const void *a, const void *b)
{
	const struct envmap_entry *ea = a, *eb = b;

	return strcmp(ea->key, eb->key);
}

/* Sorts the entries by key (byte order), for printing. */
void
envmap_sort(struct envmap *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof *m->v, envmap_cmp);
	if (m->slots != NULL)
		envmap_reindex(m);
}

/* Frees everything and leaves the map empty. */
void
envmap_free(struct envmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	free(m->slots);
	m->v = NULL;
	m->slots = NULL;
	m->n = m->cap = m->nslots = 0;
}
