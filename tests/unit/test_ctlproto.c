/*
 * test_ctlproto.c: unit tests for ctlproto.c, the control protocol.
 *
 * Requests are parsed the way the server gets them: one line without its
 * '\n'. Each refusal is checked by its exact message, since that message is
 * what a client prints after "tfrun: ".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "compat.h"
#include "ctlproto.h"
#include "xmalloc.h"

/* Parses s, which must be accepted, into r. */
static void
parse_ok(const char *s, struct ctlproto_req *r)
{
	char *cause = NULL;

	if (ctlproto_parse_request(s, strlen(s), r, &cause) != 0)
		fail_msg("\"%s\" refused: %s", s, cause);
	assert_null(cause);
}

/* Parses s (len bytes), which must be refused with exactly want. */
static void
parse_bad_len(const char *s, size_t len, const char *want)
{
	struct ctlproto_req r;
	char *cause = NULL;

	if (ctlproto_parse_request(s, len, &r, &cause) != -1)
		fail_msg("\"%.*s\" accepted", (int)len, s);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	/* A refused request owns nothing. */
	assert_null(r.line);
	assert_int_equal(r.ntargets, 0);
	free(cause);
}

/* Parses the string s, which must be refused with exactly want. */
static void
parse_bad(const char *s, const char *want)
{
	parse_bad_len(s, strlen(s), want);
}

/* The verbs without arguments. */
static void
test_no_argument_verbs(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 hello", &r);
	assert_int_equal(r.verb, CTLPROTO_HELLO);
	assert_int_equal(r.ntargets, 0);
	ctlproto_req_free(&r);
	parse_ok("tfrun/1 ps", &r);
	assert_int_equal(r.verb, CTLPROTO_PS);
	assert_int_equal(r.ntargets, 0);
	ctlproto_req_free(&r);
	parse_ok("tfrun/1 quit", &r);
	assert_int_equal(r.verb, CTLPROTO_QUIT);
	ctlproto_req_free(&r);
	assert_null(r.line);

	parse_bad("tfrun/1 hello x", "hello takes no argument");
	parse_bad("tfrun/1 ps web", "ps takes no argument");
	parse_bad("tfrun/1 quit now", "quit takes no argument");
}

/* scale: each TYPE=N gives a target and a count. */
static void
test_scale(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 scale web=3 worker=0 a_b-c=999999", &r);
	assert_int_equal(r.verb, CTLPROTO_SCALE);
	assert_int_equal(r.ntargets, 3);
	assert_string_equal(r.targets[0], "web=3");
	assert_string_equal(r.targets[1], "worker=0");
	assert_string_equal(r.targets[2], "a_b-c=999999");
	assert_int_equal(r.counts[0], 3);
	assert_int_equal(r.counts[1], 0);
	assert_int_equal(r.counts[2], 999999);
	ctlproto_req_free(&r);

	/* Leading zeros are digits like any other. */
	parse_ok("tfrun/1 scale web=007", &r);
	assert_int_equal(r.counts[0], 7);
	ctlproto_req_free(&r);

	parse_bad("tfrun/1 scale", "scale needs TYPE=N");
	parse_bad("tfrun/1 scale web", "'web': expected TYPE=N");
	parse_bad("tfrun/1 scale web=", "'web=': expected TYPE=N");
	parse_bad("tfrun/1 scale =2", "'=2': expected TYPE=N");
	parse_bad("tfrun/1 scale web=-1", "'web=-1': expected TYPE=N");
	parse_bad("tfrun/1 scale web=+1", "'web=+1': expected TYPE=N");
	parse_bad("tfrun/1 scale web=1x", "'web=1x': expected TYPE=N");
	parse_bad("tfrun/1 scale web=2=3", "'web=2=3': expected TYPE=N");
	parse_bad("tfrun/1 scale web=1000000",
	    "'web=1000000': expected TYPE=N");
	parse_bad("tfrun/1 scale web.1=2", "'web.1=2': expected TYPE=N");
	parse_bad("tfrun/1 scale web=1 w:x=2", "'w:x=2': expected TYPE=N");
}

