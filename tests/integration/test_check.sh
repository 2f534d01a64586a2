#!/usr/bin/env bash
# tfrun check: a valid app and what it would start, every invalid Procfile
# form of SPEC section 2, several errors at once (Procfile, .env and
# tfrun.ini in one run), and the errors found only once the formation and
# the ports are known.
. "$(dirname "$0")/lib.sh"

# check_invalid NAME PATTERN: after tf, the run failed with exit 1, printed
# nothing on stdout, and an error line on stderr matched PATTERN.
check_invalid() {
	assert_eq "$1: exit 1" 1 "$RC"
	assert_eq "$1: nothing on stdout" "" "$OUT"
	assert_match "$1: reported" "$2" "$ERR"
}

# --- a valid app: the names in file order, the instances and their ports
cat >Procfile <<'EOF'
# the web server
web: bundle exec puma -p $PORT

worker:   bundle exec sidekiq
clock: bin/clock --every 5s
EOF
tf check
assert_eq "valid: exit 0" 0 "$RC"
assert_eq "valid: exact output" "valid Procfile: web, worker, clock
would start: web.1 (port 5000), worker.1 (port 5100), clock.1 (port 5200)" "$OUT"
assert_eq "valid: nothing on stderr" "" "$ERR"

tf check -m all=2,worker=0 -p 6000
assert_eq "-m/-p: exit 0" 0 "$RC"
assert_eq "-m/-p: instances and ports" "valid Procfile: web, worker, clock
would start: web.1 (port 6000), web.2 (port 6001), clock.1 (port 6200), clock.2 (port 6201)" "$OUT"

tf check --port-step 10 -m 'web=3, clock=2'
assert_eq "--port-step: exit 0" 0 "$RC"
assert_match "--port-step: ports 10 apart per type" \
	'^would start: web\.1 \(port 5000\), web\.2 \(port 5001\), web\.3 \(port 5002\), worker\.1 \(port 5010\), clock\.1 \(port 5020\), clock\.2 \(port 5021\)$' "$OUT"

tf check -c worker=2
assert_match "-c is -m" '^would start: web\.1 \(port 5000\), worker\.1 \(port 5100\), worker\.2 \(port 5101\), clock\.1 \(port 5200\)$' "$OUT"

# A type with count 0 keeps its index: the next type's port does not move.
tf check -m web=0
assert_match "count 0 keeps the index" '^would start: worker\.1 \(port 5100\), clock\.1 \(port 5200\)$' "$OUT"

# The base port comes from the merged env's PORT when no option gives one.
printf 'PORT=7000\n' >.env
tf check
assert_match "PORT from .env is the base port" '^would start: web\.1 \(port 7000\), worker\.1 \(port 7100\)' "$OUT"
TF_ENV=(PORT=7500)
tf check
assert_match "PORT from .env wins over the real env" '^would start: web\.1 \(port 7000\), worker\.1 \(port 7100\)' "$OUT"
tf check --no-env-override
assert_match "--no-env-override: PORT from the real env wins" '^would start: web\.1 \(port 7500\), worker\.1 \(port 7600\)' "$OUT"
TF_ENV=()
rm .env

# Order in the file, not alphabetical; CRLF, a BOM, comments and blank lines.
printf '\xef\xbb\xbfzeta: run z\r\n\r\n   # a comment\r\nalpha: run a\r\nmid_1-x:run m\r\n' >Procfile
tf check
assert_eq "BOM/CRLF: exit 0" 0 "$RC"
assert_eq "BOM/CRLF: file order" "valid Procfile: zeta, alpha, mid_1-x
would start: zeta.1 (port 5000), alpha.1 (port 5100), mid_1-x.1 (port 5200)" "$OUT"

# A 63-character name is the longest allowed.
n63=$(printf 'a%.0s' $(seq 63))
printf '%s: x\n' "$n63" >Procfile
tf check
assert_eq "63-character name: exit 0" 0 "$RC"

