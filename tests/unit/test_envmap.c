/*
 * test_envmap.c: unit tests for the insertion-ordered environment map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "envmap.h"

/* Asserts that the map holds exactly the "KEY=VALUE" strings, in order. */
static void
assert_entries(const struct envmap *m, const char *const *want, size_t n)
{
	char **envp;
	size_t i;

	assert_int_equal(m->n, n);
	envp = envmap_envp(m);
	for (i = 0; i < n; i++)
		assert_string_equal(envp[i], want[i]);
	assert_null(envp[n]);
	envmap_free_envp(envp);
}

/* Get returns NULL for unset keys and the value (possibly "") for set ones. */
static void
test_get_set(void **state)
{
	struct envmap m = ENVMAP_INIT;

	assert_null(envmap_get(&m, "A"));
	envmap_set(&m, "A", "1");
	envmap_set(&m, "EMPTY", "");
	assert_string_equal(envmap_get(&m, "A"), "1");
	assert_string_equal(envmap_get(&m, "EMPTY"), "");
	assert_null(envmap_get(&m, "a"));
	assert_null(envmap_get(&m, "A "));
	envmap_free(&m);
}

/* Replacing a key keeps its position; new keys go at the end. */
static void
test_replace_keeps_order(void **state)
{
	static const char *const want[] = { "B=1", "A=3", "C=4" };
	struct envmap m = ENVMAP_INIT;

	envmap_set(&m, "B", "1");
	envmap_set(&m, "A", "2");
	envmap_set(&m, "A", "3");
	envmap_set(&m, "C", "4");
	assert_entries(&m, want, nitems(want));
	envmap_free(&m);
}

/* Setting a key to its own current value must not read freed memory. */
static void
test_set_aliasing_value(void **state)
{
	struct envmap m = ENVMAP_INIT;

	envmap_set(&m, "A", "self");
	envmap_set(&m, "A", envmap_get(&m, "A"));
	assert_string_equal(envmap_get(&m, "A"), "self");
	envmap_free(&m);
}

/* The map grows past its first allocation and keeps every entry. */
static void
test_many(void **state)
{
	struct envmap m = ENVMAP_INIT;
	char key[16], value[16];
	int i;

	for (i = 0; i < 500; i++) {
		snprintf(key, sizeof key, "K%d", i);
		snprintf(value, sizeof value, "v%d", i);
		envmap_set(&m, key, value);
	}
	assert_int_equal(m.n, 500);
	assert_string_equal(envmap_get(&m, "K0"), "v0");
	assert_string_equal(envmap_get(&m, "K499"), "v499");
	assert_string_equal(m.v[250].key, "K250");
	envmap_free(&m);
}

/*
 * Past the linear size the hash index answers: every key found, replaced
 * in place, unset (the rest re-indexed), sorted; a merge of maps that big
 * stays right. Unknown keys are never found.
 */
static void
test_many_indexed(void **state)
{
	struct envmap m = ENVMAP_INIT, copy = ENVMAP_INIT;
	char key[16], value[16];
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof key, "K%d", i);
		snprintf(value, sizeof value, "v%d", i);
		envmap_set(&m, key, value);
	}
	for (i = 0; i < 20000; i += 7) {
		snprintf(key, sizeof key, "K%d", i);
		snprintf(value, sizeof value, "w%d", i);
		envmap_set(&m, key, value);
	}
	assert_int_equal(m.n, 20000);
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof key, "K%d", i);
		snprintf(value, sizeof value, "%c%d", i % 7 == 0 ? 'w' : 'v',
		    i);
		assert_string_equal(envmap_get(&m, key), value);
		assert_string_equal(m.v[i].key, key);
	}
	assert_null(envmap_get(&m, "K20000"));
	assert_null(envmap_get(&m, "k1"));
	envmap_unset(&m, "K5");
	assert_int_equal(m.n, 19999);
	assert_null(envmap_get(&m, "K5"));
	assert_string_equal(envmap_get(&m, "K6"), "v6");
	assert_string_equal(m.v[5].key, "K6");
	envmap_merge(&copy, &m);
	envmap_sort(&copy);
	assert_string_equal(copy.v[0].key, "K0");
	assert_string_equal(envmap_get(&copy, "K19998"), "v19998");
	assert_string_equal(envmap_get(&copy, "K14"), "w14");
	envmap_free(&copy);
	envmap_free(&m);
	assert_null(envmap_get(&m, "K1"));
	envmap_set(&m, "A", "1");
	assert_string_equal(envmap_get(&m, "A"), "1");
	envmap_free(&m);
}

