#!/usr/bin/env bash
# Terminals (SPEC section 6a): a pty per instance (--tty), the terminal's
# input to one instance (--stdin), and tfrun attach. tfrun itself runs on
# a pty made by tests/integration/ptyh.py where a terminal is needed.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD
HERE=$(cd "$(dirname "$0")" && pwd)

# py SCRIPT: runs Python with ptyh importable; each output line "ok NAME"
# or "FAIL NAME: why" becomes a pass or a fail.
py() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) pass "${line#ok }" ;;
		"FAIL "*) fail "${line#FAIL }" ;;
		*) printf '  %s\n' "$line" ;;
		esac
	done < <(PYTHONPATH="$HERE" TFRUN="$TFRUN" T="$T" C="$C" python3 - 2>&1)
}

# A child that says what its stdio are, prints one line and waits for a
# file before the next (so buffering shows), and writes its last line
# without a newline.
cat >probe.py <<'EOF2'
import os, sys, time
print("isatty", os.isatty(0), os.isatty(1), os.isatty(2))
print("first")
while not os.path.exists("go"):
    time.sleep(0.02)
print("second")
sys.stdout.write("no newline at the end")
EOF2

# A program stopped at a breakpoint() prompt.
cat >bp.py <<'EOF2'
import time
x = 41
breakpoint()
print("after", x, flush=True)
time.sleep(60)
EOF2

# --- --tty always with stdout a file: the child sees a terminal, its
# lines come as printed (no buffering), no '\r' is added, colours stay
cat >Procfile <<EOF2
probe: python3 probe.py
ls: ls --color=auto -d /
EOF2
rm -f go
TF_ENV=(TERM=xterm)
start_bg out.txt start --tty always --no-timestamp --can-die probe,ls
wait_for out.txt 'probe\.1 +\| first' && pass "python without -u: first line before the second is written" ||
	fail "python without -u: first line before the second is written"
assert_no_match "the second is not out yet" 'second' "$(cat out.txt)"
touch go
wait_for out.txt 'probe\.1 exited'
wait_exit "$BG" 15
out=$(cat out.txt)
assert_match "--tty always: stdin, stdout and stderr are a terminal" 'probe\.1 +\| isatty True True True' "$out"
assert_match "the second line" 'probe\.1 +\| second$' "$out"
assert_match "the last line without a newline is logged" 'probe\.1 +\| no newline at the end$' "$out"
assert_eq "no '\\r' added to any line" 0 "$(grep -c $'\r' out.txt)"
assert_match "ls --color=auto keeps its colours" $'ls\\.1 +\\| \033\\[' "$out"
TF_ENV=()

# --- --tty never, and auto with stdout a file: pipes
for how in "--tty never" ""; do
	rm -f go; touch go
	tfrun start $how --no-timestamp --can-die probe,ls >out.txt 2>&1
	assert_match "${how:-auto, stdout a file}: pipes" 'probe\.1 +\| isatty False False False' "$(cat out.txt)"
	assert_no_match "${how:-auto, stdout a file}: ls has no colours" $'ls\\.1 +\\| \033\\[' "$(cat out.txt)"
done

# --- auto with tfrun on a terminal: a pty each; tput cols is the
# terminal's width and follows a resize; --tty never there gives pipes
cat >Procfile <<'EOF2'
cols: python3 -c "import signal, subprocess; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGWINCH]); t = lambda: print('tput', subprocess.check_output(['tput', 'cols']).decode().strip(), flush=True); t(); [t() for _ in iter(lambda: signal.sigwait([signal.SIGWINCH]), None)]"
probe: python3 probe.py
EOF2
rm -f go; touch go
py <<'EOF2'
import os, ptyh
env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": os.environ["T"]}
t = ptyh.Term([os.environ["TFRUN"], "start", "--no-color", "--can-die", "probe"], cols=97, rows=30,
              env=env, cwd=os.environ["T"])
ok = lambda name, cond, why="": print(("ok %s" % name) if cond else ("FAIL %s: %s" % (name, why)))
ok("auto on a terminal: a pty", t.expect(rb"probe\.1 +\| isatty True True True"), t.out[-400:])
ok("tput cols is the terminal's width", t.expect(rb"cols\.1 +\| tput 97"), t.out[-400:])
t.resize(123, 40)
ok("tput cols follows a resize", t.expect(rb"cols\.1 +\| tput 123"), t.out[-400:])
t.type(b"\x03")
ok("^C stops it: exit 0", t.wait() == 0, t.status)
t = ptyh.Term([os.environ["TFRUN"], "start", "--no-color", "--tty", "never", "--can-die", "probe"],
              cols=97, rows=30, env=env, cwd=os.environ["T"])
ok("--tty never on a terminal: pipes", t.expect(rb"probe\.1 +\| isatty False False False"), t.out[-400:])
t.type(b"\x03")
t.wait()
EOF2

# --- a shell in a pty instance has job control
cat >Procfile <<'EOF2'
sh: bash -i -c 'sleep 0.3 & jobs; wait'
EOF2
tfrun start --tty always --no-timestamp --can-die sh >out.txt 2>&1
out=$(cat out.txt)
assert_match "bash -i: its job is listed" 'sh\.1 +\| \[1\]\+ +Running +sleep 0\.3 &' "$out"
assert_no_match "bash -i: no complaint about job control" 'no job control|cannot set terminal process group' "$out"

