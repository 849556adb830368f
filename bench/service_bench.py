#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared parts of the service benchmarks: a private dbus-daemon, onemo-firmwared on it
(--session), simulated modules (onemo-modem-sim on ptys) and a Gio client.

Everything started here is stopped by Bench.close(), also when a benchmark fails. The build
directory is the first command-line argument of each benchmark (meson passes it), so the
scripts also run by hand: bench/service-idle.py build --seconds 5.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

# The integration tests' harness: the same gi imports (exit 77 without python3-gi) and names.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'daemon'))
from harness import BUS_NAME, MANAGER_IFACE, MANAGER_PATH, MODULE_IFACE, Gio, GLib  # noqa: E402,F401
from harness import DaemonTest  # noqa: E402

LONG_CALL_MS = 30 * 60 * 1000
# The sub-model with both serial write modes (transparent and hex).
MODEL = 'MN316-S-DLVS'


def programs(build):
    daemon = os.path.join(build, 'src', 'daemon', 'onemo-firmwared')
    sim = os.path.join(build, 'src', 'sim', 'onemo-modem-sim')
    for program in (daemon, sim):
        if not os.access(program, os.X_OK):
            sys.exit('%s is missing: build first (meson compile -C %s)' % (program, build))
    return daemon, sim


def verdict(ok, what):
    print('  %s: %s' % ('PASS' if ok else 'FAIL', what), flush=True)
    return ok


