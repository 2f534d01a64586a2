/*
 * guard.h: stops the formation even when tfrun itself is killed with
 * SIGKILL (SPEC section 6), when no handler of tfrun's can run.
 *
 * A small process forked from tfrun at start-up (in its own session, out of
 * reach of a signal to tfrun's group) keeps a list of the sessions of
 * tfrun's children: instances are reported by tfrun as they are spawned,
 * adopted orphans are found by looking at tfrun's children every 200 ms.
 * When its pipe from tfrun reaches end of file without tfrun having said
 * goodbye, tfrun has died: it SIGKILLs every process in those sessions and
 * their descendants, then exits.
 */
#ifndef TFRUN_GUARD_H
#define TFRUN_GUARD_H

/* Forks the guard; returns 0, or -1 (tfrun runs on without one). */
int guard_start(void);

/* Tells the guard about a new instance, the leader of its own session. */
void guard_watch(int pid);

/* Says goodbye: tfrun ends normally, the guard exits without killing. */
void guard_stop(void);

/* The guard's pid (a child of tfrun no one else may reap), or 0. */
int guard_pid(void);

#endif
