/*
 * procfs.h: the little of Linux's /proc that tfrun reads — a process's
 * parent and session, and a process's children — shared by the reaper
 * (the supervisor's adopted orphans) and the keeper (what a dead
 * supervisor left).
 */
#ifndef TFRUN_PROCFS_H
#define TFRUN_PROCFS_H

#include <sys/types.h>

/*
 * Reads the parent and session of pid from /proc/PID/stat. Returns 0, or
 * -1 when the process is gone or /proc cannot be read.
 */
int procfs_stat(pid_t pid, pid_t *ppid, pid_t *sid);

/*
 * Calls fn for each child of this process: from /proc/self/task/TID/children
 * where the kernel has it, else by scanning every /proc/PID/stat for this
 * parent. Returns -1 when /proc cannot be read at all.
 */
int procfs_children(void (*fn)(pid_t pid, void *arg), void *arg);

/*
 * Under --isolate, the supervisor keeps a descriptor of the system's /proc
 * (dirfd) before it mounts its namespace's own.
 */
void procfs_set_host(int dirfd);

/*
 * Returns the pid the rest of the system knows for pid, a process of this
 * PID namespace; pid itself when not isolated (or when it cannot tell).
 */
pid_t procfs_host_pid(pid_t pid);

#endif
