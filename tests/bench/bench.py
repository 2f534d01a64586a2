#!/usr/bin/env python3
"""Benchmarks for SPEC section 11, measured in one run and printed as ratios.

Usage: tests/bench/bench.py BUILD_DIR [--seconds S] [--skip-foreman]

- Log throughput: N producers (tf-child flood, 60-byte lines, unbounded)
  for S seconds each through (a) `cat`, (b) `tfrun start`, (c) `foreman
  start` (Debian's ruby-foreman); lines per second and the ratios
  tfrun/cat and tfrun/foreman, for N = 1, 4, 16. The consumer is `wc -l`
  in every case, so the output side costs the same.
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


def producers_procfile(d, child, n):
    with open(os.path.join(d, "Procfile"), "w") as f:
        for k in range(1, n + 1):
            f.write(f"p{k}: exec {child} flood:1000000000:p{k}\n")


def count_lines_for(cmd, seconds, cwd, sig=signal.SIGINT):
    """Runs cmd (its stdout into wc -l) for `seconds`, returns lines/s."""
    wc = subprocess.Popen(["wc", "-l"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, cwd=cwd)
    p = subprocess.Popen(cmd, stdout=wc.stdin, stderr=subprocess.DEVNULL,
                         cwd=cwd, start_new_session=True)
    wc.stdin.close()
    t0 = time.monotonic()
    time.sleep(seconds)
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    elapsed = time.monotonic() - t0
    out = wc.communicate()[0]
    # Kill anything a tool left behind (foreman leaves grandchildren).
    subprocess.run(["pkill", "-KILL", "-f", "flood:1000000000"],
                   stderr=subprocess.DEVNULL)
    return int(out.split()[0]) / elapsed


def throughput(build, child, seconds, skip_foreman):
    tfrun = os.path.join(build, "tfrun")
    rows = []
    for n in (1, 4, 16):
        d = tempfile.mkdtemp(prefix="tfrun-bench-")
        producers_procfile(d, child, n)
        names = ",".join(f"p{k}" for k in range(1, n + 1))
        script = " & ".join(f"exec {child} flood:1000000000:p{k}"
                            for k in range(1, n + 1)) + " & wait"
        cat = count_lines_for(["sh", "-c", f"({script}) | cat"], seconds, d,
                              signal.SIGTERM)
        tf = count_lines_for([tfrun, "start", "--can-die", names,
                              "--color", "never"], seconds, d)
        fm = None
        if not skip_foreman and shutil.which("foreman"):
            fm = count_lines_for(["foreman", "start", "-f", "Procfile"],
                                 seconds, d)
        rows.append((n, cat, tf, fm))
        shutil.rmtree(d)
    print("\n== log throughput (lines/s, 60-byte lines, %ss each)" % seconds)
    print("%-10s %14s %14s %14s %10s %12s" % ("producers", "cat", "tfrun",
                                               "foreman", "tfrun/cat",
                                               "tfrun/foreman"))
    for n, cat, tf, fm in rows:
        print("%-10d %14.0f %14.0f %14s %9.2f %12s" % (
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
        result = (status_kib(p.pid, "VmRSS"), status_kib(p.pid, "VmHWM"))
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
    seconds = 3.0
    if "--seconds" in sys.argv:
        seconds = float(sys.argv[sys.argv.index("--seconds") + 1])
    child = os.path.join(build, "tests", "tf-child")
    throughput(build, child, seconds, "--skip-foreman" in sys.argv)
    rss, hwm = five_hundred(build, "rss")
    print("\n== memory with 500 instances: VmRSS %.1f MiB, VmHWM %.1f MiB"
          % (rss / 1024, hwm / 1024))
    stop = five_hundred(build, "stop")
    print("== stopping 500 instances on SIGTERM: %.0f ms" % (stop * 1000))
    med, worst = startup(build)
    print("== first line of an instance after exec of tfrun: median %.1f ms,"
          " worst %.1f ms (20 runs)" % (med, worst))


if __name__ == "__main__":
    main()
