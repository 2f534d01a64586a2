#!/usr/bin/env bash
# tfrun start: shutdown on signals, the SIGKILL deadline, the second signal,
# exit statuses, --can-die, process groups, signal forwarding, EPIPE.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# --- each of SIGINT, SIGTERM, SIGHUP stops everything; status 0
cat >Procfile <<EOF2
web: $C print:1:up wait
worker: $C print:1:up wait
EOF2
for sig in INT TERM HUP; do
	# ^C gives the processes SIGINT, as the terminal would under foreman.
	stop=TERM; [ "$sig" = INT ] && stop=INT
	start_bg out.txt start
	wait_for out.txt 'web\.1 +\| up 1' && wait_for out.txt 'worker\.1 +\| up 1'
	kill -"$sig" "$BG"
	wait_exit "$BG" 15
	out=$(cat out.txt)
	assert_eq "SIG$sig: exit 0" 0 "$RC"
	assert_match "SIG$sig: logged" "system +\\| SIG$sig received, starting shutdown" "$out"
	assert_match "SIG$sig: SIG$stop to all" "system +\\| sending SIG$stop to all processes" "$out"
	assert_match "SIG$sig: web ended by SIG$stop" "web\\.1 terminated by SIG$stop" "$out"
	assert_match "SIG$sig: worker ended by SIG$stop" "worker\\.1 terminated by SIG$stop" "$out"
done

# --- under nohup (SIGHUP ignored from the start) SIGHUP stays ignored, in
# both tfrun processes; SIGTERM still stops it
: >out.txt
setsid bash -c 'trap "" HUP; exec "$@"' nohup "${CLEAN_ENV[@]}" "$TFRUN" start >>out.txt 2>&1 </dev/null &
BG=$!
BG_PIDS="$BG_PIDS $BG"
wait_for out.txt 'web\.1 +\| up 1' && wait_for out.txt 'worker\.1 +\| up 1'
kill -HUP "$BG" $(pgrep -P "$BG")
kill -HUP "$BG"
wait_for out.txt 'SIGHUP received' 1
kill -0 "$BG" 2>/dev/null && pass "nohup: SIGHUP ignored, tfrun runs on" ||
	fail "nohup: SIGHUP ignored, tfrun runs on"
assert_no_match "nohup: no shutdown logged" 'SIGHUP received|starting shutdown' "$(cat out.txt)"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "nohup: SIGTERM still stops it, exit 0" 0 "$RC"

# --- ^C: a Python program without -u gets SIGINT, so it flushes the output
# it buffered (SIGTERM would kill it with the lines still in its buffer)
cat >Procfile <<'EOF2'
py: python3 -c "import sys, time; print('buffered line'); print('asleep', file=sys.stderr); time.sleep(60)"
EOF2
start_bg out.txt start
# stderr is line-buffered: "asleep" comes at once, stdout's line is held.
wait_for out.txt 'py\.1 +\| asleep'
assert_no_match "python holds its stdout line in its buffer" 'buffered line' "$(cat out.txt)"
kill -INT "$BG"
wait_exit "$BG" 15
out=$(cat out.txt)
assert_match "^C: python's buffered line is flushed" 'py\.1 +\| buffered line' "$out"
assert_eq "^C: exit 0" 0 "$RC"

# --- a per-type stop_signal wins over ^C's SIGINT
cat >Procfile <<EOF2
web: $C trapexit:TERM:0 trapexit:INT:0 print:1:ready wait
EOF2
printf '[process.web]\nstop_signal = SIGTERM\n' >tfrun.ini
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1'
kill -INT "$BG"
wait_exit "$BG" 15
assert_match "^C with stop_signal = SIGTERM: web gets SIGTERM" 'web\.1 +\| got SIGTERM' "$(cat out.txt)"
rm tfrun.ini

