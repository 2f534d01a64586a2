#!/usr/bin/env bash
# tfrun export runit, checked by runit itself: a private runsvdir runs a
# copy of the service directories: web waits (sv check) until the one-shot
# release is done, web's check script passes its http probe, every
# instance's environment is what `tfrun env` says (the env files'
# variables, PORT and PS, byte for byte, through chpst -e and the run
# script), the stop signal reaches the whole process group, and `sv down`
# stops every process.
. "$(dirname "$0")/lib.sh"
. "$TFRUN_SRC/tests/integration/export/app.sh"

make_app 17000
O=$T/services
tf export runit "$O" -d "$A" -m "$FORMATION"
assert_eq "export: exit 0" 0 "$RC"
assert_eq "export: nothing on stderr" "" "$ERR"
SVCS="shop-release-1 shop-web-1 shop-web-2 shop-worker-1"
assert_eq "export: a directory per instance" "$SVCS" "$(cd "$O" && echo *)"
assert_match "export: prints how to link it" '^ln -s /etc/sv/shop-web-1 /etc/service/$' "$OUT"
for s in $SVCS; do
	out=$(sh -n "$O/$s/run" 2>&1 && sh -n "$O/$s/control/t" 2>&1 && sh -n "$O/$s/log/run" 2>&1)
	assert_eq "$s: the scripts are valid sh" "" "$out"
done
assert_eq "SPACES ends with blanks: not in env/" no "$([ -e "$O/shop-web-1/env/SPACES" ] && echo yes || echo no)"

# --- a private runsvdir, on a copy: runsv writes supervise/ into each dir
SV=$T/sv
cp -a "$O" "$SV"
# A background job starts with SIGINT ignored: runsvdir would pass that on.
setsid env --default-signal "${CLEAN_ENV[@]}" runsvdir -P "$SV" >"$T/runsvdir.out" 2>&1 </dev/null &
RPID=$!
BG_PIDS="$BG_PIDS $RPID"

# status NAME: the first word of sv status (run, down, ...).
status() {
	sv status "$SV/$1" 2>/dev/null | sed 's/:.*//'
}
# all_up: the long-running services up for a second, release done
# (down), web serving (sv check runs its check script, the http probe;
# while web.N waits for release its run script is what is up).
all_up() {
	local s
	for s in shop-web-1 shop-web-2 shop-worker-1; do
		sv status "$SV/$s" 2>/dev/null | grep -Eq '^run: [^;]*\) [1-9][0-9]*s' || return 1
	done
	[ "$(status shop-release-1)" = down ] &&
		sv check "$SV/shop-web-1" "$SV/shop-web-2" >/dev/null 2>&1
}
started=$SECONDS
if wait_until 40 all_up; then pass "runsvdir runs every service"; else
	fail "runsvdir runs every service"
	sv status "$SV"/* 2>&1 | sed 's/^/    /'
	for s in $SVCS; do tail -5 "$SV/$s/log/main/current" 2>/dev/null | sed "s/^/    $s: /"; done
fi
printf '  (the services were up in %ss)\n' $((SECONDS - started))

assert_eq "release ran to completion" "done" "$(cat "$A/release.out" 2>/dev/null)"
assert_match "release stays down after exiting 0" '^down: .*normally up' "$(sv status "$SV/shop-release-1")"
assert_eq "web.1 started after release was done" "done" "$(cat "$A/web.saw.web.1" 2>/dev/null)"
assert_eq "web.2 started after release was done" "done" "$(cat "$A/web.saw.web.2" 2>/dev/null)"
out=$(sv check "$SV/shop-web-1" "$SV/shop-web-2" 2>&1)
assert_eq "sv check passes web's http probe (its check script)" 0 "$?"
assert_match "sv check: ok" '^ok: run: ' "$out"

pids=""
for name in web.1 web.2 worker.1; do
	pid=$(cat "$SV/shop-${name%.*}-${name#*.}/supervise/pid")
	pids="$pids $pid"
	env_matches "$name: environment as tfrun env says" "$name" "/proc/$pid/environ"
done
env_matches "release.1: environment as tfrun env says" release.1 "$A/release.env"
assert_match "svlogd keeps the output (the probe's requests)" '"GET / HTTP/1.1" 200' "$(cat "$SV/shop-web-1/log/main/current" 2>/dev/null)"

# --- the stop signal goes to the group: web's SIGINT reaches python
sv restart "$SV/shop-web-1" >/dev/null
if wait_for "$SV/shop-web-1/log/main/current" 'Keyboard interrupt received' 15; then
	pass "web.1's python got SIGINT (its log says so)"
else
	fail "web.1's python got SIGINT (its log says so)"
fi
if wait_until 15 gone "${pids%% *}"; then pass "web.1 was stopped"; else fail "web.1 was stopped"; fi
if wait_until 15 all_up; then pass "sv restart: web.1 runs again (its exit was asked for)"; else
	fail "sv restart: web.1 runs again (its exit was asked for)"; fi
pids=""
for s in shop-web-1 shop-web-2 shop-worker-1; do pids="$pids $(cat "$SV/$s/supervise/pid")"; done

# --- sv down stops everything; then runsvdir goes
out=$(sv -w 10 down "$SV"/* 2>&1)
assert_eq "sv down: every service is down" 4 "$(printf '%s\n' "$out" | grep -c '^ok: down: ')"
if wait_until 15 gone $pids; then pass "every process has ended"; else fail "every process has ended"; fi
kill -HUP "$RPID"
wait_exit "$RPID" 20

# --- a chain: last waits for mid:started, mid for the one-shot first. A run
# script still waiting for its own dependencies already shows "run:", so
# "started" must mean past that wait, or last starts before mid.
C=$T/chain
mkdir -p "$C"
cat >"$C/Procfile" <<'PROCFILE'
first: sleep 2; date +%s.%N >first.done
mid: date +%s.%N >mid.started; exec sleep 100000
last: date +%s.%N >last.started; exec sleep 100000
talker: exec sleep 100000
PROCFILE
# talker's probe prints, as pg_isready does: sv check must pass it all the
# same, or last, which waits until it is ready, never starts.
printf '[process.first]\noneshot = true\n[process.mid]\nafter = first:done\n[process.last]\nafter = mid:started, talker:ready\n[process.talker]\nready = exec:echo accepting connections\n' >"$C/tfrun.ini"
tf export runit "$T/chain-sv" -d "$C"
assert_eq "chain: export: exit 0" 0 "$RC"
setsid env --default-signal "${CLEAN_ENV[@]}" runsvdir -P "$T/chain-sv" >"$T/runsvdir2.out" 2>&1 </dev/null &
RPID=$!
BG_PIDS="$BG_PIDS $RPID"
if wait_for "$C/last.started" . 30 && wait_for "$C/mid.started" . 10; then
	pass "chain: mid and last started"; else fail "chain: mid and last started"; fi
# mid and last both start after first is done (last only once mid has
# started: its spawn, not its first line, which may come after last's).
order=$(cat "$C/first.done" "$C/mid.started" "$C/last.started" 2>/dev/null | awk 'NR == 1 { first = $1 } NR > 1 && $1 < first { bad = 1 } END { print (NR == 3 && !bad) ? "in order" : "out of order" }')
assert_eq "chain: first done, then mid and last started" "in order" "$order"
[ "$order" = "in order" ] ||
	for f in first.done mid.started last.started; do printf '    %s %s\n' "$f" "$(cat "$C/$f" 2>/dev/null)"; done
sv -w 10 down "$T/chain-sv"/* >/dev/null 2>&1
kill -HUP "$RPID"
wait_exit "$RPID" 20
finish
