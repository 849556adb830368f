#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A module (or a device wearing a OneMO identity) that floods a command with 100 000 lines
that look like its answer: the operation fails cleanly with Protocol, the daemon's memory
stays bounded, and the next operation works."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise AssertionError('no VmRSS for %d' % pid)


class FloodTest(harness.DaemonTest):

    DAEMON_ARGS = ['--command-timeout-ms', '20000']

    def test_flooded_answer(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--flood', 'AT+MFWCHECK')
        before = rss_kib(self.daemon.pid)
        error = self.assertDBusError('Protocol', self.module, path, 'Checksum', '(u)', (2,),
                                     '(s)')
        self.assertIn('256 lines', error.message)
        grown = rss_kib(self.daemon.pid) - before
        print('RSS grew by %d KiB through the flood' % grown, file=sys.stderr)
        # Gathering all 100 000 lines would take several MiB; the bound keeps it to buffers.
        self.assertLess(grown, 2048)
        self.assertIsInstance(self.module(path, 'GetConfiguration', reply='(a{sv})')[0], dict)
        self.assertEqual(self.prop(path, 'State'), 'idle')


if __name__ == '__main__':
    harness.main()
