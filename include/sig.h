/*
 * sig.h: signal names and numbers, both ways.
 */
#ifndef TFRUN_SIG_H
#define TFRUN_SIG_H

/*
 * Parses a signal given as a name with or without "SIG" (any case: "term",
 * "SIGTERM") or as a number ("15"). Returns 0 and sets *sig, or -1 for
 * anything else, including 0 and numbers outside 1..64.
 */
int sig_parse(const char *s, int *sig);

/* Returns "SIGTERM" for 15, or "SIG<n>" in a static buffer when unnamed. */
const char *sig_name(int sig);

#endif
