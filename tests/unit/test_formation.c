/*
 * test_formation.c: unit tests for formation parsing and resolution.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formation.h"
#include "procfile.h"

#define MAX 100

/* The Procfile every resolve test runs against: web, worker, clock. */
static const char procfile_text[] = "web: a\nworker: b\nclock: c\n";

/* Parses procfile_text into a fresh procfile for a test. */
static int
setup_pf(void **state)
{
	struct procfile *pf;
	char *cause = NULL;

	pf = calloc(1, sizeof *pf);
	assert_non_null(pf);
	assert_int_equal(procfile_parse("Procfile", procfile_text,
	    sizeof procfile_text - 1, pf, &cause), 0);
	*state = pf;
	return 0;
}

/* Frees what setup_pf made. */
static int
teardown_pf(void **state)
{
	procfile_free(*state);
	free(*state);
	return 0;
}

/* Checks that spec is rejected with exactly want and fs left empty. */
static void
expect_parse_error(const char *origin, const char *spec, long max,
    const char *want)
{
	struct formation_spec fs;
	char *cause = NULL;

	assert_int_equal(formation_parse(origin, spec, max, &fs, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	assert_null(fs.items);
	assert_int_equal(fs.n, 0);
	assert_int_equal(fs.all, 1);
	free(cause);
}

/* Parses spec, which must be valid, into fs. */
static void
parse_ok(const char *spec, long max, struct formation_spec *fs)
{
	char *cause = NULL;

	if (formation_parse("--formation", spec, max, fs, &cause) != 0)
		fail_msg("%s", cause);
}

/* An empty, blank or absent spec has no items and all=1. */
static void
test_parse_empty(void **state)
{
	struct formation_spec fs;
	const char *specs[] = { "", "  ", " \t ", NULL };
	size_t i;

	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		parse_ok(specs[i], MAX, &fs);
		assert_int_equal(fs.n, 0);
		assert_null(fs.items);
		assert_int_equal(fs.all, 1);
		formation_spec_free(&fs);
	}
}

/* Items keep their order; "all" is taken out of the list. */
static void
test_parse_basic(void **state)
{
	struct formation_spec fs;

	parse_ok("web=3,all=2,worker=0", MAX, &fs);
	assert_int_equal(fs.all, 2);
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.items[0].type, "web");
	assert_int_equal(fs.items[0].count, 3);
	assert_string_equal(fs.items[1].type, "worker");
	assert_int_equal(fs.items[1].count, 0);
	formation_spec_free(&fs);
	assert_null(fs.items);
	assert_int_equal(fs.n, 0);
}

/* Blanks around items and around '=' are trimmed. */
static void
test_parse_blanks(void **state)
{
	struct formation_spec fs;

	parse_ok("  all = 2 , web =3,\tworker=\t0 ", MAX, &fs);
	assert_int_equal(fs.all, 2);
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.items[0].type, "web");
	assert_int_equal(fs.items[0].count, 3);
	assert_string_equal(fs.items[1].type, "worker");
	assert_int_equal(fs.items[1].count, 0);
	formation_spec_free(&fs);
}

/* Counts: leading zeros are fine, max itself is allowed. */
static void
test_parse_count_bounds(void **state)
{
	struct formation_spec fs;

	parse_ok("web=007,worker=100,all=0", MAX, &fs);
	assert_int_equal(fs.items[0].count, 7);
	assert_int_equal(fs.items[1].count, 100);
	assert_int_equal(fs.all, 0);
	formation_spec_free(&fs);

	parse_ok("web=9223372036854775807", LONG_MAX, &fs);
	assert_int_equal(fs.items[0].count, LONG_MAX);
	formation_spec_free(&fs);

	parse_ok("web=0", 0, &fs);
	assert_int_equal(fs.items[0].count, 0);
	formation_spec_free(&fs);
}

/* Anything but decimal digits from 0 to max is rejected with one message. */
static void
test_parse_bad_counts(void **state)
{
	const char *bad[] = { "x", "-1", "+1", "0x10", "1.5", "", "1 2",
	    "1e2", "101", "1000", "99999999999999999999999999" };
	char spec[64], want[128];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(spec, sizeof spec, "web=%s", bad[i]);
		snprintf(want, sizeof want, "--formation: '%s': count must "
		    "be a whole number from 0 to 100", spec);
		expect_parse_error("--formation", spec, MAX, want);
	}
	expect_parse_error("--formation", "web=9223372036854775808",
	    LONG_MAX, "--formation: 'web=9223372036854775808': count must "
	    "be a whole number from 0 to 9223372036854775807");
	expect_parse_error("--formation", "web=1", 0,
	    "--formation: 'web=1': count must be a whole number from 0 to 0");
	expect_parse_error("--formation", "all=x", MAX,
	    "--formation: 'all=x': count must be a whole number from 0 to "
	    "100");
	/* The quoted item is trimmed. */
	expect_parse_error("--formation", "web=1,  worker = -2 ", MAX,
	    "--formation: 'worker = -2': count must be a whole number from 0 "
	    "to 100");
}