# --- every invalid Procfile form, each reported as Procfile:LINE:
bad_procfile() {
	local name=$1 content=$2 pattern=$3
	printf '%b' "$content" >Procfile
	tf check
	check_invalid "$name" "$pattern"
}
bad_procfile "leading blank" 'web: ok\n web: x\n' '^tfrun: Procfile:2: '
bad_procfile "blank before ':'" 'web : x\n' '^tfrun: Procfile:1: '
bad_procfile "dot in name" '# c\nweb.1: x\n' '^tfrun: Procfile:2: '
bad_procfile "no ':'" 'web x\n' '^tfrun: Procfile:1: '
bad_procfile "empty name" ': x\n' '^tfrun: Procfile:1: '
bad_procfile "bad character in name" 'we$b: x\n' '^tfrun: Procfile:1: '
bad_procfile "empty command" 'a: x\nweb:\n' '^tfrun: Procfile:2: '
bad_procfile "blank-only command" 'web: \t  \n' '^tfrun: Procfile:1: '
bad_procfile "empty command, CRLF" 'web:\r\n' '^tfrun: Procfile:1: '
bad_procfile "64-character name" "a${n63}: x\\n" '^tfrun: Procfile:1: .*63'
bad_procfile "duplicate name, both lines" 'web: a\nworker: b\nweb: c\n' \
	'^tfrun: Procfile:3: .*web.*(line )?1\b'
bad_procfile "no process types" '# only a comment\n\n' '^tfrun: Procfile:([0-9]+:)? .*no process type'
bad_procfile "empty file" '' '^tfrun: Procfile:([0-9]+:)? .*no process type'
bad_procfile "NUL byte" 'web: a\0b\n' '^tfrun: Procfile:1: '

# --- several errors at once: every one listed, in Procfile, .env and ini
printf 'web: ok\n web: a\nweb : b\nweb.1: c\nworker:\nweb: dup\n' >Procfile
printf 'GOOD=1\nbad key=2\nNOEQUALS\nQ="never closed\nX=1\n' >.env
printf '[tfrun]\nport = 5000\nbogus_key = 1\n[nonsense]\n' >tfrun.ini
tf check
check_invalid "several errors" '^tfrun: Procfile:2: '
for pat in '^tfrun: Procfile:3: ' '^tfrun: Procfile:4: ' '^tfrun: Procfile:5: ' \
	'^tfrun: Procfile:6: .*web' '^tfrun: \.env:2: ' '^tfrun: \.env:3: ' \
	'^tfrun: \.env:4: .*(quote|unterminated)' '^tfrun: tfrun\.ini:3: .*bogus_key' \
	'^tfrun: tfrun\.ini:4: .*nonsense'; do
	assert_match "several errors: $pat" "$pat" "$ERR"
done
assert_no_match "several errors: the valid first line is no error" '^tfrun: Procfile:1:' "$ERR"
assert_no_match "several errors: no 'valid Procfile' line anywhere" 'valid Procfile' "$ERR"
assert_eq "several errors: every stderr line has the 'tfrun: ' prefix" 0 \
	"$(grep -cv '^tfrun: ' "$T/.stderr")"
assert_eq "several errors: one line per error" 10 "$(wc -l <"$T/.stderr")"
rm .env tfrun.ini

# Errors in an explicit env file are named by its path.
printf 'web: ok\n' >Procfile
mkdir -p conf
printf 'A=1\n\nB="a\n\n' >conf/extra.env
tf check -e conf/extra.env
check_invalid "env file error names its path and the opening line" '^tfrun: conf/extra\.env:3: '

# An expansion error (${VAR:?message}) is an env file error too.
printf 'NEED=${MISSING_VAR:?set MISSING_VAR first}\n' >.env
tf check
check_invalid ".env \${VAR:?msg}" '^tfrun: \.env:1: .*set MISSING_VAR first'
rm .env

# --- files that are not there
tf check -e nope.env
check_invalid "missing explicit env file" '^tfrun: .*nope\.env'
tf check -e conf/extra.env,nope2.env
assert_match "missing second env file named too" '^tfrun: .*nope2\.env' "$ERR"
rm Procfile
tf check
check_invalid "missing Procfile" '^tfrun: .*Procfile'
tf check -f other/Procfile
check_invalid "missing -f Procfile" '^tfrun: .*other/Procfile'
rm -r conf

