#!/usr/bin/env bash
# One run of `tfrun start` on the example app under valgrind: no leak, no
# invalid access. Only in builds without sanitizers (they clash).
. "$(dirname "$0")/lib.sh"

: "${TFRUN_SRC:?}"
cp "$TFRUN_SRC/Procfile.example" "$TFRUN_SRC/.env.example" .
port=$((20000 + RANDOM % 20000))

setsid "${CLEAN_ENV[@]}" valgrind --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all --error-exitcode=99 --track-fds=no \
	--log-file=vg.%p.txt "$TFRUN" start -f Procfile.example -e .env.example -p "$port" \
	>out.txt 2>&1 </dev/null &
BG=$!
BG_PIDS="$BG"
wait_for out.txt "web\\.1 +\\| Serving HTTP" 60
wait_for out.txt 'clock\.1 +\| tick' 30
reply=$(exec 3<>"/dev/tcp/127.0.0.1/$port" &&
	printf 'GET / HTTP/1.0\r\n\r\n' >&3 && timeout 5 cat <&3)
assert_match "web answers under valgrind" '^HTTP/1\.[01] 200' "$reply"
kill -INT "$BG"
wait_exit "$BG" 60
assert_eq "tfrun exits 0 under valgrind (99 would be a valgrind error)" 0 "$RC"
# Two logs: the keeper's and the supervisor's (forked, not exec'd).
n=0
for f in vg.*.txt; do
	grep -q 'HEAP SUMMARY' "$f" || continue # a child on its way to exec
	n=$((n + 1))
	vg=$(cat "$f")
	assert_match "$f: no errors" 'ERROR SUMMARY: 0 errors' "$vg"
	assert_match "$f: no leaks" 'All heap blocks were freed -- no leaks are possible' "$vg"
done
assert_eq "keeper and supervisor both checked" 2 "$n"

finish
