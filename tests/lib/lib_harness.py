# SPDX-License-Identifier: GPL-2.0-or-later
"""What the library's Python tests share: tests/daemon/harness.py (a private bus, the real
daemon, simulated modules) and gi.repository.OnemoFirmware from the build tree (meson sets
GI_TYPELIB_PATH and LD_LIBRARY_PATH)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'daemon'))
import harness  # noqa: E402

import gi  # noqa: E402
gi.require_version('OnemoFirmware', '1.0')
from gi.repository import Gio, GLib, OnemoFirmware  # noqa: E402,F401


class LibTest(harness.DaemonTest):
    """A DaemonTest with an OnemoFirmware.Client on the private bus (self.client)."""

    def setUp(self):
        super().setUp()
        self.client = OnemoFirmware.Client.new_sync(self.conn, None)

    def run_async(self, start, finish, timeout=60):
        """Calls start(callback) and runs the main loop until the callback came; returns
        finish(result), raising its GLib.Error."""
        results = []
        start(lambda source, result, *data: results.append(result))
        self.wait_for(lambda: results, timeout, 'the call did not end')
        return finish(results[0])

    def module_at(self, path):
        self.wait_for(lambda: self.client.get_module(path) is not None, 10,
                      'the client did not see %s' % path)
        return self.client.get_module(path)
