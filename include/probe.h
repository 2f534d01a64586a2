/*
 * probe.h: readiness probes and start-order dependencies (SPEC section
 * 6b), as written in tfrun.ini's [process.TYPE] sections. Pure: text in,
 * structs out; the runtime runs the probes.
 */
#ifndef TFRUN_PROBE_H
#define TFRUN_PROBE_H

#include <stddef.h>

enum probe_kind {
	PROBE_NONE,	/* no probe: ready once started */
	PROBE_TCP,	/* a connect to host:port succeeds */
	PROBE_HTTP,	/* GET http://host:port/path answers 2xx or 3xx */
	PROBE_LOG,	/* a line of the instance matches the regex */
	PROBE_EXEC	/* the command, run through /bin/sh -c, exits 0 */
};

/*
 * One probe. Until probe_expand, port, host, path and regex may hold
 * $PORT/${PORT} and $PS/${PS}; after it they hold the instance's values.
 * exec's command is left as written: /bin/sh expands $PORT and $PS from
 * the instance's environment.
 */
struct probe {
	enum probe_kind kind;
	char *text;	/* owned: as written ("tcp:$PORT"), for messages */
	char *host;	/* owned: tcp and http; "127.0.0.1" when not given */
	char *port;	/* owned: tcp and http, as text; "80" for http */
	char *path;	/* owned: http, from its '/' ("/" when not given) */
	char *arg;	/* owned: log's regex or exec's command */
};

/* What a dependency waits for (SPEC section 6b). */
enum probe_cond {
	PROBE_STARTED,	/* every instance has been started */
	PROBE_READY,	/* every instance is ready (the default) */
	PROBE_DONE	/* every instance exited 0 (a one-shot type) */
};

/* One item of an after = TYPE[:COND], ... list. */
struct probe_after {
	char *type;	/* owned; a valid type name */
	enum probe_cond cond;
};

/*
 * Parses a probe: tcp:PORT, tcp:HOST:PORT (HOST may be [v6]),
 * http://HOST[:PORT][/PATH], log:REGEX (a POSIX extended regular
 * expression, checked with regcomp) or exec:COMMAND. A port is a number
 * from 1 to 65535, or $PORT. Returns 0, or -1 with *cause allocated
 * ("'TEXT' ...": what is wrong, without the key or the line) and p
 * left empty.
 */
int probe_parse(const char *s, struct probe *p, char **cause);

/*
 * Makes out a copy of p with $PORT/${PORT} and $PS/${PS} replaced by
 * port and ps in host, port, path and log's regex. Returns 0, or -1 when
 * the result is not a valid probe (a port out of range), with out empty.
 */
int probe_expand(const struct probe *p, long port, const char *ps,
    struct probe *out);

/* Makes dst an owned copy of src. */
void probe_copy(struct probe *dst, const struct probe *src);

/* Frees what p owns and makes it PROBE_NONE. */
void probe_free(struct probe *p);

/* Returns "started", "ready" or "done". */
const char *probe_cond_name(enum probe_cond cond);

/*
 * Parses "TYPE[:COND], ..." (COND started, ready or done; ready when
 * left out; blanks around items allowed). Returns 0 with *v (owned, free
 * with probe_after_free) and *n set, or -1 with *cause allocated ("'ITEM'
 * ...": an empty item, a bad type name, an unknown condition, a type
 * named twice).
 */
int probe_after_parse(const char *s, struct probe_after **v, size_t *n,
    char **cause);

/* Frees an array of n items from probe_after_parse. */
void probe_after_free(struct probe_after *v, size_t n);

#endif
