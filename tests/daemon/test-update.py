#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Update() end to end on one sub-model of every series: host-side hex and transparent writes
(verified with AT+MFWCHECK where the module has it), module-side HTTP, HTTPS, FTP with a user
and file://, self-downloading ML30x and ML307R through their reboots. A package that fails a
check is never upgraded (no AT+MFWUPGRADE in the module's log); bad arguments send nothing;
the module object stays usable after every failure."""

import hashlib
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import update_helpers  # noqa: E402
from harness import GLib, MODULE_IFACE, S, T, H, U  # noqa: E402


NEW = 'MBRH9S99'


class UpdateBase(harness.DaemonTest):

    def start_server(self, kind, user=None, password=None):
        return update_helpers.start_server(self, kind, user, password)

    def update(self, path, options, fds=None):
        self.module(path, 'Update', '(a{sv})', (options,), fds=fds)

    def update_fd(self, path, package, **extra):
        self.update(path, dict({'fd': H(0)}, **extra), fds=[self.open_fd(package)])

    def assert_settled(self, states, expected_last='finished'):
        self.wait_for(lambda: states and states[-1] == expected_last, 5,
                      'State did not end %s: %s' % (expected_last, states))


class UpdateTest(UpdateBase):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '20',
                   '--resume-window-ms', '1000']

    # ---- host side ----

    def test_m5311_host_hex(self):
        sim, path = self.add_sim('M5311-E-DLVS')
        package = self.make_firmware('M5311-E', 'M5311-E-DLVS-' + NEW, size=2000)
        states = self.watch_states(path)
        progress = self.subscribe(path, 'DownloadProgress')
        self.update_fd(path, package)
        self.assertEqual(self.prop(path, 'Revision'), 'M5311-E-DLVS-' + NEW)
        self.assert_settled(states)
        self.assertEqual(states, ['configuring', 'writing', 'verifying', 'upgrading', 'finished'])
        log = sim.log_bytes()
        self.assertLess(log.index(b'AT+MFWERASE\r'), log.index(b'AT+MFWDLOAD=0,512,"'))
        self.assertNotIn(b'AT+MFWCHECK', log)
        size = os.path.getsize(package)
        self.wait_for(lambda: (2, size, size) in progress, 5, 'no final DownloadProgress')

    def test_mn316s_host_transparent_verified(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        with open(package, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.update_fd(path, package, sha256=S(digest.upper()), size=T(os.path.getsize(package)))
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)
        log = sim.log_bytes()
        self.assertIn(b'AT+MFWDLOAD=0,%d\r' % os.path.getsize(package), log)
        self.assertLess(log.index(b'AT+MFWCHECK=2\r'), log.index(b'AT+MFWUPGRADE\r'))
        self.assertEqual(self.prop(path, 'State'), 'finished')

    def test_host_fetch_by_url(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, root)
        states = self.watch_states(path)
        self.update(path, {'url': S(base + os.path.basename(package))})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)
        self.assert_settled(states)
        # Close changes may come in one PropertiesChanged: the order is what counts.
        self.assertEqual(states[0], 'downloading')
        main = ['writing', 'verifying', 'upgrading', 'finished']
        self.assertEqual([state for state in states if state in main], main)
        # The host fetched: the module was never told the url.
        self.assertNotIn(b'AT+MFWCFG="url"', sim.log_bytes())

    def test_wrong_sha256_not_verified_and_no_upgrade(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        old = self.prop(path, 'Revision')
        self.assertDBusError('NotVerified', self.update_fd, path, package, sha256=S('0' * 64))
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        self.assertEqual(self.prop(path, 'Revision'), old)
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            harness.ERROR_PREFIX + 'NotVerified: '))
        # Usable afterwards: the same package without the wrong digest goes through.
        self.update_fd(path, package)
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_journal_lost_mid_update_no_upgrade(self):
        # The state directory becomes unwritable while the package is written: Update is
        # refused before AT+MFWUPGRADE (NotRecorded), and says so in State and LastError.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=30000)
        old = self.prop(path, 'Revision')
        outcome = self.call_async(path, MODULE_IFACE, 'Update', '(a{sv})', ({'fd': H(0)},),
                                  fds=[self.open_fd(package)])
        self.wait_for(lambda: self.prop(path, 'State') == 'writing', 10, 'not writing')
        shutil.rmtree(self.state_dir)
        with open(self.state_dir, 'w'):
            pass
        self.wait_call(outcome, 60)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'NotRecorded')
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        self.assertEqual(self.prop(path, 'Revision'), old)
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            harness.ERROR_PREFIX + 'NotRecorded: '))
        # Once it can be written again, Upgrade applies the package written before.
        os.unlink(self.state_dir)
        self.module(path, 'Upgrade')
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_wrong_size_not_verified(self):
        sim, path = self.add_sim('M5311-E-DLVS')
        package = self.make_firmware('M5311-E', 'M5311-E-DLVS-' + NEW, size=1000)
        self.assertDBusError('NotVerified', self.update_fd, path, package, size=T(1))
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())

    def test_module_digest_differs_no_upgrade(self):
        # The module garbles its checksum answer: never upgraded.
        sim, path = self.add_sim('MN316-S-DLVS', '--error', 'AT+MFWCHECK=853')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        with self.assertRaises(GLib.Error):
            self.update_fd(path, package)
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        self.assertEqual(self.prop(path, 'State'), 'failed')

    def test_corrupt_package_upgrade_error(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        junk = self.make_package(3000)
        old = self.prop(path, 'Revision')
        self.assertDBusError('Upgrade', self.update_fd, path, junk)
        self.assertEqual(self.prop(path, 'Revision'), old)
        self.module(path, 'Erase')

    def test_ml307r_dc_host_transparent_one_reboot(self):
        sim, path = self.add_sim('ML307R-DC')
        package = self.make_firmware('ML307R', 'ML307R-DC-' + NEW)
        states = self.watch_states(path)
        self.update_fd(path, package)
        self.assertEqual(self.prop(path, 'Revision'), 'ML307R-DC-' + NEW)
        self.assert_settled(states)
        self.assertEqual(states.count('rebooting'), 1, states)
        self.assertIn(b'AT+MFWDLOAD=0,%d\r' % os.path.getsize(package), sim.log_bytes())

    # ---- module side ----

    def test_mn316_module_http(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('MN316-DLVS')
        package = self.make_firmware('MN316', 'MN316-DLVS-' + NEW, root)
        url = base + os.path.basename(package)
        states = self.watch_states(path)
        self.update(path, {'url': S(url), 'via': S('module'),
                           'size': T(os.path.getsize(package))})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)
        self.assert_settled(states)
        self.assertEqual(states, ['configuring', 'downloading', 'verifying', 'upgrading',
                                  'finished'])
        log = sim.log_bytes()
        self.assertIn(('AT+MFWCFG="url","%s"\r' % url).encode(), log)
        self.assertLess(log.index(b'AT+MFWERASE\r'), log.index(b'AT+MFWDLOAD\r'))

    def test_module_download_resumed_once(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('MN316-DLVS', '--stall-at', '1000', '--stall-resumable')
        package = self.make_firmware('MN316', 'MN316-DLVS-' + NEW, root)
        progress = self.subscribe(path, 'DownloadProgress')
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)
        self.assertEqual(sim.log_bytes().count(b'AT+MFWDLOAD\r'), 2)
        size = os.path.getsize(package)
        self.wait_for(lambda: progress and progress[-1] == (2, size, size), 5,
                      'no final DownloadProgress')

    def test_module_download_failure_no_upgrade(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('MN316-DLVS', '--stall-at', '1000')
        package = self.make_firmware('MN316', 'MN316-DLVS-' + NEW, root)
        self.assertDBusError('Download', self.update, path,
                             {'url': S(base + os.path.basename(package)), 'via': S('module')})
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        self.assertEqual(self.prop(path, 'State'), 'failed')
        # Usable afterwards: the stall was the first download's only.
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DLVS-' + NEW)

    def test_mn316s_module_ftp_with_user_digest_by_host(self):
        root, base, _ = self.start_server('ftp', 'onemo', 'pw1')
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, root)
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module'),
                           'user': S('onemo'), 'password': S('pw1')})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)
        log = sim.log_bytes()
        self.assertIn(b'AT+MFWCFG="auth","onemo","pw1"\r', log)
        self.assertLess(log.index(b'AT+MFWCHECK=2\r'), log.index(b'AT+MFWUPGRADE\r'))

    def test_mn316s_module_https_ca_file(self):
        root, base, ca = self.start_server('https')
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, root)
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module'),
                           'ca': harness.ca_bytes(ca)})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_mn316s_module_wrong_sha256(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, root)
        self.assertDBusError('NotVerified', self.update, path,
                             {'url': S(base + os.path.basename(package)), 'via': S('module'),
                              'sha256': S('ab' * 32)})
        self.assertIn(b'AT+MFWCHECK=2\r', sim.log_bytes())
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())

    def test_mn316s_module_file_url(self):
        fs_root = os.path.join(self.tmpdir, 'fs')
        os.mkdir(fs_root)
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, fs_root)
        sim, path = self.add_sim('MN316-S-DLVS', '--fs-root', fs_root)
        url = 'file:///' + os.path.basename(package)
        before = sim.log_bytes()
        # The host cannot learn a digest of the module's own file: refused before any command.
        self.assertDBusError('NotVerified', self.update, path, {'url': S(url), 'via': S('module')})
        self.assertEqual(sim.log_bytes(), before)
        with open(package, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.update(path, {'url': S(url), 'via': S('module'), 'sha256': S(digest)})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    # ---- modules that download during the upgrade ----

    def test_ml307a_self_download_with_reboots(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('ML307A-DSLN')
        package = self.make_firmware('ML307A', 'ML307A-DSLN-' + NEW, root)
        states = self.watch_states(path)
        progress = self.subscribe(path, 'UpgradeProgress')
        self.update(path, {'url': S(base + os.path.basename(package))})
        self.assertEqual(self.prop(path, 'Revision'), 'ML307A-DSLN-' + NEW)
        self.assert_settled(states)
        self.assertEqual(states[:2], ['configuring', 'upgrading'])
        self.assertIn('rebooting', states)
        self.wait_for(lambda: progress and progress[-1][0] == 2, 5, 'no final UpgradeProgress')
        percents = [p[1] for p in progress]
        self.assertEqual(percents, sorted(percents))
        self.assertIn(50, percents)
        self.assertEqual(progress[-1], (2, 100))
        self.assertNotIn(b'AT+MFWDLOAD', sim.log_bytes())

    def test_ml302s_self_download(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('ML302S-DNLM')
        package = self.make_firmware('ML302S', 'ML302S-DNLM-' + NEW, root)
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module')})
        self.assertEqual(self.prop(path, 'Revision'), 'ML302S-DNLM-' + NEW)

    def test_ml307r_dl_self_download_with_user(self):
        root, base, _ = self.start_server('ftp', 'u', 'p')
        sim, path = self.add_sim('ML307R-DL')
        package = self.make_firmware('ML307R', 'ML307R-DL-' + NEW, root)
        self.update(path, {'url': S(base + os.path.basename(package)), 'user': S('u'),
                           'password': S('p')})
        self.assertEqual(self.prop(path, 'Revision'), 'ML307R-DL-' + NEW)
        self.assertIn(b'AT+MFWCFG="auth","u","p"\r', sim.log_bytes())

    def test_self_download_refuses_checks_and_fd(self):
        sim, path = self.add_sim('ML307A-DSLN')
        package = self.make_firmware('ML307A', 'ML307A-DSLN-' + NEW)
        before = sim.log_bytes()
        url = S('http://127.0.0.1:9/fw.pkg')
        self.assertDBusError('NotSupported', self.update, path, {'url': url, 'sha256': S('a' * 64)})
        self.assertDBusError('NotSupported', self.update, path, {'url': url, 'size': T(10)})
        err = self.assertDBusError('NotSupported', self.update_fd, path, package)
        self.assertIn('itself', err.message)
        self.assertEqual(sim.log_bytes(), before)

    # ---- arguments, Busy ----

    def test_bad_arguments_send_nothing(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW)
        before = sim.log_bytes()
        url = S('http://127.0.0.1:9/fw.pkg')
        for options in [{}, {'url': url, 'fd': H(0)}, {'url': U(1)}, {'url': url, 'via': S('x')},
                        {'url': url, 'sha256': S('abc')}, {'url': url, 'sha256': S('g' * 64)},
                        {'url': url, 'size': U(1)}, {'url': url, 'colour': S('red')},
                        {'url': S('file:///etc/passwd')}, {'url': S('gopher://127.0.0.1/x')},
                        {'url': url, 'via': S('module'), 'mode': S('hex')},
                        {'url': url, 'user': S('u' * 49), 'password': S('p')},
                        {'url': url, 'password': S('p')},
                        {'url': url, 'ca-file': S('/nonexistent')},
                        {'url': url, 'ca': GLib.Variant('ay', b'')},
                        {'url': S('http://u:p@127.0.0.1/x')}]:
            with self.subTest(options=options):
                self.assertDBusError('InvalidArgument', self.update, path, options)
        self.assertDBusError('InvalidArgument', self.update, path,
                             {'fd': H(0), 'via': S('module')}, fds=[self.open_fd(package)])
        self.assertDBusError('InvalidArgument', self.update, path, {'fd': H(3)},
                             fds=[self.open_fd(package)])
        self.assertDBusError('InvalidArgument', self.update, path, {'fd': H(0)},
                             fds=[self.open_fd(self.tmpdir)])
        self.assertEqual(sim.log_bytes(), before)
        self.assertEqual(self.prop(path, 'State'), 'idle')

    def test_busy_during_update(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '115200')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=26000)
        outcome = self.call_async(path, MODULE_IFACE, 'Update', '(a{sv})',
                                  ({'fd': H(0)},), fds=[self.open_fd(package)])
        progress = self.subscribe(path, 'DownloadProgress')
        self.wait_for(lambda: self.prop(path, 'State') == 'writing', 10, 'never writing')
        self.assertDBusError('Busy', self.module, path, 'Erase')
        self.assertDBusError('Busy', self.update_fd, path, package)
        self.wait_for(lambda: progress and progress[-1][2] > 0, 10, 'no write progress')
        self.module(path, 'Cancel')
        self.wait_call(outcome)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Cancelled')
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            harness.ERROR_PREFIX + 'Cancelled: '))
        # The object answers afterwards. (A further write right after a cancelled transparent
        # one can meet a stray answer from the module, with Write() too: reported, not
        # Update's to fix.)
        self.module(path, 'Erase')
        self.assertEqual(self.prop(path, 'State'), 'finished')


class UpdateRebootFaultTest(UpdateBase):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '3']

    def test_old_revision(self):
        root, base, _ = self.start_server('http')
        sim, path = self.add_sim('ML307A-DSLN', '--reboot-old-revision')
        package = self.make_firmware('ML307A', 'ML307A-DSLN-' + NEW, root)
        old = self.prop(path, 'Revision')
        err = self.assertDBusError('NotVerified', self.update, path,
                                   {'url': S(base + os.path.basename(package))})
        self.assertIn(old, err.message)
        self.assertEqual(self.prop(path, 'State'), 'failed')

    def test_never_back_times_out(self):
        sim, path = self.add_sim('ML307R-DC', '--reboot-never')
        package = self.make_firmware('ML307R', 'ML307R-DC-' + NEW)
        self.assertDBusError('Timeout', self.update_fd, path, package)
        self.assertEqual(self.prop(path, 'State'), 'failed')


if __name__ == '__main__':
    harness.main()
