#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A daemon killed (SIGKILL) mid-upgrade next to ModemManager: its holds die with its bus
connections, so ModemManager takes the module back at once; the daemon started again follows
the upgrade to its end (holding the module again once ModemManager answers) and leaves no
inhibition behind."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import harness  # noqa: E402
import safety_helpers  # noqa: E402

NEW = 'MN316-S-DLVS-MBRH9S99'


class RestartTest(mm_harness.MMTest, safety_helpers.RestartTest):

    # ModemManager probes the module through the same latency: shorter, or it gives up.
    HOLD_LATENCY_MS = '300'

    def test_killed_during_upgrade(self):
        # No reboot behind the UART: ModemManager takes the module back the moment the daemon
        # dies, and its probing of a deaf module is not what this test is about.
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS', '--latency-ms', self.HOLD_LATENCY_MS,
                                         '--uart-reboot-ms', '0')
        package = self.make_firmware('MN316-S', NEW)
        first = self.modem_path(uid)
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        held = self.assert_returned(uid, first)
        # The module is held still once AT+MFWUPGRADE reached it, then the daemon dies.
        self.call_async(path, harness.MODULE_IFACE, 'Upgrade')
        self.hold_at_upgrade(sim)
        self.assertEqual(self.journal_phase(), 'upgrading')
        self.assertIsNone(self.modem_path(uid), 'ModemManager kept the modem')
        self.kill_daemon()
        sim.proc.send_signal(signal.SIGCONT)
        # Nobody uninhibited: the dead daemon's connection ended the hold.
        back = self.assert_returned(uid, held)

        self.restart_daemon()
        path = self.add_port(sim.link)
        self.assertEqual(self.wait_state(path, ('finished', 'failed'), 25), 'finished',
                         self.prop(path, 'LastError'))
        self.assertEqual(self.prop(path, 'Revision'), NEW)
        self.assertEqual(self.upgrade_commands(sim), 1)
        # Whatever the following held is given back: ModemManager has the modem again.
        self.wait_for(lambda: self.mm_log_text().count('device inhibition setup')
                      == self.mm_log_text().count('device inhibition teardown'), 10,
                      'an inhibition is left')
        self.wait_modem(uid)
        self.assertIsNotNone(back)


if __name__ == '__main__':
    mm_harness.main()
