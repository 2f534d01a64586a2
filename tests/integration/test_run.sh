#!/usr/bin/env bash
# tfrun run: exec semantics (exit status, signals, the pid), several
# arguments without a shell, one through sh -c, a Procfile type's command,
# 127/126, stdin, the root as working directory, PORT and PS, `--`, and the
# command's own options.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

cat >Procfile <<'EOF'
web: echo "web says $PS on $PORT in $(pwd)"; exit 4
worker: echo worker
EOF
printf 'FROM_ENV=dotenv value\n' >.env

# --- the exit status is the command's
tf run sh -c 'exit 7'
assert_eq "run sh -c 'exit 7': 7" 7 "$RC"
tf run 'exit 5'
assert_eq "one argument through sh: 'exit 5' gives 5" 5 "$RC"
tf run "$C" exit:9
assert_eq "tf-child exit:9: 9" 9 "$RC"
tf run "$C" exit:0
assert_eq "exit 0: 0" 0 "$RC"
tf run "$C" kill:TERM
assert_eq "killed by SIGTERM: the shell sees 143" 143 "$RC"
tf run false
assert_eq "run false: 1" 1 "$RC"

# tfrun replaces itself: the command has tfrun's pid.
"${CLEAN_ENV[@]}" "$TFRUN" run sh -c 'echo $$' >pid.txt 2>&1 &
pid=$!
wait "$pid"
assert_eq "exec: the command keeps tfrun's pid" "$pid" "$(cat pid.txt)"

# A signal to tfrun is the command's own.
"${CLEAN_ENV[@]}" "$TFRUN" run "$C" trapexit:USR1:42 print:1:ready wait >sig.txt 2>&1 &
pid=$!
BG_PIDS="$BG_PIDS $pid"
if wait_for sig.txt '^ready 1$' 10; then
	kill -USR1 "$pid"
	wait "$pid"
	rc=$?
	assert_eq "a signal to tfrun reaches the command (its trap exits 42)" 42 "$rc"
	assert_match "the command's trap ran" '^got SIGUSR1$' "$(cat sig.txt)"
else
	fail "a signal to tfrun reaches the command (never ready)"
fi

# --- several arguments: no shell
tf run printf '%s\n' '$HOME;x' '*' 'a b' '`id`'
assert_eq "several args: exit 0" 0 "$RC"
assert_eq "several args: passed literally, no shell" '$HOME;x
*
a b
`id`' "$OUT"
tf run "$C" 'print:1:a  b; echo injected'
assert_eq "several args: one argument with spaces stays one" 'a  b; echo injected 1' "$OUT"

# --- one argument: through /bin/sh -c
tf run 'echo $PS'
assert_eq "run 'echo \$PS': run.1" "run.1" "$OUT"
tf run 'echo one; echo two | tr a-z A-Z'
assert_eq "one argument: a shell pipeline" "one
TWO" "$OUT"
tf run 'echo "$FROM_ENV"'
assert_eq "one argument: the .env values" "dotenv value" "$OUT"

# --- a Procfile type name runs that type's command
tf run web
assert_eq "run web: its status" 4 "$RC"
assert_eq "run web: the web command, PS=run.1, base PORT, in the root" \
	"web says run.1 on 5000 in $(pwd -P)" "$OUT"
tf run -p 6100 -m web=3 web
assert_eq "run web -p 6100: PORT is the base port" "web says run.1 on 6100 in $(pwd -P)" "$OUT"
tf run worker
assert_eq "run worker" "worker" "$OUT"
# Several args are never a type name.
tf run web extra
assert_eq "run web extra: not the Procfile command (no 'web' program)" 127 "$RC"

# --- a missing command: 127 with a message
tf run no-such-command-tfrun-test arg
assert_eq "missing command (several args): 127" 127 "$RC"
assert_match "missing command (several args): a message" 'no-such-command-tfrun-test.*not found' "$ERR"
assert_match "missing command (several args): tfrun's prefix" '^tfrun: ' "$ERR"
tf run no-such-command-tfrun-test
assert_eq "missing command (one arg, sh): 127" 127 "$RC"
assert_match "missing command (one arg, sh): a message" 'no-such-command-tfrun-test.*not found' "$ERR"
tf run ./no-such-file x
assert_eq "missing path: 127" 127 "$RC"
printf '#!/bin/sh\necho hi\n' >noexec.sh
chmod 644 noexec.sh
tf run ./noexec.sh x
assert_eq "not executable: 126" 126 "$RC"
assert_match "not executable: a message" '^tfrun: .*noexec\.sh' "$ERR"

# --- stdin passes through
out=$(echo hi | tfrun run "$C" stdin)
assert_eq "stdin passes through (several args)" "stdin=hi" "$out"
out=$(printf 'line one\nline two\n' | tfrun run 'read a; read b; echo "$b|$a"')
assert_eq "stdin passes through (sh -c)" "line two|line one" "$out"
out=$(tfrun run "$C" stdin </dev/null)
assert_eq "stdin at EOF" "stdin=EOF" "$out"

