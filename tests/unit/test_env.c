/*
 * test_env.c: unit tests for the merged environment and its precedence
 * rule (SPEC section 3): real environment > later file > earlier file,
 * unless override.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "env.h"
#include "envmap.h"

/* Adds a file given as a string and expects success. */
static void
add_ok(struct env *e, const char *fname, const char *text)
{
	char *cause = NULL;

	if (env_add_file(e, fname, text, strlen(text), &cause) != 0)
		fail_msg("%s: unexpected error: %s", fname, cause);
	assert_null(cause);
}

/* Asserts that a map holds exactly the "KEY=VALUE" strings, in order. */
static void
assert_map(const struct envmap *m, const char *const *want, size_t n)
{
	char **envp;
	size_t i;

	envp = envmap_envp(m);
	for (i = 0; i < n && envp[i] != NULL; i++)
		assert_string_equal(envp[i], want[i]);
	assert_int_equal(m->n, n);
	envmap_free_envp(envp);
}

/* env_init copies environ into real and effective; files starts empty. */
static void
test_init(void **state)
{
	static char *const envv[] = { "PATH=/bin", "HOME=/h", "junk", NULL };
	static const char *const want[] = { "PATH=/bin", "HOME=/h" };
	struct env e;

	env_init(&e, envv, 0);
	assert_map(&e.real, want, nitems(want));
	assert_map(&e.effective, want, nitems(want));
	assert_int_equal(e.files.n, 0);
	assert_int_equal(e.override, 0);
	env_free(&e);

	env_init(&e, NULL, 1);
	assert_int_equal(e.real.n, 0);
	assert_int_equal(e.override, 1);
	env_free(&e);
}

/* The real environment wins; among files, later ones win. */
static void
test_precedence(void **state)
{
	static char *const envv[] = { "A=real", NULL };
	static const char *const eff[] = { "A=real", "B=f2", "C=f1", "D=f2" };
	static const char *const files[] = { "A=f1", "B=f2", "C=f1", "D=f2" };
	struct env e;

	env_init(&e, envv, 0);
	add_ok(&e, "one.env", "A=f1\nB=f1\nC=f1\n");
	add_ok(&e, "two.env", "B=f2\nA=f2-ignored-for-effective\nD=f2\n");
	/* files records each file's value, later files winning. */
	assert_string_equal(envmap_get(&e.files, "A"),
	    "f2-ignored-for-effective");
	add_ok(&e, "three.env", "A=f1\n");
	assert_map(&e.effective, eff, nitems(eff));
	assert_map(&e.files, files, nitems(files));
	env_free(&e);
}

/* With override, files win over the real environment. */
static void
test_override(void **state)
{
	static char *const envv[] = { "A=real", "KEEP=k", NULL };
	static const char *const eff[] = { "A=f2", "KEEP=k", "B=f1" };
	struct env e;

	env_init(&e, envv, 1);
	add_ok(&e, "one.env", "A=f1\nB=f1\n");
	add_ok(&e, "two.env", "A=f2\n");
	assert_map(&e.effective, eff, nitems(eff));
	assert_string_equal(envmap_get(&e.real, "A"), "real");
	env_free(&e);
}

/* Expansions see the real value where the real environment wins. */
static void
test_expansion_sees_real_env(void **state)
{
	static char *const envv[] = { "A=real", NULL };
	struct env e;

	env_init(&e, envv, 0);
	add_ok(&e, "f.env", "A=file\nB=$A\nC=${A:-x}\n");
	assert_string_equal(envmap_get(&e.effective, "B"), "real");
	assert_string_equal(envmap_get(&e.effective, "C"), "real");
	/* The files map keeps the file's own (expanded) values. */
	assert_string_equal(envmap_get(&e.files, "A"), "file");
	assert_string_equal(envmap_get(&e.files, "B"), "real");
	env_free(&e);

	env_init(&e, envv, 1);
	add_ok(&e, "f.env", "A=file\nB=$A\n");
	assert_string_equal(envmap_get(&e.effective, "B"), "file");
	env_free(&e);
}