/* restart: no target means every instance. */
static void
test_restart(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 restart", &r);
	assert_int_equal(r.verb, CTLPROTO_RESTART);
	assert_int_equal(r.ntargets, 0);
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 restart web.1 worker web.999999", &r);
	assert_int_equal(r.verb, CTLPROTO_RESTART);
	assert_int_equal(r.ntargets, 3);
	assert_string_equal(r.targets[0], "web.1");
	assert_string_equal(r.targets[1], "worker");
	assert_string_equal(r.targets[2], "web.999999");
	ctlproto_req_free(&r);
}

/* stop: at least one target. */
static void
test_stop(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 stop web.2", &r);
	assert_int_equal(r.verb, CTLPROTO_STOP);
	assert_int_equal(r.ntargets, 1);
	assert_string_equal(r.targets[0], "web.2");
	ctlproto_req_free(&r);

	parse_bad("tfrun/1 stop", "stop needs a name or a type");
}

/* signal: a signal by name, with or without SIG, or by number. */
static void
test_signal(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 signal USR1 web worker.2", &r);
	assert_int_equal(r.verb, CTLPROTO_SIGNAL);
	assert_int_equal(r.sig, SIGUSR1);
	assert_int_equal(r.ntargets, 2);
	assert_string_equal(r.targets[0], "web");
	assert_string_equal(r.targets[1], "worker.2");
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 signal SIGHUP web", &r);
	assert_int_equal(r.sig, SIGHUP);
	assert_int_equal(r.ntargets, 1);
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 signal 9 web.1", &r);
	assert_int_equal(r.sig, SIGKILL);
	ctlproto_req_free(&r);

	parse_bad("tfrun/1 signal", "signal needs a signal and a name");
	parse_bad("tfrun/1 signal USR1", "signal needs a signal and a name");
	parse_bad("tfrun/1 signal NOPE web",
	    "signal needs a signal and a name");
	parse_bad("tfrun/1 signal 0 web", "signal needs a signal and a name");
	parse_bad("tfrun/1 signal 65 web", "signal needs a signal and a name");
	parse_bad("tfrun/1 signal TERM web.0",
	    "'web.0' is not a name or a process type");
}

/* logs: N, follow or once, then targets. */
static void
test_logs(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 logs 100 once", &r);
	assert_int_equal(r.verb, CTLPROTO_LOGS);
	assert_int_equal(r.lines, 100);
	assert_int_equal(r.follow, 0);
	assert_int_equal(r.ntargets, 0);
	ctlproto_req_free(&r);

	/* Any count `tfrun logs -n` takes: up to nine digits. */
	parse_ok("tfrun/1 logs 999999999 follow web.1 worker", &r);
	assert_int_equal(r.lines, 999999999);
	assert_int_equal(r.follow, 1);
	assert_int_equal(r.ntargets, 2);
	assert_string_equal(r.targets[0], "web.1");
	assert_string_equal(r.targets[1], "worker");
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 logs 0 once", &r);
	assert_int_equal(r.lines, 0);
	ctlproto_req_free(&r);

	parse_bad("tfrun/1 logs", "logs needs N and follow or once");
	parse_bad("tfrun/1 logs 5", "logs needs N and follow or once");
	parse_bad("tfrun/1 logs x once", "logs needs N and follow or once");
	parse_bad("tfrun/1 logs -5 once", "logs needs N and follow or once");
	parse_bad("tfrun/1 logs 1000000000 once",
	    "logs needs N and follow or once");
	parse_bad("tfrun/1 logs 5 always", "logs needs N and follow or once");
	parse_bad("tfrun/1 logs 5 once web.01",
	    "'web.01' is not a name or a process type");
}

/* wait: milliseconds or forever. */
static void
test_wait(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 wait forever", &r);
	assert_int_equal(r.verb, CTLPROTO_WAIT);
	assert_true(r.timeout_ms == CTLPROTO_FOREVER);
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 wait 2500", &r);
	assert_true(r.timeout_ms == 2500);
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 wait 999999999999", &r);
	assert_true(r.timeout_ms == 999999999999ULL);
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 wait 0", &r);
	assert_true(r.timeout_ms == 0);
	ctlproto_req_free(&r);

	parse_bad("tfrun/1 wait", "wait needs a time in ms or forever");
	parse_bad("tfrun/1 wait 1 2", "wait needs a time in ms or forever");
	parse_bad("tfrun/1 wait soon", "wait needs a time in ms or forever");
	parse_bad("tfrun/1 wait 1.5", "wait needs a time in ms or forever");
	parse_bad("tfrun/1 wait 1000000000000",
	    "wait needs a time in ms or forever");
}

