#!/usr/bin/env bash
# Usage errors: each exits 2 with one line on stderr naming the problem and
# the `tfrun help` hint, nothing on stdout, nothing started. Help and
# version exit 0. The accepted spellings of options.
. "$(dirname "$0")/lib.sh"

# usage LABEL PROBLEM-REGEX ARGS...: tfrun ARGS is a usage error whose one
# line names the problem.
usage() {
	local label=$1 re=$2
	shift 2
	tf "$@"
	assert_eq "$label: exit 2" 2 "$RC"
	assert_eq "$label: nothing on stdout" "" "$OUT"
	assert_eq "$label: one line on stderr" 1 "$(wc -l <"$T/.stderr")"
	assert_match "$label: 'tfrun: ... (see 'tfrun help')'" "^tfrun: .+ \\(see 'tfrun help'\\)\$" "$ERR"
	assert_match "$label: names the problem" "$re" "$ERR"
}

# --- help and version need no app
tf --help
assert_eq "--help: exit 0" 0 "$RC"
assert_eq "--help: nothing on stderr" "" "$ERR"
for c in start run check env; do
	assert_match "--help lists $c" "\\b$c\\b" "$OUT"
done
general=$OUT
tf -h
assert_eq "-h: exit 0" 0 "$RC"
assert_eq "-h is --help" "$general" "$OUT"
tf help
assert_eq "help: exit 0" 0 "$RC"
assert_eq "help is --help" "$general" "$OUT"
tf help start
assert_eq "help start: exit 0" 0 "$RC"
assert_match "help start: about start" '\bstart\b' "$OUT"
assert_match "help start: its options" '--formation' "$OUT"
assert_eq "help start: nothing on stderr" "" "$ERR"
help_start=$OUT
tf start --help
assert_eq "start --help: exit 0 (no Procfile needed)" 0 "$RC"
assert_eq "start --help is help start" "$help_start" "$OUT"
tf help run
assert_eq "help run: exit 0" 0 "$RC"
assert_match "help run: about run" '\brun\b' "$OUT"
tf check --help
assert_eq "check --help: exit 0, no check done" 0 "$RC"
assert_no_match "check --help: no check done" 'valid Procfile|Procfile:' "$OUT$ERR"
tf --version
assert_eq "--version: exit 0" 0 "$RC"
assert_match "--version: 'tfrun X.Y.Z'" '^tfrun [0-9]+\.[0-9]+(\.[0-9]+)?$' "$OUT"
assert_eq "--version: one line" 1 "$(wc -l <"$T/.stdout")"
version=$OUT
tf -V
assert_eq "-V: exit 0" 0 "$RC"
assert_eq "-V is --version" "$version" "$OUT"

# --- commands
usage "no command" 'command'
usage "options but no command" 'command' -p 5000
usage "unknown command" 'frobnicate' frobnicate
usage "unknown command after options" 'frobnicate' -p 5000 frobnicate

# From here on there is an app, so only the usage error can fail.
cat >Procfile <<'EOF'
web: touch started.txt; sleep 5
worker: touch started.txt; sleep 5
EOF

# --- unknown options
usage "unknown long option" '--bogus' check --bogus
usage "unknown long option before the command" '--bogus' --bogus check
usage "unknown short option" '-x' check -x
usage "unknown option for start" '--frobnicate' start --frobnicate
usage "a typo of an option" '--port-stp' check --port-stp 10

# --- missing values
usage "-p without a value" '(-p|--port)' check -p
usage "--port without a value" '--port' check --port
usage "-f without a value" '(-f|--procfile)' check -f
usage "-e without a value" '(-e|--env)' env -e
usage "-m without a value" '(-m|--formation)' check -m
usage "--config without a value" '--config' check --config
usage "-t without a value" '(-t|--timeout)' start -t
usage "--port= (empty)" '--port' check --port=

# --- malformed values
usage "-p abc" '(-p|--port).*abc|abc.*(-p|--port)' check -p abc
usage "-p 65536" '65536' check -p 65536
usage "-p 0" '(-p|--port)' check -p 0
usage "-p -1" '(-p|--port)' check -p -1
usage "-p 50x0" '50x0' check -p 50x0
usage "--port-step 0" '--port-step' check --port-step 0
usage "--port-step abc" 'abc' check --port-step abc
usage "-t abc" '(-t|--timeout).*abc|abc.*(-t|--timeout)' check -t abc
usage "-t -1" '(-t|--timeout)' check -t -1
usage "--timeout=1.5.2" '1\.5\.2' check --timeout=1.5.2
usage "--color purple" 'purple' check --color purple
usage "--color=" '--color' check --color=
usage "--log-format xml" 'xml' check --log-format xml
usage "--restart sometimes" 'sometimes' start --restart sometimes
usage "-m web=x" '(-m|--formation|web=x)' check -m web=x
usage "-m web=-1" '(-m|--formation|web=-1)' check -m web=-1
usage "-m =2" '(-m|--formation|=2)' check -m =2
usage "-m web (no count)" '(-m|--formation)' check -m web
usage "-c web=" '(-c|--concurrency|--formation)' check -c web=

# --- options the command does not take
usage "check --json" '--json' check --json
usage "env --image" '--image' env --image x
usage "check --force" '--force' check --force
usage "start --app" '--app' start --app myapp
usage "ps -m" '(-m|--formation)' ps -m web=2

# --- operands
usage "run with no command" 'run|command' run
usage "run -- with no command" 'run|command' run --
usage "run with only options" 'run|command' run -p 5000
usage "check with an operand" 'web' check web
usage "env with two names" 'web\.2|operand|argument' env web.1 web.2
usage "export without operands" 'export|FORMAT|format' export
usage "export without DIR" 'export|DIR|dir' export systemd
usage "export with an extra operand" 'extra|operand|FORMAT and DIR' export systemd out extra
usage "export to an unknown format" 'nosuchformat' export nosuchformat out

