#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The system calls the daemon really makes, traced with strace while it identifies modules,
writes and upgrades one from a file and one from a URL fetched over HTTP, answers checksums and
configuration, cancels, and stops: each must be in the unit's SystemCallFilter=@system-service
and not in @privileged, which the unit takes away."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import update_helpers  # noqa: E402
from harness import S, H  # noqa: E402


STRACE = shutil.which('strace')
ANALYZE = shutil.which('systemd-analyze')
if STRACE is None or ANALYZE is None:
    print('strace or systemd-analyze is missing', file=sys.stderr)
    sys.exit(77)


def syscall_groups():
    """{'@group': {syscall names}} with nested groups expanded, as systemd knows them."""
    out = subprocess.run([ANALYZE, 'syscall-filter', '--no-pager'], capture_output=True,
                         text=True, check=True).stdout
    raw, group = {}, None
    for line in out.splitlines():
        if line.startswith('@'):
            group = line.strip()
            raw[group] = set()
        elif group and line.strip() and not line.strip().startswith('#'):
            raw[group].add(line.strip())

    def expand(name, seen=()):
        names = set()
        for member in raw.get(name, ()):
            names |= expand(member, seen + (name,)) if member.startswith('@') else {member}
        return names

    return {name: expand(name) for name in raw}


class SyscallTest(harness.DaemonTest):

    def setUp(self):
        self.trace = os.path.join(harness.tempfile.mkdtemp(prefix='onemo-strace-'), 'summary')
        self.addCleanup(shutil.rmtree, os.path.dirname(self.trace), ignore_errors=True)
        self.DAEMON_WRAPPER = [STRACE, '-f', '-qq', '-c', '-U', 'name', '-o', self.trace]
        super().setUp()

    def stop_traced_daemon(self):
        """SIGTERM to the daemon itself (strace's child), so that its own shutdown is traced."""
        with open('/proc/%d/task/%d/children' % (self.daemon.pid, self.daemon.pid)) as f:
            children = [int(pid) for pid in f.read().split()]
        self.assertEqual(len(children), 1, children)
        os.kill(children[0], signal.SIGTERM)
        self.daemon.wait(timeout=30)
        deadline = time.monotonic() + 10
        while os.path.getsize(self.trace) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)

    def traced_syscalls(self):
        # strace -c -U name: a "syscall" heading, a rule, one name a line, a rule, "total";
        # before it strace may note a thread it found gone ("PID ???( <detached ...>").
        names = set()
        with open(self.trace) as f:
            lines = [line.strip() for line in f if line.strip()]
        self.assertIn('syscall', lines, 'not a strace -U name summary')
        for word in lines[lines.index('syscall') + 1:]:
            if re.fullmatch(r'[a-z_0-9]+', word) and word != 'total':
                names.add(word)
        return names

    def test_only_allowed_syscalls(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-MBRH1S00', size=3000)
        self.module(path, 'Update', '(a{sv})', ({'fd': H(0)},), fds=[self.open_fd(package)])
        self.module(path, 'Checksum', '(u)', (2,), reply='(s)')
        self.module(path, 'GetConfiguration', reply='(a{sv})')
        root, base, _ = update_helpers.start_server(self, 'http')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-MBRH2S00', root, size=3000)
        self.module(path, 'Update', '(a{sv})', ({'url': S(base + os.path.basename(package))},))
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH2S00')
        self.module(path, 'Cancel')
        self.stop_traced_daemon()

        used = self.traced_syscalls()
        self.assertIn('openat', used)  # the trace is real
        self.assertIn('write', used)
        groups = syscall_groups()
        taken_away = groups['@privileged']
        self.assertEqual(sorted(used & taken_away), [], 'calls the unit takes away')
        self.assertEqual(sorted(used - groups['@system-service']), [],
                         'calls outside @system-service')
        print('%d distinct system calls: %s' % (len(used), ' '.join(sorted(used))),
              file=sys.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
