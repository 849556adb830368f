#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Upgrade() under each reading of the manual the simulator can play (docs/spec-notes.md,
"Readings the service handles", points d, e, i, j): AT+MFWUPGRADE without OK, nothing sent
while the module flashes, the port set up again after every reboot, UART modules that reboot
behind their port and lose what they are sent."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import GLib, S  # noqa: E402

UPGRADE_TIMEOUT_S = 20


class ReadingsTest(harness.DaemonTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', str(UPGRADE_TIMEOUT_S),
                   '--reboot-timeout', '10']

    def write_package(self, model, series, mode=None, *sim_args):
        """A simulated module holding a valid package; returns (sim, path, new revision)."""
        sim, path = self.add_sim(model, *sim_args)
        new = '%s-MBRH9S99' % model
        package = self.make_firmware(series, new)
        options = {'mode': S(mode)} if mode else {}
        self.module(path, 'Write', '(ha{sv})', (0, options), fds=[self.open_fd(package)])
        return sim, path, new

    def upgrade(self, path):
        """Upgrade(); returns how long it took."""
        start = time.monotonic()
        self.module(path, 'Upgrade')
        return time.monotonic() - start

    def after_upgrade(self, sim):
        """What the module got since its (last) AT+MFWUPGRADE."""
        log = sim.log_bytes()
        return log[log.rindex(b'AT+MFWUPGRADE\r') + len(b'AT+MFWUPGRADE\r'):]

    # ---- d: AT+MFWUPGRADE without OK ----

    def test_no_ok_nbiot(self):
        for model, series, mode in [('MN316-S-DLVS', 'MN316-S', 'transparent'),
                                    ('M5311-E-XLVS', 'M5311-E', 'hex')]:
            with self.subTest(model=model):
                sim, path, new = self.write_package(model, series, mode, '--upgrade-no-ok')
                took = self.upgrade(path)
                self.assertEqual(self.prop(path, 'Revision'), new)
                # +MFWUPGRADE: 2 ended the command: nothing waited for a missing OK.
                self.assertLess(took, UPGRADE_TIMEOUT_S / 2)
                self.remove_port(path)

    def test_no_ok_ml307r_package(self):
        sim, path, new = self.write_package('ML307R-DC', 'ML307R', None, '--upgrade-no-ok')
        took = self.upgrade(path)
        self.assertEqual(self.prop(path, 'Revision'), new)
        self.assertLess(took, UPGRADE_TIMEOUT_S / 2)

    # ---- e: nothing to a flashing module ----

    def test_nothing_sent_while_flashing(self):
        for flashing in ('silent', 'error'):
            with self.subTest(flashing=flashing):
                sim, path, new = self.write_package('ML307R-DC', 'ML307R', None,
                                                    '--while-flashing', flashing)
                self.upgrade(path)
                self.assertEqual(self.prop(path, 'Revision'), new)
                self.assertNotIn('while flashing', sim.stderr_text())
                self.remove_port(path)

    # ---- i: ATE0 and AT+CMEE=1 on every open, also after a reboot ----

    def test_cmee_after_reboot(self):
        for model, series, mode in [('ML307R-DC', 'ML307R', None),
                                    ('MN316-S-DLVS', 'MN316-S', 'transparent')]:
            with self.subTest(model=model):
                sim, path, new = self.write_package(model, series, mode, '--boot-cmee', '0',
                                                    '--error', 'AT+MFWERASE=855')
                self.upgrade(path)
                self.assertEqual(self.prop(path, 'Revision'), new)
                after = self.after_upgrade(sim)
                # The reopened (or rebooted) port is set up before the revision is read.
                self.assertLess(after.index(b'ATE0\r'), after.index(b'AT+CGMR\r'))
                self.assertLess(after.index(b'AT+CMEE=1\r'), after.index(b'AT+CGMR\r'))
                # The module is back at CMEE 0: a 855 still reads as Download, not a bare ERROR.
                self.assertDBusError('Download', self.module, path, 'Erase')
                self.remove_port(path)

    # ---- j: UART modules reboot behind their port ----

    def test_uart_reboot_deaf_and_lost_cgmr(self):
        sim, path, new = self.write_package('MN316-DBRS', 'MN316', 'hex', '--uart-reboot-ms',
                                            '2500', '--lose-after-reboot', 'AT+CGMR')
        self.upgrade(path)
        self.assertEqual(self.prop(path, 'Revision'), new)
        self.assertEqual(self.prop(path, 'State'), 'finished')
        after = self.after_upgrade(sim)
        # Polled with AT while deaf (one at a time, so a few), and AT+CGMR asked again.
        self.assertGreaterEqual(after.count(b'AT\r'), 2)
        self.assertLess(after.count(b'AT\r'), 10)
        self.assertEqual(after.count(b'AT+CGMR\r'), 2)
        self.assertLess(after.index(b'AT\r'), after.index(b'AT+CGMR\r'))

    def test_uart_reboot_longer_than_limit(self):
        sim, path, new = self.write_package('MN316-DBRS', 'MN316', 'hex', '--uart-reboot-ms',
                                            '60000')
        outcome = self.call_async(path, harness.MODULE_IFACE, 'Upgrade')
        self.wait_call(outcome, 30)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Timeout')
        self.assertIn('may still be upgrading', outcome['error'].message)
        self.assertNotIn(b'AT+CGMR', self.after_upgrade(sim))


class TimeoutTest(harness.DaemonTest):
    """e: a deadline reached while the module may still flash says so."""

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '4']

    def test_upgrade_deadline_says_still_upgrading(self):
        root, base = self.start_http_server()
        package = self.make_firmware('ML307A', 'ML307A-DSLN-MBRH9S99', root)
        sim, path = self.add_sim('ML307A-DSLN', '--reboot-never')
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(base + os.path.basename(package))},))
        with self.assertRaises(GLib.Error) as ctx:
            self.module(path, 'Upgrade')
        self.assertEqual(harness.error_name(ctx.exception), harness.ERROR_PREFIX + 'Timeout')
        self.assertIn('may still be upgrading', ctx.exception.message)
        self.assertIn('do not cut its power', ctx.exception.message)


if __name__ == '__main__':
    harness.main()
