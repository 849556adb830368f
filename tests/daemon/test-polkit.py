#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""polkit: the daemon with --session --polkit asks python-dbusmock's polkitd on the private
bus (serving as the system bus too). Every method that changes something is refused with
PermissionDenied before a byte reaches the module; reading needs no action. Without polkit on
the bus (never there, or gone) root may do everything and anyone else nothing, promptly; a
caller has at most one check pending, and a caller that leaves the bus is not waited for."""

import importlib.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Gio, GLib, MANAGER_PATH, MANAGER_IFACE, S  # noqa: E402

if importlib.util.find_spec('dbusmock') is None:  # a truly absent dependency: skip
    print('python3-dbusmock is missing', file=sys.stderr)
    sys.exit(77)

UPDATE = 'org.onemo.Firmware.update'
READ = 'org.onemo.Firmware.read'
MANAGE_PORTS = 'org.onemo.Firmware.manage-ports'
POLKIT_PATH, MOCK_IFACE = harness.POLKIT_PATH, harness.MOCK_IFACE
POLKIT_NAME = harness.POLKIT_NAME
# A refusal comes at once; a call that outlives this has hung.
PROMPT_MS = 10000



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

    def test_reading_properties_needs_nothing(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow()
        before = sim.log_bytes()
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        self.assertEqual(list(objects), [path])
        self.assertTrue(self.prop(MANAGER_PATH, 'Version', MANAGER_IFACE))
        self.assertEqual(sim.log_bytes(), before)
        self.assertEqual(len([c for c in self.polkit_calls() if c[1] != MANAGE_PORTS]), 0)

    def test_reading_the_module_needs_read(self):
        # GetConfiguration and Checksum open the port: without the read action nothing is sent.
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE)
        before = sim.log_bytes()
        self.assertIn(READ, self.assertDenied(path, harness.MODULE_IFACE, 'GetConfiguration'))
        self.assertIn(READ, self.assertDenied(path, harness.MODULE_IFACE, 'Checksum', '(u)', (2,)))
        self.assertEqual(sim.log_bytes(), before)
        self.polkit_allow(READ)
        self.assertIsInstance(self.module(path, 'GetConfiguration', reply='(a{sv})')[0], dict)
        # Nothing written yet: the module itself refuses the checksum, and that changes
        # neither State nor LastError.
        with self.assertRaises(GLib.Error) as ctx:
            self.module(path, 'Checksum', '(u)', (2,), '(s)')
        self.assertNotEqual(harness.error_name(ctx.exception),
                            harness.ERROR_PREFIX + 'PermissionDenied')
        self.assertIn(b'AT+MFWCHECK', sim.log_bytes())
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.assertEqual(self.prop(path, 'LastError'), '')

    # ---- one check at a time, and none for a caller who left ----

    def polkit_mock(self, method, signature=None, args=None):
        params = GLib.Variant(signature, args) if signature else None
        reply = self.conn.call_sync(POLKIT_NAME, POLKIT_PATH, MOCK_IFACE, method, params, None,
                                    0, 5000, None)
        return reply.unpack() if reply is not None else None

    def hanging_checks(self):
        return self.polkit_mock('HaveHangingCalls')[0]

    def test_one_pending_check_per_caller(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE)
        self.polkit_mock('SimulateHang', '(b)', (True,))
        first = self.call_async(path, harness.MODULE_IFACE, 'Erase')
        self.wait_for(self.hanging_checks, 10, 'polkit was not asked')
        # While polkit thinks, the same caller's next call is refused, and polkit not asked.
        asked = len(self.polkit_calls())
        self.assertDBusError('Busy', self.module, path, 'Erase')
        self.assertEqual(len(self.polkit_calls()), asked)
        self.polkit_mock('SimulateHang', '(b)', (False,))
        self.polkit_mock('ReleaseHangingCalls')
        self.wait_call(first, 20)
        self.assertNotIn('error', first)
        self.module(path, 'Erase')  # answered: the caller may ask again

    def test_caller_leaving_drops_its_check(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow(UPDATE, READ)
        self.polkit_mock('SimulateHang', '(b)', (True,))
        before = sim.log_bytes()
        other = Gio.DBusConnection.new_for_address_sync(
            self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        other.call(harness.BUS_NAME, path, harness.MODULE_IFACE, 'Erase', None, None, 0, -1,
                   None, None, None)
        self.wait_for(self.hanging_checks, 10, 'polkit was not asked')
        other.close_sync(None)
        self.wait_for(lambda: b'left the bus' in self.daemon_log_bytes(), 10,
                      'the daemon did not notice its caller leaving')
        self.polkit_mock('SimulateHang', '(b)', (False,))
        self.polkit_mock('ReleaseHangingCalls')  # polkit says yes, too late
        self.module(path, 'GetConfiguration', reply='(a{sv})')  # the daemon is past it
        self.assertNotIn(b'AT+MFWERASE', sim.log_bytes()[len(before):])

    # ---- polkit unreachable: root only ----

    def test_polkit_gone_root_only(self):
        sim, path = self.add_sim_allowed()
        self.polkit_allow()
        self.stop_polkitd()
        before = sim.log_bytes()
        status, out = self.call_as_user(harness.NOBODY, path, harness.MODULE_IFACE, 'Erase')
        self.assertNotEqual(status, 0)
        self.assertIn(harness.ERROR_PREFIX + 'PermissionDenied', out)
        self.assertIn('only root', out)
        self.assertEqual(sim.log_bytes(), before)
        self.module(path, 'Erase')  # the test runs as root
        self.assertIn(b'AT+MFWERASE', sim.log_bytes())


class NoPolkitTest(PolkitTest):
    """No polkit service on the bus at all, from the start: root only."""

    START_POLKIT = False

    def test_add_port_root_only(self):
        sim = self.start_sim('MN316-S-DLVS')
        for _ in range(2):  # the second call tries the lookup again, and fails again
            status, out = self.call_as_user(harness.NOBODY, MANAGER_PATH, MANAGER_IFACE,
                                            'AddPort', sim.link, '{}')
            self.assertIn(harness.ERROR_PREFIX + 'PermissionDenied', out)
            self.assertIn('only root', out)
        self.assertEqual(sim.log_bytes(), b'')
        self.assertTrue(self.add_port(sim.link).startswith('/org/onemo/Firmware/Module/'))

    def test_polkit_arrives_later(self):
        sim = self.start_sim('MN316-S-DLVS')
        path = self.add_port(sim.link)  # root, without polkit
        self.start_polkitd()
        self.polkit_allow()
        # Once polkit is there it decides, for root too.
        self.assertDenied(MANAGER_PATH, MANAGER_IFACE, 'RemovePort', '(o)', (path,))
        self.polkit_allow(MANAGE_PORTS)
        self.remove_port(path)


# NoPolkitTest runs only its own tests: the inherited ones need polkit.
for _name in [n for n in dir(PolkitTest) if n.startswith('test_')]:
    setattr(NoPolkitTest, _name, None)


if __name__ == '__main__':
    harness.main()
