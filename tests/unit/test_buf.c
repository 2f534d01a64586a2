/*
 * test_buf.c: the growable buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Appends of every kind keep content and NUL termination. */
static void
test_append(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_adds(&b, "abc");
	buf_addc(&b, '-');
	buf_printf(&b, "%d/%s", 42, "x");
	buf_add(&b, "\0z", 2);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abc-42/x\0z", 10);
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
	assert_null(b.data);
}

/* Growth past many doublings keeps every byte. */
static void
test_growth(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 100000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 100000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	buf_free(&b);
}

/* detach hands over the string, even an empty one; reset keeps memory. */
static void
test_detach_reset(void **state)
{
	struct buf b = BUF_INIT;
	char *s;

	(void)state;
	s = buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
	buf_adds(&b, "hello");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_adds(&b, "x");
	s = buf_detach(&b);
	assert_string_equal(s, "x");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_detach_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