# --- the root is the working directory
mkdir -p app/sub elsewhere
printf 'web: %s cwd\n' "$C" >app/Procfile
root=$(cd app && pwd -P)
tf run -d app "$C" cwd
assert_eq "-d app: runs in the root" "cwd=$root" "$OUT"
tf -d app run "$C" cwd
assert_eq "-d before the command" "cwd=$root" "$OUT"
tf run -f app/Procfile "$C" cwd
assert_eq "-f app/Procfile: the root is its directory" "cwd=$root" "$OUT"
tf run -f app/Procfile web
assert_eq "-f app/Procfile web: the type's command in the root" "cwd=$root" "$OUT"
out=$(cd elsewhere && tfrun run -d ../app "$C" cwd)
assert_eq "-d ../app from elsewhere" "cwd=$root" "$out"
TF_ENV=(TFRUN_ROOT=app)
tf run "$C" cwd
assert_eq "TFRUN_ROOT=app" "cwd=$root" "$OUT"
TF_ENV=()
tf run "$C" cwd
assert_eq "no -d: the current directory" "cwd=$(pwd -P)" "$OUT"
printf 'IN_APP=yes\n' >app/.env
tf run -d app "$C" env:IN_APP
assert_eq "-d app: app/.env is the default env file" "IN_APP=yes" "$OUT"
tf run -d app/nope "$C" cwd
assert_eq "-d to a missing directory: exit 1" 1 "$RC"
assert_match "-d to a missing directory: named" '^tfrun: .*app/nope' "$ERR"

# --- PORT and PS
tf run "$C" env:PORT env:PS
assert_eq "PORT is the base port, PS=run.1" "PORT=5000
PS=run.1" "$OUT"
tf run -p 6000 "$C" env:PORT
assert_eq "-p 6000: PORT=6000" "PORT=6000" "$OUT"
TF_ENV=(PORT=6500 PS=outer)
tf run "$C" env:PORT env:PS
assert_eq "PORT from the real env is the base; PS is run.1" "PORT=6500
PS=run.1" "$OUT"
TF_ENV=()
tf run "$C" env:FROM_ENV env:HOME
assert_eq "the .env values and the real environment" "FROM_ENV=dotenv value
HOME=$T" "$OUT"

# PATH from an env file counts when looking for the command.
mkdir -p bin
printf '#!/bin/sh\necho "mytool $*"\n' >bin/mytool
chmod 755 bin/mytool
printf 'PATH=%s/bin:${PATH}\n' "$T" >path.env
tf run -e path.env mytool a b
assert_eq "the command is searched for in the merged PATH" "mytool a b" "$OUT"
# PATH=./bin:$PATH in .env takes effect by default (env files win), and a
# relative entry is relative to the root, where run executes.
mkdir -p pathapp/bin
printf '#!/bin/sh\necho "tool in $(pwd -P): $*"\n' >pathapp/bin/tool
chmod 755 pathapp/bin/tool
printf 'PATH=./bin:$PATH\n' >pathapp/.env
tf run -d pathapp tool x
assert_eq "PATH=./bin:\$PATH in .env finds ./bin/tool" "tool in $(cd pathapp && pwd -P): x" "$OUT"
tf run -d pathapp 'tool y'
assert_eq "PATH=./bin:\$PATH in .env: through sh -c too" "tool in $(cd pathapp && pwd -P): y" "$OUT"
tf run -d pathapp --no-env-override tool x
assert_eq "--no-env-override: the real PATH wins, no tool" 127 "$RC"

# --- run checks only the port it uses (SPEC section 9)
tf run -p 65500 "$C" env:PORT
assert_eq "run -p 65500 with types above 65535: exit 0" 0 "$RC"
assert_eq "run -p 65500: PORT=65500" "PORT=65500" "$OUT"
TF_ENV=(TFRUN_FORMATION=nope=1)
tf run "$C" env:PS
assert_eq "run ignores the formation it does not use" "PS=run.1" "$OUT"
TF_ENV=()
# The command gets PWD as a process of start would: the root.
tf run -d app "$C" env:PWD
assert_eq "run: PWD is the root" "PWD=$root" "$OUT"

# --- "--" and the command's own options
tf run -- "$C" print:1:after-dashes
assert_eq "run -- CMD" "after-dashes 1" "$OUT"
tf -p 6000 run -- "$C" env:PORT
assert_eq "-p before run, then --" "PORT=6000" "$OUT"
tf run printf '%s\n' -p --help -m web=2 --
assert_eq "options after the command are the command's" "-p
--help
-m
web=2
--" "$OUT"
tf run -- printf '%s\n' --version
assert_eq "-- then a command with its own options" "--version" "$OUT"
tf run sh -c 'echo "$0 $1"' -e --bogus
assert_eq "sh -c with option-like arguments" "-e --bogus" "$OUT"
# One argument that looks like an option goes to the shell as a command.
printf '#!/bin/sh\necho dash-script ran\n' >./-x.sh
chmod +x ./-x.sh
TF_ENV=("PATH=$T:/usr/bin:/bin")
tf run -- '-x.sh'
TF_ENV=()
assert_eq "one argument starting with -: a command, not an option of sh" "dash-script ran" "$OUT"

# --- an invalid app runs nothing
printf 'web: x\nweb: y\n' >Procfile
tf run sh -c 'echo ran >ran.txt'
assert_eq "invalid Procfile: exit 1" 1 "$RC"
assert_match "invalid Procfile: reported" '^tfrun: Procfile:2: ' "$ERR"
[ -e ran.txt ] && fail "invalid Procfile: nothing ran" || pass "invalid Procfile: nothing ran"

# --- run and env work without a Procfile, like foreman run
mkdir noproc
printf 'ONLY=here\n' >noproc/.env
(cd noproc && "${CLEAN_ENV[@]}" "$TFRUN" run sh -c 'echo "$ONLY $PS"') >np.txt 2>&1
assert_eq "run without a Procfile: exit 0" 0 "$?"
assert_eq "run without a Procfile: the .env applies" "here run.1" "$(cat np.txt)"
(cd noproc && "${CLEAN_ENV[@]}" "$TFRUN" env) >np.txt 2>&1
assert_match "env without a Procfile" '^ONLY=here$' "$(cat np.txt)"
(cd noproc && "${CLEAN_ENV[@]}" "$TFRUN" check) >np.txt 2>&1
assert_eq "check still needs one" 1 "$?"

finish
