/*
 * test_procfile.c: unit tests for the Procfile parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfile.h"

/* Parses a string literal, NUL bytes included. */
#define PARSE(lit, pf, cause) \
	procfile_parse("Procfile", (lit), sizeof(lit) - 1, (pf), (cause))

/* Parses a literal that must be rejected with exactly the message want. */
#define EXPECT_ERROR(lit, want) \
	expect_error((lit), sizeof(lit) - 1, (want))

/* Checks that buf is rejected with exactly want and leaves pf empty. */
static void
expect_error(const char *buf, size_t len, const char *want)
{
	struct procfile pf;
	char *cause = NULL;

	pf.entries = (void *)&pf; /* Garbage the parser must overwrite. */
	pf.n = 99;
	assert_int_equal(procfile_parse("Procfile", buf, len, &pf, &cause),
	    -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	assert_null(pf.entries);
	assert_int_equal(pf.n, 0);
	free(cause);
}

/* Checks entry i of pf. */
static void
expect_entry(const struct procfile *pf, size_t i, const char *name,
    const char *command, unsigned line)
{
	assert_true(i < pf->n);
	assert_string_equal(pf->entries[i].name, name);
	assert_string_equal(pf->entries[i].command, command);
	assert_int_equal(pf->entries[i].line, line);
}

/* Two ordinary types keep their order, commands and lines. */
static void
test_basic(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("web: bundle exec rails s -p $PORT\n"
	    "worker: bundle exec sidekiq\n", &pf, &cause), 0);
	assert_null(cause);
	assert_int_equal(pf.n, 2);
	expect_entry(&pf, 0, "web", "bundle exec rails s -p $PORT", 1);
	expect_entry(&pf, 1, "worker", "bundle exec sidekiq", 2);
	procfile_free(&pf);
	assert_null(pf.entries);
	assert_int_equal(pf.n, 0);
}

/* Comments and blank lines are skipped but still counted as lines. */
static void
test_comments_blank_lines(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("# the app\n"
	    "\n"
	    "web: a\n"
	    "   # an indented comment\n"
	    " \t \n"
	    "#worker: not this\n"
	    "clock: c\n"
	    "\n", &pf, &cause), 0);
	assert_int_equal(pf.n, 2);
	expect_entry(&pf, 0, "web", "a", 3);
	expect_entry(&pf, 1, "clock", "c", 7);
	procfile_free(&pf);
}

/* CRLF line endings and a lone CR ending the last line are dropped. */
static void
test_crlf(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("# c\r\nweb: a b \r\n\r\nworker: c\r",
	    &pf, &cause), 0);
	assert_int_equal(pf.n, 2);
	expect_entry(&pf, 0, "web", "a b ", 2);
	expect_entry(&pf, 1, "worker", "c", 4);
	procfile_free(&pf);
}

/* A CR inside a line is not a line ending and stays in the command. */
static void
test_inner_cr_kept(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("web: a\rb\n", &pf, &cause), 0);
	assert_int_equal(pf.n, 1);
	expect_entry(&pf, 0, "web", "a\rb", 1);
	procfile_free(&pf);
}

/* A leading UTF-8 BOM is skipped and does not shift line numbers. */
static void
test_bom(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("\xef\xbb\xbfweb: x\nworker: y\n", &pf,
	    &cause), 0);
	assert_int_equal(pf.n, 2);
	expect_entry(&pf, 0, "web", "x", 1);
	expect_entry(&pf, 1, "worker", "y", 2);
	procfile_free(&pf);
}

/* A BOM anywhere but at the start is an invalid name character. */
static void
test_bom_not_first(void **state)
{
	EXPECT_ERROR("web: x\n\xef\xbb\xbfworker: y\n",
	    "Procfile:2: invalid character '\\xef' in process type name "
	    "'\\xef\\xbb\\xbfworker' (allowed: A-Z a-z 0-9 _ -)");
}

