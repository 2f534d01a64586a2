#!/usr/bin/env bash
# Configuration: flags > TFRUN_* > tfrun.ini > defaults for the port, the
# port step, the formation and the timeout; --config and TFRUN_CONFIG;
# where relative paths resolve; bad TFRUN_* values; tfrun.ini errors.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# starts LABEL REGEX ARGS...: `tfrun check ARGS` succeeds and its
# would-start line matches REGEX.
starts() {
	local label=$1 re=$2
	shift 2
	tf check "$@"
	assert_eq "$label: exit 0" 0 "$RC"
	assert_match "$label" "^would start: $re\$" "$(printf '%s\n' "$OUT" | grep '^would start:')"
}

# invalid LABEL REGEX: after tf, exit 1, nothing on stdout, stderr matches.
invalid() {
	assert_eq "$1: exit 1" 1 "$RC"
	assert_eq "$1: nothing on stdout" "" "$OUT"
	assert_match "$1: reported" "$2" "$ERR"
}

printf 'web: %s wait\nworker: %s wait\n' "$C" "$C" >Procfile

# --- port: flags > TFRUN_PORT > tfrun.ini > merged PORT > 5000
starts "port: default 5000" 'web\.1 \(port 5000\), worker\.1 \(port 5100\)'
printf '[tfrun]\nport = 6000\n' >tfrun.ini
starts "port: tfrun.ini" 'web\.1 \(port 6000\), worker\.1 \(port 6100\)'
TF_ENV=(TFRUN_PORT=7000)
starts "port: TFRUN_PORT beats tfrun.ini" 'web\.1 \(port 7000\), worker\.1 \(port 7100\)'
starts "port: -p beats TFRUN_PORT" 'web\.1 \(port 8000\), worker\.1 \(port 8100\)' -p 8000
starts "port: --port=N form" 'web\.1 \(port 8001\), worker\.1 \(port 8101\)' --port=8001
TF_ENV=(TFRUN_PORT=)
starts "port: an empty TFRUN_PORT counts as unset" 'web\.1 \(port 6000\), worker\.1 \(port 6100\)'
TF_ENV=(PORT=9100)
printf 'PORT=9000\n' >.env
starts "port: tfrun.ini beats the env's PORT" 'web\.1 \(port 6000\), worker\.1 \(port 6100\)'
rm tfrun.ini
starts "port: .env's PORT beats the real PORT (env files win)" 'web\.1 \(port 9000\), worker\.1 \(port 9100\)'
starts "port: the real PORT with --no-env-override" 'web\.1 \(port 9100\), worker\.1 \(port 9200\)' --no-env-override
TF_ENV=()
starts "port: .env's PORT without settings" 'web\.1 \(port 9000\), worker\.1 \(port 9100\)'
rm .env
printf '[tfrun]\nport = 6000\n' >tfrun.ini
tf run "$C" env:PORT
assert_eq "port: run sees the tfrun.ini port" "PORT=6000" "$OUT"
TF_ENV=(TFRUN_PORT=7000)
tf env worker
assert_match "port: env sees TFRUN_PORT" '^PORT="?7100"?$' "$OUT"
TF_ENV=()
rm tfrun.ini

# --- port step
printf '[tfrun]\nport_step = 10\n' >tfrun.ini
starts "port_step: tfrun.ini" 'web\.1 \(port 5000\), worker\.1 \(port 5010\)'
TF_ENV=(TFRUN_PORT_STEP=20)
starts "port_step: TFRUN_PORT_STEP beats tfrun.ini" 'web\.1 \(port 5000\), worker\.1 \(port 5020\)'
starts "port_step: --port-step beats TFRUN_PORT_STEP" 'web\.1 \(port 5000\), worker\.1 \(port 5030\)' --port-step 30
TF_ENV=()
rm tfrun.ini

# --- formation: flags > TFRUN_FORMATION > tfrun.ini > all=1
printf '[tfrun]\nformation = web=2\n' >tfrun.ini
starts "formation: tfrun.ini" 'web\.1 \(port 5000\), web\.2 \(port 5001\), worker\.1 \(port 5100\)'
TF_ENV=(TFRUN_FORMATION=web=3)
starts "formation: TFRUN_FORMATION beats tfrun.ini" \
	'web\.1 \(port 5000\), web\.2 \(port 5001\), web\.3 \(port 5002\), worker\.1 \(port 5100\)'
starts "formation: -m beats TFRUN_FORMATION" 'worker\.1 \(port 5100\)' -m web=0
starts "formation: -c beats TFRUN_FORMATION" 'web\.1 \(port 5000\), worker\.1 \(port 5100\), worker\.2 \(port 5101\)' \
	-c web=1,worker=2
