#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Configure and GetConfiguration: per series, NotSupported per the model table, and the
bad-input table (each InvalidArgument, with nothing reaching the module)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import GLib, S, U  # noqa: E402



class ConfigureTest(harness.DaemonTest):

    def configure(self, path, settings):
        self.module(path, 'Configure', '(a{sv})', (settings,))

    def get_configuration(self, path):
        return self.module(path, 'GetConfiguration', reply='(a{sv})')[0]

    def test_mn316s_every_key(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        self.configure(path, {'url': S('https://127.0.0.1:8443/fw.bin'), 'user': S('alice'),
                              'password': S('s3cret-pw'), 'timeout': U(90), 'mode': U(1),
                              'progind': U(2048), 'ssl': U(3), 'pkgsize': U(1536)})
        self.assertEqual(self.prop(path, 'State'), 'finished')
        config = self.get_configuration(path)
        self.assertEqual(config['url'], 'https://127.0.0.1:8443/fw.bin')
        self.assertEqual(config['user'], 'alice')
        self.assertIs(config['password-set'], True)
        self.assertNotIn('password', config)
        self.assertEqual((config['timeout'], config['mode'], config['progind'], config['ssl'],
                          config['pkgsize']), (90, 1, 2048, 3, 1536))
        self.assertIn(b'AT+MFWCFG="auth","alice","s3cret-pw"', sim.log_bytes())
        # The password never reaches the daemon's log (run with --verbose).
        with open(self.daemon_log.name) as f:
            self.assertNotIn('s3cret-pw', f.read())
        for value in config.values():
            self.assertNotIn('s3cret-pw', str(value))

    def test_m5311_limits(self):
        sim, path = self.add_sim('M5311-E-DLVS')
        self.configure(path, {'url': S('http://127.0.0.1/a.bin'), 'pkgsize': U(512)})
        before = sim.log_bytes()
        for settings in [{'ssl': U(1)}, {'pkgsize': U(1024)}, {'url': S('https://h/a.bin')},
                         {'url': S('ftp://h/a.bin')}, {'url': S('file://a.bin')}]:
            with self.subTest(settings=settings):
                self.assertDBusError('NotSupported', self.configure, path, settings)
        self.assertEqual(sim.log_bytes(), before)
        config = self.get_configuration(path)
        self.assertEqual(config['url'], 'http://127.0.0.1/a.bin')
        self.assertNotIn('ssl', config)

    def test_mn316_no_file(self):
        sim, path = self.add_sim('MN316-DBRS')
        self.configure(path, {'url': S('https://127.0.0.1/a.bin'), 'ssl': U(0)})
        self.assertDBusError('NotSupported', self.configure, path, {'url': S('file://a.bin')})

    def test_ml307a_url_and_auth_only(self):
        sim, path = self.add_sim('ML307A-DSLN')
        self.configure(path, {'url': S('ftp://127.0.0.1/system_patch.bin_1'),
                              'user': S('u'), 'password': S('p')})
        before = sim.log_bytes()
        for key, value in [('timeout', U(60)), ('mode', U(0)), ('progind', U(1024)),
                           ('ssl', U(0)), ('pkgsize', U(512))]:
            with self.subTest(key=key):
                self.assertDBusError('NotSupported', self.configure, path, {key: value})
        self.assertDBusError('NotSupported', self.configure, path,
                             {'url': S('https://h/a.bin')})
        self.assertEqual(sim.log_bytes(), before)
        config = self.get_configuration(path)
        self.assertEqual(sorted(config), ['password-set', 'url', 'user'])

    def test_ml307a_dcln_no_ftp(self):
        sim, path = self.add_sim('ML307A-DCLN')
        self.assertDBusError('NotSupported', self.configure, path, {'url': S('ftp://h/a')})
        self.assertEqual(sim.log_bytes().count(b'MFWCFG="url"'), 0)

    def test_ml307r_dc(self):
        sim, path = self.add_sim('ML307R-DC')
        self.configure(path, {'url': S('http://127.0.0.1/a'), 'timeout': U(30), 'ssl': U(4),
                              'progind': U(1024)})
        self.assertDBusError('NotSupported', self.configure, path, {'mode': U(1)})
        self.assertDBusError('NotSupported', self.configure, path, {'pkgsize': U(512)})

    def test_bad_input(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        before = sim.log_bytes()
        good = 'http://127.0.0.1/a.bin'
        bad = [
            {'url': S('http://h/"quoted".bin')},
            {'url': S('http://h/a\r.bin')},
            {'url': S('http://h/a\n.bin')},
            {'url': S('http://h/a\x01.bin')},
            {'url': S('http://h/a\x7f.bin')},
            {'url': S('http://h/\u00e9.bin')},
            {'url': S('http://h/' + 'a' * 250)},
            {'url': S('')},
            {'url': S('gopher://h/a.bin')},
            {'url': S('h/a.bin')},
            {'url': U(1)},
            {'user': S('u')},
            {'password': S('p')},
            {'user': S('u"'), 'password': S('p')},
            {'user': S('u'), 'password': S('p\r')},
            {'user': S('u'), 'password': S('p\n')},
            {'user': S('\x1b'), 'password': S('p')},
            {'user': S('u'), 'password': S('\u4e2d')},
            {'user': S('u' * 49), 'password': S('p')},
            {'user': S('u'), 'password': S('p' * 49)},
            {'user': S(''), 'password': S('p')},
            {'user': U(1), 'password': S('p')},
            {'timeout': U(29)}, {'timeout': U(181)}, {'timeout': U(0)},
            {'timeout': GLib.Variant('i', 60)}, {'timeout': S('60')},
            {'timeout': GLib.Variant('t', 60)},
            {'mode': U(2)},
            {'progind': U(1000)}, {'progind': U(1025)},
            {'ssl': U(5)}, {'ssl': GLib.Variant('i', -1)},
            {'pkgsize': U(0)}, {'pkgsize': U(513)}, {'pkgsize': U(3584)},
            {'colour': S('red')},
            {'URL': S(good)},
            {},
            # One bad key spoils a good one: nothing at all is sent.
            {'url': S(good), 'timeout': U(10)},
            {'url': S(good), 'unknown': U(1)},
        ]
        for settings in bad:
            with self.subTest(settings=settings):
                self.assertDBusError('InvalidArgument', self.configure, path, settings)
        self.assertEqual(sim.log_bytes(), before)
        # The module object is untouched and works.
        self.assertEqual(self.prop(path, 'State'), 'idle')
        self.configure(path, {'url': S('http://h/' + 'a' * 247)})  # exactly 256 bytes
        self.configure(path, {'user': S('u' * 48), 'password': S('p' * 48)})
        for key, value in [('timeout', 30), ('timeout', 180), ('progind', 0), ('ssl', 0),
                           ('ssl', 4), ('pkgsize', 3072), ('mode', 0)]:
            self.configure(path, {key: U(value)})

    def test_module_error(self):
        sim, path = self.add_sim('MN316-DBRS', '--error', 'AT+MFWCFG=851')
        e = self.assertDBusError('Config', self.configure, path, {'timeout': U(60)})
        self.assertEqual(self.prop(path, 'State'), 'failed')
        self.assertTrue(self.prop(path, 'LastError').startswith(
            'org.onemo.Firmware.Error.Config: '), e.message)


class ConfigurationReadingsTest(harness.DaemonTest):
    """g: AT+MFWCFG query answers quoted or bare (the manual's §3.1 prints them bare), and one
    unreadable key that spoils nothing else."""

    configure = ConfigureTest.configure
    get_configuration = ConfigureTest.get_configuration

    def daemon_log_text(self):
        with open(self.daemon_log.name) as f:
            return f.read()

    def test_quoted_and_bare(self):
        every = {'url': S('ftp://127.0.0.1/a,b.bin'), 'user': S('alice'),
                 'password': S('s3cret-pw'), 'timeout': U(90), 'mode': U(1),
                 'progind': U(2048), 'ssl': U(3), 'pkgsize': U(1536)}
        expected = {'url': 'ftp://127.0.0.1/a,b.bin', 'user': 'alice', 'password-set': True,
                    'timeout': 90, 'mode': 1, 'progind': 2048, 'ssl': 3, 'pkgsize': 1536}
        for how in ('quoted', 'bare'):
            with self.subTest(values=how):
                sim, path = self.add_sim('MN316-S-DLVS', '--cfg-values', how)
                self.configure(path, every)
                self.assertEqual(self.get_configuration(path), expected)
                self.remove_port(path)
        sim, path = self.add_sim('ML302S-DNLM', '--cfg-values', 'bare')
        self.configure(path, {'url': S('ftp://127.0.0.1/system_patch.mini_1'), 'user': S('u'),
                              'password': S('p')})
        self.assertEqual(self.get_configuration(path),
                         {'url': 'ftp://127.0.0.1/system_patch.mini_1', 'user': 'u',
                          'password-set': True})
        self.assertNotIn('s3cret-pw', self.daemon_log_text())

    def test_one_key_unreadable(self):
        for how in ('garbage', 'error'):
            with self.subTest(how=how):
                sim, path = self.add_sim('MN316-S-DLVS', '--cfg-values', 'bare',
                                         '--cfg-unreadable', 'timeout=' + how)
                self.configure(path, {'url': S('http://127.0.0.1/a.bin'), 'ssl': U(2)})
                config = self.get_configuration(path)
                self.assertNotIn('timeout', config)
                self.assertEqual(config['unreadable'], ['timeout'])
                self.assertEqual((config['url'], config['ssl'], config['pkgsize']),
                                 ('http://127.0.0.1/a.bin', 2, 512))
                self.assertEqual(self.prop(path, 'State'), 'finished')  # Configure's
                self.assertEqual(self.prop(path, 'LastError'), '')
                self.assertIn('AT+MFWCFG="timeout" unreadable, left out: ',
                              self.daemon_log_text())
                self.remove_port(path)

    def test_auth_unreadable_keeps_the_password_out(self):
        sim, path = self.add_sim('ML307A-DSLN', '--cfg-unreadable', 'auth=garbage')
        self.configure(path, {'url': S('ftp://127.0.0.1/a'), 'user': S('bob'),
                              'password': S('hunter2-pw')})
        config = self.get_configuration(path)
        self.assertEqual(config, {'url': 'ftp://127.0.0.1/a', 'unreadable': ['auth']})
        self.assertIn('AT+MFWCFG="auth" unreadable, left out: the answer is malformed',
                      self.daemon_log_text())
        self.assertNotIn('hunter2-pw', self.daemon_log_text())

    def test_every_key_unreadable(self):
        keys = ['url', 'auth', 'timeout', 'progind', 'ssl']
        args = []
        for key in keys:
            args += ['--cfg-unreadable', key + '=error']
        sim, path = self.add_sim('ML307R-DC', *args)
        self.assertEqual(self.get_configuration(path), {'unreadable': keys})


class TestFormsTest(harness.DaemonTest):
    """h: whatever the test forms answer, Capabilities and what the methods accept are the
    model table's, and the answers are logged."""

    def table_capabilities(self):
        import subprocess
        out = subprocess.run([os.environ['ONEMO_MODEM_SIM'], '--list-models'], check=True,
                             capture_output=True, text=True).stdout
        return {line.split()[0]: line.split()[3].split(',') for line in out.splitlines()}

    def test_every_shape(self):
        table = self.table_capabilities()
        for shape in ('list', 'per-key', 'error', 'ok', 'garbage'):
            for model in ('ML302S-DNLM', 'MN316-S-DLVS', 'M5311-E-DLVS'):
                with self.subTest(shape=shape, model=model):
                    sim, path = self.add_sim(model, '--test-form', shape)
                    self.assertEqual(sorted(self.prop(path, 'Capabilities')),
                                     sorted(table[model]))
                    if model == 'ML302S-DNLM':
                        ConfigureTest.configure(self, path, {
                            'url': S('ftp://127.0.0.1/system_patch.mini_1'), 'user': S('u'),
                            'password': S('p')})
                        self.assertIn(b'AT+MFWCFG="auth","u","p"', sim.log_bytes())
                    elif model == 'MN316-S-DLVS':
                        ConfigureTest.configure(self, path, {'timeout': U(120),
                                                             'pkgsize': U(3072)})
                        self.assertIn(b'AT+MFWCFG="timeout",120', sim.log_bytes())
                    else:
                        ConfigureTest.configure(self, path, {'progind': U(1024)})
                    self.assertIn(b'AT+MFWCFG=?', sim.log_bytes())
                    with open(self.daemon_log.name) as f:
                        self.assertIn('%s: AT+MFWCFG=? answers ' % sim.link, f.read())
                    self.remove_port(path)


if __name__ == '__main__':
    harness.main()
