/*
 * reaper.h: tfrun as a child subreaper (Linux). Descendants that escape
 * their process group (double fork, setsid) are re-parented to tfrun when
 * their parent dies; this module finds them, reaps them, and signals them
 * at shutdown — without ever waiting for a process libuv owns.
 */
#ifndef TFRUN_REAPER_H
#define TFRUN_REAPER_H

#include <stddef.h>

/* Makes tfrun a subreaper; returns 0, or -1 where the system has none. */
int reaper_enable(void);

/*
 * Reaps every adopted child that has exited and returns how many adopted
 * children are still alive (children of tfrun that libuv does not own).
 */
size_t reaper_reap(void);

/*
 * Sends sig to every adopted child (and its group when it leads one) and
 * returns how many were signalled. A signal other than SIGKILL reaches
 * each process once: calling again only reaches those adopted since, and
 * not those for which skip(its process group, ctx) says the group already
 * got it.
 */
size_t reaper_signal(int sig, int (*skip)(int pgid, void *ctx), void *ctx);

#endif
