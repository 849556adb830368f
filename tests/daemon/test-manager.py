#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The manager: AddPort/RemovePort, every bad AddPort input, identification per series."""

import os
import socket
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MANAGER_PATH, MANAGER_IFACE  # noqa: E402


class ManagerTest(harness.DaemonTest):

    def test_version(self):
        self.assertRegex(self.prop(MANAGER_PATH, 'Version', MANAGER_IFACE), r'^\d+\.\d+\.\d+$')

    def test_add_remove(self):
        sim, path = self.add_sim('MN316-DBRS')
        self.assertTrue(path.startswith('/org/onemo/Firmware/Module/'), path)
        self.assertEqual(self.prop(path, 'Port'), sim.link)
        self.assertEqual(self.prop(path, 'PhysicalDevice'), '')  # added by path, not found
        self.assertEqual(self.prop(path, 'State'), 'idle')
        # The same device again (also through its resolved path) is Busy.
        self.assertDBusError('Busy', self.add_port, sim.link)
        self.assertDBusError('Busy', self.add_port, os.path.realpath(sim.link))
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        self.assertIn(path, objects)
        self.remove_port(path)
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        self.assertNotIn(path, objects)
        self.assertDBusError('InvalidArgument', self.remove_port, path)
        # Released: it can be added again.
        again = self.add_port(sim.link)
        self.assertNotEqual(again, path)

    def test_bad_devices(self):
        sim = self.start_sim('MN316-DBRS')
        regular = os.path.join(self.tmpdir, 'regular')
        open(regular, 'w').close()
        fifo = os.path.join(self.tmpdir, 'fifo')
        os.mkfifo(fifo)
        sock_path = os.path.join(self.tmpdir, 'sock')
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(sock_path)
        self.addCleanup(sock.close)
        link_to_null = os.path.join(self.tmpdir, 'null-link')
        os.symlink('/dev/null', link_to_null)
        # Virtual consoles and ttys without a device behind them (our own nodes: /sys/class/tty
        # knows no device of their names) are no serial ports either.
        devices = [regular, self.tmpdir, '/dev/null', fifo, sock_path, link_to_null,
                   os.path.join(self.tmpdir, 'missing'), 'tty0', '', './tty',
                   os.path.relpath(sim.link), '/dev/ptmx', '/dev/console', '/dev/tty',
                   self.make_node('looks-like-a-vc', 4, 1), self.make_node('ttyS63', 4, 127)]
        for device in devices:
            with self.subTest(device=device):
                self.assertDBusError('InvalidArgument', self.add_port, device)
        self.assertEqual(sim.log_bytes(), b'')

    def make_node(self, name, major, minor):
        """A character device node of our own (the tests run as root), never a serial port:
        /sys/class/tty knows no device of its name."""
        path = os.path.join(self.tmpdir, name)
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(major, minor))
        return path

    def test_virtual_console_refused(self):
        # Told by its device number (4, 0-63), whatever its name or link.
        node = self.make_node('tty1', 4, 1)
        link = os.path.join(self.tmpdir, 'modem')
        os.symlink(node, link)
        for device in (node, link):
            error = self.assertDBusError('InvalidArgument', self.add_port, device)
            self.assertIn('virtual console', error.message)

    def test_bad_options(self):
        sim = self.start_sim('MN316-DBRS')
        for options in [{'model': harness.GLib.Variant('s', 'MN999')},
                        {'model': harness.GLib.Variant('s', '')},
                        {'model': harness.GLib.Variant('u', 1)},
                        {'baud': harness.GLib.Variant('u', 12345)},
                        {'baud': harness.GLib.Variant('u', 0)},
                        {'baud': harness.GLib.Variant('i', 115200)},
                        {'baud': harness.GLib.Variant('s', '115200')},
                        {'flow-control': harness.GLib.Variant('s', 'yes')},
                        {'flow-control': harness.GLib.Variant('u', 1)},
                        {'parity': harness.GLib.Variant('s', 'none')}]:
            with self.subTest(options=options):
                self.assertDBusError('InvalidArgument', self.add_port, sim.link, options)
        self.assertEqual(sim.log_bytes(), b'')
        # Good options are taken.
        path = self.add_port(sim.link, {'baud': harness.GLib.Variant('u', 115200),
                                        'flow-control': harness.GLib.Variant('b', False)})
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-DBRS')

    def check_identity(self, sub_model, series, revision_arg=None, options=None):
        args = ['--imei', '869487060000042']
        revision = '%s-MBRH0S00' % sub_model
        if revision_arg:
            args += ['--revision', revision_arg]
            revision = revision_arg
        sim, path = self.add_sim(sub_model, *args, options=options)
        self.assertEqual(self.prop(path, 'Manufacturer'), 'CMCC')
        self.assertEqual(self.prop(path, 'Model'), series)
        self.assertEqual(self.prop(path, 'SubModel'), sub_model)
        self.assertEqual(self.prop(path, 'Revision'), revision)
        self.assertEqual(self.prop(path, 'Imei'), '869487060000042')
        caps = self.prop(path, 'Capabilities')
        self.assertIn('cfg-url', caps)
        return path, caps

    def test_identify_m5311(self):
        _, caps = self.check_identity('M5311-E-DLVS', 'M5311-E')
        self.assertIn('write-hex', caps)
        self.assertNotIn('write-transparent', caps)
        self.assertNotIn('checksum', caps)

    def test_identify_mn316(self):
        _, caps = self.check_identity('MN316-DBRS', 'MN316')
        self.assertIn('https', caps)

    def test_identify_mn316s(self):
        _, caps = self.check_identity('MN316-S-DLVS', 'MN316-S')
        for cap in ('write-transparent', 'write-hex', 'checksum', 'file', 'erase'):
            self.assertIn(cap, caps)

    def test_identify_ml307a(self):
        _, caps = self.check_identity('ML307A-DSLN', 'ML307A')
        self.assertIn('upgrade-url', caps)
        self.assertNotIn('erase', caps)

    def test_identify_ml302s_revision_prefix(self):
        # ML302S prints "Revision: " before its revision; the property has it without.
        _, caps = self.check_identity('ML302S-DNLM', 'ML302S')
        self.assertIn('reboots', caps)

    def test_identity_bytes_not_utf8(self):
        # A module answering bytes >= 0x80 that are no UTF-8: the property shows them escaped
        # (the daemon runs with fatal criticals, so a GLib critical would end it).
        revision = 'MN316-S-DLVS-MBRH0S0\udce9\udcff'  # the bytes 0xE9 0xFF
        sim, path = self.add_sim('MN316-S-DLVS', '--revision', revision)
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH0S0\\xE9\\xFF')
        self.assertIsNone(self.daemon.poll())

    def test_identify_ml307r_dc(self):
        _, caps = self.check_identity('ML307R-DC', 'ML307R')
        self.assertIn('write-transparent', caps)
        self.assertNotIn('write-offset', caps)
        self.assertNotIn('checksum', caps)

    def test_identify_unknown_revision(self):
        # A revision that names no sub-model: refused without a model option, taken with one.
        sim = self.start_sim('MN316-DBRS', '--revision', 'XYZ-123')
        e = self.assertDBusError('NotSupported', self.add_port, sim.link)
        self.assertIn('XYZ-123', e.message)
        path = self.add_port(sim.link, {'model': harness.GLib.Variant('s', 'MN316-DBRS')})
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-DBRS')
        self.assertEqual(self.prop(path, 'Revision'), 'XYZ-123')

    def test_many_modules(self):
        paths = [self.add_sim(m)[1] for m in ('MN316-DBRS', 'M5311-E-XLVS', 'ML307A-GCLN')]
        self.assertEqual(len(set(paths)), 3)
        self.assertEqual([self.prop(p, 'SubModel') for p in paths],
                         ['MN316-DBRS', 'M5311-E-XLVS', 'ML307A-GCLN'])


