#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs the busctl examples of README.md, in order, against the real daemon on a private bus
with a simulated MN316-S and a loopback HTTP server, and compares what they print with the
README's "#>" lines. The README's placeholders are replaced: the bus address, /dev/ttyS1 (the
simulator's pty), http://updates.example.com/ (the server), @SHA256@ (the package's digest)."""

import hashlib
import os
import subprocess
import unittest

import harness

MARKER = '<!-- readme-test:'
PACKAGE_REVISION = 'MN316-S-DLVS-MBRH1C01'
PACKAGE_BODY = 65536


def readme_examples(path):
    """[(command, [expected output lines])] from the README's tested block."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    start = next(i for i, line in enumerate(lines) if line.startswith(MARKER))
    body = []
    for line in lines[start + 2:]:  # the marker, then the ```sh fence
        if line.startswith('```'):
            break
        body.append(line)

    examples = []
    pending = ''
    for line in body:
        if pending:
            pending += ' ' + line.strip()
        elif line.startswith('#> '):
            examples[-1][1].append(line[3:])
            continue
        elif line.startswith('busctl'):
            pending = line
        else:
            continue  # blank lines and comments
        if pending.endswith('\\'):
            pending = pending[:-1].rstrip()
        else:
            examples.append((pending, []))
            pending = ''
    return examples


class ReadmeTest(harness.DaemonTest):

    def test_busctl_examples(self):
        readme = os.path.join(os.environ['ONEMO_TEST_SRCDIR'], '..', 'README.md')
        examples = readme_examples(readme)
        self.assertGreater(len(examples), 5)

        sim = self.start_sim('MN316-S-DLVS')
        root, base_url = self.start_http_server()
        os.mkdir(os.path.join(root, 'mn316s'))
        package = os.path.join(root, 'mn316s', 'firmware.pkg')
        subprocess.run([os.environ['ONEMO_MODEM_SIM'], '--make-package', package,
                        '--series', 'MN316-S', '--new-revision', PACKAGE_REVISION,
                        '--size', str(PACKAGE_BODY)], check=True, stdout=subprocess.DEVNULL)
        with open(package, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest().upper()

        def substitute(text):
            return (text.replace('/dev/ttyS1', sim.link)
                    .replace('http://updates.example.com/', base_url)
                    .replace('@SHA256@', digest))

        for command, expected in examples:
            command = substitute(command).replace(
                'busctl ', 'busctl --address=%s ' % self.address, 1)
            with self.subTest(command=command):
                result = subprocess.run(['sh', '-c', command], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, timeout=120)
                output = result.stdout.decode().rstrip('\n').split('\n')
                if not command.endswith('|| true'):
                    self.assertEqual(result.returncode, 0, output)
                if expected:
                    self.assertEqual(output, [substitute(line) for line in expected])


if __name__ == '__main__':
    harness.main()