/* Blanks after the colon are optional and may be tabs. */
static void
test_separator_blanks(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("web:cmd\nworker:\t \tsidekiq -q a\n"
	    "clock:    ./clock", &pf, &cause), 0);
	assert_int_equal(pf.n, 3);
	expect_entry(&pf, 0, "web", "cmd", 1);
	expect_entry(&pf, 1, "worker", "sidekiq -q a", 2);
	expect_entry(&pf, 2, "clock", "./clock", 3);
	procfile_free(&pf);
}

/* The command is passed on unchanged: colons, '#', quotes, trailing blanks. */
static void
test_command_unchanged(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("web: echo \"a:b\" # not a comment \t\n",
	    &pf, &cause), 0);
	assert_int_equal(pf.n, 1);
	expect_entry(&pf, 0, "web", "echo \"a:b\" # not a comment \t", 1);
	procfile_free(&pf);
}

/* Every allowed name character, and a name of exactly 63 characters. */
static void
test_name_chars_and_length(void **state)
{
	struct procfile pf;
	char *cause = NULL;
	const char *n63 = "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee"
	    "ffffffffff123";

	assert_int_equal(strlen(n63), PROCFILE_NAME_MAX);
	assert_int_equal(PARSE("AZ_az-09: x\n"
	    "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff123"
	    ": y\n", &pf, &cause), 0);
	assert_int_equal(pf.n, 2);
	expect_entry(&pf, 0, "AZ_az-09", "x", 1);
	expect_entry(&pf, 1, n63, "y", 2);
	procfile_free(&pf);
}

/* The buffer is bounded by len, not by a NUL terminator. */
static void
test_length_bounded(void **state)
{
	struct procfile pf;
	char *cause = NULL;
	const char text[] = "web: abcdef";

	assert_int_equal(procfile_parse("Procfile", text, 8, &pf, &cause),
	    0);
	assert_int_equal(pf.n, 1);
	expect_entry(&pf, 0, "web", "abc", 1);
	procfile_free(&pf);
}

/* The name given is the one used in messages. */
static void
test_fname_in_messages(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(procfile_parse("app/Procfile.dev", "x", 1, &pf,
	    &cause), -1);
	assert_string_equal(cause, "app/Procfile.dev:1: no ':' in 'x' "
	    "(expected TYPE: COMMAND)");
	free(cause);
}

/* A line starting with whitespace is not a process type. */
static void
test_err_leading_whitespace(void **state)
{
	EXPECT_ERROR(" web: x\n",
	    "Procfile:1: leading whitespace before 'web: x'");
	EXPECT_ERROR("\tweb: x\n",
	    "Procfile:1: leading whitespace before 'web: x'");
}

/* Blanks between the name and the colon. */
static void
test_err_blank_before_colon(void **state)
{
	EXPECT_ERROR("web : x\n",
	    "Procfile:1: whitespace between process type 'web' and ':'");
	EXPECT_ERROR("web\t\t: x",
	    "Procfile:1: whitespace between process type 'web' and ':'");
}

/* A character outside [A-Za-z0-9_-] is named, escaped when unprintable. */
static void
test_err_invalid_char(void **state)
{
	EXPECT_ERROR("web.1: x\n",
	    "Procfile:1: invalid character '.' in process type name 'web.1' "
	    "(allowed: A-Z a-z 0-9 _ -)");
	EXPECT_ERROR("we b: x\n",
	    "Procfile:1: invalid character ' ' in process type name 'we b' "
	    "(allowed: A-Z a-z 0-9 _ -)");
	EXPECT_ERROR("we\tb: x\n",
	    "Procfile:1: invalid character '\\t' in process type name "
	    "'we\\tb' (allowed: A-Z a-z 0-9 _ -)");
	EXPECT_ERROR("w\xc3\xa9" "b: x\n",
	    "Procfile:1: invalid character '\\xc3' in process type name "
	    "'w\\xc3\\xa9b' (allowed: A-Z a-z 0-9 _ -)");
	EXPECT_ERROR("it's: x\n",
	    "Procfile:1: invalid character '\\'' in process type name "
	    "'it\\'s' (allowed: A-Z a-z 0-9 _ -)");
}

