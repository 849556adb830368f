#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""libcurl, and the TLS, Kerberos, LDAP and SSH libraries it brings, map into the fetch helper
alone, never into the root daemon: `ldd` (every library loaded, not only the direct ones) of
onemo-firmwared names none of them, and of onemo-firmware-fetch names libcurl.

Usage: test-no-libcurl.py DAEMON HELPER"""

import shutil
import subprocess
import sys
import unittest

DAEMON = HELPER = None
# What libcurl pulls in on Debian; none of it has any business in the daemon.
CURL_WORLD = ('libcurl', 'libssl', 'libcrypto', 'libgnutls', 'libnghttp2', 'libssh', 'libldap',
              'liblber', 'libkrb5', 'libgssapi', 'librtmp', 'libpsl', 'libidn2', 'libbrotli')


def libraries(program):
    out = subprocess.run(['ldd', program], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


class Linkage(unittest.TestCase):
    def test_daemon_has_no_curl(self):
        found = [lib for lib in libraries(DAEMON) if lib.startswith(CURL_WORLD)]
        self.assertEqual(found, [], 'the daemon maps libcurl or its libraries')

    def test_helper_has_curl(self):
        self.assertTrue(any(lib.startswith('libcurl') for lib in libraries(HELPER)),
                        'the fetch helper does not link libcurl: is this the right program?')


if __name__ == '__main__':
    if shutil.which('ldd') is None:
        print('ldd is missing', file=sys.stderr)
        sys.exit(77)
    DAEMON, HELPER = sys.argv[1:3]
    unittest.main(argv=sys.argv[:1])