# --- a stopped group gets SIGCONT with its stop signal, so it can act on it
cat >Procfile <<EOF2
web: $C trapexit:TERM:0 print:1:ready wait
EOF2
start_bg out.txt start -t 10
wait_for out.txt 'web\.1 +\| ready 1'
wpid=$(sed -nE 's/.*web\.1 started with pid ([0-9]+).*/\1/p' out.txt)
kill -STOP "$wpid"
kill -TERM "$BG"
wait_exit "$BG" 8
assert_eq "stopped instance: tfrun stops within the timeout" 0 "$RC"
assert_match "stopped instance got SIGCONT and then acted on SIGTERM" 'web\.1 +\| got SIGTERM' "$(cat out.txt)"

# --- SIGKILL after the timeout, measured
cat >Procfile <<EOF2
stubborn: exec $C ignore:TERM print:1:ready wait
EOF2
start_bg out.txt start -t 1.5
wait_for out.txt 'stubborn\.1 +\| ready 1'
t0=$(date +%s%N)
kill -TERM "$BG"
wait_exit "$BG" 15
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
out=$(cat out.txt)
assert_match "SIGKILL logged with the timeout" 'sending SIGKILL to stubborn\.1 after 1\.5s' "$out"
assert_match "killed by SIGKILL" 'stubborn\.1 terminated by SIGKILL' "$out"
if [ "$ms" -ge 1400 ] && [ "$ms" -le 2500 ]; then
	pass "kill came within 1 s after -t 1.5 (${ms} ms)"
else
	fail "kill came within 1 s after -t 1.5 (${ms} ms)"
fi
assert_eq "shutdown asked for: exit 0 even though SIGKILLed" 0 "$RC"

# --- a second SIGINT kills at once
cat >Procfile <<EOF2
stubborn: exec $C ignore:TERM ignore:INT print:1:ready wait
EOF2
start_bg out.txt start -t 60
wait_for out.txt 'stubborn\.1 +\| ready 1'
kill -INT "$BG"
wait_for out.txt 'sending SIGINT to all processes'
sleep 0.05 # two copies closer than 10 ms would count as one (a keystroke is never that quick)
t0=$(date +%s%N)
kill -INT "$BG"
wait_exit "$BG" 15
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
out=$(cat out.txt)
assert_match "second SIGINT: SIGKILL to all" 'SIGINT received again' "$out"
assert_match "second SIGINT: killed" 'stubborn\.1 terminated by SIGKILL' "$out"
[ "$ms" -lt 2000 ] && pass "second SIGINT ends tfrun at once (${ms} ms)" || fail "second SIGINT ends tfrun at once (${ms} ms)"
assert_eq "second SIGINT: status 0" 0 "$RC"

# --- per-type stop signals: each group gets its own, and the log says so
cat >Procfile <<EOF2
web: $C trapexit:TERM:0 print:1:ready wait
worker: $C trapexit:INT:0 print:1:ready wait
EOF2
printf '[process.worker]\nstop_signal = SIGINT\n' >tfrun.ini
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1' && wait_for out.txt 'worker\.1 +\| ready 1'
kill -TERM "$BG"
wait_exit "$BG" 15
out=$(cat out.txt)
assert_match "mixed: SIGTERM to web.1" 'system +\| sending SIGTERM to web\.1$' "$out"
assert_match "mixed: SIGINT to worker.1" 'system +\| sending SIGINT to worker\.1$' "$out"
assert_match "worker got SIGINT" 'worker\.1 +\| got SIGINT' "$out"
assert_match "web got SIGTERM" 'web\.1 +\| got SIGTERM' "$out"
assert_no_match "no 'to all processes' when signals differ" 'to all processes' "$out"
rm tfrun.ini

