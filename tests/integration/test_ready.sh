#!/usr/bin/env bash
# Readiness and start order (SPEC section 6b): tcp, http, log and exec
# probes, `after`, one-shot types, reverse-order shutdown, tfrun wait and
# ps, and tfrun run --with.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD
# A base port of our own, so that tests running at once do not collide.
BASE=$((20000 + ($$ % 2000) * 10))

# A TCP listener on $PORT after DELAY seconds; it notes when it listens.
cat >listen.py <<'EOF2'
import os, socket, sys, time
time.sleep(float(sys.argv[1]))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"])))
s.listen(16)
print("listening at", time.time(), flush=True)
while True:
    c, _ = s.accept()
    c.close()
EOF2
# An HTTP server that answers every GET with STATUS.
cat >httpd.py <<'EOF2'
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(int(sys.argv[1]))
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
EOF2
# An HTTP server that answers its first GET with 500, then holds every
# connection without a word.
cat >hang.py <<'EOF2'
import os, socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"])))
s.listen(64)
held = []
c, _ = s.accept()
c.recv(4096)
c.sendall(b"HTTP/1.0 500 Oops\r\n\r\n")
c.close()
while True:
    held.append(s.accept()[0])
EOF2
# When a process starts, with the time.
cat >stamp.py <<'EOF2'
import time
print("started at", time.time(), flush=True)
time.sleep(600)
EOF2

# --- web after = db starts only once db's tcp probe passes; the order is
# in the log and in the processes' own clocks; shutdown stops web first
cat >Procfile <<EOF2
db: python3 listen.py 1
web: python3 stamp.py
EOF2
cat >tfrun.ini <<'EOF2'
[process.db]
ready = tcp:127.0.0.1:$PORT
ready_interval = 0.1

[process.web]
after = db
EOF2
start_bg out.txt start -p "$BASE"
wait_for out.txt 'web\.1 +\| started at' 15
out=$(cat out.txt)
assert_match "db is ready after its probe" 'system +\| db\.1 ready after [0-9]+\.[0-9]{2}s$' "$out"
assert_match "all instances ready, in seconds with two decimals" 'system +\| all 2 instances ready in [0-9]+\.[0-9]{2}s$' "$out"
r=$(grep -n 'db\.1 ready after' out.txt | cut -d: -f1); s=$(grep -n 'web\.1 started with' out.txt | cut -d: -f1)
[ -n "$r" ] && [ -n "$s" ] && [ "$r" -lt "$s" ] && pass "web started after db was ready (log order)" ||
	fail "web started after db was ready (log order)"
lt=$(sed -nE 's/.*db\.1 +\| listening at ([0-9.]+).*/\1/p' out.txt)
st=$(sed -nE 's/.*web\.1 +\| started at ([0-9.]+).*/\1/p' out.txt)
assert_eq "web's clock: after db listened" 1 "$(python3 -c "print(int($st > $lt))")"
tf ps
assert_match "ps: db is ready" '^db\.1 +[0-9]+ ready ' "$OUT"
assert_match "ps: web (no probe) is running" '^web\.1 +[0-9]+ running ' "$OUT"
tf wait --timeout 5
assert_eq "wait: 0 once all are ready" 0 "$RC"
kill -TERM "$BG"
wait_exit "$BG" 20
out=$(cat out.txt)
w=$(grep -n 'web\.1 terminated' out.txt | cut -d: -f1); d=$(grep -n 'sending SIGTERM to db\.1' out.txt | cut -d: -f1)
[ -n "$w" ] && [ -n "$d" ] && [ "$w" -lt "$d" ] && pass "shutdown: web ended before db got its stop signal" ||
	fail "shutdown: web ended before db got its stop signal"
assert_eq "shutdown: exit 0" 0 "$RC"

