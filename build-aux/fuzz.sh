#!/bin/sh
# Builds the libFuzzer targets with clang and runs each from its seed corpus. Fails on any
# crash, leak or sanitizer report. libFuzzer's running commentary goes to
# build-fuzz/<target>.log; its last lines are shown when a target fails.
#
# Usage: fuzz.sh [SECONDS]        each target for SECONDS (default 60)
#        fuzz.sh --total SECONDS  SECONDS shared evenly by all targets, at least 10 each (CI:
#                                 a fixed budget however many targets there are)
set -eu
cd "$(dirname "$0")/.."
targets=$(ls tests/fuzz/fuzz-*.c)
count=$(echo "$targets" | wc -l)
if [ "${1:-}" = "--total" ]; then
  seconds=$(( ${2:?--total needs a number of seconds} / count ))
  [ "$seconds" -ge 10 ] || seconds=10
else
  seconds=${1:-60}
fi
build-aux/install-deps.sh

if [ ! -d build-fuzz/meson-private ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Db_lundef=false -Dbuildtype=debugoptimized
fi
meson compile -C build-fuzz

for target in $targets; do
  name=$(basename "$target" .c)
  corpus=$(mktemp -d)
  log=build-fuzz/$name.log
  cp tests/fuzz/corpus/"$name"/* "$corpus"/
  echo "fuzzing $name for $seconds s"
  if ! build-fuzz/tests/fuzz/"$name" -max_total_time="$seconds" -print_final_stats=1 \
      "$corpus" tests/fuzz/corpus/"$name" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $name failed"
    rm -rf "$corpus"
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|Done)' "$log" || true
  rm -rf "$corpus"
done
echo "fuzz: every target ran ${seconds} s without a finding"
