#!/usr/bin/env python3
"""Benchmarks for SPEC section 11, measured in one run and printed as ratios.

Usage: tests/bench/bench.py BUILD_DIR [--lines N] [--skip-foreman]

- Log throughput: P producers (tf-child flood, 60-byte lines) writing N
  lines in all, as fast as they can, through (a) `cat`, (b) `tfrun start`,
  (c) `foreman start` (Debian's ruby-foreman); lines per second (best of
  three runs) and the ratios tfrun/cat and tfrun/foreman, for P = 1, 4,
  16. The consumer is `wc -l` in every case, so the output side costs the
  same; the run fails if cat or tfrun delivers fewer lines than written.
- Supervisor memory: tfrun's VmRSS/VmHWM with 500 sleeping instances.
- Start-up: from exec of tfrun to the first line of an instance that prints
  at once (median of 20 runs).
- Stop: from SIGTERM to tfrun's exit with 500 instances that exit on
  SIGTERM.
Nothing here asserts an absolute time: it reports figures.
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def producers_procfile(d, child, n, lines):
    with open(os.path.join(d, "Procfile"), "w") as f:
        for k in range(1, n + 1):
            f.write(f"p{k}: exec {child} flood:{lines}:p{k}\n")


def timed_lines(cmd, cwd, limit=120):
    """Runs cmd with stdout into `wc -l`; returns (lines, seconds).

    A run still going after `limit` seconds (foreman sometimes hangs with
    many producers) is stopped; its rate is what it delivered until then.
    """
    wc = subprocess.Popen(["wc", "-l"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, cwd=cwd)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=wc.stdin, stderr=subprocess.DEVNULL,
                         cwd=cwd, start_new_session=True)
    wc.stdin.close()
    try:
        p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        print(f"  ({cmd[0]} still running after {limit}s: stopped)")
        os.killpg(p.pid, signal.SIGKILL)
        subprocess.run(["pkill", "-KILL", "-f", "tf-child flood:"],
                       stderr=subprocess.DEVNULL)
        p.wait()
    out = wc.stdout.read()
    wc.wait()
    return int(out.split()[0]), time.monotonic() - t0


def best_rate(cmd, cwd, runs, want=None):
    """Best lines/s of several runs; checks the line count when given."""
    best = 0.0
    for _ in range(runs):
        lines, secs = timed_lines(cmd, cwd)
        if want is not None and lines < want:
            raise SystemExit(f"{cmd[0]}: {lines} lines, expected {want}")
        best = max(best, lines / secs)
    return best


def throughput(build, child, lines, skip_foreman):
    """Each producer writes `lines` 60-byte lines and exits."""
    tfrun = os.path.join(build, "tfrun")
    rows = []
    for n in (1, 4, 16):
        d = tempfile.mkdtemp(prefix="tfrun-bench-")
        per = lines // n
        producers_procfile(d, child, n, per)
        names = ",".join(f"p{k}" for k in range(1, n + 1))
        script = " & ".join(f"{child} flood:{per}:p{k}"
                            for k in range(1, n + 1)) + " & wait"
        cat = best_rate(["sh", "-c", f"({script}) | cat"], d, 3, per * n)
        tf = best_rate([tfrun, "start", "--can-die", names, "--color",
                        "never"], d, 3, per * n)
        fm = None
        if not skip_foreman and shutil.which("foreman"):
            # foreman is ~100 times slower: a smaller run measures it, and
            # it stops everything when the first producer ends, so the rate
            # counts what it delivered in the time it ran.
            producers_procfile(d, child, n, max(per // 50, 1000))
            fm = best_rate(["foreman", "start", "-f", "Procfile"], d, 1)
        rows.append((n, cat, tf, fm))
        shutil.rmtree(d)
    print("\n== log throughput (lines/s, %d 60-byte lines per run, best of 3)"
          % lines)
    print("%-10s %12s %12s %12s %10s %14s" % ("producers", "cat", "tfrun",
                                              "foreman", "tfrun/cat",
                                              "tfrun/foreman"))
    for n, cat, tf, fm in rows:
        print("%-10d %12.0f %12.0f %12s %10.2f %14s" % (
            n, cat, tf, "-" if fm is None else "%.0f" % fm, tf / cat,
            "-" if not fm else "%.1fx" % (tf / fm)))


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def five_hundred(build, mode):
    """Starts 500 instances; returns (rss KiB, hwm KiB) or the stop time."""
    tfrun = os.path.join(build, "tfrun")
    d = tempfile.mkdtemp(prefix="tfrun-bench-")
    with open(os.path.join(d, "Procfile"), "w") as f:
        f.write("w: exec sleep 1000\n")
    log = open(os.path.join(d, "out"), "w+")
    p = subprocess.Popen([tfrun, "start", "-m", "w=500", "--port-step",
                          "1000", "-p", "10000"], stdout=log,
                         stderr=subprocess.STDOUT, cwd=d)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(os.path.join(d, "out")) as f:
            if f.read().count("started with pid") >= 500:
                break
        time.sleep(0.05)
    time.sleep(0.5)
    result = None
    if mode == "rss":
        # tfrun start is a keeper (p) and the supervisor, its child: the
        # supervisor holds the formation; the keeper is reported too.
        sup = int(subprocess.run(["pgrep", "-P", str(p.pid)],
                                 capture_output=True, text=True).stdout.split()[0])
        result = (status_kib(sup, "VmRSS"), status_kib(sup, "VmHWM"),
                  status_kib(p.pid, "VmRSS"))
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=60)
    if mode == "stop":
        result = time.monotonic() - t0
    shutil.rmtree(d)
    return result


def startup(build, runs=20):
    tfrun = os.path.join(build, "tfrun")
    d = tempfile.mkdtemp(prefix="tfrun-bench-")
    with open(os.path.join(d, "Procfile"), "w") as f:
        f.write("web: echo first-line; exec sleep 1000\n")
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen([tfrun, "start", "--no-timestamp"],
                             stdout=subprocess.PIPE, cwd=d)
        for line in p.stdout:
            if b"| first-line" in line:
                times.append((time.monotonic() - t0) * 1000)
                break
        p.send_signal(signal.SIGTERM)
        p.stdout.read()
        p.wait()
    shutil.rmtree(d)
    return statistics.median(times), max(times)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    build = os.path.abspath(sys.argv[1])
    lines = 4000000
    if "--lines" in sys.argv:
        lines = int(sys.argv[sys.argv.index("--lines") + 1])
    child = os.path.join(build, "tests", "tf-child")
    throughput(build, child, lines, "--skip-foreman" in sys.argv)
    rss, hwm, keeper = five_hundred(build, "rss")
    print("\n== memory with 500 instances: supervisor VmRSS %.1f MiB, VmHWM"
          " %.1f MiB; keeper VmRSS %.1f MiB"
          % (rss / 1024, hwm / 1024, keeper / 1024))
    stop = five_hundred(build, "stop")
    print("== stopping 500 instances on SIGTERM: %.0f ms" % (stop * 1000))
    med, worst = startup(build)
    print("== first line of an instance after exec of tfrun: median %.1f ms,"
          " worst %.1f ms (20 runs)" % (med, worst))


if __name__ == "__main__":
    main()
