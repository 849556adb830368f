#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The daemon next to the real ModemManager, in ModemManager's test mode.

On the harness's private bus (which is also the system bus of every process here): the daemon
with --session, python-dbusmock's polkitd allowing org.freedesktop.ModemManager1.Control
(InhibitDevice needs it), and ModemManager --test-session --test-enable --test-no-udev with
one plugin (ONEMO_MM_PLUGIN_FILE, named ONEMO_MM_PLUGIN: our cmiot where it is built). Each simulated module serves its pty
to the daemon and an abstract unix socket to ModemManager (Test.SetProfile): one module, seen
by both, which the daemon matches by IMEI. The test follows ModemManager's modems through its
ObjectManager signals, never by polling the bus.
"""

import importlib.util
import itertools
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'daemon'))
import harness  # noqa: E402
from harness import Gio, GLib, H, S, U  # noqa: E402,F401 (H, S, U: for the mm tests)

if importlib.util.find_spec('dbusmock') is None:  # a truly absent dependency: skip
    print('python3-dbusmock is missing', file=sys.stderr)
    sys.exit(77)
if not os.access(os.environ.get('ONEMO_MODEMMANAGER', ''), os.X_OK):
    print('ModemManager is missing', file=sys.stderr)
    sys.exit(77)

MM_NAME = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
MM_MODEM = 'org.freedesktop.ModemManager1.Modem'
MM_CONTROL = 'org.freedesktop.ModemManager1.Control'
# ModemManager initializes a virtual modem in about half a second.
MODEM_TIMEOUT = 15


_socket_names = itertools.count()


class MMTest(harness.DaemonTest):

    PRIVATE_SYSTEM_BUS = True
    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '20']
    START_MM = True

    def setUp(self):
        super().setUp()
        self.mm = None
        # Every modem object ModemManager announces or withdraws, in order: (signal, path).
        self.mm_events = []
        sub = self.conn.signal_subscribe(
            MM_NAME, 'org.freedesktop.DBus.ObjectManager', None, MM_PATH, None,
            Gio.DBusSignalFlags.NONE,
            lambda c, s, p, i, name, params: self.mm_events.append((name, params.unpack()[0])))
        self.addCleanup(self.conn.signal_unsubscribe, sub)
        self.start_polkitd()
        self.polkit_allow(MM_CONTROL)
        if self.START_MM:
            self.start_mm()

    # ---- processes ----

    def env(self):
        return dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address,
                    DBUS_SYSTEM_BUS_ADDRESS=self.address)

    def start_mm(self, cwd=None):
        plugin_dir = os.path.join(self.tmpdir, 'mm-plugins')
        os.makedirs(plugin_dir, exist_ok=True)
        plugin_file = os.environ['ONEMO_MM_PLUGIN_FILE']
        link = os.path.join(plugin_dir, os.path.basename(plugin_file))
        if not os.path.exists(link):
            os.symlink(plugin_file, link)
        # Runs once ModemManager has stopped, before the test's connection closes: its
        # ObjectManager client follows the name's owner, and subscribing on a closed connection
        # is critical.
        self.addCleanup(self._forget_modems)
        self.mm = self.start_modem_manager(plugin_dir, env=self.env(), cwd=cwd)
        self.modems = Gio.DBusObjectManagerClient.new_sync(
            self.conn, Gio.DBusObjectManagerClientFlags.DO_NOT_AUTO_START, MM_NAME, MM_PATH,
            None, None, None)

    def _forget_modems(self):
        self.modems = None
        context = GLib.MainContext.default()
        while context.iteration(False):
            pass

    def stop_mm(self):
        self._stop(self.mm)
        self.wait_for(lambda: not self.has_owner(MM_NAME), 10, 'ModemManager kept its name')

    def daemon_log_text(self):
        self.daemon_log.flush()
        with open(self.daemon_log.name, errors='replace') as f:
            return f.read()

    # ---- modules seen by both ----

    def add_mm_sim(self, model, *args):
        """A simulated module on a pty (AddPort) and a socket (Test.SetProfile); returns the
        sim, its module path, and its modem's uid once ModemManager has initialized it."""
        name = 'abstract:onemo-test-%d-%d' % (os.getpid(), next(_socket_names))
        sim, path = self.add_sim(model, '--socket', name, *args)
        uid = self.set_profile(name.split(':', 1)[1], name)
        self.wait_modem(uid)
        return sim, path, uid

    def set_profile(self, uid_id, port):
        """ModemManager takes the module behind @port (abstract:NAME, or a socket path relative
        to its folder) as the modem /virtual/@uid_id, which it returns."""
        self.conn.call_sync(MM_NAME, MM_PATH, 'org.freedesktop.ModemManager1.Test', 'SetProfile',
                            GLib.Variant('(ssas)', (uid_id, os.environ['ONEMO_MM_PLUGIN'],
                                                    [port])),
                            None, 0, 5000, None)
        return '/virtual/' + uid_id

    def modem_path(self, uid):
        """The object path of @uid's modem once ModemManager has read its IMEI, else None."""
        for obj in self.modems.get_objects():
            modem = obj.get_interface(MM_MODEM)
            if modem is None:
                continue
            device = modem.get_cached_property('Device')
            imei = modem.get_cached_property('EquipmentIdentifier')
            if device and device.unpack() == uid and imei and imei.unpack():
                return obj.get_object_path()
        return None

    def wait_modem(self, uid, not_path=None):
        self.wait_for(lambda: self.modem_path(uid) not in (None, not_path), MODEM_TIMEOUT,
                      'ModemManager has no modem %s (other than %s)' % (uid, not_path))
        return self.modem_path(uid)

    def assert_returned(self, uid, old_path):
        """The modem went away from ModemManager and came back under a new path."""
        new_path = self.wait_modem(uid, old_path)
        self.assertIn(('InterfacesRemoved', old_path), self.mm_events)
        removed = self.mm_events.index(('InterfacesRemoved', old_path))
        self.assertIn(('InterfacesAdded', new_path), self.mm_events[removed:])
        return new_path

    def assert_no_inhibition_left(self):
        log = self.mm_log_text()
        self.assertEqual(log.count('device inhibition setup'),
                         log.count('device inhibition teardown'), 'an inhibition is left')


def main():
    harness.main()