# --- errors found once the formation and ports are known
printf 'web: a\nworker: b\nclock: c\n' >Procfile
tf check -m web=1,nope=2
check_invalid "unknown type in -m" '^tfrun: .*nope'
tf check -m web=101
check_invalid "count above the default port step" '^tfrun: .*101'
tf check -m web=100
assert_eq "count equal to the port step: exit 0" 0 "$RC"
tf check --port-step 10 -m worker=11
check_invalid "count above --port-step" '^tfrun: .*11'
printf '[tfrun]\nport_step = 10\n' >tfrun.ini
tf check -m web=11
check_invalid "count above the ini port_step" '^tfrun: .*11'
rm tfrun.ini
tf check -p 65535 -m web=1,worker=0,clock=0
assert_eq "port 65535: exit 0" 0 "$RC"
assert_match "port 65535: shown" '^would start: web\.1 \(port 65535\)$' "$OUT"
tf check -p 65535 -m web=2,worker=0,clock=0
check_invalid "web.2 on port 65536" '^tfrun: .*65535'
tf check -p 65500
check_invalid "worker.1 above 65535" '^tfrun: .*worker\.1.*65535'

# [process.TYPE] for a type not in the Procfile
printf '[tfrun]\ntimeout = 3\n\n[process.nope]\ntimeout = 10\n' >tfrun.ini
tf check
check_invalid "[process.nope]" '^tfrun: tfrun\.ini:4: .*nope'
printf '[process.web]\ntimeout = 10\n' >tfrun.ini
tf check
assert_eq "[process.web] for a real type: exit 0" 0 "$RC"
rm tfrun.ini

# --- tfrun.ini errors are listed even when the Procfile is broken too
printf 'web x\n' >Procfile.broken
printf '[tfrun]\nformation = web=x\nport = abc\n[process.web]\ntimeout = q\n' >tfrun.ini
tf check -f Procfile.broken
check_invalid "broken Procfile and tfrun.ini" '^tfrun: Procfile\.broken:1: '
assert_match "broken Procfile: the ini's bad formation too" '^tfrun: tfrun\.ini:2: ' "$ERR"
assert_match "broken Procfile: the ini's bad port too" '^tfrun: tfrun\.ini:3: ' "$ERR"
assert_match "broken Procfile: the ini's bad timeout too" '^tfrun: tfrun\.ini:5: ' "$ERR"
rm tfrun.ini Procfile.broken

# --- -q (quiet) names types of the Procfile
printf '[tfrun]\nquiet = nope\n' >tfrun.ini
tf check
check_invalid "quiet = nope in tfrun.ini" "^tfrun: tfrun\.ini:2: no process type 'nope'"
rm tfrun.ini
TF_ENV=(TFRUN_QUIET=clock)
tf check
assert_eq "TFRUN_QUIET=clock: exit 0" 0 "$RC"
TF_ENV=()