# --- a usage error starts nothing, and comes before any app error
tf start --bogus
assert_eq "start --bogus: exit 2" 2 "$RC"
tf start -p abc
assert_eq "start -p abc: exit 2" 2 "$RC"
tf start -m web=x
assert_eq "start -m web=x: exit 2" 2 "$RC"
[ -e started.txt ] && fail "a usage error started nothing" || pass "a usage error started nothing"
printf 'web: a\nweb: b\n' >Procfile.bad
usage "a usage error wins over an invalid Procfile" '--bogus' check -f Procfile.bad --bogus

# --- malformed start operands are usage errors like malformed -m values;
# an unknown type or a count above the port step is the app's (exit 1)
usage "start web=x" "'web=x': expected TYPE or TYPE=N" start web=x
usage "start web=" "'web=': expected TYPE or TYPE=N" start web=
usage "start web=-1" "'web=-1'" start web=-1
usage "start web.1" "'web\\.1'" start web.1
usage "start web web=2" "'web=2': process type named twice" start web web=2
usage "-m web=1,web=2" "web.* named twice" start -m web=1,web=2
tf check -m web=101
assert_eq "-m web=101 (above the port step): exit 1" 1 "$RC"
assert_match "-m web=101: names the limit" 'from 0 to 100' "$ERR"

tf start --help web.1
assert_eq "start --help with an odd operand: help, exit 0" 0 "$RC"
tf check -m web=0000001
assert_eq "-m with leading zeros: exit 0" 0 "$RC"

# --- timeouts: decimals in any spelling
tf check -t .5
assert_eq "-t .5: exit 0" 0 "$RC"
tf check -t 2.
assert_eq "-t 2.: exit 0" 0 "$RC"
usage "-t ." "^tfrun: -t: '\\.' is not a number of seconds" check -t .
usage "--timeout ." "^tfrun: --timeout: '\\.' is not a number of seconds" check --timeout .

# --- the accepted spellings
tf check --port=6000
assert_match "--port=6000" '^would start: web\.1 \(port 6000\), worker\.1 \(port 6100\)$' "$OUT"
tf check -p6000 -mweb=2
assert_match "-p6000 -mweb=2" '^would start: web\.1 \(port 6000\), web\.2 \(port 6001\), worker\.1 \(port 6100\)$' "$OUT"
tf -p 6000 --formation=worker=0 check
assert_match "options before the command" '^would start: web\.1 \(port 6000\)$' "$OUT"
tf check -p 6000 --port-step=10 -c worker=2
assert_match "options after the command" '^would start: web\.1 \(port 6000\), worker\.1 \(port 6010\), worker\.2 \(port 6011\)$' "$OUT"
tf check -t 1.5 --color always --log-format json --restart on-failure --no-timestamp --no-prefix \
	--can-die worker --env-override --socket s.sock
assert_eq "every common option with a good value: exit 0" 0 "$RC"
tf check -t 0.5 --color=never --color auto --restart=always --restart never
assert_eq "-t 0.5 and repeated options: exit 0" 0 "$RC"
tf check -p 1
assert_eq "-p 1: exit 0" 0 "$RC"
tf check -p 65535 -m worker=0
assert_eq "-p 65535: exit 0" 0 "$RC"
tf check --
assert_eq "check --: exit 0" 0 "$RC"

# --- foreman's and honcho's spellings (SPEC section 1)
for opts in "--no-color" "--no-colour" "--color" "--timestamp" "--no-timestamp --timestamp" \
	"--color --no-prefix" "-q web" "--quiet web,worker" "-qweb" "--quiet=worker -q web"; do
	# shellcheck disable=SC2086
	tf check $opts
	assert_eq "check $opts: exit 0" 0 "$RC"
done
tf start --color web --bogus
assert_match "a bare --color before an operand: the operand stays one" '--bogus' "$ERR"
usage "--color=sometimes" "--color: 'sometimes' must be auto, always or never" check --color=sometimes
usage "--no-color=x" "option --no-color takes no value" check --no-color=x
usage "-q without a value" '(-q|--quiet)' check -q
usage "-q with a bad type name: named as typed" "^tfrun: -q: 'web.1' is not a valid process type name" check -q web.1
tf check -q nope
assert_eq "-q nope: an app error, exit 1" 1 "$RC"
assert_match "-q nope: names the type" "^tfrun: -q: no process type 'nope' in the Procfile" "$ERR"
tf check --quiet nope
assert_match "--quiet nope: names the type" "^tfrun: --quiet: no process type 'nope' in the Procfile" "$ERR"
usage "-c web=x: named as typed, the bound is the port step" "^tfrun: -c: 'web=x': count must be a whole number from 0 to the port step" check -c web=x

# --- help COMMAND lists only what the command uses
tf help run
assert_match "help run: -p" '-p, --port' "$OUT"
assert_no_match "help run: no --timeout" '--timeout' "$OUT"
assert_no_match "help run: no --formation" '--formation' "$OUT"
assert_no_match "help run: no --color" '--color' "$OUT"
tf help env
assert_match "help env: --port-step" '--port-step' "$OUT"
assert_no_match "help env: no --restart" '--restart' "$OUT"
tf help check
assert_match "help check: --formation" '--formation' "$OUT"
assert_no_match "help check: no --log-format" '--log-format' "$OUT"
tf help start
for o in --no-color --timestamp --quiet --no-env-override; do
	assert_match "help start: $o" "$o" "$OUT"
done

finish
