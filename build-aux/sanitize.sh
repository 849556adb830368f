#!/bin/sh
# Builds the tree with ASan and UBSan and runs the unit, engine and simulator tests under them.
set -eu
cd "$(dirname "$0")/.."
build-aux/install-deps.sh

if [ ! -d build-asan/meson-private ]; then
  meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug
fi
meson compile -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs --num-processes 2 --suite unit --suite engine --suite sim
