#!/bin/sh
# Lints the man page: mandoc -Tlint when installed (warnings fail), and
# groff's own checks, which must print nothing.
set -eu
page=$1
status=0
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -Wwarning "$page" || status=1
fi
out=$(groff -mandoc -ww -z "$page" 2>&1) || status=1
if [ -n "$out" ]; then
	printf '%s\n' "$out"
	status=1
fi
exit $status
