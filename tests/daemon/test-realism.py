#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The realism suite: the service against modules that read the manual otherwise, or behave like
modules on a live network. Every family's Update (M5311-E hex, MN316-S transparent and hex, MN316
hex, ML307A and ML302S by URL with FTP credentials, ML307R-DC from a file, and the module's own
download: MN316 and MN316-S by URL, MN316-S from file://) runs under each simulator knob of a
class below; Checksum, GetConfiguration, Cancel and AddPort run under
--noise. Run one class with `test-realism.py CLASS`; meson runs each class as its own test."""

import hashlib
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import update_helpers  # noqa: E402
from harness import S, T, H, U  # noqa: E402


NEW = 'MBRH7R01'


class FamiliesUpdate(harness.DaemonTest):
    """Update on every family; SIM_ARGS are the knobs every simulator of the class plays."""

    SIM_ARGS = ()
    DAEMON_ARGS = ['--command-timeout-ms', '5000', '--upgrade-timeout', '60',
                   '--resume-window-ms', '1000']

    def sim(self, model, *args, options=None):
        return self.add_sim(model, *(tuple(self.SIM_ARGS) + args), options=options)

    def update(self, path, options, fds=None):
        self.module(path, 'Update', '(a{sv})', (options,), fds=fds)

    def update_from_file(self, model, series, **extra):
        sim, path = self.sim(model)
        package = self.make_firmware(series, '%s-%s' % (model, NEW), size=3000)
        states = self.watch_states(path)
        self.update(path, dict({'fd': H(0)}, **extra), fds=[self.open_fd(package)])
        self.assertEqual(self.prop(path, 'Revision'), '%s-%s' % (model, NEW))
        self.wait_for(lambda: states and states[-1] == 'finished', 5, 'not finished: %s' % states)
        self.assertEqual(self.prop(path, 'LastError'), '')
        return sim, package

    def update_by_ftp_url(self, model, series):
        root, base, _ = update_helpers.start_server(self, 'ftp', 'onemo', 'pw1')
        sim, path = self.sim(model)
        package = self.make_firmware(series, '%s-%s' % (model, NEW), root)
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module'),
                           'user': S('onemo'), 'password': S('pw1')})
        self.assertEqual(self.prop(path, 'Revision'), '%s-%s' % (model, NEW))
        self.assertIn(b'AT+MFWCFG="auth","onemo","pw1"\r', sim.log_bytes())

    def update_by_module_download(self, model, series):
        root, base, _ = update_helpers.start_server(self, 'http')
        sim, path = self.sim(model)
        package = self.make_firmware(series, '%s-%s' % (model, NEW), root, size=3000)
        progress = self.subscribe(path, 'DownloadProgress')
        self.update(path, {'url': S(base + os.path.basename(package)), 'via': S('module'),
                           'size': T(os.path.getsize(package))})
        self.assertEqual(self.prop(path, 'Revision'), '%s-%s' % (model, NEW))
        self.assertIn(b'AT+MFWDLOAD\r', sim.log_bytes())
        self.wait_for(lambda: progress, 5, 'no DownloadProgress from the module\'s own download')

    def test_mn316_module_url(self):
        self.update_by_module_download('MN316-DLVS', 'MN316')

    def test_mn316s_module_url(self):
        self.update_by_module_download('MN316-S-DLVS', 'MN316-S')

    def test_mn316s_module_file_url(self):
        fs_root = os.path.join(self.tmpdir, 'module-fs')
        os.makedirs(os.path.join(fs_root, 'fw'))
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW,
                                     os.path.join(fs_root, 'fw'), size=3000)
        sim, path = self.sim('MN316-S-DLVS', '--fs-root', fs_root)
        with open(package, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.update(path, {'url': S('file://fw/' + os.path.basename(package)),
                           'via': S('module'), 'sha256': S(digest)})
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)

    def test_m5311e_hex(self):
        sim, _ = self.update_from_file('M5311-E-DLVS', 'M5311-E')
        self.assertIn(b'AT+MFWDLOAD=0,512,"', sim.log_bytes())

    def test_mn316s_transparent(self):
        sim, package = self.update_from_file('MN316-S-DLVS', 'MN316-S', mode=S('transparent'))
        self.assertIn(b'AT+MFWDLOAD=0,%d\r' % os.path.getsize(package), sim.log_bytes())

    def test_mn316s_hex(self):
        sim, _ = self.update_from_file('MN316-S-DLVS', 'MN316-S', mode=S('hex'))
        self.assertIn(b'AT+MFWDLOAD=0,512,"', sim.log_bytes())

    def test_mn316_hex(self):
        sim, _ = self.update_from_file('MN316-DLVS', 'MN316')
        self.assertIn(b'AT+MFWDLOAD=0,512,"', sim.log_bytes())

    def test_ml307a_url_ftp_credentials(self):
        self.update_by_ftp_url('ML307A-DSLN', 'ML307A')

    def test_ml302s_url_ftp_credentials(self):
        self.update_by_ftp_url('ML302S-DNLM', 'ML302S')

    def test_ml307r_dc_from_file(self):
        sim, package = self.update_from_file('ML307R-DC', 'ML307R')
        self.assertIn(b'AT+MFWDLOAD=0,%d\r' % os.path.getsize(package), sim.log_bytes())


class Noise(FamiliesUpdate):
    """A module on a live network: URCs anywhere, CR-only line ends, output in pieces."""

    SIM_ARGS = ('--noise', '1')

    def test_add_port_identifies(self):
        sim, path = self.sim('MN316-DBRS')
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-DBRS')
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-DBRS-MBRH0S00')
        self.assertEqual(self.prop(path, 'Imei'), '869487060000001')

    def test_checksum(self):
        sim, path = self.sim('MN316-S-DLVS')
        package = self.make_package(2000)
        self.module(path, 'Write', '(ha{sv})', (0, {'mode': S('transparent')}),
                    fds=[self.open_fd(package)])
        with open(package, 'rb') as f:
            data = f.read()
        for algorithm, digest in ((0, hashlib.md5), (1, hashlib.sha1), (2, hashlib.sha256)):
            got = self.module(path, 'Checksum', '(u)', (algorithm,), reply='(s)')[0]
            self.assertEqual(got, digest(data).hexdigest().upper())

    def test_get_configuration(self):
        sim, path = self.sim('MN316-S-DLVS')
        settings = {'url': S('http://192.0.2.7/fw.bin'), 'timeout': U(90), 'progind': U(2048)}
        self.module(path, 'Configure', '(a{sv})', (settings,))
        got = self.module(path, 'GetConfiguration', reply='(a{sv})')[0]
        self.assertEqual(got['url'], 'http://192.0.2.7/fw.bin')
        self.assertEqual(got['timeout'], 90)
        self.assertEqual(got['progind'], 2048)

    def test_cancel_then_update(self):
        sim, path = self.sim('MN316-S-DLVS', '--baud', '115200')
        big = self.make_package(40000, 'big.bin')
        progress = self.subscribe(path, 'DownloadProgress')
        outcome = self.call_async(path, harness.MODULE_IFACE, 'Write', '(ha{sv})',
                                  (0, {'mode': S('transparent')}), fds=[self.open_fd(big)])
        self.wait_for(lambda: progress and progress[-1][2] > 0, 20, 'no write progress')
        self.module(path, 'Cancel')
        self.wait_call(outcome, 60)
        self.assertEqual(harness.error_name(outcome['error']), harness.ERROR_PREFIX + 'Cancelled')
        package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=2000)
        self.update(path, {'fd': H(0)}, fds=[self.open_fd(package)])
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-' + NEW)


class NoiseOtherSeed(FamiliesUpdate):
    SIM_ARGS = ('--noise', '20261204')


class TransparentOk(FamiliesUpdate):
    """a: the transparent write is entered by a bare OK, and answered OK after the bytes."""
    SIM_ARGS = ('--transparent-answer', 'ok')


class TransparentOkSilent(FamiliesUpdate):
    """a: entered by a bare OK, and nothing after the bytes."""
    SIM_ARGS = ('--transparent-answer', 'ok-silent')


class FileNoReport(FamiliesUpdate):
    """b: a file:// AT+MFWDLOAD answers OK and reports nothing, as the manual's example."""
    SIM_ARGS = ('--file-no-report',)


