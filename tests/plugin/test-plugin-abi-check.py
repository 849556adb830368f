#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""plugin/meson.build's ModemManager version check, run for real: `meson setup` of this source
tree against a ModemManager.pc claiming another version (first on PKG_CONFIG_PATH). A known
series (1.20.x) builds the plugin for ABI 4.0; any other (1.18 has the same ABI number but another
create_modem, 1.22 is ABI 5.0) is left out with a warning under `auto` and stops the setup under
`enabled`; `disabled` builds nothing.

Usage: test-plugin-abi-check.py SOURCE_ROOT
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT = os.path.abspath(sys.argv.pop(1))
MESON = shutil.which('meson')
PKG_CONFIG = shutil.which('pkg-config')


class AbiCheckTest(unittest.TestCase):

    def setUp(self):
        if MESON is None or PKG_CONFIG is None:
            self.fail('meson and pkg-config are needed: they build this very tree')
        self.tmpdir = tempfile.mkdtemp(prefix='onemo-abi-check-')
        self.addCleanup(shutil.rmtree, self.tmpdir, ignore_errors=True)
        real = subprocess.run([PKG_CONFIG, '--path', 'ModemManager'], capture_output=True,
                              text=True)
        self.assertEqual(real.returncode, 0, 'ModemManager.pc is missing')
        with open(real.stdout.strip()) as f:
            self.pc_lines = f.read().splitlines()

    def setup(self, version, feature='auto'):
        """meson setup with ModemManager @version; returns (exit status, output, plugin built)."""
        pc_dir = os.path.join(self.tmpdir, 'pc-' + version)
        os.makedirs(pc_dir, exist_ok=True)
        with open(os.path.join(pc_dir, 'ModemManager.pc'), 'w') as f:
            f.write('\n'.join('Version: ' + version if line.startswith('Version:') else line
                              for line in self.pc_lines) + '\n')
        build = os.path.join(self.tmpdir, 'build-%s-%s' % (version, feature))
        env = dict(os.environ, PKG_CONFIG_PATH=pc_dir + os.pathsep
                   + os.environ.get('PKG_CONFIG_PATH', ''))
        run = subprocess.run([MESON, 'setup', build, SOURCE_ROOT, '-Dman=false',
                              '-Dmodemmanager_plugin=' + feature],
                             env=env, capture_output=True, text=True, timeout=120)
        output = run.stdout + run.stderr
        if run.returncode != 0:
            return run.returncode, output, False
        targets = json.loads(subprocess.run([MESON, 'introspect', build, '--targets'],
                                            check=True, capture_output=True, text=True).stdout)
        names = [t['filename'][0] for t in targets if t['name'] == 'mm-plugin-cmiot']
        return 0, output, any(os.path.dirname(n) == os.path.join(build, 'plugin')
                              for n in names)

    def test_known_series(self):
        for version in ('1.20.0', '1.20.6'):
            with self.subTest(version=version):
                status, output, built = self.setup(version)
                self.assertEqual(status, 0, output)
                self.assertIn('ModemManager %s: building the cmiot plugin for plugin ABI 4.0'
                              % version, output)
                self.assertTrue(built, output)

    def test_unknown_series_left_out(self):
        for version in ('1.18.12', '1.22.0', '2.0'):
            with self.subTest(version=version):
                status, output, built = self.setup(version)
                self.assertEqual(status, 0, output)
                self.assertIn('WARNING: ModemManager %s: its plugin ABI is not one the cmiot '
                              'plugin was checked against (1.20); the plugin is not built'
                              % version, output)
                self.assertFalse(built, output)

    def test_unknown_series_enabled_stops(self):
        status, output, built = self.setup('1.22.0', 'enabled')
        self.assertNotEqual(status, 0, output)
        self.assertIn('ERROR: Problem encountered: ModemManager 1.22.0: its plugin ABI is not '
                      'one', output)

    def test_disabled(self):
        status, output, built = self.setup('1.20.4', 'disabled')
        self.assertEqual(status, 0, output)
        self.assertNotIn('building the cmiot plugin', output)
        self.assertFalse(built, output)


if __name__ == '__main__':
    unittest.main(verbosity=2)
