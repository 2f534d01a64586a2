"""ptyh.py: runs a program on a pseudo-terminal for the integration tests.

A Term is a program started on a new pty of a given size; the test waits
for output matching a pattern (never a fixed sleep), types, resizes (which
sends SIGWINCH to the terminal's foreground group), and reads everything
the program wrote, as the terminal shows it.
"""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time


class Term:
    def __init__(self, argv, cols=80, rows=24, env=None, cwd=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                if cwd:
                    os.chdir(cwd)
                self._size(0, cols, rows)
                os.execve(argv[0], argv, env if env is not None else os.environ)
            finally:
                os._exit(127)
        self._size(self.fd, cols, rows)
        self.out = b""
        self.status = None

    @staticmethod
    def _size(fd, cols, rows):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def resize(self, cols, rows):
        """Changes the terminal's size: its foreground group gets SIGWINCH."""
        self._size(self.fd, cols, rows)

    def pump(self, timeout=0.1):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            if not data:
                return False
            self.out += data
        return True

    def expect(self, pattern, timeout=10):
        """Waits until the output so far matches pattern (bytes regex)."""
        end = time.time() + timeout
        while time.time() < end:
            if re.search(pattern, self.out, re.M):
                return True
            if not self.pump(0.05):
                break
        return re.search(pattern, self.out, re.M) is not None

    def type(self, data):
        os.write(self.fd, data)

    def wait(self, timeout=15):
        """Waits for the program's exit; returns its status (or None)."""
        end = time.time() + timeout
        while time.time() < end:
            self.pump(0.05)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self.pump(0.05):
                    pass
                self.status = os.waitstatus_to_exitcode(st)
                return self.status
        return None

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
