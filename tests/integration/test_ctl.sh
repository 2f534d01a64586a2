#!/usr/bin/env bash
# tfrun's control socket (SPEC section 7): ps, scale, restart, stop,
# signal, logs, wait and quit against a running formation; -D; the
# "already running" refusal; its security and its robustness.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# pid_of NAME: the pid `tfrun ps` shows for an instance.
pid_of() { tfrun ps | awk -v n="$1" '$1 == n { print $2 }'; }
# state_of NAME: its state.
state_of() { tfrun ps | awk -v n="$1" '$1 == n { print $3 }'; }
# wait_state NAME STATE: waits until ps shows it.
wait_state() {
	local deadline=$((SECONDS + 10))
	while [ "$(state_of "$1")" != "$2" ] && [ $SECONDS -lt $deadline ]; do sleep 0.02; done
	[ "$(state_of "$1")" = "$2" ]
}

# --- nothing listens: every client says so and exits 1
for cmd in ps "scale web=2" "restart" "stop web" "signal USR1 web" "logs" "wait" "quit"; do
	tf $cmd
	assert_eq "no tfrun: '$cmd' exits 1" 1 "$RC"
	assert_eq "no tfrun: '$cmd' says so" "tfrun: no tfrun running at .tfrun.sock" "$ERR"
done

cat >Procfile <<EOF2
web: $C trap:USR1:got-usr1 trapexit:TERM:0 print:1:up wait
worker: $C trap:USR1:got-usr1 trapexit:TERM:0 print:1:up wait
EOF2
start_bg out.txt start --color always
wait_for out.txt 'web\.1 +\|.* up 1' && wait_for out.txt 'worker\.1 +\|.* up 1'

