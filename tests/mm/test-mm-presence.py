#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Whether ModemManager is there, comes, goes or refuses: without it an operation runs at once;
when it refuses InhibitDevice (polkit says no) the operation fails with Busy before a byte
reaches the module, and no inhibition is left; a ModemManager started after the daemon, or
before it, is followed; one that leaves mid-operation does not fail the operation; one that lists the module already
gives its identity to AddPort, which then writes nothing to the port."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import S, harness  # noqa: E402

URL = {'url': S('http://127.0.0.1/pkg.bin')}


class PresenceTest(mm_harness.MMTest):

    START_MM = False

    def configure(self, path):
        self.module(path, 'Configure', '(a{sv})', (URL,))

    def test_without_modem_manager(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        start = time.monotonic()
        self.configure(path)
        # No wait for an absent ModemManager: an InhibitDevice call would wait up to 30 s, a wait
        # for its modem up to 60 s. The bound leaves room for a loaded machine.
        self.assertLess(time.monotonic() - start, 5.0)
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.assertIn(b'AT+MFWCFG="url"', sim.log_bytes())

    def test_started_after_the_daemon(self):
        self.start_mm()
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        old_path = self.modem_path(uid)
        self.configure(path)
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()

    def test_started_before_the_daemon(self):
        self.start_mm()
        self._stop(self.daemon)
        self.daemon_log.close()
        self._start_daemon()
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        old_path = self.modem_path(uid)
        self.configure(path)
        self.assert_returned(uid, old_path)

    def test_listed_before_add_port(self):
        # ModemManager has the module already, its port named like the tty AddPort is given
        # (a socket by that name in ModemManager's folder): the identity is its modem's, and
        # AddPort writes nothing to the port.
        mm_dir = os.path.join(self.tmpdir, 'mm-ports')
        os.makedirs(mm_dir)
        self.start_mm(cwd=mm_dir)
        socket = os.path.join(self.tmpdir, 'module.sock')
        sim = self.start_sim('ML307A-DSLN', '--socket', socket, '--imei', '869487060000042')
        tty = os.path.basename(os.path.realpath(sim.link))
        os.symlink(socket, os.path.join(mm_dir, tty))
        self.wait_modem(self.set_profile('listed', tty))
        path = self.add_port(sim.link)
        self.assertEqual(self.prop(path, 'Imei'), '869487060000042')
        self.assertEqual(self.prop(path, 'SubModel'), 'ML307A-DSLN')
        self.assertEqual(sim.log_bytes(), b'', 'AddPort wrote to a port ModemManager has')

    def test_refused(self):
        self.start_mm()
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        old_path = self.modem_path(uid)
        self.polkit_allow()
        before = sim.log_bytes()
        error = self.assertDBusError('Busy', self.configure, path)
        self.assertIn('ModemManager', error.message)
        self.assertEqual(sim.log_bytes(), before, 'the module was touched')
        self.assertEqual(self.prop(path, 'State'), 'failed')
        # The modem never left ModemManager, and nothing is held.
        self.assertEqual(self.modem_path(uid), old_path)
        self.assertNotIn(('InterfacesRemoved', old_path), self.mm_events)
        self.assert_no_inhibition_left()
        # Allowed again, the same module goes through.
        self.polkit_allow(mm_harness.MM_CONTROL)
        self.configure(path)
        self.assert_returned(uid, old_path)

    def test_leaves_mid_operation(self):
        self.start_mm()
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS', '--baud', '115200')
        package = self.make_package(20000)
        states = self.watch_states(path)
        outcome = self.call_async(path, harness.MODULE_IFACE, 'Write', '(ha{sv})', (0, {}),
                                  fds=[self.open_fd(package)])
        self.wait_for(lambda: 'writing' in states, 10, 'the write did not start')
        self.assertIsNone(self.modem_path(uid))
        self.stop_mm()
        self.wait_call(outcome, 20)
        self.assertNotIn('error', outcome)
        self.assertEqual(self.prop(path, 'State'), 'finished')
        # The next operation, without ModemManager, runs as if it had never been there.
        self.configure(path)


if __name__ == '__main__':
    mm_harness.main()