# --- while db is not ready, web is waiting (ps, wait names them)
cat >Procfile <<EOF2
db: python3 listen.py 600
web: python3 stamp.py
EOF2
start_bg out.txt start -p "$BASE"
wait_for out.txt 'db\.1 started'
tf ps
assert_match "ps: db is starting" '^db\.1 +[0-9]+ starting ' "$OUT"
assert_match "ps: web is waiting" '^web\.1 +- waiting ' "$OUT"
tf wait --timeout 0.2
assert_eq "wait before ready: 1" 1 "$RC"
assert_match "wait names them" 'not ready: db\.1 \(starting\), web\.1 \(waiting\)' "$ERR"
kill -TERM "$BG"
wait_exit "$BG" 20
assert_no_match "web never started" 'web\.1 started' "$(cat out.txt)"

# --- each probe kind passes, and fails as specified (not ready after the
# timeout; under restart never that stops the formation)
probe_case() { # NAME PROCFILE-COMMAND PROBE WANT(ready|fail)
	printf 'p: %s\n' "$2" >Procfile
	printf '[process.p]\nready = %s\nready_interval = 0.1\nready_timeout = 1.5\n' "$3" >tfrun.ini
	start_bg out.txt start -p "$BASE"
	if [ "$4" = ready ]; then
		wait_for out.txt 'p\.1 ready after' 10 && pass "$1: passes" || fail "$1: passes"
		kill -TERM "$BG"
		wait_exit "$BG" 15
	else
		wait_exit "$BG" 15
		assert_match "$1: not ready after the timeout" 'p\.1 not ready after 1\.5s \(' "$(cat out.txt)"
		assert_no_match "$1: never ready" 'p\.1 ready after' "$(cat out.txt)"
		[ "$RC" != 0 ] && pass "$1: a failed run stops the formation ($RC)" || fail "$1: a failed run stops the formation ($RC)"
	fi
}
probe_case "tcp" "python3 listen.py 0.3" 'tcp:$PORT' ready
probe_case "tcp, nothing listens" "python3 stamp.py" 'tcp:127.0.0.1:$PORT' fail
assert_match "tcp: the reason names the real port" "p\\.1 not ready after 1\\.5s \\(tcp:127\\.0\\.0\\.1:$BASE: connection refused\\)" "$(cat out.txt)"
probe_case "http 200 (python3 -m http.server)" 'python3 -m http.server --bind 127.0.0.1 $PORT' 'http://127.0.0.1:$PORT/' ready
probe_case "http 404 (python3 -m http.server)" 'python3 -m http.server --bind 127.0.0.1 $PORT' 'http://127.0.0.1:$PORT/no-such-page' fail
probe_case "http 302" "python3 httpd.py 302" 'http://127.0.0.1:$PORT/' ready
probe_case "http 500" "python3 httpd.py 500" 'http://127.0.0.1:$PORT/health' fail
assert_match "http 500: the reason" "p\\.1 not ready after 1\\.5s \\(http://127\\.0\\.0\\.1:$BASE/health: HTTP 500\\)" "$(cat out.txt)"
probe_case "http 500, then no answer" "python3 hang.py" 'http://127.0.0.1:$PORT/' fail
assert_match "http: the last attempt's reason, not an older one" "p\\.1 not ready after 1\\.5s \\(http://127\\.0\\.0\\.1:$BASE/: no answer\\)" "$(cat out.txt)"
probe_case "log" "sh -c 'sleep 0.3; echo Listening on port \$PORT; sleep 600'" 'log:Listening on port [0-9]+$' ready
probe_case "log, no such line" "sh -c 'echo something else; sleep 600'" 'log:^Listening' fail
probe_case "exec" "python3 listen.py 0.3" 'exec:python3 -c "import socket, os; socket.create_connection((\"127.0.0.1\", int(os.environ[\"PORT\"])))"' ready
probe_case "exec fails" "python3 stamp.py" 'exec:exit 3' fail
assert_match "exec: the reason is told" 'p\.1 not ready after 1\.5s \(exec:exit 3: exited with code 3\)' "$(cat out.txt)"
# One that catches the stop signal and exits 0 has failed all the same: 1.
printf "p: trap 'exit 0' TERM; while :; do sleep 0.05; done\n" >Procfile
printf '[process.p]\nready = tcp:127.0.0.1:$PORT\nready_timeout = 0.5\n' >tfrun.ini
tf start -p "$BASE"
assert_match "not ready, exits 0 on SIGTERM: not ready" 'p\.1 not ready after 0\.5s' "$OUT"
assert_eq "not ready, exits 0 on SIGTERM: still a failed run, exit 1" 1 "$RC"
tf start -p "$BASE" --can-die p
assert_eq "not ready, exits 0 on SIGTERM, --can-die: the highest status is 1" 1 "$RC"

