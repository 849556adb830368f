# SPDX-License-Identifier: GPL-2.0-or-later
"""What the Fetch() and Update() tests share: test servers of every kind."""

import os
import subprocess


def start_server(test, kind, user=None, password=None):
    """tests/servers/serve.py of @kind on a fresh directory, stopped at the test's cleanup:
    (root, base URL, CA file for https/ftps or None)."""
    root = os.path.join(test.tmpdir, 'srv-' + kind)
    os.mkdir(root)
    serve = os.path.join(os.environ['ONEMO_TEST_SRCDIR'], 'servers', 'serve.py')
    cmd = ['/usr/bin/python3', serve, '--kind', kind, '--root', root]
    if user:
        cmd += ['--user', user, '--password', password]
    ca = None
    if kind in ('https', 'ftps'):
        ca = os.path.join(test.tmpdir, 'ca-%s.pem' % kind)
        cmd += ['--cert-out', ca]
    server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    test.addCleanup(test._stop, server)
    test.addCleanup(server.stdin.close)
    line = server.stdout.readline().decode()
    if not line.startswith('PORT '):
        test.fail('serve.py did not start: %r' % line)
    return root, '%s://127.0.0.1:%d/' % (kind, int(line.split()[1])), ca

