/*
 * test_dotenv.c: unit tests for the .env grammar (SPEC section 3), one
 * group per behaviour family of shared/notes/dotenv.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "compat.h"
#include "dotenv.h"
#include "envmap.h"

/*
 * A recording caller: lookup reads vars, assign writes vars (so later lines
 * see earlier ones, as env.c arranges) and logs "KEY=VALUE\n" and the line.
 */
struct rec {
	struct envmap	vars;
	struct buf	log;
	struct buf	lines;
	int		nassign;
};

/* Looks a name up in the recorder's variables. */
static const char *
rec_lookup(void *ctx, const char *name)
{
	struct rec *r = ctx;

	return envmap_get(&r->vars, name);
}

/* Records one assignment. */
static void
rec_assign(void *ctx, const char *key, const char *value, unsigned line)
{
	struct rec *r = ctx;

	envmap_set(&r->vars, key, value);
	buf_printf(&r->log, "%s=%s\n", key, value);
	buf_printf(&r->lines, "%s:%u ", key, line);
	r->nassign++;
}

/* Parses len bytes with vars preset from a NULL-terminated environ. */
static int
rec_parse(struct rec *r, char *const *preset, const char *text, size_t len,
    char **cause)
{
	struct dotenv_ops ops;

	memset(r, 0, sizeof *r);
	if (preset != NULL)
		envmap_add_environ(&r->vars, preset);
	ops.lookup = rec_lookup;
	ops.assign = rec_assign;
	ops.ctx = r;
	ops.warn = NULL;
	*cause = NULL;
	return dotenv_parse("t.env", text, len, &ops, cause);
}

/* Frees a recorder. */
static void
rec_free(struct rec *r)
{
	envmap_free(&r->vars);
	buf_free(&r->log);
	buf_free(&r->lines);
}

/* Returns the log, "" when nothing was assigned. */
static const char *
rec_log(const struct rec *r)
{
	return r->log.data != NULL ? r->log.data : "";
}

/* Parses text (with optional preset variables) and expects success and log. */
static void
check_env(char *const *preset, const char *text, const char *want)
{
	struct rec r;
	char *cause;

	if (rec_parse(&r, preset, text, strlen(text), &cause) != 0)
		fail_msg("unexpected error for <%s>: %s", text, cause);
	assert_null(cause);
	assert_string_equal(rec_log(&r), want);
	rec_free(&r);
}

/* Parses text and expects success with the given assignments. */
static void
check(const char *text, const char *want)
{
	check_env(NULL, text, want);
}