/* Expansions see earlier files and the real environment. */
static void
test_expansion_across_files(void **state)
{
	static char *const envv[] = { "HOME=/h", NULL };
	struct env e;

	env_init(&e, envv, 0);
	add_ok(&e, "one.env", "BASE=$HOME/app\n");
	add_ok(&e, "two.env", "LOG=${BASE}/log\nBASE=/other\nX=$BASE\n");
	assert_string_equal(envmap_get(&e.effective, "LOG"), "/h/app/log");
	assert_string_equal(envmap_get(&e.effective, "X"), "/other");
	env_free(&e);
}

/* The files map holds only what files set, never inherited variables. */
static void
test_files_only_file_values(void **state)
{
	static char *const envv[] = { "PATH=/bin", "HOME=/h", NULL };
	static const char *const files[] = { "APP=$", "P=/bin:/x" };
	struct env e;

	env_init(&e, envv, 0);
	add_ok(&e, "f.env", "APP=$\nP=$PATH:/x\n");
	assert_map(&e.files, files, nitems(files));
	assert_null(envmap_get(&e.files, "PATH"));
	env_free(&e);
}

/* A file with an error changes nothing, even after good lines. */
static void
test_error_leaves_env_unchanged(void **state)
{
	static char *const envv[] = { "R=real", NULL };
	static const char *const eff[] = { "R=real", "A=1" };
	static const char *const files[] = { "A=1" };
	static const char bad[] = "A=2\nB=3\nbroken\nC=${U:?need U}\n";
	struct env e;
	char *cause = NULL;

	env_init(&e, envv, 1);
	add_ok(&e, "good.env", "A=1\n");
	assert_int_equal(env_add_file(&e, "bad.env", bad, sizeof bad - 1,
	    &cause), -1);
	assert_string_equal(cause,
	    "bad.env:3: missing '=' in \"broken\"\n"
	    "bad.env:4: U: need U");
	free(cause);
	assert_map(&e.effective, eff, nitems(eff));
	assert_map(&e.files, files, nitems(files));
	/* It still works afterwards. */
	add_ok(&e, "next.env", "B=$A\n");
	assert_string_equal(envmap_get(&e.effective, "B"), "1");
	env_free(&e);
}

/* env_envp adds PORT and PS, overriding everything; both are optional. */
static void
test_envp(void **state)
{
	static char *const envv[] = { "PORT=1", "A=a", NULL };
	struct env e;
	char **envp;

	env_init(&e, envv, 0);
	add_ok(&e, "f.env", "PS=file\nB=b\n");

	envp = env_envp(&e, 5100, "web.2");
	assert_string_equal(envp[0], "PORT=5100");
	assert_string_equal(envp[1], "A=a");
	assert_string_equal(envp[2], "PS=web.2");
	assert_string_equal(envp[3], "B=b");
	assert_null(envp[4]);
	envmap_free_envp(envp);

	envp = env_envp(&e, -1, NULL);
	assert_string_equal(envp[0], "PORT=1");
	assert_string_equal(envp[1], "A=a");
	assert_string_equal(envp[2], "PS=file");
	assert_string_equal(envp[3], "B=b");
	assert_null(envp[4]);
	envmap_free_envp(envp);

	/* The effective environment itself is not changed. */
	assert_string_equal(envmap_get(&e.effective, "PORT"), "1");
	env_free(&e);
}

/* PORT and PS are added when absent, port 0 included. */
static void
test_envp_adds(void **state)
{
	struct env e;
	char **envp;

	env_init(&e, NULL, 0);
	envp = env_envp(&e, 0, "run.1");
	assert_string_equal(envp[0], "PORT=0");
	assert_string_equal(envp[1], "PS=run.1");
	assert_null(envp[2]);
	envmap_free_envp(envp);
	env_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_expansion_sees_real_env),
		cmocka_unit_test(test_expansion_across_files),
		cmocka_unit_test(test_files_only_file_values),
		cmocka_unit_test(test_error_leaves_env_unchanged),
		cmocka_unit_test(test_envp),
		cmocka_unit_test(test_envp_adds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
