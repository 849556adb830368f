#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What the safety tests share: killing and restarting the daemon on the same state directory,
reading its journal, and counting the commands a simulator received."""

import glob
import os
import signal

import harness
from harness import Gio, GLib


class RestartTest(harness.DaemonTest):
    """A DaemonTest whose daemon can be killed and started again, keeping its journal."""

    def journal_records(self):
        """{file name: {key: value}} of the records in the state directory."""
        records = {}
        for path in glob.glob(os.path.join(self.state_dir, '*.op')):
            try:
                with open(path, encoding='utf-8') as f:
                    lines = f.read().splitlines()
            except FileNotFoundError:  # removed meanwhile
                continue
            records[os.path.basename(path)] = dict(
                line.split('=', 1) for line in lines if '=' in line)
        return records

    def journal_phase(self):
        """The phase of the one record, or None."""
        records = list(self.journal_records().values())
        self.assertLessEqual(len(records), 1, records)
        return records[0].get('Phase') if records else None

    def kill_daemon(self, sig=signal.SIGKILL):
        self.daemon.send_signal(sig)
        self.daemon.wait(10)
        self.wait_for(lambda: not self._has_owner(), 10, 'the dead daemon kept its name')

    def daemon_output(self):
        """Everything every daemon of this test logged so far."""
        self.daemon_log.flush()
        text = ''
        for path in sorted(glob.glob(os.path.join(self.tmpdir, 'daemon.log*'))):
            with open(path, errors='replace') as f:
                text += f.read()
        return text

    def wait_state(self, path, states, timeout):
        self.wait_for(lambda: self.prop(path, 'State') in states, timeout,
                      'State never became one of %s' % (states,))
        return self.prop(path, 'State')

    # The module's answers wait this long (--latency-ms), so that a test can hold it still once
    # AT+MFWUPGRADE reached it: the daemon sets the port up (ATE0, AT+CMEE=1) first.
    HOLD_LATENCY_MS = '800'

    def hold_at_upgrade(self, sim):
        """Stops @sim (started with --latency-ms HOLD_LATENCY_MS) as soon as AT+MFWUPGRADE
        reached it, before it answered."""
        self.wait_for(lambda: b'AT+MFWUPGRADE\r' in sim.log_bytes(), 15,
                      'AT+MFWUPGRADE did not reach the module')
        sim.proc.send_signal(signal.SIGSTOP)
        self.addCleanup(sim.proc.send_signal, signal.SIGCONT)

    @staticmethod
    def upgrade_commands(sim):
        """How many times the module was sent AT+MFWUPGRADE (its execute form)."""
        return sim.log_bytes().count(b'AT+MFWUPGRADE\r')


def has_owner(conn, name):
    reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                           'NameHasOwner', GLib.Variant('(s)', (name,)), None,
                           Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]
