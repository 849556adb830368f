#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs README.md's Python example as it stands, in a folder holding firmware.pkg, against the
real daemon and a simulated MN316-S on a private bus that the example sees as its system bus
(DBUS_SYSTEM_BUS_ADDRESS): it prints its progress up to 100 % and the new revision."""

import os
import subprocess

import lib_harness

MARKER = '<!-- readme-test-python:'
NEW = 'MN316-S-DLVS-MBRH9Z97'


def readme_python(path):
    """The code of the README's tested Python block."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    start = next(i for i, line in enumerate(lines) if line.startswith(MARKER))
    assert lines[start + 1] == '```python', lines[start + 1]
    end = lines.index('```', start + 2)
    return '\n'.join(lines[start + 2:end]) + '\n'


class ReadmePythonTest(lib_harness.LibTest):

    def test_readme_python(self):
        code = readme_python(os.path.join(os.environ['ONEMO_TEST_SRCDIR'], '..', 'README.md'))
        self.assertLessEqual(len(code.strip().split('\n')), 16, 'the example grew')
        sim, path = self.add_sim('MN316-S-DLVS')
        folder = os.path.join(self.tmpdir, 'app')
        os.mkdir(folder)
        package = self.make_firmware('MN316-S', NEW, size=20000)
        os.rename(package, os.path.join(folder, 'firmware.pkg'))
        run = subprocess.run(['/usr/bin/python3', '-c', code], cwd=folder,
                             env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address),
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, '')
        lines = run.stdout.strip().split('\n')
        self.assertEqual(lines[-1], 'now running ' + NEW)
        self.assertEqual(lines[-2], 'upgrading 100%')
        self.assertIn('loading 100%', lines)
        self.assertRegex(lines[0], r'^loading \d+%$')
        self.assertEqual(self.prop(path, 'Revision'), NEW)


if __name__ == '__main__':
    lib_harness.harness.main()