/* attach: one instance or type, and a window size. */
static void
test_attach(void **state)
{
	struct ctlproto_req r;

	parse_ok("tfrun/1 attach web.1 80 24", &r);
	assert_int_equal(r.verb, CTLPROTO_ATTACH);
	assert_int_equal(r.ntargets, 1);
	assert_string_equal(r.targets[0], "web.1");
	assert_int_equal(r.cols, 80);
	assert_int_equal(r.rows, 24);
	ctlproto_req_free(&r);

	parse_ok("tfrun/1 attach w.12 9999 1", &r);
	assert_int_equal(r.cols, 9999);
	assert_int_equal(r.rows, 1);
	ctlproto_req_free(&r);

	/* A type's name means its first instance. */
	parse_ok("tfrun/1 attach web 80 24", &r);
	assert_string_equal(r.targets[0], "web");
	ctlproto_req_free(&r);
	parse_bad("tfrun/1 attach web.1 80", "attach needs NAME COLS ROWS");
	parse_bad("tfrun/1 attach web.1 80 24 1",
	    "attach needs NAME COLS ROWS");
	parse_bad("tfrun/1 attach web.1 10000 24",
	    "attach needs NAME COLS ROWS");
	parse_bad("tfrun/1 attach web.0 80 24", "attach needs NAME COLS ROWS");
}

/* Every verb has its name, and an unknown one has a placeholder. */
static void
test_verb_names(void **state)
{
	static const char *const names[] = {
		"hello", "ps", "scale", "restart", "stop", "signal", "logs",
		"wait", "quit", "attach"
	};
	size_t i;

	for (i = 0; i < nitems(names); i++)
		assert_string_equal(ctlproto_verb_name((enum ctlproto_verb)i),
		    names[i]);
	assert_string_equal(ctlproto_verb_name((enum ctlproto_verb)99), "?");
}

/* The version word, the verb and the line's shape. */
static void
test_refusals(void **state)
{
	char line[CTLPROTO_MAX_LINE + 16], *want;

	parse_bad("tfrun/2 ps",
	    "protocol 'tfrun/2' not understood (this tfrun speaks tfrun/1)");
	parse_bad("ps",
	    "protocol 'ps' not understood (this tfrun speaks tfrun/1)");
	/* A long version word is cut in the message. */
	parse_bad("tfrun/1234567890123456789012345678901234567890 ps",
	    "protocol 'tfrun/12345678901234567890123456' not "
	    "understood (this tfrun speaks tfrun/1)");
	parse_bad("tfrun/1", "request without a command");
	parse_bad("tfrun/1 frobnicate", "unknown command 'frobnicate'");
	parse_bad("tfrun/1 PS", "unknown command 'PS'");

	parse_bad("tfrun/1 ps\r",
	    "request has a character outside [A-Za-z0-9_.:=+/-]");
	parse_bad("tfrun/1 restart w\xc3\xa9",
	    "request has a character outside [A-Za-z0-9_.:=+/-]");
	parse_bad("tfrun/1\tps",
	    "request has a character outside [A-Za-z0-9_.:=+/-]");
	parse_bad_len("tfrun/1 ps\0x", 12,
	    "request has a character outside [A-Za-z0-9_.:=+/-]");

	parse_bad("", "empty word in request");
	parse_bad(" tfrun/1 ps", "empty word in request");
	parse_bad("tfrun/1  ps", "empty word in request");
	parse_bad("tfrun/1 ps ", "empty word in request");
	parse_bad("tfrun/1 restart web  worker", "empty word in request");

	/* A line of CTLPROTO_MAX_LINE - 1 bytes is the longest there is. */
	memset(line, 'a', sizeof line);
	memcpy(line, "tfrun/1 stop ", 13);
	parse_bad_len(line, CTLPROTO_MAX_LINE,
	    "request too long (at most 4095 bytes)");
	parse_bad_len(line, CTLPROTO_MAX_LINE + 10,
	    "request too long (at most 4095 bytes)");
	/* Not too long, so the name's own length is what is wrong. */
	line[CTLPROTO_MAX_LINE - 1] = '\0';
	xasprintf(&want, "'%s' is not a name or a process type", line + 13);
	parse_bad_len(line, CTLPROTO_MAX_LINE - 1, want);
	free(want);
}

