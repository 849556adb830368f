#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The generated ModemManager udev rules, run by real udev on fake devices.

umockdev builds a fake sysfs with a USB device, its interfaces and a tty under each;
`udevadm test` (systemd's own rule engine) processes each tty's add event with only our rules
file: a private mount namespace binds a folder holding just that file over the system rules
directories, so nothing on the machine is read or changed. For every row of the USB ID table
(from `gen-mm-udev-rules --list`): the AT interface gets ID_MM_PORT_TYPE_AT_PRIMARY, the other
ttys of an exclusive ID get ID_MM_PORT_IGNORE, those of a shared ID nothing; a device that is
not in the table gets nothing.

Usage: test-data-mm-udev-rules.py RULES-FILE GENERATOR
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

PRELOAD = 'libumockdev-preload.so.0'
if PRELOAD not in os.environ.get('LD_PRELOAD', ''):
    # The testbed needs the preload in this process, and udevadm inherits it.
    env = dict(os.environ, LD_PRELOAD=(PRELOAD + ' ' + os.environ.get('LD_PRELOAD', '')).strip())
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

for program in ('udevadm', 'unshare'):
    if shutil.which(program) is None:  # a truly absent dependency: skip
        print('%s is missing (Debian: udev, util-linux)' % program, file=sys.stderr)
        sys.exit(77)
try:
    import gi
    gi.require_version('UMockdev', '1.0')
    from gi.repository import UMockdev
except (ImportError, ValueError) as e:
    print('umockdev (gir1.2-umockdev-1.0) is missing: %s' % e, file=sys.stderr)
    sys.exit(77)

RULES, GENERATOR = sys.argv[1:3]
del sys.argv[1:3]
RULES_DIRS = ('/etc/udev/rules.d', '/run/udev/rules.d', '/usr/local/lib/udev/rules.d',
              '/usr/lib/udev/rules.d', '/lib/udev/rules.d')
INTERFACES = 5


def table():
    # The generator runs without the preload: it needs no testbed, and a sanitizer build of it
    # aborts when another library is loaded before its runtime.
    env = dict(os.environ)
    env.pop('LD_PRELOAD', None)
    out = subprocess.run([GENERATOR, '--list'], check=True, capture_output=True, text=True,
                         env=env).stdout
    rows = []
    for line in out.splitlines():
        vid, pid, at_if, kind = line.split()
        rows.append((vid, pid, int(at_if, 16), kind == 'shared'))
    return rows


class UdevRulesTest(unittest.TestCase):

    def setUp(self):
        self.testbed = UMockdev.Testbed.new()
        os.environ['UMOCKDEV_DIR'] = self.testbed.get_root_dir()
        self.addCleanup(os.environ.pop, 'UMOCKDEV_DIR', None)
        self.rules_dir = tempfile.mkdtemp(prefix='onemo-udev-rules-')
        self.addCleanup(shutil.rmtree, self.rules_dir, ignore_errors=True)
        shutil.copy(RULES, self.rules_dir)
        self.usb_index = 0

    def add_usb(self, vid, pid):
        """A USB device with a tty under each of its interfaces; returns the ttys' syspaths."""
        self.usb_index += 1
        name = '1-%d' % self.usb_index
        usb = self.testbed.add_device('usb', name, None, ['idVendor', vid, 'idProduct', pid],
                                      ['DEVTYPE', 'usb_device'])
        ttys = []
        for i in range(INTERFACES):
            intf = self.testbed.add_device('usb', '%s:1.%d' % (name, i), usb,
                                           ['bInterfaceNumber', '%02x' % i],
                                           ['DEVTYPE', 'usb_interface'])
            tty = 'ttyUSB%d' % (10 * self.usb_index + i)
            ttys.append(self.testbed.add_device('tty', tty, intf,
                                                ['dev', '188:%d' % (10 * self.usb_index + i)],
                                                ['DEVNAME', '/dev/' + tty]))
        return ttys

    def udev_properties(self, syspath):
        """What udev's rules set on @syspath's add event, with only our rules file."""
        binds = ''.join('[ -d %s ] && mount --bind "$1" %s; ' % (d, d) for d in RULES_DIRS)
        script = binds + 'exec udevadm test --action=add "$2"'
        run = subprocess.run(['unshare', '--map-root-user', '--mount', 'sh', '-c', script, 'sh',
                              self.rules_dir, syspath], capture_output=True, text=True,
                             timeout=30)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        # Our rules were read, and no one else's.
        self.assertIn('77-mm-cmiot-port-types.rules', run.stdout + run.stderr)
        properties = {}
        for line in run.stdout.splitlines():
            key, sep, value = line.partition('=')
            if sep and (key.startswith('ID_MM_') or key == '.MM_USBIFNUM'):
                properties[key] = value
        return properties

    def test_every_table_id(self):
        rows = table()
        self.assertGreater(len(rows), 0)
        for vid, pid, at_if, shared in rows:
            for i, tty in enumerate(self.add_usb(vid, pid)):
                with self.subTest(id='%s:%s' % (vid, pid), interface=i):
                    props = self.udev_properties(tty)
                    self.assertEqual(props.get('.MM_USBIFNUM'), '%02x' % i)
                    mm = {k: v for k, v in props.items() if k.startswith('ID_MM_')}
                    if i == at_if:
                        self.assertEqual(mm, {'ID_MM_PORT_TYPE_AT_PRIMARY': '1'})
                    elif shared:
                        self.assertEqual(mm, {})
                    else:
                        self.assertEqual(mm, {'ID_MM_PORT_IGNORE': '1'})

    def test_other_devices_untouched(self):
        # Another product of a table vendor, and another vendor's device.
        for vid, pid in (('1782', '4d10'), ('2ecc', '0001'), ('2cb7', '0007')):
            for tty in self.add_usb(vid, pid)[:3]:
                with self.subTest(id='%s:%s' % (vid, pid), tty=tty):
                    props = self.udev_properties(tty)
                    self.assertEqual({k: v for k, v in props.items()
                                      if k.startswith('ID_MM_')}, {})


if __name__ == '__main__':
    unittest.main(verbosity=2)
