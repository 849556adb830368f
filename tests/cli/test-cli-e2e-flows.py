#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""onemo-fwctl end to end, the flows that load and install a package: download by the
module, fetch by the host (http, https with a password), update, upgrade through reboots,
and what Ctrl-C, --timeout and cancel do to them.

Usage: test-cli-e2e-flows.py ONEMO_FWCTL (and meson's daemon test environment)
"""

import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_harness  # noqa: E402
from cli_harness import LineReader  # noqa: E402


class FlowsTest(cli_harness.CliTest):

    def test_download(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, data = self.package(50000)
        base = self.http_server(os.path.dirname(package))
        self.fwctl_ok('config', 'url=' + base + os.path.basename(package))
        result = self.fwctl_ok('--json', 'download')
        events = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual(events[0], {'event': 'state', 'module': path, 'state': 'downloading'})
        progress = [e for e in events if e['event'] == 'progress']
        self.assertEqual([e['done'] for e in progress], sorted(e['done'] for e in progress))
        self.assertEqual((progress[-1]['status'], progress[-1]['done']), ('done', len(data)))
        self.assertEqual(events[-1], {'event': 'result', 'ok': True})
        self.assertEqual(self.fwctl_ok('check', 'md5').stdout.strip(),
                         hashlib.md5(data).hexdigest().upper())

        # Nothing at that URL: the download fails, exit 12.
        self.fwctl_ok('erase')
        self.fwctl_ok('config', 'url=' + base + 'missing.bin')
        result = self.fwctl('download')
        self.assertEqual(result.returncode, 12, result.stderr)
        self.assertRegex(result.stderr, r'^onemo-fwctl: The download failed: ')

    def test_fetch(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, data = self.package(60000)
        base = self.http_server(os.path.dirname(package))
        result = self.fwctl_ok('--json', 'fetch', base + os.path.basename(package))
        events = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual(events[-1], {'event': 'result', 'ok': True})
        progress = [e for e in events if e['event'] == 'progress']
        self.assertTrue(progress)
        self.assertEqual(self.fwctl_ok('check', 'md5').stdout.strip(),
                         hashlib.md5(data).hexdigest().upper())
        # The service never reads a file for a caller: file:// is InvalidArgument.
        result = self.fwctl('fetch', 'file://' + package)
        self.assertEqual(result.returncode, 4, result.stderr)
        # Nothing there: exit 12.
        result = self.fwctl('fetch', base + 'missing.bin')
        self.assertEqual(result.returncode, 12, result.stderr)

    def test_fetch_https_with_password(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, data = self.package(20000)
        ca = os.path.join(self.tmpdir, 'ca.pem')
        url = self.http_server(os.path.dirname(package), 'https', '--cert-out', ca,
                               '--user', 'gw', '--password', 'Pa55') + os.path.basename(package)
        # TLS is verified: an unknown certificate fails the download.
        result = self.fwctl('fetch', url)
        self.assertEqual(result.returncode, 12, result.stderr)
        self.assertIn('certificate', result.stderr)
        # The right CA but no password.
        result = self.fwctl('fetch', '--ca-file', ca, url)
        self.assertEqual(result.returncode, 12, result.stderr)
        # The password from stdin, the CA file by a relative name.
        result = subprocess.run([cli_harness.FWCTL, 'fetch', '--user', 'gw', '--password-stdin', '--ca-file',
                                 'ca.pem', url], env=self.env(), input='Pa55\n',
                                capture_output=True, text=True, cwd=self.tmpdir, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.fwctl_ok('check', 'md5').stdout.strip(),
                         hashlib.md5(data).hexdigest().upper())
        # The CLI reads the CA file itself (the service opens no path for a caller): a
        # folder or a file over the service's cap never leaves the client.
        big = os.path.join(self.tmpdir, 'big.pem')
        with open(big, 'wb') as f:
            f.write(b'A' * (1024 * 1024 + 1))
        before = sim.log_bytes()
        for bad, needle in ((self.tmpdir, 'not a regular file'), (big, 'CA bundle'),
                            (os.path.join(self.tmpdir, 'none.pem'), 'none.pem')):
            result = self.fwctl('fetch', '--ca-file', bad, url)
            self.assertNotEqual(result.returncode, 0, result.stderr)
            self.assertIn(needle, result.stderr)
        self.assertEqual(sim.log_bytes(), before)

    def test_update_file_and_url(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, _ = self.upgrade_package('MN316-S', 'MN316-S-DLVS-MBRH7S01')
        result = self.fwctl_ok('update', package)
        self.assertIn('Updated: the module now runs MN316-S-DLVS-MBRH7S01', result.stdout)
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH7S01')

        served = os.path.join(self.tmpdir, 'served')
        os.mkdir(served)
        package, _ = self.upgrade_package('MN316-S', 'MN316-S-DLVS-MBRH7S02', served)
        base = self.http_server(served)
        result = self.fwctl_ok('--json', 'update', '--via', 'host',
                               base + os.path.basename(package))
        events = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual(events[-1], {'event': 'result', 'ok': True,
                                      'revision': 'MN316-S-DLVS-MBRH7S02'})
        states = [e['state'] for e in events if e['event'] == 'state']
        self.assertIn('upgrading', states)

        # The module downloads it itself.
        package, _ = self.upgrade_package('MN316-S', 'MN316-S-DLVS-MBRH7S03', served)
        result = self.fwctl_ok('update', '--via', 'module', base + os.path.basename(package))
        self.assertIn('Downloading', result.stdout.splitlines())
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH7S03')

    def test_update_expected_digest_and_size(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, _ = self.upgrade_package('MN316-S', 'MN316-S-DLVS-MBRH7S04')
        with open(package, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        size = str(os.path.getsize(package))
        # Wrong digest or size: NotVerified (exit 8), and no upgrade reached the module.
        self.assertEqual(self.fwctl('update', package, '--sha256', '0' * 64).returncode, 8)
        self.assertEqual(self.fwctl('update', '--size', '7', package).returncode, 8)
        self.assertNotIn(b'AT+MFWUPGRADE', sim.log_bytes())
        # Not a digest, not a size: a usage error before any call.
        self.assertEqual(self.fwctl('update', package, '--sha256', 'abc').returncode, 2)
        self.assertEqual(self.fwctl('update', package, '--size', '0').returncode, 2)
        self.fwctl_ok('update', package, '--sha256', digest.upper(), '--size', size)
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH7S04')

    def test_update_wrong_package(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package, _ = self.upgrade_package('ML307A', 'ML307A-DSLN-MBRH7S01')
        result = self.fwctl('update', package)
        self.assertIn(result.returncode, (8, 13), result.stderr)
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH0S00')

    def test_upgrade(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        # A package for another series: the module refuses it (854), exit 13.
        wrong = self.upgrade_package('ML307A', 'ML307A-DSLN-MBRH9S99')[0]
        self.fwctl_ok('--quiet', 'write', wrong)
        result = self.fwctl('upgrade')
        self.assertEqual(result.returncode, 13, result.stderr)
        self.assertTrue(result.stderr.startswith('onemo-fwctl: The upgrade failed: '),
                        result.stderr)
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH0S00')

        package = self.upgrade_package('MN316-S', 'MN316-S-DLVS-MBRH9S99')[0]
        self.fwctl_ok('erase')
        self.fwctl_ok('--quiet', 'write', package)
        result = self.fwctl_ok('upgrade')
        self.assertIn('Upgraded: the module now runs MN316-S-DLVS-MBRH9S99', result.stdout)
        self.assertEqual(self.prop(path, 'Revision'), 'MN316-S-DLVS-MBRH9S99')

    def test_upgrade_is_not_interrupted(self):
        # The module is away 2 s for its reboot: time enough for Ctrl-C.
        sim, path = self.add_sim('ML307R-DC', '--reboot-ms', '2000')
        package = self.upgrade_package('ML307R', 'ML307R-DC-MBRH9S98')[0]
        self.fwctl_ok('--quiet', 'write', package)
        upgrader = self.fwctl_popen('upgrade')
        self.wait_for(lambda: self.prop(path, 'State') in ('upgrading', 'rebooting'), 20,
                      'not upgrading')
        upgrader.send_signal(signal.SIGINT)
        out, err = upgrader.communicate(timeout=60)
        self.assertEqual(upgrader.returncode, 0, err)
        self.assertIn('An upgrade cannot be interrupted', err)
        self.assertIn('Upgraded: the module now runs ML307R-DC-MBRH9S98', out)
        self.assertIn('Upgrading: 100 %', out)

    def test_busy_then_interrupt(self):
        # At 9600 baud 30000 bytes take about 30 s.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '9600')
        package, _ = self.package(30000)
        writer = self.fwctl_popen('--json', 'write', '--mode', 'transparent', package)
        reader = LineReader(writer.stdout)
        while True:
            event = json.loads(reader.next())
            if event['event'] == 'progress' and event['done'] > 0:
                break
        result = self.fwctl('erase')
        self.assertEqual(result.returncode, 5, result.stderr)
        self.assertIn('The module is busy', result.stderr)
        # Ctrl-C cancels the write: exit 9 with a result object.
        writer.send_signal(signal.SIGINT)
        self.assertEqual(writer.wait(90), 9)
        lines = []
        while (line := reader.next()) is not None:
            lines.append(json.loads(line))
        self.assertEqual(lines[-1]['error'], 'org.onemo.Firmware.Error.Cancelled')
        self.assertEqual(lines[-1]['exit'], 9)
        self.wait_for(lambda: self.prop(path, 'State') == 'failed', 60, 'not failed')

    def test_second_interrupt_stops_waiting(self):
        # 12 kB at 9600 baud: long enough to interrupt twice, and a cancelled transparent write
        # pads the rest of its payload, so a smaller one also ends sooner on a loaded machine.
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '9600')
        package, _ = self.package(12000)
        writer = self.fwctl_popen('write', '--mode', 'transparent', package)
        self.wait_for(lambda: self.prop(path, 'DownloadedBytes') > 0, 20, 'not writing')
        writer.send_signal(signal.SIGINT)
        # Two signals before the CLI's main loop runs would count once: wait for the first.
        err = b''
        while b'Ctrl-C again' not in err:
            ready, _, _ = select.select([writer.stderr], [], [], 20)
            self.assertTrue(ready, 'no answer to the first Ctrl-C')
            err += os.read(writer.stderr.fileno(), 1000)
        started = time.monotonic()
        writer.send_signal(signal.SIGINT)
        # Back at once, while the service is still finishing the cancel.
        self.assertEqual(writer.wait(30), 9)
        self.assertLess(time.monotonic() - started, 5)
        err += os.read(writer.stderr.fileno(), 1000)
        self.assertIn(b'Stopped waiting', err)
        self.wait_for(lambda: self.prop(path, 'State') == 'failed', 120, 'not cancelled')

    def test_timeout_then_cancel_command(self):
        sim, path = self.add_sim('MN316-S-DLVS', '--baud', '9600')
        package, _ = self.package(30000)
        result = self.fwctl('--timeout', '1', 'write', package)
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertIn('The service did not answer in time', result.stderr)
        # The write goes on in the service until cancelled.
        self.assertEqual(self.prop(path, 'State'), 'writing')
        self.fwctl_ok('cancel')
        self.wait_for(lambda: self.prop(path, 'State') == 'failed', 90, 'not cancelled')
        self.assertIn('Cancelled', self.prop(path, 'LastError'))


if __name__ == '__main__':
    cli_harness.main()