/* A line without any colon. */
static void
test_err_no_colon(void **state)
{
	EXPECT_ERROR("just text\n",
	    "Procfile:1: no ':' in 'just text' (expected TYPE: COMMAND)");
	EXPECT_ERROR("web\r\n",
	    "Procfile:1: no ':' in 'web' (expected TYPE: COMMAND)");
}

/* A colon with nothing before it. */
static void
test_err_empty_name(void **state)
{
	EXPECT_ERROR(": x\n",
	    "Procfile:1: empty process type name in ': x'");
	EXPECT_ERROR(":\n", "Procfile:1: empty process type name in ':'");
}

/* A 64-character name is one too long; long text is cut in messages. */
static void
test_err_name_too_long(void **state)
{
	EXPECT_ERROR(
	    "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234"
	    ": x\n",
	    "Procfile:1: process type name "
	    "'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234'"
	    " is longer than 63 characters");
	EXPECT_ERROR(
	    "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff12345"
	    ": x\n",
	    "Procfile:1: process type name "
	    "'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234"
	    "...' is longer than 63 characters");
}

/* A missing or blank-only command. */
static void
test_err_empty_command(void **state)
{
	EXPECT_ERROR("web:\n",
	    "Procfile:1: empty command for process type 'web'");
	EXPECT_ERROR("web:   \t\r\n",
	    "Procfile:1: empty command for process type 'web'");
	EXPECT_ERROR("web: x\nworker:",
	    "Procfile:2: empty command for process type 'worker'");
}

/* A duplicate names both lines. */
static void
test_err_duplicate(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	EXPECT_ERROR("# c\nweb: a\nworker: b\n\nweb: c\n",
	    "Procfile:5: duplicate process type 'web' (first defined on "
	    "line 2)");
	/* Names are case-sensitive: these are two types. */
	assert_int_equal(PARSE("web: a\nWeb: b\n", &pf, &cause), 0);
	assert_int_equal(pf.n, 2);
	procfile_free(&pf);
}

/* A later line repeating a name whose command was empty is a duplicate. */
static void
test_err_duplicate_of_empty_command(void **state)
{
	EXPECT_ERROR("web:\nweb: x\nweb: y\n",
	    "Procfile:1: empty command for process type 'web'\n"
	    "Procfile:2: duplicate process type 'web' (first defined on "
	    "line 1)\n"
	    "Procfile:3: duplicate process type 'web' (first defined on "
	    "line 1)");
}

/* A NUL byte anywhere in a line, even a comment, is an error. */
static void
test_err_nul(void **state)
{
	EXPECT_ERROR("web: a\0b\n",
	    "Procfile:1: NUL byte in line");
	EXPECT_ERROR("web: a\n# c\0\n",
	    "Procfile:2: NUL byte in line");
}

/* No process types at all is an error about the file, without a line. */
static void
test_err_no_types(void **state)
{
	EXPECT_ERROR("", "Procfile: no process types defined");
	EXPECT_ERROR("\xef\xbb\xbf", "Procfile: no process types defined");
	EXPECT_ERROR("# only\n\n  \r\n# comments\n",
	    "Procfile: no process types defined");
	/* NULL with length 0 is an empty file. */
	expect_error(NULL, 0, "Procfile: no process types defined");
}

/* When lines are wrong, "no process types" is not added. */
static void
test_err_no_types_suppressed(void **state)
{
	EXPECT_ERROR("web.1: x\n", "Procfile:1: invalid character '.' in "
	    "process type name 'web.1' (allowed: A-Z a-z 0-9 _ -)");
}

