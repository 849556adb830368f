#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Discovery with udev, on umockdev's fake sysfs: USB modules by their identity and AT interface
whatever their ttyUSB numbers, a shared identity confirmed by AT+CGMM, UARTs named by a udev
property, hot-plug, and upgrades whose port comes back under another name, also when udev
tells before the daemon has seen the old port hang up.

The daemon runs with --session --udev under libumockdev-preload. Each fake tty node is a
symlink to a simulator's pty, so the daemon talks to onemo-modem-sim through /dev/ttyUSBn; when
the simulator reboots (its pty goes away), the test plays the kernel: it removes the tty and
adds it again, under another name, once the simulator's pty is back."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import udev_helpers  # noqa: E402  (re-executes under umockdev's preload)
import harness  # noqa: E402
from harness import MODULE_IFACE  # noqa: E402
from udev_helpers import ML302, ML307A, S  # noqa: E402


class UdevTest(udev_helpers.UdevTest):

    # ---- discovery ----

    def test_ml307a_at_interface_only(self):
        sim = self.start_sim('ML307A-DSLN')
        usb, intfs = self.add_usb(ML307A)
        # ttyUSB numbers in no particular order; only interface 02 is the AT port.
        for number, intf in zip([11, 7, 9, 8, 10], intfs):
            target = os.readlink(sim.link) if intf.endswith(':1.2') else '/dev/null'
            self.plug_tty('ttyUSB%d' % number, intf, target)
        modules = self.wait_modules(1, 'the ML307A did not appear')
        (path, props), = modules.items()
        self.assertEqual(props['Port'], '/dev/ttyUSB9')
        self.assertEqual(props['PhysicalDevice'], usb)
        self.assertEqual(props['SubModel'], 'ML307A-DSLN')
        self.assertEqual(self.prop(path, 'State'), 'idle')

        self.unplug(usb)
        self.wait_modules(0, 'the object stayed after the unplug')

        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB3', intfs[2], sim)
        modules = self.wait_modules(1, 'the ML307A did not come back')
        self.assertEqual(list(modules.values())[0]['Port'], '/dev/ttyUSB3')
        self.assertNotEqual(list(modules)[0], path)

    def test_unplugged_during_an_operation(self):
        sim = self.start_sim('ML307A-DSLN', '--silent', 'AT+MFWCFG="url"')
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB2', intfs[2], sim)
        path, = self.wait_modules(1, 'the ML307A did not appear')
        outcome = self.call_async(path, MODULE_IFACE, 'Configure', '(a{sv})',
                                  ({'url': S('http://127.0.0.1:1/fw.pkg')},))
        self.wait_for(lambda: b'AT+MFWCFG="url"' in sim.log_bytes(), 10, 'Configure sent nothing')
        self.assertIn(path, self.modules(), 'the object went while its operation ran')
        sim.stop()  # the pty goes: the port hangs up, as a real unplug does
        self.unplug(usb)
        self.wait_call(outcome, 10)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'PortGone', outcome['error'].message)
        self.wait_modules(0, 'the object stayed after its operation ended')

    def test_unknown_usb_ignored(self):
        stranger = self.start_sim('ML307A-DSLN')
        usb, intfs = self.add_usb((0x1234, 0x5678))
        self.plug_sim('ttyUSB2', intfs[2], stranger)
        sim = self.start_sim('ML307A-DSLN')
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB7', intfs[2], sim)
        modules = self.wait_modules(1, 'the ML307A did not appear')
        self.assertEqual(list(modules.values())[0]['Port'], '/dev/ttyUSB7')
        self.assertEqual(stranger.log_bytes(), b'', 'an unknown device was written to')

    def test_shared_identity_confirmed_by_cgmm(self):
        fibocom = self.start_sim('ML302A-DSLM', '--cgmm', 'L610')
        usb, intfs = self.add_usb(ML302)
        self.plug_sim('ttyUSB2', intfs[2], fibocom)
        self.wait_for(lambda: self.daemon_logged('"L610", not a OneMO module'), 15,
                      'the L610 was not probed and left alone')
        self.assertIn(b'AT+CGMM', fibocom.log_bytes())
        self.assertEqual(self.modules(), {})

        onemo = self.start_sim('ML302A-DSLM')
        usb, intfs = self.add_usb(ML302)
        self.plug_sim('ttyUSB6', intfs[2], onemo)
        modules = self.wait_modules(1, 'the ML302A was not claimed')
        self.assertEqual(list(modules.values())[0]['Port'], '/dev/ttyUSB6')
        self.assertEqual(list(modules.values())[0]['Model'], 'ML302A')

    def test_uart_named_by_udev_property(self):
        # A revision that names no sub-model: only the property can tell.
        sim = self.start_sim('MN316-DBRS', '--revision', 'B100SP2')
        self.plug_sim('ttyS4', None, sim, ['ONEMO_FIRMWARE_MODEL', 'MN316-DBRS',
                                           'ONEMO_FIRMWARE_BAUD', '9600'])
        bad = self.start_sim('MN316-DBRS')
        self.plug_sim('ttyS5', None, bad, ['ONEMO_FIRMWARE_MODEL', 'NO-SUCH-MODEL'])
        plain = self.start_sim('MN316-DBRS')
        self.plug_sim('ttyS6', None, plain)
        modules = self.wait_modules(1, 'the UART did not appear')
        props = list(modules.values())[0]
        self.assertEqual(props['Port'], '/dev/ttyS4')
        self.assertEqual(props['PhysicalDevice'], '/sys/devices/ttyS4')
        self.assertEqual(props['SubModel'], 'MN316-DBRS')
        self.assertEqual(props['Revision'], 'B100SP2')
        self.assertTrue(self.daemon_logged('ONEMO_FIRMWARE_MODEL: Unknown sub-model'))
        self.assertEqual(bad.log_bytes() + plain.log_bytes(), b'')

    def test_uart_named_later_by_a_change_event(self):
        sim = self.start_sim('MN316-DBRS')
        tty = self.plug_sim('ttyS3', None, sim)
        marker = self.start_sim('ML307A-DSLN')  # a module that appears after the plain tty
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB2', intfs[2], marker)
        self.wait_modules(1, 'the ML307A did not appear')
        self.assertEqual(sim.log_bytes(), b'', 'a plain tty was probed')
        # The user's rule arrives, then "udevadm trigger": a change event.
        self.testbed.set_property(tty, 'ONEMO_FIRMWARE_MODEL', 'MN316-DBRS')
        self.testbed.uevent(tty, 'change')
        modules = self.wait_modules(2, 'the UART named by a change event did not appear')
        self.assertIn('/dev/ttyS3', [p['Port'] for p in modules.values()])
        # And a change that drops it takes the object away.
        with open(os.path.join(self.root, tty.lstrip('/'), 'uevent'), 'w') as f:
            f.write('DEVNAME=ttyS3\n')
        self.testbed.uevent(tty, 'change')
        modules = self.wait_modules(1, 'the UART stayed after its name went')
        self.assertEqual([p['Port'] for p in modules.values()], ['/dev/ttyUSB2'])

    # ---- upgrades through reboots, the port coming back under another name ----

    def start_upgrade(self, *sim_args, name='ttyUSB2'):
        root, base = self.start_http_server()
        package = self.make_firmware('ML307A', 'ML307A-DSLN-MBRH9S99', root)
        # Reboots long enough (300 ms) that the test, looking every 10 ms, sees each one.
        sim = self.start_sim('ML307A-DSLN', '--reboot-ms', '300', *sim_args)
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim(name, intfs[2], sim)
        path, = self.wait_modules(1, 'the ML307A did not appear')
        self.module(path, 'Configure', '(a{sv})',
                    ({'url': S(base + os.path.basename(package))},))
        return sim, intfs[2], path

    def follow_reboots(self, sim, intf, outcome, first_tty, next_target=None):
        """Plays the kernel until the call ends: the tty goes when the simulator's pty does, and
        comes back under a new name when it is back (or at @next_target). Returns the names."""
        plugged = {'syspath': first_tty, 'number': 20, 'pty': os.readlink(sim.link)}
        names = []

        def sim_pty():
            try:
                return os.readlink(sim.link)
            except FileNotFoundError:
                return None

        def step():
            pty = sim_pty()
            # Gone, or back already with a new pty (a short reboot between two looks).
            if plugged['syspath'] is not None and pty != plugged['pty']:
                self.unplug(plugged['syspath'])
                plugged['syspath'] = None
            if plugged['syspath'] is None and pty is not None:
                plugged['pty'] = pty
                plugged['number'] += 1
                name = 'ttyUSB%d' % plugged['number']
                target = next_target or pty
                plugged['syspath'] = self.plug_tty(name, intf, target)
                names.append('/dev/' + name)
            return bool(outcome)

        self.wait_for(step, 40, 'the upgrade did not end')
        return names

    def test_upgrade_port_back_under_another_name(self):
        sim, intf, path = self.start_upgrade()
        first = self.plugged_tty(intf)
        states = self.watch_states(path)
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        names = self.follow_reboots(sim, intf, outcome, first)
        self.assertNotIn('error', outcome, outcome.get('error'))
        self.assertTrue(names, 'the module never rebooted')
        modules = self.modules()
        self.assertEqual(list(modules), [path], 'not the same object')
        self.assertEqual(self.prop(path, 'Port'), names[-1])
        self.assertEqual(self.prop(path, 'PhysicalDevice'), os.path.dirname(intf))
        self.assertEqual(self.prop(path, 'Revision'), 'ML307A-DSLN-MBRH9S99')
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.assertIn('rebooting', states)
        # Nothing reached the module while it flashed: AT+CGSN waited for +MFWUPGRADE: 2.
        self.assertNotIn('while flashing', sim.stderr_text())
        log = sim.log_bytes()
        self.assertGreater(log.rindex(b'AT+CGSN\r'), log.rindex(b'AT+MFWUPGRADE\r'))

    def test_upgrade_never_back(self):
        sim, intf, path = self.start_upgrade('--reboot-never')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.follow_reboots(sim, intf, outcome, self.plugged_tty(intf))
        self.assertIn('error', outcome)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'PortGone', outcome['error'].message)
        self.assertIn('did not come back', outcome['error'].message)
        self.assertIn('may still be upgrading', outcome['error'].message)
        self.wait_modules(0, 'the object of a module that never came back stayed')

    def test_upgrade_back_with_old_revision(self):
        sim, intf, path = self.start_upgrade('--reboot-old-revision')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        names = self.follow_reboots(sim, intf, outcome, self.plugged_tty(intf))
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'NotVerified', outcome['error'].message)
        self.assertEqual(list(self.modules()), [path])
        self.assertEqual(self.prop(path, 'Port'), names[-1])


