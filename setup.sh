#!/bin/sh
# The README's two commands on a machine that may not have make yet:
#   sh setup.sh demo    install what is missing, build, run Procfile.example
#   sh setup.sh test    install what is missing, build, run every test
# It installs make (with apt-get, through sudo when not root), then runs
# the Makefile's target, which installs the rest.
set -e
cd "$(dirname "$0")"
if ! command -v make >/dev/null 2>&1; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq make
fi
[ $# -gt 0 ] || set -- demo
exec make "$@"
