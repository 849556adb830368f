#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The cmiot ModemManager plugin in Debian's real ModemManager, in its test mode.

Each test starts a private dbus-daemon (tests/daemon/harness.py), ModemManager on it with
--test-session --test-enable --test-no-udev --test-plugin-dir=DIR, and simulated modules on
abstract unix sockets (onemo-modem-sim --socket), which is how ModemManager's test mode reaches
ports. Test.SetProfile(id, "cmiot", [port]) then makes our plugin create the modem.

Usage: test-plugin.py PLUGIN_DIR WRONG_LAYOUT_PLUGIN_DIR SYSTEM_PLUGIN_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile

MODEMMANAGER = '/usr/sbin/ModemManager'
if not os.path.exists(MODEMMANAGER):  # a truly absent dependency: skip
    print('%s is missing' % MODEMMANAGER, file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'daemon'))
import harness  # noqa: E402
from harness import Gio, GLib  # noqa: E402

MM_NAME = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
MM_TEST_IFACE = 'org.freedesktop.ModemManager1.Test'
MODEM_IFACE = 'org.freedesktop.ModemManager1.Modem'
OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager'

PLUGIN_DIR, WRONG_LAYOUT_DIR, SYSTEM_PLUGIN_DIR = map(os.path.abspath, sys.argv[1:4])
del sys.argv[1:4]


class ModemManagerTest(harness.DaemonTest):
    """A private bus and Debian's ModemManager in test mode on it; no onemo-firmwared."""

    def setUp(self):
        if 'ONEMO_MODEM_SIM' not in os.environ:
            self.fail('ONEMO_MODEM_SIM is not set: run the tests through meson')
        self.tmpdir = self.make_tmpdir()
        self.sims = []
        self._start_bus()

    def make_tmpdir(self):
        tmpdir = tempfile.mkdtemp(prefix='onemo-plugin-test-')
        self.addCleanup(shutil.rmtree, tmpdir, ignore_errors=True)
        return tmpdir

    def start_mm(self, plugin_dir):
        self.mm = self.start_modem_manager(plugin_dir)

    def start_socket_sim(self, model, name, *args):
        """onemo-modem-sim with only a socket, abstract:NAME; returns the port name."""
        port = 'abstract:' + name
        stderr = open(os.path.join(self.tmpdir, name + '.err'), 'w')
        self.addCleanup(stderr.close)
        proc = subprocess.Popen([os.environ['ONEMO_MODEM_SIM'], '--model', model,
                                 '--socket', port] + list(args),
                                stdout=subprocess.DEVNULL, stderr=stderr)
        self.addCleanup(self._stop, proc)
        return port

    def modems(self):
        reply = self.conn.call_sync(MM_NAME, MM_PATH, OBJECT_MANAGER, 'GetManagedObjects', None,
                                    None, Gio.DBusCallFlags.NONE, 5000, None)
        objects = reply.unpack()[0]
        return {path: ifaces[MODEM_IFACE] for path, ifaces in objects.items()
                if MODEM_IFACE in ifaces}

    def set_profile(self, profile_id, plugin, ports):
        self.conn.call_sync(MM_NAME, MM_PATH, MM_TEST_IFACE, 'SetProfile',
                            GLib.Variant('(ssas)', (profile_id, plugin, ports)), None,
                            Gio.DBusCallFlags.NONE, 10000, None)


class PluginTest(ModemManagerTest):

    def test_loads(self):
        self.start_mm(PLUGIN_DIR)
        log = self.mm_log_text()
        self.assertRegex(log, r"loaded plugin 'cmiot' from '.*libmm-plugin-cmiot\.so'")
        self.assertNotIn('refusing to load', log)

    def test_creates_modem_from_simulator(self):
        name = 'onemo-plugin-test-%d-%s' % (os.getpid(), self.id().rsplit('.', 1)[-1])
        revision = 'ML307A-DSLN-MBRH0S77'
        imei = '869487060004321'
        port = self.start_socket_sim('ML307A-DSLN', name, '--revision', revision, '--imei', imei)
        self.start_mm(PLUGIN_DIR)
        # The sim listens within a few ms of starting; SetProfile needs it only at initialization.
        self.set_profile('onemo0', 'cmiot', [port])
        try:
            self.wait_for(lambda: any(m.get('State', -1) >= 3 for m in self.modems().values()),
                          20, 'no initialized modem appeared')
        except AssertionError:
            self.fail('no initialized modem appeared; ModemManager said:\n' + self.mm_log_text())
        (modem,) = self.modems().values()
        self.assertEqual(modem['Plugin'], 'cmiot')
        self.assertEqual(modem['Manufacturer'], 'CMCC')
        self.assertEqual(modem['Model'], 'ML307A')
        self.assertEqual(modem['Revision'], revision)
        self.assertEqual(modem['EquipmentIdentifier'], imei)
        self.assertEqual(modem['Device'], '/virtual/onemo0')
        self.assertEqual(modem['PrimaryPort'], port)

    def test_wrong_layout_refused(self):
        """A plugin whose declared MMPluginClass differs from the daemon's must not load, and
        ModemManager goes on with its other plugins."""
        plugin_dir = os.path.join(self.tmpdir, 'plugins')
        os.mkdir(plugin_dir)
        os.symlink(os.path.join(WRONG_LAYOUT_DIR, 'libmm-plugin-cmiot.so'),
                   os.path.join(plugin_dir, 'libmm-plugin-cmiot.so'))
        generic = os.path.join(SYSTEM_PLUGIN_DIR, 'libmm-plugin-generic.so')
        self.assertTrue(os.path.exists(generic), generic)
        os.symlink(generic, os.path.join(plugin_dir, 'libmm-plugin-generic.so'))
        self.start_mm(plugin_dir)
        log = self.mm_log_text()
        self.assertRegex(log, r"\(cmiot\) refusing to load: ModemManager's MMPlugin is \d+ bytes "
                         r"\(class \d+\), this plugin was built for \d+ \(class \d+\)")
        self.assertRegex(log, r"could not load plugin '.*libmm-plugin-cmiot\.so': "
                         r"initialization failed")
        self.assertRegex(log, r"loaded plugin 'generic'")
        self.assertNotIn("loaded plugin 'cmiot'", log)
        # Still serving, without us: SetProfile names cmiot an unknown plugin.
        with self.assertRaises(GLib.Error) as caught:
            self.set_profile('onemo1', 'cmiot', ['abstract:nobody'])
        self.assertEqual(Gio.DBusError.get_remote_error(caught.exception),
                         'org.freedesktop.ModemManager1.Error.Core.NotFound')
        self.assertIsNone(self.mm.poll())
        self.assertTrue(self.has_owner(MM_NAME))


if __name__ == '__main__':
    harness.main()
