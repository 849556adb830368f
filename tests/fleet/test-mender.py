#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Mender Update Module onemo-firmware under Debian's mender-client 3 in standalone mode
(mender install), artifacts made by onemo-firmware-artifact-gen with Debian's mender-artifact,
against simulated modules: success, a failed upgrade, a module absent, a revision that is not
the provided version.

Mender reads Update Modules only from /usr/share/mender/modules/v3 and the artifact name from
/etc/mender: each run is in a mount namespace of its own where a test folder is bound over
both, so the system's own files are never touched. Needs root (mount namespaces).

Usage: test-mender.py ONEMO_FWCTL MODULE ARTIFACT_GEN
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_harness  # noqa: E402
from fleet_harness import NEW, OLD  # noqa: E402

MODULE = None
ARTIFACT_GEN = None
MODULES_DIR = '/usr/share/mender/modules/v3'
DEVICE_TYPE = 'onemo-gateway'


class MenderTest(fleet_harness.FleetTest):

    def setUp(self):
        super().setUp()
        root = os.path.join(self.tmpdir, 'mender')
        self.modules_dir = os.path.join(root, 'modules')
        self.etc = os.path.join(root, 'etc')
        self.data = os.path.join(root, 'data')
        for d in (self.modules_dir, self.etc, self.data):
            os.makedirs(d)
        shutil.copy(MODULE, os.path.join(self.modules_dir, 'onemo-firmware'))
        os.chmod(os.path.join(self.modules_dir, 'onemo-firmware'), 0o755)
        with open(os.path.join(self.etc, 'artifact_info'), 'w') as f:
            f.write('artifact_name=factory\n')
        with open(os.path.join(self.etc, 'mender.conf'), 'w') as f:
            f.write('{"ServerURL": "https://mender.invalid"}\n')
        with open(os.path.join(self.data, 'device_type'), 'w') as f:
            f.write('device_type=%s\n' % DEVICE_TYPE)

    def artifact(self, name, sub_model, revision, package, *args):
        path = os.path.join(self.tmpdir, name + '.mender')
        subprocess.run([ARTIFACT_GEN, '-n', name, '-t', DEVICE_TYPE, '-s', sub_model,
                        '-r', revision, '-o', path] + list(args) + [package],
                       check=True, capture_output=True)
        return path

    def mender(self, *args):
        """mender ARGS with this test's modules, /etc/mender and data folder."""
        script = ('mount --bind "$1" %s && mount --bind "$2" /etc/mender && shift 2 && '
                  'exec mender --config /etc/mender/mender.conf --fallback-config '
                  '/etc/mender/mender.conf --data "$0" --no-syslog "$@"' % MODULES_DIR)
        return subprocess.run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
                               script, self.data, self.modules_dir, self.etc] + list(args),
                              env=self.engine_env(), capture_output=True, text=True,
                              timeout=300)

    def provides(self):
        result = self.mender('show-provides')
        self.assertEqual(result.returncode, 0, result.stderr)
        return dict(line.split('=', 1) for line in result.stdout.splitlines() if '=' in line)

    def test_success(self):
        (s0, p0, _), (s1, p1, _), (s2, p2, _) = self.fleet(
            ('MN316-S-DLVS', ()), ('MN316-DLVS', ()), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.mender('install', self.artifact('fw-5f01', 'MN316-S-DLVS', NEW, package))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([self.prop(p, 'Revision') for p in (p0, p2)], [NEW, NEW])
        self.assertUntouched(s1, p1, 'MN316-DLVS-MBRH0S00')
        provides = self.provides()
        self.assertEqual(provides.get('artifact_name'), 'fw-5f01')
        self.assertEqual(provides.get('onemo-firmware.MN316-S-DLVS.version'), NEW)
        # Deployed again (a deployment retried): the modules already run it, nothing is sent.
        logs = [s0.log_bytes(), s2.log_bytes()]
        result = self.mender('install', self.artifact('fw-again', 'MN316-S-DLVS', NEW, package))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([s0.log_bytes(), s2.log_bytes()], logs)

    def test_named_modules(self):
        (s0, p0, i0), (s1, p1, i1) = self.fleet(('MN316-S-DLVS', ()), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.mender('install', self.artifact('fw-one', 'MN316-S-DLVS', NEW, package,
                                                      '-i', i1))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.prop(p1, 'Revision'), NEW)
        self.assertUntouched(s0, p0)
        # The same module named with a revision it does not install: the deployment fails.
        result = self.mender('install', self.artifact('fw-other', 'MN316-S-DLVS',
                                                      'MN316-S-DLVS-MBRH9Z99', package,
                                                      '-i', i0))
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn('the artifact provides MN316-S-DLVS-MBRH9Z99, but module %s runs %s'
                      % (i0, NEW), result.stderr)

    def test_failed_upgrade_fails_the_deployment(self):
        # The first module refuses the upgrade: the deployment fails, the second is untouched.
        (s0, p0, _), (s1, p1, _) = self.fleet(
            ('MN316-S-DLVS', ('--error', 'AT+MFWUPGRADE=854')), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.mender('install', self.artifact('fw-bad', 'MN316-S-DLVS', NEW, package))
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn('the update failed (onemo-fwctl exit status 13)', result.stderr)
        self.assertIn(b'AT+MFWUPGRADE', s0.log_bytes())
        self.assertEqual(self.prop(p0, 'Revision'), OLD)
        self.assertUntouched(s1, p1)
        # No rollback (a module's firmware has none): Mender marks what it installed as such.
        self.assertEqual(self.provides().get('artifact_name'), 'fw-bad_INCONSISTENT')

    def test_module_absent(self):
        (s0, p0, i0), = self.fleet(('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        # No module of the sub-model.
        result = self.mender('install', self.artifact('fw-none', 'MN316-DLVS',
                                                      'MN316-DLVS-MBRH5F01', package))
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn('no module of sub-model MN316-DLVS on this host', result.stderr)
        # A named module absent, another present: neither is touched.
        result = self.mender('install', self.artifact('fw-gone', 'MN316-S-DLVS', NEW, package,
                                                      '-i', i0, '-i', '869487061009999'))
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn('module 869487061009999 (MN316-S-DLVS) is not on this host', result.stderr)
        self.assertUntouched(s0, p0)
        # Failed before anything was installed: Mender records nothing (no _INCONSISTENT).
        self.assertEqual(self.provides(), {})

    def test_artifact_gen_refuses_bad_input(self):
        package, _ = self.upgrade_package('MN316-S', NEW)
        out = os.path.join(self.tmpdir, 'bad.mender')
        for args, message in (
                (['-s', 'MN316 S', '-r', NEW, package], 'SUB-MODEL "MN316 S" is not a plain name'),
                (['-s', 'MN316-S-DLVS', '-r', NEW, '-i', '86"9', package], 'IMEI "86"9"'),
                (['-s', 'MN316-S-DLVS', '-r', NEW, package + '.missing'], 'no package file'),
                (['-r', NEW, package], 'Usage:')):
            result = subprocess.run([ARTIFACT_GEN, '-n', 'bad', '-t', DEVICE_TYPE, '-o', out]
                                    + args, capture_output=True, text=True)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            self.assertIn(message, result.stderr + result.stdout)
            self.assertFalse(os.path.exists(out))

    def test_revision_is_the_provided_version(self):
        (s0, p0, _), = self.fleet(('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.mender('install', self.artifact('fw-lie', 'MN316-S-DLVS',
                                                      'MN316-S-DLVS-MBRH9Z99', package))
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn('The module now runs %s, not MN316-S-DLVS-MBRH9Z99' % NEW, result.stderr)
        self.assertIn('the update failed (onemo-fwctl exit status 8)', result.stderr)
        self.assertEqual(self.provides().get('artifact_name'), 'fw-lie_INCONSISTENT')


def main():
    global MODULE, ARTIFACT_GEN
    MODULE, ARTIFACT_GEN = os.path.abspath(sys.argv.pop(2)), os.path.abspath(sys.argv.pop(2))
    for program in ('mender', 'mender-artifact', 'unshare', 'jq'):
        if shutil.which(program) is None:
            print('%s is missing' % program, file=sys.stderr)
            sys.exit(77)
    if os.geteuid() != 0 or not os.path.isdir(MODULES_DIR):
        print('needs root and mender-client\'s %s' % MODULES_DIR, file=sys.stderr)
        sys.exit(77)
    if subprocess.run(['unshare', '--mount', 'true'], capture_output=True).returncode != 0:
        print('no mount namespaces here (unshare --mount)', file=sys.stderr)
        sys.exit(77)
    fleet_harness.main()


if __name__ == '__main__':
    main()