# --- a probe that never passes follows the restart policy
printf 'p: python3 stamp.py\nq: python3 stamp.py\n' >Procfile
printf '[process.p]\nready = tcp:$PORT\nready_timeout = 0.5\nrestart = on-failure\n' >tfrun.ini
start_bg out.txt start -p "$BASE"
wait_for out.txt 'p\.1 restarting in 2s' 15 && pass "not ready, on-failure: restarted with backoff" ||
	fail "not ready, on-failure: restarted with backoff"
assert_match "not ready, on-failure: the first restart after 1 s" 'p\.1 restarting in 1s' "$(cat out.txt)"
kill -0 "$BG" 2>/dev/null && pass "not ready, on-failure: the rest runs on" || fail "not ready, on-failure: the rest runs on"
kill -TERM "$BG"
wait_exit "$BG" 15

# --- a one-shot release runs first; exit 0 lets web start, exit 1 stops
# everything with status 1
for code in 0 1; do
	cat >Procfile <<EOF2
release: sh -c 'echo releasing; sleep 0.3; exit $code'
web: python3 stamp.py
EOF2
	printf '[process.release]\noneshot = true\n[process.web]\nafter = release:done\n' >tfrun.ini
	start_bg out.txt start -p "$BASE"
	if [ $code = 0 ]; then
		wait_for out.txt 'web\.1 +\| started at' 10
		out=$(cat out.txt)
		r=$(grep -n 'release\.1 exited with code 0' out.txt | cut -d: -f1); s=$(grep -n 'web\.1 started with' out.txt | cut -d: -f1)
		[ -n "$r" ] && [ -n "$s" ] && [ "$r" -lt "$s" ] && pass "one-shot exit 0: web starts after it" ||
			fail "one-shot exit 0: web starts after it"
		kill -0 "$BG" 2>/dev/null && pass "one-shot exit 0 stops nothing" || fail "one-shot exit 0 stops nothing"
		tf wait --timeout 5
		assert_eq "wait: a finished one-shot counts as ready" 0 "$RC"
		kill -TERM "$BG"
		wait_exit "$BG" 15
	else
		wait_exit "$BG" 15
		assert_eq "one-shot exit 1: tfrun exits 1" 1 "$RC"
		assert_no_match "one-shot exit 1: web never started" 'web\.1 started' "$(cat out.txt)"
	fi
done

