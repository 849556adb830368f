#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Restart safety: the daemon is killed with SIGKILL at each phase of an operation while the
simulated module runs on; started again with the same --state-dir and the same port, it finds
its journal record and follows the module to the end without commanding the upgrade again
(the simulator's log holds exactly one AT+MFWUPGRADE), or reports an operation killed before
the upgrade as Interrupted. A corrupt record at start is reported and set aside."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import safety_helpers  # noqa: E402
from harness import MODULE_IFACE, S  # noqa: E402

INTERRUPTED = harness.ERROR_PREFIX + 'Interrupted'
FIRST_MODULE = '/org/onemo/Firmware/Module/0'


class RestartTest(safety_helpers.RestartTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '30']

    def restart_and_add(self, sim):
        """Starts the daemon again and gives it the same port."""
        self.restart_daemon()
        return self.add_port(sim.link)

    def assert_followed_to(self, path, sim, revision):
        self.assertEqual(self.wait_state(path, ('finished', 'failed'), 25), 'finished',
                         self.prop(path, 'LastError'))
        self.assertEqual(self.prop(path, 'Revision'), revision)
        self.assertEqual(self.upgrade_commands(sim), 1)
        self.assertEqual(self.journal_records(), {})

    def wait_quiet(self, sim, quiet_s=1.0, timeout=15):
        deadline = time.monotonic() + timeout
        size, since = -1, time.monotonic()
        while time.monotonic() - since < quiet_s:
            self.assertLess(time.monotonic(), deadline, 'the line never went quiet')
            if len(sim.log_bytes()) != size:
                size, since = len(sim.log_bytes()), time.monotonic()
            time.sleep(0.05)

    def test_killed_while_writing(self):
        # 19200 baud: the hex write of 20000 bytes takes seconds.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '19200')
        package = self.make_package(20000)
        progress = self.subscribe(path, 'DownloadProgress')
        self.call_async(path, MODULE_IFACE, 'Write', '(ha{sv})', (0, {'mode': S('hex')}),
                        fds=[self.open_fd(package)])
        self.wait_for(lambda: progress and progress[-1][2] > 0, 10, 'no progress')
        self.assertEqual(self.journal_phase(), 'writing')
        record = list(self.journal_records().values())[0]
        self.assertEqual(record['Operation'], 'Write')
        self.assertEqual(record['Port'], sim.link)
        self.assertEqual(record['IMEI'], '869487060000001')
        self.kill_daemon()
        # What the dead daemon left in the tty still reaches the module, and the module's
        # answers to it come back: a new daemon would take them for its own. No event says the
        # line went quiet, so wait until the module's log stops growing.
        self.wait_quiet(sim)

        path = self.restart_and_add(sim)
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(INTERRUPTED),
                        self.prop(path, 'LastError'))
        self.assertIn('writing', self.prop(path, 'LastError'))
        self.assertEqual(self.journal_records(), {})
        # The module is usable again.
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')

    def test_killed_during_nbiot_upgrade(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--latency-ms', self.HOLD_LATENCY_MS)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-MBRH9S99')
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        # The module is held still once AT+MFWUPGRADE reached it, then the daemon dies: the
        # module upgrades with nobody listening, and its reports wait in the tty.
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.hold_at_upgrade(sim)
        self.assertEqual(self.journal_phase(), 'upgrading')
        self.kill_daemon()
        sim.proc.send_signal(signal.SIGCONT)

        path = self.restart_and_add(sim)
        self.assert_followed_to(path, sim, 'MN316-S-DLVS-MBRH9S99')
        self.assertIn('following it', self.daemon_output())

    def url_module(self, *sim_args):
        root, base = self.start_http_server()
        package = self.make_firmware('ML307A', 'ML307A-DSLN-MBRH9S99', root)
        sim, path = self.add_sim('ML307A-DSLN', *sim_args)
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(base + os.path.basename(package))},))
        return sim, path

    def test_killed_while_rebooting(self):
        sim, path = self.url_module('--reboot-ms', '1500')
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.journal_phase() == 'rebooting', 20, 'no reboot')
        self.assertFalse(os.path.exists(sim.link))
        self.kill_daemon()

        # The port is away: AddPort takes it all the same, since the journal expects it.
        self.restart_daemon()
        progress = self.subscribe(FIRST_MODULE, 'UpgradeProgress')
        states = self.watch_states(FIRST_MODULE)
        path = self.add_port(sim.link)
        self.assertEqual(path, FIRST_MODULE)
        self.assert_followed_to(path, sim, 'ML307A-DSLN-MBRH9S99')
        # The outcome is reported as a called upgrade's would be.
        self.wait_for(lambda: progress and progress[-1][0] == 2, 5, 'no final UpgradeProgress')
        self.assertEqual(progress[-1], (2, 100))
        self.wait_for(lambda: states and states[-1] == 'finished', 5, 'no State changes')
        self.assertIn('upgrading', states)
        self.assertIn('the operation the daemon followed after its restart finished',
                      self.daemon_output())

    def test_killed_before_confirmation(self):
        # Each answer takes 400 ms: the AT+CGMR that confirms the new revision is slow enough
        # to be killed in.
        sim, path = self.url_module('--latency-ms', '400')
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.journal_phase() == 'confirming', 25, 'never confirming')
        self.kill_daemon()
        self.assertEqual(self.journal_phase(), 'confirming')

        path = self.restart_and_add(sim)
        self.assert_followed_to(path, sim, 'ML307A-DSLN-MBRH9S99')

    def test_back_with_old_revision(self):
        sim, path = self.url_module('--reboot-ms', '1000', '--reboot-old-revision')
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.journal_phase() == 'rebooting', 20, 'no reboot')
        self.kill_daemon()

        path = self.restart_and_add(sim)
        self.assertEqual(self.wait_state(path, ('finished', 'failed'), 25), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            harness.ERROR_PREFIX + 'NotVerified'), self.prop(path, 'LastError'))
        self.assertEqual(self.upgrade_commands(sim), 1)
        self.assertEqual(self.journal_records(), {})

    def test_records_end_with_their_operation(self):
        # A successful and a failed operation leave no record; one runs meanwhile.
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-MBRH9S99')
        self.module(path, 'Write', '(ha{sv})', (0, {}), fds=[self.open_fd(package)])
        self.assertEqual(self.journal_records(), {})
        self.module(path, 'Upgrade')
        self.assertEqual(self.journal_records(), {})
        # The same package again: the module says it succeeded, but the revision is the same.
        self.assertDBusError('NotVerified', self.module, path, 'Upgrade')
        self.assertEqual(self.journal_records(), {})
        # Reading changes nothing and is not recorded.
        self.module(path, 'GetConfiguration', reply='(a{sv})')
        self.assertFalse(os.path.exists(self.state_dir) and os.listdir(self.state_dir))

    def test_corrupt_record_at_start(self):
        self.kill_daemon()
        os.makedirs(self.state_dir, exist_ok=True)
        corrupt = os.path.join(self.state_dir, 'junk.op')
        with open(corrupt, 'wb') as f:
            f.write(b'[Operation]\nVersion=1\nPort=/dev/\xff\n')
        self.restart_daemon()
        self.wait_for(lambda: os.path.exists(corrupt + '.corrupt'), 10, 'not set aside')
        self.assertFalse(os.path.exists(corrupt))
        self.assertIn('corrupt', self.daemon_output())
        # The daemon runs on.
        sim, path = self.add_sim('MN316-S-DLVS')
        self.assertEqual(self.prop(path, 'State'), 'idle')



class NeverBackTest(safety_helpers.RestartTest):
    """A module that never comes back from its reboot: the followed upgrade gives up after
    --upgrade-timeout with Timeout, and the record goes."""

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '4']

    def test_never_back_after_restart(self):
        root, base = self.start_http_server()
        package = self.make_firmware('ML307A', 'ML307A-DSLN-MBRH9S99', root)
        sim, path = self.add_sim('ML307A-DSLN', '--reboot-never')
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(base + os.path.basename(package))},))
        self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.wait_for(lambda: self.journal_phase() == 'rebooting', 10, 'no reboot')
        self.kill_daemon()

        self.restart_daemon()
        path = self.add_port(sim.link)
        self.assertEqual(self.wait_state(path, ('finished', 'failed'), 15), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(harness.ERROR_PREFIX + 'Timeout'),
                        self.prop(path, 'LastError'))
        self.assertEqual(self.upgrade_commands(sim), 1)
        self.assertEqual(self.journal_records(), {})


if __name__ == '__main__':
    harness.main()
