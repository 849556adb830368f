#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write (hex and transparent), its bad file descriptors, Checksum against hashlib, Erase,
Busy, Cancel mid-write, and a module that vanishes mid-write."""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import GLib, MODULE_IFACE, S, T  # noqa: E402


MAX_PACKAGE = 40000


class WriteTest(harness.DaemonTest):

    DAEMON_ARGS = ['--max-package', str(MAX_PACKAGE), '--command-timeout-ms', '3000']

    def write(self, path, fd, options=None):
        self.module(path, 'Write', '(ha{sv})', (0, options or {}), fds=[fd])

    def write_async(self, path, fd, options=None):
        return self.call_async(path, MODULE_IFACE, 'Write', '(ha{sv})', (0, options or {}),
                               fds=[fd])

    def checksum(self, path, algorithm):
        return self.module(path, 'Checksum', '(u)', (algorithm,), '(s)')[0]

    def check_progress(self, progress, size):
        self.assertTrue(progress, 'no DownloadProgress')
        done = [p[2] for p in progress]
        self.assertEqual(done, sorted(done), 'progress went backwards')
        self.assertEqual(progress[-1], (2, size, size))
        self.assertTrue(all(p[1] == size for p in progress))
        # At least every 1 % or 64 KiB.
        for a, b in zip(done, done[1:]):
            self.assertLessEqual(b - a, max(size // 100, 64 * 1024) + 512)

    def write_and_check(self, model, mode, size):
        sim, path = self.add_sim(model)
        package = self.make_package(size)
        progress = self.subscribe(path, 'DownloadProgress')
        self.write(path, self.open_fd(package), {'mode': S(mode)} if mode else None)
        self.wait_for(lambda: progress and progress[-1][0] == 2, 10, 'no final progress')
        self.check_progress(progress, size)
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.assertEqual(self.prop(path, 'DownloadedBytes'), size)
        self.assertEqual(self.prop(path, 'DownloadTotal'), size)
        return sim, path, package

    def test_transparent_and_checksums(self):
        sim, path, package = self.write_and_check('MN316-S-DLVS', 'transparent', 30000)
        with open(package, 'rb') as f:
            data = f.read()
        self.assertEqual(self.checksum(path, 0), hashlib.md5(data).hexdigest().upper())
        self.assertEqual(self.checksum(path, 1), hashlib.sha1(data).hexdigest().upper())
        self.assertEqual(self.checksum(path, 2), hashlib.sha256(data).hexdigest().upper())
        self.assertIn(b'AT+MFWDLOAD=0,30000\r', sim.log_bytes())
        self.assertDBusError('InvalidArgument', self.checksum, path, 3)

    def test_hex(self):
        sim, path, package = self.write_and_check('MN316-S-DLVS', 'hex', 5000)
        with open(package, 'rb') as f:
            data = f.read()
        self.assertEqual(self.checksum(path, 2), hashlib.sha256(data).hexdigest().upper())
        self.assertIn(b'AT+MFWDLOAD=4608,392,"', sim.log_bytes())

    def test_default_mode_m5311_is_hex(self):
        sim, path, _ = self.write_and_check('M5311-E-DLVS', None, 2000)
        self.assertIn(b'AT+MFWDLOAD=1536,464,"', sim.log_bytes())
        self.assertDBusError('NotSupported', self.checksum, path, 0)
        package = self.make_package(100, 'other.bin')
        self.assertDBusError('NotSupported', self.write, path, self.open_fd(package),
                             {'mode': S('transparent')})

    def test_offset_resumes(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_package(3000)
        with open(package, 'rb') as f:
            head = f.read(1024)
        first = os.path.join(self.tmpdir, 'head.bin')
        with open(first, 'wb') as f:
            f.write(head)
        # An interrupted write held the first 1024 bytes; the rest follows from there.
        self.write(path, self.open_fd(first), {'mode': S('hex')})
        before = sim.log_bytes()
        self.write(path, self.open_fd(package), {'mode': S('hex'), 'offset': T(1024)})
        sent = sim.log_bytes()[len(before):]
        self.assertIn(b'AT+MFWDLOAD=1024,512,"', sent)
        self.assertNotIn(b'AT+MFWDLOAD=0,', sent)
        with open(package, 'rb') as f:
            digest = hashlib.md5(f.read()).hexdigest().upper()
        self.assertEqual(self.checksum(path, 0), digest)

    def test_bad_fds(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        before = sim.log_bytes()
        good = self.make_package(1000)
        empty = self.make_package(0, 'empty.bin')
        big = self.make_package(MAX_PACKAGE + 1, 'big.bin')
        read_end, write_end = os.pipe()
        self.addCleanup(os.close, read_end)
        self.addCleanup(os.close, write_end)
        cases = [
            ('pipe', read_end, None),
            ('directory', self.open_fd(self.tmpdir, os.O_RDONLY | os.O_DIRECTORY), None),
            ('write-only', self.open_fd(good, os.O_WRONLY), None),
            ('empty', self.open_fd(empty), None),
            ('over the cap', self.open_fd(big), None),
            ('offset at the end', self.open_fd(good), {'offset': T(1000)}),
            ('offset past the end', self.open_fd(good), {'offset': T(5000)}),
            ('unknown mode', self.open_fd(good), {'mode': S('binary')}),
            ('mode type', self.open_fd(good), {'mode': GLib.Variant('u', 1)}),
            ('offset type', self.open_fd(good), {'offset': GLib.Variant('u', 1)}),
            ('unknown option', self.open_fd(good), {'speed': GLib.Variant('u', 1)}),
        ]
        for name, fd, options in cases:
            with self.subTest(case=name):
                self.assertDBusError('InvalidArgument', self.write, path, fd, options)
        # No fd at all behind the handle.
        with self.subTest(case='no fd'):
            self.assertDBusError('InvalidArgument', self.module, path, 'Write', '(ha{sv})',
                                 (0, {}))
        self.assertEqual(sim.log_bytes(), before)
        self.assertEqual(self.prop(path, 'State'), 'idle')

    def test_ml307r_no_offset(self):
        sim, path = self.add_sim('ML307R-DC')
        package = self.make_package(1000)
        self.assertDBusError('NotSupported', self.write, path, self.open_fd(package),
                             {'offset': T(512)})
        self.assertDBusError('NotSupported', self.write, path, self.open_fd(package),
                             {'mode': S('hex')})
        before = sim.log_bytes()
        self.write(path, self.open_fd(package))
        self.assertIn(b'AT+MFWDLOAD=0,1000\r', sim.log_bytes()[len(before):])

    def test_erase(self):
        sim, path, _ = self.write_and_check('MN316-DBRS', 'hex', 600)
        self.module(path, 'Erase')
        self.assertIn(b'AT+MFWERASE\r', sim.log_bytes())
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 0)
        _, ml = self.add_sim('ML307A-DSLN')
        self.assertDBusError('NotSupported', self.module, ml, 'Erase')

    def test_busy_and_cancel(self):
        # At 9600 baud 30000 bytes in hex take about a minute: long enough to be busy and to
        # cancel. (Hex: a cancelled transparent write must still pad its remaining bytes.)
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '9600')
        package = self.make_package(30000)
        progress = self.subscribe(path, 'DownloadProgress')
        outcome = self.write_async(path, self.open_fd(package), {'mode': S('hex')})
        self.wait_for(lambda: self.prop(path, 'State') == 'writing', 10, 'not writing')
        self.wait_for(lambda: progress and progress[-1][2] > 0, 10, 'no progress')
        # A second operation meanwhile is Busy, and so is RemovePort.
        self.assertDBusError('Busy', self.module, path, 'Erase')
        self.assertDBusError('Busy', self.write, path, self.open_fd(package))
        self.assertDBusError('Busy', self.remove_port, path)
        self.module(path, 'Cancel')
        self.wait_call(outcome, 30)
        self.assertIn('error', outcome)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'Cancelled')
        self.assertLess(progress[-1][2], 30000)
        # The module object works afterwards.
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')
        # Cancel with nothing running is harmless.
        self.module(path, 'Cancel')

    def cancel_transparent_write(self, path, size):
        """Starts a transparent write of size bytes, cancels it once bytes go out, and waits
        for its Cancelled answer."""
        package = self.make_package(size, 'cancelled.bin')
        progress = self.subscribe(path, 'DownloadProgress')
        outcome = self.write_async(path, self.open_fd(package), {'mode': S('transparent')})
        self.wait_for(lambda: progress and progress[-1][2] > 0, 10, 'no progress')
        self.module(path, 'Cancel')
        self.wait_call(outcome, 60)
        self.assertEqual(harness.error_name(outcome['error']),
                         harness.ERROR_PREFIX + 'Cancelled')

    def test_cancel_transparent(self):
        # A cancelled transparent write pads the rest of its announced length, so the module
        # leaves raw mode and takes commands again.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
        self.cancel_transparent_write(path, 30000)
        self.module(path, 'Erase')
        self.write(path, self.open_fd(self.make_package(600, 'small.bin')), {'mode': S('hex')})

    def test_cancel_transparent_slow_then_write(self):
        # On a slow line much of a cancelled transparent write still sits in the tty's buffer
        # once the port has written its padding: the module's OK comes seconds later and must
        # not be taken for the answer to a later command, nor the padding be cut short. (A pty carries bytes
        # at any termios rate: the host is told the sim's rate, as a real tty would be set.)
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '9600',
                                 options={'baud': GLib.Variant('u', 9600)})
        self.cancel_transparent_write(path, 20000)
        self.module(path, 'Erase')
        small = self.make_package(1500, 'small.bin')
        self.write(path, self.open_fd(small), {'mode': S('transparent')})
        with open(small, 'rb') as f:
            data = f.read()
        self.assertEqual(self.checksum(path, 0), hashlib.md5(data).hexdigest().upper())
        # The module got the whole announced length of the cancelled write, then the next one.
        log = sim.log_bytes()
        first = log.index(b'AT+MFWDLOAD=0,20000\r')
        second = log.index(b'AT+MFWDLOAD=0,1500\r')
        self.assertGreaterEqual(second - first, len(b'AT+MFWDLOAD=0,20000\r') + 20000)

    def test_modules_in_parallel(self):
        # Two slow modules write at the same time; neither waits for the other: each starts
        # writing before the other finishes (about 2.6 s each at 115200 baud). Told by the order
        # of their States, not by a clock, so a loaded machine cannot fail it.
        runs = []
        events = []
        for index in range(2):
            sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
            package = self.make_package(30000, 'p%d.bin' % index)
            runs.append((path, package))
            self.watch_states_into(path, events)
        outcomes = [self.write_async(path, self.open_fd(package), {'mode': S('transparent')})
                    for path, package in runs]
        for outcome in outcomes:
            self.wait_call(outcome, 30)
            self.assertNotIn('error', outcome)
        (first, _), (second, _) = runs
        for one, other in ((first, second), (second, first)):
            self.assertLess(events.index((one, 'writing')), events.index((other, 'finished')),
                            events)
        for path, package in runs:
            with open(package, 'rb') as f:
                self.assertEqual(self.checksum(path, 0), hashlib.md5(f.read()).hexdigest().upper())

    def test_hangup_mid_write(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--hangup-after', '5000')
        package = self.make_package(20000)
        self.assertDBusError('PortGone', self.write, path, self.open_fd(package),
                             {'mode': S('transparent')})
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            'org.onemo.Firmware.Error.PortGone'))
        # The object still answers: the next call fails cleanly, without hanging.
        self.assertDBusError('PortGone', self.checksum, path, 0)
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-S-DLVS')


if __name__ == '__main__':
    harness.main()
