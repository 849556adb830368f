#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""README.md's "Installing on your own system" stays true to the code.

- its meson setup line configures (every -D option exists), and each absolute path the section
  names is where that configuration installs something (`meson introspect --installed`);
- each daemon option it names is in `onemo-firmwared --help`, with the default it quotes;
  each onemo-fwctl command and option is in `onemo-fwctl --help`;
- each udev property it names is one the daemon reads or ModemManager's rules set, or one of
  udev's own (usb_id); each USB ID it names is in the generated rules.

Usage: test-readme-install.py SOURCE_ROOT ONEMO_FIRMWARED ONEMO_FWCTL MM_UDEV_RULES
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT, DAEMON, FWCTL, RULES = [os.path.abspath(a) for a in sys.argv[1:5]]
del sys.argv[1:5]
MESON = shutil.which('meson')
# Properties udev's usb_id builtin sets; the README names them for `udevadm info`.
UDEV_OWN = {'ID_VENDOR_ID', 'ID_MODEL_ID', 'ID_USB_INTERFACE_NUM'}


def section():
    with open(os.path.join(SOURCE_ROOT, 'README.md')) as f:
        text = f.read()
    start = text.index('## Installing on your own system')
    end = text.index('\n## ', start + 1)
    return text[start:end]


def help_text(program, *args):
    run = subprocess.run([program] + list(args) + ['--help'], capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE=''))
    return run.stdout + run.stderr


class ReadmeInstallTest(unittest.TestCase):

    def setUp(self):
        self.text = section()
        self.block = re.search(r'<!-- readme-install:.*?```sh\n(.*?)```', self.text, re.S)
        self.assertIsNotNone(self.block, 'the marked block is gone')
        self.block = self.block.group(1)

    def test_setup_and_paths(self):
        setup = next(line for line in self.block.splitlines() if line.startswith('meson setup'))
        argv = setup.split('#')[0].split()
        build = tempfile.mkdtemp(prefix='onemo-readme-install-')
        self.addCleanup(shutil.rmtree, build, ignore_errors=True)
        argv[2] = build  # the build folder it names, here a temporary one
        run = subprocess.run([MESON] + argv[1:2] + [build, SOURCE_ROOT] + argv[3:],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        installed = subprocess.run([MESON, 'introspect', build, '--installed'],
                                   capture_output=True, text=True, check=True).stdout
        paths = set(re.findall(r'`(/(?:usr|etc|var)/[^`\s]*)`', self.text))
        self.assertGreater(len(paths), 5, paths)
        for path in paths:
            if path.startswith('/etc/') or path.startswith('/var/'):
                # Read or written at run time: the configured paths say where.
                with open(os.path.join(build, 'config.h')) as f:
                    self.assertIn(path, f.read(), path)
                continue
            self.assertIn('"' + path, installed, path)

    def test_daemon_options(self):
        text = help_text(DAEMON)
        for option in re.findall(r'`(--[a-z-]+)`', self.text):
            if option in ('--prefix', '--no-ask-password'):
                continue
            self.assertIn(option, text + help_text(FWCTL), option)
        self.assertRegex(text, r'--modem-manager-wait=SECONDS .*\(30\)')
        self.assertRegex(text, r'--identify-retry-limit=SECONDS .*\(300\)')
        self.assertIn('ExecStart=/usr/libexec/onemo-firmwared --verbose', self.text)

    def test_fwctl(self):
        text = help_text(FWCTL)
        for command in set(re.findall(r'onemo-fwctl ([a-z-]+)', self.text)):
            self.assertIn('  ' + command + ' ', text, command)
        self.assertIn('--no-ask-password', text)
        self.assertIn('--model', help_text(FWCTL, 'add-port'))

    def test_udev(self):
        sources = ''
        for path in glob.glob(os.path.join(SOURCE_ROOT, 'src', 'daemon', '*.c')):
            with open(path) as f:
                sources += f.read()
        with open(RULES) as f:
            rules = f.read()
        names = set(re.findall(r'\b((?:ID|ONEMO)_[A-Z_]+)=', self.text))
        self.assertGreater(len(names), 4, names)
        for name in names:
            self.assertTrue(name in UDEV_OWN or '"%s"' % name in sources or name in rules, name)
        for vendor, product in re.findall(r'`([0-9a-f]{4}):([0-9a-f]{4})`', self.text):
            self.assertIn('ATTRS{idVendor}=="%s", ATTRS{idProduct}=="%s"' % (vendor, product),
                          rules)


if __name__ == '__main__':
    unittest.main(verbosity=2)
