#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The installed tests (-Dinstalled_tests=true, tests/installed/) run from an installed tree.

This source tree is configured with -Dinstalled_tests=true (and -Dtests=false: the leanest build
that has them) under a temporary prefix, compiled and installed there; then Debian's
gnome-desktop-testing-runner runs every .test of datadir/installed-tests/onemo-firmware, as
autopkgtest would. A prefix of its own rather than a DESTDIR, because .test files name their
Exec= by absolute path. The same tree installed again with --destdir runs its script too: it
finds the programs from its own place, wherever the tree lies.

Without gnome-desktop-testing-runner (Debian: gnome-desktop-testing) the Exec= lines are run
here instead, one by one, and the test says so.

Usage: test-installed-tests.py SOURCE_ROOT
"""

import configparser
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT = os.path.abspath(sys.argv.pop(1))
MESON = shutil.which('meson')
RUNNER = shutil.which('gnome-desktop-testing-runner')
NAME = 'onemo-firmware'
SCENARIOS = {'update', 'refusal'}


class InstalledTestsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix='onemo-installed-')
        # Installed tests run as a user would run them: the tree must be readable by anyone.
        os.chmod(cls.root, 0o755)
        cls.prefix = os.path.join(cls.root, 'prefix')
        cls.build = os.path.join(cls.root, 'build')
        for argv in ([MESON, 'setup', cls.build, SOURCE_ROOT, '--prefix', cls.prefix,
                      '-Dwerror=true', '-Dtests=false', '-Dinstalled_tests=true', '-Dman=false',
                      '-Dmodemmanager_plugin=disabled'],
                     ['ninja', '-C', cls.build],
                     [MESON, 'install', '-C', cls.build, '--quiet']):
            run = subprocess.run(argv, capture_output=True, text=True, timeout=900)
            if run.returncode != 0:
                shutil.rmtree(cls.root, ignore_errors=True)
                raise AssertionError('%s failed:\n%s%s' % (' '.join(argv), run.stdout[-4000:],
                                                           run.stderr[-4000:]))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def test_files(self):
        """GNOME's layout: the .test key files, each a session test whose Exec exists."""
        tests = sorted(glob.glob(os.path.join(self.prefix, 'share', 'installed-tests', NAME,
                                              '*.test')))
        self.assertEqual({os.path.basename(t)[:-5] for t in tests}, SCENARIOS)
        for path in tests:
            keys = configparser.ConfigParser()
            keys.read(path)
            self.assertEqual(keys['Test']['Type'], 'session', path)
            program = shlex.split(keys['Test']['Exec'])[0]
            self.assertTrue(program.startswith(os.path.join(self.prefix, 'libexec',
                                                            'installed-tests', NAME)), program)
            self.assertTrue(os.access(program, os.X_OK), program)

    def test_runner(self):
        if RUNNER is None:
            self.run_exec_lines()
            return
        run = subprocess.run([RUNNER, '--dir', os.path.join(self.prefix, 'share'), '--tap',
                              '--timeout', '300', NAME],
                             capture_output=True, text=True, timeout=900)
        results = [line for line in run.stdout.splitlines()
                   if line.startswith(('ok ', 'not ok '))]
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertEqual(len(results), len(SCENARIOS), run.stdout)
        self.assertFalse([r for r in results if r.startswith('not ok')], run.stdout)

    def run_exec_lines(self):
        print('gnome-desktop-testing-runner is missing (Debian: gnome-desktop-testing): '
              'running the Exec= lines here', file=sys.stderr)
        for path in glob.glob(os.path.join(self.prefix, 'share', 'installed-tests', NAME,
                                           '*.test')):
            keys = configparser.ConfigParser()
            keys.read(path)
            run = subprocess.run(shlex.split(keys['Test']['Exec']), capture_output=True,
                                 text=True, timeout=300)
            self.assertEqual(run.returncode, 0, path + '\n' + run.stdout + run.stderr)

    def test_destdir(self):
        """Installed again under a DESTDIR, the script runs from there."""
        destdir = os.path.join(self.root, 'destdir')
        subprocess.run([MESON, 'install', '-C', self.build, '--quiet', '--destdir', destdir],
                       check=True, capture_output=True, timeout=300)
        script = os.path.join(destdir + self.prefix, 'libexec', 'installed-tests', NAME,
                              'onemo-firmware-e2e')
        # The prefix's own tree is moved away meanwhile: only DESTDIR's programs can run.
        moved = self.prefix + '.away'
        os.rename(self.prefix, moved)
        try:
            run = subprocess.run([script, 'refusal'], capture_output=True, text=True,
                                 timeout=300)
        finally:
            os.rename(moved, self.prefix)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn('PASS: refusal', run.stdout)
        bogus = subprocess.run([script, 'no-such-scenario'], capture_output=True, text=True)
        self.assertEqual(bogus.returncode, 2, bogus.stderr)

if __name__ == '__main__':
    if MESON is None:
        print('meson is missing', file=sys.stderr)
        sys.exit(77)
    unittest.main(verbosity=2)