class AddPortRetryTest(harness.DaemonTest):
    """A module added by path that does not answer yet, or answers garbage, is tried again
    after 1, 2, 4 … s as discovery does; AddPort() answers once it is identified, or with the
    last error after min(--identify-retry-limit, 10 s). --port and the configuration file retry
    for the whole --identify-retry-limit."""

    DAEMON_ARGS = ['--command-timeout-ms', '500', '--identify-retry-limit', '6']

    def log_text(self):
        self.daemon_log.flush()
        with open(self.daemon_log.name) as f:
            return f.read()

    def test_deaf_at_start_becomes_a_module(self):
        sim = self.start_sim('MN316-S-DLVS', '--start-deaf-ms', '2500')
        path = self.add_port(sim.link)
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')
        self.assertEqual(self.prop(path, 'Imei'), '869487060000001')
        log = self.log_text()
        self.assertIn('%s: no answer yet (' % sim.link, log)
        self.assertRegex(log, r'%s: identified at attempt [23]\b' % sim.link)
        self.assertEqual(list(self.modules()), [path])

    def test_cgsn_garbage_or_silence_at_start_becomes_a_module(self):
        # AT+CGSN, the last command of an identification, unanswered or answered with garbage
        # in the first seconds: the module is tried again, not dropped.
        for fault in (('--silent', 'AT+CGSN'), ('--garbage', 'AT+CGSN'),
                      ('--error', 'AT+CGSN=850')):
            with self.subTest(fault=fault):
                sim = self.start_sim('ML307A-DSLN', *fault, '--faults-for-ms', '2000')
                path = self.add_port(sim.link)
                self.assertEqual(self.prop(path, 'Imei'), '869487060000001')
                self.assertGreaterEqual(sim.log_bytes().count(b'AT+CGSN'), 2)
                self.assertIn('%s: identified at attempt ' % sim.link, self.log_text())
                self.remove_port(path)

    def test_silent_fails_after_the_bound(self):
        sim = self.start_sim('MN316-DBRS', '--silent', 'AT')
        start = time.monotonic()
        outcome = self.call_async(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})',
                                  (sim.link, {}))
        self.wait_for(lambda: 'no answer yet' in self.log_text(), 5, 'no second attempt planned')
        # Held while it is tried: a second AddPort() of it is Busy, at once.
        self.assertDBusError('Busy', self.add_port, sim.link)
        self.wait_call(outcome, 20)
        elapsed = time.monotonic() - start
        self.assertIn('error', outcome)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Timeout')
        # Attempts at about 0, 1.5, 4 and 6.5 s (each fails after one 0.5 s timeout).
        self.assertGreaterEqual(self.log_text().count('%s: no answer yet (' % sim.link), 2)
        self.assertGreater(elapsed, 3)
        self.assertLess(elapsed, 15)
        self.assertEqual(self.modules(), {})
        # Released: another AddPort() opens it again.
        sent = len(sim.log_bytes())
        self.call_async(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})', (sim.link, {}))
        self.wait_for(lambda: len(sim.log_bytes()) > sent, 5, 'the device was not released')

    def test_not_retried(self):
        # Unknown to the model table: no answer later would change that.
        sim = self.start_sim('MN316-DBRS', '--revision', 'XYZ-123')
        self.assertDBusError('NotSupported', self.add_port, sim.link)
        self.assertNotIn('no answer yet', self.log_text())
        self.assertEqual(sim.log_bytes().count(b'AT+CGSN'), 1)

    def test_port_and_config_file_retry(self):
        port = self.start_sim('MN316-S-DLVS', '--start-deaf-ms', '2500', '--imei',
                              '869487060000011')
        in_file = self.start_sim('ML302S-DNLM', '--start-deaf-ms', '2500', '--imei',
                                 '869487060000012')
        config = os.path.join(self.tmpdir, 'onemo-firmwared.conf')
        with open(config, 'w') as f:
            f.write('[port uart1]\ndevice=%s\n' % in_file.link)
        self._stop(self.daemon)
        # Limits that AddPort() could not use: more than its own 10 s bound.
        self.start_second('--command-timeout-ms', '2000', '--identify-retry-limit', '30',
                          '--port', port.link, '--config', config)
        self.wait_for(lambda: self._has_owner() and len(self.modules()) == 2, 20,
                      'the deaf modules did not become modules')
        by_port = {m['Port']: m for m in self.modules().values()}
        self.assertEqual(by_port[port.link]['Imei'], '869487060000011')
        self.assertEqual(by_port[in_file.link]['SubModel'], 'ML302S-DNLM')
        self.assertIn('%s: identified at attempt ' % port.link, self.log_text())
        self.assertIn('%s: identified at attempt ' % in_file.link, self.log_text())


class AddPortGivesUpTest(harness.DaemonTest):
    """What never answers well fails AddPort() after the bound, whatever way it fails."""

    DAEMON_ARGS = ['--command-timeout-ms', '500', '--identify-retry-limit', '2']

    def test_misbehaving_at_identification(self):
        # Each is tried again until the bound, then fails cleanly, exports nothing, and leaves
        # the device free for another try.
        for args, name in [(('--hangup-after', '5'), 'PortGone'),
                           (('--garbage', 'ATI'), None),
                           (('--error', 'AT+CGMR=850'), 'Unknown')]:
            with self.subTest(args=args):
                sim = self.start_sim('MN316-DBRS', *args)
                with self.assertRaises(harness.GLib.Error) as ctx:
                    self.add_port(sim.link)
                got = harness.error_name(ctx.exception)
                if name:
                    self.assertEqual(got, harness.ERROR_PREFIX + name, ctx.exception.message)
                else:
                    self.assertIn(got, [harness.ERROR_PREFIX + n for n in ('Protocol', 'Timeout')])
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        self.assertEqual(objects, {})


if __name__ == '__main__':
    harness.main()
