#!/bin/sh
# The main job, on any Debian 12 machine without a module: installs what is needed, builds,
# starts a simulated module (an MN316-S by default) on a pseudo-terminal, makes a firmware
# package for it, writes the package over the serial port with a progress bar, upgrades the
# module and prints its new revision.
#
# Usage: build-aux/demo.sh [--model SUB-MODEL] [--mode hex|transparent] [--size BYTES]
set -eu
cd "$(dirname "$0")/.."

model=MN316-S-DLVS
mode=hex
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

series=$("$sim" --list-models | awk -v m="$model" '$1 == m { print $2 }')
if [ -z "$series" ]; then
  echo "unknown sub-model $model; known: $("$sim" --list-models | awk '{print $1}' | tr '\n' ' ')" >&2
  exit 2
fi
"$sim" --make-package "$work/firmware.pkg" --series "$series" \
  --new-revision "$model-MBRH9S99" --size "$size" >/dev/null
"$sim" --model "$model" --link "$work/ttyONEMO" --baud 115200 &
sim_pid=$!
for _ in $(seq 100); do [ -e "$work/ttyONEMO" ] && break; sleep 0.05; done

echo "Simulated $model on $work/ttyONEMO"
build/tools/onemo-write-package --port "$work/ttyONEMO" --baud 115200 --mode "$mode" \
  --file "$work/firmware.pkg" --upgrade