class AnotherModuleTest(udev_helpers.UdevTest):
    """Another module where the upgrading one should come back: it is never asked anything
    while the upgrade may still run (it sends no +MFWUPGRADE: 2), so the upgrade ends at its
    deadline, saying the module may still be upgrading; then the newcomer is a module."""

    DAEMON_ARGS = ['--udev', '--command-timeout-ms', '3000', '--upgrade-timeout', '6',
                   '--reboot-timeout', '3']

    start_upgrade = UdevTest.start_upgrade
    follow_reboots = UdevTest.follow_reboots

    def test_upgrade_another_module_comes_back(self):
        sim, intf, path = self.start_upgrade()
        other = self.start_sim('ML307A-DSLN', '--imei', '869487060000099')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.follow_reboots(sim, intf, outcome, self.plugged_tty(intf),
                            next_target=os.readlink(other.link))
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'Timeout', outcome['error'].message)
        self.assertIn('may still be upgrading', outcome['error'].message)
        if not [n for n in os.listdir(os.path.join(self.root, intf.lstrip('/')))
                if n.startswith('tty')]:
            # The upgrading module rebooted once more just before the deadline, taking the tty
            # away; the kernel would show the other module's again.
            self.plug_tty('ttyUSB40', intf, os.readlink(other.link))
        # The other module is a module of its own, under a new object.
        self.wait_for(lambda: [p['Imei'] for p in self.modules().values()] == ['869487060000099'],
                      15, 'the other module did not become its own object')
        self.assertNotIn(path, self.modules())


