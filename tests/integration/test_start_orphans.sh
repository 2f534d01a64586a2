#!/usr/bin/env bash
# tfrun start: no orphans — descendants that escape their group are adopted
# (tfrun is a subreaper), reaped, and stopped at shutdown; members that
# outlive their group's leader are stopped with the group.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
# How long "a second later" is: a sanitizer build's supervisor takes
# longer to die (its exit unmaps ASan's shadow memory before its children
# are handed to the keeper), so it gets two.
WINDOW_MS=1000
grep -q __asan_init "$TFRUN" 2>/dev/null && WINDOW_MS=2000

# --- a double-forked, setsid'ed grandchild is adopted and stopped
cat >Procfile <<EOF2
web: $C orphan:600000 print:1:ready wait
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1'
opid=$(grep -E 'web\.1 +\| orphan pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
[ -n "$opid" ] && alive "$opid" && pass "the orphan runs" || fail "the orphan runs"
ppid=$(ps -o ppid= -p "$opid" | tr -d ' ')
sup=$(pgrep -P "$BG")
assert_eq "the orphan was adopted by tfrun's supervisor" "$sup" "$ppid"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "exit 0" 0 "$RC"
assert_match "adopted processes are stopped" 'sending SIGTERM to 1 adopted process$' "$(cat out.txt)"
alive "$opid" && fail "the orphan is gone after tfrun exits" || pass "the orphan is gone after tfrun exits"

# --- an adopted orphan that ignores SIGTERM is killed after the timeout
cat >Procfile <<EOF2
web: $C orphan:600000 print:1:ready wait
EOF2
printf '%s\n' '#!/bin/sh' "trap '' TERM" "exec $C orphan:600000 print:1:ready wait" >run.sh
chmod +x run.sh
cat >Procfile <<EOF2
web: ./run.sh
EOF2
start_bg out.txt start -t 1
wait_for out.txt 'web\.1 +\| ready 1'
opid=$(grep -E 'web\.1 +\| orphan pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "exit 0" 0 "$RC"
alive "$opid" && fail "a stubborn orphan is killed" || pass "a stubborn orphan is killed"
assert_match "SIGKILL to adopted after the timeout" 'sending SIGKILL to 1 adopted process' "$(cat out.txt)"

# --- the leader exits but a background member of its group lives on: at
# the end it is stopped with the group, and tfrun does not exit before
cat >Procfile <<EOF2
job: $C grandchild:600000 print:1:ready exit:0
EOF2
start_bg out.txt start
wait_exit "$BG" 15
gpid=$(grep -E 'job\.1 +\| grandchild pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
assert_eq "exit status of the leader" 0 "$RC"
[ -n "$gpid" ] && ! alive "$gpid" && pass "the group member is gone" || fail "the group member is gone"

# --- zombies of adopted orphans are reaped while tfrun runs
cat >Procfile <<EOF2
web: $C orphan:100 print:1:ready wait
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1'
opid=$(grep -E 'web\.1 +\| orphan pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
deadline=$((SECONDS + 5))
while [ $SECONDS -lt $deadline ] && kill -0 "$opid" 2>/dev/null; do sleep 0.05; done
kill -0 "$opid" 2>/dev/null && fail "the exited orphan was reaped (no zombie)" ||
	pass "the exited orphan was reaped (no zombie)"
kill -TERM "$BG"
wait_exit "$BG" 15

# --- tfrun killed with SIGKILL: within a second nothing of the formation
# is left — instances, their shells' children, escaped orphans, even one
# that escaped a moment before
formation() {
	cat >Procfile <<EOF2
a: $C print:1:ready wait
b: sh -c "$C wait & $C wait"; true
c: $C orphan:600000 print:1:ready wait
EOF2
}
# kill_and_check LABEL PID-TO-KILL: SIGKILLs it as soon as the orphan has
# printed its pid, then checks that every process is gone within 1 s.
kill_and_check() {
	local label=$1 victim=$2 opid pids sids left=1 p i
	opid=$(grep -E 'c\.1 +\| orphan pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
	sids=$(grep -E 'started with pid' out.txt | sed -E 's/.*pid ([0-9]+) .*/\1/' | tr '\n' ' ')
	pids=$(for p in $sids; do ps -o pid= -s "$p"; done | tr -s ' \n' ' ')
	kill -KILL $victim
	t0=$(date +%s%N)
	while :; do
		left=0
		for p in $pids $opid; do alive "$p" && left=$((left + 1)); done
		[ "$left" -eq 0 ] && break
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge "$WINDOW_MS" ] && break
		sleep 0.01
	done
	[ "$(wc -w <<<"$pids $opid")" -ge 5 ] && pass "$label: formation was running" ||
		fail "$label: formation was running ($pids $opid)"
	assert_eq "$label: nothing left a second later" 0 "$left"
	if [ "$left" -gt 0 ]; then
		ps -o pid,ppid,stat,wchan:20,comm -p "$(echo $pids $opid | tr ' ' ',')" 2>&1 | sed 's/^/    /'
		ps -o pid,ppid,stat,wchan:20,comm --ppid "$BG" 2>&1 | sed 's/^/    /'
	fi
}
formation
start_bg out.txt start
wait_for out.txt 'c\.1 +\| orphan pid=' && wait_for out.txt 'a\.1 +\| ready 1'
sup=$(pgrep -P "$BG")
kill_and_check "SIGKILL to tfrun" "$BG"
wait_exit "$BG" 5
[ -n "$sup" ] && pass "the supervisor was found" || fail "the supervisor was found"
deadline=$((SECONDS + 5))
while alive "$sup" && [ $SECONDS -lt $deadline ]; do sleep 0.02; done
alive "$sup" && fail "no supervisor left" || pass "no supervisor left"
assert_match "the supervisor said why" "keeper process has died: killing every process" "$(cat out.txt)"
assert_no_match "no stop signal after the SIGKILL" 'sending SIGTERM' "$(cat out.txt)"

# SIGKILL to every process of this tfrun whose name matches "tfrun", as
# `pkill -9 tfrun` or `killall -9 tfrun` would (found by pid here: tests
# run in parallel): the supervisor's name does not match, so it lives long
# enough to kill the formation.
formation
start_bg out.txt start
wait_for out.txt 'c\.1 +\| orphan pid=' && wait_for out.txt 'a\.1 +\| ready 1'
sup=$(pgrep -P "$BG")
assert_no_match "the supervisor's name does not match tfrun" 'tfrun' "$(cat "/proc/$sup/comm")"
assert_match "the keeper's name does" 'tfrun' "$(cat "/proc/$BG/comm")"
victims=$(for p in "$BG" "$sup"; do grep -q tfrun "/proc/$p/comm" 2>/dev/null && echo "$p"; done)
kill_and_check "SIGKILL to every process named tfrun" "$victims"
wait_exit "$BG" 5
deadline=$((SECONDS + 5))
while alive "$sup" && [ $SECONDS -lt $deadline ]; do sleep 0.02; done
alive "$sup" && fail "kill by name: the supervisor exits after its cleanup" ||
	pass "kill by name: the supervisor exits after its cleanup"

# The supervisor (tfrun's child) killed: the keeper cleans up and exits
# with 128 + 9.
formation
start_bg out.txt start
wait_for out.txt 'c\.1 +\| orphan pid=' && wait_for out.txt 'a\.1 +\| ready 1'
kill_and_check "SIGKILL to the supervisor" "$(pgrep -P "$BG")"
wait_exit "$BG" 10
assert_eq "the keeper exits 137" 137 "$RC"

# A signal the keeper forwards after the supervisor died (here: held while
# the keeper is stopped) finds a pipe without a reader: the keeper must not
# die of SIGPIPE, and still cleans up.
formation
start_bg out.txt start
wait_for out.txt 'c\.1 +\| orphan pid=' && wait_for out.txt 'a\.1 +\| ready 1'
sup=$(pgrep -P "$BG")
kill -STOP "$BG"
kill -KILL "$sup"
while alive "$sup"; do sleep 0.02; done
kill -TERM "$BG"
kill -CONT "$BG"
wait_exit "$BG" 10
assert_eq "the keeper survives the forward to a dead supervisor (137, not 141)" 137 "$RC"
opid=$(grep -E 'c\.1 +\| orphan pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
alive "$opid" && fail "and its cleanup killed the formation" || pass "and its cleanup killed the formation"

# --- a process that escapes its group during the shutdown (its shell dies
# of the stop signal) gets the stop signal too, not only SIGKILL later
cat >Procfile <<EOF2
web: setsid $C print:1:escaped wait & echo bg=\$!; wait
EOF2
start_bg out.txt start -t 10
wait_for out.txt 'web\.1 +\| escaped 1'
bg=$(grep -E 'web\.1 +\| bg=' out.txt | sed -E 's/.*bg=([0-9]+).*/\1/')
t0=$SECONDS
kill -INT "$BG"
wait_exit "$BG" 15
assert_eq "exit 0" 0 "$RC"
[ $((SECONDS - t0)) -lt 5 ] && pass "the escaped process stopped on SIGTERM, before the 10 s timeout" ||
	fail "the escaped process stopped on SIGTERM, before the 10 s timeout"
assert_no_match "no SIGKILL was needed" 'SIGKILL' "$(cat out.txt)"
alive "$bg" && fail "the escaped process is gone" || pass "the escaped process is gone"

# --- only the formation is killed: a process that was the shell's child
# before it exec'd tfrun (and its session) is left alone
cat >Procfile <<EOF2
a: $C print:1:done exit:0
EOF2
"${CLEAN_ENV[@]}" sh -c "sleep 600 & echo \$! >helper.pid; exec $TFRUN start" >out.txt 2>&1 </dev/null
helper=$(cat helper.pid)
alive "$helper" && pass "the exec'ing shell's own child survives tfrun" ||
	fail "the exec'ing shell's own child survives tfrun"
kill -KILL "$helper" 2>/dev/null

# --- one signal sent to both tfrun processes at once is one request: the
# formation is stopped gracefully, not SIGKILLed as by a second ^C
cat >Procfile <<EOF2
web: $C trapexit:TERM:0 print:1:ready wait
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1'
sup=$(pgrep -P "$BG")
/bin/kill -TERM "$BG" "$sup"
wait_exit "$BG" 15
assert_eq "exit 0" 0 "$RC"
assert_no_match "no SIGKILL" 'SIGKILL|received again' "$(cat out.txt)"
assert_match "the instance stopped on SIGTERM" 'web\.1 +\| got SIGTERM' "$(cat out.txt)"

# --- two copies of a signal that came the same way at once (timeout(1)
# signals the process and its group) are one request: here both wait in
# the keeper's pipe while the supervisor is stopped
cat >Procfile <<EOF2
web: $C trapexit:TERM:0 print:1:ready wait
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1'
sup=$(pgrep -P "$BG")
kill -STOP "$sup"
# pending: whether SIGTERM (bit 15) waits to be handled by the keeper.
pending() { awk '/^(SigPnd|ShdPnd)/ { print $2 }' "/proc/$BG/status" | grep -qv '^0*$'; }
kill -TERM "$BG"
deadline=$((SECONDS + 5))
while pending && [ $SECONDS -lt $deadline ]; do sleep 0.01; done
kill -TERM "$BG"
while pending && [ $SECONDS -lt $deadline ]; do sleep 0.01; done
kill -CONT "$sup"
wait_exit "$BG" 15
assert_eq "two copies at once: exit 0" 0 "$RC"
assert_no_match "two copies at once: one request, no SIGKILL" 'received again|SIGKILL' "$(cat out.txt)"
assert_match "two copies at once: a graceful stop" 'web\.1 +\| got SIGTERM' "$(cat out.txt)"

# --- a process orphaned by its shell's death in a shutdown gets SIGTERM
# once: through its group, not again as an adopted process
cat >Procfile <<EOF2
web: cd . && $C trap:TERM:got-term print:1:ready wait
EOF2
start_bg out.txt start -t 1
wait_for out.txt 'web\.1 +\| ready 1'
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "SIGTERM reached it once" 1 "$(grep -c 'got-term' out.txt)"

# --- an inherited SIGCHLD=SIG_IGN changes nothing: the status still
# passes through
cat >Procfile <<EOF2
bad: $C exit:3
EOF2
rc=$(python3 -c '
import os, signal, sys
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    null = os.open("/dev/null", os.O_WRONLY)
    os.dup2(null, 1)
    os.execv(sys.argv[1], [sys.argv[1], "start"])
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))' "$TFRUN" 2>/dev/null)
assert_eq "SIGCHLD ignored by the parent: status 3" 3 "$rc"

# --- a recycled pid: a process outside the formation that got the pid, and
# so the session id, of an instance that ended is never killed by the
# keeper's cleanup (root only: the test picks the pid with ns_last_pid)
if [ "$(id -u)" = 0 ] && [ -w /proc/sys/kernel/ns_last_pid ]; then
	cat >Procfile <<EOF2
short: $C print:1:bye exit:0
web: $C print:1:ready wait
EOF2
	start_bg out.txt start --can-die short
	wait_for out.txt 'short\.1 exited with code 0' && wait_for out.txt 'web\.1 +\| ready 1'
	old=$(sed -nE 's/.*short\.1 started with pid ([0-9]+).*/\1/p' out.txt)
	foreign=""
	for try in $(seq 50); do
		echo $((old - 1)) >/proc/sys/kernel/ns_last_pid
		setsid sleep 600 &
		if [ "$!" = "$old" ]; then foreign=$!; break; fi
		kill -KILL "$!" 2>/dev/null
	done
	BG_PIDS="$BG_PIDS $foreign"
	assert_eq "a foreign session leader got the old instance's pid" "$old" "$foreign"
	assert_eq "its session id is that pid" "$old" "$(ps -o sid= -p "$foreign" | tr -d ' ')"
	kill -KILL "$(pgrep -P "$BG")"
	wait_exit "$BG" 10
	alive "$foreign" && pass "the keeper's cleanup left the recycled pid alone" ||
		fail "the keeper's cleanup left the recycled pid alone"
	kill -KILL "$foreign" 2>/dev/null
else
	fail "the recycled-pid test needs root (it sets ns_last_pid)"
fi

# --- --isolate: the formation runs in a PID namespace whose init is the
# supervisor, so even SIGKILL to every tfrun process at once (pkill -9 -f
# tfrun) leaves nothing: the kernel kills the namespace with its init.
# Checked as root and as an unprivileged user (a user namespace then).
# ns_members NSLINK: the pids of every process in that PID namespace.
ns_members() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}
mkdir -m 777 iso
cat >iso/Procfile <<EOF2
a: $C print:1:ready wait
b: sh -c "$C wait & $C wait"; true
c: $C orphan:600000 pgid print:1:ready wait
EOF2
chmod 644 iso/Procfile
for who in root nobody; do
	as=()
	[ $who = nobody ] && as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	: >iso/out.txt
	chmod 666 iso/out.txt
	(cd iso && setsid "${CLEAN_ENV[@]}" "${as[@]}" "$TFRUN" start --isolate >>out.txt 2>&1 </dev/null) &
	BG=$!
	BG_PIDS="$BG_PIDS $BG"
	wait_for iso/out.txt 'c\.1 +\| ready 1' && wait_for iso/out.txt 'a\.1 +\| ready 1'
	keeper=$(pgrep -f -P "$BG" "$TFRUN" | head -1)
	[ -n "$keeper" ] || keeper=$BG
	sup=$(pgrep -P "$keeper")
	ns=$(readlink "/proc/$sup/ns/pid")
	assert_match "--isolate ($who): the supervisor has a PID namespace of its own" 'pid:' "$ns"
	[ "$ns" != "$(readlink /proc/self/ns/pid)" ] && pass "--isolate ($who): not ours" || fail "--isolate ($who): not ours"
	assert_match "--isolate ($who): instances see namespace pids" 'c\.1 +\| pid=[0-9]+ pgid=[0-9]+ sid=[0-9]+ ppid=1$' "$(cat iso/out.txt)"
	shown=$(sed -nE 's/.*a\.1 started with pid ([0-9]+).*/\1/p' iso/out.txt)
	assert_eq "--isolate ($who): the pid shown is the system's" "$ns" "$(readlink "/proc/$shown/ns/pid" 2>/dev/null)"
	members=$(ns_members "$ns" | wc -l)
	[ "$members" -ge 6 ] && pass "--isolate ($who): the formation runs ($members processes)" ||
		fail "--isolate ($who): the formation runs ($members processes)"
	kill -KILL "$keeper" "$sup"
	left=1
	for i in $(seq 50); do
		left=$(ns_members "$ns" | wc -l)
		[ "$left" -eq 0 ] && break
		sleep 0.02
	done
	assert_eq "--isolate ($who): SIGKILL to every tfrun process leaves nothing a second later" 0 "$left"
done

# --isolate where the kernel refuses a PID namespace: tfrun says so, exits 1
"${CLEAN_ENV[@]}" unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_pid_namespaces &&
	exec "$0" start --isolate' "$TFRUN" >out.txt 2>err.txt </dev/null
assert_eq "--isolate refused: exit 1" 1 "$?"
assert_match "--isolate refused: the reason" '^tfrun: --isolate: the kernel refuses a PID namespace: ' "$(cat err.txt)"
assert_no_match "--isolate refused: nothing started" 'started' "$(cat out.txt)"

finish
