# lib.sh: shared helpers for the integration tests (sourced, not run).
#
# Each test script runs the real tfrun binary ($TFRUN) with real children
# (the helper $TF_CHILD) in a private temp dir, under a clean environment,
# and cleans up every process it started, whatever happens. Tests wait for
# output or events with a deadline; they never sleep a fixed time to let
# something happen.

set -u

: "${TFRUN:?TFRUN must point at the tfrun binary}"
: "${TF_CHILD:?TF_CHILD must point at the tf-child helper}"

T=$(mktemp -d "${TMPDIR:-/tmp}/tfrun-test.XXXXXX")
TEST_NAME=$(basename "$0" .sh)
FAILS=0
PASSES=0
BG_PIDS=""

# Kills every process group this test started, then removes the temp dir.
cleanup() {
	local pid
	cd / || true
	for pid in $BG_PIDS; do
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	done
	# Instances run in their own sessions: kill any process working in T.
	for p in /proc/[0-9]*; do
		case $(readlink "$p/cwd" 2>/dev/null) in
		"$T" | "$T"/*)
			[ "${p#/proc/}" = "$$" ] || kill -KILL "${p#/proc/}" 2>/dev/null || true ;;
		esac
	done
	rm -rf "$T"
}
trap cleanup EXIT

# left_in_T PATTERN: the pids of processes working in this test's temp dir
# whose command line matches PATTERN (tests run in parallel: a pattern
# alone could match another test's processes).
left_in_T() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		case $(readlink "$p/cwd" 2>/dev/null) in
		"$T" | "$T"/*)
			tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -Eq -- "$1" && echo "${p#/proc/}" ;;
		esac
	done
}
trap 'exit 130' INT TERM

cd "$T"

# A clean environment, as a user's shell would give a fresh login.
CLEAN_ENV=(env -i "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=$T" "LANG=C.UTF-8"
	"TMPDIR=${TMPDIR:-/tmp}"
	"ASAN_OPTIONS=${ASAN_OPTIONS:-}" "UBSAN_OPTIONS=${UBSAN_OPTIONS:-}")

# Runs tfrun in the clean environment (extra VAR=value words may come first
# through the TF_ENV array).
TF_ENV=()
tfrun() {
	"${CLEAN_ENV[@]}" "${TF_ENV[@]}" "$TFRUN" "$@"
}

# tf ARGS...: runs tfrun; sets RC, OUT (its stdout) and ERR (its stderr).
tf() {
	tfrun "$@" >"$T/.stdout" 2>"$T/.stderr" </dev/null
	RC=$?
	OUT=$(cat "$T/.stdout")
	ERR=$(cat "$T/.stderr")
}

pass() { PASSES=$((PASSES + 1)); printf 'ok   %s\n' "$1"; }
fail() { FAILS=$((FAILS + 1)); printf 'FAIL %s\n' "$1"; }

# assert_eq NAME EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '  expected: %s\n  actual:   %s\n' "$(printf '%s' "$2" | od -c | head -20)" \
			"$(printf '%s' "$3" | od -c | head -20)"
	fi
}

# assert_match NAME REGEX ACTUAL (extended regex, whole text searched)
assert_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		pass "$1"
	else
		fail "$1"
		printf '  pattern: %s\n  text:\n%s\n' "$2" "$(printf '%s\n' "$3" | head -40 | sed 's/^/    /')"
	fi
}

# assert_no_match NAME REGEX ACTUAL
assert_no_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		fail "$1"
		printf '  unexpected: %s\n  text:\n%s\n' "$2" "$(printf '%s\n' "$3" | head -40 | sed 's/^/    /')"
	else
		pass "$1"
	fi
}

# wait_for FILE REGEX [SECONDS]: polls until a line of FILE matches.
wait_for() {
	local deadline=$((SECONDS + ${3:-10}))
	while [ $SECONDS -lt $deadline ]; do
		if [ -f "$1" ] && grep -Eq -- "$2" "$1"; then
			return 0
		fi
		sleep 0.02
	done
	printf '  timed out waiting for /%s/ in %s:\n' "$2" "$1"
	sed 's/^/    /' "$1" 2>/dev/null | tail -20
	return 1
}

# start_bg OUT ARGS...: starts tfrun in the background, output to OUT;
# sets BG (its pid). It runs in its own process group (set -m style via
# setsid) so the cleanup can kill it and nothing else.
start_bg() {
	local out=$1
	shift
	# Emptied here, not by the background job's own redirection, so that
	# nobody can read the previous run's output as this one's.
	: >"$out"
	setsid "${CLEAN_ENV[@]}" "${TF_ENV[@]}" "$TFRUN" "$@" >>"$out" 2>&1 </dev/null &
	BG=$!
	BG_PIDS="$BG_PIDS $BG"
}

# wait_exit PID [SECONDS]: waits for a background tfrun; sets RC.
wait_exit() {
	local deadline=$((SECONDS + ${2:-15}))
	while kill -0 "$1" 2>/dev/null; do
		if [ $SECONDS -ge $deadline ]; then
			RC=timeout
			return 1
		fi
		sleep 0.02
	done
	wait "$1"
	RC=$?
	return 0
}

# Ends the script with a summary line CTest shows, and the status.
finish() {
	printf '%s: %d passed, %d failed\n' "$TEST_NAME" "$PASSES" "$FAILS"
	[ "$FAILS" -eq 0 ]
	exit $?
}
