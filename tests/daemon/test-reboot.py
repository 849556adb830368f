#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Upgrades through the module's reboots: ML30x downloading by itself, ML307R-DC applying a
written package; a module that never comes back, one that keeps its old revision; Cancel is
refused while an upgrade runs."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MODULE_IFACE, S  # noqa: E402



class RebootTest(harness.DaemonTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '4']

    def setUp(self):
        super().setUp()
        self.root, self.base = self.start_http_server()

    def url_module(self, model, series, new_revision, *sim_args):
        package = self.make_firmware(series, new_revision, self.root)
        sim, path = self.add_sim(model, *sim_args)
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(self.base + os.path.basename(package))},))
        return sim, path

    def test_ml307a_url_upgrade(self):
        sim, path = self.url_module('ML307A-DSLN', 'ML307A', 'ML307A-DSLN-MBRH9S99')
        states = self.watch_states(path)
        progress = self.subscribe(path, 'UpgradeProgress')
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), 'ML307A-DSLN-MBRH9S99')
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.wait_for(lambda: progress and progress[-1][0] == 2, 5, 'no final UpgradeProgress')
        percents = [p[1] for p in progress]
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(progress[-1], (2, 100))
        self.wait_for(lambda: states and states[-1] == 'finished', 5, 'no State changes')
        self.assertIn('rebooting', states)

    def test_ml302s_revision_prefix_after_reboots(self):
        sim, path = self.url_module('ML302S-DNLM', 'ML302S', 'ML302S-DNLM-MBRH9S99')
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), 'ML302S-DNLM-MBRH9S99')

    def test_ml307r_dc_written_package(self):
        sim, path = self.add_sim('ML307R-DC')
        package = self.make_firmware('ML307R', 'ML307R-DC-MBRH9S99')
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), 'ML307R-DC-MBRH9S99')

    def test_never_back(self):
        sim, path = self.url_module('ML307A-DSLN', 'ML307A', 'ML307A-DSLN-MBRH9S99',
                                    '--reboot-never')
        self.assertDBusError('Timeout', self.module, path, 'Upgrade')
        self.assertEqual(self.prop(path, 'State'), 'failed')

    def test_old_revision(self):
        sim, path = self.url_module('ML307A-DSLN', 'ML307A', 'ML307A-DSLN-MBRH9S99',
                                    '--reboot-old-revision')
        self.assertDBusError('NotVerified', self.module, path, 'Upgrade')

    def test_cancel_refused(self):
        sim, path = self.url_module('ML307A-DSLN', 'ML307A', 'ML307A-DSLN-MBRH9S99')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.prop(path, 'State') in ('upgrading', 'rebooting'), 5,
                      'not upgrading')
        self.assertDBusError('Busy', self.module, path, 'Cancel')
        self.assertDBusError('Busy', self.remove_port, path)
        self.wait_call(outcome, 20)
        self.assertNotIn('error', outcome)


if __name__ == '__main__':
    harness.main()
