#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints one closing line for a meson test log: 'tests: N passed, N failed, N skipped'.

Exits 1 when a test failed, or when one skipped while CI=true (CI installs every dependency).
"""
import json
import os
import sys

counts = {"passed": 0, "failed": 0, "skipped": 0}
skipped = []
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            counts["passed"] += 1
        elif result == "SKIP":
            counts["skipped"] += 1
            skipped.append(json.loads(line)["name"])
        else:
            counts["failed"] += 1

print(f"tests: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
if skipped and os.environ.get("CI") == "true":
    print("skipped under CI (every dependency is installed there): " + ", ".join(skipped))
    sys.exit(1)
sys.exit(1 if counts["failed"] or counts["passed"] == 0 else 0)
