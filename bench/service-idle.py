#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Idle system calls: onemo-firmwared with 8 simulated modules attached and identified makes
no system call at all over 30 s.

AddPort returns once its module is identified, so after the eighth reply the daemon has
nothing left to do. Then `strace -C -f -tt -p PID` (the summary of -c plus each call, every
thread of the daemon followed) runs for --seconds (30 by default, the issue's figure) and
is stopped with SIGINT. Prints the count (target 0) and, when not 0, which calls, from which
thread (GLib names them: gmain, gdbus, pool-…) and their first lines. Exits 1 when missed.

--settle N waits N s more before tracing: a steady-state figure (GLib retires an idle
thread-pool thread 15.5 s after its last task; see bench/README.md).

Usage: bench/service-idle.py BUILDDIR [--seconds N] [--modules N] [--settle N]
"""

import argparse
import collections
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_bench as sb  # noqa: E402

# "12345 21:00:00.123456 ppoll([...], 5, NULL, NULL, 8) = 1". A call that another thread's line
# cuts in two, "... <unfinished ...>" then "12345 21:00:00.2 <... ppoll resumed>...) = 1", is
# counted once, when it returns (so is one that had begun before strace attached).
WHOLE = re.compile(r'^(\d+)\s+\S+\s+([a-z_0-9]+)\(')
RESUMED = re.compile(r'^(\d+)\s+\S+\s+<\.\.\. ([a-z_0-9]+) resumed>')
TOTAL = re.compile(r'^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+\d*\s*total$')


def thread_names(pid):
    names = {}
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            with open('/proc/%d/task/%s/comm' % (pid, tid)) as f:
                names[tid] = f.read().strip()
        except OSError:
            pass
    return names


def trace(pid, seconds, output):
    strace = subprocess.Popen(['strace', '-C', '-f', '-tt', '-qq', '-o', output,
                               '-p', str(pid)], stderr=subprocess.PIPE)
    try:
        strace.wait(seconds)
        raise RuntimeError('strace ended early: %s' % strace.stderr.read().decode())
    except subprocess.TimeoutExpired:
        pass
    strace.send_signal(signal.SIGINT)  # detaches and writes the summary
    strace.wait(10)
    strace.stderr.close()


def read_trace(output):
    """Each call's thread, name and line, and the summary's total."""
    calls = []
    total = 0
    with open(output) as f:
        for line in f:
            line = line.rstrip()
            match = WHOLE.match(line)
            # Attaching interrupts the call each thread is blocked in, which the kernel then
            # restarts: not the daemon's doing, unless it returns within the trace.
            attach_restart = 'resuming interrupted' in line and line.endswith('...>')
            if match and not line.endswith('<unfinished ...>') and not attach_restart:
                calls.append((match.group(1), match.group(2), line))
            match = RESUMED.match(line)
            if match:
                calls.append((match.group(1), match.group(2), line))
            match = TOTAL.match(line)
            if match:
                total = int(match.group(1))
    return calls, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('build', nargs='?', default='build')
    parser.add_argument('--seconds', type=float, default=30)
    parser.add_argument('--modules', type=int, default=8)
    parser.add_argument('--settle', type=float, default=0,
                        help='seconds to wait after identification before tracing (default 0)')
    args = parser.parse_args()
    if shutil.which('strace') is None:
        print('strace is missing', file=sys.stderr)
        return 77

    with sb.Bench(args.build) as bench:
        daemon = bench.start_daemon()
        for _ in range(args.modules):
            bench.add_port(bench.start_sim())
        if args.settle > 0:
            sb.run_loop_for(args.settle)
        output = os.path.join(bench.tmpdir, 'strace.txt')
        names = thread_names(daemon.pid)
        trace(daemon.pid, args.seconds, output)
        calls, total = read_trace(output)
        if daemon.poll() is not None:
            raise RuntimeError('the daemon died during the trace')

    print('service-idle modules=%d settle=%g seconds=%g threads=%d (%s) syscalls=%d (strace summary: %d)'
          % (args.modules, args.settle, args.seconds, len(names), ', '.join(sorted(names.values())),
             len(calls), total))
    if calls:
        by_thread = collections.Counter((names.get(tid, tid), name) for tid, name, _ in calls)
        for (thread, name), count in by_thread.most_common():
            print('  %6d %s in thread %s' % (count, name, thread))
        for _, _, line in calls[:20]:
            print('    ' + line)
    ok = sb.verdict(len(calls) == 0 and total == 0,
                    '%d system calls in %g s idle with %d modules (target 0)'
                    % (max(len(calls), total), args.seconds, args.modules))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
