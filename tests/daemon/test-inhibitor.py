#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The logind inhibitor: while an upgrade runs the daemon holds a "shutdown:sleep" block lock
from python-dbusmock's logind on the private bus, with a reason naming the module and its port;
the lock is gone after a success, a failure, a SIGTERM of the daemon, and an upgrade followed
after a restart. Without logind an upgrade goes on all the same."""

import importlib.util
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import safety_helpers  # noqa: E402
from harness import MODULE_IFACE, S  # noqa: E402

if importlib.util.find_spec('dbusmock') is None:  # a truly absent dependency: skip
    print('python3-dbusmock is missing', file=sys.stderr)
    sys.exit(77)

LOGIN1_NAME = 'org.freedesktop.login1'
LOGIN1_PATH = '/org/freedesktop/login1'
LOGIN1_IFACE = 'org.freedesktop.login1.Manager'
NEW_REVISION = 'ML307A-DSLN-MBRH9S99'


class InhibitorTest(safety_helpers.RestartTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '30']
    START_LOGIND = True

    def setUp(self):
        super().setUp()
        if self.START_LOGIND:
            env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
            log = open(os.path.join(self.tmpdir, 'logind.log'), 'w')
            self.addCleanup(log.close)
            logind = subprocess.Popen(
                ['/usr/bin/python3', '-m', 'dbusmock', '--system', '--template', 'logind'],
                env=env, stdout=log, stderr=subprocess.STDOUT)
            self.addCleanup(self._stop, logind)
            self.wait_for(lambda: safety_helpers.has_owner(self.conn, LOGIN1_NAME), 20,
                          'the logind mock did not start')
        self.root, self.base = self.start_http_server()

    def inhibitors(self):
        reply = self.conn.call_sync(LOGIN1_NAME, LOGIN1_PATH, LOGIN1_IFACE, 'ListInhibitors',
                                    None, None, 0, 5000, None)
        return [i for i in reply.unpack()[0] if i[1] == 'onemo-firmware']

    def url_module(self, *sim_args):
        package = self.make_firmware('ML307A', NEW_REVISION, self.root)
        sim, path = self.add_sim('ML307A-DSLN', '--reboot-ms', '700', *sim_args)
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(self.base + os.path.basename(package))},))
        return sim, path

    def assert_held_while_upgrading(self, sim):
        self.wait_for(lambda: self.inhibitors(), 10, 'no inhibitor while upgrading')
        (what, who, why, mode, _, _), = self.inhibitors()
        self.assertEqual((what, who, mode), ('shutdown:sleep', 'onemo-firmware', 'block'))
        self.assertIn('ML307A-DSLN', why)
        self.assertIn(sim.link, why)
        self.assertIn('damage', why)

    def released(self):
        self.wait_for(lambda: not self.inhibitors(), 10, 'the inhibitor was kept')

    def test_success(self):
        sim, path = self.url_module()
        # Nothing is held before an upgrade, nor by a Configure.
        self.assertEqual(self.inhibitors(), [])
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.assert_held_while_upgrading(sim)
        self.wait_call(outcome, 30)
        self.assertNotIn('error', outcome)
        self.released()

    def test_failure(self):
        sim, path = self.url_module('--reboot-old-revision')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.assert_held_while_upgrading(sim)
        self.wait_call(outcome, 30)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'NotVerified')
        self.released()

    def test_sigterm(self):
        sim, path = self.url_module()
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.assert_held_while_upgrading(sim)
        self.kill_daemon(signal.SIGTERM)
        self.released()
        # The module is still upgrading: the journal keeps its record for the next start.
        self.assertIn(self.journal_phase(), ('upgrading', 'rebooting'))

    def test_followed_after_restart(self):
        sim, path = self.url_module()
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.journal_phase() == 'rebooting', 20, 'no reboot')
        self.kill_daemon()
        self.released()
        self.restart_daemon()
        path = self.add_port(sim.link)
        self.assert_held_while_upgrading(sim)
        self.wait_state(path, ('finished', 'failed'), 25)
        self.assertEqual(self.prop(path, 'Revision'), NEW_REVISION)
        self.released()


class NoLogindTest(InhibitorTest):

    START_LOGIND = False

    def test_success(self):
        sim, path = self.url_module()
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), NEW_REVISION)
        self.assertIn('Cannot hold off shutdown and sleep', self.daemon_output())

    test_failure = test_sigterm = test_followed_after_restart = None


if __name__ == '__main__':
    harness.main()
