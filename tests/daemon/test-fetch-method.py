#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fetch(): the host downloads (through the fetch helper) over HTTP, HTTPS (a CA bundle given as
bytes), FTP and FTPS with a user and password, then writes the package as Write() does; the
module's checksum proves the bytes. Bad URLs and options are InvalidArgument with nothing sent to
the module; Cancel works; a server that drips is given up after --fetch-timeout."""

import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import update_helpers  # noqa: E402
from harness import GLib, MODULE_IFACE, S, T, U  # noqa: E402



class FetchMethodTest(harness.DaemonTest):

    DAEMON_ARGS = ['--max-package', '200000', '--command-timeout-ms', '3000']

    def start_server(self, kind, user=None, password=None):
        return update_helpers.start_server(self, kind, user, password)

    def put(self, root, size, name='pkg.bin'):
        data = os.urandom(size)
        with open(os.path.join(root, name), 'wb') as f:
            f.write(data)
        return data

    def fetch(self, path, url, options=None):
        self.module(path, 'Fetch', '(sa{sv})', (url, options or {}))

    def sha256(self, path):
        return self.module(path, 'Checksum', '(u)', (2,), '(s)')[0]

    def fetch_and_check(self, kind, options=None, user=None, password=None, size=30000):
        root, base, ca = self.start_server(kind, user, password)
        data = self.put(root, size)
        sim, path = self.add_sim('MN316-S-DLVS')
        options = dict(options or {})
        if ca:
            options['ca'] = harness.ca_bytes(ca)
        if user:
            options.update({'user': S(user), 'password': S(password)})
        progress = self.subscribe(path, 'DownloadProgress')
        states = self.subscribe_states(path)
        self.fetch(path, base + 'pkg.bin', options)
        self.assertEqual(self.sha256(path), hashlib.sha256(data).hexdigest().upper())
        self.assertIn(b'AT+MFWDLOAD=0,%d\r' % size, sim.log_bytes())
        self.wait_for(lambda: progress and progress[-1] == (2, size, size), 5,
                      'no final DownloadProgress')
        self.assertIn((2, size, size), progress[:-1], 'no end-of-fetch progress')
        self.assertEqual(states[:3], ['downloading', 'writing', 'finished'])
        return sim, path

    def subscribe_states(self, path):
        return self.watch_states(path)

    def test_http(self):
        self.fetch_and_check('http')

    def test_https_with_ca(self):
        self.fetch_and_check('https')

    def test_https_untrusted_is_download_error(self):
        root, base, ca = self.start_server('https')
        self.put(root, 1000)
        sim, path = self.add_sim('MN316-S-DLVS')
        before = sim.log_bytes()
        self.assertDBusError('Download', self.fetch, path, base + 'pkg.bin')
        self.assertEqual(self.prop(path, 'State'), 'failed')
        # Only the port's setup at the operation's start (ATE0, AT+CMEE=1): nothing written.
        self.assertEqual(sim.log_bytes()[len(before):], b'ATE0\rAT+CMEE=1\r')

    def test_ftp_with_user_and_password(self):
        self.fetch_and_check('ftp', user='onemo', password='s3cret!')

    def test_ftps(self):
        self.fetch_and_check('ftps', user='onemo', password='pw')

    def test_hex_on_m5311(self):
        root, base, _ = self.start_server('http')
        self.put(root, 2000)
        sim, path = self.add_sim('M5311-E-DLVS')
        self.fetch(path, base + 'pkg.bin')
        self.assertIn(b'AT+MFWDLOAD=1536,464,"', sim.log_bytes())
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 2000)
        self.assertDBusError('NotSupported', self.fetch, path, base + 'pkg.bin',
                             {'mode': S('transparent')})

    def test_offset(self):
        root, base, _ = self.start_server('http')
        data = self.put(root, 3000)
        sim, path = self.add_sim('MN316-S-DLVS')
        # The first 1024 bytes by Write(), the rest fetched from there.
        head = os.path.join(self.tmpdir, 'head.bin')
        with open(head, 'wb') as f:
            f.write(data[:1024])
        self.module(path, 'Write', '(ha{sv})', (0, {'mode': S('hex')}),
                    fds=[self.open_fd(head)])
        self.fetch(path, base + 'pkg.bin', {'offset': T(1024), 'mode': S('hex')})
        self.assertIn(b'AT+MFWDLOAD=1024,512,"', sim.log_bytes())
        self.assertEqual(self.sha256(path), hashlib.sha256(data).hexdigest().upper())
        self.assertDBusError('InvalidArgument', self.fetch, path, base + 'pkg.bin',
                             {'offset': T(3000)})
        self.module(path, 'Erase')

    def test_missing_file_is_download_error(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('MN316-S-DLVS')
        self.assertDBusError('Download', self.fetch, path, base + 'absent.bin')
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(harness.ERROR_PREFIX + 'Download'))

    def test_bad_inputs_send_nothing(self):
        root, base, _ = self.start_server('http')
        self.put(root, 1000)
        sim, path = self.add_sim('MN316-S-DLVS')
        before = sim.log_bytes()
        good = base + 'pkg.bin'
        bad = [
            ('file:///etc/passwd', {}),
            ('FILE:///etc/shadow', {}),
            ('data:text/plain,hello', {}),
            ('gopher://127.0.0.1/x', {}),
            ('scp://127.0.0.1/x', {}),
            ('http://user:pw@127.0.0.1/pkg.bin', {}),
            ('http://127.0.0.1/a\r\nHost: x', {}),
            ('http://127.0.0.1/a b', {}),
            ('http://127.0.0.1/' + 'a' * 3000, {}),
            ('', {}),
            ('ftp://127.0.0.1/dir/', {}),
            # The CA bundle comes as bytes: the root daemon opens no path for a caller.
            (good, {'ca-file': S('/etc/ssl/certs/ca-certificates.crt')}),
            (good, {'ca': S('/etc/ssl/certs/ca-certificates.crt')}),
            (good, {'ca': GLib.Variant('ay', b'')}),
            (good, {'ca': GLib.Variant('ay', b'-----BEGIN\0')}),
            (good, {'ca': GLib.Variant('ay', b'A' * (1024 * 1024 + 1))}),
            (good, {'ca': U(1)}),
            (good, {'user': U(1)}),
            (good, {'user': S('u' * 49), 'password': S('p')}),
            (good, {'user': S('u'), 'password': S('p\r\n')}),
            (good, {'password': S('p')}),
            (good, {'mode': S('fast')}),
            (good, {'mode': U(0)}),
            (good, {'offset': U(1)}),
            (good, {'colour': S('red')}),
        ]
        for url, options in bad:
            with self.subTest(url=url[:60], options=list(options)):
                self.assertDBusError('InvalidArgument', self.fetch, path, url, options)
        self.assertEqual(sim.log_bytes(), before, 'something reached the module')
        # Neither State nor LastError moved: nothing ran.
        self.assertNotEqual(self.prop(path, 'State'), 'failed')

    def test_not_supported_before_network(self):
        # ML307A cannot take serial writes: refused before the server sees a request.
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('ML307A-DCLN')
        before = sim.log_bytes()
        self.assertDBusError('NotSupported', self.fetch, path, base + 'pkg.bin')
        self.assertEqual(sim.log_bytes(), before)

    def test_cancel_during_fetch(self):
        root, base, _ = self.start_server('http')
        self.put(root, 190000)
        sim, path = self.add_sim('MN316-S-DLVS')
        progress = self.subscribe(path, 'DownloadProgress')
        outcome = self.call_async(path, MODULE_IFACE, 'Fetch', '(sa{sv})',
                                  (base + 'slow/pkg.bin', {}))
        self.wait_for(lambda: progress and progress[-1][2] > 0, 10, 'no fetch progress')
        self.assertEqual(self.prop(path, 'State'), 'downloading')
        self.assertDBusError('Busy', self.module, path, 'Erase')
        self.module(path, 'Cancel')
        self.wait_call(outcome)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Cancelled')
        self.assertNotIn(b'AT+MFWDLOAD=0', sim.log_bytes())
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')

    def test_busy_and_cancel_during_write(self):
        root, base, _ = self.start_server('http')
        self.put(root, 150000)
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
        outcome = self.call_async(path, MODULE_IFACE, 'Fetch', '(sa{sv})',
                                  (base + 'pkg.bin', {'mode': S('hex')}))
        self.wait_for(lambda: self.prop(path, 'State') == 'writing', 20, 'never writing')
        self.assertDBusError('Busy', self.module, path, 'Erase')
        self.module(path, 'Cancel')
        self.wait_call(outcome)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Cancelled')
        # Usable afterwards.
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')


class FetchTimeLimitTest(harness.DaemonTest):
    """A server that sends a byte every half second never trips a low-speed window shorter than
    that, but the whole fetch has a limit: the module and its hold are given back."""

    DAEMON_ARGS = ['--max-package', '200000', '--command-timeout-ms', '3000',
                   '--fetch-timeout', '2']

    def test_drip_feeding_server_times_out(self):
        root, base, _ = update_helpers.start_server(self, 'http')
        with open(os.path.join(root, 'pkg.bin'), 'wb') as f:
            f.write(os.urandom(5000))
        sim, path = self.add_sim('MN316-S-DLVS')
        before = sim.log_bytes()
        progress = self.subscribe(path, 'DownloadProgress')
        start = time.monotonic()
        self.assertDBusError('Timeout', self.module, path, 'Fetch', '(sa{sv})',
                             (base + 'drip/pkg.bin', {}))
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertLess(elapsed, 10)
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.wait_for(lambda: (3, 0, 0) in progress, 5, 'no failed DownloadProgress')
        # Only the port's set-up (every open sends it): no byte of the package.
        self.assertEqual(sim.log_bytes()[len(before):], b'ATE0\rAT+CMEE=1\r',
                         'something reached the module')
        # The helper is gone, reaped: the daemon has no child left.
        self.assertEqual(harness.children_of(self.daemon.pid), [])
        # And the module is free again.
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')


if __name__ == '__main__':
    harness.main()