TF_ENV=()
printf '[tfrun]\nconcurrency = all=0, worker=2\n' >tfrun.ini
starts "formation: concurrency is an alias in tfrun.ini" 'worker\.1 \(port 5100\), worker\.2 \(port 5101\)'
printf '[tfrun]\n\nformation = web=1, nope=2\n' >tfrun.ini
tf check
invalid "formation: an unknown type in tfrun.ini names its line" '^tfrun: tfrun\.ini:3: .*nope'
TF_ENV=(TFRUN_FORMATION=nope=1)
tf check
invalid "formation: an unknown type in TFRUN_FORMATION names it" '^tfrun: TFRUN_FORMATION: .*nope'
TF_ENV=()
rm tfrun.ini

# --- timeout: visible in the shutdown log of a child that ignores SIGTERM
mkdir stop
printf 'stubborn: %s ignore:TERM print:1:ready wait\n' "$C" >stop/Procfile
# kill_after LABEL SECONDS-REGEX ARGS...: starts, stops with SIGTERM, and
# checks the SIGKILL came after the timeout the log names.
kill_after() {
	local label=$1 secs=$2
	shift 2
	start_bg out.txt start "$@"
	if ! wait_for out.txt 'stubborn\.1 +\| ready 1' 10; then
		fail "$label: started"
		return
	fi
	kill -TERM "$BG"
	wait_exit "$BG" 15
	assert_match "$label" "sending SIGKILL to stubborn\\.1 after ${secs}s" "$(cat out.txt)"
}
printf '[tfrun]\ntimeout = 0.3\n' >stop/tfrun.ini
kill_after "timeout: tfrun.ini" '0\.3' -d stop
TF_ENV=(TFRUN_TIMEOUT=0.5)
kill_after "timeout: TFRUN_TIMEOUT beats tfrun.ini" '0\.5' -d stop
kill_after "timeout: -t beats TFRUN_TIMEOUT" '0\.7' -d stop -t 0.7
TF_ENV=()
printf '[tfrun]\ntimeout = 0.3\n[process.stubborn]\ntimeout = 0.4\n' >stop/tfrun.ini
TF_ENV=(TFRUN_TIMEOUT=0.5)
kill_after "timeout: [process.TYPE] beats a flag" '0\.4' -d stop -t 0.7
TF_ENV=()

# [process.TYPE] stop_signal is the one the type gets.
printf 'gentle: %s trapexit:INT:0 print:1:ready wait\n' "$C" >stop/Procfile
printf '[process.gentle]\nstop_signal = SIGINT\n' >stop/tfrun.ini
start_bg out.txt start -d stop
if wait_for out.txt 'gentle\.1 +\| ready 1' 10; then
	kill -TERM "$BG"
	wait_exit "$BG" 15
	assert_match "stop_signal = SIGINT: the type gets SIGINT" 'gentle\.1 +\| got SIGINT' "$(cat out.txt)"
	assert_eq "stop_signal = SIGINT: exit 0" 0 "$RC"
else
	fail "stop_signal = SIGINT: started"
fi
rm -r stop

# --- --config and TFRUN_CONFIG; paths in an ini are relative to the root
mkdir conf
printf '[tfrun]\nport = 6000\n' >tfrun.ini
printf '[tfrun]\nport = 6100\nenv = my.env\n' >conf/other.ini
printf '[tfrun]\nport = 6200\n' >conf/third.ini
printf 'MINE=root-relative\n' >my.env
starts "--config: replaces the default tfrun.ini" 'web\.1 \(port 6100\), worker\.1 \(port 6200\)' --config conf/other.ini
tf run --config conf/other.ini "$C" env:MINE
assert_eq "--config: its env path is relative to the root" "MINE=root-relative" "$OUT"
TF_ENV=(TFRUN_CONFIG=conf/other.ini)
starts "TFRUN_CONFIG" 'web\.1 \(port 6100\), worker\.1 \(port 6200\)'
starts "--config beats TFRUN_CONFIG" 'web\.1 \(port 6200\), worker\.1 \(port 6300\)' --config conf/third.ini
TF_ENV=()
tf check --config conf/missing.ini
invalid "--config: a missing file is an error" '^tfrun: .*conf/missing\.ini'
TF_ENV=(TFRUN_CONFIG=conf/missing2.ini)
tf check
invalid "TFRUN_CONFIG: a missing file is an error" '^tfrun: .*conf/missing2\.ini'
assert_match "TFRUN_CONFIG: the error names the variable" '^tfrun: TFRUN_CONFIG: conf/missing2\.ini: cannot read' "$ERR"
TF_ENV=(TFRUN_PROCFILE=conf/NoProcfile)
tf check
assert_match "TFRUN_PROCFILE: the error names the variable" '^tfrun: TFRUN_PROCFILE: conf/NoProcfile: cannot read' "$ERR"
TF_ENV=(TFRUN_ROOT=conf/nodir)
tf check
assert_match "TFRUN_ROOT: the error names the variable" '^tfrun: TFRUN_ROOT: conf/nodir: the app root is not a directory' "$ERR"
TF_ENV=(TFRUN_ENV=conf/no.env)
tf check
assert_match "TFRUN_ENV: the error names the variable" '^tfrun: TFRUN_ENV: conf/no\.env: cannot read' "$ERR"
TF_ENV=()
tf check -e conf/no.env
assert_match "-e: the path as typed, no variable" '^tfrun: conf/no\.env: cannot read' "$ERR"
rm -r conf my.env tfrun.ini