# --- when an instance's exit started the shutdown, the first ^C does not
# escalate; a second one does
# (quitter waits until stubborn ignores the signals: no race with its start)
rm -f ready.flag
cat >Procfile <<EOF2
stubborn: trap '' TERM INT; touch ready.flag; exec $C print:1:ready wait
quitter: while [ ! -e ready.flag ]; do sleep 0.01; done; exec $C print:1:bye exit:2
EOF2
start_bg out.txt start -t 60
wait_for out.txt 'sending SIGTERM to all processes'
kill -INT "$BG"
wait_for out.txt 'SIGINT received, already stopping'
kill -0 "$BG" 2>/dev/null && pass "first ^C during shutdown: still graceful" ||
	fail "first ^C during shutdown: still graceful"
assert_no_match "first ^C: no SIGKILL" 'SIGKILL' "$(cat out.txt)"
sleep 0.05 # two copies closer than 10 ms would count as one
kill -INT "$BG"
wait_exit "$BG" 15
assert_match "second ^C: SIGKILL" 'stubborn\.1 terminated by SIGKILL' "$(cat out.txt)"
assert_eq "status is still the instance's" 2 "$RC"

# --- one instance exiting 3 stops the rest; tfrun exits 3
cat >Procfile <<EOF2
web: $C wait
bad: $C print:1:failing exit:3
EOF2
start_bg out.txt start
wait_exit "$BG" 15
out=$(cat out.txt)
assert_eq "instance exit 3: tfrun exits 3" 3 "$RC"
assert_match "exit logged" 'system +\| bad\.1 exited with code 3' "$out"
assert_match "the rest stopped" 'web\.1 terminated by SIGTERM' "$out"
# The exit line comes after the instance's own output.
o=$(grep -nE 'bad\.1 +\| failing' out.txt | cut -d: -f1); e=$(grep -nE 'bad\.1 exited' out.txt | cut -d: -f1)
[ -n "$o" ] && [ -n "$e" ] && [ "$o" -lt "$e" ] && pass "output before its exit line" || fail "output before its exit line"

# --- a signal-killed instance gives 128 + n
cat >Procfile <<EOF2
web: $C wait
sig: exec $C kill:USR1
EOF2
tfrun start >out.txt 2>&1
assert_eq "killed by SIGUSR1: 138" 138 "$?"
assert_match "terminated by SIGUSR1 logged" 'sig\.1 terminated by SIGUSR1' "$(cat out.txt)"
# A simple command is exec'd by the shell, so the signal is the program's.
cat >Procfile <<EOF2
web: $C wait
sig: $C kill:USR1
EOF2
tfrun start >out.txt 2>&1
assert_eq "simple command killed by SIGUSR1: 138" 138 "$?"
assert_match "simple command: terminated by SIGUSR1" 'sig\.1 terminated by SIGUSR1' "$(cat out.txt)"
# A compound command keeps its shell, which reports the signal as 128 + n.
cat >Procfile <<EOF2
web: $C wait
sig: true; $C kill:USR1
EOF2
tfrun start >out.txt 2>&1
assert_eq "compound command killed by SIGUSR1: 138" 138 "$?"
assert_match "compound command: the shell's exit code" 'sig\.1 exited with code 138' "$(cat out.txt)"

# --- a member that outlives its shell (no exec) and ignores SIGTERM is
# killed with its group after the timeout; nothing is left running.
cat >Procfile <<EOF2
left: true; $C ignore:TERM print:1:ready wait
EOF2
start_bg out.txt start -t 1
wait_for out.txt 'left\.1 +\| ready 1'
kill -TERM "$BG"
wait_exit "$BG" 15
out=$(cat out.txt)
assert_match "group SIGKILLed after the timeout" 'sending SIGKILL to left\.1 after 1s' "$out"
assert_eq "status 0" 0 "$RC"
if [ -n "$(left_in_T "ignore:TERM print:1:ready")" ]; then
	fail "no member of the group is left"
else
	pass "no member of the group is left"
fi

