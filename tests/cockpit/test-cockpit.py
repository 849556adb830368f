#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Cockpit page for real: Debian's cockpit-ws (--local-session: no login, no PAM) and
cockpit-bridge on loopback, the daemon and two simulated modules (an ML307A, which downloads its
firmware itself, and an MN316-S, which takes a package over its port) on a private bus that the
bridge sees as the system bus, and Debian's chromium driven by playwright-core
(tests/cockpit/drive-page.js) through the page: the modules listed, an error in words, an update
from a URL and one from an uploaded file (through onemo-fwctl, run as root) to 100 % and the new
revisions, and one that another program (onemo-fwctl) runs, followed live. The D-Bus side is checked here too: both modules run their new firmware, and the
upload's private directory is gone. The screenshot goes to ONEMO_COCKPIT_SCREENSHOT when set
(docs/cockpit.png), else into the test's scratch directory.

Needs cockpit-ws, cockpit-bridge, chromium, node, `npm ci` in tests/cockpit/ (install-deps.sh
runs it), and root (the upload runs with Cockpit's superuser, which asks root no password);
exits 77 when one is absent."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'daemon'))
import harness  # noqa: E402

CHROMIUM = os.environ.get('ONEMO_CHROMIUM', '/usr/bin/chromium')
WS_CANDIDATES = ['/usr/lib/cockpit/cockpit-ws', '/usr/libexec/cockpit-ws']
NEW = 'MBRH9S99'


def dependencies():
    """(cockpit-ws, cockpit-bridge, node), or exit 77 naming what is absent."""
    ws = next((p for p in WS_CANDIDATES if os.access(p, os.X_OK)), None)
    found = {'cockpit-ws': ws, 'cockpit-bridge': shutil.which('cockpit-bridge'),
             'node': shutil.which('node'),
             'chromium': CHROMIUM if os.access(CHROMIUM, os.X_OK) else None,
             'playwright-core (npm ci in tests/cockpit)':
                 os.path.isdir(os.path.join(HERE, 'node_modules', 'playwright-core')) or None}
    missing = [name for name, path in found.items() if not path]
    if os.geteuid() != 0:  # the upload runs as root: the bridge asks no password of root only
        missing.append('root (cockpit-bridge\'s superuser)')
    if missing:
        print('missing: %s' % ', '.join(missing), file=sys.stderr)
        sys.exit(77)
    return ws, found['cockpit-bridge'], found['node']


WS, BRIDGE, NODE = dependencies()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class CockpitPage(harness.DaemonTest):

    DAEMON_ARGS = ['--command-timeout-ms', '3000', '--upgrade-timeout', '20']

    def setUp(self):
        super().setUp()
        self.ml, self.ml_path = self.add_sim('ML307A-DSLN', '--reboot-ms', '300')
        # 115200 baud: the upload's serial write takes a second or two, so its bar is seen move.
        self.mn, self.mn_path = self.add_sim('MN316-S-DLVS', '--baud', '115200',
                                            '--imei', '869487060000002')
        # Added and removed while the page watches (drive-page.js asks), then added again and
        # updated by onemo-fwctl, another program: its write takes a second or two too.
        self.extra = self.start_sim('M5311-E-DLVS', '--baud', '115200',
                                    '--imei', '869487060000003')
        self.extra_package = self.make_firmware('M5311-E', 'M5311-E-DLVS-' + NEW, size=20000)
        self.others = []
        root, base = self.start_http_server()
        self.make_firmware('ML307A', 'ML307A-DSLN-' + NEW, directory=root, size=60000)
        self.good_url = base + 'fw-ML307A-DSLN-%s.pkg' % NEW
        self.package = self.make_firmware('MN316-S', 'MN316-S-DLVS-' + NEW, size=20000)
        self.scratch = os.path.join(self.tmpdir, 'scratch')
        os.mkdir(self.scratch)
        self.url = self._start_cockpit()

    def _start_cockpit(self):
        """cockpit-ws on 127.0.0.1 with the page as a package of its own, the bridge on the
        private bus as the system bus and the built onemo-fwctl first on its PATH."""
        share = os.path.join(self.tmpdir, 'share', 'cockpit')
        os.makedirs(share)
        os.symlink(os.environ['ONEMO_COCKPIT_PAGE'], os.path.join(share, 'onemo-firmware'))
        port = free_port()
        env = dict(os.environ,
                   DBUS_SYSTEM_BUS_ADDRESS=self.address,
                   XDG_DATA_DIRS=os.path.dirname(share) + ':/usr/share',
                   XDG_CONFIG_DIRS=os.path.join(self.tmpdir, 'etc'),
                   TMPDIR=self.scratch,
                   PATH=os.path.dirname(os.path.abspath(os.environ['ONEMO_FWCTL'])) + ':'
                   + os.environ['PATH'])
        env.pop('ONEMO_FWCTL_BUS', None)
        log = open(os.path.join(self.tmpdir, 'cockpit-ws.log'), 'w')
        self.addCleanup(log.close)
        ws = subprocess.Popen([WS, '--no-tls', '--local-session=' + BRIDGE,
                               '--address', '127.0.0.1', '--port', str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self._stop, ws)
        self.wait_for(lambda: self._listening(port), 10, 'cockpit-ws did not listen')
        return 'http://127.0.0.1:%d/cockpit/@localhost/onemo-firmware/index.html' % port

    @staticmethod
    def _listening(port):
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return True
        except OSError:
            return False

    def _module(self, path, revision):
        """What the page must show of the module at @path: what the service says."""
        self.assertEqual(self.prop(path, 'Revision'), revision)
        return {'path': path, 'port': self.prop(path, 'Port'), 'imei': self.prop(path, 'Imei'),
                'model': self.prop(path, 'Model'), 'subModel': self.prop(path, 'SubModel'),
                'revision': revision, 'newRevision': self.prop(path, 'SubModel') + '-' + NEW}

    def _drive(self, config_path):
        """Runs drive-page.js, doing on the bus what it asks on its stdout."""
        log_path = os.path.join(self.tmpdir, 'drive-page.log')
        with open(log_path, 'w') as log:
            # TMPDIR: playwright's fresh browser profile lands in the test's own directory.
            node = subprocess.Popen([NODE, os.path.join(HERE, 'drive-page.js'), config_path],
                                    env=dict(os.environ, TMPDIR=self.tmpdir), text=True,
                                    stdout=subprocess.PIPE, stderr=log)
            self.addCleanup(self._stop, node)
            for line in node.stdout:
                if line == 'ask: add\n':
                    self.add_port(self.extra.link)
                elif line.startswith('ask: remove '):
                    self.remove_port(line.split()[2])
                elif line.startswith('ask: update-elsewhere '):
                    self.others.append(self._update_elsewhere(line.split()[2]))
                elif line == 'ask: stop-service\n':
                    self.final_revisions = [self.prop(p, 'Revision')
                                            for p in (self.ml_path, self.mn_path)]
                    self._stop(self.daemon)
            node.wait(150)
        with open(log_path) as log:
            sys.stderr.write(log.read())
        self.assertEqual(node.returncode, 0, 'the page failed a check (above)')

    def _update_elsewhere(self, path):
        """onemo-fwctl updates the module at @path while the page only watches."""
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address, ONEMO_FWCTL_BUS='session')
        proc = subprocess.Popen([os.environ['ONEMO_FWCTL'], '--quiet', '--module', path, 'update',
                                 self.extra_package], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self._stop, proc)
        return proc

    def test_page(self):
        screenshot = os.environ.get('ONEMO_COCKPIT_SCREENSHOT') or os.path.join(
            self.tmpdir, 'cockpit.png')
        config = {
            'url': self.url, 'chromium': CHROMIUM, 'screenshot': screenshot,
            'ml': dict(self._module(self.ml_path, 'ML307A-DSLN-MBRH0S00'),
                       goodUrl=self.good_url,
                       badUrl=self.good_url.replace('http://', 'https://')),
            'mn': dict(self._module(self.mn_path, 'MN316-S-DLVS-MBRH0S00'),
                       file=self.package),
            'extra': {'subModel': 'M5311-E-DLVS', 'port': self.extra.link,
                      'newRevision': 'M5311-E-DLVS-' + NEW},
        }
        config_path = os.path.join(self.tmpdir, 'drive.json')
        with open(config_path, 'w') as f:
            json.dump(config, f)
        started = time.monotonic()
        self._drive(config_path)
        print('browser run: %.1f s' % (time.monotonic() - started), file=sys.stderr)
        # What the page showed is what the service said before it stopped.
        self.assertEqual(self.final_revisions, ['ML307A-DSLN-' + NEW, 'MN316-S-DLVS-' + NEW])
        # The update the page followed was onemo-fwctl's, and it succeeded.
        self.assertEqual(len(self.others), 1)
        self.assertEqual(self.others[0].wait(30), 0, self.others[0].stderr.read())
        self.others[0].stderr.close()
        # The bad URL never reached the module; the upload really went over the port.
        self.assertNotIn(b'https://', self.ml.log_bytes())
        self.assertIn(b'AT+MFWDLOAD=', self.mn.log_bytes())
        # The upload's private directory is removed once onemo-fwctl is done.
        self.assertEqual(os.listdir(self.scratch), [])
        with open(screenshot, 'rb') as f:
            self.assertEqual(f.read(8), b'\x89PNG\r\n\x1a\n')


if __name__ == '__main__':
    harness.main()
