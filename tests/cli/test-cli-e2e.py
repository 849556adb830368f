#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""onemo-fwctl end to end, the everyday commands: list, show, add-port/remove-port, config
(with --password-stdin, never in argv, no echo on a terminal), write with --json, in a pipe
and on a terminal, check, erase, exit codes, busctl and gdbus beside the CLI, monitor; the
calls let polkit ask for a password unless --no-ask-password.

Usage: test-cli-e2e.py ONEMO_FWCTL (and meson's daemon test environment)
"""

import fcntl
import hashlib
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_harness  # noqa: E402
import harness  # noqa: E402
from cli_harness import LineReader  # noqa: E402
from harness import GLib  # noqa: E402


class CommandsTest(cli_harness.CliTest):

    def test_list_and_show(self):
        sim_a, path_a = self.add_sim('MN316-S-DLVS')
        sim_b, path_b = self.add_sim('ML307A-DSLN', '--imei', '869487060000777')

        lines = self.fwctl_ok('list').stdout.splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertEqual(lines[0].split()[:2], [self.number(path_a), 'MN316-S-DLVS'])
        self.assertEqual(lines[1].split()[1], 'ML307A-DSLN')
        self.assertIn(sim_b.link, lines[1])
        self.assertTrue(lines[1].endswith('idle'))

        # One object per line; global options may also follow the command.
        modules = [json.loads(line) for line in self.fwctl_ok('list', '--json').stdout.splitlines()]
        self.assertEqual([m['module'] for m in modules], [path_a, path_b])
        self.assertEqual(modules[0]['sub-model'], 'MN316-S-DLVS')
        self.assertEqual(modules[1]['port'], sim_b.link)
        self.assertEqual(modules[1]['state'], 'idle')

        # Two modules: which one is a usage error that names them.
        result = self.fwctl('show')
        self.assertEqual(result.returncode, 2)
        self.assertIn('--module', result.stderr)
        self.assertIn(self.number(path_b), result.stderr)

        # Every kind of ID.
        for module_id in (self.number(path_b), path_b, sim_b.link, '869487060000777'):
            out = self.fwctl_ok('--module', module_id, 'show').stdout
            self.assertRegex(out, r'Sub-model: +ML307A-DSLN\n')
            self.assertIn('Capabilities:', out)
        shown = json.loads(self.fwctl_ok('-m', self.number(path_a), '--json', 'show').stdout)
        self.assertEqual(shown['module'], path_a)
        self.assertEqual(shown['SubModel'], 'MN316-S-DLVS')
        self.assertIn('cfg-timeout', shown['Capabilities'])
        self.assertEqual(shown['State'], 'idle')
        self.assertEqual(shown['DownloadTotal'], 0)

        result = self.fwctl('--module', '99', 'show')
        self.assertEqual(result.returncode, 11)
        self.assertIn('No module matches “99”', result.stderr)

    def test_add_and_remove_port(self):
        sim = self.start_sim('MN316-DBRS')
        path = self.fwctl_ok('add-port', '--model', 'MN316-DBRS', '--baud', '115200',
                             sim.link).stdout.strip()
        self.assertRegex(path, r'^/org/onemo/Firmware/Module/\d+$')
        self.assertEqual(self.prop(path, 'SubModel'), 'MN316-DBRS')
        # The same port again: Busy. Not a tty: InvalidArgument.
        self.assertEqual(self.fwctl('add-port', sim.link).returncode, 5)
        self.assertEqual(self.fwctl('add-port', os.devnull).returncode, 4)
        self.assertEqual(self.fwctl('add-port', '--model', 'NO-SUCH-MODEL',
                                    self.start_sim('MN316-DBRS').link).returncode, 4)

        self.fwctl_ok('remove-port', sim.link)
        self.assertEqual(self.fwctl_ok('list').stdout, 'No modules.\n')
        self.assertEqual(self.fwctl_ok('--json', 'list').stdout, '')
        self.assertEqual(self.fwctl('remove-port', sim.link).returncode, 11)
        result = json.loads(self.fwctl_ok('--json', 'add-port', sim.link).stdout)
        self.assertEqual(result['event'], 'result')
        self.assertTrue(result['module'].startswith('/org/onemo/Firmware/Module/'))

    def test_config_password_stdin(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        proc = self.fwctl_popen('config', 'url=http://127.0.0.1:1/fw.bin', 'timeout=60',
                                'user=alice', '--password-stdin', stdin=subprocess.PIPE)
        # While it waits for the password, its command line (what ps shows) has none. (Until
        # exec, /proc shows this script's command line: wait for the CLI's.)
        cmdline = []

        def exec_done():
            with open('/proc/%d/cmdline' % proc.pid, 'rb') as f:
                cmdline[:] = f.read().split(b'\0')
            return b'--password-stdin' in cmdline

        self.wait_for(exec_done, 10, 'onemo-fwctl did not start')
        self.assertFalse(any(b'S3cret' in arg for arg in cmdline))
        out, err = proc.communicate('S3cret\n', timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn(b'"S3cret"', sim.log_bytes())

        shown = self.fwctl_ok('config').stdout.splitlines()
        self.assertIn('url=http://127.0.0.1:1/fw.bin', shown)
        self.assertIn('timeout=60', shown)
        self.assertIn('password-set=true', shown)
        self.assertNotIn('S3cret', '\n'.join(shown))
        settings = json.loads(self.fwctl_ok('--json', 'config').stdout)
        self.assertEqual(settings['url'], 'http://127.0.0.1:1/fw.bin')
        self.assertEqual(settings['timeout'], 60)
        self.assertIs(settings['password-set'], True)

        result = self.fwctl_ok('--json', 'config', 'mode=full')
        self.assertEqual(json.loads(result.stdout), {'event': 'result', 'ok': True})

    def test_config_password_from_terminal(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        master, slave = pty.openpty()
        proc = subprocess.Popen([cli_harness.FWCTL, 'config', 'user=bob', '--password-stdin'],
                                env=self.env(), stdin=slave, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        self.addCleanup(self._stop, proc)
        os.close(slave)
        # The prompt comes once echo is off.
        prompt = b''
        while not prompt.endswith(b'Password: '):
            ready, _, _ = select.select([proc.stderr], [], [], 20)
            self.assertTrue(ready, 'no prompt')
            prompt += os.read(proc.stderr.fileno(), 100)
        os.write(master, b'Typed1\n')
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        # Nothing came back on the terminal: no echo.
        ready, _, _ = select.select([master], [], [], 0)
        try:
            echoed = os.read(master, 100) if ready else b''
        except OSError:  # EIO: the other end is closed and nothing is left
            echoed = b''
        os.close(master)
        self.assertNotIn(b'Typed1', echoed)
        self.assertIn(b'"bob","Typed1"', sim.log_bytes())

    def test_config_exit_codes(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        _, ml307a = self.add_sim('ML307A-DSLN')
        before = sim.log_bytes()
        # Out of the manual's range: InvalidArgument, nothing sent.
        result = self.fwctl('-m', self.number(path), 'config', 'timeout=5')
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertTrue(result.stderr.startswith('onemo-fwctl: Invalid argument: '),
                        result.stderr)
        self.assertEqual(sim.log_bytes(), before)
        # ML307A has no timeout setting: NotSupported.
        result = self.fwctl('--json', '-m', self.number(ml307a), 'config', 'timeout=60')
        self.assertEqual(result.returncode, 3, result.stderr)
        event = json.loads(result.stdout)
        self.assertEqual(event['error'], 'org.onemo.Firmware.Error.NotSupported')
        self.assertEqual(event['exit'], 3)
        self.assertIn('The module does not support this', result.stderr)

    def test_write_json_check_erase(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, data = self.package(30000)
        result = self.fwctl_ok('--json', 'write', '--mode', 'transparent', package)
        events = [json.loads(line) for line in result.stdout.splitlines()]
        progress = [e for e in events if e['event'] == 'progress']
        self.assertTrue(progress, events)
        done = [e['done'] for e in progress]
        self.assertEqual(done, sorted(done), 'progress went backwards')
        self.assertEqual(progress[-1]['status'], 'done')
        self.assertEqual(progress[-1]['done'], len(data))
        self.assertTrue(all(e['total'] == len(data) and e['module'] == path for e in progress))
        self.assertIn({'event': 'state', 'module': path, 'state': 'writing'}, events)
        self.assertEqual(events[-1], {'event': 'result', 'ok': True})

        self.assertEqual(self.fwctl_ok('check', 'md5').stdout,
                         hashlib.md5(data).hexdigest().upper() + '\n')
        # Event lines (the module's state while it reads the package), then the result.
        lines = self.fwctl_ok('--json', 'check').stdout.splitlines()
        result = json.loads(lines[-1])
        self.assertTrue(all(json.loads(line)['event'] == 'state' for line in lines[:-1]))
        self.assertEqual(result['checksum'], hashlib.sha256(data).hexdigest().upper())

        self.fwctl_ok('erase')
        self.assertIn(b'AT+MFWERASE\r', sim.log_bytes())
        self.assertEqual(self.prop(path, 'DownloadedBytes'), 0)

    def test_write_piped_lines(self):
        self.add_sim('MN316-S-DLVS')
        package, data = self.package(40000)
        out = self.fwctl_ok('write', package).stdout
        self.assertNotIn('\r', out)
        lines = out.splitlines()
        # The step is known from the start, before the service's State catches up.
        self.assertEqual(lines[0], 'Writing')
        self.assertEqual(lines.count('Writing'), 1)
        percents = [int(line.split(': ')[1].split(' %')[0]) for line in lines
                    if line.startswith('Writing: ')]
        self.assertTrue(percents, lines)
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(percents[-1], 100)
        # At most one line per tenth (and the first one of the step).
        self.assertLessEqual(len(percents), 12)
        self.assertEqual(len({p // 10 for p in percents}), len(percents))

        result = self.fwctl('--quiet', 'write', package)
        self.assertEqual((result.returncode, result.stdout), (0, ''))

    def test_write_terminal_bar(self):
        self.add_sim('MN316-S-DLVS')
        package, data = self.package(40000)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 72, 0, 0))
        proc = subprocess.Popen([cli_harness.FWCTL, 'write', package], env=self.env(), stdout=slave,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.addCleanup(self._stop, proc)
        os.close(slave)
        out = b''
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the CLI closed its end
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        self.assertEqual(proc.wait(30), 0, proc.stderr.read())
        proc.stderr.close()
        text = out.decode().replace('\r\n', '\n')
        # Redrawn in place: one bar per \r, none wider than the terminal less one column.
        draws = [d for line in text.split('\n') for d in line.split('\r') if d]
        bars = [d for d in draws if d.startswith('Writing [')]
        self.assertGreater(len(bars), 1, text)
        self.assertTrue(all(len(d) == 71 for d in draws), draws)
        self.assertIn('100%', bars[-1])
        self.assertNotIn('.', bars[-1].split('[')[1].split(']')[0])
        self.assertTrue(text.endswith('\n'))

    def test_not_supported_exit_code(self):
        self.add_sim('ML307A-DSLN')
        result = self.fwctl('erase')
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r'^onemo-fwctl: The module does not support this: .+\n$')
        package, _ = self.package(1000)
        self.assertEqual(self.fwctl('write', '--offset', '512', package).returncode, 3)

    def test_busctl_and_cli_side_by_side(self):
        """Scripts mix clients: what busctl sets, onemo-fwctl reads, and the other way round.
        (busctl and gdbus cannot pass a file descriptor, so Write is the CLI's.)"""
        sim, path = self.add_sim('MN316-S-DLVS')
        busctl = ['busctl', '--address=' + self.address]
        subprocess.run(busctl + ['call', harness.BUS_NAME, path, harness.MODULE_IFACE,
                                 'Configure', 'a{sv}', '2', 'url', 's', 'http://127.0.0.1:1/b.bin',
                                 'progind', 'u', '2048'],
                       check=True, capture_output=True, timeout=60)
        shown = self.fwctl_ok('config').stdout.splitlines()
        self.assertIn('url=http://127.0.0.1:1/b.bin', shown)
        self.assertIn('progind=2048', shown)

        package, data = self.package(12000)
        self.fwctl_ok('--quiet', 'write', package)
        got = subprocess.run(busctl + ['get-property', harness.BUS_NAME, path,
                                       harness.MODULE_IFACE, 'DownloadedBytes', 'State'],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        self.assertEqual(got, 't %d\ns "finished"\n' % len(data))
        result = subprocess.run(['gdbus', 'call', '--address', self.address, '--dest',
                                 harness.BUS_NAME, '--object-path', path, '--method',
                                 harness.MODULE_IFACE + '.Checksum', '2'],
                                check=True, capture_output=True, text=True, timeout=60)
        self.assertEqual(result.stdout, "('%s',)\n" % hashlib.sha256(data).hexdigest().upper())

    def test_monitor_json_sees_another_client(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        monitor = self.fwctl_popen('--json', 'monitor')
        reader = LineReader(monitor.stdout)
        self.assertEqual(json.loads(reader.next()), {'event': 'ready'})

        # Another client (the harness's own connection) writes.
        package, data = self.package(20000)
        self.module(path, 'Write', '(ha{sv})', (0, {'mode': GLib.Variant('s', 'transparent')}),
                    fds=[self.open_fd(package)])
        events = []
        while not events or not (events[-1]['event'] == 'progress'
                                 and events[-1]['status'] == 'done'):
            events.append(json.loads(reader.next()))
        progress = [e['done'] for e in events if e['event'] == 'progress']
        self.assertEqual(progress, sorted(progress))
        self.assertEqual(progress[-1], len(data))
        states = [e['changed']['State'] for e in events
                  if e['event'] == 'properties' and 'State' in e['changed']]
        self.assertIn('writing', states)
        self.assertTrue(all(e['module'] == path for e in events))

        # A module coming and going.
        sim2, path2 = self.add_sim('ML307A-DSLN')
        while (event := json.loads(reader.next()))['event'] != 'added':
            pass
        self.assertEqual(event, {'event': 'added', 'module': path2, 'sub-model': 'ML307A-DSLN',
                                 'port': sim2.link})
        self.remove_port(path2)
        while (event := json.loads(reader.next()))['event'] != 'removed':
            pass
        self.assertEqual(event['module'], path2)

        monitor.send_signal(signal.SIGINT)
        self.assertEqual(monitor.wait(10), 0)

    def test_monitor_follows_the_service(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        monitor = self.fwctl_popen('--json', 'monitor')
        reader = LineReader(monitor.stdout)
        self.assertEqual(json.loads(reader.next()), {'event': 'ready'})
        self.daemon.terminate()
        self.daemon.wait(10)
        self.assertEqual(json.loads(reader.next()), {'event': 'removed', 'module': path})
        self.assertEqual(json.loads(reader.next()), {'event': 'service', 'running': False})
        self.restart_daemon()
        self.assertEqual(json.loads(reader.next()), {'event': 'service', 'running': True})
        sim2, path2 = self.add_sim('ML307A-DSLN')
        self.assertEqual(json.loads(reader.next()), {'event': 'added', 'module': path2,
                                                     'sub-model': 'ML307A-DSLN',
                                                     'port': sim2.link})
        monitor.send_signal(signal.SIGINT)
        self.assertEqual(monitor.wait(10), 0)

    def test_monitor_lines(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        monitor = self.fwctl_popen('monitor')
        reader = LineReader(monitor.stdout)
        self.fwctl_ok('config', 'timeout=90')  # no property changes: nothing to print
        package, data = self.package(5000)
        self.fwctl_ok('--quiet', 'write', package)
        n = self.number(path)
        # The signal and the property change that end the write come in either order.
        wanted = {'%s: DownloadProgress done %d/%d' % (n, len(data), len(data)),
                  '%s: DownloadedBytes = %d' % (n, len(data))}
        seen = []
        while not wanted <= set(seen):
            seen.append(reader.next().rstrip('\n'))
        self.assertIn('%s: State = writing' % n, seen)
        monitor.send_signal(signal.SIGTERM)
        self.assertEqual(monitor.wait(10), 0)


class AskPasswordTest(cli_harness.CliTest):
    """The CLI's calls let polkit ask for a password, unless --no-ask-password: the flag
    python-dbusmock's polkitd sees in each CheckAuthorization() the daemon sends."""

    DAEMON_ARGS = cli_harness.CliTest.DAEMON_ARGS + ['--polkit']
    PRIVATE_SYSTEM_BUS = True

    def polkit_flags(self):
        calls = self.conn.call_sync(harness.POLKIT_NAME, harness.POLKIT_PATH, harness.MOCK_IFACE,
                                    'GetMethodCalls', GLib.Variant('(s)', ('CheckAuthorization',)),
                                    None, 0, 5000, None).unpack()[0]
        return [(args[1], args[3]) for _, args in calls]

    def test_interaction_flag(self):
        self.start_polkitd()
        self.polkit_allow('org.onemo.Firmware.manage-ports', 'org.onemo.Firmware.update')
        sim = self.start_sim('MN316-S-DLVS')
        self.fwctl_ok('add-port', sim.link, '--model', 'MN316-S-DLVS')
        self.fwctl_ok('config', 'url=http://127.0.0.1/a.bin', '--no-ask-password')
        self.fwctl_ok('--no-ask-password', 'erase')
        self.fwctl_ok('erase')
        self.assertEqual(self.polkit_flags(), [('org.onemo.Firmware.manage-ports', 1),
                                               ('org.onemo.Firmware.update', 0),
                                               ('org.onemo.Firmware.update', 0),
                                               ('org.onemo.Firmware.update', 1)])


if __name__ == '__main__':
    cli_harness.main()
