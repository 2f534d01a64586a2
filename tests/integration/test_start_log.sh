#!/usr/bin/env bash
# tfrun start: the log stream — prefix format, padding, colours, PORT/PS,
# system lines, partial and long lines, stdin an open pipe.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# --- prefix format and padding; no colour into a pipe by default
cat >Procfile <<EOF2
web: $C print:2:hello
longer_name: $C print:1:from-longer
EOF2
start_bg out.txt start -m web=1,longer_name=1 --can-die web,longer_name
wait_exit "$BG" 15
out=$(cat out.txt)
assert_eq "all ended on their own with 0: exit 0" 0 "$RC"
# The widest label is "longer_name.1" (13 columns).
assert_match "web line: time, padded name, bar" '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] web\.1         \| hello 1$' "$out"
assert_match "second line in order" '^[0-9:]{8} web\.1         \| hello 2$' "$out"
assert_match "longer name unpadded" '^[0-9:]{8} longer_name\.1 \| from-longer 1$' "$out"
assert_match "system start line" '^[0-9:]{8} system        \| web\.1 started with pid [0-9]+ on port 5000$' "$out"
assert_match "system start line, second type's port" 'system        \| longer_name\.1 started with pid [0-9]+ on port 5100$' "$out"
assert_match "system exit line" 'system        \| longer_name\.1 exited with code 0$' "$out"
assert_match "system end line" 'system        \| all processes have ended$' "$out"
assert_no_match "no colour into a pipe" $'\033' "$out"
h1=$(grep -n 'hello 1' out.txt | cut -d: -f1); h2=$(grep -n 'hello 2' out.txt | cut -d: -f1)
[ "$h1" -lt "$h2" ] && pass "lines of one process keep their order" || fail "lines of one process keep their order"

# --- minimum width is 6 (system), --no-timestamp, --no-prefix
cat >Procfile <<EOF2
a: $C print:1:x
EOF2
out=$(tfrun start --no-timestamp 2>&1)
assert_match "width at least 6, no timestamp" '^a\.1    \| x 1$' "$out"
assert_match "system line without timestamp" '^system \| a\.1 exited with code 0$' "$out"
out=$(tfrun start --no-prefix 2>&1)
assert_match "no prefix: bare text" '^x 1$' "$out"
assert_no_match "no prefix: no bars on the processes' lines" '^x.*\| ' "$out"
assert_match "no prefix: system lines keep their label" '^system \| a\.1 exited with code 0$' "$out"

# --- colours: forced on; foreman's order; system bold white
cat >Procfile <<EOF2
one: $C print:1:first
two: $C print:1:second
EOF2
out=$(tfrun start --color always --can-die one,two 2>&1)
assert_match "first type cyan" $'^\033\\[36m[0-9:]{8} one\\.1  \\|\033\\[0m first 1$' "$out"
assert_match "second type yellow" $'^\033\\[33m[0-9:]{8} two\\.1  \\|\033\\[0m second 1$' "$out"
assert_match "system bold white" $'^\033\\[1;37m[0-9:]{8} system \\|\033\\[0m ' "$out"
out=$(tfrun start --color never 2>&1)
assert_no_match "--color never" $'\033' "$out"

# On a terminal (script(1) gives a pty), auto means colour unless NO_COLOR
# is set or TERM is dumb.
if command -v script >/dev/null 2>&1; then
	out=$("${CLEAN_ENV[@]}" TERM=xterm script -qec "$TFRUN start --can-die one,two" /dev/null 2>&1)
	assert_match "auto on a terminal: colour" $'\033\\[36m' "$out"
	out=$("${CLEAN_ENV[@]}" TERM=xterm NO_COLOR=1 script -qec "$TFRUN start --can-die one,two" /dev/null 2>&1)
	assert_no_match "auto with NO_COLOR: none" $'\033\\[3' "$out"
	# no-color.org: an empty NO_COLOR is as if it were unset.
	out=$("${CLEAN_ENV[@]}" TERM=xterm NO_COLOR= script -qec "$TFRUN start --can-die one,two" /dev/null 2>&1)
	assert_match "auto with an empty NO_COLOR: colour" $'\033\\[36m' "$out"
	out=$("${CLEAN_ENV[@]}" TERM=dumb script -qec "$TFRUN start --can-die one,two" /dev/null 2>&1)
	assert_no_match "auto with TERM=dumb: none" $'\033\\[3' "$out"
else
	fail "script(1) is needed to test colours on a terminal"
fi

