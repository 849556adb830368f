#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for the given seconds (default 60)
# from its seed corpus. Fails on any crash, leak or sanitizer report.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
build-aux/install-deps.sh

if [ ! -d build-fuzz/meson-private ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Db_lundef=false -Dbuildtype=debugoptimized
fi
meson compile -C build-fuzz

for target in tests/fuzz/fuzz-*.c; do
  name=$(basename "$target" .c)
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/"$name"/* "$corpus"/
  echo "fuzzing $name for $seconds s"
  build-fuzz/tests/fuzz/"$name" -max_total_time="$seconds" -print_final_stats=1 \
    "$corpus" tests/fuzz/corpus/"$name"
  rm -rf "$corpus"
done