# --- a missing command gives 127
cat >Procfile <<EOF2
web: $C wait
gone: no-such-command-tfrun-test
EOF2
tfrun start >out.txt 2>&1
assert_eq "missing command: 127" 127 "$?"
assert_match "not found from the shell" 'gone\.1 +\| .*not found' "$(cat out.txt)"
assert_no_match "no exec: the user did not write" 'exec:' "$(cat out.txt)"
# Not executable: 126, and again no exec: in the shell's message.
printf 'echo hi\n' >noexec.sh
cat >Procfile <<EOF2
web: $C wait
gone: ./noexec.sh
EOF2
tfrun start >out.txt 2>&1
assert_eq "not executable: 126" 126 "$?"
assert_match "permission denied from the shell" 'gone\.1 +\| .*[Pp]ermission denied' "$(cat out.txt)"
assert_no_match "not executable: no exec: the user did not write" 'exec:' "$(cat out.txt)"

# --- each instance has its own session and process group
cat >Procfile <<EOF2
a: $C pgid wait
b: exec $C pgid wait
EOF2
start_bg out.txt start
wait_for out.txt 'a\.1 +\| pid=' && wait_for out.txt 'b\.1 +\| pid='
for n in a b; do
	line=$(grep -E "^[0-9:]{8} $n\\.1 +\\| pid=" out.txt)
	pid=$(sed -E 's/.*pid=([0-9]+) .*/\1/' <<<"$line")
	pgid=$(sed -E 's/.*pgid=([0-9]+) .*/\1/' <<<"$line")
	sid=$(sed -E 's/.*sid=([0-9]+) .*/\1/' <<<"$line")
	ppid=$(sed -E 's/.*ppid=([0-9]+).*/\1/' <<<"$line")
	started=$(grep -E "system +\\| $n\\.1 started with pid" out.txt | sed -E 's/.*pid ([0-9]+) .*/\1/')
	# A simple command is exec'd: the program is the spawned group leader.
	assert_eq "$n: own process group" "$pid" "$pgid"
	assert_eq "$n: own session" "$pid" "$sid"
	assert_eq "$n: started pid is the group leader" "$started" "$pid"
	# tfrun start is two processes: the keeper (BG) and its child, the
	# supervisor, whose children the instances are.
	assert_eq "$n: child of tfrun's supervisor" "$BG" "$(ps -o ppid= -p "$ppid" | tr -d ' ')"
done
kill -TERM "$BG"
wait_exit "$BG" 15

# --- SIGUSR1 and SIGUSR2 are forwarded to every group
cat >Procfile <<EOF2
a: $C trap:USR1:a-got-usr1 trap:USR2:a-got-usr2 print:1:ready wait
b: $C trap:USR1:b-got-usr1 trap:USR2:b-got-usr2 print:1:ready wait
EOF2
start_bg out.txt start
wait_for out.txt 'a\.1 +\| ready' && wait_for out.txt 'b\.1 +\| ready'
kill -USR1 "$BG"
wait_for out.txt 'a\.1 +\| a-got-usr1' 5 && pass "USR1 reached a" || fail "USR1 reached a"
wait_for out.txt 'b\.1 +\| b-got-usr1' 5 && pass "USR1 reached b" || fail "USR1 reached b"
kill -USR2 "$BG"
wait_for out.txt 'a\.1 +\| a-got-usr2' 5 && pass "USR2 reached a" || fail "USR2 reached a"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "still stops cleanly after forwarding" 0 "$RC"

# --- --can-die: that type may end without stopping the rest
cat >Procfile <<EOF2
web: $C print:1:serving wait
job: $C print:1:job-done exit:0
EOF2
start_bg out.txt start --can-die job
wait_for out.txt 'job\.1 exited with code 0'
wait_for out.txt 'web\.1 +\| serving 1'
kill -0 "$BG" 2>/dev/null && pass "--can-die: tfrun keeps running" || fail "--can-die: tfrun keeps running"
assert_no_match "--can-die: nothing stopped" 'sending SIGTERM' "$(cat out.txt)"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "--can-die: then SIGTERM exits 0" 0 "$RC"

