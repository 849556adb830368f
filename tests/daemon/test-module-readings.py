#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The module's own download under every reading of the manual the simulator can play
(docs/spec-notes.md, "Readings the service handles", b, c, f and k), through Download() and
Update(): file:// with and without a report, the final report with and without <total>, a
link that drops again and again, a "+MFWDLOAD: 0" that comes late or never, an erase that
forgets the configuration, AT+MFWCHECK refused after a module-side download, and progress."""

import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import S, T, U  # noqa: E402


NEW = 'MBRH9S99'


def sha256_of(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


class ReadingsBase(harness.DaemonTest):

    def setUp(self):
        super().setUp()
        self.root, self.base = self.start_http_server()

    def update(self, path, options):
        self.module(path, 'Update', '(a{sv})', (options,))

    def firmware(self, series, sub_model, size=4096, directory=None, revision=NEW):
        return self.make_firmware(series, sub_model + '-' + revision, directory or self.root,
                                  size)

    def url_of(self, package):
        return self.base + os.path.basename(package)

    def configure_download(self, path, url):
        self.module(path, 'Configure', '(a{sv})', ({'url': S(url), 'progind': U(1024)},))
        self.module(path, 'Download')


class ReadingsTest(ReadingsBase):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '20',
                   '--resume-window-ms', '1000']

    # ---- b. file:// with no +MFWDLOAD report, or with one ----

    def file_sim(self, *args):
        fs_root = os.path.join(self.tmpdir, 'fs')
        os.makedirs(fs_root, exist_ok=True)
        package = self.firmware('MN316-S', 'MN316-S-DLVS', directory=fs_root)
        sim, path = self.add_sim('MN316-S-DLVS', '--fs-root', fs_root, *args)
        return sim, path, package, 'file:///' + os.path.basename(package)

    def test_file_download_both_readings(self):
        for args in ([], ['--file-no-report']):
            with self.subTest(args=args):
                sim, path, package, url = self.file_sim(*args)
                started = time.monotonic()
                self.configure_download(path, url)
                # No report to wait for: OK ended it, long before any time limit.
                self.assertLess(time.monotonic() - started, 5)
                self.assertEqual(self.prop(path, 'State'), 'finished')
                self.assertEqual(self.module(path, 'Checksum', '(u)', (2,), '(s)')[0].lower(),
                                 sha256_of(package))

    def test_file_update_no_report(self):
        sim, path, package, url = self.file_sim('--file-no-report')
        self.update(path, {'url': S(url), 'via': S('module'), 'sha256': S(sha256_of(package))})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_file_report_of_failure_is_taken(self):
        # The module that reports says 3 for a missing file: a failure, not an OK.
        sim, path, package, url = self.file_sim()
        self.assertDBusError('Download', self.configure_download, path, 'file:///missing.pkg')
        self.assertEqual(self.prop(path, 'State'), 'failed')
        # No network to resume over: AT+MFWDLOAD? (for HTTP/FTP only) is not asked.
        self.assertNotIn(b'AT+MFWDLOAD?\r', sim.log_bytes())

    # ---- c. the final report without <total> ----

    def test_total_left_out(self):
        for mode in ('no-final', 'never'):
            with self.subTest(mode=mode):
                sim, path = self.add_sim('MN316-DLVS', '--dload-total', mode)
                package = self.firmware('MN316', 'MN316-DLVS', size=9000)
                size = os.path.getsize(package)
                progress = self.subscribe(path, 'DownloadProgress')
                # No size from anyone: nothing to compare, and no false NotVerified.
                self.update(path, {'url': S(self.url_of(package)), 'via': S('module')})
                self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)
                self.wait_for(lambda: progress and progress[-1][0] == 2, 5, 'no final progress')
                self.assertEqual(progress[-1][2], size)
                # The caller's size is checked against what the module holds.
                self.module(path, 'Erase')
                self.assertDBusError('NotVerified', self.update, path,
                                     {'url': S(self.url_of(package)), 'via': S('module'),
                                      'size': T(size + 1)})
                other = self.firmware('MN316', 'MN316-DLVS', size=9000, revision='MBRH9S98')
                self.update(path, {'url': S(self.url_of(other)), 'via': S('module'),
                                   'size': T(os.path.getsize(other))})
                self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-MBRH9S98')

    def test_total_left_out_host_digest(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--dload-total', 'never')
        package = self.firmware('MN316-S', 'MN316-S-DLVS')
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    # ---- f. interruptions, again and again ----

    def test_drops_resumed_by_download(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--drop-every', '3000')
        data = os.urandom(10000)
        with open(os.path.join(self.root, 'pkg.bin'), 'wb') as f:
            f.write(data)
        self.configure_download(path, self.base + 'pkg.bin')
        self.assertEqual(sim.log_bytes().count(b'AT+MFWDLOAD\r'), 4)
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 10000)
        self.assertEqual(self.module(path, 'Checksum', '(u)', (2,), '(s)')[0].lower(),
                         hashlib.sha256(data).hexdigest())

    def test_drops_resumed_by_update(self):
        sim, path = self.add_sim('MN316-DLVS', '--drop-every', '2000')
        package = self.firmware('MN316', 'MN316-DLVS', size=7000)
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module'),
                           'size': T(os.path.getsize(package))})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)
        self.assertGreaterEqual(sim.log_bytes().count(b'AT+MFWDLOAD\r'), 4)

    def test_resumes_without_progress_bounded(self):
        # The server ignores Range: every resume fails at once, the module gains nothing.
        sim, path = self.add_sim('MN316-DLVS', '--drop-every', '3000')
        with open(os.path.join(self.root, 'pkg.bin'), 'wb') as f:
            f.write(os.urandom(10000))
        e = self.assertDBusError('Download', self.configure_download, path,
                                 self.base + 'norange/pkg.bin')
        self.assertIn('without progress', e.message)
        # The first attempt gained 3000 bytes; three more gained nothing.
        self.assertEqual(sim.log_bytes().count(b'AT+MFWDLOAD\r'), 4)
        self.assertEqual(self.prop(path, 'State'), 'failed')

    def test_zero_never_sent_state_asked(self):
        sim, path = self.add_sim('MN316-DLVS', '--drop-every', '3000', '--no-resume-urc')
        package = self.firmware('MN316', 'MN316-DLVS', size=5000)
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)
        self.assertIn(b'AT+MFWDLOAD?\r', sim.log_bytes())

    def test_three_alone_is_final(self):
        # The stall is not resumable: after the window and AT+MFWDLOAD?, a failure for good.
        sim, path = self.add_sim('MN316-DLVS', '--stall-at', '1000')
        package = self.firmware('MN316', 'MN316-DLVS')
        e = self.assertDBusError('Download', self.update, path,
                                 {'url': S(self.url_of(package)), 'via': S('module')})
        self.assertIn('Erase', e.message)
        self.assertIn(b'AT+MFWDLOAD?\r', sim.log_bytes())
        self.assertEqual(sim.log_bytes().count(b'AT+MFWDLOAD\r'), 1)
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())

    # ---- k. Update's module route ----

    def test_erase_first_when_erase_clears_config(self):
        sim, path = self.add_sim('MN316-DLVS', '--erase-clears-config')
        package = self.firmware('MN316', 'MN316-DLVS')
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)
        log = sim.log_bytes()
        self.assertLess(log.index(b'AT+MFWERASE\r'), log.index(b'AT+MFWCFG="url"'))

    def test_check_refused_size_decides(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--check-local-only')
        package = self.firmware('MN316-S', 'MN316-S-DLVS')
        # The host fetches the url for its digest; the module refuses AT+MFWCHECK; the sizes
        # (the module's total, the host's fetch) agree: upgraded.
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)
        log = sim.log_bytes()
        self.assertLess(log.index(b'AT+MFWCHECK=2\r'), log.index(b'AT+MFWUPGRADE\r'))

    def test_check_refused_no_size_not_verified(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--check-local-only', '--dload-total', 'never')
        package = self.firmware('MN316-S', 'MN316-S-DLVS')
        self.assertDBusError('NotVerified', self.update, path,
                             {'url': S(self.url_of(package)), 'via': S('module'),
                              'sha256': S(sha256_of(package))})
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        # With a size to compare, the same goes through.
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module'),
                           'sha256': S(sha256_of(package)),
                           'size': T(os.path.getsize(package))})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_progind_set_progress_shown(self):
        sim, path = self.add_sim('MN316-DLVS')
        package = self.firmware('MN316', 'MN316-DLVS', size=20000)
        progress = self.subscribe(path, 'DownloadProgress')
        self.update(path, {'url': S(self.url_of(package)), 'via': S('module')})
        self.assertIn(b'AT+MFWCFG="progind",4096\r', sim.log_bytes())
        self.wait_for(lambda: progress and progress[-1][0] == 2, 5, 'no final progress')
        loading = [p for p in progress if p[0] == 1 and p[2] > 0]
        self.assertGreaterEqual(len(loading), 3, progress)


class ServerTimeoutTest(ReadingsBase):
    """Without --resume-window-ms: the "0" may lag as long as the module's server timeout."""

    DAEMON_ARGS = ['--command-timeout-ms', '3000']

    def test_late_zero_within_server_timeout(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--drop-every', '4000', '--resume-delay-ms',
                                 '2500')
        with open(os.path.join(self.root, 'pkg.bin'), 'wb') as f:
            f.write(os.urandom(6000))
        self.configure_download(path, self.base + 'pkg.bin')
        log = sim.log_bytes()
        self.assertIn(b'AT+MFWCFG="timeout"\r', log)
        self.assertEqual(log.count(b'AT+MFWDLOAD\r'), 2)
        # The 0 came before the window ended: nothing had to be asked.
        self.assertNotIn(b'AT+MFWDLOAD?\r', log)
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 6000)

    def test_no_resume_model_fails_at_once(self):
        # ML307R-DC never resumes: its 3 is final without waiting for the server timeout.
        sim, path = self.add_sim('ML307R-DC')
        started = time.monotonic()
        self.assertDBusError('Download', self.update, path,
                             {'url': S(self.base + 'missing.pkg'), 'via': S('module')})
        self.assertLess(time.monotonic() - started, 20)
        self.assertNotIn(b'AT+MFWDLOAD?\r', sim.log_bytes())


if __name__ == '__main__':
    harness.main()
