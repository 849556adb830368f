#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every NotSupported refusal of the model table, per series: for one sub-model of each series
(and each FTP-less variant), every call whose feature the table denies fails with NotSupported,
and the simulator's byte log proves that nothing reached the module. The capabilities come from
`onemo-modem-sim --list-models`, i.e. from the table itself, not from the daemon's answer."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import GLib, S, U, T  # noqa: E402


SUB_MODELS = ['M5311-E-DLVS', 'MN316-DBRS', 'MN316-S-DLVS', 'ML302A-DCLM', 'ML302A-DSLM',
              'ML302S-DNLM', 'ML307A-DCLN', 'ML307A-GSLN', 'ML307S-DNLM', 'ML307R-DC',
              'ML307R-DL']


def table_capabilities():
    out = subprocess.run([os.environ['ONEMO_MODEM_SIM'], '--list-models'], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    table = {}
    for line in out.splitlines():
        fields = line.split()
        table[fields[0]] = set(fields[3].split(','))
    return table


class NotSupportedTest(harness.DaemonTest):

    def refusals(self, caps, package_fd):
        """(description, feature the call needs, callable) for every feature-gated call."""
        cfg = lambda settings: lambda path: self.module(  # noqa: E731
            path, 'Configure', '(a{sv})', (settings,))
        write = lambda options: lambda path: self.module(  # noqa: E731
            path, 'Write', '(ha{sv})', (0, options), fds=[package_fd])
        can_write = caps & {'write-hex', 'write-transparent'}
        calls = [
            ('Configure timeout', 'cfg-timeout', cfg({'timeout': U(60)})),
            ('Configure mode', 'cfg-mode', cfg({'mode': U(1)})),
            ('Configure progind', 'cfg-progind', cfg({'progind': U(1024)})),
            ('Configure ssl', 'cfg-ssl', cfg({'ssl': U(1)})),
            ('Configure https url', 'https', cfg({'url': S('https://127.0.0.1/p.bin')})),
            ('Configure ftp url', 'ftp', cfg({'url': S('ftp://127.0.0.1/p.bin')})),
            ('Configure ftps url', 'ftps', cfg({'url': S('ftps://127.0.0.1/p.bin')})),
            ('Configure file url', 'file', cfg({'url': S('file://usr/p.bin')})),
            ('Download', 'download', lambda path: self.module(path, 'Download')),
            ('Erase', 'erase', lambda path: self.module(path, 'Erase')),
            ('Checksum', 'checksum',
             lambda path: self.module(path, 'Checksum', '(u)', (2,), '(s)')),
            ('Write hex', 'write-hex', write({'mode': S('hex')})),
            ('Write transparent', 'write-transparent', write({'mode': S('transparent')})),
        ]
        if 'cfg-pkgsize' not in caps and 'cfg-pkgsize-512' not in caps:
            calls.append(('Configure pkgsize', 'cfg-pkgsize', cfg({'pkgsize': U(512)})))
        elif 'cfg-pkgsize' not in caps:
            calls.append(('Configure pkgsize 1024', 'cfg-pkgsize', cfg({'pkgsize': U(1024)})))
        if can_write:
            calls.append(('Write at an offset', 'write-offset', write({'offset': T(512)})))
        else:
            # A module that takes no serial write cannot be written, fetched into, or
            # updated from a file by the host.
            calls += [
                ('Write', 'write-hex', write({})),
                ('Fetch', 'write-hex', lambda path: self.module(
                    path, 'Fetch', '(sa{sv})', ('http://127.0.0.1:9/p.bin', {}))),
                ('Update from a file', 'write-hex', lambda path: self.module(
                    path, 'Update', '(a{sv})', ({'fd': GLib.Variant('h', 0)},),
                    fds=[package_fd])),
            ]
        return [(what, feature, call) for what, feature, call in calls if feature not in caps]

    def test_every_refusal_per_series(self):
        table = table_capabilities()
        package = self.make_package(4096)
        package_fd = self.open_fd(package)
        checked = 0
        for model in SUB_MODELS:
            caps = table[model]
            sim, path = self.add_sim(model)
            self.assertEqual(set(self.prop(path, 'Capabilities')), caps)
            sent = sim.log_bytes()
            for what, feature, call in self.refusals(caps, package_fd):
                with self.subTest(model=model, call=what):
                    self.assertDBusError('NotSupported', call, path)
                    self.assertEqual(sim.log_bytes(), sent,
                                     '%s on %s reached the module' % (what, model))
                    checked += 1
            self.remove_port(path)
        # The table denies a good many things: the loop must have tried them.
        self.assertGreater(checked, 60)


if __name__ == '__main__':
    harness.main()
