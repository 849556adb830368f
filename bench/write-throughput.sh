#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes a 1 MiB package through the AT engine into the simulator (an MN316-S, the one sub-model
# with both serial write modes) at 115200 and 921600 baud, transparent and hex, and prints the
# payload rate as a share of the line's capacity (baud/10 bytes/s).
# Targets: transparent >= 97 % of line rate; hex >= 95 % of the hex ceiling (the share of a
# command line's bytes that is payload). Exits 1 when a target is missed.
#
# Usage: bench/write-throughput.sh [BUILDDIR] [BAUD...]
set -eu
build=${1:-build}
shift || true
rates=${*:-115200 921600}
sim="$build/src/sim/onemo-modem-sim"
writer="$build/tools/onemo-write-package"

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$sim" --make-package "$work/pkg.bin" --series MN316-S --new-revision MN316-S-DLVS-MBRH9S99 \
  --size 1048576 >/dev/null

start_sim() {
  "$sim" --model MN316-S-DLVS --link "$work/tty" --baud "$1" &
  sim_pid=$!
  for _ in $(seq 100); do [ -e "$work/tty" ] && return 0; sleep 0.05; done
  echo "the simulator did not come up" >&2
  exit 1
}

status=0
for baud in $rates; do
  for mode in transparent hex; do
    start_sim "$baud"
    line=$("$writer" --quiet --port "$work/tty" --baud "$baud" --mode "$mode" --file "$work/pkg.bin")
    kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=
    echo "$line"
    if [ "$mode" = transparent ]; then
      share=$(echo "$line" | sed -n 's/.*line_share=\([0-9.]*\)%.*/\1/p'); target=97
    else
      share=$(echo "$line" | sed -n 's/.*of_ceiling=\([0-9.]*\)%.*/\1/p'); target=95
    fi
    if awk "BEGIN { exit !($share >= $target) }"; then
      echo "  PASS: $mode at $baud baud: $share % (target $target %)"
    else
      echo "  FAIL: $mode at $baud baud: $share % (target $target %)"
      status=1
    fi
  done
done
exit $status
