#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The man pages document every option the programs take, and every onemo-fwctl command.

Each program's --help (and, for onemo-fwctl, each command's --help) is read; every long
option it lists must appear as <option> in the DocBook source of its man page.

Usage: test-data-man-options.py PAGE.xml PROGRAM [PAGE.xml PROGRAM]...
"""

import os
import re
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

PAGES = []  # [(xml, program)]


def help_text(program, *args):
    run = subprocess.run([program, *args, "--help"], capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    return run.stdout + run.stderr


def long_options(text):
    # "  -m, --module=ID   ..." and "  --json   ...": the first long option of an entry line.
    return set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)", text, re.M)) - {"--help-all"}


def fwctl_commands(text):
    commands = text.split("Commands:", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in commands.strip().splitlines()]


def documented(xml):
    root = ET.parse(xml).getroot()
    options = {"".join(e.itertext()).split("=")[0] for e in root.iter("option")}
    commands = {"".join(e.itertext()) for e in root.iter("command")}
    return options, commands


class ManOptionsTest(unittest.TestCase):
    def test_every_option_documented(self):
        for xml, program in PAGES:
            options, commands = documented(xml)
            text = help_text(program)
            self.assertIn("Usage:", text, f"{program} --help")
            wanted = {(None, o) for o in long_options(text)}
            if "Commands:" in text:
                for command in fwctl_commands(text):
                    self.assertIn(command, commands, f"{xml}: command {command}")
                    wanted |= {(command, o) for o in long_options(help_text(program, command))}
            for command, option in sorted(wanted, key=str):
                where = f"{command} " if command else ""
                self.assertIn(option, options, f"{xml}: {where}{option} is not documented")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    PAGES = list(zip(args[::2], args[1::2]))
    unittest.main(argv=sys.argv[:1], verbosity=2)
