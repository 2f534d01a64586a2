/*
 * fmt.h: formats one log line of the merged stream (SPEC section 5). Pure:
 * the time comes in as text prepared by the caller.
 */
#ifndef TFRUN_FMT_H
#define TFRUN_FMT_H

#include <stddef.h>

#include "buf.h"

#define FMT_MIN_WIDTH 6 /* strlen("system") */

/* How every line is written; fixed for a run of tfrun start. */
struct fmt_style {
	int json;      /* JSON Lines instead of text */
	int color;     /* ANSI colours on the text prefix */
	int timestamp; /* text: "HH:MM:SS " before the name */
	int prefix;    /* text: "NAME | " (and the time); 0 prints bare text,
	                  except for system lines, which keep "system | " */
	size_t width;  /* text: names are padded to this many columns */
};

/* Who a line is from. */
struct fmt_source {
	const char *name; /* "web.1", or "system" */
	const char *type; /* "web"; NULL for system */
	long pid;         /* JSON "pid"; 0 omits it (system) */
	int color;        /* colour index (the type's Procfile index); -1 for system */
};

/* The time of a line, formatted once by the caller. */
struct fmt_time {
	char hms[9];  /* "HH:MM:SS", local time */
	char iso[32]; /* "2026-11-28T16:48:58.123Z", UTC */
};

/*
 * Appends one formatted line (with its '\n') for text (len bytes, no '\n')
 * to out. Text format: "[HH:MM:SS ]NAME<pad> | text", the prefix coloured
 * when style->color, the text passed through as bytes. JSON format:
 * {"time":...,"process":...,"type":...,"pid":...,"message":...} with the
 * message escaped and invalid UTF-8 replaced by U+FFFD.
 */
void fmt_line(struct buf *out, const struct fmt_style *style,
    const struct fmt_source *src, const struct fmt_time *tm,
    const char *text, size_t len);

/*
 * Returns the ANSI SGR sequence for colour index i (foreman's order: cyan,
 * yellow, green, magenta, red, blue, then the bright variants, repeating),
 * or bold white for -1 (system).
 */
const char *fmt_color(int i);

/* Appends s (len bytes) as a JSON string with quotes, replacing bad UTF-8. */
void fmt_json_string(struct buf *out, const char *s, size_t len);

#endif
