#!/usr/bin/env python3
"""Benchmarks for SPEC section 11, measured in one run and printed as
figures and ratios next to SPEC's targets. Nothing here asserts an
absolute time: a figure that misses its target is reported, not failed.

Usage: tests/bench/bench.py BUILD_DIR [--quick] [--lines N] [--runs N]
           [--skip-foreman] [--only SECTION,...] [--limit SECONDS]

BUILD_DIR holds tfrun and tests/tf-child (and tests/tf-prefix-loop, else
it is compiled here): configure with -DTFRUN_BUILD_TESTS=ON, ideally
-DCMAKE_BUILD_TYPE=Release. Sections (all by default):

  throughput  P = 1, 4, 16 producers (tf-child flood, 60-byte lines) through
              `cat`, a minimal C poll()-and-prefix loop (prefix_loop.c) and
              `tfrun start`; lines/s (best of --runs, each into `wc -l`), the
              ratios, tfrun's CPU (keeper + supervisor, children excluded;
              user + system) in ms per MB of log, and a check of every
              line (whole, labelled, in order, none lost) on another run.
              Then foreman, honcho, goreman and node-foreman (nf) where they
              are on PATH, on smaller runs: their rate counts from their
              first line to their last (so their start-up is not held
              against them); a run still going after --limit seconds is
              stopped and counted as delivered (one with nothing out is
              measured again on a tenth of the work).
  pty         the same through ptys (`tfrun start --tty always`) against cat
              and the C loop on ptys (the kernel's own cost), once a child
              is seen to get a terminal; else "not available".
  idle        3 instances that print once and sleep: context switches of
              every thread of tfrun's processes over 10 s.
  memory      RSS (and PSS) of keeper + supervisor with 500 quiet instances,
              then with 500 instances that each printed a line (the log
              history is allocated on an instance's first line).
  startup     exec of tfrun to the first line of an instance (20 runs).
  stop        SIGTERM to exit with 500 instances that exit on SIGTERM.
  control     `tfrun ps` with 500 instances (client exec to exit, and a raw
              request on the socket; 50 runs), `tfrun scale web=50` from 1.
  probes      100 instances with `tcp:` readiness probes (Python listeners
              that listen after 6 s): tfrun's CPU while they are probed and
              after all are ready; "not available" where probes do not work.

--quick runs a smaller version of everything (a smoke test); --skip-foreman
skips every other process manager; --only runs the named sections.
Exits 0 when it ran (whatever the figures), 1 when it cannot run at all,
2 for a usage error.

tfrun's CPU in `throughput` is exact: the keeper is this script's child, so
wait4() gives its CPU plus that of everything it and the supervisor reaped;
each producer appends its own CPU (tf-child rusage:FILE) just before it
exits, and that is subtracted (what a producer spends in exit() after that
is counted as tfrun's: a few microseconds). CPU over a window (probes) is the sum of
/proc/PID/task/*/schedstat run times of keeper and supervisor.
"""
import os
import random
import re
import select
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback

LINE_BYTES = 60  # every flood line, newline included
MB = 1e6         # "per MB" is per 10^6 bytes of what the producers wrote

SECTIONS = ["throughput", "pty", "idle", "memory", "startup", "stop",
            "control", "probes"]


class CannotRun(Exception):
    """The benchmark cannot run at all (exit 1)."""


# A section failing with one of these is a bug of this script, which then
# cannot run (exit 1); other failures are measurements that could not be
# made, reported as such (exit 0).
SCRIPT_BUGS = (NameError, TypeError, AttributeError, KeyError, IndexError)


# --------------------------------------------------------------------------
# Processes

def clean_env(colour=False):
    """The environment for tfrun and the other tools: no TFRUN_*, no PORT;
    NO_COLOR for tfrun (foreman 0.87 loses lines, or hangs, under it)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TFRUN_") and k not in ("PORT", "PS")}
    if not colour:
        env["NO_COLOR"] = "1"
    return env


def children_of(pid):
    """pid's children, those forked by any of its threads."""
    kids = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                kids += [int(x) for x in f.read().split()]
        return kids
    except OSError:
        pass  # no such process, or a kernel without task/*/children
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    st = f.read()
                if int(st[st.rindex(")") + 2:].split()[1]) == pid:
                    kids.append(int(d))
            except (OSError, ValueError):
                pass
    return kids


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children_of(p):
            out.append(c)
            todo.append(c)
    return out


def kill_tree(pid):
    """SIGKILL to pid's process group and every descendant, by pid."""
    tree = descendants(pid)
    for p in [pid] + tree:
        try:
            os.kill(p, signal.SIGSTOP)
        except OSError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    for p in [pid] + tree:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def reap(p, limit):
    """Waits for Popen p (its own session) with wait4; after `limit`
    seconds its tree is killed. Returns (status, rusage, timed_out)."""
    hit = []

    def expire():
        hit.append(1)
        kill_tree(p.pid)

    timer = threading.Timer(limit, expire)
    timer.daemon = True
    timer.start()
    while True:
        try:
            _, status, ru = os.wait4(p.pid, 0)
            break
        except InterruptedError:
            continue
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru, bool(hit)


def cpu_us(ru):
    """(user, system) CPU in microseconds of a wait4 rusage."""
    return ru.ru_utime * 1e6, ru.ru_stime * 1e6


def read_rusage_file(path):
    """(user, system) microseconds the producers reported, and how many."""
    user, sys_, n = 0, 0, 0
    try:
        with open(path) as f:
            for line in f:
                _, u, s = line.split()
                user += int(u)
                sys_ += int(s)
                n += 1
    except OSError:
        pass
    return (user, sys_), n


