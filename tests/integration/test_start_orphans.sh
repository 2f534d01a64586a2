#!/usr/bin/env bash
# tfrun start: no orphans — descendants that escape their group are adopted
# (tfrun is a subreaper), reaped, and stopped at shutdown; members that
# outlive their group's leader are stopped with the group.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }

# --- a double-forked, setsid'ed grandchild is adopted and stopped
cat >Procfile <<EOF2
web: $C orphan:600000 print:1:ready wait
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| ready 1'
opid=$(grep -E 'web\.1 +\| orphan pid=' out.txt | sed -E 's/.*pid=([0-9]+).*/\1/')
[ -n "$opid" ] && alive "$opid" && pass "the orphan runs" || fail "the orphan runs"
ppid=$(ps -o ppid= -p "$opid" | tr -d ' ')
assert_eq "the orphan was adopted by tfrun" "$BG" "$ppid"
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

finish
