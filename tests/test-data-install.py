#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`meson install` into a scratch DESTDIR lands every file where a distribution expects it.

Installs the build tree with --no-rebuild, then checks: each expected file (the unit, the
D-Bus activation file and bus policy, the polkit actions, the man pages, the completion, the
interface XML, the simulator) exists and is not empty; everything meson says it installs is
there; the daemon and the CLI, once they are built, sit where the unit and PATH find them.

Usage: test-data-install.py BUILD_ROOT PREFIX LIBEXECDIR BINDIR EXPECTED_PATH...
(absolute paths, as installed without DESTDIR)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD_ROOT = PREFIX = LIBEXECDIR = BINDIR = None
EXPECTED = []


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.destdir = tempfile.mkdtemp(prefix="onemo-install-")
        meson = shutil.which("meson")
        run = subprocess.run(
            [meson, "install", "-C", BUILD_ROOT, "--destdir", cls.destdir, "--no-rebuild",
             "--quiet"], capture_output=True, text=True, timeout=300)
        cls.install_output = run.stdout + run.stderr
        cls.install_status = run.returncode
        introspect = subprocess.run([meson, "introspect", "--installed", BUILD_ROOT],
                                    capture_output=True, text=True, check=True)
        cls.installed = json.loads(introspect.stdout)  # build path -> install path

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.destdir, ignore_errors=True)

    def staged(self, path):
        return os.path.join(self.destdir, os.path.relpath(path, "/"))

    def test_install_succeeds(self):
        self.assertEqual(self.install_status, 0, self.install_output)

    def test_expected_files(self):
        for path in EXPECTED:
            staged = self.staged(path)
            self.assertTrue(os.path.isfile(staged), f"{path} was not installed")
            self.assertGreater(os.path.getsize(staged), 0, f"{path} is empty")

    def test_everything_meson_installs(self):
        missing = [dst for dst in self.installed.values()
                   if not os.path.lexists(self.staged(dst))]
        self.assertEqual(missing, [])

    def test_programs(self):
        # Keyed by the built file's name; the completion, built as onemo-fwctl too, left out.
        by_name = {os.path.basename(src): dst for src, dst in self.installed.items()
                   if "bash-completion" not in dst}
        self.assertEqual(by_name.get("onemo-modem-sim"), os.path.join(BINDIR, "onemo-modem-sim"))
        # The unit's ExecStart names LIBEXECDIR/onemo-firmwared, which spawns
        # LIBEXECDIR/onemo-firmware-fetch; the CLI goes on PATH. While they are still being
        # written they may be absent, but never somewhere else.
        for name, directory in (("onemo-firmwared", LIBEXECDIR),
                                ("onemo-firmware-fetch", LIBEXECDIR), ("onemo-fwctl", BINDIR)):
            if name not in by_name:
                print(f"note: {name} is not built yet", file=sys.stderr)
                continue
            self.assertEqual(by_name[name], os.path.join(directory, name))
            self.assertTrue(os.access(self.staged(by_name[name]), os.X_OK))


if __name__ == "__main__":
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    BUILD_ROOT, PREFIX, LIBEXECDIR, BINDIR = sys.argv[1:5]
    EXPECTED = sys.argv[5:]
    unittest.main(argv=sys.argv[:1], verbosity=2)
