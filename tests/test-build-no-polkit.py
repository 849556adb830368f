#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""-Dpolkit=disabled, built for real: `meson setup` of this source tree without polkit (and with
a sysconfdir of its own), the daemon alone compiled. It links no libpolkit, and run on a private
bus it lets root (the test) add a port and refuses anyone else (tests/daemon/test-polkit.py's
root-only case, run against this build's daemon). The same daemon, on the system bus, reads
SYSCONFDIR/onemo-firmware/ports.conf by itself; --version prints the version.

Usage: test-build-no-polkit.py SOURCE_ROOT
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE_ROOT = os.path.abspath(sys.argv.pop(1))
MESON = shutil.which('meson')


class NoPolkitBuildTest(unittest.TestCase):

    def test_built_without_polkit(self):
        self.assertIsNotNone(MESON, 'meson builds this very tree')
        build = tempfile.mkdtemp(prefix='onemo-no-polkit-')
        self.addCleanup(shutil.rmtree, build, ignore_errors=True)
        sysconfdir = os.path.join(build, 'etc')
        setup = subprocess.run([MESON, 'setup', build, SOURCE_ROOT, '-Dpolkit=disabled',
                                '-Dman=false', '-Dmodemmanager_plugin=disabled',
                                '--sysconfdir', sysconfdir],
                               capture_output=True, text=True)
        self.assertEqual(setup.returncode, 0, setup.stdout + setup.stderr)
        with open(os.path.join(build, 'config.h')) as f:
            self.assertIn('#undef HAVE_POLKIT', f.read())
        daemon = os.path.join(build, 'src', 'daemon', 'onemo-firmwared')
        compile_ = subprocess.run([MESON, 'compile', '-C', build, 'src/daemon/onemo-firmwared'],
                                  capture_output=True, text=True)
        self.assertEqual(compile_.returncode, 0, compile_.stdout + compile_.stderr)
        ldd = subprocess.run(['ldd', daemon], capture_output=True, text=True, check=True)
        self.assertNotIn('libpolkit', ldd.stdout)

        env = dict(os.environ, ONEMO_FIRMWARED=daemon)
        test = os.path.join(SOURCE_ROOT, 'tests', 'daemon', 'test-polkit.py')
        run = subprocess.run(['/usr/bin/python3', test, 'NoPolkitTest.test_add_port_root_only'],
                             env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn('Ran 1 test', run.stderr)

        version = subprocess.run([daemon, '--version'], capture_output=True, text=True)
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout, r'^onemo-firmwared \d+\.\d+')
        self.check_ports_conf(daemon, sysconfdir)

    def check_ports_conf(self, daemon, sysconfdir):
        """Without --config the daemon reads the system's ports.conf: a device it names that
        is no serial port is reported."""
        os.makedirs(os.path.join(sysconfdir, 'onemo-firmware'))
        conf = os.path.join(sysconfdir, 'onemo-firmware', 'ports.conf')
        with open(conf, 'w') as f:
            f.write('[port test]\ndevice=/dev/null\n')
        bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address'],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.addCleanup(bus.wait)
        self.addCleanup(bus.terminate)
        address = bus.stdout.readline().decode().strip()
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
        with tempfile.TemporaryDirectory() as state:
            proc = subprocess.Popen([daemon, '--no-udev', '--state-dir', state], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(3)  # it owns its name and reads the file within milliseconds
            proc.terminate()
            out = proc.communicate(timeout=30)[0]
        self.assertIn('/dev/null: not a serial port', out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
