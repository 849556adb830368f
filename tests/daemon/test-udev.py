#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Discovery with udev, on umockdev's fake sysfs: USB modules by their identity and AT interface
whatever their ttyUSB numbers, a shared identity confirmed by AT+CGMM, UARTs named by a udev
property, hot-plug, and upgrades whose port comes back under another name.

The daemon runs with --session --udev under libumockdev-preload. Each fake tty node is a
symlink to a simulator's pty, so the daemon talks to onemo-modem-sim through /dev/ttyUSBn; when
the simulator reboots (its pty goes away), the test plays the kernel: it removes the tty and
adds it again, under another name, once the simulator's pty is back."""

import os
import sys

PRELOAD = 'libumockdev-preload.so.0'
if PRELOAD not in os.environ.get('LD_PRELOAD', ''):
    # The testbed needs the preload in this process too (it emits the uevents).
    env = dict(os.environ, LD_PRELOAD=(PRELOAD + ' ' + os.environ.get('LD_PRELOAD', '')).strip())
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import GLib, MANAGER_PATH, MODULE_IFACE  # noqa: E402

try:
    harness.gi.require_version('UMockdev', '1.0')
    from gi.repository import UMockdev  # noqa: E402
except (ImportError, ValueError) as e:  # a truly absent dependency: skip
    print('umockdev (gir1.2-umockdev-1.0) is missing: %s' % e, file=sys.stderr)
    sys.exit(77)

S = lambda v: GLib.Variant('s', v)  # noqa: E731
ML307A = (0x2ecc, 0x3010)
ML302 = (0x1782, 0x4d11)


class UdevTest(harness.DaemonTest):

    DAEMON_ARGS = ['--udev', '--command-timeout-ms', '3000', '--upgrade-timeout', '30',
                   '--reboot-timeout', '3']

    def setUp(self):
        self.testbed = UMockdev.Testbed.new()
        self.root = self.testbed.get_root_dir()
        os.makedirs(os.path.join(self.root, 'dev'), exist_ok=True)
        os.environ['UMOCKDEV_DIR'] = self.root  # the daemon's, through the harness
        self.addCleanup(os.environ.pop, 'UMOCKDEV_DIR', None)
        self.minor = 0
        self.usb_index = 0
        super().setUp()

    # ---- the fake hardware ----

    def add_usb(self, ids, interfaces=5):
        """A USB device with interfaces 00..interfaces-1; returns (device, [interface])."""
        self.usb_index += 1
        name = '1-%d' % self.usb_index
        usb = self.testbed.add_device('usb', name, None,
                                      ['idVendor', '%04x' % ids[0], 'idProduct', '%04x' % ids[1]],
                                      ['DEVTYPE', 'usb_device'])
        intfs = [self.testbed.add_device('usb', '%s:1.%d' % (name, i), usb,
                                         ['bInterfaceNumber', '%02x' % i],
                                         ['DEVTYPE', 'usb_interface'])
                 for i in range(interfaces)]
        return usb, intfs

    def plug_tty(self, name, parent, target, properties=()):
        """Adds /dev/NAME, a symlink to @target (a simulator's pty), as a tty under @parent."""
        self.minor += 1
        node = os.path.join(self.root, 'dev', name)
        if os.path.lexists(node):
            os.unlink(node)
        os.symlink(target, node)
        return self.testbed.add_device('tty', name, parent, ['dev', '188:%d' % self.minor],
                                       ['DEVNAME', '/dev/' + name] + list(properties))

    def plug_sim(self, name, parent, sim, properties=()):
        return self.plug_tty(name, parent, os.readlink(sim.link), properties)

    def unplug(self, syspath):
        """Removes a device and its children, with a remove uevent for each: umockdev before
        0.18.4 (Debian 12 has 0.17.16) removes them silently."""
        top = os.path.join(self.root, syspath.lstrip('/'))
        devices = [os.path.relpath(d, self.root) for d, dirs, files in os.walk(top)
                   if 'uevent' in files]
        for device in sorted(devices, key=len, reverse=True):  # children first
            self.testbed.uevent('/' + device, 'remove')
        self.testbed.remove_device(syspath)

    # ---- what the daemon shows ----

    def modules(self):
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        return {path: ifaces[MODULE_IFACE] for path, ifaces in objects.items()
                if MODULE_IFACE in ifaces}

    def wait_modules(self, count, message):
        self.wait_for(lambda: len(self.modules()) == count, 15, message)
        return self.modules()

    def daemon_logged(self, text):
        with open(self.daemon_log.name) as f:
            return text in f.read()

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

    def test_upgrade_never_back(self):
        sim, intf, path = self.start_upgrade('--reboot-never')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.follow_reboots(sim, intf, outcome, self.plugged_tty(intf))
        self.assertIn('error', outcome)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'PortGone', outcome['error'].message)
        self.assertIn('did not come back', outcome['error'].message)
        self.wait_modules(0, 'the object of a module that never came back stayed')

    def test_upgrade_back_with_old_revision(self):
        sim, intf, path = self.start_upgrade('--reboot-old-revision')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        names = self.follow_reboots(sim, intf, outcome, self.plugged_tty(intf))
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'NotVerified', outcome['error'].message)
        self.assertEqual(list(self.modules()), [path])
        self.assertEqual(self.prop(path, 'Port'), names[-1])

    def test_upgrade_another_module_comes_back(self):
        sim, intf, path = self.start_upgrade()
        other = self.start_sim('ML307A-DSLN', '--imei', '869487060000099')
        outcome = self.call_async(path, MODULE_IFACE, 'Upgrade')
        self.follow_reboots(sim, intf, outcome, self.plugged_tty(intf),
                            next_target=os.readlink(other.link))
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'PortGone', outcome['error'].message)
        self.assertIn('869487060000099', outcome['error'].message)
        # The other module is a module of its own, under a new object.
        self.wait_for(lambda: [p['Imei'] for p in self.modules().values()] == ['869487060000099'],
                      15, 'the other module did not become its own object')
        self.assertNotIn(path, self.modules())

    def plugged_tty(self, intf):
        ttys = [n for n in os.listdir(os.path.join(self.root, intf.lstrip('/')))
                if n.startswith('tty')]
        self.assertEqual(len(ttys), 1)
        return os.path.join(intf, ttys[0])


if __name__ == '__main__':
    harness.main()