# --- scaling up starts new instances only once their dependencies are
# met; restarting a dependency does not restart its dependents
cat >Procfile <<EOF2
db: python3 listen.py 0
web: python3 stamp.py
EOF2
printf '[process.db]\nready = tcp:$PORT\nready_interval = 0.1\n[process.web]\nafter = db\n' >tfrun.ini
start_bg out.txt start -p "$BASE"
wait_for out.txt 'web\.1 +\| started at'
webpid=$(tfrun ps | awk '$1 == "web.1" { print $2 }')
tfrun restart db >/dev/null
wait_for out.txt 'db\.1 ready after.*' 10
deadline=$((SECONDS + 10))
while [ "$(grep -c 'db\.1 ready after' out.txt)" -lt 2 ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
assert_eq "db restarted and ready again" 2 "$(grep -c 'db\.1 ready after' out.txt)"
assert_eq "web was not restarted" "$webpid" "$(tfrun ps | awk '$1 == "web.1" { print $2 }')"
tfrun scale web=2 >/dev/null
wait_for out.txt 'web\.2 +\| started at' && pass "scale up: the new web starts (db is ready)" || fail "scale up: the new web starts (db is ready)"
kill -TERM "$BG"
wait_exit "$BG" 15

# --- tfrun restart of the whole formation keeps its order: web waits
# until the restarted db is ready again (by the processes' own clocks)
cat >Procfile <<EOF2
db: python3 listen.py 0.5
web: python3 stamp.py
EOF2
printf '[process.db]\nready = tcp:$PORT\nready_interval = 0.05\n[process.web]\nafter = db\n' >tfrun.ini
start_bg out.txt start -p "$BASE"
wait_for out.txt 'web\.1 +\| started at'
tf restart
assert_eq "restart everything: exit 0" 0 "$RC"
deadline=$((SECONDS + 10))
while { [ "$(grep -cE 'web\.1 +\| started at' out.txt)" -lt 2 ] ||
	[ "$(grep -cE 'db\.1 +\| listening at' out.txt)" -lt 2 ]; } && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
db_at=$(grep -E 'db\.1 +\| listening at' out.txt | tail -1 | awk '{ print $NF }')
web_at=$(grep -E 'web\.1 +\| started at' out.txt | tail -1 | awk '{ print $NF }')
python3 -c "import sys; sys.exit(0 if float('$web_at') > float('$db_at') else 1)" 2>/dev/null &&
	pass "restart everything: web started again after db listened again ($db_at < $web_at)" ||
	fail "restart everything: web started again after db listened again ($db_at < $web_at)"
assert_eq "restart everything: db listened twice" 2 "$(grep -cE 'db\.1 +\| listening at' out.txt)"
kill -TERM "$BG"
wait_exit "$BG" 15

# --- tfrun run --with db -- COMMAND: db comes up, COMMAND reaches it, db is
# gone after, and COMMAND's status is tfrun's
cat >Procfile <<EOF2
db: python3 listen.py 0.5
web: python3 stamp.py
EOF2
printf '[process.db]\nready = tcp:$PORT\nready_interval = 0.1\n' >tfrun.ini
out=$(tfrun run -p "$BASE" --with db -- python3 -c "
import os, socket
socket.create_connection(('127.0.0.1', $BASE)).close()
print('connected to db', os.environ['PS'])" 2>err.txt)
rc=$?
assert_eq "run --with: COMMAND's status 0" 0 "$rc"
assert_eq "run --with: COMMAND reached db; its stdout is its own" "connected to db run.1" "$out"
assert_match "run --with: db was started and ready first" 'db\.1 ready after' "$(cat err.txt)"
assert_no_match "run --with: web was not started" 'web\.1 started' "$(cat err.txt)"
assert_match "run --with: db stopped after" 'db\.1 terminated by SIGTERM' "$(cat err.txt)"
assert_match "run --with: the end is the command's" 'system +\| the command has ended, starting shutdown' "$(cat err.txt)"
assert_no_match "run --with: no SIGTERM was received" 'SIGTERM received' "$(cat err.txt)"
python3 -c "import socket; socket.create_connection(('127.0.0.1', $BASE))" 2>/dev/null &&
	fail "run --with: db is gone after" || pass "run --with: db is gone after"
tfrun run -p "$BASE" --with db -- sh -c 'exit 7' 2>/dev/null
assert_eq "run --with: COMMAND exiting 7 gives 7" 7 "$?"
printf '[process.db]\nready = tcp:$PORT\nready_timeout = 0.5\n' >tfrun.ini
printf 'db: python3 stamp.py\n' >Procfile
tfrun run -p "$BASE" --with db -- true 2>err.txt
rc=$?
[ "$rc" != 0 ] && pass "run --with: db never ready: COMMAND does not run, non-zero ($rc)" ||
	fail "run --with: db never ready: COMMAND does not run, non-zero ($rc)"
rm tfrun.ini
# A dependency that ends while COMMAND runs stops the formation: COMMAND and
# what it started are stopped too (no orphan), and the status is COMMAND's.
rm -f cmd.pid child.pid
printf 'db: while [ ! -s child.pid ]; do sleep 0.05; done; exit 3\n' >Procfile
timeout 20 "$TFRUN" run -p "$BASE" --with db -- sh -c 'echo $$ >cmd.pid; sleep 30 & echo $! >child.pid; wait; exit 5' 2>err.txt
assert_eq "run --with: db ends under COMMAND: COMMAND's status (SIGTERM)" 143 "$?"
assert_match "run --with: db ends under COMMAND: said" '^tfrun: run: the formation has stopped; sending SIGTERM to the command$' "$(cat err.txt)"
# (both pids were written, or the two checks below would prove nothing)
[ -s cmd.pid ] && [ -s child.pid ] && pass "run --with: db ends under COMMAND: COMMAND and its child ran" ||
	fail "run --with: db ends under COMMAND: COMMAND and its child ran"
kill -0 "$(cat cmd.pid)" 2>/dev/null && fail "run --with: db ends under COMMAND: COMMAND is gone" ||
	pass "run --with: db ends under COMMAND: COMMAND is gone"
kill -0 "$(cat child.pid)" 2>/dev/null && fail "run --with: db ends under COMMAND: its child is gone" ||
	pass "run --with: db ends under COMMAND: its child is gone"
kill -KILL "$(cat child.pid)" "$(cat cmd.pid)" 2>/dev/null
# Without any readiness settings, a started instance is ready: COMMAND runs.
printf 'db: python3 stamp.py\n' >Procfile
out=$(timeout 10 "${CLEAN_ENV[@]}" "$TFRUN" run -p "$BASE" --with db -- echo plain 2>/dev/null)
assert_eq "run --with: no probes: COMMAND runs once db has started" "plain 0" "$out $?"
# A type that ends before it is ready: COMMAND never runs, and that is
# never a success (a script would take it for COMMAND's).
printf 'db: exec %s print:1:dbup exit:0\n' "$C" >Procfile
printf '[process.db]\nready = log:NEVER\n' >tfrun.ini
out=$(timeout 20 "$TFRUN" run -p "$BASE" --with db -- echo CMDRAN 2>err.txt)
assert_eq "run --with: db ends before ready: exit 1" "1" "$?"
assert_eq "run --with: db ends before ready: COMMAND did not run" "" "$out"
assert_match "run --with: db ends before ready: said" '^tfrun: run: the command did not run: the formation stopped before it was ready$' "$(cat err.txt)"
# A one-shot is waited for until it is done; its success, or a --can-die
# type's end, stops nothing while COMMAND runs.
# (cache ends at once, before release is done: ended with 0 under
# --can-die, it counts as ready, as a one-shot that is done does)
printf 'release: %s print:1:migrating sleep:300 exit:0 ; echo done >release.out\ncache: exec %s exit:0\n' "$C" "$C" >Procfile
printf '[process.release]\noneshot = true\n' >tfrun.ini
rm -f release.out
out=$(timeout 20 "$TFRUN" run -p "$BASE" --can-die cache --with release,cache -- sh -c 'cat release.out; sleep 1; exit 6' 2>err.txt)
assert_eq "run --with a one-shot: COMMAND's status, not 143" "6" "$?"
assert_eq "run --with a one-shot: COMMAND ran once it was done" "done" "$out"
assert_no_match "run --with a one-shot: nothing was stopped under COMMAND" 'sending SIGTERM to the command' "$(cat err.txt)"
rm tfrun.ini
printf 'db: python3 stamp.py\n' >Procfile
# The types come up with their formation counts (at least one each).
timeout 10 "${CLEAN_ENV[@]}" "$TFRUN" run -p "$BASE" -m db=2 --with db -- true 2>err.txt
assert_match "run --with -m db=2: two instances" 'db\.2 started with pid' "$(cat err.txt)"
printf '[tfrun]\nformation = db=0\n' >tfrun.ini
timeout 10 "${CLEAN_ENV[@]}" "$TFRUN" run -p "$BASE" --with db -- true 2>err.txt
assert_match "run --with, db=0: still one" 'db\.1 started with pid' "$(cat err.txt)"
rm tfrun.ini

finish