/* Every error in a file is reported, in line order, one per line. */
static void
test_err_many(void **state)
{
	EXPECT_ERROR("# app\r\n"
	    "web: ok\r\n"
	    " worker: x\r\n"
	    "clock : y\r\n"
	    "a.b: z\r\n"
	    "text\r\n"
	    ": w\r\n"
	    "empty:\r\n"
	    "web: again\r\n"
	    "fine: yes\r\n"
	    "n\0ul: v\r\n",
	    "Procfile:3: leading whitespace before 'worker: x'\n"
	    "Procfile:4: whitespace between process type 'clock' and ':'\n"
	    "Procfile:5: invalid character '.' in process type name 'a.b' "
	    "(allowed: A-Z a-z 0-9 _ -)\n"
	    "Procfile:6: no ':' in 'text' (expected TYPE: COMMAND)\n"
	    "Procfile:7: empty process type name in ': w'\n"
	    "Procfile:8: empty command for process type 'empty'\n"
	    "Procfile:9: duplicate process type 'web' (first defined on "
	    "line 2)\n"
	    "Procfile:11: NUL byte in line");
}

/* Many distinct types stay in order and duplicates are still found. */
static void
test_many_types(void **state)
{
	struct procfile pf;
	char *cause = NULL, *text, *p;
	size_t i, n = 1000;

	text = malloc(n * 32 + 32);
	p = text;
	for (i = 0; i < n; i++)
		p += sprintf(p, "t%zu: run %zu\n", i, i);
	assert_int_equal(procfile_parse("Procfile", text, p - text, &pf,
	    &cause), 0);
	assert_int_equal(pf.n, n);
	expect_entry(&pf, 0, "t0", "run 0", 1);
	expect_entry(&pf, 999, "t999", "run 999", 1000);
	assert_int_equal(procfile_find(&pf, "t517"), 517);
	procfile_free(&pf);

	p += sprintf(p, "t517: again\n");
	assert_int_equal(procfile_parse("Procfile", text, p - text, &pf,
	    &cause), -1);
	assert_string_equal(cause, "Procfile:1001: duplicate process type "
	    "'t517' (first defined on line 518)");
	free(cause);
	free(text);
}

/* procfile_find is exact and case-sensitive. */
static void
test_find(void **state)
{
	struct procfile pf;
	char *cause = NULL;

	assert_int_equal(PARSE("web: a\nworker: b\nclock: c\n", &pf, &cause),
	    0);
	assert_int_equal(procfile_find(&pf, "web"), 0);
	assert_int_equal(procfile_find(&pf, "worker"), 1);
	assert_int_equal(procfile_find(&pf, "clock"), 2);
	assert_int_equal(procfile_find(&pf, "Web"), -1);
	assert_int_equal(procfile_find(&pf, "we"), -1);
	assert_int_equal(procfile_find(&pf, "webs"), -1);
	assert_int_equal(procfile_find(&pf, ""), -1);
	procfile_free(&pf);
	assert_int_equal(procfile_find(&pf, "web"), -1);
}

/* Runs every test of this module. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_comments_blank_lines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_inner_cr_kept),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_bom_not_first),
		cmocka_unit_test(test_separator_blanks),
		cmocka_unit_test(test_command_unchanged),
		cmocka_unit_test(test_name_chars_and_length),
		cmocka_unit_test(test_length_bounded),
		cmocka_unit_test(test_fname_in_messages),
		cmocka_unit_test(test_err_leading_whitespace),
		cmocka_unit_test(test_err_blank_before_colon),
		cmocka_unit_test(test_err_invalid_char),
		cmocka_unit_test(test_err_no_colon),
		cmocka_unit_test(test_err_empty_name),
		cmocka_unit_test(test_err_name_too_long),
		cmocka_unit_test(test_err_empty_command),
		cmocka_unit_test(test_err_duplicate),
		cmocka_unit_test(test_err_duplicate_of_empty_command),
		cmocka_unit_test(test_err_nul),
		cmocka_unit_test(test_err_no_types),
		cmocka_unit_test(test_err_no_types_suppressed),
		cmocka_unit_test(test_err_many),
		cmocka_unit_test(test_many_types),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
