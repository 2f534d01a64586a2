#!/usr/bin/env bash
# The README's first command: Procfile.example starts, and its web process
# answers HTTP on its port.
. "$(dirname "$0")/lib.sh"

: "${TFRUN_SRC:?}"
cp "$TFRUN_SRC/Procfile.example" "$TFRUN_SRC/.env.example" \
	"$TFRUN_SRC/tfrun.example.ini" .
port=$((20000 + RANDOM % 20000))

start_bg out.txt start -f Procfile.example -e .env.example \
	--config tfrun.example.ini -p "$port"
wait_for out.txt "web\\.1 +\\| Serving HTTP on 127\\.0\\.0\\.1 port $port" 20
wait_for out.txt 'web\.1 ready after' 10 && pass "web's http probe passes" || fail "web's http probe passes"
out=$(cat out.txt)
r=$(grep -n 'release\.1 exited with code 0' out.txt | cut -d: -f1)
w=$(grep -n 'web\.1 started with' out.txt | cut -d: -f1)
[ -n "$r" ] && [ -n "$w" ] && [ "$r" -lt "$w" ] && pass "the one-shot release runs first" ||
	fail "the one-shot release runs first"
assert_match "release's own lines" 'release\.1 +\| release: done' "$out"
wait_for out.txt 'worker\.1 +\| hello from the worker: job 1 done' 10 &&
	pass "worker runs with the .env.example config" || fail "worker runs with the .env.example config"
wait_for out.txt 'clock\.1 +\| tick, PS=clock\.1' 10 &&
	pass "clock runs" || fail "clock runs"

# A plain HTTP request through bash's /dev/tcp: nothing beyond the set-up.
reply=$(exec 3<>"/dev/tcp/127.0.0.1/$port" &&
	printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && timeout 5 cat <&3)
assert_match "web answers on its port" '^HTTP/1\.[01] 200' "$reply"
wait_for out.txt 'web\.1 +\| .*"GET / HTTP/1\.0" 200' 5 &&
	pass "the request is logged by web.1" || fail "the request is logged by web.1"

kill -INT "$BG"
wait_exit "$BG" 15
assert_eq "stops with status 0 on ^C" 0 "$RC"

finish
