#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""32 simulated modules written at once through one onemo-firmwared: the aggregate payload
rate against 32 times the rate of one module alone, measured in the same run.

Each simulator (an MN316-S) runs at --baud (115200) so its line is the bottleneck; each gets
its own package of --size bytes (128 KiB) by Write, transparent, with the fd in a GUnixFDList.
(Write, not Update: Update adds an erase, a checksum and an upgrade with reboots, which are
not throughput, and the daemon does not have it yet.) First one module alone; then all 32
calls are sent before the main loop runs, and the aggregate is all payload over the time from
the first call to the last reply. Target: aggregate >= 95 % of 32 x one module.

Usage: bench/service-parallel.py BUILDDIR [--modules N] [--baud N] [--size BYTES]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_bench as sb  # noqa: E402

TARGET = 0.95
MODE = 'transparent'


def cpu_seconds(pid):
    """User and system time of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('build', nargs='?', default='build')
    parser.add_argument('--modules', type=int, default=32)
    parser.add_argument('--baud', type=int, default=115200)
    parser.add_argument('--size', type=int, default=128 * 1024)
    args = parser.parse_args()
    ideal = args.size / sb.line_rate(args.baud)

    with sb.Bench(args.build) as bench:
        bench.start_daemon()
        paths = [bench.add_port(bench.start_sim(args.baud), args.baud)
                 for _ in range(args.modules)]
        packages = [bench.make_package(args.size, 'pkg%d.bin' % i) for i in range(args.modules)]

        single = bench.write(paths[0], packages[0], MODE, timeout=30 + 3 * ideal)
        single_rate = args.size / single
        print('service-parallel single: bytes=%d seconds=%.3f rate=%.0fB/s line_share=%.2f%%'
              % (args.size, single, single_rate, 100 * single_rate / sb.line_rate(args.baud)),
              flush=True)

        cpu_before = cpu_seconds(bench.daemon.pid)
        outcomes = [bench.write_async(path, package, MODE)
                    for path, package in zip(paths, packages)]
        sb.wait_until(lambda: all('end' in o for o in outcomes), 60 + 5 * ideal,
                      'the writes did not end')
        cpu = cpu_seconds(bench.daemon.pid) - cpu_before
        failed = [o['error'] for o in outcomes if o['error'] is not None]
        if failed:
            raise RuntimeError('%d writes failed, the first: %s' % (len(failed), failed[0]))
        for path in paths:
            written = bench.prop(path, 'DownloadedBytes')
            if written != args.size:
                raise RuntimeError('%s: %d of %d bytes' % (path, written, args.size))

    first = min(o['start'] for o in outcomes)
    last = max(o['end'] for o in outcomes)
    each = sorted(o['end'] - o['start'] for o in outcomes)
    aggregate = args.modules * args.size / (last - first)
    share = aggregate / (args.modules * single_rate)
    print('service-parallel modules=%d baud=%d mode=%s bytes_each=%d seconds=%.3f '
          'aggregate=%.0fB/s single=%.0fB/s per_module_seconds min=%.3f median=%.3f max=%.3f '
          'of_n_single=%.2f%% daemon_cpu=%.2fs' % (args.modules, args.baud, MODE, args.size,
                                                   last - first, aggregate, single_rate, each[0],
                                                   each[len(each) // 2], each[-1], 100 * share,
                                                   cpu))
    ok = sb.verdict(share >= TARGET, '%d modules at once: %.2f %% of %d x one module (target '
                    '%d %%)' % (args.modules, 100 * share, args.modules, 100 * TARGET))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