def wait_until(condition, timeout, message):
    """Runs the default main loop until condition() holds; raises after timeout seconds."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        # Wakes at least every 10 ms for conditions outside the main loop (files, processes).
        source = GLib.timeout_source_new(10)
        source.set_callback(lambda *a: False)
        source.attach(context)
        context.iteration(True)
        source.destroy()


def run_loop_for(seconds):
    """Runs the default main loop for seconds (answering signals meanwhile)."""
    context = GLib.MainContext.default()
    done = []
    GLib.timeout_add(int(seconds * 1000), lambda: done.append(True) and False)
    while not done:
        context.iteration(True)


# SIGTERM, then SIGKILL after 5 s, and wait: as the tests stop their processes.
stop_process = DaemonTest._stop


class Bench:
    """A private bus, the daemon on it and any number of simulators, in one temporary
    directory."""

    def __init__(self, build):
        self.daemon_program, self.sim_program = programs(build)
        if shutil.which('dbus-daemon') is None:
            print('dbus-daemon is missing', file=sys.stderr)
            sys.exit(77)
        self.tmpdir = tempfile.mkdtemp(prefix='onemo-bench-')
        self.processes = []
        self.daemon = None
        self.conn = None
        self.bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address'],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.processes.append(self.bus)
        self.address = self.bus.stdout.readline().decode().strip()
        if not self.address:
            raise RuntimeError('dbus-daemon printed no address')
        self.conn = Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)

    def close(self):
        if self.conn is not None and not self.conn.is_closed():
            self.conn.close_sync(None)
        for proc in reversed(self.processes):
            stop_process(proc)
        if self.bus.stdout:
            self.bus.stdout.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- processes ----

    def daemon_env(self):
        return dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)

    def start_daemon(self, *args):
        """Starts onemo-firmwared and waits until it owns its name."""
        log = open(os.path.join(self.tmpdir, 'daemon.log'), 'a')
        self.daemon = subprocess.Popen([self.daemon_program, '--session'] + list(args),
                                       env=self.daemon_env(), stdout=log,
                                       stderr=subprocess.STDOUT)
        log.close()
        self.processes.append(self.daemon)
        wait_until(self.has_owner, 10, 'the daemon did not take its name')
        return self.daemon

    def stop_daemon(self):
        stop_process(self.daemon)
        self.processes.remove(self.daemon)
        self.daemon = None

    def start_sim(self, baud=None, model=MODEL):
        """Starts a simulator; returns the path of its pty's link."""
        index = len(self.processes)
        link = os.path.join(self.tmpdir, 'tty%d' % index)
        cmd = [self.sim_program, '--model', model, '--link', link]
        if baud:
            cmd += ['--baud', str(baud)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(proc)
        deadline = time.monotonic() + 10
        while not os.path.exists(link):  # the sim makes its link atomically
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('the simulator did not start: %s' % cmd)
            time.sleep(0.01)
        return link

    def make_package(self, size, name='pkg.bin'):
        path = os.path.join(self.tmpdir, name)
        with open(path, 'wb') as f:
            f.write(os.urandom(size))
        return path

    # ---- D-Bus ----

    def has_owner(self):
        reply = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                    'org.freedesktop.DBus', 'NameHasOwner',
                                    GLib.Variant('(s)', (BUS_NAME,)), None,
                                    Gio.DBusCallFlags.NONE, 5000, None)
        return reply.unpack()[0]

    def call(self, path, iface, method, signature=None, args=None, reply=None):
        params = GLib.Variant(signature, args) if signature else None
        reply_type = GLib.VariantType.new(reply) if reply else None
        result = self.conn.call_sync(BUS_NAME, path, iface, method, params, reply_type,
                                     Gio.DBusCallFlags.NONE, LONG_CALL_MS, None)
        return result.unpack() if result is not None else None

    def add_port(self, link, baud=None):
        """AddPort, which returns once the module is identified."""
        options = {'baud': GLib.Variant('u', baud)} if baud else {}
        return self.call(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})', (link, options),
                         '(o)')[0]

    def prop(self, path, name):
        return self.call(path, 'org.freedesktop.DBus.Properties', 'Get', '(ss)',
                         (MODULE_IFACE, name), '(v)')[0]

    def write_async(self, path, package, mode):
        """Starts Write with the package's fd; returns a dict that gets 'start', 'end' and
        'error' (None on success). 'start' is taken just before the call is sent."""
        outcome = {}
        fd = os.open(package, os.O_RDONLY)
        fd_list = Gio.UnixFDList.new_from_array([fd])  # takes fd

        def done(conn, res):
            outcome['end'] = time.monotonic()
            try:
                conn.call_with_unix_fd_list_finish(res)
                outcome['error'] = None
            except GLib.Error as e:
                outcome['error'] = e.message

        outcome['start'] = time.monotonic()
        self.conn.call_with_unix_fd_list(BUS_NAME, path, MODULE_IFACE, 'Write',
                                         GLib.Variant('(ha{sv})',
                                                      (0, {'mode': GLib.Variant('s', mode)})),
                                         None, Gio.DBusCallFlags.NONE, LONG_CALL_MS, fd_list,
                                         None, done)
        return outcome

    def write(self, path, package, mode, timeout):
        """Write, timed from the call to its reply; returns the seconds it took."""
        outcome = self.write_async(path, package, mode)
        wait_until(lambda: 'end' in outcome, timeout, 'Write did not end')
        if outcome['error'] is not None:
            raise RuntimeError('Write failed: %s' % outcome['error'])
        return outcome['end'] - outcome['start']


def line_rate(baud):
    """Bytes a second on an 8N1 line: 10 bits a byte."""
    return baud / 10.0


def hex_ceiling(offset, chunk=512):
    """As onemo_at_hex_ceiling(): the payload share of AT+MFWDLOAD=<off>,512,"<1024 hex>"
    and its CR, for a full chunk at offset."""
    wire = len('AT+MFWDLOAD=%d,%d,"' % (offset, chunk)) + 2 * chunk + len('"\r')
    return chunk / wire


def mean_hex_ceiling(size, chunk=512):
    """The payload share of a whole hex write of size bytes: all payload over all command
    bytes (each chunk's line at its own offset, the last one possibly short)."""
    wire = 0
    for offset in range(0, size, chunk):
        n = min(chunk, size - offset)
        wire += len('AT+MFWDLOAD=%d,%d,"' % (offset, n)) + 2 * n + len('"\r')
    return size / wire
