#!/bin/sh
# Sets up a fresh Debian 12 machine (packages), builds with warnings as errors and runs every
# test. Prints "tests: N passed, N failed, N skipped" last. Under CI (CI=true) a skipped test
# fails the run: CI installs every dependency, so nothing has a reason to skip there.
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh

if [ -d build/meson-private ]; then
  meson configure build -Dwerror=true
else
  meson setup build -Dwerror=true
fi
meson compile -C build

status=0
meson test -C build --print-errorlogs --num-processes 2 || status=$?
/usr/bin/python3 build-aux/test-summary.py build/meson-logs/testlog.json || status=1
exit "$status"
