/*
 * test_shell.c: which Procfile commands may be run with exec in front.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "shell.h"

/* Plain commands, with arguments, quotes and $ expansions, qualify. */
static void
test_simple(void **state)
{
	(void)state;
	assert_int_equal(shell_can_exec("bundle exec puma -p $PORT"), 1);
	assert_int_equal(shell_can_exec("python3 -m http.server \"$PORT\""),
	    1);
	assert_int_equal(shell_can_exec("./bin/worker --queue=default"), 1);
	assert_int_equal(shell_can_exec("  node server.js  "), 1);
	assert_int_equal(shell_can_exec("env 'a b' ${GREETING}"), 1);
	assert_int_equal(shell_can_exec("/usr/bin/env FOO=1 app"), 1);
	assert_int_equal(shell_can_exec("env héllo"), 1);
}

/*
 * Operators inside quotes are text: the command is still one simple
 * command (python3 -c "a; b" must be exec'd so that python leads the
 * group). What could start a command of its own inside quotes is not.
 */
static void
test_quoted_operators(void **state)
{
	(void)state;
	assert_int_equal(shell_can_exec("python3 -c \"import time; "
	    "print('x', flush=True); time.sleep(9)\""), 1);
	assert_int_equal(shell_can_exec("sh -c 'a; b | c > d &'"), 1);
	assert_int_equal(shell_can_exec("ruby -e 'puts [1,2].map { |x| x * 2 }'"),
	    1);
	assert_int_equal(shell_can_exec("app \"a (b) <c>\" 'd'\"e;f\""), 1);
	assert_int_equal(shell_can_exec("app \"$(date)\""), 0);
	assert_int_equal(shell_can_exec("app \"`date`\""), 0);
	assert_int_equal(shell_can_exec("app \"a\\\"; b\""), 0);
	assert_int_equal(shell_can_exec("app 'a\"b' ; c"), 0);
	assert_int_equal(shell_can_exec("app \"x\" 'y"), 0);
}

/* Anything with operators, redirections, globs or newlines does not. */
static void
test_compound(void **state)
{
	(void)state;
	assert_int_equal(shell_can_exec("a; b"), 0);
	assert_int_equal(shell_can_exec("a && b"), 0);
	assert_int_equal(shell_can_exec("a || b"), 0);
	assert_int_equal(shell_can_exec("a | b"), 0);
	assert_int_equal(shell_can_exec("a &"), 0);
	assert_int_equal(shell_can_exec("a > log"), 0);
	assert_int_equal(shell_can_exec("a < in"), 0);
	assert_int_equal(shell_can_exec("(a)"), 0);
	assert_int_equal(shell_can_exec("ls *.c"), 0);
	assert_int_equal(shell_can_exec("a\nb"), 0);
	assert_int_equal(shell_can_exec("a # comment"), 0);
	assert_int_equal(shell_can_exec("env `date`"), 0);
	assert_int_equal(shell_can_exec("env \\$x"), 0);
	assert_int_equal(shell_can_exec("env \"unbalanced"), 0);
	assert_int_equal(shell_can_exec("env 'a\"b"), 0);
}

/* Assignments, reserved words and builtins cannot follow exec. */
static void
test_first_word(void **state)
{
	(void)state;
	assert_int_equal(shell_can_exec("FOO=1 app"), 0);
	assert_int_equal(shell_can_exec("while true"), 0);
	assert_int_equal(shell_can_exec("cd /tmp"), 0);
	assert_int_equal(shell_can_exec("chdir /tmp"), 0);
	assert_int_equal(shell_can_exec(": nothing"), 0);
	/* Builtins that are also programs keep the builtin's behaviour. */
	assert_int_equal(shell_can_exec("echo -e x"), 0);
	assert_int_equal(shell_can_exec("printf '%s' x"), 0);
	assert_int_equal(shell_can_exec("[ -f x ]"), 0);
	assert_int_equal(shell_can_exec("exec app"), 0);
	assert_int_equal(shell_can_exec("$CMD arg"), 0);
	assert_int_equal(shell_can_exec("\"app\" arg"), 0);
	assert_int_equal(shell_can_exec("{ app; }"), 0);
	assert_int_equal(shell_can_exec(""), 0);
	assert_int_equal(shell_can_exec("   "), 0);
	/* A word that merely starts like a builtin is a program name. */
	assert_int_equal(shell_can_exec("cdrecord x"), 1);
	assert_int_equal(shell_can_exec("exec-app"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_quoted_operators),
		cmocka_unit_test(test_compound),
		cmocka_unit_test(test_first_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
