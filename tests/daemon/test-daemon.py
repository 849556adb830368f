#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The daemon's own options: --port and --config add UART modules at start, --replace takes
the name over (the old instance exits 1), SIGTERM ends it cleanly, an idle daemon sleeps."""

import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class DaemonOptionsTest(harness.DaemonTest):

    def test_port_and_config(self):
        a = self.start_sim('MN316-DBRS')
        b = self.start_sim('MN316-DBRS', '--revision', 'XYZ-1')
        c = self.start_sim('M5311-E-DLVS')
        config = os.path.join(self.tmpdir, 'onemo-firmwared.conf')
        with open(config, 'w') as f:
            f.write('[port uart1]\ndevice=%s\nmodel=M5311-E-DLVS\nbaud=115200\n'
                    'flow-control=false\n\n[port broken]\ndevice=%s\nbaud=12345\n'
                    % (c.link, self.tmpdir))
        # Replace the harness's daemon by one with the options.
        self._stop(self.daemon)
        second = self.start_second('--port', a.link, '--port', b.link + ':MN316-DLVS',
                                   '--config', config)
        self.wait_for(lambda: len(self._modules_or_none()) == 3, 10, 'the ports did not appear')
        by_port = {m['Port']: m for m in self.modules().values()}
        self.assertEqual(by_port[a.link]['SubModel'], 'MN316-DBRS')
        self.assertEqual(by_port[b.link]['SubModel'], 'MN316-DLVS')
        self.assertEqual(by_port[c.link]['SubModel'], 'M5311-E-DLVS')
        self.assertIsNone(second.poll())

    def _modules_or_none(self):
        try:
            return self.modules()
        except harness.GLib.Error:
            return {}

    def test_replace(self):
        second = self.start_second('--replace')
        self.wait_for(lambda: self.daemon.poll() is not None, 10, 'the old daemon did not exit')
        self.assertEqual(self.daemon.returncode, 1)
        self.wait_for(self._has_owner, 5, 'nobody owns the name')
        self.assertIsNone(second.poll())

    def test_second_instance_without_replace_exits(self):
        second = self.start_second()
        self.wait_for(lambda: second.poll() is not None, 10, 'the second daemon stayed')
        self.assertEqual(second.returncode, 1)
        self.assertIsNone(self.daemon.poll())

    def test_sigterm(self):
        self.daemon.send_signal(signal.SIGTERM)
        self.assertEqual(self.daemon.wait(10), 0)

    def test_idle_makes_no_system_calls(self):
        strace = shutil.which('strace')
        if strace is None:
            self.skipTest('strace is missing')
        # After some work: identification, a write (no thread may linger from it).
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_package(1000)
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        out = os.path.join(self.tmpdir, 'strace.out')
        tracer = subprocess.Popen([strace, '-f', '-o', out, '-p', str(self.daemon.pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(self._stop, tracer)
        # strace says when it is attached; then let the daemon idle for 2 s.
        tracer.stderr.readline()
        deadline = harness.time.monotonic() + 2
        self.wait_for(lambda: harness.time.monotonic() > deadline, 5, 'no idle time')
        tracer.send_signal(signal.SIGINT)
        tracer.wait(5)
        with open(out) as f:
            lines = [line.strip() for line in f if line.strip()]
        # Each thread shows the one call it was blocked in when strace attached (a poll, or
        # its restart); anything more is the daemon waking up while idle.
        threads = set(line.split()[0] for line in lines)
        self.assertLessEqual(len(lines), len(threads), '\n'.join(lines))


if __name__ == '__main__':
    harness.main()