/* The longest line there is, with the most arguments, is accepted. */
static void
test_limits(void **state)
{
	struct ctlproto_req r;
	struct buf b = BUF_INIT;
	char name[64], *cause = NULL;
	size_t i;

	/* 16 + 48 * 63 + 16 * 62 + 63 spaces = 4095 bytes, 64 names. */
	buf_adds(&b, "tfrun/1 restart");
	for (i = 0; i < CTLPROTO_MAX_ARGS; i++) {
		memset(name, 'a' + (int)(i % 26), sizeof name);
		name[i < 48 ? 63 : 62] = '\0';
		buf_printf(&b, " %s", name);
	}
	assert_int_equal(b.len, CTLPROTO_MAX_LINE - 1);
	assert_int_equal(ctlproto_parse_request(b.data, b.len, &r, &cause), 0);
	assert_int_equal(r.ntargets, CTLPROTO_MAX_ARGS);
	assert_int_equal(strlen(r.targets[0]), 63);
	assert_int_equal(strlen(r.targets[63]), 62);
	assert_int_equal(r.targets[63][0], 'a' + 63 % 26);
	ctlproto_req_free(&r);

	/* One argument more is refused, whatever its length. */
	buf_reset(&b);
	buf_adds(&b, "tfrun/1 scale");
	for (i = 0; i < CTLPROTO_MAX_ARGS; i++)
		buf_adds(&b, " w=1");
	assert_int_equal(ctlproto_parse_request(b.data, b.len, &r, &cause), 0);
	assert_int_equal(r.ntargets, CTLPROTO_MAX_ARGS);
	assert_int_equal(r.counts[CTLPROTO_MAX_ARGS - 1], 1);
	ctlproto_req_free(&r);
	buf_adds(&b, " w=1");
	parse_bad_len(b.data, b.len, "too many arguments (at most 64)");
	/* An extra empty word counts as a word too. */
	b.len -= 3;
	parse_bad_len(b.data, b.len, "too many arguments (at most 64)");
	buf_free(&b);
}

/* What is and is not a name (TYPE.N) or a type (TYPE). */
static void
test_targets(void **state)
{
	static const char *const good[] = {
		"web", "web.1", "web.10", "web.999999", "a", "A-Z_0-9",
		"123", "x.1",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.9",
	};
	static const char *const bad[] = {
		"web.0", "web.01", "web.", ".1", "web.1.2", "web.x", "web.-1",
		"web.+1", "web.1000000", "a:b", "a=b", "a/b", "a+b", "web..1",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
	};
	struct ctlproto_req r;
	char line[256], *want;
	size_t i;

	for (i = 0; i < nitems(good); i++) {
		snprintf(line, sizeof line, "tfrun/1 stop %s", good[i]);
		parse_ok(line, &r);
		assert_int_equal(r.ntargets, 1);
		assert_string_equal(r.targets[0], good[i]);
		ctlproto_req_free(&r);
	}
	for (i = 0; i < nitems(bad); i++) {
		snprintf(line, sizeof line, "tfrun/1 restart web %s", bad[i]);
		xasprintf(&want, "'%s' is not a name or a process type",
		    bad[i]);
		parse_bad(line, want);
		free(want);
	}
	/* "a b" is two targets to the parser; it cannot be one. */
	parse_ok("tfrun/1 stop a b", &r);
	assert_int_equal(r.ntargets, 2);
	ctlproto_req_free(&r);
}

/* A request is formatted from valid tokens only. */
static void
test_format_request(void **state)
{
	static const char *const scale[] = { "web=2", "worker=0" };
	static const char *const logs[] = { "5", "follow", "web.1" };
	static const char *const space[] = { "web", "a b" };
	static const char *const empty[] = { "" };
	static const char *const newline[] = { "web\n" };
	static const char *const quote[] = { "'web'" };
	struct ctlproto_req r;
	struct buf b = BUF_INIT;
	char *cause = NULL;

	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_PS, NULL, 0), 0);
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "tfrun/1 ps\n");
	buf_reset(&b);

	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_SCALE, scale, 2),
	    0);
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "tfrun/1 scale web=2 worker=0\n");
	assert_int_equal(ctlproto_parse_request(b.data, b.len - 2, &r, &cause),
	    0);
	assert_int_equal(r.verb, CTLPROTO_SCALE);
	assert_int_equal(r.counts[0], 2);
	assert_int_equal(r.counts[1], 0);
	ctlproto_req_free(&r);
	buf_reset(&b);

	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_LOGS, logs, 3),
	    0);
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "tfrun/1 logs 5 follow web.1\n");
	buf_reset(&b);

	/* A refused argument leaves out as it was. */
	buf_adds(&b, "kept");
	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_STOP, space, 2),
	    -1);
	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_STOP, empty, 1),
	    -1);
	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_STOP, newline,
	    1), -1);
	assert_int_equal(ctlproto_format_request(&b, CTLPROTO_STOP, quote, 1),
	    -1);
	assert_int_equal(b.len, 4);
	buf_free(&b);
}

