#!/bin/sh
# The AT engine alone, without the D-Bus service: installs what is needed, builds,
# starts a simulated module (an MN316-S by default) on a pseudo-terminal, makes a firmware
# package for it, writes the package over the serial port with a progress bar (transparent where
# the sub-model has it, else hex), upgrades the
# module and prints its new revision.
#
# Usage: build-aux/demo-serial.sh [--model SUB-MODEL] [--mode hex|transparent] [--size BYTES]
set -eu
cd "$(dirname "$0")/.."

model=MN316-S-DLVS
mode=
size=65536
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    *) echo "usage: $0 [--model SUB-MODEL] [--mode hex|transparent] [--size BYTES]" >&2; exit 2 ;;
  esac
done

build-aux/install-deps.sh
[ -d build/meson-private ] || meson setup build
meson compile -C build >/dev/null

sim=build/src/sim/onemo-modem-sim
work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

row=$("$sim" --list-models | awk -v m="$model" '$1 == m')
if [ -z "$row" ]; then
  echo "unknown sub-model $model; known: $("$sim" --list-models | awk '{print $1}' | tr '\n' ' ')" >&2
  exit 2
fi
series=$(echo "$row" | awk '{ print $2 }')
# Transparent where the sub-model has it (the faster one), else hex.
if [ -z "$mode" ]; then
  case "$row" in
    *write-transparent*) mode=transparent ;;
    *write-hex*) mode=hex ;;
    *)
      echo "$model takes no package over the serial port: it downloads its own (the D-Bus" >&2
      echo "service's Update does that for it). Try MN316-S-DLVS, MN316-DBRS or ML307R-DC." >&2
      exit 2 ;;
  esac
fi
"$sim" --make-package "$work/firmware.pkg" --series "$series" \
  --new-revision "$model-MBRH9S99" --size "$size" >/dev/null
"$sim" --model "$model" --link "$work/ttyONEMO" --baud 115200 &
sim_pid=$!
for _ in $(seq 100); do [ -e "$work/ttyONEMO" ] && break; sleep 0.05; done

echo "Simulated $model on $work/ttyONEMO"
build/tools/onemo-write-package --port "$work/ttyONEMO" --baud 115200 --mode "$mode" \
  --file "$work/firmware.pkg" --upgrade
