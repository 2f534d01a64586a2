# export/app.sh: the app the export tests export, and how they compare
# what an instance really got with `tfrun env` (sourced after lib.sh).
#
# make_app BASE writes $T/shop (so the app is "shop") with base port BASE
# (each test its own, as tests run in parallel): web=2 serving HTTP after
# the one-shot release is done, with an http readiness probe; a worker;
# and a .env full of values that must arrive byte for byte. ENV_KEYS lists
# the .env's keys. Commands use %, quotes, $( and backslashes, which each
# target quotes its own way.

A=$T/shop
ENV_KEYS=(PLAIN SPACES DQ SQ BOTH PCT DOLLAR HASH HASH_SP BACKSLASH NEWLINE
	TAB UTF8 EMPTY EMPTY_Q MULTI API_KEY DATABASE_URL)
FORMATION=web=2,worker=1,release=1

make_app() {
	BASE=$1
	mkdir -p "$A"
	# web records whether release was done when it started, then serves
	# HTTP on its PORT; release dumps its environment (it is gone when
	# the test looks) and marks itself done a second later.
	cat >"$A/Procfile" <<'PROCFILE'
web: printf '%s\n' "$(cat release.out 2>/dev/null)" >"web.saw.$PS"; exec python3 -m http.server --bind 127.0.0.1 "$PORT"
worker: echo "$(date) 100%" >/dev/null; exec sleep 100000
release: sleep 1 && env -0 >release.env && echo done >release.out
PROCFILE
	printf '[tfrun]\nport = %s\n\n' "$BASE" >"$A/tfrun.ini"
	cat >>"$A/tfrun.ini" <<'INI'
[process.web]
ready = http://127.0.0.1:$PORT/
after = release:done
restart = on-failure
stop_signal = SIGINT
timeout = 2.5

[process.worker]
restart = always
timeout = 3

[process.release]
oneshot = true
INI
	{
		printf 'PLAIN=hello world\n'
		printf 'SPACES="  lead and trail  "\n'
		printf 'DQ=%s\n' "'say \"hi\" now'"
		printf 'SQ="it'"'"'s"\n'
		printf 'BOTH="it'"'"'s \\"both\\""\n'
		printf 'PCT=100%% of %%s\n'
		printf 'DOLLAR=%s\n' "'\$HOME \${X} \$(date) \$\$ \`id\`'"
		printf 'HASH=a#b\n'
		printf 'HASH_SP="a #b ;c"\n'
		printf 'BACKSLASH=%s\n' "'C:\\dir\\new \\\\ x\\'"
		printf 'NEWLINE="line1\\nline2\\n"\n'
		printf 'TAB="a\\tb"\n'
		printf 'UTF8=caf\xc3\xa9 \xe2\x82\xac \xe6\x97\xa5\xe6\x9c\xac\n'
		printf 'EMPTY=\n'
		printf "EMPTY_Q=''\n"
		printf "MULTI='first\n  second line'\n"
		printf "API_KEY='k3y\$ecret'\n"
		printf 'DATABASE_URL=postgres://u:p%%40ss@db/app\n'
	} >"$A/.env"
}

# instances: every instance name of the formation.
INSTANCES=(web.1 web.2 worker.1 release.1)

# env_matches LABEL NAME ENVIRON_FILE [KEY...]: the variables of the env
# files (ENV_KEYS, or the keys given) plus PORT and PS in ENVIRON_FILE
# (NUL-separated, as /proc/PID/environ) equal what `tfrun env NAME` says
# instance NAME gets.
env_matches() {
	local label=$1 name=$2 environ=$3 out
	shift 3
	[ $# -gt 0 ] || set -- "${ENV_KEYS[@]}"
	tfrun env -d "$A" -m "$FORMATION" "$name" >"$T/env.$name" 2>&1
	if out=$(python3 "$TFRUN_SRC/tests/integration/export/envcmp.py" \
		"$T/env.$name" "$environ" "$@" PORT PS 2>&1); then
		pass "$label"
	else
		fail "$label"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

# wait_until SECONDS COMMAND...: polls COMMAND until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# gone PID...: succeeds when none of the processes exists any more.
gone() {
	local pid
	for pid in "$@"; do
		kill -0 "$pid" 2>/dev/null && return 1
	done
	return 0
}