/* Parses a reply line s, expecting tag and payload. */
static void
reply_ok(const char *s, enum ctlproto_tag tag, const char *payload)
{
	struct ctlproto_reply r;

	if (ctlproto_parse_reply(s, strlen(s), &r) != 0)
		fail_msg("reply \"%s\" refused", s);
	assert_int_equal(r.tag, tag);
	assert_int_equal(r.len, strlen(payload));
	assert_memory_equal(r.payload, payload, r.len);
	/* The payload is borrowed from the line. */
	assert_true(r.payload >= s && r.payload <= s + strlen(s));
}

/* Every tag, with and without a payload. */
static void
test_reply_tags(void **state)
{
	struct ctlproto_reply r;

	reply_ok("ok", CTLPROTO_OK, "");
	reply_ok("error no such instance or process type",
	    CTLPROTO_ERROR, "no such instance or process type");
	reply_ok("hello 1234 /srv/my app", CTLPROTO_HELLO_REPLY,
	    "1234 /srv/my app");
	reply_ok("inst web.1 5 running 10 0 5000 1 -1 sleep 1",
	    CTLPROTO_INST, "web.1 5 running 10 0 5000 1 -1 sleep 1");
	reply_ok("line 12:00:00 web.1 | hello  world ", CTLPROTO_LINE,
	    "12:00:00 web.1 | hello  world ");
	reply_ok("line", CTLPROTO_LINE, "");
	reply_ok("line ", CTLPROTO_LINE, "");
	reply_ok("line  x", CTLPROTO_LINE, " x");
	reply_ok("following", CTLPROTO_FOLLOWING, "");
	reply_ok("end", CTLPROTO_END, "");

	/* Tags are whole words: a prefix or an extension is no tag. */
	assert_int_equal(ctlproto_parse_reply("okay", 4, &r), -1);
	assert_int_equal(ctlproto_parse_reply("o", 1, &r), -1);
	assert_int_equal(ctlproto_parse_reply("errors x", 8, &r), -1);
	assert_int_equal(ctlproto_parse_reply("lines", 5, &r), -1);
	assert_int_equal(ctlproto_parse_reply("ending", 6, &r), -1);
	assert_int_equal(ctlproto_parse_reply("OK", 2, &r), -1);
	assert_int_equal(ctlproto_parse_reply("nope x", 6, &r), -1);
	assert_int_equal(ctlproto_parse_reply(" ok", 3, &r), -1);
	assert_int_equal(ctlproto_parse_reply("", 0, &r), -1);
	/* Only len bytes count: "ok" cut to "o" is no tag. */
	assert_int_equal(ctlproto_parse_reply("ok", 1, &r), -1);
	assert_int_equal(ctlproto_parse_reply("okay", 2, &r), 0);
	assert_int_equal(r.tag, CTLPROTO_OK);
}

/* Formats a reply and returns it as a string in b. */
static const char *
reply_format(struct buf *b, enum ctlproto_tag tag, const char *payload,
    size_t len)
{
	buf_reset(b);
	ctlproto_format_reply(b, tag, payload, len);
	buf_addc(b, '\0');
	return b->data;
}

