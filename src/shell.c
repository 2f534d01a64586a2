/*
 * shell.c: recognises Procfile commands that are one simple command.
 *
 * dash, Debian's /bin/sh, forks for the last command of `sh -c` where bash
 * would exec it. The shell then leads the process group and is what
 * tfrun's signals hit first: a forwarded SIGUSR1 kills a waiting shell
 * while the program that handles it lives on. For a simple command, tfrun
 * asks the shell to exec it instead (`exec COMMAND`), which runs the same
 * words the same way, only without the extra shell process. Commands whose
 * first word is a shell builtin are left alone, so that the builtin, not a
 * program of the same name, still runs them.
 */
#include <string.h>

#include "compat.h"
#include "shell.h"

/* First words that `exec` cannot stand before. */
static const char *const shell_first_words[] = {
	"!", "{", "}", "case", "chdir", "do", "done", "elif", "else", "esac", "fi",
	"for", "function", "if", "in", "select", "then", "time", "until",
	"while", ":", ".", "alias", "bg", "break", "cd", "command",
	"continue", "eval", "exec", "exit", "export", "fc", "fg", "getopts",
	"hash", "jobs", "local", "read", "readonly", "return", "set", "shift",
	"source", "times", "trap", "type", "ulimit", "umask", "unalias",
	"unset", "wait",
	/*
	 * Builtins that also exist as programs behave differently from them
	 * (dash's echo reads -e as text): keep the shell's own.
	 */
	"echo", "false", "kill", "printf", "pwd", "test", "[", "true",
};

/* Says whether c may appear in a simple command as tfrun accepts it. */
static int
shell_plain_char(unsigned char c)
{
	if (c >= 0x80)
		return 1; /* UTF-8 text in arguments */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return strchr(" \t_./:@%+,=-$\"'{}", c) != NULL && c != '\0';
}

/*
 * Decides whether `exec` may be put before command; see shell.h.
 *
 * Outside quotes only plain characters may appear. Inside quotes the shell
 * reads operators as text (`python3 -c "import x; x.run()"` is one simple
 * command), so anything goes there but what could start a command of its
 * own: a backquote or `$(` (and a backslash, whose meaning in double
 * quotes is not worth the risk).
 */
int
shell_can_exec(const char *command)
{
	const char *p, *end;
	size_t len, i;
	char quote = 0;

	for (p = command; *p != '\0'; p++) {
		if (quote == 0) {
			if (!shell_plain_char((unsigned char)*p))
				return 0;
			if (*p == '"' || *p == '\'')
				quote = *p;
		} else if (*p == quote)
			quote = 0;
		else if (quote == '"' && (*p == '`' || *p == '\\' ||
		    (*p == '$' && p[1] == '(')))
			return 0;
	}
	/* An unbalanced quote would make the shell read on. */
	if (quote != 0)
		return 0;

	p = command + strspn(command, " \t");
	if (*p == '\0')
		return 0;
	end = p + strcspn(p, " \t");
	len = (size_t)(end - p);
	/* An assignment or a quoted or expanded first word: leave it be. */
	if (memchr(p, '=', len) != NULL || memchr(p, '$', len) != NULL ||
	    memchr(p, '"', len) != NULL || memchr(p, '\'', len) != NULL ||
	    memchr(p, '{', len) != NULL || memchr(p, '}', len) != NULL)
		return 0;
	for (i = 0; i < nitems(shell_first_words); i++) {
		if (strlen(shell_first_words[i]) == len &&
		    memcmp(shell_first_words[i], p, len) == 0)
			return 0;
	}
	return 1;
}