# The default tfrun.ini, Procfile and .env are those of the root; env and
# procfile in tfrun.ini are relative to the root; -e and TFRUN_ENV to cwd.
mkdir app
printf 'dev: %s wait\n' "$C" >app/Procfile.dev
printf '[tfrun]\nprocfile = Procfile.dev\nenv = a.env, b.env\n' >app/tfrun.ini
printf 'FOO=app-a\nBAR=app-a\n' >app/a.env
printf 'BAR=app-b\n' >app/b.env
printf 'DEFAULT_ENV=1\n' >app/.env
printf 'FOO=cwd-a\n' >a.env
tf check -d app
assert_eq "-d app: app/tfrun.ini names Procfile.dev" "valid Procfile: dev" "$(printf '%s\n' "$OUT" | head -1)"
tf run -d app "$C" env:FOO env:BAR env:DEFAULT_ENV
assert_eq "tfrun.ini env: relative to the root, later file wins, .env replaced" "FOO=app-a
BAR=app-b
DEFAULT_ENV unset" "$OUT"
tf run -d app -e a.env "$C" env:FOO env:BAR
assert_eq "-e: relative to the current directory" "FOO=cwd-a
BAR unset" "$OUT"
TF_ENV=(TFRUN_ENV=a.env)
tf run -d app "$C" env:FOO
assert_eq "TFRUN_ENV: relative to the current directory" "FOO=cwd-a" "$OUT"
TF_ENV=()
tf run -f app/Procfile.dev "$C" env:BAR
assert_eq "-f app/Procfile.dev: the root is app, app/tfrun.ini is read" "BAR=app-b" "$OUT"
TF_ENV=(TFRUN_PROCFILE=app/Procfile.dev)
tf check
assert_match "TFRUN_PROCFILE: relative to cwd, root is its directory" '^valid Procfile: dev$' "$OUT"
TF_ENV=()

# env_override from tfrun.ini and TFRUN_ENV_OVERRIDE.
TF_ENV=(FOO=real)
tf run -d app "$C" env:FOO
assert_eq "env files win by default" "FOO=app-a" "$OUT"
printf '[tfrun]\nprocfile = Procfile.dev\nenv = a.env\nenv_override = false\n' >app/tfrun.ini
tf run -d app "$C" env:FOO
assert_eq "env_override = false in tfrun.ini" "FOO=real" "$OUT"
TF_ENV=(FOO=real TFRUN_ENV_OVERRIDE=1)
tf run -d app "$C" env:FOO
assert_eq "TFRUN_ENV_OVERRIDE=1 beats tfrun.ini" "FOO=app-a" "$OUT"
printf '[tfrun]\nprocfile = Procfile.dev\nenv = a.env\n' >app/tfrun.ini
TF_ENV=(FOO=real TFRUN_ENV_OVERRIDE=0)
tf run -d app "$C" env:FOO
assert_eq "TFRUN_ENV_OVERRIDE=0" "FOO=real" "$OUT"
tf run -d app --env-override "$C" env:FOO
assert_eq "--env-override beats TFRUN_ENV_OVERRIDE=0" "FOO=app-a" "$OUT"
TF_ENV=()

# Errors in the root's tfrun.ini are named by its path.
printf '[tfrun]\nport = 70000\n' >app/tfrun.ini
tf check -d app
invalid "an error in app/tfrun.ini names its path" '^tfrun: app/tfrun\.ini:2: .*port'
rm -r app a.env