/* Replies are one line whatever the payload holds. */
static void
test_format_reply(void **state)
{
	struct buf b = BUF_INIT;

	assert_string_equal(reply_format(&b, CTLPROTO_OK, NULL, 0), "ok\n");
	assert_string_equal(reply_format(&b, CTLPROTO_END, NULL, 0), "end\n");
	assert_string_equal(reply_format(&b, CTLPROTO_FOLLOWING, NULL, 0),
	    "following\n");
	assert_string_equal(reply_format(&b, CTLPROTO_ERROR, "no  way", 7),
	    "error no  way\n");
	assert_string_equal(reply_format(&b, CTLPROTO_LINE, "", 0), "line \n");
	/* A newline in the payload ends it: a reply stays one line. */
	assert_string_equal(reply_format(&b, CTLPROTO_ERROR, "a\nb", 3),
	    "error a\n");
	/* Only len bytes of the payload are taken. */
	assert_string_equal(reply_format(&b, CTLPROTO_HELLO_REPLY, "1 /ab", 3),
	    "hello 1 /\n");
	buf_free(&b);
}

/* Formats inst, parses the line back, and checks every field. */
static void
inst_round_trip(const struct ctlproto_inst *in)
{
	struct ctlproto_reply r;
	struct ctlproto_inst out;
	struct buf b = BUF_INIT;

	ctlproto_format_inst(&b, in);
	assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
	assert_null(memchr(b.data, '\n', b.len - 1));
	assert_int_equal(ctlproto_parse_reply(b.data, b.len - 1, &r), 0);
	assert_int_equal(r.tag, CTLPROTO_INST);
	assert_int_equal(ctlproto_parse_inst(r.payload, r.len, &out), 0);
	assert_string_equal(out.name, in->name);
	assert_int_equal(out.pid, in->pid);
	assert_string_equal(out.state, in->state);
	assert_true(out.uptime_ms == in->uptime_ms);
	assert_true(out.restarts == in->restarts);
	assert_int_equal(out.port, in->port);
	assert_int_equal(out.ready, in->ready);
	assert_int_equal(out.status, in->status);
	assert_string_equal(out.command, in->command);
	buf_free(&b);
}

/* inst lines carry a ps row, the command last with its spaces. */
static void
test_inst_round_trip(void **state)
{
	struct ctlproto_inst in;

	memset(&in, 0, sizeof in);
	snprintf(in.name, sizeof in.name, "web.1");
	in.pid = 4242;
	snprintf(in.state, sizeof in.state, "running");
	in.uptime_ms = 1500;
	in.restarts = 2;
	in.port = 5000;
	in.ready = 1;
	in.status = -1;
	snprintf(in.command, sizeof in.command,
	    "bundle exec  puma -p $PORT -C 'config/puma.rb'");
	inst_round_trip(&in);

	/* Never started: no pid, a negative status; a huge uptime. */
	snprintf(in.name, sizeof in.name, "a_very-long_type.100");
	in.pid = 0;
	snprintf(in.state, sizeof in.state, "backoff");
	in.uptime_ms = UINT64_MAX;
	in.restarts = ULONG_MAX;
	in.port = 65535;
	in.ready = 0;
	in.status = -130;
	snprintf(in.command, sizeof in.command, " leading and trailing ");
	inst_round_trip(&in);

	/* An empty command, and the longest one an inst holds. */
	in.command[0] = '\0';
	in.status = 143;
	inst_round_trip(&in);
	memset(in.command, 'x', sizeof in.command - 1);
	in.command[sizeof in.command - 1] = '\0';
	inst_round_trip(&in);

	/* The longest name. */
	memset(in.name, 'n', sizeof in.name - 1);
	in.name[sizeof in.name - 1] = '\0';
	snprintf(in.command, sizeof in.command, "true");
	inst_round_trip(&in);
}

/* Parses s as an inst payload, expecting a refusal. */
static void
inst_bad(const char *s)
{
	struct ctlproto_inst in;

	if (ctlproto_parse_inst(s, strlen(s), &in) != -1)
		fail_msg("inst \"%s\" accepted", s);
}