# --- PORT and PS of each instance, env from .env, base port from -p
cat >Procfile <<EOF2
web: $C env:PORT env:PS env:GREETING wait
worker: $C env:PORT env:PS wait
EOF2
printf 'GREETING="hi there"\n' >.env
start_bg out.txt start -m web=2,worker=1 -p 7000
wait_for out.txt 'worker\.1 +\| PS=worker\.1'
wait_for out.txt 'web\.2 +\| PS=web\.2'
wait_for out.txt 'web\.1 +\| GREETING=hi there'
kill -TERM "$BG"
wait_exit "$BG" 15
out=$(cat out.txt)
assert_match "web.1 PORT" 'web\.1    \| PORT=7000$' "$out"
assert_match "web.2 PORT" 'web\.2    \| PORT=7001$' "$out"
assert_match "worker.1 PORT" 'worker\.1 \| PORT=7100$' "$out"
assert_match "web.1 PS" 'web\.1    \| PS=web\.1$' "$out"
assert_eq "SIGTERM to tfrun exits 0" 0 "$RC"
rm .env

# --- partial lines: at exit, and after 1 s while the process lives
cat >Procfile <<EOF2
p: $C partial:tail-at-exit
q: $C partial:held-a-second wait
EOF2
start_bg out.txt start --can-die p
wait_for out.txt 'q\.1 +\| held-a-second$' 5
wait_for out.txt 'p\.1 +\| tail-at-exit$' 5
out=$(cat out.txt)
assert_match "partial line flushed at exit" 'p\.1    \| tail-at-exit$' "$out"
assert_match "partial line flushed after 1 s" 'q\.1    \| held-a-second$' "$out"
kill -INT "$BG"
wait_exit "$BG" 15
assert_eq "SIGINT exits 0" 0 "$RC"

# --- a 100 KiB line is cut into a 64 KiB piece and the rest
cat >Procfile <<EOF2
l: $C long:102400
EOF2
tfrun start --no-prefix >out.txt 2>&1
lens=$(grep -E '^x+$' out.txt | awk '{ print length($0) }' | tr '\n' ' ')
assert_eq "long line cut at 64 KiB" "65536 36864 " "$lens"

# --- stdin is a pipe that stays open and delivers nothing: a watcher that
# exits when its stdin closes (esbuild --watch) keeps running
cat >Procfile <<EOF2
watch: $C print:1:watching watch-stdin
late: $C sleep:500 print:1:later wait
EOF2
start_bg out.txt start
wait_for out.txt 'late\.1 +\| later 1'
wpid=$(sed -nE 's/.*watch\.1 started with pid ([0-9]+).*/\1/p' out.txt)
assert_match "stdin is a pipe" '^pipe:' "$(readlink "/proc/$wpid/fd/0" 2>&1)"
assert_no_match "the watcher read no end of file" 'stdin=EOF|watch\.1 exited' "$(cat out.txt)"
kill -0 "$wpid" 2>/dev/null && pass "the watcher still runs" || fail "the watcher still runs"
kill -TERM "$BG"
wait_exit "$BG" 15
assert_eq "stopped cleanly" 0 "$RC"
cat >Procfile <<EOF2
l: $C long:131072
EOF2
tfrun start --no-prefix >out.txt 2>&1
lens=$(grep -vE 'exited|started' out.txt | awk '{ print length($0) }' | tr '\n' ' ')
assert_eq "exact multiple of 64 KiB: no empty piece" "65536 65536 " "$lens"

# --- a stream whose every write ends mid-line: each partial line gets its
# own second, so no line is cut although partials are held for 1.8 s in all
args=()
for i in 1 2 3 4 5 6; do
	args+=("raw:$(printf 'ne %d\nli' "$i" | od -An -tx1 | tr -d ' \n')" sleep:300)
done
# The stream starts "li" and ends "li": wrap with matching pieces.
cat >Procfile <<EOF2
s: $C raw:$(printf 'first\nli' | od -An -tx1 | tr -d ' \n') sleep:300 ${args[*]} raw:$(printf 'ne end\n' | od -An -tx1 | tr -d ' \n')
EOF2
tfrun start --no-timestamp --no-prefix >out.txt 2>&1
lines=$(grep -vE 'started|exited' out.txt | tr '\n' '|')
assert_eq "no line cut by the partial-line deadline" "first|line 1|line 2|line 3|line 4|line 5|line 6|line end|" "$lines"