# --- ps: a row per instance; --json has every key of SPEC section 7
tf ps
assert_eq "ps: exit 0" 0 "$RC"
assert_match "ps: a header" '^NAME +PID +STATE +UPTIME +RESTARTS +PORT +COMMAND$' "$OUT"
assert_match "ps: web.1 running on 5000" '^web\.1 +[0-9]+ running +[0-9]+s +0 +5000 +.*tf-child' "$OUT"
assert_match "ps: worker.1 on 5100" '^worker\.1 +[0-9]+ running .* 5100 ' "$OUT"
tf ps --json
assert_eq "ps --json: exit 0" 0 "$RC"
keys=$(printf '%s' "$OUT" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
need = {"name", "pid", "state", "uptime", "restarts", "port", "command"}
print(len(rows), all(need <= set(r) for r in rows),
      all(isinstance(r["uptime"], (int, float)) for r in rows), rows[0]["name"], rows[0]["port"])')
assert_eq "ps --json: two rows with every key, uptime in seconds" "2 True True web.1 5000" "$keys"
web1=$(pid_of web.1)

# --- scale up: names, ports and colours of the new instances; the label
# width grows when a wider label appears
tf scale web=11
assert_eq "scale web=11: exit 0" 0 "$RC"
wait_for out.txt 'web\.11 +\|.* up 1'
out=$(cat out.txt)
assert_match "scale logged" 'system +\|.* scale web=11 \(from tfrun scale\)' "$out"
assert_match "web.2 on port 5001" 'web\.2 started with pid [0-9]+ on port 5001' "$out"
assert_match "web.11 on port 5010" 'web\.11 started with pid [0-9]+ on port 5010' "$out"
assert_match "web.11 has web's colour (cyan)" $'\033\\[36m[0-9:]{8} web\\.11   \\|' "$out"
tf scale worker=10
wait_for out.txt 'worker\.10 \|.* up 1'
assert_match "worker.10: the label width grew to 9" $'\033\\[33m[0-9:]{8} worker\\.10 \\|' "$(cat out.txt)"
tf signal USR1 web.2
wait_for out.txt 'web\.2 +\|.* got-usr1'
assert_match "web.2 padded to the new width" $'\033\\[36m[0-9:]{8} web\\.2     \\|' "$(cat out.txt)"
tf scale worker=1
assert_eq "eleven web instances" 11 "$(tfrun ps | grep -c '^web\.')"
assert_eq "web.1 left alone" "$web1" "$(pid_of web.1)"

# --- scale down: the highest-numbered stop first, with the stop signal
tf scale web=2
assert_eq "scale web=2: exit 0" 0 "$RC"
deadline=$((SECONDS + 10))
while [ "$(tfrun ps | grep -c '^web\.')" != 2 ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
assert_eq "two web instances left" "web.1 web.2" "$(tfrun ps | awk '/^web\./ { printf "%s%s", s, $1; s = " " }')"
assert_match "web.11 got SIGTERM" 'web\.11 +\|.* got SIGTERM' "$(cat out.txt)"
first=$(grep -nE 'stopping web\.[0-9]+|sending SIGTERM to web\.[0-9]+' out.txt | head -1)
assert_match "the highest-numbered first" 'web\.11' "$first"

# --- scale web=0 keeps tfrun running; scale web=2 brings it back
tf scale web=0
wait_for out.txt 'web\.1 +\|.* got SIGTERM'
deadline=$((SECONDS + 10))
while tfrun ps | grep -q '^web\.' && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
kill -0 "$BG" 2>/dev/null && pass "scale web=0: tfrun runs on" || fail "scale web=0: tfrun runs on"
assert_match "worker still runs" '^worker\.1 +[0-9]+ running' "$(tfrun ps)"
tf scale web=2
assert_eq "scale web=2 again: exit 0" 0 "$RC"
wait_state web.2 running && pass "web.2 is back" || fail "web.2 is back"
assert_match "web.1 back on 5000" 'web\.1 +[0-9]+ running .* 5000 ' "$(tfrun ps)"

# --- restart web.1: a new pid, the rest left alone
web1=$(pid_of web.1); web2=$(pid_of web.2); worker=$(pid_of worker.1)
tf restart web.1
assert_eq "restart web.1: exit 0" 0 "$RC"
deadline=$((SECONDS + 10))
while { [ "$(pid_of web.1)" = "$web1" ] || [ "$(state_of web.1)" != running ]; } && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
new=$(pid_of web.1)
[ -n "$new" ] && [ "$new" != "$web1" ] && pass "restart web.1: a new pid ($web1 -> $new)" ||
	fail "restart web.1: a new pid ($web1 -> $new)"
assert_eq "web.2 untouched" "$web2" "$(pid_of web.2)"
assert_eq "worker.1 untouched" "$worker" "$(pid_of worker.1)"
assert_match "restart logged" 'restarting web\.1 \(from tfrun restart\)' "$(cat out.txt)"
assert_match "ps counts the restart" '^web\.1 +[0-9]+ running +[0-9]+s +1 ' "$(tfrun ps)"

# --- stop leaves the rest running; restart starts a stopped instance
tf stop worker
assert_eq "stop worker: exit 0" 0 "$RC"
wait_state worker.1 exited && pass "worker.1 stopped" || fail "worker.1 stopped"
assert_eq "web.2 still runs" running "$(state_of web.2)"
kill -0 "$BG" 2>/dev/null && pass "stop: tfrun runs on" || fail "stop: tfrun runs on"
tf restart worker.1
assert_eq "restart of a stopped instance: exit 0" 0 "$RC"
wait_state worker.1 running && pass "restart started the stopped worker.1" ||
	fail "restart started the stopped worker.1"
# Stopping every instance is not "every instance ended on its own": tfrun
# keeps running, and restart brings them all back.
tf stop web worker
assert_eq "stop everything: exit 0" 0 "$RC"
wait_state web.1 exited && wait_state web.2 exited && wait_state worker.1 exited &&
	pass "every instance stopped" || fail "every instance stopped"
tfrun wait --timeout 0.3 >/dev/null 2>&1
kill -0 "$BG" 2>/dev/null && pass "stop everything: tfrun runs on" ||
	fail "stop everything: tfrun runs on"
assert_no_match "stop everything: not 'all processes have ended'" 'all processes have ended' "$(cat out.txt)"
tf restart
wait_state web.1 running && wait_state web.2 running && wait_state worker.1 running &&
	pass "restart after stopping everything: all run again" ||
	fail "restart after stopping everything: all run again"

# --- signal USR1 web reaches every web group, and only them
: >mark.txt
tf signal USR1 web
assert_eq "signal USR1 web: exit 0" 0 "$RC"
wait_for out.txt 'web\.1 +\|.* got-usr1' && wait_for out.txt 'web\.2 +\|.* got-usr1'
assert_no_match "worker not signalled" 'worker\.1 +\|.* got-usr1' "$(cat out.txt)"
tf signal SIGUSR1 web.2
assert_eq "signal by SIG name and instance: exit 0" 0 "$RC"
tf signal 10 nosuch
assert_eq "signal to nothing: exit 1" 1 "$RC"
assert_eq "signal to nothing: the server's message" "tfrun: nosuch: no such instance or process type" "$ERR"
tf attach web.7
assert_eq "attach to nothing: exit 1" 1 "$RC"
assert_eq "attach to nothing: the same message as the other commands" "tfrun: web.7: no such instance or process type" "$ERR"
tf scale nosuch=2
assert_eq "scale an unknown type: exit 1" 1 "$RC"
assert_eq "scale an unknown type: why" "tfrun: no process type 'nosuch' in the Procfile" "$ERR"

# --- logs -n 5 web.1 prints exactly its last 5 lines; logs exits at once
tf signal USR1 web.1
tf signal USR1 web.1
tf signal USR1 web.1
wait_for out.txt 'web\.1 +\|.* got-usr1' 5
deadline=$((SECONDS + 5))
while [ "$(tfrun logs -n 1000 web.1 | grep -c got-usr1)" -lt 4 ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
tf logs -n 5 web.1
assert_eq "logs: exit 0" 0 "$RC"
assert_eq "logs -n 5 web.1: five lines" 5 "$(printf '%s\n' "$OUT" | wc -l)"
assert_eq "all of web.1" 5 "$(printf '%s\n' "$OUT" | grep -cE '^[0-9:]{8} web\.1 +\| ')"
want=$(tfrun logs -n 1000 web.1 | tail -5)
assert_eq "the last five" "$want" "$OUT"
assert_no_match "logs are not coloured" $'\033' "$OUT"
tf logs -n 2
assert_eq "logs -n 2 of everything: two lines" 2 "$(printf '%s\n' "$OUT" | wc -l)"
tf logs -n 1000 web web.1
assert_eq "logs web web.1: each line once" "$(tfrun logs -n 1000 web)" "$OUT"

# --- wait returns 0 once all run; with an instance that is not ready it
# times out with its name
tf wait
assert_eq "wait: all running: exit 0" 0 "$RC"

# --- logs -f follows, and ends when tfrun exits
tfrun logs -f -n 1 worker >follow.txt 2>&1 &
FOLLOW=$!
BG_PIDS="$BG_PIDS $FOLLOW"
tf signal USR1 worker
# The line comes from the history or, once following, as it is written.
wait_for follow.txt 'worker\.1 +\| got-usr1' && pass "logs -f shows a new line" || fail "logs -f shows a new line"
kill -0 "$FOLLOW" 2>/dev/null && pass "logs -f keeps running" || fail "logs -f keeps running"

# --- a broken tfrun.ini or TFRUN_ variable does not keep the client
# commands from the running tfrun
printf '[global]\nbogus = 1\n' >tfrun.ini
TF_ENV=(TFRUN_TIMEOUT=abc)
tf ps
TF_ENV=()
rm tfrun.ini
assert_eq "ps despite a broken tfrun.ini and TFRUN_TIMEOUT: exit 0" 0 "$RC"
assert_match "ps despite them: the rows" '^web\.1 +[0-9]+ running' "$OUT"

# --- quit: tfrun exits 0; the follower ends with it
tf quit
assert_eq "quit: exit 0" 0 "$RC"
wait_exit "$BG" 15
assert_eq "quit: tfrun exits 0" 0 "$RC"
assert_match "quit logged" 'quit \(from tfrun quit\), starting shutdown' "$(cat out.txt)"
wait_exit "$FOLLOW" 5
assert_eq "logs -f ends with tfrun, exit 0" 0 "$RC"
[ -e .tfrun.sock ] && fail "the socket is removed at exit" || pass "the socket is removed at exit"

# --- wait --timeout with an instance in backoff: 1, naming it
cat >Procfile <<EOF2
web: $C print:1:up wait
flaky: $C exit:1
EOF2
start_bg out.txt start --restart on-failure
wait_for out.txt 'flaky\.1 restarting in'
tf wait --timeout 0.3
assert_eq "wait --timeout: not ready: exit 1" 1 "$RC"
assert_match "wait names who is not ready" '^tfrun: not ready: flaky\.1 \((backoff|running)\)$' "$ERR"
# A stopped tfrun (^Z) cannot answer: wait --timeout still ends.
sup=$(pgrep -P "$BG")
kill -STOP "$sup"
out=$(timeout 15 "$TFRUN" wait --timeout 0.5 2>&1)
rc=$?
kill -CONT "$sup"
assert_eq "wait --timeout, tfrun stopped: exit 1, not a hang" 1 "$rc"
assert_eq "wait --timeout, tfrun stopped: said" "tfrun: no answer from the tfrun at .tfrun.sock within 2.5s (is it stopped?)" "$out"
kill -TERM "$BG"
wait_exit "$BG" 15

# --- -D: returns at once with the formation running; logs, ps and quit
# work; the log file holds the stream; a second start is refused
cat >Procfile <<EOF2
web: $C print:2:daemon-up wait
EOF2
rm -f .tfrun.log
t0=$(date +%s%N)
tf start -D
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "-D: exit 0" 0 "$RC"
[ "$ms" -lt 3000 ] && pass "-D returned at once (${ms} ms)" || fail "-D returned at once (${ms} ms)"
assert_eq "-D: nothing on stdout" "" "$OUT"
assert_match "-D: web.1 runs" '^web\.1 +[0-9]+ running' "$(tfrun ps)"
BG_PIDS="$BG_PIDS $(pid_of web.1)"
wait_for .tfrun.log 'web\.1 +\| daemon-up 2'
assert_match "the log file holds the stream" 'system +\| web\.1 started with pid' "$(cat .tfrun.log)"
assert_match "logs works against it" 'web\.1 +\| daemon-up 2' "$(tfrun logs web.1)"
tf start
assert_eq "second start: exit 1" 1 "$RC"
assert_eq "second start: the message" "tfrun: tfrun is already running in $T (pid $(sed -nE 's/.*already running.*pid ([0-9]+).*/\1/p' <<<"$ERR"))" "$ERR"
assert_match "second start: the pid" 'pid [0-9]+\)$' "$ERR"
holder=$(sed -nE 's/.*pid ([0-9]+)\)$/\1/p' <<<"$ERR")
assert_eq "second start: the pid is the running tfrun's" tfrun "$(cat /proc/$holder/comm 2>/dev/null)"
tf start --socket "$T/other.sock"
assert_eq "second start with another socket, same root: exit 1" 1 "$RC"
assert_match "second start with another socket: refused too" "^tfrun: tfrun is already running in $T \(pid [0-9]+\)$" "$ERR"
assert_match "second start with another socket: the same pid" "pid $holder\)$" "$ERR"
tf quit
assert_eq "quit the daemon: exit 0" 0 "$RC"
deadline=$((SECONDS + 10))
while [ -e .tfrun.sock ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
assert_match "the daemon stopped" 'web\.1 terminated by SIGTERM' "$(cat .tfrun.log)"

# --- -D when the start fails: the status of the failure
cat >Procfile <<EOF2
bad: $C exit:4
EOF2
tf start -D --can-die nothing 2>/dev/null
tf start -D
assert_eq "-D with an instance exiting 4 at once: 4 or 0 (it had started)" 1 "$(( RC == 4 || RC == 0 ))"
# When it had started, the daemon is still stopping: wait until it has let
# go of the root.
deadline=$((SECONDS + 10))
while ! flock -n "$T" true 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
# A log file that cannot be opened: exit 1, naming it, and no socket left.
tf start -D --log-file "$T/no/such/dir/x.log"
assert_eq "-D --log-file in a missing directory: exit 1" 1 "$RC"
assert_eq "-D --log-file in a missing directory: said" "tfrun: $T/no/such/dir/x.log: cannot open the log file: No such file or directory" "$ERR"
[ -e .tfrun.sock ] && fail "-D --log-file failed: no socket left" || pass "-D --log-file failed: no socket left"
# A FIFO nobody reads: an error at once, not an open that hangs.
mkfifo fifo.log
out=$(timeout 10 "$TFRUN" start -D --log-file fifo.log 2>&1)
assert_eq "-D --log-file FIFO without a reader: exit 1, no hang" 1 "$?"
assert_eq "-D --log-file FIFO: said" "tfrun: fifo.log: cannot open the log file: No such device or address" "$out"
rm fifo.log

# --- clients take -f and --config, as they take TFRUN_PROCFILE and
# TFRUN_CONFIG: what says where the app and its socket are
mkdir -p app2
printf 'web: %s print:1:app2-up wait\n' "$C" >app2/Procfile
printf '[tfrun]\nsocket = %s\n' "$T/alt.sock" >app2/alt.ini
tf start -D -f app2/Procfile --config app2/alt.ini
assert_eq "-D with --config: exit 0" 0 "$RC"
tf ps --config app2/alt.ini
assert_match "ps --config FILE finds its socket" '^web\.1 +[0-9]+ running' "$OUT"
tf ps -f app2/Procfile --config app2/alt.ini
assert_eq "ps -f PROCFILE --config FILE: exit 0" 0 "$RC"
tf quit --config app2/alt.ini
assert_eq "quit --config FILE: exit 0" 0 "$RC"
deadline=$((SECONDS + 10))
while [ -e "$T/alt.sock" ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done

# --- a socket left by a SIGKILLed tfrun does not block the next start
cat >Procfile <<EOF2
web: $C print:1:up wait
EOF2
start_bg out.txt start
wait_for out.txt 'web\.1 +\| up 1'
sup=$(pgrep -P "$BG")
kill -KILL "$sup" # first: a keeper killed first would have it clean up
kill -KILL "$BG"
wait_exit "$BG" 5
if [ -S .tfrun.sock ]; then pass "a stale socket is left"; else
	fail "a stale socket is left (supervisor: '$sup')"; sed 's/^/    /' out.txt; fi
start_bg out.txt start
wait_for out.txt 'web\.1 +\| up 1' && pass "the next start replaced it" || fail "the next start replaced it"
assert_match "and answers" '^web\.1 +[0-9]+ running' "$(tfrun ps)"

# --- security: mode 0600; another uid is refused; a 200-byte path is an error
assert_eq "socket mode 0600" "srw-------" "$(stat -c %A .tfrun.sock)"
mkdir -m 777 pub
tfrun quit >/dev/null
wait_exit "$BG" 15
start_bg out.txt start --socket "$T/pub/s"
wait_for out.txt 'web\.1 +\| up 1'
chmod 755 "$T"
chmod 777 pub/s # only so that nobody can try at all
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$TFRUN" ps --socket "$T/pub/s" 2>&1)
assert_eq "another uid: exit 1" 1 "$?"
assert_eq "another uid: refused" "tfrun: permission denied: this tfrun runs as another user" "$out"
chmod 600 pub/s
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$TFRUN" ps --socket "$T/pub/s" 2>&1)
assert_eq "another uid, mode 0600: exit 1" 1 "$?"
assert_eq "another uid, mode 0600: permission denied, not 'no tfrun'" "tfrun: $T/pub/s: Permission denied" "$out"
chmod 700 "$T"
tfrun quit --socket "$T/pub/s" >/dev/null
wait_exit "$BG" 15
# A file that is not a socket is the user's: never replaced, start exits 1.
echo keep >notsock
out=$(timeout 10 "$TFRUN" start --socket "$T/notsock" 2>&1)
assert_eq "a regular file at the socket path: exit 1" 1 "$?"
assert_eq "a regular file at the socket path: said" "tfrun: $T/notsock: exists and is not a socket (tfrun replaces only a socket; choose another --socket)" "$out"
assert_eq "a regular file at the socket path: kept" keep "$(cat notsock)"
# A socket that cannot be made (a read-only root): tfrun runs without one.
start_bg out.txt start --socket "$T/no/such/dir/s"
wait_for out.txt 'web\.1 +\| up 1' && pass "no socket can be made: tfrun runs all the same" ||
	fail "no socket can be made: tfrun runs all the same"
assert_match "and warns" "^tfrun: warning: $T/no/such/dir/s: cannot listen: No such file or directory; tfrun ps and the other control commands will not reach this tfrun$" "$(cat out.txt)"
kill -TERM "$BG"
wait_exit "$BG" 15
long="$T/$(printf 'x%.0s' $(seq 200))"
tf start --socket "$long"
assert_eq "a 200-byte socket path: exit 1" 1 "$RC"
assert_match "a 200-byte socket name: the error" 'socket path too long \([0-9]+ bytes; at most 107, or a name of at most 89 in its directory\)$' "$ERR"
tf ps --socket "$long"
assert_eq "client with a 200-byte path: exit 1" 1 "$RC"
assert_match "client: the same error" 'socket path too long' "$ERR"
# A deep app root (a 150-byte directory) with the default socket name:
# tfrun reaches the directory through a descriptor, so it still listens.
deep="$T/$(printf 'd%.0s' $(seq 60))/$(printf 'e%.0s' $(seq 60))"
mkdir -p "$deep"
printf 'web: %s print:1:deep-up wait\n' "$C" >"$deep/Procfile"
start_bg out.txt start -f "$deep/Procfile"
wait_for out.txt 'web\.1 +\| deep-up 1'
assert_no_match "deep root: no warning about the socket" 'warning' "$(cat out.txt)"
tf ps -d "$deep"
assert_match "deep root: ps reaches it" '^web\.1 +[0-9]+ running' "$OUT"
[ -S "$deep/.tfrun.sock" ] && pass "deep root: the socket is in the root" || fail "deep root: the socket is in the root"
tf start -f "$deep/Procfile"
assert_match "deep root: a second start is refused" 'already running' "$ERR"
tf quit -d "$deep"
wait_exit "$BG" 15
assert_eq "deep root: quit, exit 0" 0 "$RC"
[ -e "$deep/.tfrun.sock" ] && fail "deep root: the socket is removed" || pass "deep root: the socket is removed"

# --- robustness: garbage, a 1 MiB request, a client that sends nothing
# for 5 s, a follower that does not read: the log goes on, and others
# are answered meanwhile
TF_ENV=(TF_CHILD=$C)
cat >Procfile <<'EOF2'
ticker: i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done
flood: sleep 1; exec $TF_CHILD flood:400000:f wait
EOF2
start_bg out.txt start
wait_for out.txt 'ticker\.1 +\| tick 3'
rawtest=$(python3 - "$T/.tfrun.sock" <<'PY'
import socket, sys, time
path = sys.argv[1]
def talk(data, wait=2.0):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(wait)
    try:
        s.sendall(data)
    except OSError:
        pass
    got = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except OSError:
        pass
    s.close()
    return got.decode(errors="replace").splitlines()
out = []
r = talk(b"\x00\xff\x01garbage\n")
out.append("garbage: " + (r[0] if r else "nothing"))
r = talk(b"tfrun/9 ps\n")
out.append("version: " + (r[0] if r else "nothing"))
r = talk(b"x" * (1 << 20))
out.append("1MiB: " + (r[0] if r else "nothing"))
# A follower that never reads, and a silent client, both kept open.
f = socket.socket(socket.AF_UNIX)
f.connect(path)
f.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
f.sendall(b"tfrun/1 logs 0 follow flood\n")
# An attached client that never reads either.
at = socket.socket(socket.AF_UNIX)
at.connect(path)
at.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
at.sendall(b"tfrun/1 attach flood.1 80 24\n")
silent = socket.socket(socket.AF_UNIX)
silent.connect(path)
t0 = time.time()
worst = 0.0
while time.time() - t0 < 5:
    a = time.time()
    r = talk(b"tfrun/1 ps\n")
    worst = max(worst, time.time() - a)
    if not r or r[-1] != "ok":
        out.append("ps failed during the 5 s: %r" % r[-1:])
        break
    time.sleep(0.2)
out.append("ps answered within 1 s meanwhile: %s" % (worst < 1.0))
print("\n".join(out))
PY
)
assert_match "garbage: an error" '^garbage: error request has a character outside' "$rawtest"
assert_match "another version: refused" "^version: error protocol 'tfrun/9' not understood" "$rawtest"
assert_match "a 1 MiB request: refused" '^1MiB: error request too long' "$rawtest"
assert_match "other clients answered meanwhile" 'ps answered within 1 s meanwhile: True' "$rawtest"
assert_no_match "no ps failed" 'ps failed' "$rawtest"
t1=$(grep -cE 'ticker\.1 +\| tick' out.txt)
sleep 1
t2=$(grep -cE 'ticker\.1 +\| tick' out.txt)
[ $((t2 - t1)) -ge 5 ] && pass "the log keeps flowing ($t1 -> $t2 ticks)" || fail "the log keeps flowing ($t1 -> $t2 ticks)"
assert_match "the follower that did not read was dropped" 'dropped a logs -f client that does not read' "$(cat out.txt)"
assert_match "the attached client that did not read was dropped, so said" 'flood\.1: dropped the attached client, which does not read' "$(cat out.txt)"
assert_eq "one drop line each" 2 "$(grep -c 'dropped' out.txt)"
tfrun quit >/dev/null
wait_exit "$BG" 15
assert_eq "robustness: quit still works, exit 0" 0 "$RC"
TF_ENV=()

finish
