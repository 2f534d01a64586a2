/*
 * output.h: the merged log stream on stdout (SPEC section 5).
 *
 * Lines are formatted on the loop thread into a bounded queue; one writer
 * thread does blocking write(2)s of whole batches to stdout. Blocking
 * writes work for any stdout (terminal, pipe, file) without putting the
 * shared file description into non-blocking mode. When the queue is over
 * its high-water mark the output is congested: readers stop reading their
 * children (the children then block in write(2)) until the writer has
 * drained it below the low-water mark and the resume callback runs. Before
 * each read a reader asks output_budget how much it may read, so the queue
 * stays under a hard cap whatever the readers read at once. Only whole
 * lines are ever queued, so lines are never torn or mixed.
 */
#ifndef TFRUN_OUTPUT_H
#define TFRUN_OUTPUT_H

#include <stddef.h>

#include <uv.h>

#include "compat.h"
#include "fmt.h"

/* Called on the loop thread when congestion ends, and when stdout is gone. */
struct output_ops {
	void (*resume)(void *ctx);
	/*
	 * Writing stdout failed: error is EPIPE when its reader left (a
	 * write said so, or poll(2) saw the pipe's reader go), else the errno
	 * of the failed write (ENOSPC, EIO). Nothing more is written.
	 */
	void (*closed)(void *ctx, int error);
	void *ctx;
};

/*
 * Starts the writer thread on fd 1 and registers its wake-up handle on
 * loop. Returns 0 or a negative errno.
 */
int output_start(uv_loop_t *loop, const struct fmt_style *style,
    const struct output_ops *ops);

/*
 * Groups the lines of one read: output_line may only be called between
 * output_begin and output_end, which take the queue's lock once and wake
 * the writer once. The time of every line in the group is read once.
 */
void output_begin(void);

/* The time output_begin read, in milliseconds since the epoch. */
uint64_t output_time_ms(void);
void output_line(const struct fmt_source *src, const char *text, size_t len);

/*
 * A source's text prefix ("HH:MM:SS web.1  | ", coloured or not), kept by
 * its owner and rebuilt by output_line_cached only when the second
 * changes: the hot path then copies three pieces per line.
 */
struct output_prefix {
	char text[192];
	size_t len;
	unsigned long stamp; /* 0: not built yet */
};

/* output_line for a source with a prefix cache (between begin and end). */
void output_line_cached(const struct fmt_source *src,
    struct output_prefix *cache, const char *text, size_t len);
int output_end(void); /* returns output_congested() */

/* Writes one line of tfrun's own under the `system` label. */
void output_system(const char *fmt, ...) printflike(1, 2);

/*
 * Sets the width names are padded to (a wider label appeared when the
 * formation was scaled up).
 */
void output_set_width(size_t width);

/* Returns 1 while readers should not read (the queue is over its mark). */
int output_congested(void);

/*
 * Returns how many bytes of input a source (with its prefix cache) may
 * read and turn into lines now without taking the queue over its cap,
 * counting the partial line it may hold; 0 means none (the output is then
 * congested, and resume comes once it has drained).
 */
size_t output_budget(const struct fmt_source *src,
    struct output_prefix *cache);

/*
 * From now on nothing waits for stdout: readers are resumed and never
 * paused again, lines that would take the queue over its cap are dropped,
 * and output_stop leaves a writer blocked on a stdout nobody reads behind
 * after a moment. A second ^C must end tfrun even then.
 */
void output_hurry(void);

/*
 * Flushes what is queued, stops the writer thread and closes the wake-up
 * handle; the loop can then end. Lines written later are dropped. After
 * output_hurry, a writer blocked on a stdout nobody reads is left behind.
 */
void output_stop(void);

#endif