class UpgradeOrderTest(udev_helpers.UdevTest):
    """A port back before the old one's hang-up was seen. The daemon stays stopped while the
    simulator waits (up to 5 s) for it to read, so an AT+CGSN it sent may wait that long."""

    DAEMON_ARGS = ['--udev', '--command-timeout-ms', '10000', '--upgrade-timeout', '30',
                   '--reboot-timeout', '3']

    start_upgrade = UdevTest.start_upgrade

    def upgrade_to_last_reboot(self):
        """Follows an upgrade through all of the simulator's reboots but the last, then stops the
        daemon while it reads the port that reboot takes away: when the daemon goes on, udev's
        events and the hang-up are all waiting. Returns (sim, intf, path, call, old tty)."""
        sim, intf, path = self.start_upgrade()
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        plugged = {'syspath': self.plugged_tty(intf), 'pty': os.readlink(sim.link), 'back': 0}

        def step():
            pty = self.sim_pty(sim)
            if plugged['syspath'] is not None and pty != plugged['pty']:
                self.unplug(plugged['syspath'])
                plugged['syspath'] = None
            if plugged['syspath'] is None and pty is not None:
                plugged['back'] += 1
                if plugged['back'] == 2:  # the last reboot waits until the daemon is stopped
                    self.pause(sim.proc)
                plugged['pty'] = pty
                plugged['syspath'] = self.plug_tty('ttyUSB%d' % (20 + plugged['back']), intf, pty)
            return plugged['back'] == 2

        self.wait_for(step, 20, 'the module did not come back twice')
        self.assertNotIn('error', outcome)
        self.wait_for(lambda: self.prop(path, 'State') == 'upgrading', 10,
                      'the daemon did not take the port back')
        self.pause(self.daemon)
        os.kill(sim.proc.pid, signal.SIGCONT)
        self.wait_for(lambda: self.sim_pty(sim) not in (None, plugged['pty']), 10,
                      'the simulator did not reboot')
        return sim, intf, path, outcome, plugged['syspath']

    def pause(self, proc):
        os.kill(proc.pid, signal.SIGSTOP)
        self.addCleanup(lambda: proc.poll() is None and os.kill(proc.pid, signal.SIGCONT))

    @staticmethod
    def sim_pty(sim):
        try:
            return os.readlink(sim.link)
        except FileNotFoundError:
            return None

    def finish_after_early_return(self, sim, path, outcome):
        os.kill(self.daemon.pid, signal.SIGCONT)
        self.wait_call(outcome, 15)
        self.assertNotIn('error', outcome, outcome.get('error'))
        self.assertEqual(list(self.modules()), [path], 'not the same object')
        self.assertEqual(self.prop(path, 'Port'), '/dev/ttyUSB30')
        self.assertEqual(self.prop(path, 'Revision'), 'ML307A-DSLN-MBRH9S99')
        self.assertEqual(self.prop(path, 'State'), 'finished')

    def test_upgrade_port_added_before_old_removed(self):
        # The daemon sees the add before the old port's hang-up (GLib dispatches the older udev
        # source first): the module is still busy on its old port, not yet away.
        sim, intf, path, outcome, old = self.upgrade_to_last_reboot()
        self.plug_tty('ttyUSB30', intf, self.sim_pty(sim))
        self.unplug(old)
        self.finish_after_early_return(sim, path, outcome)

    def test_upgrade_port_events_queued_with_hangup(self):
        # Remove and add wait together with the hang-up (measured: remove, hang-up, add).
        sim, intf, path, outcome, old = self.upgrade_to_last_reboot()
        self.unplug(old)
        self.plug_tty('ttyUSB30', intf, self.sim_pty(sim))
        self.finish_after_early_return(sim, path, outcome)


if __name__ == '__main__':
    harness.main()