class TotalNotInFinal(FamiliesUpdate):
    """c: the final +MFWDLOAD: 2 leaves <total> out."""
    SIM_ARGS = ('--dload-total', 'no-final')


class TotalNever(FamiliesUpdate):
    """c: no report carries <total>."""
    SIM_ARGS = ('--dload-total', 'never')


class LinkDrops(FamiliesUpdate):
    """f: an NB-IoT link that drops every 1000 bytes; each AT+MFWDLOAD resumes."""
    SIM_ARGS = ('--drop-every', '1000')


class LinkDropsLateResume(FamiliesUpdate):
    """f: dropped links whose +MFWDLOAD: 0 comes 300 ms after the 3."""
    SIM_ARGS = ('--drop-every', '1500', '--resume-delay-ms', '300')


class EraseForgets(FamiliesUpdate):
    """k: AT+MFWERASE also forgets url and auth; AT+MFWCHECK refused after a module download."""
    SIM_ARGS = ('--erase-clears-config', '--check-local-only')


class UpgradeNoOk(FamiliesUpdate):
    """d: AT+MFWUPGRADE of a loaded package answers no OK, only its reports."""
    SIM_ARGS = ('--upgrade-no-ok',)


class WhileFlashingError(FamiliesUpdate):
    """e: a command while the module flashes gets ERROR (none may be sent)."""
    SIM_ARGS = ('--while-flashing', 'error')

    def tearDown(self):
        for sim in self.sims:
            self.assertNotIn('while flashing', sim.stderr_text())
        super().tearDown()


class BootCmee0(FamiliesUpdate):
    """i: echo on and AT+CMEE=0 at boot and after every reboot."""
    SIM_ARGS = ('--boot-cmee', '0')


class UartRebootSlow(FamiliesUpdate):
    """j: a UART module deaf for 2.5 s after +MFWUPGRADE: 2, and its first AT+CGMR lost."""
    SIM_ARGS = ('--uart-reboot-ms', '2500', '--lose-after-reboot', 'AT+CGMR')


class CfgValuesBare(FamiliesUpdate):
    """g: AT+MFWCFG query answers with bare values, as the manual's §3.1 prints them."""
    SIM_ARGS = ('--cfg-values', 'bare')

    test_get_configuration = Noise.test_get_configuration


class TestFormPerKey(FamiliesUpdate):
    """h: test forms answered one line per key; the model table still grants every key (an
    ML302S takes FTP credentials)."""
    SIM_ARGS = ('--test-form', 'per-key')


class TestFormGarbage(FamiliesUpdate):
    """h: test forms answered with lines that read as nothing."""
    SIM_ARGS = ('--test-form', 'garbage')


if __name__ == '__main__':
    unittest.main(verbosity=2)