/* A malformed inst payload is refused. */
static void
test_inst_refusals(void **state)
{
	struct ctlproto_inst in;
	char big[CTLPROTO_MAX_LINE + 64];

	/* Parsed from the exact length: no NUL is needed. */
	assert_int_equal(ctlproto_parse_inst("w.1 1 ready 2 3 4 1 0 cmd xyz",
	    25, &in), 0);
	assert_string_equal(in.command, "cmd");

	inst_bad("");
	inst_bad("web.1");
	inst_bad("web.1 1 running 2 3 4 1");
	inst_bad("web.1 1 running 2 3 4 1 0");      /* no space, no command */
	inst_bad(" web.1 1 running 2 3 4 1 0 cmd"); /* an empty name */
	inst_bad("web.1 1  running 2 3 4 1 0 cmd"); /* an empty field */
	inst_bad("web.1 x running 2 3 4 1 0 cmd");
	inst_bad("web.1 1 running 2x 3 4 1 0 cmd");
	inst_bad("web.1 1 running 2 3 4 yes 0 cmd");
	inst_bad("web.1 1 running 2 3 4 1 - cmd");
	inst_bad("web.1 1 running 2 3 4 1 0x1 cmd");
	inst_bad("web.1 1 a-state-that-is-too-long 2 3 4 1 0 cmd");
	inst_bad("web.1 1 running 123456789012345678901234567890123 3 4 1 0 "
	    "cmd");
	inst_bad("nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnnnnnnnnnn 1 running 2 3 4 1 0 cmd");

	/* A command longer than an inst holds. */
	memset(big, 'x', sizeof big);
	memcpy(big, "w.1 1 ready 2 3 4 1 0 ", 22);
	assert_int_equal(ctlproto_parse_inst(big, 22 + CTLPROTO_MAX_LINE - 1,
	    &in), 0);
	assert_int_equal(strlen(in.command), CTLPROTO_MAX_LINE - 1);
	assert_int_equal(ctlproto_parse_inst(big, 22 + CTLPROTO_MAX_LINE,
	    &in), -1);
}

/* Attach frames: input and window size, complete or not yet. */
static void
test_frames(void **state)
{
	struct ctlproto_frame f;
	struct buf b = BUF_INIT;
	char big[CTLPROTO_FRAME_MAX + 10];
	size_t i;

	ctlproto_format_input(&b, "abc", 3);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "i\0\3abc", 6);
	ctlproto_format_winsize(&b, 80, 24);
	ctlproto_format_winsize(&b, 65535, 1);
	assert_int_equal(b.len, 16);
	assert_memory_equal(b.data + 6, "w\0\x50\0\x18w\xff\xff\0\1", 10);

	/* Three frames in a row, each read from where the last ended. */
	assert_int_equal(ctlproto_parse_frame(b.data, b.len, &f), 6);
	assert_int_equal(f.type, 'i');
	assert_int_equal(f.len, 3);
	assert_ptr_equal(f.data, b.data + 3);
	assert_int_equal(ctlproto_parse_frame(b.data + 6, b.len - 6, &f), 5);
	assert_int_equal(f.type, 'w');
	assert_int_equal(f.cols, 80);
	assert_int_equal(f.rows, 24);
	assert_int_equal(ctlproto_parse_frame(b.data + 11, b.len - 11, &f), 5);
	assert_int_equal(f.cols, 65535);
	assert_int_equal(f.rows, 1);

	/* Any shorter prefix of a frame is not complete yet. */
	for (i = 0; i < 6; i++)
		assert_int_equal(ctlproto_parse_frame(b.data, i, &f), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(ctlproto_parse_frame(b.data + 6, i, &f), 0);

	/* Malformed: an unknown type, an empty or too long input, a 0 size. */
	assert_int_equal(ctlproto_parse_frame("x", 1, &f), -1);
	assert_int_equal(ctlproto_parse_frame("\0", 1, &f), -1);
	assert_int_equal(ctlproto_parse_frame("i\0\0", 3, &f), -1);
	assert_int_equal(ctlproto_parse_frame("i\4\1", 3, &f), -1);
	assert_int_equal(ctlproto_parse_frame("w\0\0\0\1", 5, &f), -1);
	assert_int_equal(ctlproto_parse_frame("w\0\1\0\0", 5, &f), -1);

	/* The largest input frame, and a longer input cut to it. */
	memset(big, 'k', sizeof big);
	buf_reset(&b);
	ctlproto_format_input(&b, big, sizeof big);
	assert_int_equal(b.len, 3 + CTLPROTO_FRAME_MAX);
	assert_int_equal(ctlproto_parse_frame(b.data, b.len, &f),
	    3 + CTLPROTO_FRAME_MAX);
	assert_int_equal(f.len, CTLPROTO_FRAME_MAX);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_argument_verbs),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_verb_names),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_format_request),
		cmocka_unit_test(test_reply_tags),
		cmocka_unit_test(test_format_reply),
		cmocka_unit_test(test_inst_round_trip),
		cmocka_unit_test(test_inst_refusals),
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
