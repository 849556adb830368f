#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""polkit: the daemon with --session --polkit asks python-dbusmock's polkitd on the private
bus (serving as the system bus too). Every method that changes something is refused with
PermissionDenied before a byte reaches the module; reading needs no action; without polkit
on the bus every change is refused (fail closed), promptly."""

import importlib.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Gio, GLib, MANAGER_PATH, MANAGER_IFACE  # noqa: E402

if importlib.util.find_spec('dbusmock') is None:  # a truly absent dependency: skip
    print('python3-dbusmock is missing', file=sys.stderr)
    sys.exit(77)

UPDATE = 'org.onemo.Firmware.update'
MANAGE_PORTS = 'org.onemo.Firmware.manage-ports'
POLKIT_PATH, MOCK_IFACE = harness.POLKIT_PATH, harness.MOCK_IFACE
POLKIT_NAME = harness.POLKIT_NAME
# A refusal comes at once; a call that outlives this has hung.
PROMPT_MS = 10000

S = lambda v: GLib.Variant('s', v)  # noqa: E731


class PolkitTest(harness.DaemonTest):

    DAEMON_ARGS = ['--polkit']
    PRIVATE_SYSTEM_BUS = True
    START_POLKIT = True

    def setUp(self):
        super().setUp()
        self.polkitd = None
        if self.START_POLKIT:
            self.start_polkitd()

    def add_sim_allowed(self, model='MN316-S-DLVS'):
        self.polkit_allow(MANAGE_PORTS)
        return self.add_sim(model)

    def mutating_calls(self, path):
        """Each method guarded by org.onemo.Firmware.update, with valid arguments."""
        package = self.open_fd(self.make_package(1000))
        return [
            ('Configure', '(a{sv})', ({'url': S('http://127.0.0.1/a.bin')},), None),
            ('Download', None, None, None),
            ('Write', '(ha{sv})', (0, {}), [package]),
            ('Fetch', '(sa{sv})', ('http://127.0.0.1:1/pkg.bin', {}), None),
            ('Upgrade', None, None, None),
            ('Erase', None, None, None),
            ('Update', '(a{sv})', ({},), None),
            ('Cancel', None, None, None),
        ]

    def assertDenied(self, path, iface, method, signature=None, args=None, fds=None):
        error = self.assertDBusError('PermissionDenied', self.call, path, iface, method,
                                     signature, args, timeout=PROMPT_MS, fds=fds)
        return error.message

    # ---- org.onemo.Firmware.update ----

    def test_configure_allowed(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE)
        self.module(path, 'Configure', '(a{sv})', ({'url': S('http://127.0.0.1/a.bin')},))
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.assertIn(b'AT+MFWCFG="url","http://127.0.0.1/a.bin"', sim.log_bytes())

    def polkit_calls(self):
        """The (subject, action, flags) of every CheckAuthorization() polkitd got."""
        calls = self.conn.call_sync(POLKIT_NAME, POLKIT_PATH, MOCK_IFACE, 'GetMethodCalls',
                                    GLib.Variant('(s)', ('CheckAuthorization',)), None, 0,
                                    5000, None).unpack()[0]
        return [(args[0], args[1], args[3]) for _, args in calls]

    def test_caller_and_interaction(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE)
        settings = GLib.Variant('(a{sv})', ({'url': S('http://127.0.0.1/a.bin')},))
        for flags in (Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION, Gio.DBusCallFlags.NONE):
            self.conn.call_sync(harness.BUS_NAME, path, harness.MODULE_IFACE, 'Configure',
                                settings, None, flags, PROMPT_MS, None)
        subject = ('system-bus-name', {'name': self.conn.get_unique_name()})
        # polkit may ask for a password (flag 1) only when the message allowed it.
        self.assertEqual(self.polkit_calls(), [(subject, MANAGE_PORTS, 0), (subject, UPDATE, 1),
                                               (subject, UPDATE, 0)])

    def test_update_denied_sends_nothing(self):
        sim, path = self.add_sim_allowed()
        before = sim.log_bytes()
        self.assertTrue(before, 'the identification left no trace in the log')
        for method, signature, args, fds in self.mutating_calls(path):
            with self.subTest(method=method):
                message = self.assertDenied(path, harness.MODULE_IFACE, method, signature,
                                            args, fds)
                self.assertIn(UPDATE, message)
        self.assertEqual(sim.log_bytes(), before)
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.assertEqual(self.prop(path, 'LastError'), '')

    def test_manage_ports_does_not_allow_update(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(MANAGE_PORTS)
        before = sim.log_bytes()
        self.assertDenied(path, harness.MODULE_IFACE, 'Erase')
        self.assertEqual(sim.log_bytes(), before)

    # ---- org.onemo.Firmware.manage-ports ----

    def test_add_port_denied(self):
        sim = self.start_sim('MN316-S-DLVS')
        self.polkit_allow(UPDATE)
        message = self.assertDenied(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})',
                                    (sim.link, {}))
        self.assertIn(MANAGE_PORTS, message)
        self.assertEqual(sim.log_bytes(), b'')
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        self.assertEqual(objects, {})

    def test_remove_port_denied(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE)
        message = self.assertDenied(MANAGER_PATH, MANAGER_IFACE, 'RemovePort', '(o)', (path,))
        self.assertIn(MANAGE_PORTS, message)
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')
        self.polkit_allow(MANAGE_PORTS)
        self.remove_port(path)

    # ---- reading ----

    def test_reading_needs_no_action(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow()
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')
        self.assertIsInstance(self.module(path, 'GetConfiguration', reply='(a{sv})')[0], dict)
        # Nothing written yet: the module itself refuses the checksum, polkit is not asked.
        with self.assertRaises(GLib.Error) as ctx:
            self.module(path, 'Checksum', '(u)', (2,), '(s)')
        self.assertNotEqual(harness.error_name(ctx.exception),
                            harness.ERROR_PREFIX + 'PermissionDenied')
        self.assertIn(b'AT+MFWCHECK', sim.log_bytes())
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        self.assertEqual(list(objects), [path])
        self.assertTrue(self.prop(MANAGER_PATH, 'Version', MANAGER_IFACE))

    # ---- polkit unreachable ----

    def test_polkit_gone_fails_closed(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE, MANAGE_PORTS)
        self.stop_polkitd()
        before = sim.log_bytes()
        message = self.assertDenied(path, harness.MODULE_IFACE, 'Erase')
        self.assertIn('polkit', message)
        self.assertDenied(MANAGER_PATH, MANAGER_IFACE, 'RemovePort', '(o)', (path,))
        self.assertEqual(sim.log_bytes(), before)
        self.assertEqual(self.prop(path, 'State'), 'idle')


class NoPolkitTest(PolkitTest):
    """No polkit service on the bus at all, from the start."""

    START_POLKIT = False

    def test_add_port_fails_closed(self):
        sim = self.start_sim('MN316-S-DLVS')
        for _ in range(2):  # the second call tries the lookup again, and fails again
            message = self.assertDenied(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})',
                                        (sim.link, {}))
            self.assertIn('polkit', message)
        self.assertEqual(sim.log_bytes(), b'')

    def test_polkit_arrives_later(self):
        sim = self.start_sim('MN316-S-DLVS')
        self.assertDenied(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})', (sim.link, {}))
        self.start_polkitd()
        self.polkit_allow(MANAGE_PORTS)
        self.assertTrue(self.add_port(sim.link).startswith('/org/onemo/Firmware/Module/'))


# NoPolkitTest runs only its own tests: the inherited ones need polkit.
for _name in [n for n in dir(PolkitTest) if n.startswith('test_')]:
    setattr(NoPolkitTest, _name, None)


if __name__ == '__main__':
    harness.main()
