#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A caller's package whose reads never return (a hung NFS or FUSE mount, played by an
LD_PRELOAD shim, tests/shims/hang-read.c): the service still answers properties, runs another
module's write, and answers Cancel; the cancelled module pads and takes the next write."""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MANAGER_IFACE, MANAGER_PATH, MODULE_IFACE, S, H  # noqa: E402


MARK = 'hung-package'
# Answers from a daemon whose main loop is free come in milliseconds.
QUICK_MS = 5000


class PackageHangTest(harness.DaemonTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000']
    DAEMON_ENV = {'LD_PRELOAD': os.environ.get('ONEMO_TEST_HANG_READ_SHIM', ''),
                  'ONEMO_TEST_HANG_READS': MARK}

    def setUp(self):
        if not self.DAEMON_ENV['LD_PRELOAD']:
            self.fail('ONEMO_TEST_HANG_READ_SHIM is not set: run the tests through meson')
        super().setUp()

    def quick_prop(self, path, name):
        return self.call(path, 'org.freedesktop.DBus.Properties', 'Get', '(ss)',
                         (MODULE_IFACE, name), '(v)', timeout=QUICK_MS)[0]

    def start_hung(self, path, method, mode):
        hung = self.make_package(30000, MARK + '-' + mode + '.bin')
        if method == 'Write':
            args, signature = (0, {'mode': S(mode)}), '(ha{sv})'
        else:
            args, signature = ({'fd': H(0), 'mode': S(mode)},), '(a{sv})'
        outcome = self.call_async(path, MODULE_IFACE, method, signature, args,
                                  fds=[self.open_fd(hung)])
        self.wait_for(lambda: self.quick_prop(path, 'State') in ('writing', 'configuring'), 10,
                      'the operation did not start')
        return outcome

    def check_service_answers(self, hung_path):
        # Properties, of the manager and of the module whose read hangs.
        self.call(MANAGER_PATH, 'org.freedesktop.DBus.Properties', 'GetAll', '(s)',
                  (MANAGER_IFACE,), timeout=QUICK_MS)
        self.assertEqual(self.quick_prop(hung_path, 'DownloadedBytes'), 0)
        # Another module's whole write.
        other_sim, other = self.add_sim('MN316-S-DLVS')
        package = self.make_package(3000, 'other.bin')
        self.call(other, MODULE_IFACE, 'Write', '(ha{sv})', (0, {}), timeout=30000,
                  fds=[self.open_fd(package)])
        self.assertEqual(self.quick_prop(other, 'State'), 'finished')
        # The hung read is still hung.
        self.assertEqual(self.quick_prop(hung_path, 'DownloadedBytes'), 0)

    def cancel_and_check(self, sim, path, outcome):
        self.call(path, MODULE_IFACE, 'Cancel', timeout=QUICK_MS)
        self.wait_call(outcome, 60)
        self.assertIn('error', outcome)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'Cancelled')
        self.assertEqual(self.quick_prop(path, 'State'), 'failed')
        # The port was let go in a state the module takes commands in: a whole write works.
        package = self.make_package(1500, 'after.bin')
        self.call(path, MODULE_IFACE, 'Write', '(ha{sv})', (0, {}), timeout=30000,
                  fds=[self.open_fd(package)])
        with open(package, 'rb') as f:
            md5 = hashlib.md5(f.read()).hexdigest().upper()
        self.assertEqual(self.call(path, MODULE_IFACE, 'Checksum', '(u)', (0,), '(s)')[0], md5)

    def test_write_transparent(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        outcome = self.start_hung(path, 'Write', 'transparent')
        self.check_service_answers(path)
        self.assertNotIn('error', outcome)
        self.assertNotIn('result', outcome)
        self.cancel_and_check(sim, path, outcome)
        # The abandoned write was padded to its announced length before the next command.
        log = sim.log_bytes()
        first = log.index(b'AT+MFWDLOAD=0,30000\r')
        second = log.index(b'AT+MFWDLOAD=0,1500\r')
        self.assertGreaterEqual(second - first, len(b'AT+MFWDLOAD=0,30000\r') + 30000)

    def test_write_hex(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        outcome = self.start_hung(path, 'Write', 'hex')
        self.check_service_answers(path)
        self.cancel_and_check(sim, path, outcome)

    def test_update_host(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        outcome = self.start_hung(path, 'Update', 'transparent')
        self.check_service_answers(path)
        self.cancel_and_check(sim, path, outcome)
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())


if __name__ == '__main__':
    harness.main()
