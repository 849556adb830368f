#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""libonemo-firmware from gjs (Debian's gjs): test-lib-gjs.js against the real daemon and a
simulated MN316-S on a private bus lists the modules, updates one from a file with progress,
and gets an out-of-range Configure as OnemoFirmware.Error.INVALID_ARGUMENT."""

import json
import os
import shutil
import subprocess
import sys

import lib_harness

NEW = 'MN316-S-DLVS-MBRH9Z98'
GJS = shutil.which('gjs')


class GjsTest(lib_harness.LibTest):

    def test_list_update_error(self):
        sim, path = self.add_sim('MN316-S-DLVS')
        package = self.make_firmware('MN316-S', NEW, size=20000)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-lib-gjs.js')
        run = subprocess.run([GJS, script, self.address, path, package], capture_output=True,
                             text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        seen = json.loads(run.stdout.strip().split('\n')[-1])
        self.assertEqual(seen['modules'], [[path, 'MN316-S-DLVS']])
        self.assertIs(seen['updated'], True, seen)
        self.assertEqual(seen['revision'], NEW)
        self.assertEqual(self.prop(path, 'Revision'), NEW)
        loading = [f for phase, f in seen['progress'] if phase == 'loading']
        upgrading = [f for phase, f in seen['progress'] if phase == 'upgrading']
        # How many reports a write gets depends on the port's pace: at least its start and end.
        self.assertGreaterEqual(len(loading), 2, seen['progress'])
        self.assertLess(loading[0], 1.0)
        self.assertEqual(loading, sorted(loading))
        self.assertEqual(loading[-1], 1.0)
        self.assertEqual(seen['progress'][-1], ['upgrading', 1.0])
        self.assertTrue(upgrading)
        self.assertEqual(seen['error'], {'invalid_argument': True,
                                         'message': 'timeout 5 is out of range: 30–180'})


if __name__ == '__main__':
    if GJS is None:  # a truly absent dependency
        print('gjs is missing', file=sys.stderr)
        sys.exit(77)
    lib_harness.harness.main()
