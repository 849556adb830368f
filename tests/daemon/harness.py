#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared harness for onemo-firmwared's integration tests.

Each test gets a private dbus-daemon (a real one, not a mock), onemo-firmwared on it with
--session, and simulated modules (onemo-modem-sim on ptys, each with --log so a test can prove
that nothing reached the module). Everything is killed and waited for in cleanups, also when a
test fails. Needs ONEMO_FIRMWARED and ONEMO_MODEM_SIM from meson's test environment.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import gi
    gi.require_version('Gio', '2.0')
    from gi.repository import Gio, GLib
except (ImportError, ValueError) as e:  # a truly absent dependency: skip
    print('python3-gi is missing: %s' % e, file=sys.stderr)
    sys.exit(77)

BUS_NAME = 'org.onemo.Firmware'
MM_BUS_NAME = 'org.freedesktop.ModemManager1'
MANAGER_PATH = '/org/onemo/Firmware'
MANAGER_IFACE = 'org.onemo.Firmware.Manager'
MODULE_IFACE = 'org.onemo.Firmware'
ERROR_PREFIX = 'org.onemo.Firmware.Error.'
POLKIT_NAME = 'org.freedesktop.PolicyKit1'
POLKIT_PATH = '/org/freedesktop/PolicyKit1/Authority'
MOCK_IFACE = 'org.freedesktop.DBus.Mock'
LONG_CALL_MS = 60000


# The a{sv} values the tests pass, by their D-Bus type letter.
def S(value):
    return GLib.Variant('s', value)


def T(value):
    return GLib.Variant('t', value)


def H(value):
    return GLib.Variant('h', value)


def U(value):
    return GLib.Variant('u', value)


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>@LISTEN@</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
NOBODY = 65534


def error_name(error):
    """The D-Bus error name of a GLib.Error from a call."""
    return Gio.DBusError.get_remote_error(error)


class Sim:
    """One onemo-modem-sim on a pty behind a symlink."""

    def __init__(self, tmpdir, model, index, args=()):
        self.link = os.path.join(tmpdir, 'tty%d' % index)
        self.log = os.path.join(tmpdir, 'sim%d.log' % index)
        self.stderr = open(os.path.join(tmpdir, 'sim%d.err' % index), 'w')
        cmd = [os.environ['ONEMO_MODEM_SIM'], '--model', model, '--link', self.link,
               '--log', self.log, '--reboot-ms', '50', '--uart-reboot-ms', '300'] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.link):  # the sim's link appears atomically
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('the simulator did not start: %s' % cmd)
            time.sleep(0.01)

    def log_bytes(self):
        try:
            with open(self.log, 'rb') as f:
                return f.read()
        except FileNotFoundError:
            return b''

    def stderr_text(self):
        """What the simulator logged: e.g. each command it got while flashing."""
        with open(self.stderr.name) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


def children_of(pid):
    """The pids of @pid's children (zombies included), from /proc."""
    pids = []
    for tid in os.listdir('/proc/%d/task' % pid):
        with open('/proc/%d/task/%s/children' % (pid, tid)) as f:
            pids += [int(p) for p in f.read().split()]
    return pids


def ca_bytes(path):
    """A CA bundle as the "ca" option takes it: the bytes (ay), never a path."""
    with open(path, 'rb') as f:
        return GLib.Variant('ay', f.read())


