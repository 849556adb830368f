#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A package whose reads never return (tests/shims/hang-read.c) on a module ModemManager
drives: the write holds the modem away from ModemManager, Cancel answers, and the modem comes
back with no inhibition left."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import S, harness  # noqa: E402

MARK = 'hung-package'


class PackageHangTest(mm_harness.MMTest):

    DAEMON_ENV = {'LD_PRELOAD': os.environ.get('ONEMO_TEST_HANG_READ_SHIM', ''),
                  'ONEMO_TEST_HANG_READS': MARK}

    def setUp(self):
        if not self.DAEMON_ENV['LD_PRELOAD']:
            self.fail('ONEMO_TEST_HANG_READ_SHIM is not set: run the tests through meson')
        super().setUp()

    def test_cancel_returns_the_modem(self):
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        old_path = self.modem_path(uid)
        hung = self.make_package(20000, MARK + '.bin')
        outcome = self.call_async(path, harness.MODULE_IFACE, 'Write', '(ha{sv})',
                                  (0, {'mode': S('transparent')}), fds=[self.open_fd(hung)])
        self.wait_for(lambda: self.prop(path, 'State') == 'writing', 10, 'not writing')
        self.wait_for(lambda: self.modem_path(uid) is None, 10, 'ModemManager kept the modem')
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 0)
        self.module(path, 'Cancel')
        self.wait_call(outcome, 60)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'Cancelled')
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()


if __name__ == '__main__':
    mm_harness.main()