/* Parses len bytes and expects failure with exactly cause and log. */
static void
check_err_len(char *const *preset, const char *text, size_t len,
    const char *want_log, const char *want_cause)
{
	struct rec r;
	char *cause;

	assert_int_equal(rec_parse(&r, preset, text, len, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want_cause);
	assert_string_equal(rec_log(&r), want_log);
	free(cause);
	rec_free(&r);
}

/* Parses text and expects failure with exactly cause and log. */
static void
check_err(const char *text, const char *want_log, const char *want_cause)
{
	check_err_len(NULL, text, strlen(text), want_log, want_cause);
}

/* The same as check_err with variables preset. */
static void
check_err_env(char *const *preset, const char *text, const char *want_log,
    const char *want_cause)
{
	check_err_len(preset, text, strlen(text), want_log, want_cause);
}

/* Parses text and expects each assignment's line, "KEY:LINE " each. */
static void
check_lines(const char *text, const char *want)
{
	struct rec r;
	char *cause;

	assert_int_equal(rec_parse(&r, NULL, text, strlen(text), &cause), 0);
	assert_string_equal(r.lines.data != NULL ? r.lines.data : "", want);
	rec_free(&r);
}

/* LF, CRLF and a lone CR all end a line; line numbers count each once. */
static void
test_line_endings(void **state)
{
	check("A=1\nB=2\r\nC=3\rD=4", "A=1\nB=2\nC=3\nD=4\n");
	check("A=1\r\n\r\nB=2\r\n", "A=1\nB=2\n");
	check_lines("A=1\r\rB=2\n\nC=3\r\n\r\nD=4", "A:1 B:3 C:5 D:7 ");
	check_err("A=1\r\nbad\rworse\n", "A=1\n",
	    "t.env:2: missing '=' in \"bad\"\n"
	    "t.env:3: missing '=' in \"worse\"");
	check("", "");
	check("\n\r\n\r", "");
}

/* A UTF-8 BOM is skipped at the start only. */
static void
test_bom(void **state)
{
	check("\xef\xbb\xbf" "A=1\n", "A=1\n");
	check("\xef\xbb\xbf", "");
	check("\xef\xbb\xbf# comment\nB=2", "B=2\n");
	check_err("A=1\n\xef\xbb\xbf" "B=2\n", "A=1\n",
	    "t.env:2: invalid key \"\xef\xbb\xbf" "B\"");
}

/* Blank lines and lines whose first non-blank is '#' are ignored. */
static void
test_comments_and_blank_lines(void **state)
{
	check("# comment\n\n   # indented\n\t\n  \nA=1\n#B=2\n# C=3",
	    "A=1\n");
	check("#\n#=\n# no = here\n", "");
}

/* Leading blanks, blanks around '=' and around the value are dropped. */
static void
test_whitespace(void **state)
{
	check("  A = b  c  \n\tB\t=\tx\t\nC=  y\n  D  =z",
	    "A=b  c\nB=x\nC=y\nD=z\n");
}

/* "export" followed by a blank is a prefix; otherwise part of the key. */
static void
test_export(void **state)
{
	check("export A=1\nexport\tB=2\n  export   C = 3\n",
	    "A=1\nB=2\nC=3\n");
	check("exportD=4\nexport.E=5\nexport-F=6\n",
	    "exportD=4\nexport.E=5\nexport-F=6\n");
	/* "export" is the key itself when the separator follows it. */
	check("export = 7\nexport=8\nexport: 9\n",
	    "export=7\nexport=8\nexport=9\n");
	check("export G: 10\nexport H='x y'", "G=10\nH=x y\n");
}

/* "export KEY" without a value is an error naming the key. */
static void
test_export_without_value(void **state)
{
	check_err("export KEY\nexport\tKEY2  \nA=1\n", "A=1\n",
	    "t.env:1: missing value for exported key \"KEY\"\n"
	    "t.env:2: missing value for exported key \"KEY2\"");
	check_err("export\n", "", "t.env:1: missing '=' in \"export\"");
	check_err("export a b\n", "", "t.env:1: missing '=' in \"export a b\"");
}

/* Keys are [A-Za-z0-9_.-]+, including a leading digit. */
static void
test_key_chars(void **state)
{
	check("a.b-c_D9=1\n456 = ABC\n_=u\n-=d\n.=p\n",
	    "a.b-c_D9=1\n456=ABC\n_=u\n-=d\n.=p\n");
}

/* Any other key is an error quoting it; parsing goes on after each. */
static void
test_invalid_keys(void **state)
{
	check_err("a b=1\na[1]=x\nOK=1\n=x\n"
	    "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87=1\nFOO+BAR=1\n'a'=b\n"
	    "a\tb=2\n\"q\"=3\nB=2\n",
	    "OK=1\nB=2\n",
	    "t.env:1: invalid key \"a b\"\n"
	    "t.env:2: invalid key \"a[1]\"\n"
	    "t.env:4: missing key in \"=x\"\n"
	    "t.env:5: invalid key \"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\"\n"
	    "t.env:6: invalid key \"FOO+BAR\"\n"
	    "t.env:7: invalid key \"'a'\"\n"
	    "t.env:8: invalid key \"a\\x09b\"\n"
	    "t.env:9: invalid key \"\\\"q\\\"\"");
	check_err("  = \n: x\n", "",
	    "t.env:1: missing key in \"=\"\n"
	    "t.env:2: missing key in \": x\"");
}

/* Long offending text is cut in messages, never inside a UTF-8 sequence. */
static void
test_error_text_is_cut(void **state)
{
	char text[200], want[200];

	memset(text, 'x', 100);
	memcpy(text + 100, " y=1", 5);
	snprintf(want, sizeof want, "t.env:1: invalid key \"%.60s...\"",
	    text);
	check_err(text, "", want);

	/* Byte 60 is the second byte of "é": the cut moves back before it. */
	memset(text, 'x', 59);
	memcpy(text + 59, "\xc3\xa9zzzzzzzzzz a=1", 17);
	snprintf(want, sizeof want, "t.env:1: invalid key \"%.59s...\"",
	    text);
	check_err(text, "", want);
}

/* "KEY: VALUE" is KEY=VALUE; the colon needs a blank or the line end after. */
static void
test_yaml_colon(void **state)
{
	check("A: 1\nB:\nC:  x y \nURL: http://h:80/p\nD=x: y\nE\t:\tz\n"
	    "F: a=b\n",
	    "A=1\nB=\nC=x y\nURL=http://h:80/p\nD=x: y\nE=z\nF=a=b\n");
	check("G: 'q'\nH: \"r\" # c\n", "G=q\nH=r\n");
	check_err("E:x\n", "", "t.env:1: missing '=' in \"E:x\"");
	check_err("a:b=1\n", "", "t.env:1: invalid key \"a:b\"");
}

/* A line that is not an assignment is an error quoting it. */
static void
test_bare_lines(void **state)
{
	check_err("KEY\nA=1\nINVALID LINE  \n  lol$wut\n", "A=1\n",
	    "t.env:1: missing '=' in \"KEY\"\n"
	    "t.env:3: missing '=' in \"INVALID LINE\"\n"
	    "t.env:4: missing '=' in \"lol$wut\"");
}

/* Single quotes are literal, may span lines and end at the first quote. */
static void
test_single_quotes(void **state)
{
	check("A='x #y \\n \\ $B ${B} \"q\"'\nB='multi\nline'\nC='a'  # c\n"
	    "D='a'#c\nE=''\nF = ' pad '\nG='a\r\nb\rc'\n",
	    "A=x #y \\n \\ $B ${B} \"q\"\nB=multi\nline\nC=a\nD=a\nE=\n"
	    "F= pad \nG=a\nb\nc\n");
	check_lines("A='1\n2\n3'\nB=x", "A:1 B:4 ");
	check_err("A='Let\\'s go'\nB=1", "B=1\n",
	    "t.env:1: unexpected text after closing quote: \"s go'\"");
}

/* Double quotes keep '#', blanks and single quotes, and may span lines. */
static void
test_double_quotes(void **state)
{
	check("A=\"a # b\"\nB=\"it's\"\nC=\" pad \"\nD=\"l1\nl2\"\nE=\"\"\n",
	    "A=a # b\nB=it's\nC= pad \nD=l1\nl2\nE=\n");
	check_lines("A=\"1\n2\"\nB=x\r\nC=\"3\r\n4\r5\"\nD=y",
	    "A:1 B:3 C:4 D:7 ");
}

/* Inside multi-line double quotes CRLF and a lone CR become LF. */
static void
test_double_quotes_normalise_newlines(void **state)
{
	check("A=\"l1\r\nl2\rl3\nl4\"\r\nB=2", "A=l1\nl2\nl3\nl4\nB=2\n");
}

/* Each decoded escape of double quotes. */
static void
test_double_quote_escapes(void **state)
{
	check("A=\"[\\\\] [\\'] [\\\"] [\\a] [\\b] [\\f] [\\n] [\\r] [\\t] "
	    "[\\v]\"",
	    "A=[\\] ['] [\"] [\a] [\b] [\f] [\n] [\r] [\t] [\v]\n");
	check("A=\"\\\\n\"\nB=\"a\\\\\"\n", "A=\\n\nB=a\\\n");
}

/* Any other backslash sequence stays as written. */
static void
test_unknown_escapes(void **state)
{
	check("A=\"\\x07 \\q \\u00e9 \\0 \\ \\#\"\n",
	    "A=\\x07 \\q \\u00e9 \\0 \\ \\#\n");
	check("B=\"a\\\nb\"", "B=a\\\nb\n");
}

/* In unquoted values '#' starts a comment only after a blank. */
static void
test_inline_comments(void **state)
{
	check("a=b#c\nd=b #c\ne=b\t#c\nf= #c\ng=#c\nh=x ## y\ni=u#v #w\n"
	    "j=x#\n",
	    "a=b#c\nd=b\ne=b\nf=\ng=#c\nh=x\ni=u#v\nj=x#\n");
}

/* After a closing quote only blanks and a comment may follow. */
static void
test_after_quote(void **state)
{
	check("a=\"foo\"#bar\nb=\"foo\" # bar\nc='x'#y\nd='x'  \t\ne=\"\"#\n",
	    "a=foo\nb=foo\nc=x\nd=x\ne=\n");
	check_err("A=\"x\" y\nB='x'y \nC=\"a\"\"b\"\nD=1\n", "D=1\n",
	    "t.env:1: unexpected text after closing quote: \"y\"\n"
	    "t.env:2: unexpected text after closing quote: \"y\"\n"
	    "t.env:3: unexpected text after closing quote: \"\\\"b\\\"\"");
	check_err("A=\"x\ny\" z\nB=1", "B=1\n",
	    "t.env:2: unexpected text after closing quote: \"z\"");
}

/* An unterminated quote names the line where it opened and stops parsing. */
static void
test_unterminated(void **state)
{
	check_err("A=1\nB=\"abc\nC=2\nD=3", "A=1\n",
	    "t.env:2: unterminated double quote in value of \"B\"");
	check_err("\n\nX='abc\nY=1\n", "",
	    "t.env:3: unterminated single quote in value of \"X\"");
	check_err("V=\"value\\\"\n", "",
	    "t.env:1: unterminated double quote in value of \"V\"");
	check_err("V=\"ends in backslash\\", "",
	    "t.env:1: unterminated double quote in value of \"V\"");
	/* Errors before it are kept. */
	check_err("bad\na b='x\nC=1\n", "",
	    "t.env:1: missing '=' in \"bad\"\n"
	    "t.env:2: invalid key \"a b\"\n"
	    "t.env:2: unterminated single quote in value of \"a b\"");
}

/* Line numbers after multi-line values stay right in later errors. */
static void
test_error_lines_after_multiline(void **state)
{
	check_err("A='x\ny'\nbad\nB=\"1\r\n2\"\r\nworse", "A=x\ny\nB=1\n2\n",
	    "t.env:3: missing '=' in \"bad\"\n"
	    "t.env:6: missing '=' in \"worse\"");
}

/* A backslash in an unquoted value is literal; expansion still applies. */
static void
test_unquoted_backslash(void **state)
{
	static char *const env[] = { "H=home", NULL };

	check("FOO=bar\\ bar\nP=C:\\path\\n\\\n",
	    "FOO=bar\\ bar\nP=C:\\path\\n\\\n");
	check_env(env, "Q=\\$H", "Q=\\home\n");
}

/* FOO=, FOO='' and FOO="" (and a blank or comment-only value) give "". */
static void
test_empty_values(void **state)
{
	check("A=\nB=''\nC=\"\"\nD = \nE=  # c\nF:\n",
	    "A=\nB=\nC=\nD=\nE=\nF=\n");
}

/* A repeated key is assigned again, so the last one wins. */
static void
test_duplicates(void **state)
{
	struct rec r;
	char *cause;
	const char *text = "A=1\nB=x\nA=2\n";

	assert_int_equal(rec_parse(&r, NULL, text, strlen(text), &cause), 0);
	assert_string_equal(rec_log(&r), "A=1\nB=x\nA=2\n");
	assert_string_equal(envmap_get(&r.vars, "A"), "2");
	rec_free(&r);
}

/* $NAME, ${NAME} and undefined names. */
static void
test_expand_simple(void **state)
{
	static char *const env[] = { "A=1", "Ax=2", "a.b=3", "a-b=4",
	    "E=", NULL };

	check_env(env, "X=$A\nY=${A}\nZ=$Ax\nW=${A}x\nV=[$A][$E][$U]\n",
	    "X=1\nY=1\nZ=2\nW=1x\nV=[1][][]\n");
	check_env(env, "P=${a.b}\nQ=${a-b}\nR=$a.b\nS=${U}\nT=${U.V}\n",
	    "P=3\nQ=4\nR=.b\nS=\nT=\n");
	check_env(env, "D=\"$A ${A} $U.\"\n", "D=1 1 .\n");
	check_env(env, "N=$A$A${A}$A\n", "N=1111\n");
}

/* Later lines see earlier assignments through lookup. */
static void
test_expand_earlier_lines(void **state)
{
	check("A=1\nB=$A-${A}\nA=2\nC=\"$A $B\"\n",
	    "A=1\nB=1-1\nA=2\nC=2 1-1\n");
}

/* ":-" takes the default when unset or empty, "-" only when unset. */
static void
test_expand_defaults(void **state)
{
	static char *const env[] = { "S=set", "E=", NULL };

	check_env(env, "A=${E:-d}\nB=${E-d}\nC=${U:-d}\nD=${U-d}\n"
	    "F=${S:-d}\nG=${S-d}\nH=${U:-}\nI=${U-a b}\n",
	    "A=d\nB=\nC=d\nD=d\nF=set\nG=set\nH=\nI=a b\n");
	check_env(env, "J=\"${U:-two words}\"\nK=${U:-x:y}\n",
	    "J=two words\nK=x:y\n");
}

/* Defaults are expanded themselves, with balanced braces. */
static void
test_expand_nested(void **state)
{
	static char *const env[] = { "W=w", "E=", NULL };

	check_env(env, "A=${U:-${V:-$W}}\nB=${U:-$W}\nC=${U:-{x}}\n"
	    "D=${U:-${E:-${W}}!}\nE2=${W:-${U:?no}}\n",
	    "A=w\nB=w\nC={x}\nD=w!\nE2=w\n");
}

/* Too deeply nested defaults are an error, not a stack overflow. */
static void
test_expand_too_deep(void **state)
{
	struct buf b = BUF_INIT;
	int i;

	buf_adds(&b, "A=");
	for (i = 0; i < 40; i++)
		buf_adds(&b, "${U:-");
	buf_adds(&b, "x");
	for (i = 0; i < 40; i++)
		buf_addc(&b, '}');
	buf_adds(&b, "\nB=1\n");
	check_err(b.data, "B=1\n",
	    "t.env:1: value of \"A\" nests defaults more than 32 deep");
	buf_free(&b);
}

/* Expansions may add at most 16 MiB to one file, so values cannot explode. */
static void
test_expand_budget(void **state)
{
	char *preset[2], *cause;
	struct buf text = BUF_INIT;
	struct rec r;
	size_t mib = 1024 * 1024;
	int i;

	preset[0] = malloc(mib + 3);
	memcpy(preset[0], "A=", 2);
	memset(preset[0] + 2, 'x', mib);
	preset[0][mib + 2] = '\0';
	preset[1] = NULL;
	for (i = 0; i < 17; i++)
		buf_adds(&text, "B=$A\n");
	buf_adds(&text, "C=1\nD=${A}\nE=$U\n");

	assert_int_equal(rec_parse(&r, preset, text.data, text.len, &cause),
	    -1);
	assert_string_equal(cause,
	    "t.env:17: expansions add more than 16777216 bytes to this file");
	assert_int_equal(r.nassign, 18);
	assert_int_equal(strlen(envmap_get(&r.vars, "B")), mib);
	assert_string_equal(envmap_get(&r.vars, "C"), "1");
	assert_null(envmap_get(&r.vars, "D"));
	assert_string_equal(envmap_get(&r.vars, "E"), "");
	free(cause);
	rec_free(&r);
	buf_free(&text);
	free(preset[0]);
}

/* When '-' could be a key character or an operator. */
static void
test_expand_dash_ambiguity(void **state)
{
	static char *const both[] = { "A-B=key", "A=a", NULL };
	static char *const only_a[] = { "A=a", NULL };

	check_env(both, "X=${A-B}\n", "X=key\n");
	check_env(only_a, "X=${A-B}\n", "X=a\n");
	check_env(NULL, "X=${A-B}\n", "X=B\n");
	check_env(NULL, "X=${A-B-C}\n", "X=B-C\n");
}

/* ":?" fails when unset or empty, "?" only when unset. */
static void
test_expand_required(void **state)
{
	static char *const env[] = { "S=set", "E=", NULL };

	check_env(env, "A=${S:?x}\nB=${S?x}\nC=${E?x}\n", "A=set\nB=set\nC=\n");
	check_err_env(env, "A=${U:?must set U}\nB=${E:?}\nC=${U?}\nD=ok\n"
	    "F=\"${E:?empty E}\"\nG=${U?a}${V?b}\n", "D=ok\n",
	    "t.env:1: U: must set U\n"
	    "t.env:2: E: is not set\n"
	    "t.env:3: U: is not set\n"
	    "t.env:5: E: empty E\n"
	    "t.env:6: U: a\n"
	    "t.env:6: V: b");
	/* The message is shown as written, without expansion. */
	check_err("A=\"${U:?cost \\$5 $S}\"", "", "t.env:1: U: cost $5 $S");
	check_err("A=\"x\n${U:?two\\nlines}\"", "",
	    "t.env:1: U: two\\x0alines");
}

/* \$ in double quotes is a literal '$' that starts no reference. */
static void
test_escaped_dollar(void **state)
{
	static char *const env[] = { "H=home", NULL };

	check_env(env, "A=\"\\$H\"\nB=\"\\${H}\"\nC=\"\\\\$H\"\nD=\"$\\$H\"\n"
	    "E=\"${U:-\\$H}\"\n",
	    "A=$H\nB=${H}\nC=\\home\nD=$$H\nE=$H\n");
}

/* No expansion inside single quotes. */
static void
test_single_quotes_no_expansion(void **state)
{
	static char *const env[] = { "H=home", NULL };

	check_env(env, "A='$H ${H} ${U:?x} $(id)'\n",
	    "A=$H ${H} ${U:?x} $(id)\n");
}

/* $(...) is never executed: it stays literal. */
static void
test_command_substitution_literal(void **state)
{
	check("A=$(echo hi)\nB=\"$(id -u)\"\nC=`id`\n",
	    "A=$(echo hi)\nB=$(id -u)\nC=`id`\n");
}

/* A '$' that starts no valid reference stays literal. */
static void
test_lone_dollar(void **state)
{
	check("A=$\nB=a $ b\nC=$1\nD=${\nE=${}\nF=${A B}\nG=$$\nH=${U:x}\n"
	    "I=x$\nJ=\"$\"\nK=${U\nL=${-x}\nM=$-\n",
	    "A=$\nB=a $ b\nC=$1\nD=${\nE=${}\nF=${A B}\nG=$$\nH=${U:x}\n"
	    "I=x$\nJ=$\nK=${U\nL=${-x}\nM=$-\n");
	/* After a literal "${", the rest is still expanded. */
	check("A=1\nB=${x $A}\n", "A=1\nB=${x 1}\n");
}

/* A NUL byte is an error on its line, wherever it is. */
static void
test_nul_byte(void **state)
{
	static const char text[] = "A=1\nB=x\0y\nC=3\n#\0\nD\0=1\n"
	    "E=\"a\nb\0\"\nF='\0' x\nG=1";

	check_err_len(NULL, text, sizeof text - 1, "A=1\nC=3\nG=1\n",
	    "t.env:2: NUL byte\n"
	    "t.env:4: NUL byte\n"
	    "t.env:5: NUL byte\n"
	    "t.env:7: NUL byte\n"
	    "t.env:8: NUL byte\n"
	    "t.env:8: unexpected text after closing quote: \"x\"");
	check_err_len(NULL, "A=\"x\"\0", 6, "", "t.env:1: NUL byte");
}

/* Assignments report the line where they start. */
static void
test_assign_lines(void **state)
{
	check_lines("# c\n\nA=1\n  export B=2\nC: 3\n", "A:3 B:4 C:5 ");
}

/* A NULL cause is allowed: the caller only wants the status. */
static void
test_null_cause(void **state)
{
	struct dotenv_ops ops = { rec_lookup, rec_assign, NULL, NULL };
	struct rec r;

	memset(&r, 0, sizeof r);
	ops.ctx = &r;
	assert_int_equal(dotenv_parse("t.env", "bad", 3, &ops, NULL), -1);
	assert_int_equal(dotenv_parse("t.env", NULL, 0, &ops, NULL), 0);
	assert_int_equal(r.nassign, 0);
	rec_free(&r);
}

/* Collects warnings, one per line. */
static void
warn_collect(void *ctx, const char *message)
{
	struct buf *b = ctx;

	buf_adds(b, message);
	buf_addc(b, '\n');
}

/* Looks nothing up: only HOME and earlier keys are ever set. */
static const char *
warn_lookup(void *ctx, const char *name)
{
	return strcmp(name, "HOME") == 0 || strcmp(name, "A") == 0 ? "x" :
	    NULL;
}

/* Ignores assignments. */
static void
warn_assign(void *ctx, const char *key, const char *value, unsigned line)
{
}

/*
 * A reference to a name set nowhere expands to "" with a warning naming the
 * line (SPEC section 3); a default, an escaped '$', a single-quoted value
 * and a '$' that starts no reference give none.
 */
static void
test_warn_unset(void **state)
{
	static const char text[] =
	    "DB_PASS=s3cr$tP@ss\n"		/* 1 */
	    "B=${NOPE} $HOME ${A}\n"		/* 2 */
	    "C=${NOPE:-d} ${NOPE-d} $ 5$ $(x) $1\n"	/* 3 */
	    "D=\"\\$x\"\n"			/* 4 */
	    "E='$SQ'\n"			/* 5 */
	    "F=\"multi\nline $ML\"\n";	/* 6-7 */
	struct buf b = BUF_INIT;
	struct dotenv_ops ops = { warn_lookup, warn_assign, NULL,
	    warn_collect };
	char *cause = NULL;

	ops.ctx = &b;
	assert_int_equal(dotenv_parse("t.env", text, sizeof text - 1, &ops,
	    &cause), 0);
	assert_string_equal(b.data,
	    "t.env:1: $tP is not set; it expands to \"\"\n"
	    "t.env:2: ${NOPE} is not set; it expands to \"\"\n"
	    "t.env:6: $ML is not set; it expands to \"\"\n");
	buf_free(&b);
}

/* dotenv_valid_key and dotenv_shell_key. */
static void
test_key_predicates(void **state)
{
	assert_true(dotenv_valid_key("A"));
	assert_true(dotenv_valid_key("a.b-c_9"));
	assert_true(dotenv_valid_key("1A"));
	assert_false(dotenv_valid_key(""));
	assert_false(dotenv_valid_key("a b"));
	assert_false(dotenv_valid_key("a=b"));
	assert_false(dotenv_valid_key("\xc3\xa9"));

	assert_true(dotenv_shell_key("A"));
	assert_true(dotenv_shell_key("_a1"));
	assert_false(dotenv_shell_key(""));
	assert_false(dotenv_shell_key("1A"));
	assert_false(dotenv_shell_key("a.b"));
	assert_false(dotenv_shell_key("a-b"));
}

/* Returns dotenv_quote's output for value, allocated. */
static char *
quote(const char *value)
{
	struct buf b = BUF_INIT;

	dotenv_quote(&b, value);
	return buf_detach(&b);
}

/* dotenv_quote writes safe values bare and quotes everything else. */
static void
test_quote_output(void **state)
{
	static const char *const cases[][2] = {
		{ "abc", "abc" },
		{ "a.b/c:d@e%f+g,h=i-j_0", "a.b/c:d@e%f+g,h=i-j_0" },
		{ "", "\"\"" },
		{ "a b", "\"a b\"" },
		{ "$X", "\"\\$X\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "l1\nl2\r", "\"l1\\nl2\\r\"" },
		{ "#x", "\"#x\"" },
		{ "it's\t", "\"it's\t\"" },
		{ "\xc3\xa9", "\"\xc3\xa9\"" },
	};
	size_t i;
	char *q;

	for (i = 0; i < nitems(cases); i++) {
		q = quote(cases[i][0]);
		assert_string_equal(q, cases[i][1]);
		free(q);
	}
}

/* Returns a lookup result for every name, to prove nothing expands. */
static const char *
everything_set(void *ctx, const char *name)
{
	return "EXPANDED";
}

/* quote then parse gives back every tricky value exactly. */
static void
test_quote_round_trip(void **state)
{
	static const char *const values[] = {
		"", "plain", " lead", "trail ", "  both  ", "in  ner",
		"a b", "'single'", "\"double\"", "it's \"both\"", "$X",
		"${X}", "$(id)", "${X:-d}", "${X:?e}", "\\$X", "a$", "$",
		"#", "a #b", "#a", "a#b", "\\", "a\\", "\\\\", "\\n", "\\\"",
		"line1\nline2", "\n", "cr\r", "\r\n", "tab\there", "\t",
		"\xc3\xa9t\xc3\xa9 \xe2\x82\xac", "\xff\xfe", "=", "==a",
		"a=b", ":", "x: y", "\a\b\f\v", "'", "\"", "`id`", "{}",
		"}", "a\\\"b\\$c",
	};
	struct dotenv_ops ops = { everything_set, rec_assign, NULL, NULL };
	struct buf in = BUF_INIT;
	struct rec r;
	char *cause;
	size_t i;

	for (i = 0; i < nitems(values); i++) {
		memset(&r, 0, sizeof r);
		ops.ctx = &r;
		buf_reset(&in);
		buf_adds(&in, "K=");
		dotenv_quote(&in, values[i]);
		buf_adds(&in, "\n");
		cause = NULL;
		if (dotenv_parse("t.env", in.data, in.len, &ops, &cause) != 0)
			fail_msg("<%s>: %s", in.data, cause);
		assert_int_equal(r.nassign, 1);
		assert_string_equal(envmap_get(&r.vars, "K"), values[i]);
		rec_free(&r);
	}
	buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_export_without_value),
		cmocka_unit_test(test_key_chars),
		cmocka_unit_test(test_invalid_keys),
		cmocka_unit_test(test_error_text_is_cut),
		cmocka_unit_test(test_yaml_colon),
		cmocka_unit_test(test_bare_lines),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_double_quotes),
		cmocka_unit_test(test_double_quotes_normalise_newlines),
		cmocka_unit_test(test_double_quote_escapes),
		cmocka_unit_test(test_unknown_escapes),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_after_quote),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_error_lines_after_multiline),
		cmocka_unit_test(test_unquoted_backslash),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_expand_simple),
		cmocka_unit_test(test_expand_earlier_lines),
		cmocka_unit_test(test_expand_defaults),
		cmocka_unit_test(test_expand_nested),
		cmocka_unit_test(test_expand_too_deep),
		cmocka_unit_test(test_expand_budget),
		cmocka_unit_test(test_expand_dash_ambiguity),
		cmocka_unit_test(test_expand_required),
		cmocka_unit_test(test_escaped_dollar),
		cmocka_unit_test(test_single_quotes_no_expansion),
		cmocka_unit_test(test_command_substitution_literal),
		cmocka_unit_test(test_lone_dollar),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_assign_lines),
		cmocka_unit_test(test_null_cause),
		cmocka_unit_test(test_warn_unset),
		cmocka_unit_test(test_key_predicates),
		cmocka_unit_test(test_quote_output),
		cmocka_unit_test(test_quote_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
