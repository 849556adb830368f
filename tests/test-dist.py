#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`meson dist` makes a tarball that builds.

meson dist needs a git tree: this source tree's HEAD is cloned into a temporary folder (so
what is tested is what was committed), configured lean, and `meson dist --no-tests` writes the
.tar.xz (meson's own check would build and run the whole suite: minutes). The tarball is
unpacked: it holds what a release needs (NEWS, README, LICENSE, the sources, the translations,
the installed tests) and no .git; it configures with the default options (so every file the
meson.build files name is in it), and a lean configuration of it compiles.

Usage: test-dist.py SOURCE_ROOT
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

SOURCE_ROOT = os.path.abspath(sys.argv.pop(1))
MESON = shutil.which('meson')
LEAN = ['-Dwerror=true', '-Dtests=false', '-Dman=false', '-Dmodemmanager_plugin=disabled']
# Files a release tarball must carry.
EXPECTED = ['NEWS', 'README.md', 'LICENSE', 'HACKING.md', 'meson.build', 'meson_options.txt',
            'src/daemon/main.c', 'src/cli/onemo-fwctl.c', 'po/zh_CN.po',
            'data/man/onemo-fwctl.xml', 'tests/installed/onemo-firmware-e2e.py',
            'introspection/org.onemo.Firmware.xml']


class DistTest(unittest.TestCase):

    def run_ok(self, argv, **kwargs):
        run = subprocess.run(argv, capture_output=True, text=True, timeout=900, **kwargs)
        self.assertEqual(run.returncode, 0, ' '.join(argv) + '\n' + run.stdout[-4000:]
                         + run.stderr[-4000:])
        return run

    def test_dist(self):
        if shutil.which('git') is None or not os.path.exists(os.path.join(SOURCE_ROOT, '.git')):
            self.skipTest('not a git tree')  # a tarball's own tree: nothing to make one from
        tmp = tempfile.mkdtemp(prefix='onemo-dist-')
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        clone, build = os.path.join(tmp, 'clone'), os.path.join(tmp, 'build')
        self.run_ok(['git', 'clone', '--quiet', '--no-hardlinks', SOURCE_ROOT, clone])
        self.run_ok([MESON, 'setup', build, clone] + LEAN)
        self.run_ok([MESON, 'dist', '-C', build, '--no-tests', '--formats', 'xztar'])
        version = self.run_ok([MESON, 'introspect', build, '--projectinfo']).stdout
        tarballs = os.listdir(os.path.join(build, 'meson-dist'))
        tarball = [t for t in tarballs if t.endswith('.tar.xz')]
        self.assertEqual(len(tarball), 1, tarballs)
        self.assertIn(tarball[0][len('onemo-firmware-'):-len('.tar.xz')], version)

        unpacked = os.path.join(tmp, 'unpacked')
        with tarfile.open(os.path.join(build, 'meson-dist', tarball[0])) as tar:
            names = tar.getnames()
            # Every member stays under the tarball's top folder (Debian 12's Python has no
            # extraction filters yet).
            self.assertFalse([n for n in names if n.startswith('/') or '..' in n.split('/')])
            tar.extractall(unpacked)
        top = tarball[0][:-len('.tar.xz')]
        for path in EXPECTED:
            self.assertIn(top + '/' + path, names)
        self.assertFalse([n for n in names if '/.git/' in n or n.endswith('/.git')])

        source = os.path.join(unpacked, top)
        self.run_ok([MESON, 'setup', os.path.join(tmp, 'from-tarball-default'), source,
                     '-Dwerror=true'])
        lean = os.path.join(tmp, 'from-tarball')
        self.run_ok([MESON, 'setup', lean, source] + LEAN)
        self.run_ok(['ninja', '-C', lean])
        fwctl = self.run_ok([os.path.join(lean, 'src', 'cli', 'onemo-fwctl'), '--version'])
        self.assertTrue(fwctl.stdout.startswith('onemo-fwctl '), fwctl.stdout)


if __name__ == '__main__':
    if MESON is None:
        print('meson is missing', file=sys.stderr)
        sys.exit(77)
    unittest.main(verbosity=2)