class DaemonTest(unittest.TestCase):
    """Starts a private bus and the daemon for each test; extra daemon arguments in
    DAEMON_ARGS. With PRIVATE_SYSTEM_BUS the daemon also sees the private bus as its system bus
    (DBUS_SYSTEM_BUS_ADDRESS), where --polkit asks polkit."""

    DAEMON_ARGS = []
    # A command the daemon runs under (strace, for instance); its own arguments come first.
    DAEMON_WRAPPER = []
    # Variables added to the daemon's environment.
    DAEMON_ENV = {}
    PRIVATE_SYSTEM_BUS = False
    # Where the private bus listens (a test that must be the system bus gives its socket path).
    BUS_LISTEN = 'unix:tmpdir=/tmp'

    def setUp(self):
        for var in ('ONEMO_FIRMWARED', 'ONEMO_MODEM_SIM'):
            if var not in os.environ:
                self.fail('%s is not set: run the tests through meson' % var)
        if shutil.which('dbus-daemon') is None:
            raise unittest.SkipTest('dbus-daemon is missing')
        self.tmpdir = tempfile.mkdtemp(prefix='onemo-daemon-test-')
        self.addCleanup(shutil.rmtree, self.tmpdir, ignore_errors=True)
        self.sims = []
        # The journal of running operations: per test, and kept across restart_daemon().
        self.state_dir = os.path.join(self.tmpdir, 'state')
        self._start_bus()
        self._start_daemon()

    # ---- processes ----

    def _start_bus(self):
        # Any user may connect, so that a test can call as someone other than root
        # (call_as_user()); the bus itself still tells the daemon who each caller is.
        config = os.path.join(self.tmpdir, 'bus.conf')
        with open(config, 'w') as f:
            f.write(BUS_CONFIG.replace('@LISTEN@', self.BUS_LISTEN))
        self.bus_proc = subprocess.Popen(
            ['dbus-daemon', '--config-file', config, '--nofork', '--print-address'],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.addCleanup(self._stop, self.bus_proc)
        self.address = self.bus_proc.stdout.readline().decode().strip()
        self.assertTrue(self.address, 'dbus-daemon printed no address')
        self.conn = Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.addCleanup(self.conn.close_sync, None)

    def _start_daemon(self):
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address,
                   G_MESSAGES_DEBUG='all', **self.DAEMON_ENV)
        if self.PRIVATE_SYSTEM_BUS:
            env['DBUS_SYSTEM_BUS_ADDRESS'] = self.address
        self.daemon_log = open(os.path.join(self.tmpdir, 'daemon.log'), 'w')
        self.addCleanup(self._dump_daemon_log)
        self.daemon = subprocess.Popen(
            self.DAEMON_WRAPPER + [os.environ['ONEMO_FIRMWARED'], '--session', '--verbose', '--state-dir',
             self.state_dir] + self.fetch_helper_args() + self.DAEMON_ARGS,
            env=env, stdout=self.daemon_log, stderr=subprocess.STDOUT)
        self.addCleanup(self._stop, self.daemon)
        self.wait_for(lambda: self._has_owner(), 10, 'the daemon did not take its name')

    def restart_daemon(self):
        """Starts the daemon again (after it stopped), on the same bus and state directory; the
        log of the one before is kept beside, as daemon.log.PID."""
        self.daemon_log.close()
        os.rename(self.daemon_log.name, self.daemon_log.name + '.%d' % self.daemon.pid)
        self._start_daemon()

    @staticmethod
    def fetch_helper_args():
        """The fetch helper just built (meson's ONEMO_FETCH_HELPER), not the installed one."""
        helper = os.environ.get('ONEMO_FETCH_HELPER')
        return ['--fetch-helper', helper] if helper else []

    def daemon_log_bytes(self):
        """What the daemon logged so far (it runs with --verbose)."""
        self.daemon_log.flush()
        with open(self.daemon_log.name, 'rb') as f:
            return f.read()

    def _dump_daemon_log(self):
        self.daemon_log.close()
        # A failed test shows the daemon's side too, so that a failure in CI can be read.
        if self._has_failed() or os.environ.get('ONEMO_TEST_VERBOSE'):
            with open(self.daemon_log.name) as f:
                sys.stderr.write(f.read())

    def _has_failed(self):
        result = getattr(getattr(self, '_outcome', None), 'result', None)
        recorded = getattr(result, 'failures', []) + getattr(result, 'errors', [])
        return any(test is self for test, _ in recorded)

    def _has_owner(self):
        reply = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                    'org.freedesktop.DBus', 'NameHasOwner',
                                    GLib.Variant('(s)', (BUS_NAME,)), None,
                                    Gio.DBusCallFlags.NONE, 5000, None)
        return reply.unpack()[0]

    @staticmethod
    def _stop(proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe:
                pipe.close()

    def has_owner(self, name):
        reply = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                    'org.freedesktop.DBus', 'NameHasOwner',
                                    GLib.Variant('(s)', (name,)), None, 0, 5000, None)
        return reply.unpack()[0]

    def start_modem_manager(self, plugin_dir, env=None, cwd=None):
        """Debian's ModemManager in its test mode on the private bus (ONEMO_MODEMMANAGER, else
        /usr/sbin/ModemManager) with the plugins of @plugin_dir, in the folder @cwd (where
        Test.SetProfile's port names that are not abstract: are socket paths); its log goes to
        mm.log in the test's folder (read it with mm_log_text(); a failed test prints it).
        Returns the process once it owns its name."""
        program = os.environ.get('ONEMO_MODEMMANAGER') or '/usr/sbin/ModemManager'
        self.mm_log_path = os.path.join(self.tmpdir, 'mm.log')
        log = open(self.mm_log_path, 'a')
        self.addCleanup(log.close)
        proc = subprocess.Popen(
            [program, '--test-session', '--test-enable', '--test-no-udev',
             '--test-no-suspend-resume', '--debug', '--test-plugin-dir=' + plugin_dir],
            env=env or dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address), stdout=log,
            stderr=subprocess.STDOUT, cwd=cwd)
        self.addCleanup(self._stop, proc)
        self.addCleanup(self._dump_mm_log)
        self.wait_for(lambda: proc.poll() is not None or self.has_owner(MM_BUS_NAME), 20,
                      'ModemManager did not take its name')
        self.assertIsNone(proc.poll(), 'ModemManager exited:\n' + self.mm_log_text())
        return proc

    def mm_log_text(self):
        with open(self.mm_log_path, errors='replace') as f:
            return f.read()

    def _dump_mm_log(self):
        if self._has_failed() or os.environ.get('ONEMO_TEST_VERBOSE'):
            sys.stderr.write(self.mm_log_text())

    def start_polkitd(self):
        """python-dbusmock's polkitd on the private bus, seen as the system bus (with
        PRIVATE_SYSTEM_BUS); it refuses every action until polkit_allow() names it."""
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        log = open(os.path.join(self.tmpdir, 'polkitd.log'), 'w')
        self.addCleanup(log.close)
        self.polkitd = subprocess.Popen(
            ['/usr/bin/python3', '-m', 'dbusmock', '--system', '--template', 'polkitd'],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self._stop, self.polkitd)
        self.wait_for(lambda: self.has_owner(POLKIT_NAME), 20, 'the polkitd mock did not start')

    def stop_polkitd(self):
        self._stop(self.polkitd)
        self.wait_for(lambda: not self.has_owner(POLKIT_NAME), 10, 'polkitd kept its name')

    def polkit_allow(self, *actions):
        """Only @actions are allowed from now on."""
        self.conn.call_sync(POLKIT_NAME, POLKIT_PATH, MOCK_IFACE, 'SetAllowed',
                            GLib.Variant('(as)', (list(actions),)), None, 0, 5000, None)

    def start_sim(self, model, *args):
        sim = Sim(self.tmpdir, model, len(self.sims), args)
        self.sims.append(sim)
        self.addCleanup(sim.stop)
        return sim

    # ---- main-loop helpers ----

    def wait_for(self, condition, timeout, message):
        """Runs the main loop until condition() holds; fails after timeout seconds."""
        context = GLib.MainContext.default()
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                self.fail(message)
            # Wakes at least every 10 ms, for conditions outside the main loop (processes).
            source = GLib.timeout_source_new(10)
            source.set_callback(lambda *a: False)
            source.attach(context)
            context.iteration(True)
            source.destroy()

    # ---- D-Bus calls ----

    def call(self, path, iface, method, signature=None, args=None, reply=None,
             timeout=LONG_CALL_MS, fds=None):
        params = GLib.Variant(signature, args) if signature else None
        reply_type = GLib.VariantType.new(reply) if reply else None
        if fds is not None:
            fd_list = Gio.UnixFDList.new_from_array([os.dup(f) for f in fds])
            result, _ = self.conn.call_with_unix_fd_list_sync(
                BUS_NAME, path, iface, method, params, reply_type, Gio.DBusCallFlags.NONE,
                timeout, fd_list, None)
        else:
            result = self.conn.call_sync(BUS_NAME, path, iface, method, params, reply_type,
                                         Gio.DBusCallFlags.NONE, timeout, None)
        return result.unpack() if result is not None else None

    def call_as_user(self, uid, path, iface, method, *args):
        """gdbus call as another user (setpriv); returns (exit status, output). @args are
        gdbus's GVariant texts."""
        run = subprocess.run(
            ['setpriv', '--reuid=%d' % uid, '--regid=%d' % uid, '--clear-groups', 'gdbus',
             'call', '--address', self.address, '--dest', BUS_NAME, '--object-path', path,
             '--method', '%s.%s' % (iface, method), '--timeout', '20'] + list(args),
            capture_output=True, text=True, timeout=30)
        return run.returncode, run.stdout + run.stderr

    def call_async(self, path, iface, method, signature=None, args=None, fds=None):
        """Starts a call; returns a dict that gets 'result' or 'error' when it ends."""
        outcome = {}
        params = GLib.Variant(signature, args) if signature else None

        def done(conn, res):
            try:
                if fds is not None:
                    outcome['result'] = conn.call_with_unix_fd_list_finish(res)[0].unpack()
                else:
                    outcome['result'] = conn.call_finish(res).unpack()
            except GLib.Error as e:
                outcome['error'] = e

        if fds is not None:
            self.conn.call_with_unix_fd_list(BUS_NAME, path, iface, method, params, None,
                                             Gio.DBusCallFlags.NONE, LONG_CALL_MS,
                                             Gio.UnixFDList.new_from_array([os.dup(f) for f in fds]), None, done)
        else:
            self.conn.call(BUS_NAME, path, iface, method, params, None,
                           Gio.DBusCallFlags.NONE, LONG_CALL_MS, None, done)
        return outcome

    def wait_call(self, outcome, timeout=60):
        self.wait_for(lambda: outcome, timeout, 'the call did not end')
        return outcome

    def assertDBusError(self, name, func, *args, **kwargs):
        with self.assertRaises(GLib.Error) as ctx:
            func(*args, **kwargs)
        self.assertEqual(error_name(ctx.exception), ERROR_PREFIX + name, ctx.exception.message)
        return ctx.exception

    def start_second(self, *args):
        """Another daemon on the bus, with @args; stop self.daemon first to have it own the
        name. Its output goes to the daemon's log."""
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address, G_MESSAGES_DEBUG='all')
        proc = subprocess.Popen([os.environ['ONEMO_FIRMWARED'], '--session', '--verbose']
                                + list(args), env=env, stdout=self.daemon_log,
                                stderr=subprocess.STDOUT)
        self.addCleanup(self._stop, proc)
        return proc

    def modules(self):
        """The exported modules: object path → org.onemo.Firmware's properties."""
        objects = self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects', reply='(a{oa{sa{sv}}})')[0]
        return {o: i[MODULE_IFACE] for o, i in objects.items() if MODULE_IFACE in i}

    def add_port(self, device, options=None):
        return self.call(MANAGER_PATH, MANAGER_IFACE, 'AddPort', '(sa{sv})',
                         (device, options or {}), '(o)')[0]

    def remove_port(self, path):
        self.call(MANAGER_PATH, MANAGER_IFACE, 'RemovePort', '(o)', (path,))

    def module(self, path, method, signature=None, args=None, reply=None, fds=None):
        return self.call(path, MODULE_IFACE, method, signature, args, reply, fds=fds)

    def prop(self, path, name, iface=MODULE_IFACE):
        return self.call(path, 'org.freedesktop.DBus.Properties', 'Get', '(ss)',
                         (iface, name), '(v)')[0]

    def add_sim(self, model, *args, options=None):
        sim = self.start_sim(model, *args)
        options = dict(options or {})
        # A pty ignores termios rates: tell the daemon the simulated line's rate, as a real
        # tty's would be, so the port's idea of when written bytes are on the wire is right.
        if '--baud' in args and 'baud' not in options:
            options['baud'] = GLib.Variant('u', int(args[args.index('--baud') + 1]))
        return sim, self.add_port(sim.link, options)

    def subscribe(self, path, signal_name):
        """Collects a module's signal's arguments in a list."""
        got = []
        sub = self.conn.signal_subscribe(BUS_NAME, MODULE_IFACE, signal_name, path, None,
                                         Gio.DBusSignalFlags.NONE,
                                         lambda c, s, p, i, n, params: got.append(
                                             params.unpack()))
        self.addCleanup(self.conn.signal_unsubscribe, sub)
        return got

    def watch_states(self, path):
        """A list that collects every State the module at @path announces."""
        states = []
        self.watch_states_into(path, states, with_path=False)
        return states

    def watch_states_into(self, path, events, with_path=True):
        """Appends every State the module at @path announces to @events, as (path, State)
        pairs (several modules into one list keep their order), or bare States."""

        def changed(conn, sender, obj, iface, name, params):
            props = params.unpack()[1]
            if 'State' in props:
                events.append((obj, props['State']) if with_path else props['State'])

        sub = self.conn.signal_subscribe(BUS_NAME, 'org.freedesktop.DBus.Properties',
                                         'PropertiesChanged', path, MODULE_IFACE,
                                         Gio.DBusSignalFlags.NONE, changed)
        self.addCleanup(self.conn.signal_unsubscribe, sub)

    def make_firmware(self, series, new_revision, directory=None, size=4096):
        """A valid simulated package (onemo-modem-sim --make-package) for @series."""
        path = os.path.join(directory or self.tmpdir, 'fw-%s.pkg' % new_revision)
        subprocess.run([os.environ['ONEMO_MODEM_SIM'], '--make-package', path, '--series', series,
                        '--new-revision', new_revision, '--size', str(size)], check=True,
                       stdout=subprocess.DEVNULL)
        return path

    def start_http_server(self):
        """tests/servers/serve.py on 127.0.0.1 serving a fresh directory; returns (root, base
        URL). The server also exits when its stdin closes, should a cleanup be missed."""
        root = os.path.join(self.tmpdir, 'www')
        os.mkdir(root)
        serve = os.path.join(os.environ['ONEMO_TEST_SRCDIR'], 'servers', 'serve.py')
        server = subprocess.Popen(['/usr/bin/python3', serve, '--kind', 'http', '--root', root],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.addCleanup(self._stop, server)
        self.addCleanup(server.stdin.close)
        line = server.stdout.readline().decode()
        if not line.startswith('PORT '):
            self.fail('serve.py did not start: %r' % line)
        return root, 'http://127.0.0.1:%d/' % int(line.split()[1])

    def make_package(self, size, name='pkg.bin'):
        path = os.path.join(self.tmpdir, name)
        with open(path, 'wb') as f:
            f.write(os.urandom(size))
        return path

    def open_fd(self, path, flags=os.O_RDONLY):
        fd = os.open(path, flags)
        self.addCleanup(os.close, fd)
        return fd


def main():
    unittest.main(verbosity=2)