/* An item without '=' or without a name. */
static void
test_parse_expected_type_n(void **state)
{
	expect_parse_error("--formation", "web", MAX,
	    "--formation: 'web': expected TYPE=N");
	expect_parse_error("--formation", "all=1, web 2", MAX,
	    "--formation: 'web 2': expected TYPE=N");
	expect_parse_error("--formation", "=2", MAX,
	    "--formation: '=2': missing process type name before '='");
	expect_parse_error("--formation", " = 2", MAX,
	    "--formation: '= 2': missing process type name before '='");
}

/* Empty items are errors unless the whole spec is blank. */
static void
test_parse_empty_items(void **state)
{
	expect_parse_error("--formation", "web=1,,x=2", MAX,
	    "--formation: 'web=1,,x=2': empty item");
	expect_parse_error("--formation", "web=1,", MAX,
	    "--formation: 'web=1,': empty item");
	expect_parse_error("--formation", ",web=1", MAX,
	    "--formation: ',web=1': empty item");
	expect_parse_error("--formation", "web=1, ,x=2", MAX,
	    "--formation: 'web=1, ,x=2': empty item");
	expect_parse_error("--formation", ",", MAX,
	    "--formation: ',': empty item");
}

/* Type names follow the Procfile rule. */
static void
test_parse_bad_names(void **state)
{
	expect_parse_error("--formation", "web.1=2", MAX,
	    "--formation: 'web.1=2': invalid process type name 'web.1'");
	expect_parse_error("--formation", "we b=2", MAX,
	    "--formation: 'we b=2': invalid process type name 'we b'");
	expect_parse_error("--formation", "we\x01=2", MAX,
	    "--formation: 'we\\x01=2': invalid process type name 'we\\x01'");
	expect_parse_error("--formation",
	    "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234"
	    "=1", MAX,
	    "--formation: "
	    "'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234"
	    "...': invalid process type name "
	    "'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234"
	    "'");
}

/* A type, or "all", named twice. */
static void
test_parse_twice(void **state)
{
	expect_parse_error("--formation", "web=1,worker=2, web=3", MAX,
	    "--formation: 'web' named twice");
	expect_parse_error("--formation", "all=1,all=2", MAX,
	    "--formation: 'all' named twice");
	expect_parse_error("tfrun.ini:4", "web=1,web=x", MAX,
	    "tfrun.ini:4: 'web' named twice");
}

/* The origin starts every message. */
static void
test_parse_origin(void **state)
{
	expect_parse_error("TFRUN_FORMATION", "web", MAX,
	    "TFRUN_FORMATION: 'web': expected TYPE=N");
	expect_parse_error("tfrun.ini:4", "web=x", 5,
	    "tfrun.ini:4: 'web=x': count must be a whole number from 0 to 5");
}

