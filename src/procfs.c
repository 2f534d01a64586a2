/*
 * procfs.c: reads parents, sessions and children from /proc.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "procfs.h"

/* Reads ppid and sid; see procfs.h. */
int
procfs_stat(pid_t pid, pid_t *ppid, pid_t *sid)
{
	char path[64], stat[512], *p;
	long pp, pg, sd;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = '\0';
	/* "pid (comm) state ppid pgrp session": comm may hold ')' too. */
	if ((p = strrchr(stat, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld %ld %ld", &pp, &pg, &sd) != 3)
		return -1;
	*ppid = (pid_t)pp;
	*sid = (pid_t)sd;
	return 0;
}

/*
 * Appends the children of this process, space-separated, as the kernel
 * lists them per thread. Returns -1 without CONFIG_PROC_CHILDREN.
 */
static int
procfs_children_file(struct buf *list)
{
	char path[64], chunk[4096];
	struct dirent *de;
	DIR *dir;
	ssize_t n;
	int fd, found = 0;

	if ((dir = opendir("/proc/self/task")) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%.20s/children",
		    de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		found = 1;
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			buf_add(list, chunk, (size_t)n);
		close(fd);
		buf_addc(list, ' ');
	}
	closedir(dir);
	return found ? 0 : -1;
}

/* Appends the pid of every process whose parent is this one. */
static int
procfs_children_scan(struct buf *list)
{
	struct dirent *de;
	pid_t self = getpid(), pid, ppid, sid;
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (procfs_stat(pid, &ppid, &sid) == 0 && ppid == self)
			buf_printf(list, "%ld ", (long)pid);
	}
	closedir(dir);
	return 0;
}

/* Calls fn for each child; see procfs.h. */
int
procfs_children(void (*fn)(pid_t pid, void *arg), void *arg)
{
	struct buf list = BUF_INIT;
	char *p, *end;
	long pid;

	if (procfs_children_file(&list) != 0 &&
	    procfs_children_scan(&list) != 0) {
		buf_free(&list);
		return -1;
	}
	for (p = list.data; p != NULL; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0)
			fn((pid_t)pid, arg);
	}
	buf_free(&list);
	return 0;
}

/*
 * Under --isolate: a descriptor of the system's /proc, where the
 * namespace's processes have the pids the rest of the system knows.
 */
static int procfs_host = -1;

/* Keeps the system's /proc; see procfs.h. */
void
procfs_set_host(int dirfd)
{
	procfs_host = dirfd;
}

/* Translates a pid of this namespace; see procfs.h. */
pid_t
procfs_host_pid(pid_t pid)
{
	char path[64], info[1024], *p;
	ssize_t n;
	int pidfd, fd;
	long host = -1;

	if (procfs_host == -1)
		return pid;
#ifdef SYS_pidfd_open
	/* A pidfd's fdinfo names its process in the /proc it is read from. */
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		return pid;
	snprintf(path, sizeof path, "self/fdinfo/%d", pidfd);
	if ((fd = openat(procfs_host, path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, info, sizeof info - 1);
		if (n > 0) {
			info[n] = '\0';
			if ((p = strstr(info, "\nPid:")) != NULL)
				host = strtol(p + 5, NULL, 10);
		}
		close(fd);
	}
	close(pidfd);
#endif
	return host > 0 ? (pid_t)host : pid;
}
