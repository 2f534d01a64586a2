/*
 * prober.h: runs one instance's readiness probe on the event loop (SPEC
 * section 6b): tcp (a connect succeeds), http (a GET answers 2xx or 3xx),
 * log (a line matches) or exec (a command exits 0), every interval until
 * it passes or the timeout. No thread and no blocking call: connects and
 * reads are libuv's, an exec probe is a spawned process, and an address
 * must be numeric or "localhost" (resolving a name would block or need a
 * thread).
 *
 * A prober owns its handles and frees itself after their last close
 * callback; prober_stop may be called at any time, once, and no callback
 * reaches the owner after it.
 */
#ifndef TFRUN_PROBER_H
#define TFRUN_PROBER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "probe.h"

struct prober;

/* What the owner hears: ready, or not ready in time (with why). */
struct prober_ops {
	void (*ready)(void *ctx);
	void (*timeout)(void *ctx, const char *why);
	void *ctx;
};

/*
 * Starts probing with p (already expanded for the instance: probe_expand).
 * exec probes run `/bin/sh -c COMMAND` in cwd with envp (copied). Returns
 * the prober, or NULL with *cause allocated (a bad regex, an address that
 * is not numeric).
 */
struct prober *prober_start(uv_loop_t *loop, const struct probe *p,
    uint64_t interval_ms, uint64_t timeout_ms, const char *cwd,
    char *const *envp, const struct prober_ops *ops, char **cause);

/* A line the instance wrote (log probes look at them; others ignore). */
void prober_line(struct prober *pr, const char *line, size_t len);

/* Stops probing; the prober frees itself once its handles have closed. */
void prober_stop(struct prober *pr);

#endif
