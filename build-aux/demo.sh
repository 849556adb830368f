#!/bin/sh
# The main job, on any Debian 12 machine without a module: installs what is needed, builds, then
# starts a private D-Bus, the service onemo-firmwared on it, a simulated module (an ML307A by
# default) and a loopback HTTP server holding a firmware package for it, and runs
# `onemo-fwctl update` with a progress bar through download, upgrade and the module's reboots.
#
# Usage: build-aux/demo.sh [--model SUB-MODEL] [--size BYTES] [--via host|module]
set -eu
cd "$(dirname "$0")/.."

model=ML307A-DSLN
size=200000
via=
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --via) via=$2; shift 2 ;;
    *) echo "usage: $0 [--model SUB-MODEL] [--size BYTES] [--via host|module]" >&2; exit 2 ;;
  esac
done

# The test suite runs this script on its own build (ONEMO_BUILDDIR), skipping the set-up.
if [ -n "${ONEMO_BUILDDIR:-}" ]; then
  build=$ONEMO_BUILDDIR
else
  build=build
  build-aux/install-deps.sh
  [ -d build/meson-private ] || meson setup build
  meson compile -C build >/dev/null
fi

sim=$build/src/sim/onemo-modem-sim
daemon=$build/src/daemon/onemo-firmwared
fetch_helper=$build/src/fetch/onemo-firmware-fetch
fwctl=$build/src/cli/onemo-fwctl
work=$(mktemp -d)
pids=
cleanup() {
  # Newest first: the service leaves the bus before the bus goes away.
  for pid in $(echo $pids | tr ' ' '\n' | tac); do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

series=$("$sim" --list-models | awk -v m="$model" '$1 == m { print $2 }')
if [ -z "$series" ]; then
  echo "unknown sub-model $model; known: $("$sim" --list-models | awk '{print $1}' | tr '\n' ' ')" >&2
  exit 2
fi

# A package for the module, on a loopback HTTP server (it stops when its stdin closes).
mkdir "$work/www"
"$sim" --make-package "$work/www/firmware.pkg" --series "$series" \
  --new-revision "$model-MBRH9S99" --size "$size" >/dev/null
mkfifo "$work/server-in"
/usr/bin/python3 tests/servers/serve.py --kind http --root "$work/www" \
  <"$work/server-in" >"$work/server-port" &
pids="$pids $!"
exec 3>"$work/server-in"
for _ in $(seq 100); do grep -q PORT "$work/server-port" 2>/dev/null && break; sleep 0.05; done
url="http://127.0.0.1:$(awk '/PORT/ { print $2 }' "$work/server-port")/firmware.pkg"

# A private bus, so the demo needs no system configuration and touches nothing of the host's.
dbus-daemon --session --fork --print-address=1 --print-pid=1 >"$work/bus"
DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p "$work/bus")
export DBUS_SESSION_BUS_ADDRESS
pids="$pids $(sed -n 2p "$work/bus")"

"$sim" --model "$model" --link "$work/ttyONEMO" --reboot-ms 700 &
pids="$pids $!"
"$daemon" --session --fetch-helper "$fetch_helper" 2>"$work/daemon.log" &
pids="$pids $!"
for _ in $(seq 100); do [ -e "$work/ttyONEMO" ] && break; sleep 0.05; done
# The service is ready once it owns its name: wait for that event, not a guess.
gdbus wait --session --timeout 10 org.onemo.Firmware

echo "Simulated $model at $work/ttyONEMO; package at $url"
"$fwctl" --session add-port "$work/ttyONEMO" --model "$model" >/dev/null
"$fwctl" --session list
"$fwctl" --session update ${via:+--via "$via"} "$url"
"$fwctl" --session show
