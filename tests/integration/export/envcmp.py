"""envcmp.py TFRUN_ENV_OUTPUT ENVIRON KEY...: compares, for each KEY, what
`tfrun env NAME` printed (.env syntax: bare, or double-quoted with \\ \"
\$ \n \r escapes) with a process's environment (NUL-separated, as
/proc/PID/environ): both unset or both the same bytes. Prints each
difference; exits 1 if there is any."""
import sys


def tfrun_env(path):
    """The variables of `tfrun env` output, as bytes keyed by bytes."""
    env = {}
    with open(path, "rb") as f:
        for line in f.read().split(b"\n"):
            if not line or line.startswith(b"#"):
                continue
            key, _, raw = line.partition(b"=")
            if raw.startswith(b'"'):
                out, i = bytearray(), 1
                while raw[i:i + 1] != b'"':
                    c = raw[i:i + 1]
                    if c == b"\\":
                        i += 1
                        c = {b"n": b"\n", b"r": b"\r"}.get(raw[i:i + 1], raw[i:i + 1])
                    out += c
                    i += 1
                env[key] = bytes(out)
            else:
                env[key] = raw
    return env


def environ(path):
    with open(path, "rb") as f:
        return dict(v.partition(b"=")[::2] for v in f.read().split(b"\0") if v)


def main():
    want, got = tfrun_env(sys.argv[1]), environ(sys.argv[2])
    bad = 0
    for key in (k.encode() for k in sys.argv[3:]):
        if want.get(key) != got.get(key):
            print(f"{key.decode()}: tfrun env says {want.get(key)!r}, the process has {got.get(key)!r}")
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
