#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The SWUpdate Lua handler onemo-firmware under Debian's swupdate 2022.12 as it is built
(signed images, hardware compatibility, Lua handlers): swupdate -i on a .swu made here with
cpio and signed with a throw-away certificate, against simulated modules: success, a failed
upgrade, no module of the sub-model, a revision the package does not install.

Usage: test-swupdate.py ONEMO_FWCTL HANDLER_DIR (the build tree's data/swupdate)
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_harness  # noqa: E402
from fleet_harness import NEW, OLD  # noqa: E402

HANDLER_DIR = None
# The handler's last word on a run: anything but a line of onemo-fwctl's JSON.
VERDICT = re.compile(r'onemo-firmware: (?!\{)')
SW_DESCRIPTION = """software = {
  version = "1.0";
  hardware-compatibility = [ "1.0" ];
  images: ( {
    filename = "%(filename)s";
    type = "onemo-firmware";
    sha256 = "%(sha256)s";
    properties = { sub-model = "%(sub_model)s"; revision = "%(revision)s"; };
  } );
};
"""


class SwupdateTest(fleet_harness.FleetTest):

    def setUp(self):
        super().setUp()
        self.key = os.path.join(self.tmpdir, 'signer.key')
        self.cert = os.path.join(self.tmpdir, 'signer.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout',
                        self.key, '-out', self.cert, '-subj', '/CN=onemo-firmware test',
                        '-days', '1'], check=True, capture_output=True)

    def swu(self, package, sub_model, revision):
        """A signed .swu: sw-description, its CMS signature, the package (cpio, newc+crc)."""
        folder = os.path.join(self.tmpdir, 'swu-' + revision)
        os.mkdir(folder)
        filename = os.path.basename(package)
        shutil.copy(package, folder)
        with open(package, 'rb') as f:
            sha256 = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(folder, 'sw-description'), 'w') as f:
            f.write(SW_DESCRIPTION % dict(filename=filename, sha256=sha256,
                                          sub_model=sub_model, revision=revision))
        subprocess.run(['openssl', 'cms', '-sign', '-in', 'sw-description', '-out',
                        'sw-description.sig', '-signer', self.cert, '-inkey', self.key,
                        '-outform', 'DER', '-nosmimecap', '-binary'],
                       cwd=folder, check=True, capture_output=True)
        swu = folder + '.swu'
        with open(swu, 'wb') as out:
            subprocess.run(['cpio', '-o', '-H', 'crc', '--quiet'], cwd=folder, stdout=out,
                           input=b'sw-description\nsw-description.sig\n%s\n' % filename.encode(),
                           check=True)
        return swu

    def swupdate(self, swu):
        """swupdate -i with the handler of the build tree, its sockets in the test's folder.

        Debian's swupdate 2022.12 now and then (one run in five, here) ends a run on its own,
        an engine bug this handler cannot prevent, as its own shellscript handler shows with a
        bare "sleep 1": it loses the sw-description.sig it has just extracted ("cannot be
        opened", "cannot be parsed as DER-encoded CMS signature blob") as its chunk
        downloader starts, or exits with status 1 and no message when a child process (here
        onemo-fwctl) ends while its main thread waits. Such a run, which the handler never
        judged, is tried again once onemo-fwctl has finished, as an operator would."""
        for attempt in range(5):
            run_dir = os.path.join(self.tmpdir, 'run-%d-%s' % (attempt, os.path.basename(swu)))
            os.mkdir(run_dir)
            env = dict(self.engine_env(), LUA_PATH=HANDLER_DIR + '/?.lua;;', TMPDIR=run_dir)
            result = subprocess.run(['swupdate', '-v', '-H', 'onemo-gateway:1.0', '-k',
                                     self.cert, '-i', swu], env=env, cwd=run_dir,
                                    capture_output=True, text=True, timeout=300)
            output = result.stdout + result.stderr
            if result.returncode == 0 or VERDICT.search(output):
                return result
            self.wait_for(lambda: not self.handler_children(), 120,
                          'onemo-fwctl of an aborted run did not end')
        self.fail('swupdate never ran the handler to its end:\n' + output)

    @staticmethod
    def handler_children():
        """The onemo-fwctl processes the handler started (their package is a Lua os.tmpname()
        file, named lua_*)."""
        found = []
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as f:
                    argv = f.read().split(b'\0')
            except OSError:
                continue
            if argv[0] == os.fsencode(fleet_harness.cli_harness.FWCTL) and any(
                    os.path.basename(a).startswith(b'lua_') for a in argv):
                found.append(pid)
        return found

    def assertSwupdate(self, result, ok):
        output = result.stdout + result.stderr
        self.assertRegex(output, VERDICT)  # the handler was found, loaded and ended
        self.assertEqual(result.returncode == 0, ok, 'exit %d:\n%s' % (result.returncode, output))
        return output

    def test_success(self):
        (s0, p0, _), (s1, p1, _), (s2, p2, _) = self.fleet(
            ('MN316-S-DLVS', ()), ('MN316-DLVS', ()), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        self.assertSwupdate(self.swupdate(self.swu(package, 'MN316-S-DLVS', NEW)), True)
        self.assertEqual([self.prop(p, 'Revision') for p in (p0, p2)], [NEW, NEW])
        self.assertUntouched(s1, p1, 'MN316-DLVS-MBRH0S00')

    def test_failed_upgrade(self):
        (s0, p0, _), (s1, p1, _) = self.fleet(
            ('MN316-S-DLVS', ('--error', 'AT+MFWUPGRADE=854')), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        output = self.assertSwupdate(self.swupdate(self.swu(package, 'MN316-S-DLVS', NEW)),
                                     False)
        self.assertIn('the update failed (onemo-fwctl exit status 13)', output)
        self.assertIn(b'AT+MFWUPGRADE', s0.log_bytes())
        self.assertEqual(self.prop(p0, 'Revision'), OLD)
        self.assertUntouched(s1, p1)

    def test_module_absent(self):
        (s0, p0, _), = self.fleet(('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        output = self.assertSwupdate(
            self.swupdate(self.swu(package, 'MN316-DLVS', 'MN316-DLVS-MBRH5F01')), False)
        self.assertIn('the update failed (onemo-fwctl exit status 11)', output)
        self.assertUntouched(s0, p0)

    def test_revision_is_checked(self):
        (s0, p0, _), = self.fleet(('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        output = self.assertSwupdate(
            self.swupdate(self.swu(package, 'MN316-S-DLVS', 'MN316-S-DLVS-MBRH9Z99')), False)
        self.assertIn('the update failed (onemo-fwctl exit status 8)', output)


def main():
    global HANDLER_DIR
    HANDLER_DIR = os.path.abspath(sys.argv.pop(2))
    for program in ('swupdate', 'openssl', 'cpio'):
        if shutil.which(program) is None:
            print('%s is missing' % program, file=sys.stderr)
            sys.exit(77)
    fleet_harness.main()


if __name__ == '__main__':
    main()
