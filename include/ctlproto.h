/*
 * ctlproto.h: the control protocol between `tfrun start` and its clients
 * (SPEC section 7). Pure: bytes in, structs out, and the other way; the
 * server and every client share it, and it is fuzzed.
 *
 * A request is one line: "tfrun/1 VERB ARG...\n", single spaces between
 * tokens, each token from [A-Za-z0-9_.:=+/-]. The version word lets a
 * client and a server of different versions refuse each other clearly.
 *
 *	hello                           the server's pid and root
 *	ps
 *	scale TYPE=N...
 *	restart [NAME|TYPE]...          every instance when none is named
 *	stop NAME|TYPE...
 *	signal SIG NAME|TYPE...
 *	logs N follow|once [NAME|TYPE]...
 *	wait MS|forever
 *	quit
 *	attach NAME COLS ROWS           then frames (below) and raw output
 *
 * Replies are lines "TAG[ PAYLOAD]\n"; a reply ends with "ok" or "error
 * MESSAGE" (then the server closes the connection, but for logs -f, which
 * ends with "end" when tfrun exits, and attach):
 *
 *	hello PID ROOT
 *	inst NAME PID STATE UPTIME_MS RESTARTS PORT READY STATUS COMMAND
 *	line TEXT                       one log line, formatted
 *	following                       the history is sent; new lines follow
 *	end                             tfrun is exiting
 *
 * After "ok tty NAME" or "ok pipe NAME" to attach (NAME: the instance, when
 * attach named a type), the server sends the instance's
 * raw output, and the client sends frames: 'i', a 16-bit big-endian length
 * and that many bytes of input; or 'w', 16-bit columns and rows (a
 * resize). The client detaches by closing the connection.
 */
#ifndef TFRUN_CTLPROTO_H
#define TFRUN_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define CTLPROTO_VERSION "tfrun/1"
#define CTLPROTO_MAX_LINE 4096 /* a longer request is refused */
#define CTLPROTO_MAX_ARGS 64
#define CTLPROTO_FOREVER UINT64_MAX

enum ctlproto_verb {
	CTLPROTO_HELLO,
	CTLPROTO_PS,
	CTLPROTO_SCALE,
	CTLPROTO_RESTART,
	CTLPROTO_STOP,
	CTLPROTO_SIGNAL,
	CTLPROTO_LOGS,
	CTLPROTO_WAIT,
	CTLPROTO_QUIT,
	CTLPROTO_ATTACH
};

/* One parsed request. The strings point into the request's own copy. */
struct ctlproto_req {
	enum ctlproto_verb verb;
	char *line;                 /* owned: the tokens, NUL-separated */
	const char *targets[CTLPROTO_MAX_ARGS]; /* names, types, TYPE=N */
	size_t ntargets;
	long counts[CTLPROTO_MAX_ARGS]; /* scale: N of each TYPE=N */
	int sig;                    /* signal */
	long lines;                 /* logs: how many */
	int follow;                 /* logs: then follow */
	uint64_t timeout_ms;        /* wait; CTLPROTO_FOREVER */
	long cols, rows;            /* attach: the client's window */
};

/*
 * Parses one request line (len bytes, without its '\n'). Returns 0, or -1
 * with *cause allocated (a wrong version, an unknown verb, a bad token or
 * count, too many arguments); then req needs no freeing.
 */
int ctlproto_parse_request(const char *buf, size_t len,
    struct ctlproto_req *req, char **cause);

/* Frees what a parsed request owns. */
void ctlproto_req_free(struct ctlproto_req *req);

/* Returns "ps", "scale", ... */
const char *ctlproto_verb_name(enum ctlproto_verb verb);

/*
 * Appends a request line for verb with args (already valid tokens, joined
 * with spaces) to out; returns -1 if an argument is not a valid token.
 */
int ctlproto_format_request(struct buf *out, enum ctlproto_verb verb,
    const char *const *args, size_t nargs);

enum ctlproto_tag {
	CTLPROTO_OK,
	CTLPROTO_ERROR,
	CTLPROTO_HELLO_REPLY,
	CTLPROTO_INST,
	CTLPROTO_LINE,
	CTLPROTO_FOLLOWING,
	CTLPROTO_END
};

/* One reply line: its tag and what follows the tag and a space. */
struct ctlproto_reply {
	enum ctlproto_tag tag;
	const char *payload; /* borrowed from the line */
	size_t len;
};

/* Parses one reply line (without its '\n'); returns 0 or -1. */
int ctlproto_parse_reply(const char *buf, size_t len,
    struct ctlproto_reply *reply);

/* An instance as `inst` lines carry it (SPEC section 7's ps columns). */
struct ctlproto_inst {
	char name[80];
	long pid;
	char state[16];
	uint64_t uptime_ms;
	unsigned long restarts;
	long port;
	int ready;
	int status;       /* of the last run; -1 when none */
	char command[CTLPROTO_MAX_LINE];
};

/* Appends "inst ..." for inst to out. */
void ctlproto_format_inst(struct buf *out, const struct ctlproto_inst *inst);

/* Parses an inst payload; returns 0 or -1. */
int ctlproto_parse_inst(const char *buf, size_t len,
    struct ctlproto_inst *inst);

/* One attach frame from the client. */
struct ctlproto_frame {
	char type;           /* 'i' input, 'w' window size */
	const char *data;    /* 'i': borrowed from the buffer */
	size_t len;
	unsigned cols, rows; /* 'w' */
};

#define CTLPROTO_FRAME_MAX 1024 /* input bytes in one frame */

/*
 * Reads the first frame of buf (len bytes): returns its size and fills
 * *f, 0 when the frame is not complete yet, or -1 for a malformed one (an
 * unknown type, an input longer than CTLPROTO_FRAME_MAX, a zero size).
 */
long ctlproto_parse_frame(const char *buf, size_t len,
    struct ctlproto_frame *f);

/* Appends an input frame (at most CTLPROTO_FRAME_MAX bytes of data). */
void ctlproto_format_input(struct buf *out, const char *data, size_t len);

/* Appends a window-size frame. */
void ctlproto_format_winsize(struct buf *out, unsigned cols, unsigned rows);

/* Appends "TAG PAYLOAD\n" (payload may be NULL) to out; '\n' in it is cut. */
void ctlproto_format_reply(struct buf *out, enum ctlproto_tag tag,
    const char *payload, size_t len);

#endif
