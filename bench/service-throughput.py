#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write of a 1 MiB package through D-Bus into the simulator (an MN316-S, which has both
serial write modes) at 115200 and 921600 baud, transparent and hex.

A Gio client on a private dbus-daemon calls Write with the package's fd in a GUnixFDList and
times it from the call to its reply. The simulator runs with --baud, so the line is the
bottleneck; the payload rate is compared with the line rate (baud/10 bytes/s).
Targets: transparent >= 97 % of line rate; hex >= 95 % of the hex ceiling, here the ceiling
of the whole write: all payload bytes over all command bytes of its AT+MFWDLOAD lines (each at
its own offset), which is a little below onemo_at_hex_ceiling(0). Exits 1 when a target is
missed.

Usage: bench/service-throughput.py BUILDDIR [--baud N ...] [--size BYTES]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_bench as sb  # noqa: E402

TARGETS = {'transparent': 0.97, 'hex': 0.95}


def measure(bench, baud, mode, package, size):
    link = bench.start_sim(baud)
    path = bench.add_port(link, baud)
    # The line is slower than baud/10 in hex by half: allow three times the ideal.
    seconds = bench.write(path, package, mode, timeout=30 + 3 * size / sb.line_rate(baud) / 0.45)
    state = bench.prop(path, 'State')
    written = bench.prop(path, 'DownloadedBytes')
    bench.call(sb.MANAGER_PATH, sb.MANAGER_IFACE, 'RemovePort', '(o)', (path,))
    if state != 'finished' or written != size:
        raise RuntimeError('the write ended in state %s with %d of %d bytes' %
                           (state, written, size))
    return size / seconds, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('build', nargs='?', default='build')
    parser.add_argument('--baud', type=int, action='append')
    parser.add_argument('--size', type=int, default=1 << 20)
    args = parser.parse_args()
    rates = args.baud or [115200, 921600]

    ceiling0 = sb.hex_ceiling(0)
    ceiling = sb.mean_hex_ceiling(args.size)
    offsets = range(0, args.size, 512)
    arithmetic = sum(sb.hex_ceiling(o) for o in offsets) / len(offsets)
    print('package: %d bytes; hex ceiling at offset 0: %.5f; over the whole write '
          '(payload / command bytes, compared against): %.5f; arithmetic mean over the %d '
          'offsets: %.5f' % (args.size, ceiling0, ceiling, len(offsets), arithmetic))

    ok = True
    with sb.Bench(args.build) as bench:
        bench.start_daemon('--max-package', str(max(args.size, 1 << 20)))
        package = bench.make_package(args.size)
        for baud in rates:
            for mode in ('transparent', 'hex'):
                rate, seconds = measure(bench, baud, mode, package, args.size)
                share = rate / sb.line_rate(baud)
                print('service-write baud=%d mode=%s bytes=%d seconds=%.3f rate=%.0fB/s '
                      'line_share=%.2f%%' % (baud, mode, args.size, seconds, rate, 100 * share),
                      end='')
                if mode == 'hex':
                    share /= ceiling
                    print(' of_ceiling=%.2f%%' % (100 * share), end='')
                print(flush=True)
                ok &= sb.verdict(share >= TARGETS[mode], '%s at %d baud: %.2f %% (target %d %%)'
                                 % (mode, baud, 100 * share, 100 * TARGETS[mode]))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
