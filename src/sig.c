/*
 * sig.c: signal names and numbers.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat.h"
#include "sig.h"

static const struct {
	const char *name; /* without the SIG prefix */
	int number;
} sig_table[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "SYS", SIGSYS },
#ifdef SIGPWR
	{ "PWR", SIGPWR },
#endif
};

/* Parses a signal name or number; see sig.h. */
int
sig_parse(const char *s, int *sig)
{
	char *end;
	long n;
	size_t i;

	if (s == NULL || *s == '\0')
		return -1;
	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		if (*end != '\0' || n < 1 || n > 64)
			return -1;
		*sig = (int)n;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < nitems(sig_table); i++) {
		if (strcasecmp(s, sig_table[i].name) == 0) {
			*sig = sig_table[i].number;
			return 0;
		}
	}
	return -1;
}

/* Returns the conventional name of sig; see sig.h. */
const char *
sig_name(int sig)
{
	static char unnamed[16];
	static char named[16];
	size_t i;

	for (i = 0; i < nitems(sig_table); i++) {
		if (sig_table[i].number == sig) {
			snprintf(named, sizeof named, "SIG%s",
			    sig_table[i].name);
			return named;
		}
	}
	snprintf(unnamed, sizeof unnamed, "SIG%d", sig);
	return unnamed;
}
