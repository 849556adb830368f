#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A journal that cannot be written: Upgrade and Update are refused with NotRecorded before
ModemManager or the module is asked (the modem never leaves ModemManager, no inhibition,
nothing on the module's line, State and LastError as they were); Write, which never reaches the upgrade,
still runs; once the state directory can be written again, Upgrade runs.

The state directory is a regular file: nothing can be created in it, root or not, without a
mount namespace or a full disk."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
from mm_harness import H  # noqa: E402

NEW = 'MBRH9S99'


class UnwritableJournalTest(mm_harness.MMTest):

    def _start_daemon(self):
        with open(self.state_dir, 'w'):
            pass
        super()._start_daemon()

    def assert_untouched(self, sim, path, uid, modem, before):
        self.assertEqual(self.prop(path, 'State'), before['State'])
        self.assertEqual(self.prop(path, 'LastError'), before['LastError'])
        self.assertEqual(sim.log_bytes(), before['sent'], 'something reached the module')
        self.assertEqual(self.modem_path(uid), modem)
        self.assertNotIn(('InterfacesRemoved', modem), self.mm_events)
        self.assertEqual(self.mm_log_text().count('device inhibition setup'), 0)
        self.assertTrue(os.path.isfile(self.state_dir), 'the state directory was replaced')

    def test_upgrade_and_update_refused(self):
        sim, path, uid = self.add_mm_sim('MN316-S-DLVS')
        modem = self.modem_path(uid)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        before = {name: self.prop(path, name) for name in ('State', 'LastError')}
        before['sent'] = sim.log_bytes()

        err = self.assertDBusError('NotRecorded', self.module, path, 'Upgrade')
        self.assertIn('journal', err.message)
        self.assert_untouched(sim, path, uid, modem, before)
        self.assertDBusError('NotRecorded', self.module, path, 'Update', '(a{sv})',
                             ({'fd': H(0)},), fds=[self.open_fd(package)])
        self.assert_untouched(sim, path, uid, modem, before)

        # Write never reaches the upgrade: it runs, the journal's failure only logged.
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        modem = self.assert_returned(uid, modem)
        self.assertIn('cannot journal Write', self.daemon_log_text())
        # A state directory that can be written again: the same Upgrade runs.
        os.unlink(self.state_dir)
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)
        self.assert_returned(uid, modem)
        self.assert_no_inhibition_left()
        self.assertEqual(os.listdir(self.state_dir), [])


if __name__ == '__main__':
    mm_harness.main()
