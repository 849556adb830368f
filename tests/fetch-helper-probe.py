#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for onemo-firmware-fetch that tells what it was given: it reads its request to
end-of-file and answers one ERROR frame (src/common/onemo-fetch-wire.h) whose message lists its
environment variables and open fds, "env=[...] fds=[...]". With the argument "hang" it reads
its request and then never answers."""

import os
import struct
import sys
import time

request = sys.stdin.buffer.read()
if sys.argv[0].endswith('-hang'):
    time.sleep(3600)
fds = []
for fd in range(256):
    try:
        os.fstat(fd)
        fds.append(fd)
    except OSError:
        pass
# As exec'd: Python itself adds LC_CTYPE to os.environ when the locale is C (PEP 538).
with open('/proc/self/environ', 'rb') as f:
    names = sorted(v.split(b'=', 1)[0].decode() for v in f.read().split(b'\0') if v)
message = ('env=%s fds=%s request=%d' % (names, fds, len(request))).encode()
payload = bytes([0]) + message  # ONEMO_ERROR_FAILED
sys.stdout.buffer.write(b'X' + struct.pack('>I', len(payload)) + payload)
sys.stdout.buffer.flush()
