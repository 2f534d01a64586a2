#!/usr/bin/env bash
# tfrun start: the log stream when stdout misbehaves — write errors, a
# stdout nobody reads (bounded memory, a second ^C), and no wake-ups while
# nothing happens.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# rss PID: resident memory in KiB.
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# --- a write error other than EPIPE (ENOSPC) is reported on stderr, stops
# the formation, and tfrun exits 1
cat >Procfile <<EOF2
web: $C print:3:hello wait
EOF2
"${CLEAN_ENV[@]}" timeout 20 "$TFRUN" start >/dev/full 2>err.txt </dev/null
rc=$?
assert_eq "> /dev/full: exit 1" 1 "$rc"
assert_match "> /dev/full: the error on stderr" \
	'^tfrun: cannot write the log to standard output: No space left on device$' "$(cat err.txt)"

# --- 16 producers of empty lines (the worst expansion: each byte becomes a
# prefixed line) and a stdout nobody reads for 5 s: the supervisor's memory
# stays under 16 MiB, and once stdout is read every line arrives
N=200000
: >Procfile
for i in $(seq 16); do echo "b$i: $C blank:$N" >>Procfile; done
all=$(seq -s, -f 'b%g' 16)
rm -f out.fifo
mkfifo out.fifo
setsid "${CLEAN_ENV[@]}" "$TFRUN" start --no-timestamp --can-die "$all" >out.fifo 2>err.txt </dev/null &
BG=$!
BG_PIDS="$BG_PIDS $BG"
exec 7<out.fifo # the reading end is open, but nobody reads
deadline=$((SECONDS + 10))
while [ -z "$(pgrep -P "$BG")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.02; done
sup=$(pgrep -P "$BG")
peak=0
end=$((SECONDS + 5))
while [ $SECONDS -lt $end ]; do
	r=$(rss "$sup")
	[ "$r" -gt "$peak" ] && peak=$r
	sleep 0.1
done
if [ "$peak" -gt 0 ] && [ "$peak" -lt 16384 ]; then
	pass "16 producers of empty lines, stdout stalled 5 s: supervisor RSS ${peak} KiB"
else
	fail "16 producers of empty lines, stdout stalled 5 s: supervisor RSS ${peak} KiB"
fi
cat <&7 >out.txt
exec 7<&-
wait_exit "$BG" 60
assert_eq "exit 0 once the producers are done" 0 "$RC"
assert_eq "every empty line arrived" $((16 * N)) "$(grep -cE '^b[0-9]+\.1 +\| $' out.txt)"

# --- a second ^C ends tfrun promptly even when nobody reads its stdout:
# what stdout cannot take is dropped
cat >Procfile <<EOF2
p: $C flood:100000000:p
EOF2
rm -f out.fifo
mkfifo out.fifo
setsid "${CLEAN_ENV[@]}" "$TFRUN" start >out.fifo 2>err.txt </dev/null &
BG=$!
BG_PIDS="$BG_PIDS $BG"
exec 7<out.fifo
# Stalled: the pipe and tfrun's queue are full, so the producer blocks.
deadline=$((SECONDS + 10))
prod=""
while [ $SECONDS -lt $deadline ]; do
	prod=$(left_in_T "flood:100000000:p" | head -1)
	[ -n "$prod" ] && grep -q pipe_write "/proc/$prod/wchan" 2>/dev/null &&
		[ "$(awk '{ print $3 }' "/proc/$prod/stat")" = S ] && break
	sleep 0.05
done
assert_match "the producer is blocked in write(2)" 'pipe_write' "$(cat "/proc/$prod/wchan" 2>/dev/null)"
kill -INT "$BG"
# Two signals sent at once may merge into one: the second goes once the
# first has reached the producer.
deadline=$((SECONDS + 10))
while kill -0 "$prod" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.02; done
kill -0 "$BG" 2>/dev/null && pass "the first ^C waits for the stalled stdout" ||
	fail "the first ^C waits for the stalled stdout"
sleep 0.05 # two copies closer than 10 ms would count as one (a keystroke is never that quick)
kill -INT "$BG"
t0=$(date +%s%N)
wait_exit "$BG" 10
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "second ^C with a stalled stdout: exit 0" 0 "$RC"
[ "$RC" != timeout ] && [ "$ms" -lt 3000 ] && pass "second ^C: tfrun ended in ${ms} ms" ||
	fail "second ^C: tfrun ended in ${ms} ms"
exec 7<&-
[ -n "$(left_in_T "flood:100000000:p")" ] && fail "the producer was killed" || pass "the producer was killed"

# --- no wake-ups while nothing happens: over 3 s of a quiet formation,
# no thread of tfrun's processes is switched in (no timer, no polling)
cat >Procfile <<EOF2
web: $C print:1:ready wait
worker: $C print:1:ready wait
EOF2
for out in file fifo; do
	if [ $out = fifo ]; then
		rm -f out.fifo
		mkfifo out.fifo
		cat out.fifo >out.txt &
		BG_PIDS="$BG_PIDS $!"
		setsid "${CLEAN_ENV[@]}" "$TFRUN" start >out.fifo 2>&1 </dev/null &
		BG=$!
		BG_PIDS="$BG_PIDS $BG"
	else
		start_bg out.txt start
	fi
	wait_for out.txt 'web\.1 +\| ready 1' && wait_for out.txt 'worker\.1 +\| ready 1'
	sup=$(pgrep -P "$BG")
	# switches: the sum of context switches of every thread of both.
	switches() {
		cat /proc/"$BG"/task/*/status /proc/"$sup"/task/*/status 2>/dev/null |
			awk '/ctxt_switches/ { n += $2 } END { print n }'
	}
	sleep 0.5 # let the start settle (the last lines being written)
	before=$(switches)
	sleep 3
	after=$(switches)
	assert_eq "quiet formation, stdout a $out: no wake-ups in 3 s" 0 $((after - before))
	kill -TERM "$BG"
	wait_exit "$BG" 15
	assert_eq "then a clean stop (stdout a $out)" 0 "$RC"
done

finish