# --- readiness and order (SPEC section 6b): errors name tfrun.ini's line
printf 'web: a\nworker: b\nclock: c\n' >Procfile
cat >tfrun.ini <<'EOF2'
[process.web]
after = worker:ready, clock:started
ready = http://127.0.0.1:$PORT/health
[process.worker]
ready = tcp:$PORT
EOF2
tf check
assert_eq "after and ready: exit 0" 0 "$RC"
assert_match "after: check prints the start order" '^start order: worker, clock -> web$' "$OUT"
printf '[process.web]\n\nafter = nope, worker\n' >tfrun.ini
tf check
check_invalid "after: an unknown type" "^tfrun: tfrun\.ini:3: after: no process type 'nope' in the Procfile$"
cat >tfrun.ini <<'EOF2'
[process.web]
after = worker
[process.worker]
after = clock:done
[process.clock]
after = web:started
EOF2
tf check
check_invalid "after: a cycle names its members" '^tfrun: tfrun\.ini:2: dependency cycle: web -> worker -> clock -> web$'
# Every error is listed: an unknown type elsewhere does not hide the cycle.
printf '[process.web]\nafter = worker\n[process.worker]\nafter = web\n[process.clock]\nafter = nosuch\n' >tfrun.ini
tf check
check_invalid "after: an unknown type" "^tfrun: tfrun\.ini:6: after: no process type 'nosuch' in the Procfile$"
assert_match "after: and the cycle as well" '^tfrun: tfrun\.ini:2: dependency cycle: web -> worker -> web$' "$ERR"
printf '[process.web]\nafter = web\n' >tfrun.ini
tf check
check_invalid "after: a type waiting for itself" '^tfrun: tfrun\.ini:2: dependency cycle: web -> web$'
printf '[process.web]\nready = log:(\n[process.worker]\nready = tcp:host\n' >tfrun.ini
tf check
check_invalid "ready: a bad regex" "^tfrun: tfrun\.ini:2: ready: 'log:\(' is not a valid regular expression: "
assert_match "ready: a bad tcp probe" "^tfrun: tfrun\.ini:4: ready: 'tcp:host' is not tcp:PORT" "$ERR"
# glibc's regcomp overflows its stack on this ({,N} is {0,N}): refused first.
printf '[process.web]\nready = log:((()){,200}){1,200}\n' >tfrun.ini
tf check
check_invalid "ready: a regex too complex to compile" "^tfrun: tfrun\.ini:2: ready: 'log:\(\(\(\)\)\{,200\}\)\{1,200\}' repeats an expression that can match nothing more than 8 times \(too slow to compile\)$"
printf '[process.web]\nready = http://db.internal:8080/\n' >tfrun.ini
tf check
check_invalid "ready: a host name" "^tfrun: tfrun\.ini:2: ready: 'http://db\.internal:8080/' names a host: probes do not look names up \(use an IP address or localhost\)$"
printf '[process.web]\nstdin = true\n[process.worker]\nstdin = yes\n' >tfrun.ini
tf check
check_invalid "stdin = true twice" '^tfrun: tfrun\.ini:4: stdin: only one type can read the terminal \(web already does, line 2\)$'
rm tfrun.ini
tf check --stdin nope.1
check_invalid "--stdin: an unknown type" "^tfrun: --stdin: no process type 'nope' in the Procfile$"

# --- keys that are not shell identifiers: a warning, still valid
printf 'a.b=1\nGOOD_KEY=2\nx-y=3\n1A=4\n_ok=5\n' >.env
tf check
assert_eq "warning: exit 0" 0 "$RC"
assert_match "warning: stdout still says valid" '^valid Procfile: web, worker, clock$' "$OUT"
assert_match "warning for a.b" '^tfrun: warning: .*a\.b' "$ERR"
assert_match "warning for x-y" '^tfrun: warning: .*x-y' "$ERR"
assert_match "warning for 1A" '^tfrun: warning: .*1A' "$ERR"
assert_no_match "no warning for GOOD_KEY" 'GOOD_KEY' "$ERR"
assert_no_match "no warning for _ok" "_ok" "$ERR"
assert_no_match "warnings are not on stdout" 'warning' "$OUT"
assert_match "a key warning names the file and line" '^tfrun: warning: \.env:4: .*1A' "$ERR"
rm .env

# --- a reference to a name set nowhere: a warning naming the line
printf 'DB_PASS=s3cr$tP@ss\nOK=${NOPE:-fine}\nHOME_TOO=$HOME\nB=${MISSING}\n' >.env
tf check
assert_eq "unset reference: still valid" 0 "$RC"
assert_match "unset reference: \$tP in an unquoted password" '^tfrun: warning: \.env:1: \$tP is not set; it expands to ""$' "$ERR"
assert_match "unset reference: \${MISSING}" '^tfrun: warning: \.env:4: \$\{MISSING\} is not set; it expands to ""$' "$ERR"
assert_eq "unset reference: no warning for a default or a set name" 2 "$(grep -c 'is not set' "$T/.stderr")"
rm .env

finish
