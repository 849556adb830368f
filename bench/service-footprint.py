#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The daemon's footprint: resident memory with 8 simulated modules attached and idle, and the
time from its exec to its bus name.

RSS: VmRSS of /proc/PID/status (with RssAnon, RssFile and VmHWM beside it) once the 8 AddPort
calls have returned, i.e. the modules are identified. Target <= 7 MiB.

Start to bus name: a Gio client on the private bus subscribes to NameOwnerChanged for
org.onemo.Firmware, then takes the time and spawns the daemon with posix_spawn (vfork: it
returns once the child has exec'd); the end is when the client receives the signal in which
the name gets its owner, so dbus-daemon's routing and the client's wake-up are counted too (an
upper bound). Median of --runs (20) runs, target <= 10 ms.

Usage: bench/service-footprint.py BUILDDIR [--runs N] [--modules N]
"""

import argparse
import os
import signal
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_bench as sb  # noqa: E402
from service_bench import Gio, GLib  # noqa: E402

RSS_TARGET_KIB = 7 * 1024
START_TARGET_MS = 10.0


def status_fields(pid, names):
    fields = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            key, _, value = line.partition(':')
            if key in names:
                fields[key] = int(value.split()[0])  # kB
    return fields


def measure_rss(bench, modules):
    daemon = bench.start_daemon()
    names = ('VmRSS', 'RssAnon', 'RssFile', 'VmHWM')
    bare = status_fields(daemon.pid, names)
    for _ in range(modules):
        bench.add_port(bench.start_sim())
    loaded = status_fields(daemon.pid, names)
    bench.stop_daemon()
    return bare, loaded


def start_once(bench):
    """Seconds from exec to the NameOwnerChanged that gives the name an owner."""
    seen = {}

    def owner_changed(conn, sender, path, iface, signal_name, params):
        name, old, new = params.unpack()
        if new and 'end' not in seen:
            seen['end'] = time.monotonic()

    sub = bench.conn.signal_subscribe('org.freedesktop.DBus', 'org.freedesktop.DBus',
                                      'NameOwnerChanged', '/org/freedesktop/DBus', sb.BUS_NAME,
                                      Gio.DBusSignalFlags.NONE, owner_changed)
    # The match rule is in place once a round trip to the bus has been made after it.
    bench.has_owner()
    env = bench.daemon_env()
    devnull = os.open(os.devnull, os.O_RDWR)
    start = time.monotonic()
    pid = os.posix_spawn(bench.daemon_program, [bench.daemon_program, '--session'], env,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    try:
        context = GLib.MainContext.default()
        deadline = start + 10
        while 'end' not in seen:  # blocks in the main loop until the signal comes
            if time.monotonic() > deadline:
                raise RuntimeError('the daemon did not take its name')
            context.iteration(True)
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(devnull)
        bench.conn.signal_unsubscribe(sub)
    # The name is free again before the next run.
    sb.wait_until(lambda: not bench.has_owner(), 10, 'the name stayed owned')
    return seen['end'] - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('build', nargs='?', default='build')
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--modules', type=int, default=8)
    args = parser.parse_args()

    ok = True
    with sb.Bench(args.build) as bench:
        bare, loaded = measure_rss(bench, args.modules)
        print('service-rss modules=0 ' + ' '.join('%s=%dkB' % kv for kv in bare.items()))
        print('service-rss modules=%d ' % args.modules
              + ' '.join('%s=%dkB' % kv for kv in loaded.items()))
        ok &= sb.verdict(loaded['VmRSS'] <= RSS_TARGET_KIB,
                         'RSS with %d modules: %.2f MiB (target <= 7 MiB)'
                         % (args.modules, loaded['VmRSS'] / 1024))

        start_once(bench)  # warms the page cache; not counted
        times = sorted(1000 * start_once(bench) for _ in range(args.runs))
        median = statistics.median(times)
        print('service-start runs=%d median=%.2fms min=%.2fms max=%.2fms all=%s'
              % (args.runs, median, times[0], times[-1], ','.join('%.2f' % t for t in times)))
        ok &= sb.verdict(median <= START_TARGET_MS,
                         'start to bus name: median %.2f ms of %d runs (target <= 10 ms)'
                         % (median, args.runs))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
