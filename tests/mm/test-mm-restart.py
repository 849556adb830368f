#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A daemon killed (SIGKILL) mid-upgrade next to ModemManager: its holds die with its bus
connections, so ModemManager takes the module back at once; the daemon started again follows
the upgrade to its end (holding the module again once ModemManager answers) and leaves no
inhibition behind."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import harness  # noqa: E402
import safety_helpers  # noqa: E402

NEW = 'MN316-S-DLVS-MBRH9S99'


class RestartTest(mm_harness.MMTest, safety_helpers.RestartTest):

    def test_killed_during_upgrade(self):
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', NEW)
        first = self.modem_path(uid)
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        held = self.assert_returned(uid, first)
        # The module is held still while AT+MFWUPGRADE reaches it, then the daemon dies.
        sim.proc.send_signal(signal.SIGSTOP)
        self.addCleanup(sim.proc.send_signal, signal.SIGCONT)
        self.call_async(path, harness.MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.journal_phase() == 'upgrading', 10, 'not upgrading')
        self.assertIsNone(self.modem_path(uid), 'ModemManager kept the modem')
        time.sleep(0.3)  # no event says the command left the daemon's tty buffer
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
