/*
 * keeper.h: makes sure nothing of the formation outlives tfrun, even when
 * tfrun is killed with SIGKILL (SPEC section 6).
 *
 * `tfrun start` runs as two processes. The one the user started is the
 * keeper: a child subreaper that only forwards signals to its child, the
 * supervisor (KEEPER_SUPERVISOR_NAME), and waits for it. Every process of the formation descends
 * from the keeper, so when the supervisor dies for any reason, whatever it
 * leaves is re-parented to the keeper, which kills it all (every session
 * and descendant) and exits. When the keeper dies, the supervisor sees the
 * end of a pipe and kills the formation at once. A subreaper or a parent
 * death signal alone covers neither case: both stop working once the
 * process that holds them is gone.
 */
#ifndef TFRUN_KEEPER_H
#define TFRUN_KEEPER_H

/*
 * The supervisor's process name: it must not match "tfrun", so that
 * `pkill -9 tfrun` or `killall -9 tfrun` kills only the keeper and the
 * supervisor lives long enough to stop the formation.
 */
#define KEEPER_SUPERVISOR_NAME "tf-supervisor"

/*
 * Forks the supervisor. Returns 0 in the supervisor; in the keeper it
 * returns 1 only once the supervisor and everything it left have ended,
 * with tfrun's exit status in *status; returns -1 when there can be no
 * keeper (tfrun then runs as one process). With isolate (--isolate) the
 * supervisor is the init of a new PID namespace (in a user namespace when
 * not root) with its own /proc; when the kernel refuses that, the reason
 * is printed and -2 is returned.
 */
int keeper_start(int isolate, int input, int *status);

/*
 * With input (--stdin), the keeper reads its stdin (the terminal: it is
 * in the terminal's foreground process group, the supervisor is not) and
 * passes it on: in the supervisor, keeper_input_fd is the read end of that
 * pipe (its end of file is stdin's); -1 otherwise.
 */
int keeper_input_fd(void);

/*
 * tfrun run --with, before keeper_start: once the supervisor reports the
 * formation ready (keeper_report_ready), the keeper runs argv (execvp,
 * with envp, in cwd) as its child in the terminal's foreground group;
 * when it ends the formation is stopped, and keeper_start's status is the
 * command's. Meanwhile ^C is the command's alone, and the keeper passes
 * other signals to it. If the formation stops first (a dependency ended),
 * the command gets SIGTERM, then SIGKILL after grace_ms. The arrays must
 * outlive keeper_start.
 */
void keeper_set_command(char **argv, char **envp, const char *cwd,
    long grace_ms);

/*
 * What the keeper sends the supervisor, one byte each: a signal's number,
 * or KEEPER_CMD_DONE when run --with's command has ended.
 */
#define KEEPER_CMD_DONE 0

/* In the supervisor: the formation is ready (run --with). */
int keeper_report_ready(void);

/*
 * Before keeper_start: fd (the control socket) belongs to the supervisor;
 * the keeper closes its copy after the fork.
 */
void keeper_close_after_fork(int fd);

/*
 * In the supervisor, once every group is stopped (^Z): asks the keeper to
 * stop the supervisor and then itself. Returns -1 without a keeper (the
 * supervisor then stops itself).
 */
int keeper_report_stop(void);

/*
 * In the supervisor: the read end of a (non-blocking) pipe that carries
 * the signals the keeper passes on, one byte each, and whose end of file
 * means the keeper has died; -1 without a keeper.
 */
int keeper_fd(void);

/*
 * Holds back the signals `start` handles (SIGINT, SIGTERM, SIGHUP,
 * SIGUSR1, SIGUSR2, SIGTSTP, SIGCHLD) until handlers are in place: called
 * by main as early as it can, and across the fork.
 */
void keeper_block(void);

/*
 * Whether SIGHUP was ignored when keeper_block ran (tfrun under nohup):
 * it then stays ignored.
 */
int keeper_hup_ignored(void);

/*
 * Once the handlers are in place (the keeper's, or the supervisor's
 * loop): unblocks those signals; pending ones are delivered, not lost.
 */
void keeper_unblock(void);

/*
 * In the supervisor: tells the keeper about a session the formation made
 * (an instance's pid), so that the keeper can kill it even without /proc.
 */
void keeper_report(int sid);

#endif