def supervisor_of(keeper, timeout=10):
    """The keeper's child named tf-supervisor."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for c in children_of(keeper):
            try:
                with open(f"/proc/{c}/comm") as f:
                    if f.read().strip() == "tf-supervisor":
                        return c
            except OSError:
                pass
        time.sleep(0.01)
    raise RuntimeError("no tf-supervisor under pid %d" % keeper)


def tasks(pid):
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def ctx_switches(pids):
    """Voluntary + involuntary context switches of every thread of pids."""
    total = 0
    for pid in pids:
        for t in tasks(pid):
            try:
                with open(f"/proc/{pid}/task/{t}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches",
                                            "nonvoluntary_ctxt_switches")):
                            total += int(line.split()[1])
            except OSError:
                pass
    return total


def run_ns(pids):
    """CPU time in ns of every thread of pids (schedstat; else stat)."""
    total = 0
    for pid in pids:
        ts = tasks(pid)
        try:
            for t in ts:
                with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
        except OSError:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
            fields = st[st.rindex(")") + 2:].split()
            tick = 1e9 / os.sysconf("SC_CLK_TCK")
            total += int((int(fields[11]) + int(fields[12])) * tick)
    return total


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def rollup_kib(pid, key):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def spawn_wait_ms(argv, cwd, env):
    """Runs argv with posix_spawn, stdout and stderr to /dev/null, and
    returns (ms from spawn to exit, exit status)."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        t0 = time.perf_counter()
        old = os.getcwd()
        os.chdir(cwd)
        try:
            pid = os.posix_spawn(argv[0], argv, env, file_actions=[
                (os.POSIX_SPAWN_DUP2, null, 1),
                (os.POSIX_SPAWN_DUP2, null, 2)])
        finally:
            os.chdir(old)
        _, status = os.waitpid(pid, 0)
        return (time.perf_counter() - t0) * 1000, \
            os.waitstatus_to_exitcode(status)
    finally:
        os.close(null)


class Formation:
    """A `tfrun start` in its own directory, its log read by a thread that
    timestamps every line."""

    def __init__(self, bench, procfile, args, ini=None, files=None):
        self.dir = tempfile.mkdtemp(prefix="tfrun-bench-")
        with open(os.path.join(self.dir, "Procfile"), "w") as f:
            f.write(procfile)
        if ini:
            with open(os.path.join(self.dir, "tfrun.ini"), "w") as f:
                f.write(ini)
        for name, text in (files or {}).items():
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)
        self.lines = []  # (monotonic time, line)
        self.cond = threading.Condition()
        self.env = clean_env()
        self.tfrun = bench.tfrun
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(
            [bench.tfrun, "start", "--color", "never"] + args,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.dir,
            env=self.env, start_new_session=True)
        self.keeper = self.p.pid
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.sup = None

    def _read(self):
        for line in self.p.stdout:
            with self.cond:
                self.lines.append((time.monotonic(),
                                   line.decode("utf-8", "replace")))
                self.cond.notify_all()
        with self.cond:
            self.lines.append((time.monotonic(), None))
            self.cond.notify_all()

    def count(self, pattern):
        rx = re.compile(pattern)
        return sum(1 for _, l in self.lines if l is not None and rx.search(l))

    def wait_for(self, pattern, n, timeout):
        """Time of the n-th line matching pattern, or None."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            seen = 0
            i = 0
            while True:
                while i < len(self.lines):
                    t, l = self.lines[i]
                    i += 1
                    if l is None:
                        return None
                    if rx.search(l):
                        seen += 1
                        if seen >= n:
                            return t
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def pids(self):
        if self.sup is None:
            self.sup = supervisor_of(self.keeper)
        return [self.keeper, self.sup]

    def text(self):
        return "".join(l for _, l in self.lines if l is not None)

    def stop(self, limit=60):
        """SIGTERM; returns seconds to the keeper's exit."""
        t0 = time.perf_counter()
        try:
            os.kill(self.keeper, signal.SIGTERM)
        except OSError:
            pass
        reap(self.p, limit)
        secs = time.perf_counter() - t0
        self.reader.join(5)
        return secs

    def close(self):
        if self.p.returncode is None:
            try:
                self.stop(30)
            except Exception:
                kill_tree(self.keeper)
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------
# Throughput

FLOOD_RX = re.compile(
    rb"^(?:\d\d:\d\d:\d\d )?(\S+) +\| ((p\d+) (\d+) \.*)$", re.M)


def check_lines(fd, producers, per):
    """Reads a tfrun log from fd to EOF; checks that every producer line is
    whole, labelled by its producer, and that each producer's lines arrive
    once each in order. Returns (ok, message)."""
    seen = {f"p{k}".encode(): 0 for k in range(1, producers + 1)}
    bad, total, system, rest = 0, 0, 0, b""
    first_bad = None
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        data, rest = data[:cut], data[cut:]
        n = data.count(b"\n")
        total += n
        system += len(re.findall(rb"^(?:\S+ )?system +\| ", data, re.M))
        matched = 0
        for label, text, pid, num in FLOOD_RX.findall(data):
            matched += 1
            want = seen.get(pid)
            if (want is None or label != pid + b".1"
                    or len(text) != LINE_BYTES - 1 or int(num) != want + 1):
                bad += 1
                if first_bad is None:
                    first_bad = (label + b" | " + text)[:100]
                if want is not None:
                    seen[pid] = int(num)
                continue
            seen[pid] = want + 1
        bad += n - matched - len(re.findall(rb"^(?:\S+ )?system +\| ",
                                            data, re.M))
    if rest:
        bad += 1
    short = [p.decode() for p, v in seen.items() if v != per]
    if bad or short:
        msg = "%d bad lines" % bad
        if first_bad:
            msg += " (first: %r)" % first_bad
        if short:
            msg += "; short: " + ",".join(short[:5])
        return False, msg
    return True, "%d lines whole and in order" % (total - system)


class Run:
    """One timed run: lines delivered, seconds, and CPU figures."""

    def __init__(self, lines, secs, cpu=None, timed_out=False):
        """cpu: (user, system) microseconds, or None."""
        self.lines, self.secs, self.cpu = lines, secs, cpu
        self.cpu_us = None if cpu is None else cpu[0] + cpu[1]
        self.timed_out = timed_out

    @property
    def rate(self):
        return self.lines / self.secs if self.secs > 0 else 0.0