/* Resolves spec and args against the test Procfile; must succeed. */
static void
resolve_ok(const struct procfile *pf, const char *spec, char *const *args,
    size_t nargs, long want0, long want1, long want2)
{
	struct formation_spec fs;
	long counts[3];
	char *cause = NULL;

	parse_ok(spec, MAX, &fs);
	if (formation_resolve(pf, &fs, "--formation", args, nargs, MAX,
	    counts, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(counts[0], want0);
	assert_int_equal(counts[1], want1);
	assert_int_equal(counts[2], want2);
	formation_spec_free(&fs);
}

/* Resolves spec and args; must fail with want and all counts zero. */
static void
resolve_error(const struct procfile *pf, const char *spec, long specmax,
    char *const *args, size_t nargs, const char *want)
{
	struct formation_spec fs;
	long counts[3] = { 7, 7, 7 };
	char *cause = NULL;

	parse_ok(spec, specmax, &fs);
	assert_int_equal(formation_resolve(pf, &fs, "--formation", args,
	    nargs, MAX, counts, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	assert_int_equal(counts[0], 0);
	assert_int_equal(counts[1], 0);
	assert_int_equal(counts[2], 0);
	free(cause);
	formation_spec_free(&fs);
}

/* Without arguments every type runs: its own count, or "all". */
static void
test_resolve_no_args(void **state)
{
	const struct procfile *pf = *state;

	resolve_ok(pf, "", NULL, 0, 1, 1, 1);
	resolve_ok(pf, "all=2,web=3,worker=0", NULL, 0, 3, 0, 2);
	resolve_ok(pf, "all=0,clock=1", NULL, 0, 0, 0, 1);
}

/* With arguments only the named types run. */
static void
test_resolve_args(void **state)
{
	const struct procfile *pf = *state;
	char *a1[] = { "web" };
	char *a2[] = { "worker=3", "clock" };
	char *a3[] = { "clock = 0", " web " };
	char *a4[] = { "worker" };

	resolve_ok(pf, "all=2", a1, 1, 2, 0, 0);
	resolve_ok(pf, "clock=4", a2, 2, 0, 3, 4);
	resolve_ok(pf, "web=5", a3, 2, 5, 0, 0);
	/* A bare name keeps a count of 0 from the spec. */
	resolve_ok(pf, "worker=0", a4, 1, 0, 0, 0);
}

/* A type in the spec that the Procfile lacks. */
static void
test_resolve_unknown_in_spec(void **state)
{
	const struct procfile *pf = *state;
	char *a[] = { "web" };

	resolve_error(pf, "web=1,nope=2", MAX, NULL, 0,
	    "--formation: no process type 'nope' in the Procfile");
	/* Even when positional arguments do not name it. */
	resolve_error(pf, "nope=2", MAX, a, 1,
	    "--formation: no process type 'nope' in the Procfile");
	/* Case matters. */
	resolve_error(pf, "Web=2", MAX, NULL, 0,
	    "--formation: no process type 'Web' in the Procfile");
}

/* Bad positional arguments; messages start with the argument. */
static void
test_resolve_bad_args(void **state)
{
	const struct procfile *pf = *state;
	char *a1[] = { "web", "worker=x" };
	char *a2[] = { "nope" };
	char *a3[] = { "nope=2" };
	char *a4[] = { "web", "worker", "web=2" };
	char *a5[] = { "" };
	char *a6[] = { "=3" };
	char *a7[] = { "web=101" };
	char *a8[] = { "worker=-1" };
	char *a9[] = { "web.1" };

	resolve_error(pf, "", MAX, a1, 2,
	    "'worker=x': count must be a whole number from 0 to 100");
	resolve_error(pf, "", MAX, a2, 1,
	    "'nope': no process type 'nope' in the Procfile");
	resolve_error(pf, "", MAX, a3, 1,
	    "'nope=2': no process type 'nope' in the Procfile");
	resolve_error(pf, "", MAX, a4, 3,
	    "'web=2': process type 'web' named twice");
	resolve_error(pf, "", MAX, a5, 1, "'': expected TYPE or TYPE=N");
	resolve_error(pf, "", MAX, a6, 1, "'=3': expected TYPE or TYPE=N");
	resolve_error(pf, "", MAX, a7, 1,
	    "'web=101': count must be a whole number from 0 to 100");
	resolve_error(pf, "", MAX, a8, 1,
	    "'worker=-1': count must be a whole number from 0 to 100");
	resolve_error(pf, "", MAX, a9, 1,
	    "'web.1': no process type 'web.1' in the Procfile");
}

/* A spec parsed with a higher maximum is checked again. */
static void
test_resolve_rechecks_max(void **state)
{
	const struct procfile *pf = *state;
	char *a[] = { "clock" };

	resolve_error(pf, "web=150", 1000, NULL, 0,
	    "--formation: 'web=150': count must be a whole number from 0 to "
	    "100");
	resolve_error(pf, "all=150,web=1,worker=1", 1000, NULL, 0,
	    "--formation: 'all=150': count must be a whole number from 0 to "
	    "100");
	/* "all" is only checked where it is used. */
	resolve_ok(pf, "", NULL, 0, 1, 1, 1);
	resolve_error(pf, "all=150", 1000, a, 1,
	    "'clock': count must be a whole number from 0 to 100");
}

/* A Procfile type named "all" is reached through positional arguments. */
static void
test_resolve_type_named_all(void **state)
{
	struct procfile pf;
	struct formation_spec fs;
	char *args[] = { "all=3" };
	long counts[2];
	char *cause = NULL;

	assert_int_equal(procfile_parse("Procfile", "all: x\nweb: y\n", 14,
	    &pf, &cause), 0);
	parse_ok("all=2", MAX, &fs);
	assert_int_equal(formation_resolve(&pf, &fs, "-m", NULL, 0, MAX,
	    counts, &cause), 0);
	assert_int_equal(counts[0], 2);
	assert_int_equal(counts[1], 2);
	assert_int_equal(formation_resolve(&pf, &fs, "-m", args, 1, MAX,
	    counts, &cause), 0);
	assert_int_equal(counts[0], 3);
	assert_int_equal(counts[1], 0);
	formation_spec_free(&fs);
	procfile_free(&pf);
}

/* Runs every test of this module. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_blanks),
		cmocka_unit_test(test_parse_count_bounds),
		cmocka_unit_test(test_parse_bad_counts),
		cmocka_unit_test(test_parse_expected_type_n),
		cmocka_unit_test(test_parse_empty_items),
		cmocka_unit_test(test_parse_bad_names),
		cmocka_unit_test(test_parse_twice),
		cmocka_unit_test(test_parse_origin),
		cmocka_unit_test_setup_teardown(test_resolve_no_args,
		    setup_pf, teardown_pf),
		cmocka_unit_test_setup_teardown(test_resolve_args,
		    setup_pf, teardown_pf),
		cmocka_unit_test_setup_teardown(test_resolve_unknown_in_spec,
		    setup_pf, teardown_pf),
		cmocka_unit_test_setup_teardown(test_resolve_bad_args,
		    setup_pf, teardown_pf),
		cmocka_unit_test_setup_teardown(test_resolve_rechecks_max,
		    setup_pf, teardown_pf),
		cmocka_unit_test(test_resolve_type_named_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
