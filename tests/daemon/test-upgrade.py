#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Upgrade on the NB-IoT family end to end, and modules that misbehave: each +CME code to its
error name, silence, garbage, an upgrade refused with 854; the object answers afterwards."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import GLib, S  # noqa: E402


CME_NAMES = {850: 'Unknown', 851: 'Config', 852: 'UrlType', 853: 'Write', 854: 'Upgrade',
             855: 'Download', 856: 'RetriesExceeded', 857: 'NoNetwork'}


class UpgradeTest(harness.DaemonTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '20']

    def make_firmware(self, series, new_revision, size=4096):
        path = os.path.join(self.tmpdir, 'fw-%s.pkg' % new_revision)
        subprocess.run([os.environ['ONEMO_MODEM_SIM'], '--make-package', path, '--series', series,
                        '--new-revision', new_revision, '--size', str(size)], check=True,
                       stdout=subprocess.DEVNULL)
        return path

    def write(self, path, package, mode=None):
        self.module(path, 'Write', '(ha{sv})', (0, {'mode': S(mode)} if mode else {}),
                    fds=[self.open_fd(package)])

    def test_nbiot_upgrade(self):
        for model, series, mode in [('MN316-S-DLVS', 'MN316-S', 'transparent'),
                                    ('M5311-E-XLVS', 'M5311-E', 'hex')]:
            with self.subTest(model=model):
                sim, path = self.add_sim(model)
                new = '%s-MBRH9S99' % model
                package = self.make_firmware(series, new)
                self.write(path, package, mode)
                progress = self.subscribe(path, 'UpgradeProgress')
                self.module(path, 'Upgrade')
                self.assertEqual(self.prop(path, 'Revision'), new)
                self.assertEqual(self.prop(path, 'State'), 'finished')
                self.assertEqual(self.prop(path, 'UpgradePercent'), 100)
                self.wait_for(lambda: progress, 5, 'no UpgradeProgress')
                self.assertEqual(progress[-1], (2, 100))

    def test_bad_package_fails_with_upgrade(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        junk = self.make_package(3000)
        self.write(path, junk)
        old = self.prop(path, 'Revision')
        self.assertDBusError('Upgrade', self.module, path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), old)
        self.assertEqual(self.prop(path, 'State'), 'failed')

    def test_upgrade_error_854(self):
        sim, path = self.add_sim('MN316-DBRS', '--error', 'AT+MFWUPGRADE=854')
        self.assertDBusError('Upgrade', self.module, path, 'Upgrade')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            'org.onemo.Firmware.Error.Upgrade: '))
        # Still usable.
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')

    def test_cme_codes_to_names(self):
        args = []
        for code in CME_NAMES:
            args = ['--error', 'AT+MFWERASE=%d' % code]
            with self.subTest(code=code):
                sim, path = self.add_sim('MN316-DBRS', *args)
                self.assertDBusError(CME_NAMES[code], self.module, path, 'Erase')
                self.remove_port(path)

    def test_silent_module_times_out(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--silent', 'AT+MFWCHECK')
        self.assertDBusError('Timeout', self.module, path, 'Checksum', '(u)', (0,), '(s)')
        # A checksum is a question: its failure is the caller's answer, not the module's State.
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.assertEqual(self.prop(path, 'LastError'), '')
        # The next command on a fresh port works.
        self.module(path, 'Erase')

    def test_garbage(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--garbage', 'AT+MFWCHECK')
        with self.assertRaises(GLib.Error) as ctx:
            self.module(path, 'Checksum', '(u)', (0,), '(s)')
        self.assertIn(harness.error_name(ctx.exception),
                      [harness.ERROR_PREFIX + n for n in ('Protocol', 'Timeout')])
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')

    def test_silent_at_identification(self):
        sim = self.start_sim('MN316-DBRS', '--silent', 'ATI')
        self.assertDBusError('Timeout', self.add_port, sim.link)
        # The device is released: a later AddPort is not Busy.
        self.assertDBusError('Timeout', self.add_port, sim.link)


if __name__ == '__main__':
    harness.main()
