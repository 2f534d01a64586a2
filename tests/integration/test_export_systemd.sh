#!/usr/bin/env bash
# tfrun export systemd, checked by systemd itself: `systemd-analyze
# verify` prints nothing; a real `systemd --user` manager (in a private
# mount namespace, where /run/systemd/system exists so that it agrees to
# run without systemd as PID 1) starts APP.target from the export DIR:
# release runs to completion before web starts, web passes its http probe,
# every instance's environment is what `tfrun env` says (the env files'
# variables, PORT and PS, byte for byte), and stopping the target stops
# every process.
. "$(dirname "$0")/lib.sh"
. "$TFRUN_SRC/tests/integration/export/app.sh"

make_app 15000
O=$T/units
TF_ENV=("LEAK_SENTINEL=inherited")
tf export systemd "$O" -d "$A" -m "$FORMATION"
TF_ENV=()
assert_eq "export: exit 0" 0 "$RC"
assert_eq "export: nothing on stderr" "" "$ERR"
assert_eq "export: the target and a unit per instance" \
	"shop-release.1.service shop-web.1.service shop-web.2.service shop-worker.1.service shop.target" \
	"$(cd "$O" && echo *)"
assert_match "export: prints how to start it" '^systemctl enable --now shop\.target$' "$OUT"

# --- systemd-analyze verify: no output at all (it exits 0 on most defects)
out=$(cd "$O" && systemd-analyze verify ./shop.target ./shop-*.service 2>&1)
rc=$?
assert_eq "systemd-analyze verify: exit 0" 0 "$rc"
assert_eq "systemd-analyze verify: prints nothing" "" "$out"

# --- a real manager
RT=$T/runtime
mkdir -m 0700 "$RT"
setsid unshare -m --propagation private sh -c '
	mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system || exit 1
	exec "$@"' sh env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$T" \
	LANG=C.UTF-8 XDG_RUNTIME_DIR="$RT" SYSTEMD_UNIT_PATH="$O:" \
	/lib/systemd/systemd --user >"$T/manager.log" 2>&1 </dev/null &
SD=$!
BG_PIDS="$BG_PIDS $SD"

# sdctl ARGS...: systemctl --user against that manager, in its namespace.
sdctl() {
	nsenter -t "$SD" -m env XDG_RUNTIME_DIR="$RT" systemctl --user "$@"
}
# mainpid UNIT: the unit's main pid (0 when it has none).
mainpid() {
	sdctl show -p MainPID --value "$1"
}

if ! wait_until 20 sdctl is-system-running; then
	state=$(sdctl is-system-running 2>&1)
	[ "$state" = degraded ] || { fail "the manager runs: $state"; cat "$T/manager.log"; finish; }
fi
pass "a private systemd --user manager runs"
started=$SECONDS
sdctl start shop.target
assert_eq "systemctl start shop.target: exit 0" 0 "$?"
for u in shop-web.1 shop-web.2 shop-worker.1 shop-release.1; do
	if wait_until 30 sdctl is-active -q "$u.service"; then
		pass "$u is active"
	else
		fail "$u is active"
		sdctl status "$u.service" --no-pager 2>&1 | sed 's/^/    /'
	fi
done
printf '  (the units started in %ss)\n' $((SECONDS - started))

# release ran first, to completion (Type=oneshot + Requires=/After=).
assert_eq "release ran to completion" "done" "$(cat "$A/release.out" 2>/dev/null)"
assert_eq "release exited 0 and stays active" "0 exited" \
	"$(sdctl show -p ExecMainStatus --value shop-release.1.service) $(sdctl show -p SubState --value shop-release.1.service)"
assert_eq "web.1 started after release was done" "done" "$(cat "$A/web.saw.web.1" 2>/dev/null)"
assert_eq "web.2 started after release was done" "done" "$(cat "$A/web.saw.web.2" 2>/dev/null)"
rel_done=$(sdctl show -p ExecMainExitTimestampMonotonic --value shop-release.1.service)
web_start=$(sdctl show -p ExecMainStartTimestampMonotonic --value shop-web.1.service)
assert_eq "systemd started web.1 after release exited" yes \
	"$([ "${rel_done:-0}" -gt 0 ] && [ "${web_start:-0}" -ge "$rel_done" ] && echo yes)"

# web is active only once its probe passed: it serves HTTP now.
for n in 1 2; do
	port=$((BASE + n - 1))
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null ||
		python3 -c "import urllib.request,sys; print(urllib.request.urlopen('http://127.0.0.1:$port/').status)")
	assert_eq "web.$n serves on its PORT $port" 200 "$code"
done

# --- every instance got what `tfrun env` says, byte for byte
pids=""
for name in web.1 web.2 worker.1; do
	pid=$(mainpid "shop-$name.service")
	pids="$pids $pid"
	env_matches "$name: env files' variables, PORT and PS as tfrun env says" "$name" "/proc/$pid/environ"
done
env_matches "release.1: env files' variables, PORT and PS as tfrun env says" release.1 "$A/release.env"
assert_no_match "the environment tfrun inherited is not passed" '^LEAK_SENTINEL=' \
	"$(tr '\0' '\n' <"/proc/${pids##* }/environ")"
assert_eq "web's stop signal and timeout as systemd reads them" "2 2.500000s" \
	"$(sdctl show -p KillSignal --value shop-web.1.service) $(sdctl show -p TimeoutStopUSec --value shop-web.1.service)"

# --- stopping the target stops everything
sdctl stop shop.target
assert_eq "systemctl stop shop.target: exit 0" 0 "$?"
if wait_until 15 gone $pids; then pass "every process has ended"; else fail "every process has ended"; fi
assert_eq "no unit of the app is active" "" "$(sdctl list-units 'shop-*' --state=active --no-legend --plain)"

kill "$SD" 2>/dev/null
wait_exit "$SD" 20
finish
