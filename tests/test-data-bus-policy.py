#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The D-Bus bus policy (data/org.onemo.Firmware.conf), loaded by a real dbus-daemon.

A private bus is started with a configuration that mirrors the system bus's defaults (deny
owning names and method calls) and includes our policy file. Root then owns the name and
serves the introspected interfaces; an unprivileged client (uid 65534, when the test runs as
root) must reach every interface the policy lists and be stopped by the bus at anything else.

Usage: test-data-bus-policy.py TEST POLICY_FILE INTROSPECTION_XML...
TEST is one test method's name, run alone (exit 77 when it had to skip), or "all".
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

try:
    import gi

    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib
except (ImportError, ValueError) as e:
    print(f"python3-gi is missing ({e})", file=sys.stderr)
    sys.exit(77)

BUS_NAME = "org.onemo.Firmware"
MANAGER_PATH = "/org/onemo/Firmware"
MODULE_PATH = "/org/onemo/Firmware/Module/0"
NOBODY = 65534

POLICY_FILE = None
INTROSPECTION = []

# A bus as strict as Debian's system.conf, plus our file.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <include>{policy}</include>
</busconfig>
"""

# Run as nobody: each call's outcome, "ok" or the D-Bus error name, as one JSON object.
CLIENT = r"""
import json, sys
from gi.repository import Gio, GLib
bus = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
    None, None)
calls = json.loads(sys.argv[2])
out = {}
for name, (dest, path, iface, method, sig, args) in calls.items():
    params = GLib.Variant(sig, tuple(args)) if sig else None
    try:
        bus.call_sync(dest, path, iface, method, params, None, Gio.DBusCallFlags.NONE, 5000, None)
        out[name] = "ok"
    except GLib.Error as e:
        out[name] = Gio.DBusError.get_remote_error(e) or e.message
print(json.dumps(out))
"""

GENERIC_INTERFACES = """<node>
  <interface name="org.onemo.Firmware.Debug">
    <method name="Dump"/>
  </interface>