# --- a stdout another program made non-blocking: EAGAIN means wait, not
# "closed"; every line arrives and the exit status is 0
cat >Procfile <<EOF2
f: $C flood:50000:f
EOF2
res=$(python3 - "$TFRUN" <<'PY'
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen([sys.argv[1], "start", "--no-timestamp"], stdout=w,
                     stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin"})
os.close(w)
data = b""
with os.fdopen(r, "rb") as f:
    time.sleep(0.5)  # let the pipe fill while nobody reads
    while True:
        chunk = f.read1(4096)
        if not chunk:
            break
        data += chunk
        time.sleep(0.0005)
rc = p.wait()
n = sum(1 for l in data.split(b"\n") if l.startswith(b"f.1    | f "))
print(rc, n)
PY
)
assert_eq "non-blocking stdout: exit 0 and all 50000 lines" "0 50000" "$res"

# --- a command whose first word is a shell builtin runs as the builtin
cat >Procfile <<EOF2
b: echo -e builtin
EOF2
tfrun start --no-prefix >out.txt 2>&1
assert_match "dash's echo, not /bin/echo" '^-e builtin$' "$(cat out.txt)"

# --- JSON Lines: every line valid JSON with the documented fields;
# invalid UTF-8 becomes U+FFFD
cat >Procfile <<EOF2
j: $C raw:636166c3a920ff2271220a print:1:second
EOF2
tfrun start --log-format json >out.txt 2>&1
check=$(python3 - out.txt <<'PY'
import json, re, sys
ok = True
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]):
        ok = False
    if o["process"] == "system":
        ok = ok and "pid" not in o and "type" not in o
    else:
        ok = ok and o["process"] == "j.1" and o["type"] == "j" and o["pid"] > 0
    print(ascii(o["message"]))
print("fields ok" if ok else "fields BAD")
PY
)
assert_match "JSON: UTF-8 kept, bad byte replaced, quotes escaped" "^'caf[\\]xe9 [\\]ufffd\"q\"'\$" "$check"
assert_match "JSON: second line" "^'second 1'\$" "$check"
assert_match "JSON: system lines" "^'j\\.1 exited with code 0'\$" "$check"
assert_match "JSON: every line has the documented fields" '^fields ok$' "$check"

# --- JSON: a line cut at 64 KiB is cut between characters, so valid UTF-8
# stays valid (a torn character would become two U+FFFD); text keeps 64 KiB
cat >Procfile <<'EOF2'
u: python3 -c "import sys; sys.stdout.write('a' + chr(233) * 40000 + chr(10))"
EOF2
tfrun start --log-format json >out.txt 2>&1
check=$(python3 - out.txt <<'PY'
import json, sys
msgs = [json.loads(l)["message"] for l in open(sys.argv[1], encoding="utf-8")]
parts = [m for m in msgs if m.startswith("a") or m.startswith(chr(233))]
print(len(parts), sum(m.count("\ufffd") for m in parts),
      "".join(parts) == "a" + chr(233) * 40000,
      max(len(m.encode()) for m in parts) <= 65536)
PY
)
assert_eq "JSON: a 64 KiB cut keeps every character" "2 0 True True" "$check"
# The 1 s flush of a partial line does not tear a character either.
cat >Procfile <<'EOF2'
u: printf 'caf\303'; sleep 1.5; printf '\251 ok\n'
EOF2
tfrun start --log-format json >out.txt 2>&1
check=$(python3 -c '
import json, sys
print("|".join(json.loads(l)["message"] for l in open(sys.argv[1], encoding="utf-8") if json.loads(l)["process"] == "u.1"))' out.txt)
assert_eq "JSON: the partial-line flush keeps a torn character for later" "caf|$(printf '\303\251') ok" "$check"
cat >Procfile <<'EOF2'
u: python3 -c "import sys; sys.stdout.write('a' + chr(233) * 40000 + chr(10))"
EOF2
tfrun start >out.txt 2>&1
lens=$(grep -a 'u\.1 *| ' out.txt | sed 's/^.*u\.1 *| //' | LC_ALL=C awk '{ printf "%d ", length($0) }')
assert_eq "text: the same line is cut at exactly 64 KiB" "65536 14465 " "$lens"

# --- -q TYPE: that type's output is not logged; its system lines are
cat >Procfile <<EOF2
web: $C print:2:from-web wait
worker: $C print:2:from-worker wait
EOF2
start_bg out.txt start -q worker
wait_for out.txt 'web\.1 +\| from-web 2' && wait_for out.txt 'worker\.1 started'
kill -TERM "$BG"
wait_exit "$BG" 15
out=$(cat out.txt)
assert_no_match "-q worker: no worker lines" 'worker\.1 +\| ' "$out"
assert_match "-q worker: its system lines stay" 'system +\| worker\.1 terminated by SIGTERM' "$out"
assert_match "-q worker: web's lines stay" 'web\.1 +\| from-web 1' "$out"

# --- the warnings of tfrun check come first, as system lines
cat >Procfile <<EOF2
web: $C print:1:up exit:0
EOF2
printf 'DB_PASS=s3cr$tP@ss\n' >.env
tfrun start >out.txt 2>&1
out=$(cat out.txt)
assert_match "start warns of a name set nowhere" '^[0-9:]{8} system +\| warning: .*\.env:1: \$tP is not set; it expands to ""$' "$out"
w=$(grep -n 'warning:' out.txt | head -1 | cut -d: -f1); st=$(grep -n 'started with pid' out.txt | head -1 | cut -d: -f1)
[ -n "$w" ] && [ -n "$st" ] && [ "$w" -lt "$st" ] && pass "warnings before anything starts" || fail "warnings before anything starts"
rm .env

finish