# --- when every instance may die and all end, the highest status wins
cat >Procfile <<EOF2
a: $C exit:2
b: $C sleep:200 exit:5
c: $C exit:0
EOF2
tfrun start --can-die a,b,c >out.txt 2>&1
assert_eq "all ended on their own: highest status" 5 "$?"

# --- stdout closed (EPIPE): the formation stops, nothing is left behind
cat >Procfile <<EOF2
chatty: $C flood:1000000:c
EOF2
"${CLEAN_ENV[@]}" "$TFRUN" start 2>err.txt | head -n 3 >head.txt
rc=${PIPESTATUS[0]}
assert_eq "EPIPE: exit 0" 0 "$rc"
assert_eq "head got its lines" 3 "$(wc -l <head.txt)"
if [ -n "$(left_in_T "flood:1000000:c")" ]; then
	fail "EPIPE: the instance was stopped"
else
	pass "EPIPE: the instance was stopped"
fi

# --- the reader of stdout leaves while nothing more is written: tfrun
# notices all the same and stops (no write, no EPIPE to tell it)
cat >Procfile <<EOF2
web: $C sleep:300 print:5:hi wait
quiet: $C wait
EOF2
t0=$(date +%s%N)
timeout 20 "${CLEAN_ENV[@]}" "$TFRUN" start 2>err.txt | head -n 3 >head.txt
rc=${PIPESTATUS[0]}
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "silent reader gone: exit 0 (124 would be the 20 s timeout)" 0 "$rc"
[ "$ms" -lt 5000 ] && pass "silent reader gone: stopped promptly (${ms} ms)" ||
	fail "silent reader gone: stopped promptly (${ms} ms)"

# --- closed stdin, stdout or stderr: no crash, the usual statuses
cat >Procfile <<EOF2
web: $C print:1:hi wait
bad: $C exit:3
EOF2
"${CLEAN_ENV[@]}" "$TFRUN" start <&- >out.txt 2>&1
assert_eq "stdin closed: the instance's status" 3 "$?"
"${CLEAN_ENV[@]}" "$TFRUN" start >out.txt 2>&-
assert_eq "stderr closed: the instance's status" 3 "$?"
"${CLEAN_ENV[@]}" "$TFRUN" start >&- 2>err.txt
assert_eq "stdout closed: the instance's status" 3 "$?"
assert_no_match "no assertion failure" 'Assertion' "$(cat out.txt err.txt)"

# --- a simple command with operators inside quotes is exec'd: the program
# itself is the instance's pid and gets the signals, not a waiting shell
cat >Procfile <<'EOF2'
py: python3 -c "import os, signal, sys, time; signal.signal(signal.SIGTERM, lambda *a: (print('py got TERM', flush=True), sys.exit(0))); print('pid', os.getpid(), flush=True); time.sleep(60)"
EOF2
start_bg out.txt start
wait_for out.txt 'py\.1 +\| pid [0-9]+'
started=$(sed -nE 's/.*py\.1 started with pid ([0-9]+).*/\1/p' out.txt)
own=$(sed -nE 's/.*py\.1 +\| pid ([0-9]+).*/\1/p' out.txt)
assert_eq "python -c \"a; b\": the logged pid is python's own" "$started" "$own"
kill -TERM "$BG"
wait_exit "$BG" 15
out=$(cat out.txt)
assert_match "python got the stop signal itself" 'py\.1 +\| py got TERM' "$out"
assert_match "and its exit is what is reported" 'py\.1 exited with code 0' "$out"

# --- what the rest of a group writes after its leader exited is logged,
# however late (nothing is cut off after a fixed delay)
cat >Procfile <<EOF2
bg: (sleep 1.2; echo late; sleep 0.3; echo later) & echo early
web: $C wait
EOF2
start_bg out.txt start --can-die bg
wait_for out.txt 'bg\.1 +\| later' 10
out=$(cat out.txt)
assert_match "the leader's own line" 'bg\.1 +\| early' "$out"
assert_match "the end is reported when the leader exits" 'bg\.1 exited with code 0' "$out"
assert_match "a line 1.2 s after the leader's exit" 'bg\.1 +\| late$' "$out"
e=$(grep -nE 'bg\.1 exited' out.txt | cut -d: -f1); l=$(grep -nE 'bg\.1 +\| late$' out.txt | cut -d: -f1)
[ -n "$e" ] && [ -n "$l" ] && [ "$e" -lt "$l" ] && pass "late line after the exit line" || fail "late line after the exit line"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "late output: stopped cleanly" 0 "$RC"

