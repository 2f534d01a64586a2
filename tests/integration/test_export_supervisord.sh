#!/usr/bin/env bash
# tfrun export supervisord, checked by supervisord itself: the values its
# environment= cannot carry are refused by name with nothing written; the
# others are parsed back by supervisor's own config reader exactly as
# tfrun reads them; then a private foreground supervisord runs APP.conf:
# release is started first (priority) and runs to completion, every
# instance's environment is what `tfrun env` says (the env files'
# variables, PORT and PS, byte for byte), and stopping the group stops
# every process.
. "$(dirname "$0")/lib.sh"
. "$TFRUN_SRC/tests/integration/export/app.sh"

make_app 16000
O=$T/conf
# Debian's python3, which has the supervisor package (a pyenv one may not).
PY=/usr/bin/python3

# --- what supervisord cannot carry is refused, naming each key
tf export supervisord "$O" -d "$A" -m "$FORMATION"
assert_eq "tricky .env: exit 1" 1 "$RC"
for key in BOTH HASH_SP MULTI; do
	assert_match "names $key" "^tfrun: export: supervisord: the value of $key " "$ERR"
done
assert_eq "refuses only those three" 3 "$(grep -c 'the value of' "$T/.stderr")"
assert_eq "nothing written" no "$([ -e "$O" ] && echo yes || echo no)"

# The rest of the .env, in a second env file.
grep -v -e '^BOTH=' -e '^HASH_SP=' -e '^MULTI=' -e '^  second line' "$A/.env" >"$A/.env.supervisord"
KEYS=()
for k in "${ENV_KEYS[@]}"; do
	case $k in BOTH | HASH_SP | MULTI) ;; *) KEYS+=("$k") ;; esac
done
tf export supervisord "$O" -d "$A" -m "$FORMATION" -e "$A/.env.supervisord"
assert_eq "export: exit 0" 0 "$RC"
assert_eq "export: one file" "shop.conf" "$(cd "$O" && echo *)"
assert_match "export: prints how to start it" '^supervisorctl update shop$' "$OUT"

# --- supervisor's own reader gets every command and value back
cat >"$T/read.py" <<'EOF'
import shlex, sys
from supervisor.options import ServerOptions
o = ServerOptions()
o.realize(args=["-c", sys.argv[1]])
for g in o.process_group_configs:
    for p in g.process_configs:
        env = b"".join(k.encode() + b"=" + v.encode() + b"\0" for k, v in p.environment.items())
        open(sys.argv[2] + "/" + p.name + ".environ", "wb").write(env)
        # supervisord splits command= with shlex when it spawns the program.
        open(sys.argv[2] + "/" + p.name + ".argv", "w").write("\n".join(shlex.split(p.command)) + "\n")
        print(g.name, p.name, p.priority, p.stopsignal, p.stopwaitsecs, p.autorestart, p.stopasgroup, p.killasgroup, p.startretries)
EOF
D=$T/supervisor
mkdir "$D"
cat >"$D/supervisord.conf" <<EOF
[unix_http_server]
file=$D/supervisor.sock
[supervisord]
nodaemon=true
user=root
logfile=$D/supervisord.log
pidfile=$D/supervisord.pid
childlogdir=$D
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$D/supervisor.sock
[include]
files = $O/shop.conf
EOF
parsed=$($PY "$T/read.py" "$D/supervisord.conf" "$T" 2>&1)
assert_eq "supervisor reads the file" 0 "$?"
assert_match "web.1: priority after release, SIGINT, 3 s, on-failure, groups" \
	'^shop shop-web-1 200 2 3 <class .*RestartWhenExitUnexpected.*> True True 10$' "$parsed"
assert_match "release: first; never: no retry of a quick exit" '^shop shop-release-1 100 15 5 False True True 0$' "$parsed"
assert_match "worker: always" '^shop shop-worker-1 100 15 3 <class .*RestartUnconditionally.*> True True 10$' "$parsed"
for name in web.1 web.2 worker.1 release.1; do
	env_matches "$name: supervisor reads the values tfrun env says" "$name" \
		"$T/shop-${name%.*}-${name#*.}.environ" "${KEYS[@]}"
done
want=$(sed -n 's/^web: //p' "$A/Procfile")
assert_eq "web: the command reaches /bin/sh -c unchanged" "$(printf '/bin/sh\n-c\n%s' "$want")" \
	"$(cat "$T/shop-web-1.argv")"
want=$(sed -n 's/^worker: //p' "$A/Procfile")
assert_eq "worker: the command reaches /bin/sh -c unchanged" "$(printf '/bin/sh\n-c\n%s' "$want")" \
	"$(cat "$T/shop-worker-1.argv")"

# --- a real supervisord
CTL=(supervisorctl -c "$D/supervisord.conf")
# A background job starts with SIGINT ignored: supervisord would pass that on.
setsid env --default-signal "${CLEAN_ENV[@]}" supervisord -c "$D/supervisord.conf" >"$T/supervisord.out" 2>&1 </dev/null &
SPID=$!
BG_PIDS="$BG_PIDS $SPID"
# all RUNNING but the one-shot, EXITED once done.
all_up() {
	local s
	s=$("${CTL[@]}" status 2>/dev/null)
	[ "$(printf '%s\n' "$s" | grep -c ' RUNNING ')" -eq 3 ] &&
		printf '%s\n' "$s" | grep -q '^shop:shop-release-1 *EXITED '
}
started=$SECONDS
if wait_until 30 all_up; then pass "supervisord runs every program"; else
	fail "supervisord runs every program"
	"${CTL[@]}" status 2>&1 | sed 's/^/    /'
	sed 's/^/    /' "$T/supervisord.out" | tail -20
fi
printf '  (the programs were up in %ss)\n' $((SECONDS - started))
assert_eq "release ran to completion" "done" "$(cat "$A/release.out" 2>/dev/null)"
assert_match "release exited as expected" "exited: shop-release-1 \\(exit status 0; expected\\)" "$(cat "$D/supervisord.log")"
# supervisord orders by priority but does not wait: release is spawned first.
order=$(sed -n "s/.*spawned: '\\(shop-[a-z]*-[0-9]\\)'.*/\\1/p" "$D/supervisord.log" | head -4 | tr '\n' ' ')
assert_match "release is spawned before web" '^(shop-worker-1 )?shop-release-1 shop-web-1 shop-web-2 ' "$order"

pids=""
for name in web.1 web.2 worker.1; do
	pid=$("${CTL[@]}" pid "shop:shop-${name%.*}-${name#*.}")
	pids="$pids $pid"
	env_matches "$name: environment as tfrun env says" "$name" "/proc/$pid/environ" "${KEYS[@]}"
done
env_matches "release.1: environment as tfrun env says" release.1 "$A/release.env" "${KEYS[@]}"
for n in 1 2; do
	code=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$((BASE + n - 1))/').status)" 2>&1)
	assert_eq "web.$n serves on its PORT" 200 "$code"
done

# --- stopping the group stops everything
"${CTL[@]}" stop 'shop:*' >/dev/null
if wait_until 15 gone $pids; then pass "every process has ended"; else fail "every process has ended"; fi
assert_eq "nothing of the group runs" 0 "$("${CTL[@]}" status 2>/dev/null | grep -c ' RUNNING ')"
"${CTL[@]}" shutdown >/dev/null
wait_exit "$SPID" 20
assert_eq "supervisord shut down cleanly" 0 "$RC"
finish
