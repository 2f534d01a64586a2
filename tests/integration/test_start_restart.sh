#!/usr/bin/env bash
# tfrun start: restart policies with backoff, and output backpressure.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# --- on-failure: a failing instance is restarted after 1 s, the rest run on
cat >Procfile <<EOF2
web: $C print:1:serving wait
flaky: $C print:1:try exit:4
EOF2
start_bg out.txt start --restart on-failure
wait_for out.txt 'flaky\.1 restarting in 1s'
t0=$(date +%s%N)
wait_for out.txt 'flaky\.1 restarting in 2s' 10
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
out=$(cat out.txt)
assert_eq "two runs of flaky so far" 2 "$(grep -cE 'flaky\.1 +\| try 1' out.txt)"
assert_match "the exit is logged each time" 'flaky\.1 exited with code 4' "$out"
[ "$ms" -ge 800 ] && [ "$ms" -le 3000 ] && pass "first restart after about 1 s (${ms} ms)" ||
	fail "first restart after about 1 s (${ms} ms)"
assert_no_match "nothing else stopped" 'sending SIGTERM' "$out"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "then SIGTERM: exit 0" 0 "$RC"
assert_match "backoff cancelled by the shutdown" 'web\.1 terminated by SIGTERM' "$(cat out.txt)"

# --- on-failure: a clean exit is not restarted and stops nothing
cat >Procfile <<EOF2
web: $C print:1:serving wait
once: $C print:1:done exit:0
EOF2
start_bg out.txt start --restart on-failure
wait_for out.txt 'once\.1 exited with code 0'
wait_for out.txt 'web\.1 +\| serving 1'
kill -0 "$BG" 2>/dev/null && pass "clean exit under on-failure: tfrun runs on" ||
	fail "clean exit under on-failure: tfrun runs on"
assert_no_match "clean exit: not restarted" 'once\.1 restarting' "$(cat out.txt)"
kill -INT "$BG"
wait_exit "$BG" 15
assert_eq "then SIGINT: exit 0" 0 "$RC"

# --- per-type restart from tfrun.ini overrides the global flag
cat >Procfile <<EOF2
web: $C print:1:serving wait
job: $C exit:0
EOF2
printf '[process.job]\nrestart = always\n' >tfrun.ini
start_bg out.txt start --restart never
wait_for out.txt 'job\.1 restarting in 1s'
kill -0 "$BG" 2>/dev/null && pass "[process.job] restart = always beats --restart never" ||
	fail "[process.job] restart = always beats --restart never"
# A clean exit is not a failure: every restart comes after 1 s, with no
# backoff, and it is never given up.
deadline=$((SECONDS + 15))
while [ "$(grep -c 'job\.1 restarting in 1s' out.txt)" -lt 3 ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
assert_eq "always + exit 0: three restarts, each after 1 s" 3 "$(grep -c 'job\.1 restarting in' out.txt)"
kill -TERM "$BG"
wait_exit "$BG" 15
rm tfrun.ini

# --- a restart that cannot spawn (the root is gone for a moment) backs off
# like any quick failure instead of stopping everything
mkdir app
cat >app/Procfile <<EOF2
a: $C print:1:run exit:1
b: $C wait
EOF2
start_bg out.txt start -d "$T/app" --restart always
wait_for out.txt 'a\.1 restarting in 1s'
mv app app.away
wait_for out.txt 'a\.1 could not be started' 5
wait_for out.txt 'a\.1 restarting in 4s' 5 && pass "failed spawn: backs off" || fail "failed spawn: backs off"
mv app.away app
wait_for out.txt 'a\.1 restarting in 8s' 10
assert_eq "ran again once the root was back" 2 "$(grep -cE 'a\.1 +\| run 1' out.txt)"
assert_no_match "nothing stopped" 'sending SIGTERM' "$(cat out.txt)"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "then SIGTERM: exit 0" 0 "$RC"

# --- backpressure: with nobody reading stdout, tfrun stops reading the
# producer (which then blocks) instead of buffering: its memory stays
# bounded, and once stdout is read again every line arrives.
N=400000
cat >Procfile <<EOF2
p: $C flood:$N:p
EOF2
mkfifo out.fifo
setsid "${CLEAN_ENV[@]}" "$TFRUN" start --no-timestamp >out.fifo 2>err.txt </dev/null &
BG=$!
BG_PIDS="$BG_PIDS $BG"
exec 7<out.fifo            # open the reading end, but do not read yet
deadline=$((SECONDS + 10)); rss=0
while [ -z "$(pgrep -P "$BG")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.02; done
sup=$(pgrep -P "$BG") # the supervisor holds the queue, not the keeper
while [ $SECONDS -lt $deadline ]; do
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/"$sup"/status 2>/dev/null || echo 0)
	sleep 0.2
	rss2=$(awk '/^VmRSS/ { print $2 }' /proc/"$sup"/status 2>/dev/null || echo 0)
	[ "$rss2" = "$rss" ] && break
done
sleep 0.5
rss=$(awk '/^VmRSS/ { print $2 }' /proc/"$sup"/status)
# 24 MB of output are pending; tfrun may hold only its bounded queue.
if [ "$rss" -lt 16384 ]; then
	pass "memory bounded while stdout is blocked (VmRSS ${rss} KiB)"
else
	fail "memory bounded while stdout is blocked (VmRSS ${rss} KiB)"
fi
cat <&7 >out.txt
exec 7<&-
wait_exit "$BG" 30
assert_eq "exit 0 once the producer is done" 0 "$RC"
got=$(grep -cE '^p\.1 +\| p [0-9]+ \.+$' out.txt)
assert_eq "every line arrived after the stall" "$N" "$got"
last=$(grep -E '^p\.1 +\| p [0-9]+ ' out.txt | tail -1 | awk '{ print $4 }')
assert_eq "in order to the last" "$N" "$last"

finish