# --- at shutdown, what is left of a group is stopped with it and its last
# words are logged before tfrun exits
cat >Procfile <<EOF2
bg: $C trapexit:TERM:0 print:1:member wait & echo leader-gone
web: $C wait
EOF2
start_bg out.txt start --can-die bg
wait_for out.txt 'bg\.1 +\| member 1'
kill -TERM "$BG"
wait_exit "$BG" 15
assert_match "a group member's words at shutdown" 'bg\.1 +\| got SIGTERM' "$(cat out.txt)"

# --- ^Z (SIGTSTP) stops the whole formation, every instance included;
# SIGCONT (fg) resumes it all
state() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; }
# wait_state STATE PID...: waits until every pid is in STATE.
wait_state() {
	local want=$1 p ok deadline=$((SECONDS + 10))
	shift
	while [ $SECONDS -lt $deadline ]; do
		ok=1
		for p in "$@"; do [ "$(state "$p")" = "$want" ] || ok=0; done
		[ $ok = 1 ] && return 0
		sleep 0.02
	done
	return 1
}
cat >Procfile <<EOF2
web: $C print:1:ready wait
worker: sh -c "$C print:1:ready wait & wait"
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1' && wait_for out.txt 'worker\.1 +\| ready 1'
sup=$(pgrep -P "$BG")
members=$(for p in $(sed -nE 's/.*started with pid ([0-9]+).*/\1/p' out.txt); do ps -o pid= -s "$p"; done | tr -s ' \n' ' ')
assert_eq "three instance processes" 3 "$(wc -w <<<"$members")"
kill -TSTP "$BG"
wait_state T $members && pass "^Z: every instance process is stopped" ||
	fail "^Z: every instance process is stopped ($(for p in $members; do state "$p"; done))"
wait_state T "$sup" "$BG" && pass "^Z: tfrun's processes are stopped" ||
	fail "^Z: tfrun's processes are stopped"
kill -CONT "$BG"
wait_state S $members && pass "SIGCONT: every instance runs again" ||
	fail "SIGCONT: every instance runs again ($(for p in $members; do state "$p"; done))"
wait_state S "$sup" "$BG" && pass "SIGCONT: tfrun runs again" || fail "SIGCONT: tfrun runs again"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "after ^Z and fg, a clean stop" 0 "$RC"
assert_match "^Z logged" 'SIGTSTP received, stopping every process' "$(cat out.txt)"
assert_match "fg logged" 'SIGCONT received, every process continues' "$(cat out.txt)"

# --- a formation that needs more descriptors than the soft limit: tfrun
# raises it to the hard limit (two per instance: output and input)
cat >Procfile <<EOF2
w: $C print:1:up wait
EOF2
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 1024 ]; then
	(ulimit -Sn 128 && exec setsid "${CLEAN_ENV[@]}" "$TFRUN" start -m w=100 --port-step 1000 >out.txt 2>&1 </dev/null) &
	BG=$!
	BG_PIDS="$BG_PIDS $BG"
	deadline=$((SECONDS + 20))
	while [ "$(grep -c '| up 1' out.txt)" -lt 100 ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
	assert_eq "100 instances under a soft limit of 128 open files" 100 "$(grep -c '| up 1' out.txt)"
	kill -TERM "$BG"
	wait_exit "$BG" 20
	assert_eq "and a clean stop" 0 "$RC"
else
	fail "the hard limit on open files is below 1024: cannot test raising the soft one"
fi

finish