class Throughput:
    def __init__(self, bench, producers, per, tty=False):
        self.b = bench
        self.n = producers
        self.per = per
        self.tty = tty
        self.dir = tempfile.mkdtemp(prefix="tfrun-bench-")
        self.ru_file = os.path.join(self.dir, "rusage")

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def flood(self, k, per=None, report=True):
        cmd = f"{self.b.child} flood:{per or self.per}:p{k}"
        if report:
            cmd += f" rusage:{self.ru_file}"
        return cmd

    def write_procfile(self, per=None, report=True):
        with open(os.path.join(self.dir, "Procfile"), "w") as f:
            for k in range(1, self.n + 1):
                f.write(f"p{k}: exec {self.flood(k, per, report)}\n")

    def producers_cpu(self):
        total, n = read_rusage_file(self.ru_file)
        if n != self.n:
            raise RuntimeError(f"{n} of {self.n} producers reported CPU")
        return total

    def _wc_run(self, start, limit):
        """start(stdout) spawns the work and returns the process to wait
        for; stdout goes into `wc -l`. Returns (lines, secs, rusage)."""
        try:
            os.unlink(self.ru_file)
        except OSError:
            pass
        wc = subprocess.Popen(["wc", "-l"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
        t0 = time.perf_counter()
        p = start(wc.stdin)
        wc.stdin.close()
        hit = []
        timer = threading.Timer(limit, lambda: (hit.append(1),
                                                kill_tree(p.pid)))
        timer.daemon = True
        timer.start()
        out = wc.stdout.read()
        t1 = time.perf_counter()
        wc.wait()
        _, ru, _ = reap(p, limit)
        timer.cancel()
        return int(out.split()[0]), t1 - t0, ru, bool(hit)

    def cat(self, limit):
        def start(out):
            r, w = os.pipe()
            self.prods = [subprocess.Popen(
                ["sh", "-c", "exec " + self.flood(k)], stdout=w,
                stderr=subprocess.STDOUT, env=clean_env())
                for k in range(1, self.n + 1)]
            c = subprocess.Popen(["cat"], stdin=r, stdout=out,
                                 start_new_session=True)
            os.close(r)
            os.close(w)
            return c
        lines, secs, ru, hit = self._wc_run(start, limit)
        for p in self.prods:
            p.wait()
        return Run(lines, secs, cpu_us(ru), hit)

    def prefix_loop(self, limit):
        def start(out):
            return subprocess.Popen(
                [self.b.prefix_loop] + (["-t"] if self.tty else [])
                + ["exec " + self.flood(k) for k in range(1, self.n + 1)],
                stdout=out, env=clean_env(), start_new_session=True)
        lines, secs, ru, hit = self._wc_run(start, limit)
        if hit:
            return Run(lines, secs, None, hit)
        return Run(lines, secs, minus(cpu_us(ru), self.producers_cpu()), hit)

    def tfrun_argv(self):
        names = ",".join(f"p{k}" for k in range(1, self.n + 1))
        argv = [self.b.tfrun, "start", "--can-die", names, "--color",
                "never"]
        if self.tty:
            argv += ["--tty", "always"]
        return argv

    def tfrun(self, limit):
        self.write_procfile()

        def start(out):
            return subprocess.Popen(self.tfrun_argv(), stdout=out,
                                    stderr=subprocess.DEVNULL, cwd=self.dir,
                                    env=clean_env(), start_new_session=True)
        lines, secs, ru, hit = self._wc_run(start, limit)
        if hit:
            return Run(lines, secs, None, hit)
        return Run(lines, secs, minus(cpu_us(ru), self.producers_cpu()), hit)

    def tfrun_check(self, limit):
        """An untimed run whose every line is checked."""
        self.write_procfile(report=False)
        r, w = os.pipe()
        p = subprocess.Popen(self.tfrun_argv(), stdout=w,
                             stderr=subprocess.DEVNULL, cwd=self.dir,
                             env=clean_env(), start_new_session=True)
        os.close(w)
        try:
            ok, msg = check_lines(r, self.n, self.per)
        finally:
            os.close(r)
        status, _, hit = reap(p, limit)
        if hit:
            return False, "still running after %ds" % limit
        if status != 0:
            return False, "tfrun exited %d; %s" % (status, msg)
        return ok, msg

    def other(self, argv, per, limit):
        """Another manager on a smaller run: lines counted from its first
        to its last, read here. Returns a Run (rate first to last)."""
        self.write_procfile(per=per, report=False)
        r, w = os.pipe()
        p = subprocess.Popen(argv, stdout=w, stderr=subprocess.DEVNULL,
                             cwd=self.dir, env=clean_env(colour=True),
                             start_new_session=True)
        os.close(w)
        lines, first, last = 0, None, None
        deadline = time.monotonic() + limit
        hit = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                hit = True
                kill_tree(p.pid)
                deadline = float("inf")
                left = None
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            now = time.perf_counter()
            if first is None:
                first = now
            nl = chunk.count(b"\n")
            if nl:
                lines += nl
                last = now
        os.close(r)
        reap(p, 30)
        secs = (last - first) if (first and last and last > first) else 0
        r = Run(lines, secs, None, hit)
        r.written = per * self.n
        return r


# --------------------------------------------------------------------------
# The benchmark

class Bench:
    def __init__(self, argv):
        self.parse(argv)
        self.rows = []  # summary: (measure, figure, target, verdict)
        self.notes = []
        self.broken = []  # sections where the script itself failed

    def parse(self, argv):
        args = list(argv)
        if not args or args[0] in ("-h", "--help"):
            print(__doc__)
            sys.exit(0 if args else 2)
        self.quick = "--quick" in args
        self.skip_others = "--skip-foreman" in args
        self.lines = 200000 if self.quick else 4000000
        self.runs = 1 if self.quick else 3
        self.limit = 20 if self.quick else 60
        self.only = list(SECTIONS)

        def value(flag, conv):
            i = args.index(flag)
            try:
                return conv(args[i + 1])
            except (IndexError, ValueError):
                print(f"bench.py: {flag} needs a value", file=sys.stderr)
                sys.exit(2)
        if "--lines" in args:
            self.lines = value("--lines", int)
        if "--runs" in args:
            self.runs = max(1, value("--runs", int))
        if "--limit" in args:
            self.limit = value("--limit", float)
        if "--only" in args:
            self.only = value("--only", lambda s: s.split(","))
            for s in self.only:
                if s not in SECTIONS:
                    print(f"bench.py: no section {s} ({', '.join(SECTIONS)})",
                          file=sys.stderr)
                    sys.exit(2)
        known = {"--quick", "--skip-foreman", "--lines", "--runs", "--limit",
                 "--only"}
        pos = []
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("--lines", "--runs", "--limit", "--only"):
                i += 2
                continue
            if a.startswith("-"):
                if a not in known:
                    print(f"bench.py: unknown option {a}", file=sys.stderr)
                    sys.exit(2)
            else:
                pos.append(a)
            i += 1
        if len(pos) != 1:
            print(__doc__)
            sys.exit(2)
        self.argv = argv
        self.build_arg = pos[0]
        self.build = os.path.abspath(pos[0])
        self.many = 100 if self.quick else 500
        self.probe_n = 20 if self.quick else 100

    # -- set-up ------------------------------------------------------------

    def setup(self):
        self.tfrun = os.path.join(self.build, "tfrun")
        self.child = os.path.join(self.build, "tests", "tf-child")
        for f, what in ((self.tfrun, "tfrun"), (self.child, "tests/tf-child")):
            if not os.access(f, os.X_OK):
                raise CannotRun(f"no {what} in {self.build} (build with "
                                "-DTFRUN_BUILD_TESTS=ON)")
        probe = subprocess.run([self.child, "rusage:/dev/null"],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            raise CannotRun("tests/tf-child has no rusage: action; rebuild "
                            "it from this source tree")
        for f in (self.tfrun, self.child):
            if not os.access(f, os.X_OK):
                raise CannotRun(f"{f} is not executable")
        self.tmp = tempfile.mkdtemp(prefix="tfrun-bench-")
        self.prefix_loop = os.path.join(self.build, "tests", "tf-prefix-loop")
        if not os.access(self.prefix_loop, os.X_OK):
            src = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "prefix_loop.c")
            self.prefix_loop = os.path.join(self.tmp, "tf-prefix-loop")
            cc = os.environ.get("CC", "cc")
            r = subprocess.run([cc, "-O2", "-o", self.prefix_loop, src],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise CannotRun("cannot build prefix_loop.c: " + r.stderr)
        self.others = []
        if not self.skip_others:
            for name, argv in (
                    ("foreman", ["foreman", "start", "-f", "Procfile"]),
                    ("honcho", ["honcho", "start", "--no-colour"]),
                    ("goreman", ["goreman", "-rpc-server=false", "start"]),
                    ("nf", ["nf", "start"])):
                path = shutil.which(argv[0])
                if path:
                    self.others.append((name, [path] + argv[1:]))
                else:
                    self.notes.append(f"{name}: not on PATH, not measured"
                                      + OTHER_WHY.get(name, ""))

    def header(self):
        load = os.getloadavg()
        self.load_start = load
        src = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        commit = subprocess.run(["git", "-C", src, "log", "-1",
                                 "--format=%h %s"], capture_output=True,
                                text=True).stdout.strip()
        version = subprocess.run([self.tfrun, "--version"],
                                 capture_output=True, text=True).stdout.strip()
        cpu = "?"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        print("tfrun benchmark (SPEC section 11)%s" %
              (" --quick" if self.quick else ""))
        print("  tfrun:   %s (%s), source %s" % (version, self.tfrun, commit))
        print("  machine: %d cores, %s; load average %.2f %.2f %.2f at start"
              % (os.cpu_count(), cpu, *load))
        for name, argv in self.others:
            print("  %-8s %s (%s)" % (name + ":", tool_version(name, argv),
                                       argv[0]))
        for n in self.notes:
            print("  " + n)
        self.notes = []

    # -- reporting ---------------------------------------------------------

    def row(self, measure, figure, target, ok):
        verdict = "-" if ok is None else ("ok" if ok else "MISS")
        self.rows.append((measure, figure, target, verdict))

    def section(self, title):
        print("\n== " + title)
        sys.stdout.flush()

    # -- sections ----------------------------------------------------------

    def s_throughput(self, tty=False):
        if tty:
            self.section("log throughput through ptys (tfrun start --tty "
                         "always), lines/s, best of %d" % self.runs)
            avail = self.tty_available()
            if avail is not True:
                print("  not available in this build: " + avail)
                self.row("pty throughput tfrun/cat", "not available",
                         ">= 0.50", None)
                return
        else:
            self.section("log throughput, %d lines of %d bytes per run, "
                         "lines/s, best of %d, into `wc -l`"
                         % (self.lines, LINE_BYTES, self.runs))
        rows = []
        for n in (1, 4, 16):
            per = self.lines // n
            t = Throughput(self, n, per, tty=tty)
            try:
                cat = best(lambda: t.cat(self.limit), self.runs)
                tf = best(lambda: t.tfrun(self.limit), self.runs)
                loop = best(lambda: t.prefix_loop(self.limit), self.runs)
                ok, msg = t.tfrun_check(self.limit)
                others = {}
                if not tty:
                    small = max(per // 50, 1000) if not self.quick \
                        else max(per // 20, 500)
                    for oname, argv in self.others:
                        r = t.other(argv, small, self.limit)
                        if r.timed_out and r.lines == 0 and small > 100:
                            # Hung with nothing out: a tenth of the work.
                            r2 = t.other(argv, small // 10, self.limit)
                            r2.retried_after = r
                            r = r2
                        others[oname] = r
            finally:
                t.close()
            if tf.min_lines < per * n:
                ok = False
                msg += "; in a timed run tfrun delivered %d lines of %d" % (
                    tf.min_lines, per * n)
            for r, what in ((cat, "cat"), (loop, "the C loop")):
                if r.min_lines < per * n:
                    msg += "; %s delivered %d lines of %d" % (
                        what, r.min_lines, per * n)
            rows.append((n, cat, loop, tf, ok, msg, others))
        print("%-9s %10s %10s %10s %9s %9s %10s %10s %8s" % (
            "producers", "cat", "C loop", "tfrun", "tfrun/cat", "loop/cat",
            "tfrun/loop", "tfrun MB/s", "lines ok"))
        for n, cat, loop, tf, ok, msg, _ in rows:
            print("%-9d %10.0f %10.0f %10.0f %9.2f %9.2f %10.2f %10.0f %8s" % (
                n, cat.rate, loop.rate, tf.rate, tf.rate / cat.rate,
                loop.rate / cat.rate, tf.rate / loop.rate,
                tf.rate * LINE_BYTES / MB, "yes" if ok else "NO"))
            if not ok or "delivered" in msg:
                print("   producers=%d: %s" % (n, msg))
        if tty:
            print("   (cat reads the producers through one pipe; the C loop "
                  "and tfrun give each producer a pty)")
        print("\n-- CPU per MB of log (ms of CPU per 10^6 bytes the producers "
              "wrote; least of %d runs)" % self.runs)
        print("%-9s %12s %8s %8s %10s %11s" % (
            "producers", "tfrun (k+s)", "cat", "C loop", "cat/tfrun",
            "loop/tfrun"))
        for n, cat, loop, tf, ok, msg, _ in rows:
            tf_ms, cat_ms, loop_ms = ms_per_mb(tf), ms_per_mb(cat), \
                ms_per_mb(loop)
            print("%-9d %12s %8s %8s %10s %11s" % (
                n, fmt3(tf_ms), fmt3(cat_ms), fmt3(loop_ms),
                "%.2f" % (cat_ms / tf_ms) if tf_ms and cat_ms else "-",
                "%.2f" % (loop_ms / tf_ms) if tf_ms and loop_ms else "-"))
        print("   (user + system; tfrun: keeper + supervisor, children "
              "excluded; cat and the C loop: the process itself)")
        label = "pty " if tty else ""
        for n, cat, loop, tf, ok, msg, _ in rows:
            ratio = tf.rate / cat.rate
            target = 0.5 if tty else 0.8
            self.row("%sthroughput tfrun/cat, %d producers" % (label, n),
                     "%.2f" % ratio, ">= %.2f" % target, ratio >= target)
        for n, cat, loop, tf, ok, msg, _ in rows:
            tf_ms = ms_per_mb(tf)
            self.row("%stfrun CPU per MB, %d producers (C loop %s)"
                     % (label, n, fmt3(ms_per_mb(loop))),
                     "%s ms" % fmt3(tf_ms), "< 1 ms",
                     None if tf_ms is None else tf_ms < 1)
        self.row("%severy line intact (1, 4, 16 producers)" % label,
                 "yes" if all(r[4] for r in rows) else "NO", "yes",
                 all(r[4] for r in rows))
        if not tty and self.others:
            print("\n-- other process managers (smaller runs: 1/%d of the "
                  "lines; rate from their first line to their last, into a "
                  "reader here)" % (20 if self.quick else 50))
            print("%-9s %-9s %9s %9s %12s %11s %s" % (
                "producers", "tool", "written", "lines", "lines/s",
                "tfrun/tool", ""))
            for n, cat, loop, tf, ok, msg, others in rows:
                for oname, r in others.items():
                    note = "stopped after %gs (counted as delivered)" \
                        % self.limit if r.timed_out else ""
                    first = getattr(r, "retried_after", None)
                    if first is not None:
                        note = ("hung with no line out of %d in %gs; this "
                                "is a tenth of that run. " % (
                                    first.written, self.limit) + note)
                    print("%-9d %-9s %9d %9d %12.0f %11s %s" % (
                        n, oname, r.written, r.lines, r.rate,
                        "%.1fx" % (tf.rate / r.rate) if r.rate else "-",
                        note))
            print("   (lines counts every line out, the tool's own "
                  "included; fewer than written: lost at its stop)")
            for oname, _ in self.others:
                for n, cat, loop, tf, ok, msg, others in rows:
                    r = others[oname]
                    if not r.rate:
                        fig, x = "no lines", None
                    else:
                        x = tf.rate / r.rate
                        fig = "%.1fx" % x
                    if r.timed_out or getattr(r, "retried_after", None):
                        fig += " (hung)"
                    if oname == "foreman":
                        self.row("throughput tfrun/foreman, %d producers" % n,
                                 fig, ">= 20x", None if x is None else x >= 20)
                    else:
                        self.row("throughput tfrun/%s, %d producers"
                                 % (oname, n), fig, "(none)", None)

    def tty_available(self):
        """True, or why a child does not get a terminal."""
        f = Formation(self, "t: test -t 1 && echo is-a-tty || echo "
                      "not-a-tty\n", ["--tty", "always", "--can-die", "t"])
        try:
            f.wait_for(r"\| (is|not)-a-tty|usage|invalid|unknown", 1, 10)
            f.wait_for(r"exited", 1, 5)
        finally:
            f.close()
        text = f.text()
        if "| is-a-tty" in text:
            return True
        if "| not-a-tty" in text:
            return "under --tty always a child's stdout is not a terminal"
        return "tfrun start --tty always: " + (text.strip().splitlines()
                                               or ["no output"])[0]

    def s_pty(self):
        self.s_throughput(tty=True)

    def s_idle(self):
        secs = 3 if self.quick else 10
        self.section("idle: 3 instances that print once and sleep, %d s" % secs)
        f = Formation(self, "".join(
            f"w{k}: exec {self.child} print:1:hello sleep:3600000\n"
            for k in (1, 2, 3)), [])
        try:
            if f.wait_for(r"\| hello", 3, 20) is None:
                raise RuntimeError("the instances did not print")
            time.sleep(1)
            pids = f.pids()
            per = {p: ctx_switches([p]) for p in pids}
            cpu0 = run_ns(pids)
            t0 = time.monotonic()
            time.sleep(secs)
            dt = time.monotonic() - t0
            after = {p: ctx_switches([p]) for p in pids}
            cpu = run_ns(pids) - cpu0
            nthreads = {p: len(tasks(p)) for p in pids}
        finally:
            f.close()
        total = sum(after[p] - per[p] for p in pids)
        print("  keeper   (pid %d, %d thread%s): %d context switches" % (
            pids[0], nthreads[pids[0]], "s"[:nthreads[pids[0]] > 1],
            after[pids[0]] - per[pids[0]]))
        print("  supervisor (pid %d, %d thread%s): %d context switches" % (
            pids[1], nthreads[pids[1]], "s"[:nthreads[pids[1]] > 1],
            after[pids[1]] - per[pids[1]]))
        print("  in all: %d in %.1f s = %.2f per second; CPU %.3f ms"
              % (total, dt, total / dt, cpu / 1e6))
        self.row("idle wakeups (context switches/s, 3 quiet instances)",
                 "%.2f" % (total / dt), "0", total == 0)

    def five_hundred(self, cmd, args=None):
        n = self.many
        f = Formation(self, f"w: {cmd}\n", ["-m", f"w={n}", "--port-step",
                                            "1000", "-p", str(free_base(n))]
                      + (args or []))
        if f.wait_for(r"started with pid", n, 60) is None:
            f.close()
            raise RuntimeError("%d instances did not start" % n)
        return f

    def mem(self, pids):
        return {k: sum(fn(p, k) for p in pids) for k, fn in (
            ("VmRSS", status_kib), ("VmHWM", status_kib),
            ("RssAnon", status_kib), ("RssFile", status_kib),
            ("Pss", rollup_kib))}

    def s_memory(self):
        n = self.many
        self.section("memory with %d instances (keeper + supervisor)" % n)
        f = self.five_hundred("exec sleep 100000")
        try:
            time.sleep(0.5)
            pids = f.pids()
            quiet = self.mem(pids)
            each = [self.mem([p]) for p in pids]
        finally:
            f.close()
        f = self.five_hundred(f"exec {self.child} print:1:hello "
                              "sleep:100000000")
        try:
            f.wait_for(r"\| hello", n, 30)
            time.sleep(0.5)
            spoke = self.mem(f.pids())
        finally:
            f.close()
        mib = lambda k: k / 1024
        print("  quiet instances:   VmRSS %.2f MiB (keeper %.2f + supervisor "
              "%.2f), PSS %.2f MiB, anonymous %.2f MiB, peak (VmHWM) %.2f "
              "MiB" % (mib(quiet["VmRSS"]), mib(each[0]["VmRSS"]),
                       mib(each[1]["VmRSS"]), mib(quiet["Pss"]),
                       mib(quiet["RssAnon"]), mib(quiet["VmHWM"])))
        print("  of which file-backed (tfrun's binary, libc, libuv...): %.2f "
              "MiB (keeper %.2f + supervisor %.2f)" % (
                  mib(quiet["RssFile"]), mib(each[0]["RssFile"]),
                  mib(each[1]["RssFile"])))
        print("  one line each:     VmRSS %.2f MiB, PSS %.2f MiB, anonymous "
              "%.2f MiB" % (mib(spoke["VmRSS"]), mib(spoke["Pss"]),
                            mib(spoke["RssAnon"])))
        hist = spoke["RssAnon"] - quiet["RssAnon"]
        print("  the log history's share (and per-instance line buffers), "
              "allocated on an instance's first line: %.2f MiB, %.1f KiB per "
              "instance" % (mib(hist), hist / n))
        print("  (RSS counts the pages keeper and supervisor share after "
              "fork twice; PSS counts them once)")
        self.row("memory, %d quiet instances: RSS keeper+supervisor" % n,
                 "%.2f MiB" % mib(quiet["VmRSS"]), "< 4 MiB",
                 quiet["VmRSS"] < 4096)
        self.row("  the same, PSS", "%.2f MiB" % mib(quiet["Pss"]),
                 "(< 4 MiB)", quiet["Pss"] < 4096)
        self.row("  log history after one line each (separate)",
                 "+%.2f MiB" % mib(hist), "bounded", None)

    def s_startup(self):
        runs = 5 if self.quick else 20
        self.section("start-up: exec of tfrun to an instance's first line, "
                     "%d runs" % runs)
        d = tempfile.mkdtemp(prefix="tfrun-bench-")
        with open(os.path.join(d, "Procfile"), "w") as f:
            f.write("web: echo first-line; exec sleep 1000\n")

        def first_line(argv):
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdout=subprocess.PIPE, cwd=d,
                                 env=clean_env(), start_new_session=True)
            ms = None
            for line in p.stdout:
                if b"first-line" in line:
                    ms = (time.perf_counter() - t0) * 1000
                    break
            p.send_signal(signal.SIGTERM)
            p.stdout.read()
            reap(p, 30)
            return ms
        try:
            times = [first_line([self.tfrun, "start", "--no-timestamp",
                                 "--color", "never"]) for _ in range(runs)]
            # The same command without tfrun: what the measure itself costs.
            bare = [first_line(["/bin/sh", "-c",
                                "echo first-line; exec sleep 1000"])
                    for _ in range(runs)]
        finally:
            shutil.rmtree(d, ignore_errors=True)
        if None in times:
            raise RuntimeError("no first line from tfrun")
        med, worst = statistics.median(times), max(times)
        print("  median %.2f ms, best %.2f ms, worst %.2f ms" % (
            med, min(times), worst))
        print("  the same command started here without tfrun: median %.2f ms"
              % statistics.median(bare))
        self.row("start-up to first line (median; worst %.1f ms)" % worst,
                 "%.2f ms" % med, "<= 5 ms", med <= 5)

    def s_stop(self):
        n = self.many
        self.section("stop: SIGTERM to tfrun's exit, %d instances that exit "
                     "on SIGTERM" % n)
        f = self.five_hundred("exec sleep 100000")
        try:
            time.sleep(0.3)
            secs = f.stop()
        finally:
            f.close()
        print("  %.0f ms" % (secs * 1000))
        self.row("stop %d instances" % n, "%.0f ms" % (secs * 1000),
                 "< 200 ms", secs < 0.2)

    def s_control(self):
        n = self.many
        runs = 10 if self.quick else 50
        self.section("control: tfrun ps with %d instances, %d runs; scale "
                     "web=50 from 1" % (n, runs))
        f = self.five_hundred("exec sleep 100000")
        try:
            time.sleep(0.3)
            client, raw = [], []
            for _ in range(runs):
                ms, status = spawn_wait_ms([self.tfrun, "ps"], f.dir, f.env)
                if status != 0:
                    raise RuntimeError("tfrun ps exited %d" % status)
                client.append(ms)
            alone = [spawn_wait_ms([self.tfrun, "--version"], f.dir, f.env)[0]
                     for _ in range(runs)]
            sock = os.path.join(f.dir, ".tfrun.sock")
            for _ in range(runs):
                ms, rows = raw_ps(sock)
                if rows != n:
                    raise RuntimeError("ps: %d rows for %d instances"
                                       % (rows, n))
                raw.append(ms)
        finally:
            f.close()
        print("  tfrun ps (exec to exit):       median %.2f ms, worst %.2f ms"
              % (statistics.median(client), max(client)))
        print("  request on the socket to ok:   median %.2f ms, worst %.2f ms"
              " (connect included)" % (statistics.median(raw), max(raw)))
        print("  the client's start alone (tfrun --version, exec to exit): "
              "median %.2f ms" % statistics.median(alone))
        self.row("tfrun ps, %d instances (median; worst %.1f ms)"
                 % (n, max(client)), "%.2f ms" % statistics.median(client),
                 "< 5 ms", statistics.median(client) < 5)
        self.row("  raw request on the socket (median; worst %.1f ms)"
                 % max(raw), "%.2f ms" % statistics.median(raw), "(< 5 ms)",
                 statistics.median(raw) < 5)

        f = Formation(self, "web: exec sleep 100000\n",
                      ["-p", str(free_base(50)), "web=1"])
        try:
            if f.wait_for(r"web\.1 started", 1, 20) is None:
                raise RuntimeError("web.1 did not start")
            time.sleep(0.3)
            t0 = time.monotonic()
            ms, status = spawn_wait_ms([self.tfrun, "scale", "web=50"],
                                       f.dir, f.env)
            t_all = f.wait_for(r"web\.\d+ started", 50, 20)
            if status != 0 or t_all is None:
                raise RuntimeError("scale web=50: status %d, %d started"
                                   % (status, f.count(r"web\.\d+ started")))
            running = running_count(self.tfrun, f.dir, f.env)
        finally:
            f.close()
        total = (t_all - t0) * 1000
        print("  scale web=50 from 1: all 50 started %.0f ms after the "
              "client's exec (the client returned after %.1f ms); %d running"
              " by tfrun ps" % (total, ms, running))
        self.row("scale web=50 from 1, until 50 started", "%.0f ms" % total,
                 "< 500 ms", total < 500)

    def s_probes(self):
        n = self.probe_n
        lead = 3 if self.quick else 6
        after = 2 if self.quick else 5
        self.section("readiness probes: %d instances with tcp: probes" % n)
        avail = self.probes_available()
        if avail is not True:
            print("  not available in this build: " + avail)
            self.row("probes, %d instances: CPU while probing" % n,
                     "not available", "< 1% of a core", None)
            return
        at = time.time() + lead
        f = Formation(self, f"db: exec {sys.executable} -S listener.py {at}\n",
                      ["-m", f"db={n}", "-p", str(free_base(n))],
                      ini="[process.db]\nready = tcp:127.0.0.1:$PORT\n",
                      files={"listener.py": LISTENER})
        try:
            if f.wait_for(r"db\.\d+ started", n, 30) is None:
                raise RuntimeError("the db instances did not start")
            time.sleep(1)
            pids = f.pids()
            c0, t0 = run_ns(pids), time.monotonic()
            # The listeners start listening at `at`.
            time.sleep(max(0.5, at - time.time() - 0.3))
            c1, t1 = run_ns(pids), time.monotonic()
            probing = (c1 - c0) / 1e9 / (t1 - t0) * 100
            t_ready = f.wait_for(r"all \d+ instances ready", 1, 60 + lead)
            if t_ready is None:
                ready_n = f.count(r"ready after")
                raise RuntimeError("%d of %d ready" % (ready_n, n))
            time.sleep(0.5)
            c2, t2 = run_ns(pids), time.monotonic()
            time.sleep(after)
            c3, t3 = run_ns(pids), time.monotonic()
            idle = (c3 - c2) / 1e9 / (t3 - t2) * 100
            ready_ms = (t_ready - f.t0) * 1000
        finally:
            f.close()
        print("  while probed (%.1f s, every instance refused): %.2f%% of a "
              "core" % (t1 - t0, probing))
        print("  after all were ready (%.1f s):                %.2f%% of a "
              "core" % (t3 - t2, idle))
        print("  all %d ready %.0f ms after start (listening from %.0f ms)"
              % (n, ready_ms, lead * 1000))
        self.row("probes, %d instances: CPU while probing" % n,
                 "%.2f%%" % probing, "< 1% of a core", probing < 1)
        self.row("probes, %d instances: CPU after all ready" % n,
                 "%.2f%%" % idle, "< 1% of a core", idle < 1)

    def probes_available(self):
        """True, or why not: an instance that listens must become ready
        and one that never listens must not, within 3 s."""
        far = time.time() + 3600
        f = Formation(self, f"db: exec {sys.executable} -S listener.py 0\n"
                      f"never: exec {sys.executable} -S listener.py {far}\n",
                      ["-p", str(free_base(101)), "--port-step", "100"],
                      ini="[process.db]\nready = tcp:127.0.0.1:$PORT\n"
                      "[process.never]\nready = tcp:127.0.0.1:$PORT\n",
                      files={"listener.py": LISTENER})
        try:
            f.wait_for(r"db\.1 ready after", 1, 3)
            time.sleep(0.5)
        finally:
            f.close()
        text = f.text()
        if "started with pid" not in text:
            return "tfrun start with a ready = tcp: probe: " + (
                text.strip().splitlines() or ["exit %s" % f.p.returncode])[0]
        if not re.search(r"db\.1 ready after", text):
            return "a tcp: probe on a listening instance logged no " \
                "'ready after' within 3 s"
        if re.search(r"never\.1 ready after|all 2 instances ready", text):
            return "an instance that never listens was called ready"
        return True

    # -- main --------------------------------------------------------------

    def summary(self):
        print("\n== summary (SPEC section 11; verdicts on the figure shown)")
        w = max([len(r[0]) for r in self.rows] + [10])
        print("%-*s  %-14s %-16s %s" % (w, "measure", "figure", "SPEC target",
                                         "verdict"))
        for m, fig, tgt, v in self.rows:
            print("%-*s  %-14s %-16s %s" % (w, m, fig, tgt, v))
        load = os.getloadavg()
        print("\nload average %.2f %.2f %.2f at start, %.2f %.2f %.2f at end "
              "(%d cores; other work on the machine makes the times noisy)"
              % (*self.load_start, *load, os.cpu_count()))
        misses = [r for r in self.rows if r[3] == "MISS"]
        print("%d figures miss their target" % len(misses))
        for n in self.notes:
            print(n)
        std = {"/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"}
        path = os.pathsep.join(sorted({os.path.dirname(a[0])
                                       for _, a in self.others} - std))
        src = os.path.dirname(os.path.abspath(__file__))
        args = [self.build if a == self.build_arg else a for a in self.argv]
        cmd = " ".join(shlex.quote(a) for a in
                       [sys.executable, os.path.join(src, "bench.py")] + args)
        print("reproduce: %s%s" % ("PATH=%s:$PATH " % path if path else "",
                                   cmd))

    def main(self):
        self.setup()
        self.header()
        try:
            for s in SECTIONS:
                if s not in self.only:
                    continue
                try:
                    getattr(self, "s_" + s)()
                except Exception as e:  # one section failing is reported
                    print("  could not measure %s: %s: %s"
                          % (s, type(e).__name__, e))
                    if isinstance(e, SCRIPT_BUGS):
                        traceback.print_exc(file=sys.stdout)
                        self.broken.append(s)
                    self.row(s, "not measured", "", None)
                    self.notes.append("%s: not measured (%s)" % (s, e))
                sys.stdout.flush()
            self.summary()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.broken:
            raise CannotRun("the script itself failed in " +
                            ", ".join(self.broken))


OTHER_WHY = {
    "foreman": " (Debian: apt-get install ruby-foreman)",
    "honcho": " (PyPI only; not in Debian; run from its source with "
              "`python3 -m honcho` as a `honcho` on PATH)",
    "goreman": " (Go; not in Debian: build it with Debian's golang-go and "
               "put `goreman` on PATH)",
    "nf": " (node-foreman: npm install foreman, then `nf` on PATH)",
}

LISTENER = """\
import os, socket, sys, time
# A TCP server on $PORT from the epoch time given, accepting and closing.
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"])))
s.listen(128)
while True:
    c, _ = s.accept()
    c.close()
"""


def best(fn, runs):
    """The fastest of runs Runs, with the least CPU of all of them."""
    rs = [fn() for _ in range(runs)]
    b = max(rs, key=lambda r: r.rate)
    cpus = [r for r in rs if r.cpu_us is not None]
    least = min(cpus, key=lambda r: r.cpu_us) if cpus else None
    b.min_cpu = least.cpu_us if least else None
    b.min_split = least.cpu if least else None
    b.min_lines = min(r.lines for r in rs)
    return b


def minus(a, b):
    return a[0] - b[0], a[1] - b[1]


def ms_per_mb(r, part=None):
    """ms of CPU per MB the producers wrote, or None."""
    if r is None or r.min_cpu is None or not r.lines:
        return None
    us = r.min_cpu if part is None else r.min_split[part]
    return us / 1000 / (r.lines * LINE_BYTES / MB)


def fmt3(x):
    return "-" if x is None else "%.3f" % x


def tool_version(name, argv):
    flag = {"foreman": "version", "goreman": "version", "honcho": "--version",
            "nf": "--version"}[name]
    try:
        r = subprocess.run([argv[0], flag], capture_output=True, text=True,
                           timeout=20, stdin=subprocess.DEVNULL)
        return (r.stdout.strip() or r.stderr.strip()).splitlines()[0]
    except Exception:
        return "?"


def free_base(n):
    """A base port with n free ports above it."""
    for _ in range(50):
        base = random.randrange(20000, 60000 - n)
        ok = True
        for port in range(base, base + n):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                ok = False
                break
            finally:
                s.close()
        if ok:
            return base
    return 20000


def raw_ps(path):
    """A ps request straight on the socket: (ms to the ok line, rows)."""
    t0 = time.perf_counter()
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        s.sendall(b"tfrun/1 ps\n")
        buf = b""
        while not (buf.endswith(b"\nok\n") or buf == b"ok\n"):
            chunk = s.recv(1 << 16)
            if not chunk:
                raise RuntimeError("ps: no ok (%r)" % buf[-200:])
            buf += chunk
        ms = (time.perf_counter() - t0) * 1000
    finally:
        s.close()
    return ms, buf.count(b"inst ")


def running_count(tfrun, d, env):
    r = subprocess.run([tfrun, "ps"], cwd=d, env=env, capture_output=True,
                       text=True, timeout=20)
    return sum(1 for line in r.stdout.splitlines()[1:]
               if " running " in line)


def main():
    b = Bench(sys.argv[1:])
    try:
        b.main()
    except CannotRun as e:
        print("bench.py: cannot run: %s" % e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
