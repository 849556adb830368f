#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A caller polkit refuses changes nothing, not even ModemManager's hold: the daemon asks polkit
(--polkit) before ModemManager or the port, so for every guarded method of a module that
ModemManager drives the modem never leaves ModemManager, no inhibition is set up, nothing
reaches the module's line, and State stays as it was. Allowed, the same call goes through."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import S, harness  # noqa: E402
from harness import GLib  # noqa: E402

UPDATE = 'org.onemo.Firmware.update'
READ = 'org.onemo.Firmware.read'


class DeniedCallerTest(mm_harness.MMTest):

    DAEMON_ARGS = mm_harness.MMTest.DAEMON_ARGS + ['--polkit']

    def test_denied_leaves_modem_manager_alone(self):
        self.polkit_allow(mm_harness.MM_CONTROL, 'org.onemo.Firmware.manage-ports')
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        old_path = self.modem_path(uid)
        self.polkit_allow(mm_harness.MM_CONTROL)  # ModemManager's own, and none of ours
        before = sim.log_bytes()
        package = self.open_fd(self.make_package(1000))
        calls = [
            ('Configure', '(a{sv})', ({'url': S('http://127.0.0.1/a.bin')},), None),
            ('GetConfiguration', None, None, None),
            ('Checksum', '(u)', (2,), None),
            ('Write', '(ha{sv})', (0, {}), [package]),
            ('Erase', None, None, None),
            ('Upgrade', None, None, None),
            ('Update', '(a{sv})', ({'fd': GLib.Variant('h', 0)},), [package]),
        ]
        for method, signature, args, fds in calls:
            with self.subTest(method=method):
                self.assertDBusError('PermissionDenied', self.call, path, harness.MODULE_IFACE,
                                     method, signature, args, fds=fds)
        self.assertEqual(sim.log_bytes(), before, 'the module was touched')
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.assertEqual(self.modem_path(uid), old_path)
        self.assertNotIn(('InterfacesRemoved', old_path), self.mm_events)
        self.assert_no_inhibition_left()
        # Allowed, the same module is held and given back.
        self.polkit_allow(mm_harness.MM_CONTROL, UPDATE, READ)
        self.module(path, 'Configure', '(a{sv})', ({'url': S('http://127.0.0.1/a.bin')},))
        self.assert_returned(uid, old_path)


if __name__ == '__main__':
    mm_harness.main()
