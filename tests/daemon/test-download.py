#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Download: the module fetches its configured URL from a loopback HTTP server, with progress;
a failure, a resumable interruption, Cancel, and sub-models without it."""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MODULE_IFACE, S, U  # noqa: E402



class DownloadTest(harness.DaemonTest):

    # A "+MFWDLOAD: 3" alone is final after 1 s here, not the module's server timeout.
    DAEMON_ARGS = ['--command-timeout-ms', '5000', '--resume-window-ms', '1000']

    def setUp(self):
        super().setUp()
        self.root, self.base = self.start_http_server()

    def serve(self, name, size):
        data = os.urandom(size)
        with open(os.path.join(self.root, name), 'wb') as f:
            f.write(data)
        return data

    def configured(self, model, url, *sim_args):
        sim, path = self.add_sim(model, *sim_args)
        self.module(path, 'Configure', '(a{sv})', ({'url': S(url), 'progind': U(1024)},))
        return sim, path

    def download(self, path):
        self.module(path, 'Download')

    def test_download_with_progress(self):
        data = self.serve('pkg.bin', 20000)
        sim, path = self.configured('MN316-S-DLVS', self.base + 'pkg.bin')
        progress = self.subscribe(path, 'DownloadProgress')
        self.download(path)
        self.wait_for(lambda: progress and progress[-1][0] == 2, 10, 'no final progress')
        self.assertEqual(progress[-1], (2, 20000, 20000))
        loading = [p for p in progress if p[0] == 1 and p[2] > 0]
        self.assertGreaterEqual(len(loading), 5, progress)
        done = [p[2] for p in progress]
        self.assertEqual(done, sorted(done))
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 20000)
        self.assertEqual(self.prop(path, 'DownloadTotal'), 20000)
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.assertEqual(self.module(path, 'Checksum', '(u)', (2,), '(s)')[0],
                         hashlib.sha256(data).hexdigest().upper())

    def test_download_fails(self):
        sim, path = self.configured('MN316-DBRS', self.base + 'missing.bin')
        e = self.assertDBusError('Download', self.download, path)
        self.assertIn('Erase', e.message)
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            'org.onemo.Firmware.Error.Download: '))

    def test_resumable_interruption(self):
        data = self.serve('pkg.bin', 8192)
        sim, path = self.configured('MN316-S-DLVS', self.base + 'pkg.bin', '--stall-at', '3000',
                                    '--stall-resumable')
        # Download() resumes by itself where the module stopped.
        self.download(path)
        self.assertEqual(sim.log_bytes().count(b'AT+MFWDLOAD\r'), 2)
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 8192)
        self.assertEqual(self.module(path, 'Checksum', '(u)', (0,), '(s)')[0],
                         hashlib.md5(data).hexdigest().upper())

    def test_cancel(self):
        self.serve('big.bin', 2 * 1024 * 1024)
        sim, path = self.configured('MN316-DBRS', self.base + 'slow/big.bin')
        progress = self.subscribe(path, 'DownloadProgress')
        outcome = self.call_async(path, MODULE_IFACE, 'Download')
        self.wait_for(lambda: any(p[2] > 0 for p in progress), 20, 'no progress')
        self.assertDBusError('Busy', self.module, path, 'Erase')
        self.module(path, 'Cancel')
        self.wait_call(outcome, 10)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Cancelled')
        self.assertEqual(self.prop(path, 'State'), 'failed')

    def test_not_supported(self):
        sim, path = self.add_sim('ML307A-DSLN')
        before = sim.log_bytes()
        self.assertDBusError('NotSupported', self.download, path)
        self.assertEqual(sim.log_bytes(), before)


if __name__ == '__main__':
    harness.main()