</node>"""


class BusPolicyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="onemo-bus-policy-")
        os.chmod(self.tmp, 0o755)  # nobody must reach the socket
        socket = os.path.join(self.tmp, "bus")
        config = os.path.join(self.tmp, "bus.conf")
        with open(config, "w") as f:
            f.write(BUS_CONFIG.format(socket=socket, policy=os.path.abspath(POLICY_FILE)))
        self.bus_daemon = subprocess.Popen(
            ["dbus-daemon", "--config-file=" + config, "--print-address", "--nofork"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.address = self.bus_daemon.stdout.readline().strip()
        self.addCleanup(self.stop_bus)

    def stop_bus(self):
        self.bus_daemon.terminate()
        _, err = self.bus_daemon.communicate(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)
        # dbus-daemon complains on stderr about a policy it cannot read or understand; what
        # it says about the fd limit (it is not allowed to raise it here) and about the
        # messages it rejected on purpose is expected.
        harmless = ("Failed to set fd limit", "Rejected send message")
        warnings = [line for line in err.splitlines()
                    if line.strip() and not any(h in line for h in harmless)]
        self.assertEqual(warnings, [], "dbus-daemon warned about the configuration")

    def connect(self):
        return Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)

    def own_name(self, bus):
        reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "RequestName",
                              GLib.Variant("(su)", (BUS_NAME, 4)), GLib.VariantType("(u)"),
                              Gio.DBusCallFlags.NONE, 5000, None)
        return reply.unpack()[0]

    def serve(self, bus):
        """Export the real interfaces, answering every method with PermissionDenied, as the
        service does for a caller polkit refuses; plus one interface the policy does not list."""
        def on_call(conn, sender, path, iface, method, params, invocation):
            invocation.return_dbus_error("org.onemo.Firmware.Error.PermissionDenied", "no")

        def on_get(conn, sender, path, iface, prop):
            return GLib.Variant("s", "0.1.0") if prop == "Version" else None

        infos = []
        for xml in INTROSPECTION:
            with open(xml) as f:
                infos += Gio.DBusNodeInfo.new_for_xml(f.read()).interfaces
        infos += Gio.DBusNodeInfo.new_for_xml(GENERIC_INTERFACES).interfaces
        for info in infos:
            path = MANAGER_PATH if info.name.endswith("Manager") else MODULE_PATH
            bus.register_object(path, info, on_call, on_get, None)
        self.object_manager = Gio.DBusObjectManagerServer.new(MANAGER_PATH)
        self.object_manager.set_connection(bus)

    def run_as_nobody(self, calls):
        """Runs the client as uid 65534 while our main loop serves its calls."""
        launcher = Gio.SubprocessLauncher.new(Gio.SubprocessFlags.STDOUT_PIPE)
        child = launcher.spawnv([
            shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}",
            "--clear-groups", sys.executable, "-c", CLIENT, self.address, json.dumps(calls)])
        loop = GLib.MainLoop()
        result = {}

        def done(proc, res):
            ok, out, _ = proc.communicate_utf8_finish(res)
            result["out"] = out
            loop.quit()

        child.communicate_utf8_async(None, None, done)
        timeout = GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        GLib.source_remove(timeout)
        self.assertIn("out", result, "the client did not finish in 30 s")
        self.assertEqual(child.get_exit_status(), 0, result["out"])
        return json.loads(result["out"])

    def test_daemon_loads_policy(self):
        self.assertTrue(self.address.startswith("unix:"),
                        f"dbus-daemon printed no address: {self.address!r}")
        bus = self.connect()
        self.assertTrue(bus.get_unique_name().startswith(":"))

    def test_root_owns_name(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: the policy lets only root own the name")
        # 1: DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
        self.assertEqual(self.own_name(self.connect()), 1)

    def test_unprivileged_caller(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to run a client as another user")
        bus = self.connect()
        self.assertEqual(self.own_name(bus), 1)
        self.serve(bus)

        denied = "org.freedesktop.DBus.Error.AccessDenied"
        refused = "org.onemo.Firmware.Error.PermissionDenied"
        d = BUS_NAME
        calls = {
            "own": ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                    "RequestName", "(su)", [BUS_NAME, 4]),
            "ping": (d, MANAGER_PATH, "org.freedesktop.DBus.Peer", "Ping", None, []),
            "introspect": (d, MODULE_PATH, "org.freedesktop.DBus.Introspectable",
                           "Introspect", None, []),
            "get": (d, MANAGER_PATH, "org.freedesktop.DBus.Properties", "Get", "(ss)",
                    ["org.onemo.Firmware.Manager", "Version"]),
            "objects": (d, MANAGER_PATH, "org.freedesktop.DBus.ObjectManager",
                        "GetManagedObjects", None, []),
            "add-port": (d, MANAGER_PATH, "org.onemo.Firmware.Manager", "AddPort", "(sa{sv})",
                         ["/dev/ttyS1", {}]),
            "erase": (d, MODULE_PATH, "org.onemo.Firmware", "Erase", None, []),
            "debug": (d, MODULE_PATH, "org.onemo.Firmware.Debug", "Dump", None, []),
        }
        out = self.run_as_nobody(calls)
        # The bus must not let nobody take the name...
        self.assertEqual(out["own"], denied)
        # ...must let through everything the policy lists (the service itself answers)...
        for name in ("ping", "introspect", "get", "objects"):
            self.assertEqual(out[name], "ok", name)
        for name in ("add-port", "erase"):
            self.assertEqual(out[name], refused, name)
        # ...and must stop an interface it does not list before it reaches the service.
        self.assertEqual(out["debug"], denied)

    def test_real_daemon(self):
        """onemo-firmwared itself, as root on this bus standing in for the system bus."""
        daemon = os.environ.get("ONEMO_FIRMWARED")
        if os.geteuid() != 0 or not shutil.which("setpriv") or not daemon:
            self.skipTest("needs root, setpriv and ONEMO_FIRMWARED (the built daemon)")
        bus = self.connect()
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        proc = subprocess.Popen([daemon], env=env, stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.wait, 10)
        self.addCleanup(proc.terminate)

        loop = GLib.MainLoop()
        watch = Gio.bus_watch_name_on_connection(
            bus, BUS_NAME, Gio.BusNameWatcherFlags.NONE, lambda *a: loop.quit(), None)
        timeout = GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        GLib.source_remove(timeout)
        Gio.bus_unwatch_name(watch)
        self.assertIsNone(proc.poll(), "onemo-firmwared exited: " + (
            proc.stderr.read() if proc.poll() is not None else ""))

        calls = {
            "objects": (BUS_NAME, MANAGER_PATH, "org.freedesktop.DBus.ObjectManager",
                        "GetManagedObjects", None, []),
            "version": (BUS_NAME, MANAGER_PATH, "org.freedesktop.DBus.Properties", "Get", "(ss)",
                        ["org.onemo.Firmware.Manager", "Version"]),
            "add-port": (BUS_NAME, MANAGER_PATH, "org.onemo.Firmware.Manager", "AddPort",
                         "(sa{sv})", ["/dev/null", {}]),
        }
        out = self.run_as_nobody(calls)
        self.assertEqual(out["objects"], "ok")
        self.assertEqual(out["version"], "ok")
        # /dev/null is no serial port: the service refuses it (or polkit does), the bus not.
        self.assertTrue(out["add-port"].startswith("org.onemo.Firmware.Error."), out["add-port"])


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    if not shutil.which("dbus-daemon"):
        print("dbus-daemon is missing", file=sys.stderr)
        sys.exit(77)
    which, POLICY_FILE, INTROSPECTION = sys.argv[1], sys.argv[2], sys.argv[3:]
    loader = unittest.defaultTestLoader
    suite = (loader.loadTestsFromTestCase(BusPolicyTest) if which == "all"
             else loader.loadTestsFromName(which, BusPolicyTest))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        sys.exit(1)
    # A skip is not a pass: say so to meson.
    sys.exit(77 if result.skipped else 0)
