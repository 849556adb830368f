#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What onemo-fwctl's end-to-end tests share: tests/daemon/harness.py (a private bus, the real
daemon, simulated modules) plus the CLI run as a user or a script runs it.

A test program imports this module and ends with cli_harness.main(): its first argument is
the onemo-fwctl to test; the environment is meson's daemon test environment.
"""

import os
import queue
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'daemon'))
import harness  # noqa: E402

FWCTL = None
SERVE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'servers', 'serve.py')


class LineReader:
    """Collects a process's stdout lines in a thread, so a test can wait with a timeout."""

    def __init__(self, stream):
        self.lines = queue.Queue()
        self.thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self.thread.start()

    def _run(self, stream):
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def next(self, timeout=20):
        return self.lines.get(timeout=timeout)


class CliTest(harness.DaemonTest):

    # A module's "+MFWDLOAD: 3" alone is final after 1 s, not its server timeout.
    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--resume-window-ms', '1000']

    def env(self):
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address, ONEMO_FWCTL_BUS='session',
                   LC_ALL='C.UTF-8')
        env.pop('LANGUAGE', None)
        return env

    def fwctl(self, *args, stdin=None, timeout=60):
        return subprocess.run([FWCTL] + list(args), env=self.env(), input=stdin,
                              capture_output=True, text=True, timeout=timeout)

    def fwctl_ok(self, *args, **kwargs):
        result = self.fwctl(*args, **kwargs)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def fwctl_popen(self, *args, stdin=subprocess.DEVNULL):
        proc = subprocess.Popen([FWCTL] + list(args), env=self.env(), stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self._stop, proc)
        if proc.stderr:
            self.addCleanup(proc.stderr.close)
        return proc

    def fleet(self, *specs):
        """One simulated module per (sub-model, extra simulator arguments), each with an IMEI
        of its own: [(sim, path, imei)]."""
        modules = []
        for i, (model, args) in enumerate(specs):
            imei = '86948706100%04d' % i
            sim, path = self.add_sim(model, '--imei', imei, *args)
            modules.append((sim, path, imei))
        return modules

    def assertUntouched(self, sim, path, revision):
        """Nothing but identification reached the module (its AT+MFW*=? test forms), and it
        still runs @revision."""
        commands = sim.log_bytes().split(b'\r')
        self.assertEqual([c for c in commands
                          if c.startswith(b'AT+MFW') and not c.endswith(b'=?')], [])
        self.assertEqual(self.prop(path, 'Revision'), revision)

    def number(self, path):
        return path.rsplit('/', 1)[1]

    def package(self, size=30000):
        path = self.make_package(size)
        with open(path, 'rb') as f:
            return path, f.read()

    def upgrade_package(self, series, revision, directory=None):
        """A package the simulator installs (docs/package-format.md): (path, bytes)."""
        package = os.path.join(directory or self.tmpdir, '%s.pkg' % revision)
        subprocess.run([os.environ['ONEMO_MODEM_SIM'], '--make-package', package,
                        '--series', series, '--new-revision', revision],
                       check=True, capture_output=True)
        with open(package, 'rb') as f:
            return package, f.read()

    def http_server(self, root, kind='http', *args):
        """tests/servers/serve.py on 127.0.0.1; returns its base URL."""
        server = subprocess.Popen([sys.executable, SERVE, '--kind', kind, '--root', root]
                                  + list(args),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(self._stop, server)
        self.addCleanup(server.stdout.close)
        self.addCleanup(server.stdin.close)
        line = server.stdout.readline()
        self.assertTrue(line.startswith('PORT '), line)
        return '%s://127.0.0.1:%d/' % (kind, int(line.split()[1]))


def main():
    global FWCTL
    FWCTL = os.path.abspath(sys.argv.pop(1))
    harness.main()
