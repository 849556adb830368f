#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every packager's choice configures and builds: the corners of the matrix of meson_options.txt.

Every boolean and feature option found in meson_options.txt takes part (an option added later
joins by itself): all off, all on, and each one alone off. Each corner is configured
(`meson setup -Dwerror=true`) and what an option leaves out is checked in `meson introspect`
(no test without -Dtests, no onemo-modem-sim without -Dsimulator, …). The corners that leave the
most out are compiled too (all off, and -Dtests=false alone); the others differ from the full
build this suite runs in only by what they leave out, so configuring them is the check.

The combinations refused on purpose are documented in meson_options.txt: -Dtests=true or
-Dinstalled_tests=true with -Dsimulator=false, and -Ddocs=true without the library or its GIR,
stop meson setup with a message naming the option; the test checks that message.

Left out: -Dfuzzing (it needs CC=clang and instruments its targets; build-aux/fuzz.sh builds
it in CI).

Usage: test-build-options.py SOURCE_ROOT
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT = os.path.abspath(sys.argv.pop(1))
MESON = shutil.which('meson')
NOT_IN_MATRIX = {'fuzzing'}
# Corners compiled as well as configured.
COMPILED = {'all off', 'tests off'}
VALUES = {'boolean': ('false', 'true'), 'feature': ('disabled', 'enabled')}


def matrix_options():
    """{name: type} of every boolean and feature option in meson_options.txt."""
    with open(os.path.join(SOURCE_ROOT, 'meson_options.txt')) as f:
        text = f.read()
    found = re.findall(r"option\(\s*'([^']+)'\s*,\s*type\s*:\s*'(boolean|feature)'", text)
    return {name: kind for name, kind in found if name not in NOT_IN_MATRIX}


def corners(options):
    """(name, {option: on?}) for all off, all on, and each option alone off."""
    yield 'all off', {name: False for name in options}
    yield 'all on', {name: True for name in options}
    for name in options:
        yield name + ' off', {other: other != name for other in options}


def refusal(choice):
    """What meson setup must say when it refuses @choice, else None."""
    if choice.get('simulator') is False:
        for option in ('tests', 'installed_tests'):
            if choice.get(option):
                return '-D%s=true needs -Dsimulator=true' % option
    if choice.get('docs'):
        if choice.get('library') is False:
            return '-Ddocs=true needs -Dlibrary=true'
        if choice.get('introspection') is False:
            return '-Ddocs=true needs -Dintrospection=auto or enabled'
    return None


class BuildOptionsTest(unittest.TestCase):

    def setUp(self):
        self.assertIsNotNone(MESON, 'meson builds this very tree')
        self.options = matrix_options()
        # The options this tree is known to have: the parser must see them.
        for name in ('tests', 'simulator', 'man', 'polkit', 'modemmanager_plugin'):
            self.assertIn(name, self.options)
        self.root = tempfile.mkdtemp(prefix='onemo-build-options-')
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)

    def setup(self, name, choice):
        build = os.path.join(self.root, name.replace(' ', '-'))
        args = ['-D%s=%s' % (option, VALUES[self.options[option]][on])
                for option, on in choice.items()]
        run = subprocess.run([MESON, 'setup', build, SOURCE_ROOT, '-Dwerror=true'] + args,
                             capture_output=True, text=True, timeout=300)
        return build, run

    def introspect(self, build, what):
        run = subprocess.run([MESON, 'introspect', build, what], capture_output=True,
                             text=True, check=True)
        return json.loads(run.stdout)

    def check_left_out(self, name, build, choice):
        """What an option leaves out is not there; what it keeps is."""
        targets = {t['name'] for t in self.introspect(build, '--targets')}
        tests = self.introspect(build, '--tests')
        installed = ' '.join(self.introspect(build, '--installed').values())
        self.assertEqual('onemo-modem-sim' in targets, choice['simulator'], name)
        self.assertEqual(len(tests) > 0, choice['tests'], name)
        self.assertEqual('onemo-fwctl.1' in installed, choice['man'], name)
        self.assertIn('onemo-firmwared', targets, name)
        if 'library' in choice:
            self.assertEqual('onemo-firmware-1' in targets, choice['library'], name)
            gir = any(t.endswith('OnemoFirmware-1.0.gir') for t in installed.split())
            self.assertEqual(gir, choice['library'] and choice.get('introspection', True), name)
            self.assertEqual('onemo-firmware-docs' in targets, choice['library']
                             and choice.get('docs', False), name)
        if 'installed_tests' in choice:
            self.assertEqual('installed-tests' in installed, choice['installed_tests'], name)

    def test_corners(self):
        seen = []
        for name, choice in corners(self.options):
            with self.subTest(corner=name):
                build, run = self.setup(name, choice)
                refused = refusal(choice)
                if refused is not None:
                    self.assertNotEqual(run.returncode, 0, name + ' should be refused')
                    self.assertIn(refused, run.stdout)
                    seen.append(name + ': refused')
                    continue
                self.assertEqual(run.returncode, 0, name + '\n' + run.stdout + run.stderr)
                self.check_left_out(name, build, choice)
                if name in COMPILED:
                    compiled = subprocess.run(['ninja', '-C', build], capture_output=True,
                                              text=True, timeout=900)
                    self.assertEqual(compiled.returncode, 0,
                                     name + '\n' + compiled.stdout[-4000:])
                    seen.append(name + ': built')
                else:
                    seen.append(name + ': configured')
                shutil.rmtree(build, ignore_errors=True)
        print('\n'.join(seen), file=sys.stderr)
        self.assertEqual(len(seen), len(self.options) + 2)


if __name__ == '__main__':
    unittest.main(verbosity=2)