# --- --stdin web.1: a breakpoint() prompt in web.1 answers what is typed
# on tfrun's terminal, in web.1's log lines; ^C still stops everything
cat >Procfile <<'EOF2'
web: python3 bp.py
other: python3 -c "import time; time.sleep(60)"
EOF2
py <<'EOF2'
import os, ptyh
env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": os.environ["T"]}
ok = lambda name, cond, why="": print(("ok %s" % name) if cond else ("FAIL %s: %s" % (name, why)))
for tty in ("always", "never"):
    t = ptyh.Term([os.environ["TFRUN"], "start", "--no-color", "--stdin", "web.1",
                   "--tty", tty], env=env, cwd=os.environ["T"])
    ok("--stdin (%s): the (Pdb) prompt" % tty, t.expect(rb"web\.1 +\| \(Pdb\)"), t.out[-400:])
    t.type(b"p x+1\n")
    ok("--stdin (%s): p x+1 answers 42 in web.1's lines" % tty, t.expect(rb"web\.1 +\|( \(Pdb\))? 42"), t.out[-600:])
    t.type(b"c\n")
    ok("--stdin (%s): the program goes on" % tty, t.expect(rb"web\.1 +\|.*after 41"), t.out[-600:])
    t.type(b"\x03")
    ok("--stdin (%s): ^C still stops the formation, exit 0" % tty, t.wait() == 0, t.status)
EOF2

# --- tfrun attach from a second terminal: the same prompt works, ^P ^Q
# detaches, the instance keeps running, a second attach is refused; for
# a pty instance and for a pipe instance (keystrokes into its stdin)
for tty in always never; do
	start_bg out.txt start --tty "$tty" --no-color
	# Attach once the log has flushed the prompt (1 s without a newline):
	# attach still shows it first, as the instance's screen does.
	wait_for out.txt 'web\.1 +\| \(Pdb\)'
	TTYMODE=$tty py <<'EOF2'
import os, ptyh, subprocess
env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": os.environ["T"]}
mode = os.environ["TTYMODE"]
ok = lambda name, cond, why="": print(("ok %s" % name) if cond else ("FAIL %s: %s" % (name, why)))
a = ptyh.Term([os.environ["TFRUN"], "attach", "web.1"], env=env, cwd=os.environ["T"])
ok("attach (%s): says how to detach" % mode, a.expect(rb"attached to web\.1 \(detach with \^P \^Q\)"), a.out)
ok("attach (%s): the prompt shows" % mode, a.expect(rb"\(Pdb\) "), a.out)
a.type(b"p x+1\r")
ok("attach (%s): p x+1 answers 42, without a prefix" % mode, a.expect(rb"\r?\n42\r?\n"), a.out)
b = ptyh.Term([os.environ["TFRUN"], "attach", "web"], env=env, cwd=os.environ["T"])
st = b.wait()
ok("attach (%s): a second client is refused" % mode,
   st == 1 and b"web.1: another client is attached to it" in b.out, (st, b.out))
a.type(b"\x10\x11")
ok("attach (%s): ^P ^Q detaches, exit 0" % mode, a.wait() == 0 and b"detached from web.1" in a.out, (a.status, a.out))
ps = subprocess.run([os.environ["TFRUN"], "ps"], capture_output=True, text=True, cwd=os.environ["T"]).stdout
ok("attach (%s): the instance keeps running" % mode, "web.1" in ps and "running" in ps, ps)
# A type's name attaches to its first instance, as overmind connect does.
a = ptyh.Term([os.environ["TFRUN"], "attach", "web"], env=env, cwd=os.environ["T"])
ok("attach (%s): attach TYPE: its first instance, after a detach" % mode, a.expect(rb"attached to web\.1 "), a.out)
a.type(b"c\r")
ok("attach (%s): the program goes on" % mode, a.expect(rb"after 41"), a.out)
a.type(b"\x10\x11")
a.wait()
EOF2
	assert_match "attach ($tty): the main stream went on meanwhile" 'web\.1 +\|.*after 41' "$(cat out.txt)"
	tfrun quit >/dev/null
	wait_exit "$BG" 15
	assert_eq "attach ($tty): tfrun stops cleanly after" 0 "$RC"
done

# --- attach replays at most 4 KiB of a long prompt, from a whole character
cat >Procfile <<'EOF2'
web: exec python3 -c "import sys, time; sys.stdout.write(chr(8364) * 2000); sys.stdout.flush(); time.sleep(600)"
EOF2
start_bg out.txt start --tty never --no-color
wait_for out.txt 'web\.1 +\| '
py <<'EOF2'
import os, ptyh
env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": os.environ["T"]}
ok = lambda name, cond, why="": print(("ok %s" % name) if cond else ("FAIL %s: %s" % (name, why)))
a = ptyh.Term([os.environ["TFRUN"], "attach", "web.1"], env=env, cwd=os.environ["T"])
a.expect(rb"(\xe2\x82\xac){1365}")
shown = a.out.split(b"^Q)\r\n", 1)[-1]
ok("attach: a 6000-byte prompt: its last 4 KiB, from a whole character",
   shown == b"\xe2\x82\xac" * 1365, shown[:8])
a.type(b"\x10\x11")
a.wait()
EOF2
tfrun quit >/dev/null
wait_exit "$BG" 15

# --- a pty instance's last lines are never lost at its end (a pty read
# returns at most 4095 bytes; a short read and the hang-up are not yet its
# end), whatever the timing: a few runs
cat >Procfile <<EOF2
p: exec $C flood:1000:p
EOF2
whole=0
for run in $(seq 12); do
	tfrun start --tty always --no-timestamp --can-die p >out.txt 2>&1
	got=$(grep -cE '^p\.1 +\| p [0-9]+ \.+$' out.txt)
	last=$(grep -E '^p\.1 +\| p [0-9]+ ' out.txt | tail -1 | awk '{ print $4 }')
	[ "$got $last" = "1000 1000" ] && whole=$((whole + 1))
done
assert_eq "pty flood: every line, whole, in 12 runs of 12" 12 "$whole"

finish
