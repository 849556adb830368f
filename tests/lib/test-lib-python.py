#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""libonemo-firmware from Python (gi.repository.OnemoFirmware) against the real daemon and
simulated modules on a private bus: the module list, an update from a file with progress,
errors in the OnemoFirmware.Error domain, modules added and removed, cancellation."""

import gc
import hashlib
import json
import os
import subprocess
import threading

import lib_harness
from lib_harness import GLib, Gio, OnemoFirmware

NEW = 'MBRH9Z99'


class ClientTest(lib_harness.LibTest):

    def test_async_constructor_lists_modules(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        client = self.run_async(
            lambda cb: OnemoFirmware.Client.new_async(self.conn, None, cb),
            OnemoFirmware.Client.new_finish)
        self.assertEqual(client.get_version(), self.call(
            '/org/onemo/Firmware', 'org.freedesktop.DBus.Properties', 'Get', '(ss)',
            ('org.onemo.Firmware.Manager', 'Version'), '(v)')[0])
        modules = client.get_modules()
        self.assertEqual([m.get_object_path() for m in modules], [path])
        module = modules[0]
        self.assertEqual(module.props.sub_model, 'MN316-S-DLVS')
        self.assertEqual(module.get_model(), 'MN316-S')
        self.assertEqual(module.props.port, sim.link)
        self.assertEqual(module.props.state, 'idle')
        self.assertEqual(module.props.revision, self.prop(path, 'Revision'))
        self.assertEqual(module.props.imei, self.prop(path, 'Imei'))
        self.assertEqual(list(module.props.capabilities), self.prop(path, 'Capabilities'))
        self.assertTrue(module.has_capability('checksum'))
        self.assertFalse(module.has_capability('no-such-thing'))

    def test_two_modules_in_path_order(self):
        paths = [self.add_sim('MN316-S-DLVS')[1], self.add_sim('ML307A-DSLN')[1]]
        self.wait_for(lambda: len(self.client.get_modules()) == 2, 10, 'two modules')
        self.assertEqual([m.props.object_path for m in self.client.get_modules()], paths)
        self.assertEqual([m.props.sub_model for m in self.client.get_modules()],
                         ['MN316-S-DLVS', 'ML307A-DSLN'])

    def test_add_and_remove_port_signals(self):
        sim = self.start_sim('MN316-S-DLVS')
        added, removed = [], []
        self.client.connect('module-added', lambda c, m: added.append(m.props.object_path))
        self.client.connect('module-removed', lambda c, m: removed.append(m.props.object_path))
        options = GLib.Variant('a{sv}', {'model': GLib.Variant('s', 'MN316-S-DLVS')})
        module = self.run_async(
            lambda cb: self.client.add_port_async(sim.link, options, None, cb),
            lambda res: self.client.add_port_finish(res))
        self.assertEqual(module.props.port, sim.link)
        self.assertEqual(added, [module.props.object_path])
        self.assertIn(module.props.object_path, self.modules())
        self.run_async(lambda cb: self.client.remove_port_async(module, None, cb),
                       lambda res: self.client.remove_port_finish(res))
        self.wait_for(lambda: removed, 10, 'no module-removed')
        self.assertEqual(removed, added)
        self.assertEqual(self.client.get_modules(), [])
        self.assertEqual(self.modules(), {})

    def test_service_running_follows_the_service(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        self.module_at(path)
        self.assertTrue(self.client.props.service_running)
        self.assertTrue(self.client.get_service_running())
        events = []
        self.client.connect('notify::service-running', lambda c, p: events.append(
            ('running', c.props.service_running, len(c.get_modules()))))
        self.client.connect('module-removed', lambda c, m: events.append(
            ('removed', m.props.object_path)))
        self.daemon.terminate()
        self.daemon.wait(10)
        self.wait_for(lambda: len(events) == 2, 10, 'the client did not see the service stop')
        # Its modules went first, so that a client sees no module of a stopped service.
        self.assertEqual(events, [('removed', path), ('running', False, 0)])
        self.assertFalse(self.client.get_service_running())
        self.assertIsNone(self.client.get_version())
        self.restart_daemon()
        self.wait_for(lambda: len(events) == 3, 10, 'no service-running true')
        self.assertEqual(events[2][:2], ('running', True))
        self.wait_for(lambda: self.client.get_version() is not None, 10, 'no version')

    def test_calls_allow_interactive_authorization(self):
        # busctl monitor on the private bus shows each call the library makes, with its flags.
        monitor = subprocess.Popen(['busctl', '--address=' + self.address, 'monitor',
                                    '--json=short'], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(self._stop, monitor)
        messages = []
        reader = threading.Thread(target=lambda: messages.extend(
            json.loads(line) for line in monitor.stdout if line.startswith('{')), daemon=True)
        reader.start()

        def members():
            return [(m.get('member'), m.get('flags')) for m in list(messages)
                    if m.get('type') == 'method_call']

        def ping():  # until the monitor shows a Ping: it is listening
            self.call('/org/onemo/Firmware', 'org.freedesktop.DBus.Peer', 'Ping')
            return any(member == 'Ping' for member, _ in members())

        self.wait_for(ping, 10, 'busctl monitor saw nothing')
        sim = self.start_sim('MN316-S-DLVS')
        module = self.run_async(
            lambda cb: self.client.add_port_async(sim.link, None, None, cb),
            lambda res: self.client.add_port_finish(res))
        self.run_async(lambda cb: module.erase_async(None, cb), module.erase_finish)
        interactive = int(Gio.DBusMessageFlags.ALLOW_INTERACTIVE_AUTHORIZATION)
        self.wait_for(lambda: ('Erase', interactive) in members(), 10,
                      'no interactive Erase: %r' % members())
        self.assertIn(('AddPort', interactive), members())
        self.assertNotIn(('Erase', 0), members())
        # allow-interaction FALSE: polkit decides without asking (onemo-fwctl --no-ask-password).
        self.assertTrue(module.props.allow_interaction)
        module.set_allow_interaction(False)
        self.run_async(lambda cb: module.erase_async(None, cb), module.erase_finish)
        self.wait_for(lambda: ('Erase', 0) in members(), 10,
                      'no Erase without the flag: %r' % members())
        # The client's own setting, for AddPort and RemovePort; and its timeout.
        self.assertTrue(self.client.props.allow_interaction)
        self.client.props.allow_interaction = False
        self.assertEqual(self.client.get_timeout(), -1)
        self.client.set_timeout(20000)
        self.assertEqual(self.client.props.timeout, 20000)
        self.run_async(lambda cb: self.client.remove_port_async(module, None, cb),
                       lambda res: self.client.remove_port_finish(res))
        self.wait_for(lambda: ('RemovePort', 0) in members(), 10,
                      'no RemovePort without the flag: %r' % members())

    def test_service_stops_and_starts(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        removed, added = [], []
        self.client.connect('module-removed', lambda c, m: removed.append(m))
        self.client.connect('module-added', lambda c, m: added.append(m.props.object_path))
        self._stop(self.daemon)
        self.wait_for(lambda: removed, 10, 'no module-removed when the service stopped')
        self.assertIs(removed[0], module)
        self.assertEqual(self.client.get_modules(), [])
        self.wait_for(lambda: self.client.get_version() is None, 10, 'a version without service')
        self.daemon_log.close()
        self._start_daemon()
        new_path = self.add_port(sim.link)
        self.wait_for(lambda: added, 10, 'no module-added when the service came back')
        self.assertEqual(added, [new_path])
        self.assertEqual(self.client.get_module(new_path).props.sub_model, 'MN316-S-DLVS')
        # The Manager's proxy reads the new owner's properties by itself.
        self.wait_for(lambda: self.client.get_version(), 10, 'no version from the new service')

    def test_add_port_error_in_domain(self):
        with self.assertRaises(GLib.Error) as ctx:
            self.run_async(
                lambda cb: self.client.add_port_async('/dev/null', None, None, cb),
                lambda res: self.client.add_port_finish(res))
        self.assertTrue(ctx.exception.matches(OnemoFirmware.error_quark(),
                                              OnemoFirmware.Error.INVALID_ARGUMENT),
                        ctx.exception)
        self.assertNotIn('GDBus.Error', ctx.exception.message)


class ModuleTest(lib_harness.LibTest):

    def update(self, module, package=None, uri=None, options=None, cancellable=None):
        """Updates @module; returns its progress reports [(phase nick, fraction)]."""
        reports = []

        def progress(mod, phase, fraction, *data):
            self.assertIs(mod, module)
            reports.append((phase.value_nick, fraction))

        file = Gio.File.new_for_path(package) if package else None
        self.run_async(
            lambda cb: module.update_async(file, uri, options, cancellable, progress, callback=cb),
            module.update_finish, timeout=120)
        return reports

    def test_update_from_file_with_progress(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=20000)
        revisions = []
        module.connect('notify::revision', lambda m, p: revisions.append(m.props.revision))
        reports = self.update(module, package)
        self.assertEqual(module.props.revision, 'MN316-S-DLVS-' + NEW)
        self.assertEqual(revisions[-1], 'MN316-S-DLVS-' + NEW)
        self.assertEqual(module.props.state, 'finished')
        loading = [f for p, f in reports if p == 'loading']
        upgrading = [f for p, f in reports if p == 'upgrading']
        # How many reports a write gets depends on the port's pace: at least its start and end.
        self.assertGreaterEqual(len(loading), 2, reports)
        self.assertLess(loading[0], 1.0, reports)
        self.assertEqual(loading, sorted(loading), reports)
        self.assertEqual(loading[-1], 1.0)
        self.assertTrue(upgrading, reports)
        self.assertEqual(upgrading[-1], 1.0)
        # Loading comes before upgrading, and the last report is the upgrade's success.
        self.assertEqual(reports[-1], ('upgrading', 1.0))
        first_upgrade = [p for p, _ in reports].index('upgrading')
        self.assertNotIn('loading', [p for p, _ in reports[first_upgrade:]])
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_module_outlives_its_client(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        self.client = None
        gc.collect()
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=4000)
        reports = self.update(module, package)
        self.assertEqual(reports[-1], ('upgrading', 1.0))
        self.assertEqual(module.props.revision, 'MN316-S-DLVS-' + NEW)

    def test_update_by_url(self):
        root, base = self.start_http_server()
        sim, path = self.add_sim('ML307A-DSLN')
        module = self.module_at(path)
        package = self.make_firmware('ML307A', 'ML307A-DSLN-' + NEW, root)
        reports = self.update(module, uri=base + os.path.basename(package))
        self.assertEqual(module.props.revision, 'ML307A-DSLN-' + NEW)
        percents = [f for p, f in reports if p == 'upgrading']
        self.assertIn(0.5, percents)
        self.assertEqual(percents[-1], 1.0)

    def test_not_supported_in_domain(self):
        # A self-downloading ML307A takes no serial write: a file is refused before a byte.
        sim, path = self.add_sim('ML307A-DSLN')
        module = self.module_at(path)
        package = self.make_firmware('ML307A', 'ML307A-DSLN-' + NEW)
        before = sim.log_bytes()
        with self.assertRaises(GLib.Error) as ctx:
            self.update(module, package)
        self.assertTrue(ctx.exception.matches(OnemoFirmware.error_quark(),
                                              OnemoFirmware.Error.NOT_SUPPORTED), ctx.exception)
        self.assertEqual(sim.log_bytes(), before)
        self.assertNotEqual(module.props.revision, 'ML307A-DSLN-' + NEW)

    def test_invalid_argument_in_domain(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        settings = GLib.Variant('a{sv}', {'timeout': GLib.Variant('u', 5)})
        with self.assertRaises(GLib.Error) as ctx:
            self.run_async(lambda cb: module.configure_async(settings, None, cb),
                           module.configure_finish)
        self.assertTrue(ctx.exception.matches(OnemoFirmware.error_quark(),
                                              OnemoFirmware.Error.INVALID_ARGUMENT))
        self.assertEqual(ctx.exception.message, 'timeout 5 is out of range: 30–180')

    def test_library_refuses_bad_arguments_itself(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        before = sim.log_bytes()
        for file, uri, options in [
                (None, None, None),
                (package, 'http://127.0.0.1/x', None),
                (package, None, GLib.Variant('a{sv}', {'fd': GLib.Variant('h', 0)})),
                (package, None, GLib.Variant('as', []))]:
            with self.subTest(file=file, uri=uri, options=options):
                with self.assertRaises(GLib.Error) as ctx:
                    self.update(module, file, uri, options)
                self.assertTrue(ctx.exception.matches(OnemoFirmware.error_quark(),
                                                      OnemoFirmware.Error.INVALID_ARGUMENT))
        missing = os.path.join(self.tmpdir, 'missing.pkg')
        with self.assertRaises(GLib.Error) as ctx:
            self.update(module, missing)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND))
        self.assertEqual(sim.log_bytes(), before)
        self.assertEqual(module.props.state, 'idle')

    def test_commands_one_by_one(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=8000)
        progress, loads, upgrades = [], [], []
        module.connect('progress', lambda m, phase, fraction: progress.append(fraction))
        # The bytes and the percentage as the service sent them, for a caller that shows them.
        module.connect('download-progress', lambda m, *report: loads.append(report))
        module.connect('upgrade-progress', lambda m, *report: upgrades.append(report))
        self.run_async(lambda cb: module.erase_async(None, cb), module.erase_finish)
        self.run_async(lambda cb: module.write_async(Gio.File.new_for_path(package), None,
                                                     None, cb), module.write_finish)
        self.assertEqual(progress[-1], 1.0)
        self.assertEqual(module.props.downloaded_bytes, os.path.getsize(package))
        self.assertEqual(loads[-1], (2, os.path.getsize(package), os.path.getsize(package)))
        self.assertTrue(all(total == os.path.getsize(package) and done <= total
                            for _, total, done in loads), loads)
        self.assertEqual(len(loads), len(progress), (loads, progress))
        digest = self.run_async(
            lambda cb: module.checksum_async(OnemoFirmware.FwChecksum.SHA256, None, cb),
            module.checksum_finish)
        with open(package, 'rb') as f:
            self.assertEqual(digest, hashlib.sha256(f.read()).hexdigest().upper())
        config = self.run_async(lambda cb: module.get_configuration_async(None, cb),
                                module.get_configuration_finish)
        self.assertIn('password-set', config.unpack())
        self.run_async(lambda cb: module.upgrade_async(None, cb), module.upgrade_finish,
                       timeout=120)
        self.assertEqual(module.props.revision, 'MN316-S-DLVS-' + NEW)
        self.assertEqual(upgrades[-1][0], 2, upgrades)
        self.assertTrue(all(0 <= percent <= 100 for _, percent in upgrades), upgrades)

    def test_timeout_stops_waiting_not_the_operation(self):
        # A write of about 2.6 s (115200 baud) outlasts a 300 ms timeout: the call ends
        # TIMED_OUT while the service goes on, until Cancel stops it.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
        module = self.module_at(path)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=30000)
        self.assertEqual(module.props.timeout, -1)
        module.props.timeout = 300
        self.assertEqual(module.get_timeout(), 300)
        with self.assertRaises(GLib.Error) as ctx:
            self.run_async(lambda cb: module.write_async(Gio.File.new_for_path(package), None,
                                                         None, cb), module.write_finish)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT),
                        ctx.exception)
        self.assertEqual(module.props.state, 'writing')
        module.set_timeout(-1)
        self.run_async(lambda cb: module.cancel_async(None, cb), module.cancel_finish)
        self.wait_for(lambda: module.props.state == 'failed', 10, 'state not failed')

    def test_fetch_download_and_no_cancel_in_upgrade(self):
        root, base = self.start_http_server()
        sim, path = self.add_sim('MN316-S-DLVS')
        module = self.module_at(path)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, root, size=6000)
        url = base + os.path.basename(package)
        progress = []
        module.connect('progress', lambda m, phase, fraction: progress.append(fraction))
        # The service fetches and writes ...
        self.run_async(lambda cb: module.fetch_async(url, None, None, cb), module.fetch_finish)
        self.assertEqual(progress[-1], 1.0)
        self.assertEqual(module.props.downloaded_bytes, os.path.getsize(package))
        # ... or the module downloads from its configured URL.
        self.run_async(lambda cb: module.erase_async(None, cb), module.erase_finish)
        settings = GLib.Variant('a{sv}', {'url': GLib.Variant('s', url)})
        self.run_async(lambda cb: module.configure_async(settings, None, cb),
                       module.configure_finish)
        self.run_async(lambda cb: module.download_async(None, cb), module.download_finish)
        self.assertEqual(module.props.state, 'finished')
        self.assertEqual(module.props.downloaded_bytes, os.path.getsize(package))
        # An upgrade cannot be cancelled: Cancel is Busy, and the upgrade goes on.
        upgraded = []
        module.upgrade_async(None, lambda m, res: upgraded.append(res))
        self.wait_for(lambda: module.props.state in ('upgrading', 'rebooting'), 10,
                      'the upgrade did not start')
        with self.assertRaises(GLib.Error) as ctx:
            self.run_async(lambda cb: module.cancel_async(None, cb), module.cancel_finish)
        self.assertTrue(ctx.exception.matches(OnemoFirmware.error_quark(),
                                              OnemoFirmware.Error.BUSY), ctx.exception)
        self.wait_for(lambda: upgraded, 120, 'the upgrade did not end')
        self.assertTrue(module.upgrade_finish(upgraded[0]))
        self.assertEqual(module.props.revision, 'MN316-S-DLVS-' + NEW)
        # With nothing running, Cancel has nothing to do and says so by succeeding.
        self.assertTrue(self.run_async(lambda cb: module.cancel_async(None, cb),
                                       module.cancel_finish))

    def test_cancel_asks_the_service(self):
        # A line at 115200 baud: the write (about 2.6 s) still runs when the cancellable is
        # cancelled; the service stops the operation before its upgrade.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
        module = self.module_at(path)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=30000)
        cancellable = Gio.Cancellable()
        # At the write's first report (its start): it has about 2.6 s to go.
        module.connect('progress', lambda m, p, f: cancellable.cancel())
        with self.assertRaises(GLib.Error) as ctx:
            self.update(module, package, cancellable=cancellable)
        self.assertTrue(ctx.exception.matches(OnemoFirmware.error_quark(),
                                              OnemoFirmware.Error.CANCELLED), ctx.exception)
        self.wait_for(lambda: module.props.state == 'failed', 10, 'state not failed')
        self.assertTrue(module.props.last_error.startswith(
            'org.onemo.Firmware.Error.Cancelled'), module.props.last_error)
        self.assertNotEqual(module.props.revision, 'MN316-S-DLVS-' + NEW)
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())


if __name__ == '__main__':
    lib_harness.harness.main()
