#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What the OTA engine tests share: tests/cli/cli_harness.py (a private bus, the real daemon,
simulated modules with IMEIs of their own, onemo-fwctl) and the environment engines run in.

A test program ends with fleet_harness.main(): its first argument is the onemo-fwctl to use,
which the engines reach through ONEMO_FWCTL and the private bus through their environment.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cli'))
import cli_harness  # noqa: E402

OLD = 'MN316-S-DLVS-MBRH0S00'
NEW = 'MN316-S-DLVS-MBRH5F01'


class FleetTest(cli_harness.CliTest):

    def engine_env(self):
        """The environment an engine runs the module's onemo-fwctl in: the private bus."""
        return dict(self.env(), ONEMO_FWCTL=cli_harness.FWCTL)

    def assertUntouched(self, sim, path, revision=OLD):
        super().assertUntouched(sim, path, revision)


def main():
    cli_harness.main()
