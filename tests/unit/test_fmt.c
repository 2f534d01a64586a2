/*
 * test_fmt.c: unit tests for fmt.c, asserting the exact bytes written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"

#define RS "\033[0m"
#define FFFD "\xef\xbf\xbd"

static const struct fmt_time tm = { "16:48:58", "2026-11-28T16:48:58.123Z" };
static const struct fmt_source web = { "web.1", "web", 1234, 0 };
static const struct fmt_source worker = { "worker.2", "worker", 77, 1 };
static const struct fmt_source sys = { "system", NULL, 0, -1 };

/* Formats text with style and source and asserts the exact result. */
static void
check_line(const struct fmt_style *style, const struct fmt_source *src,
    const char *text, size_t len, const char *want, size_t wantlen)
{
	struct buf b = BUF_INIT;

	fmt_line(&b, style, src, &tm, text, len);
	assert_int_equal(b.len, wantlen);
	assert_memory_equal(b.data, want, wantlen);
	buf_free(&b);
}

/* The same for NUL-terminated text and result. */
#define CHECK(style, src, text, want) \
	check_line(style, src, text, strlen(text), want, strlen(want))

/* Asserts what fmt_json_string makes of in (inlen bytes). */
static void
check_json(const char *in, size_t inlen, const char *want)
{
	struct buf b = BUF_INIT;

	fmt_json_string(&b, in, inlen);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

/* The same for a string literal, which may hold NUL bytes. */
#define JSON(lit, want) check_json(lit, sizeof lit - 1, want)

/* Plain text with the time and padding to the minimum width. */
static void
test_text_timestamp(void **state)
{
	const struct fmt_style st = { 0, 0, 1, 1, 6 };

	CHECK(&st, &web, "hello", "16:48:58 web.1  | hello\n");
	CHECK(&st, &sys, "web.1 started with pid 1234 on port 5000",
	    "16:48:58 system | web.1 started with pid 1234 on port 5000\n");
	CHECK(&st, &web, "", "16:48:58 web.1  | \n");
}

/* Without the time, the line starts with the name. */
static void
test_text_no_timestamp(void **state)
{
	const struct fmt_style st = { 0, 0, 0, 1, 6 };

	CHECK(&st, &web, "hello", "web.1  | hello\n");
	CHECK(&st, &sys, "bye", "system | bye\n");
}

/* Names are padded to width, at least 6, and never cut when longer. */
static void
test_text_padding(void **state)
{
	const struct fmt_style w0 = { 0, 0, 0, 1, 0 };
	const struct fmt_style w6 = { 0, 0, 0, 1, 6 };
	const struct fmt_style w10 = { 0, 0, 0, 1, 10 };
	const struct fmt_style w40 = { 0, 0, 0, 1, 40 };
	const struct fmt_source a = { "a.1", "a", 1, 0 };
	const struct fmt_source six = { "abcd.1", "abcd", 1, 0 };

	CHECK(&w0, &a, "x", "a.1    | x\n");
	CHECK(&w6, &a, "x", "a.1    | x\n");
	CHECK(&w6, &six, "x", "abcd.1 | x\n");
	CHECK(&w6, &worker, "x", "worker.2 | x\n");
	CHECK(&w10, &worker, "x", "worker.2   | x\n");
	CHECK(&w10, &sys, "x", "system     | x\n");
	CHECK(&w40, &a, "x",
	    "a.1                                      | x\n");
}

/* In colour the prefix through '|' is coloured, reset before the space. */
static void
test_text_color(void **state)
{
	const struct fmt_style ts = { 0, 1, 1, 1, 6 };
	const struct fmt_style nots = { 0, 1, 0, 1, 8 };

	CHECK(&ts, &web, "hello",
	    "\033[36m16:48:58 web.1  |" RS " hello\n");
	CHECK(&ts, &worker, "hi",
	    "\033[33m16:48:58 worker.2 |" RS " hi\n");
	CHECK(&ts, &sys, "stopping",
	    "\033[1;37m16:48:58 system |" RS " stopping\n");
	CHECK(&nots, &web, "hello", "\033[36mweb.1    |" RS " hello\n");
	CHECK(&nots, &sys, "", "\033[1;37msystem   |" RS " \n");
}

/*
 * Without a prefix only the text and '\n' are written, never colour; but
 * system lines keep their label (no time, no padding), so they can be told
 * from the processes' output.
 */
static void
test_text_no_prefix(void **state)
{
	const struct fmt_style plain = { 0, 0, 0, 0, 6 };
	const struct fmt_style all = { 0, 1, 1, 0, 20 };

	CHECK(&plain, &web, "hello", "hello\n");
	CHECK(&all, &web, "hello", "hello\n");
	CHECK(&plain, &sys, "web.1 exited", "system | web.1 exited\n");
	CHECK(&all, &sys, "", "\033[1;37msystem |\033[0m \n");
}

/* Text bytes pass through unchanged: CR, escapes, NUL, bad UTF-8. */
static void
test_text_bytes(void **state)
{
	static const char text[] = "a\r\033[31mred\0\xff\xc0";
	static const char want[] = "web.1  | a\r\033[31mred\0\xff\xc0\n";
	const struct fmt_style st = { 0, 0, 0, 1, 6 };

	check_line(&st, &web, text, sizeof text - 1, want, sizeof want - 1);
}

/* fmt_line appends to what out already holds. */
static void
test_appends(void **state)
{
	const struct fmt_style st = { 0, 0, 0, 1, 6 };
	struct buf b = BUF_INIT;

	fmt_line(&b, &st, &web, &tm, "one", 3);
	fmt_line(&b, &st, &sys, &tm, "two", 3);
	fmt_line(&b, &st, &web, &tm, "three and more", 5);
	assert_string_equal(b.data,
	    "web.1  | one\nsystem | two\nweb.1  | three\n");
	buf_free(&b);
}

/* JSON lines carry every field, or omit type and pid for system. */
static void
test_json_line(void **state)
{
	const struct fmt_style st = { 1, 1, 1, 1, 20 };
	const struct fmt_source neg = { "w.1", "w", -5, 2 };

	CHECK(&st, &web, "hello \"you\"",
	    "{\"time\":\"2026-11-28T16:48:58.123Z\",\"process\":\"web.1\","
	    "\"type\":\"web\",\"pid\":1234,"
	    "\"message\":\"hello \\\"you\\\"\"}\n");
	CHECK(&st, &sys, "web.1 exited with code 3",
	    "{\"time\":\"2026-11-28T16:48:58.123Z\",\"process\":\"system\","
	    "\"message\":\"web.1 exited with code 3\"}\n");
	CHECK(&st, &worker, "",
	    "{\"time\":\"2026-11-28T16:48:58.123Z\",\"process\":\"worker.2\","
	    "\"type\":\"worker\",\"pid\":77,\"message\":\"\"}\n");
	CHECK(&st, &neg, "x",
	    "{\"time\":\"2026-11-28T16:48:58.123Z\",\"process\":\"w.1\","
	    "\"type\":\"w\",\"pid\":-5,\"message\":\"x\"}\n");
}

/* A JSON message with bad bytes and controls is still one valid line. */
static void
test_json_line_message(void **state)
{
	static const char text[] = "a\tb\r\xff\0";
	const struct fmt_style st = { 1, 0, 0, 0, 6 };
	const struct fmt_source big = { "web.10", "web", 2147483647L, 0 };
	const char *want =
	    "{\"time\":\"2026-11-28T16:48:58.123Z\",\"process\":\"web.10\","
	    "\"type\":\"web\",\"pid\":2147483647,"
	    "\"message\":\"a\\tb\\r" FFFD "\\u0000\"}\n";

	check_line(&st, &big, text, sizeof text - 1, want, strlen(want));
}

/* Every escape JSON needs, and the characters that need none. */
static void
test_json_escapes(void **state)
{
	JSON("", "\"\"");
	JSON("plain text / ~", "\"plain text / ~\"");
	JSON("\"", "\"\\\"\"");
	JSON("\\", "\"\\\\\"");
	JSON("\n", "\"\\n\"");
	JSON("\r", "\"\\r\"");
	JSON("\t", "\"\\t\"");
	JSON("\b", "\"\\b\"");
	JSON("\f", "\"\\f\"");
	JSON("\0", "\"\\u0000\"");
	JSON("\001", "\"\\u0001\"");
	JSON("\013", "\"\\u000b\"");
	JSON("\033[1m", "\"\\u001b[1m\"");
	JSON("\037", "\"\\u001f\"");
	JSON("\177", "\"\\u007f\"");
	JSON(" !", "\"" " !" "\"");
	JSON("a\"b\\c\nd", "\"a\\\"b\\\\c\\nd\"");
}

/* Valid UTF-8 of every length, at the edges of each range, passes. */
static void
test_json_utf8_valid(void **state)
{
	JSON("\xc2\x80", "\"\xc2\x80\"");                 /* U+0080 */
	JSON("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"");
	JSON("\xdf\xbf", "\"\xdf\xbf\"");                 /* U+07FF */
	JSON("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");         /* U+0800 */
	JSON("\xe2\x82\xac", "\"\xe2\x82\xac\"");         /* euro */
	JSON("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");         /* U+D7FF */
	JSON("\xee\x80\x80", "\"\xee\x80\x80\"");         /* U+E000 */
	JSON(FFFD, "\"" FFFD "\"");                       /* U+FFFD */
	JSON("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");         /* U+FFFF */
	JSON("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\""); /* U+10000 */
	JSON("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""); /* emoji */
	JSON("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	JSON("\xe6\x97\xa5\xe6\x9c\xac\n", "\"\xe6\x97\xa5\xe6\x9c\xac\\n\"");
}

/*
 * Invalid UTF-8: each maximal invalid subpart becomes one U+FFFD (the
 * answers are those of Python's bytes.decode("utf-8", "replace")).
 */
static void
test_json_utf8_invalid(void **state)
{
	JSON("\x80", "\"" FFFD "\"");                 /* lone continuation */
	JSON("\xbf\x80", "\"" FFFD FFFD "\"");
	JSON("\xc0\x80", "\"" FFFD FFFD "\"");        /* overlong NUL */
	JSON("\xc1\xbf", "\"" FFFD FFFD "\"");
	JSON("\xe0\x80\x80", "\"" FFFD FFFD FFFD "\""); /* overlong */
	JSON("\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\"");
	JSON("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\""); /* U+D800 */
	JSON("\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\""); /* U+DFFF */
	JSON("\xf0\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	JSON("\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\"");
	JSON("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""); /* >10FFFF */
	JSON("\xf5\x80", "\"" FFFD FFFD "\"");
	JSON("\xff\xfe", "\"" FFFD FFFD "\"");
	JSON("\xc3", "\"" FFFD "\"");                 /* truncated at end */
	JSON("a\xe2\x82", "\"a" FFFD "\"");
	JSON("\xf0\x9f\x98", "\"" FFFD "\"");
	JSON("\xe2\x82" "A", "\"" FFFD "A\"");        /* cut by ASCII */
	JSON("\xf0\x9f\x98x", "\"" FFFD "x\"");
	JSON("\xe2(\xa1", "\"" FFFD "(" FFFD "\"");
	JSON("\xc3\n", "\"" FFFD "\\n\"");            /* cut by a control */
	JSON("\xf0\x9f\x98\x80\x80", "\"\xf0\x9f\x98\x80" FFFD "\"");
	JSON("\xc3\xa9\xc3", "\"\xc3\xa9" FFFD "\"");
}

/* Only the len bytes given are read, even from a longer string. */
static void
test_json_length(void **state)
{
	check_json("abc\"def", 3, "\"abc\"");
	check_json("\xe2\x82\xac", 2, "\"" FFFD "\"");
}

/* Colours follow foreman's order and wrap after the twelve. */
static void
test_colors(void **state)
{
	static const char *want[] = {
		"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[31m",
		"\033[34m", "\033[96m", "\033[93m", "\033[92m", "\033[95m",
		"\033[91m", "\033[94m",
	};
	int i;

	for (i = 0; i < 12; i++) {
		assert_string_equal(fmt_color(i), want[i]);
		assert_string_equal(fmt_color(i + 12), want[i]);
		assert_string_equal(fmt_color(i + 120), want[i]);
	}
	assert_string_equal(fmt_color(-1), "\033[1;37m");
}

/* Each source's colour index picks its prefix colour, wrapping too. */
static void
test_color_in_line(void **state)
{
	const struct fmt_style st = { 0, 1, 0, 1, 6 };
	const struct fmt_source s5 = { "e.1", "e", 1, 5 };
	const struct fmt_source s6 = { "f.1", "f", 1, 6 };
	const struct fmt_source s11 = { "g.1", "g", 1, 11 };
	const struct fmt_source s12 = { "h.1", "h", 1, 12 };
	const struct fmt_source s13 = { "i.1", "i", 1, 13 };

	CHECK(&st, &s5, "x", "\033[34me.1    |" RS " x\n");
	CHECK(&st, &s6, "x", "\033[96mf.1    |" RS " x\n");
	CHECK(&st, &s11, "x", "\033[94mg.1    |" RS " x\n");
	CHECK(&st, &s12, "x", "\033[36mh.1    |" RS " x\n");
	CHECK(&st, &s13, "x", "\033[33mi.1    |" RS " x\n");
}

/* Runs every fmt test. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_timestamp),
		cmocka_unit_test(test_text_no_timestamp),
		cmocka_unit_test(test_text_padding),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_text_no_prefix),
		cmocka_unit_test(test_text_bytes),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_json_line_message),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_utf8_valid),
		cmocka_unit_test(test_json_utf8_invalid),
		cmocka_unit_test(test_json_length),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_color_in_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
