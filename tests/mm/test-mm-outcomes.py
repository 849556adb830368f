#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An operation on a module that ModemManager also drives: the modem leaves ModemManager while
the operation runs and comes back, under a new object path, in every outcome: success (through
the module's reboots), a failed upgrade, a Cancel, a client that leaves the bus, and a SIGTERM
of the daemon mid-download."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import Gio, GLib, H, S, U, harness  # noqa: E402

NEW = 'MBRH9S99'


class OutcomesTest(mm_harness.MMTest):

    def test_update_success_through_reboot(self):
        sim, path, uid = self.add_mm_sim('ML307R-DC')
        old_path = self.modem_path(uid)
        package = self.make_firmware('ML307R', 'ML307R-DC-' + NEW)
        states = self.watch_states(path)
        # At each step after the load, ModemManager has no modem for the module.
        seen_during = []

        def changed(conn, sender, obj, iface, name, params):
            if params.unpack()[1].get('State') in ('verifying', 'upgrading', 'rebooting'):
                seen_during.append(self.modem_path(uid))
        sub = self.conn.signal_subscribe(harness.BUS_NAME, 'org.freedesktop.DBus.Properties',
                                         'PropertiesChanged', path, harness.MODULE_IFACE,
                                         Gio.DBusSignalFlags.NONE, changed)
        self.addCleanup(self.conn.signal_unsubscribe, sub)
        outcome = self.call_async(path, harness.MODULE_IFACE, 'Update', '(a{sv})',
                                  ({'fd': H(0)},), fds=[self.open_fd(package)])
        self.assertNotIn('error', self.wait_call(outcome, 30))
        self.assertEqual(self.prop(path, 'Revision'), 'ML307R-DC-' + NEW)
        self.assertIn('rebooting', states)
        self.assertTrue(seen_during, 'the test never looked during the operation')
        self.assertEqual(set(seen_during), {None})
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()

    def test_write_then_upgrade(self):
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        first = self.modem_path(uid)
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        second = self.assert_returned(uid, first)
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)
        self.assert_returned(uid, second)
        self.assert_no_inhibition_left()

    def test_failed_upgrade(self):
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS', '--error', 'AT+MFWUPGRADE=854')
        old_path = self.modem_path(uid)
        self.assertDBusError('Upgrade', self.module, path, 'Upgrade')
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()

    def slow_download(self, model='MN316-DBRS'):
        root, base = self.start_http_server()
        with open(os.path.join(root, 'big.bin'), 'wb') as f:
            f.write(os.urandom(2 * 1024 * 1024))
        sim, path, uid = self.add_mm_sim(model)
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(base + 'slow/big.bin'), 'progind': U(1024)},))
        # Configure itself held and released the modem: wait for it to be back.
        old_path = self.wait_modem(uid)
        progress = self.subscribe(path, 'DownloadProgress')
        outcome = self.call_async(path, harness.MODULE_IFACE, 'Download')
        self.wait_for(lambda: any(p[2] > 0 for p in progress) or outcome, 60, 'no progress')
        self.assertNotIn('error', outcome)
        self.assertTrue(progress, 'the download ended without progress')
        self.assertIsNone(self.modem_path(uid), 'ModemManager kept the modem during Download')
        return path, uid, old_path, outcome

    def test_cancel_download(self):
        path, uid, old_path, outcome = self.slow_download()
        self.module(path, 'Cancel')
        self.wait_call(outcome, 10)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Cancelled')
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()

    def test_client_leaves(self):
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS', '--baud', '115200')
        old_path = self.modem_path(uid)
        package = self.make_package(20000)
        states = self.watch_states(path)
        client = Gio.DBusConnection.new_for_address_sync(
            self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        fds = Gio.UnixFDList.new_from_array([os.dup(self.open_fd(package))])
        client.call_with_unix_fd_list(harness.BUS_NAME, path, harness.MODULE_IFACE, 'Write',
                                      GLib.Variant('(ha{sv})', (0, {})), None, 0, 60000, fds,
                                      None, None)
        self.wait_for(lambda: 'writing' in states, 10, 'the write did not start')
        self.assertIsNone(self.modem_path(uid))
        client.close_sync(None)
        # The operation runs to its end, then the modem goes back.
        self.wait_for(lambda: states[-1] in ('finished', 'failed'), 20, 'the write did not end')
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()

    def test_sigterm_mid_download(self):
        path, uid, old_path, outcome = self.slow_download()
        self.daemon.send_signal(signal.SIGTERM)
        self.assertEqual(self.daemon.wait(10), 0)
        self.assert_returned(uid, old_path)
        # The daemon said so before it exited; ModemManager did not have to notice it left.
        self.assertIn('%s uninhibited' % uid, self.daemon_log_text())
        self.assert_no_inhibition_left()


if __name__ == '__main__':
    mm_harness.main()