# --- bad TFRUN_* values: exit 1, naming the variable
for v in TFRUN_PORT=abc TFRUN_PORT=70000 TFRUN_PORT=0 TFRUN_TIMEOUT=soon TFRUN_TIMEOUT=-1 \
	TFRUN_COLOR=purple TFRUN_PORT_STEP=x TFRUN_RESTART=sometimes TFRUN_LOG_FORMAT=xml \
	TFRUN_FORMATION=web=x TFRUN_ENV_OVERRIDE=maybe; do
	TF_ENV=("$v")
	tf check
	invalid "bad $v" "^tfrun: ${v%%=*}\\b"
done
TF_ENV=(TFRUN_PORT=abc TFRUN_TIMEOUT=soon)
tf check
assert_match "two bad variables: the first named" '^tfrun: TFRUN_PORT\b' "$ERR"
assert_match "two bad variables: the second named" '^tfrun: TFRUN_TIMEOUT\b' "$ERR"
TF_ENV=()

# --- tfrun.ini errors: tfrun.ini:LINE
bad_ini() {
	local label=$1 content=$2 re=$3
	printf '%b' "$content" >tfrun.ini
	tf check
	invalid "$label" "$re"
	rm -f tfrun.ini
}
bad_ini "[process.web] bad stop_signal" '[tfrun]\nport = 5000\n\n[process.web]\nstop_signal = SIGFOO\n' \
	'^tfrun: tfrun\.ini:5: .*(stop_signal|SIGFOO)'
bad_ini "[process.web] bad timeout" '[process.web]\ntimeout = abc\n' '^tfrun: tfrun\.ini:2: .*timeout'
bad_ini "[process.web] bad restart" '[process.web]\nrestart = sometimes\n' '^tfrun: tfrun\.ini:2: .*restart'
bad_ini "[process.web] unknown key" '[process.web]\nport = 1\n' '^tfrun: tfrun\.ini:2: .*port'
bad_ini "port above 65535" '[tfrun]\nport = 70000\n' '^tfrun: tfrun\.ini:2: .*port'
bad_ini "negative timeout" '[tfrun]\ntimeout = -1\n' '^tfrun: tfrun\.ini:2: .*timeout'
bad_ini "bad color" '[tfrun]\n; a comment\ncolor = purple\n' '^tfrun: tfrun\.ini:3: .*color'
bad_ini "bad boolean" '[tfrun]\nenv_override = maybe\n' '^tfrun: tfrun\.ini:2: .*env_override'
bad_ini "unknown key" '[tfrun]\nprocfiel = Procfile\n' '^tfrun: tfrun\.ini:2: .*procfiel'
bad_ini "unknown section" '[tfrun]\n[server]\nport = 1\n' '^tfrun: tfrun\.ini:2: .*server'
bad_ini "bad formation syntax" '[tfrun]\nformation = web=x\n' '^tfrun: tfrun\.ini:2: '
printf '[tfrun]\nport = abc\n[process.web]\nstop_signal = NOPE\n' >tfrun.ini
tf check
invalid "two ini errors: the first" '^tfrun: tfrun\.ini:2: '
assert_match "two ini errors: the second" '^tfrun: tfrun\.ini:4: ' "$ERR"
printf '[process.web]\nstop_signal = SIGFOO\n' >bad.ini
tf check --config bad.ini
invalid "--config bad.ini: errors name that file" '^tfrun: bad\.ini:2: '
rm -f tfrun.ini bad.ini

# Good values of every kind are accepted.
cat >tfrun.ini <<'EOF'
[tfrun]
procfile = Procfile
env_override = no
formation = all=1, web=2
port = 5000
port_step = 100
timeout = 2.5
color = never
no_timestamp = yes
no_prefix = off
log_format = json
restart = on-failure
can_die = worker
socket = .tfrun.sock

[process.web]
stop_signal = INT
timeout = 10
restart = always
can_die = false

[process.worker]
stop_signal = 15
EOF
starts "a full tfrun.ini is valid" 'web\.1 \(port 5000\), web\.2 \(port 5001\), worker\.1 \(port 5100\)'
rm tfrun.ini

# --- files named in tfrun.ini that cannot be read name the INI line
mkdir inidir
printf 'web: x\n' >inidir/Procfile
printf '[tfrun]\n\nenv = missing.env\n' >inidir/tfrun.ini
tf check -d inidir
assert_eq "ini env file missing: exit 1" 1 "$RC"
assert_match "ini env file missing: names tfrun.ini and the line" '^tfrun: inidir/tfrun\.ini:3: inidir/missing\.env: cannot read' "$ERR"
printf '[tfrun]\nprocfile = nope\n' >inidir/tfrun.ini
tf check -d inidir
assert_match "ini procfile missing: names tfrun.ini and the line" '^tfrun: inidir/tfrun\.ini:2: inidir/nope: cannot read' "$ERR"

finish
