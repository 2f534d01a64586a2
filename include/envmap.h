/*
 * envmap.h: an insertion-ordered map of environment variables.
 */
#ifndef TFRUN_ENVMAP_H
#define TFRUN_ENVMAP_H

#include <stddef.h>

struct envmap_entry {
	char *key;   /* owned */
	char *value; /* owned */
};

struct envmap {
	struct envmap_entry *v; /* owned; in insertion order */
	size_t n;
	size_t cap;
	size_t *slots; /* owned: a hash index of v (index + 1), or NULL */
	size_t nslots; /* a power of two, at least twice n */
};

#define ENVMAP_INIT { NULL, 0, 0, NULL, 0 }

/* Returns the value of key, or NULL when unset. */
const char *envmap_get(const struct envmap *, const char *key);

/* Sets key to value (both copied), replacing in place if present. */
void envmap_set(struct envmap *, const char *key, const char *value);

/* Removes key if present. */
void envmap_unset(struct envmap *, const char *key);

/*
 * Adds every "KEY=VALUE" string of a NULL-terminated array (an environ);
 * strings without '=' are skipped.
 */
void envmap_add_environ(struct envmap *, char *const *environ);

/* Copies every entry of src into dst with envmap_set. */
void envmap_merge(struct envmap *dst, const struct envmap *src);

/*
 * Returns an allocated NULL-terminated array of allocated "KEY=VALUE"
 * strings; free it with envmap_free_envp.
 */
char **envmap_envp(const struct envmap *);
void envmap_free_envp(char **envp);

/* Sorts the entries by key (byte order), for printing. */
void envmap_sort(struct envmap *);

/* Frees everything and leaves the map empty. */
void envmap_free(struct envmap *);

#endif
