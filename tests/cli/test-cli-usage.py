#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""onemo-fwctl without a service: --help everywhere, usage errors exit 2, an absent service
exits 11, and the Chinese catalogue is used when asked for.

Usage: test-cli-usage.py ONEMO_FWCTL LOCALEDIR
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

FWCTL = None
LOCALEDIR = None

COMMANDS = ['list', 'show', 'config', 'download', 'write', 'fetch', 'check', 'upgrade',
            'erase', 'cancel', 'update', 'monitor', 'add-port', 'remove-port']


def run(args, env=None, stdin=None, timeout=30):
    base = dict(os.environ)
    # English messages and no session bus from the environment unless a test sets one.
    for key in ('LANGUAGE', 'LC_ALL', 'LC_MESSAGES', 'LANG', 'DBUS_SESSION_BUS_ADDRESS',
                'ONEMO_FWCTL_BUS'):
        base.pop(key, None)
    base['LC_ALL'] = 'C.UTF-8'
    base.update(env or {})
    return subprocess.run([FWCTL] + args, env=base, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


class Help(unittest.TestCase):
    def test_main_help(self):
        result = run(['--help'])
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in COMMANDS:
            self.assertIn('\n  %s ' % command, result.stdout)
        # The exit codes are documented, 0 to 14.
        self.assertIn('Exit status:', result.stdout)
        self.assertIn('  14 ', result.stdout)
        self.assertIn('  11 no such module', result.stdout)

    def test_every_command_help(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                result = run([command, '--help'])
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn('onemo-fwctl [OPTION…] %s' % command, result.stdout)

    def test_command_options_in_help(self):
        expected = {
            'config': ['--password-stdin'],
            'write': ['--mode', '--offset'],
            'fetch': ['--user', '--password-stdin', '--ca-file', '--mode', '--offset'],
            'update': ['--sha256', '--size', '--via', '--user', '--password-stdin', '--ca-file',
                       '--mode'],
            'add-port': ['--model', '--baud', '--flow-control'],
        }
        for command, options in expected.items():
            result = run([command, '--help'])
            for option in options:
                self.assertIn(option, result.stdout, command)

    def test_version(self):
        result = run(['--version'])
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r'^onemo-fwctl \d+\.\d+\.\d+\n$')


class Usage(unittest.TestCase):
    """Every one of these is refused before the bus is touched (there is none here)."""

    BAD = [
        [],
        ['frobnicate'],
        ['--no-such-option', 'list'],
        ['--timeout', 'soon', 'list'],
        ['--timeout', '-1', 'list'],
        ['list', 'extra'],
        ['show', 'extra'],
        ['list', '--bogus'],
        ['write'],
        ['write', 'a', 'b'],
        ['write', '--mode', 'fast', '/dev/null'],
        ['write', '--offset', '-5', '/dev/null'],
        ['fetch'],
        ['fetch', '--password-stdin', 'http://127.0.0.1/p'],
        ['check', 'crc32'],
        ['check', 'md5', 'sha1'],
        ['config', 'colour=red'],
        ['config', 'timeout=sixty'],
        ['config', 'url'],
        ['config', 'timeout=60', 'timeout=90'],
        ['update'],
        ['update', '--via', 'pigeon', 'http://127.0.0.1/p'],
        ['add-port'],
        ['add-port', '--baud', '-1', '/dev/ttyS1'],
        ['remove-port', '1', '2'],
        ['monitor', 'now'],
        ['erase', 'now'],
        ['cancel', 'now'],
        ['upgrade', 'now'],
        ['download', 'now'],
    ]

    def test_bad_usage_exits_2(self):
        for args in self.BAD:
            with self.subTest(args=args):
                result = run(args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith('onemo-fwctl: '), result.stderr)
                self.assertEqual(result.stdout, '')

    def test_bad_usage_json(self):
        result = run(['--json', 'config', 'colour=red'])
        self.assertEqual(result.returncode, 2)
        event = json.loads(result.stdout)
        self.assertEqual(event, {'event': 'result', 'ok': False,
                                 'error': 'org.onemo.Fwctl.Error.Usage',
                                 'message': event['message'], 'exit': 2})
        self.assertIn('colour', event['message'])

    def test_password_stdin_conflict(self):
        result = run(['config', '--password-stdin', 'password=x'], stdin='y\n')
        self.assertEqual(result.returncode, 2)
        result = run(['config', '--password-stdin'], stdin='')
        self.assertEqual(result.returncode, 2)

    def test_unreadable_package(self):
        with tempfile.TemporaryDirectory() as directory:
            missing = os.path.join(directory, 'missing.bin')
            result = run(['write', missing])
            self.assertEqual(result.returncode, 4, result.stderr)
            self.assertIn(missing, result.stderr)
            # A directory is not a package.
            result = run(['update', directory])
            self.assertEqual(result.returncode, 4, result.stderr)


class NoService(unittest.TestCase):
    """A private bus with nobody on it."""

    @classmethod
    def setUpClass(cls):
        assert shutil.which('dbus-daemon') is not None, 'dbus-daemon is not installed'
        cls.bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address'],
                                   stdout=subprocess.PIPE, text=True)
        cls.address = cls.bus.stdout.readline().strip()
        assert cls.address, 'dbus-daemon printed no address'

    @classmethod
    def tearDownClass(cls):
        cls.bus.terminate()
        cls.bus.wait(timeout=10)

    def env(self):
        return {'DBUS_SESSION_BUS_ADDRESS': self.address}

    def test_list_exits_11(self):
        result = run(['--session', 'list'], env=self.env())
        self.assertEqual(result.returncode, 11, result.stderr)
        self.assertIn('The firmware service is not running', result.stderr)
        self.assertIn('org.onemo.Firmware', result.stderr)
        self.assertEqual(result.stdout, '')

    def test_env_chooses_session_bus(self):
        env = self.env()
        env['ONEMO_FWCTL_BUS'] = 'session'
        result = run(['list'], env=env)
        self.assertEqual(result.returncode, 11, result.stderr)
        self.assertIn('session bus', result.stderr)

    def test_every_module_command_exits_11(self):
        for args in (['show'], ['config'], ['download'], ['erase'], ['cancel'], ['upgrade'],
                     ['check'], ['monitor'], ['fetch', 'http://127.0.0.1:1/p'],
                     ['write', '/dev/null'], ['remove-port', '1'], ['add-port', '/dev/null']):
            with self.subTest(args=args):
                if args[0] == 'write':
                    # /dev/null is not a regular file: refused before the bus.
                    self.assertEqual(run(['--session'] + args, env=self.env()).returncode, 4)
                    continue
                result = run(['--session'] + args, env=self.env())
                self.assertEqual(result.returncode, 11, result.stderr)

    def test_json_error(self):
        result = run(['--session', '--json', 'list'], env=self.env())
        self.assertEqual(result.returncode, 11)
        event = json.loads(result.stdout)
        self.assertEqual(event['event'], 'result')
        self.assertFalse(event['ok'])
        self.assertEqual(event['exit'], 11)
        self.assertEqual(event['error'], 'org.onemo.Fwctl.Error.NoService')


class Chinese(unittest.TestCase):
    def test_help_in_chinese(self):
        mo = os.path.join(LOCALEDIR, 'zh_CN', 'LC_MESSAGES', 'onemo-firmware.mo')
        self.assertTrue(os.path.exists(mo), mo)
        env = {'LANGUAGE': 'zh_CN', 'ONEMO_FWCTL_LOCALEDIR': LOCALEDIR}
        result = run(['--help'], env=env)
        self.assertEqual(result.returncode, 0)
        self.assertIn('列出模组', result.stdout)
        self.assertIn('退出状态', result.stdout)
        result = run(['frobnicate'], env=env)
        self.assertEqual(result.returncode, 2)
        self.assertIn('未知命令', result.stderr)
        for command in COMMANDS:
            with self.subTest(command=command):
                result = run([command, '--help'], env=env)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertRegex(result.stdout, r'[\u4e00-\u9fff]')


if __name__ == '__main__':
    FWCTL, LOCALEDIR = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], '-v'])