/* Unset removes one key, keeps the others' order, and ignores unknown keys. */
static void
test_unset(void **state)
{
	static const char *const want[] = { "A=1", "C=3" };
	static const char *const none[] = { NULL };
	struct envmap m = ENVMAP_INIT;

	envmap_set(&m, "A", "1");
	envmap_set(&m, "B", "2");
	envmap_set(&m, "C", "3");
	envmap_unset(&m, "B");
	envmap_unset(&m, "missing");
	assert_entries(&m, want, nitems(want));
	assert_null(envmap_get(&m, "B"));
	envmap_unset(&m, "C");
	envmap_unset(&m, "A");
	assert_entries(&m, none, 0);
	envmap_free(&m);
}

/* Environ strings split at the first '='; strings without one are skipped. */
static void
test_add_environ(void **state)
{
	static char *const envv[] = { "PATH=/bin:/usr/bin", "NOEQUALS",
	    "X=a=b", "EMPTY=", "PATH=/override", NULL };
	static const char *const want[] = { "PATH=/override", "X=a=b",
	    "EMPTY=" };
	struct envmap m = ENVMAP_INIT;

	envmap_add_environ(&m, envv);
	assert_entries(&m, want, nitems(want));
	assert_string_equal(envmap_get(&m, "X"), "a=b");
	assert_null(envmap_get(&m, "NOEQUALS"));
	envmap_free(&m);
}

/* Merge copies with set semantics: dst's existing keys are replaced. */
static void
test_merge(void **state)
{
	static const char *const want[] = { "A=1", "B=new", "C=3" };
	struct envmap dst = ENVMAP_INIT, src = ENVMAP_INIT;

	envmap_set(&dst, "A", "1");
	envmap_set(&dst, "B", "old");
	envmap_set(&src, "B", "new");
	envmap_set(&src, "C", "3");
	envmap_merge(&dst, &src);
	assert_entries(&dst, want, nitems(want));
	/* src is untouched and independent. */
	assert_int_equal(src.n, 2);
	envmap_free(&src);
	assert_string_equal(envmap_get(&dst, "C"), "3");
	envmap_free(&dst);
}

/* An empty map gives an envp holding only the terminating NULL. */
static void
test_envp_empty(void **state)
{
	struct envmap m = ENVMAP_INIT;
	char **envp;

	envp = envmap_envp(&m);
	assert_null(envp[0]);
	envmap_free_envp(envp);
	envmap_free_envp(NULL);
}

/* Values keep newlines and '=' in envp strings. */
static void
test_envp_values(void **state)
{
	static const char *const want[] = { "K=a=b\nc", "E=" };
	struct envmap m = ENVMAP_INIT;

	envmap_set(&m, "K", "a=b\nc");
	envmap_set(&m, "E", "");
	assert_entries(&m, want, nitems(want));
	envmap_free(&m);
}

/* Sorting is by key in byte order: uppercase before '_' before lowercase. */
static void
test_sort(void **state)
{
	static const char *const want[] = { "A=4", "AB=5", "A_=3", "B=1",
	    "_x=6", "a=2", "\xc3\xa9=7" };
	struct envmap m = ENVMAP_INIT;

	envmap_set(&m, "B", "1");
	envmap_set(&m, "a", "2");
	envmap_set(&m, "A_", "3");
	envmap_set(&m, "A", "4");
	envmap_set(&m, "AB", "5");
	envmap_set(&m, "_x", "6");
	envmap_set(&m, "\xc3\xa9", "7");
	envmap_sort(&m);
	assert_entries(&m, want, nitems(want));
	envmap_free(&m);
}

/* Free leaves an empty map that can be used again. */
static void
test_free_reuse(void **state)
{
	static const char *const want[] = { "Z=26" };
	struct envmap m = ENVMAP_INIT;

	envmap_set(&m, "A", "1");
	envmap_free(&m);
	assert_int_equal(m.n, 0);
	assert_null(m.v);
	assert_null(envmap_get(&m, "A"));
	envmap_set(&m, "Z", "26");
	assert_entries(&m, want, nitems(want));
	envmap_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_set),
		cmocka_unit_test(test_replace_keeps_order),
		cmocka_unit_test(test_set_aliasing_value),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_many_indexed),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_add_environ),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_envp_empty),
		cmocka_unit_test(test_envp_values),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_free_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
