# SPDX-License-Identifier: GPL-2.0-or-later
"""The fake hardware of the udev tests, on umockdev's testbed: USB devices with interfaces,
tty nodes that are symlinks to simulators' ptys, unplugging with a remove uevent per device.

Importing this module re-executes the test under libumockdev-preload (the testbed needs it in
the test process too: it emits the uevents); the daemon inherits it through the harness."""

import os
import sys

PRELOAD = 'libumockdev-preload.so.0'
if PRELOAD not in os.environ.get('LD_PRELOAD', ''):
    # The testbed needs the preload in this process too (it emits the uevents).
    env = dict(os.environ, LD_PRELOAD=(PRELOAD + ' ' + os.environ.get('LD_PRELOAD', '')).strip())
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import harness  # noqa: E402
from harness import S  # noqa: E402,F401 (for the udev tests)

try:
    harness.gi.require_version('UMockdev', '1.0')
    from gi.repository import UMockdev  # noqa: E402
except (ImportError, ValueError) as e:  # a truly absent dependency: skip
    print('umockdev (gir1.2-umockdev-1.0) is missing: %s' % e, file=sys.stderr)
    sys.exit(77)

ML307A = (0x2ecc, 0x3010)
ML302 = (0x1782, 0x4d11)


class UdevTest(harness.DaemonTest):
    """The daemon with --udev on a fresh testbed per test."""

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

    def add_usb(self, ids, interfaces=5, properties=()):
        """A USB device with interfaces 00..interfaces-1 and udev @properties; returns
        (device, [interface])."""
        self.usb_index += 1
        name = '1-%d' % self.usb_index
        usb = self.testbed.add_device('usb', name, None,
                                      ['idVendor', '%04x' % ids[0], 'idProduct', '%04x' % ids[1]],
                                      ['DEVTYPE', 'usb_device'] + list(properties))
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

    def plugged_tty(self, intf):
        ttys = [n for n in os.listdir(os.path.join(self.root, intf.lstrip('/')))
                if n.startswith('tty')]
        self.assertEqual(len(ttys), 1)
        return os.path.join(intf, ttys[0])

    # ---- what the daemon shows ----

    def wait_modules(self, count, message):
        self.wait_for(lambda: len(self.modules()) == count, 15, message)
        return self.modules()

    def daemon_logged(self, text):
        with open(self.daemon_log.name) as f:
            return text in f.read()
