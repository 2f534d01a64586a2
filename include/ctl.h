/*
 * ctl.h: the control socket of a running `tfrun start` (SPEC section 7),
 * its server side: the socket's set-up, before anything starts, and the
 * server inside the supervisor, on its libuv loop. The clients are in
 * client.c.
 *
 * Security: the socket is created with mode 0600 and a connection from
 * another uid is refused (SO_PEERCRED). Robustness: a request is one line
 * of at most CTLPROTO_MAX_LINE bytes, and must come within CTL_REQUEST_MS;
 * a follower (logs -f) that lets more than CTL_FOLLOW_MAX bytes pile up is
 * dropped. Nothing a client does can block the log stream, the supervisor
 * or another client: every write is non-blocking and bounded.
 */
#ifndef TFRUN_CTL_H
#define TFRUN_CTL_H

#include <sys/types.h>


#define CTL_REQUEST_MS 10000
#define CTL_FOLLOW_MAX (1024 * 1024)

struct supervisor;
struct ctl;
struct sockaddr_un;

/*
 * Fills sa with the address of the socket at path. A path too long for
 * sun_path is reached through its directory, opened into *dirfd (to be
 * closed once bound or connected; -1 when none was needed): then only the
 * socket's name must fit. Returns 0, or -1 with errno set (ENAMETOOLONG
 * when even the name does not fit).
 */
int ctl_address(const char *path, struct sockaddr_un *sa, int *dirfd);

/*
 * Before anything starts: refuses a second `tfrun start` on the same
 * socket ("tfrun is already running in ROOT (pid N)"), replaces a stale
 * socket, and binds and listens on path with mode 0600. Returns the
 * listening fd (close-on-exec), or -1 with *cause allocated (a path too
 * long, a file that is not a socket in the way, tfrun already running:
 * nothing may start), or -2 with *cause allocated when the socket cannot
 * be made (a read-only root: tfrun runs without one).
 */
int ctl_listen(const char *path, char **cause);

/*
 * In the supervisor: serves requests on the listening fd for sv. pid and
 * root are what `hello` answers (the pid the user started).
 */
struct ctl *ctl_start(struct supervisor *sv, int fd, const char *path,
    pid_t pid, const char *root);

/* Something changed: answers `wait` requests that can be answered now. */
void ctl_notify(struct ctl *ctl);

/*
 * tfrun is ending: followers get "end", waiters an error, every client
 * and the server are closed, and the socket file is removed.
 */
void ctl_stop(struct ctl *ctl);

#endif
