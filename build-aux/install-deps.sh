#!/bin/sh
# Installs every Debian 12 package that building, testing, fuzzing and benchmarking
# onemo-firmware need. Used by the README's commands and by .ci/run.
set -eu

packages="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libglib2.0-bin libcurl4-openssl-dev libgudev-1.0-dev libpolkit-gobject-1-dev
  dbus dbus-daemon polkitd gnome-desktop-testing
  python3 python3-gi python3-dbusmock python3-pyftpdlib python3-openssl
  gobject-introspection libgirepository1.0-dev valac gjs gi-docgen
  systemd openssl strace procps gettext xsltproc docbook-xsl libxml2-utils docbook-xml groff-base bash-completion
  modemmanager modemmanager-dev libmm-glib-dev
  umockdev libumockdev-dev gir1.2-umockdev-1.0 udev util-linux
  cockpit-ws cockpit-bridge chromium
  mender-client mender-artifact jq swupdate cpio
"
# The Cockpit page's test drives chromium with playwright-core (npm). A node.js from elsewhere
# (NodeSource's nodejs bundles npm and conflicts with Debian's) serves as well as Debian's.
command -v node >/dev/null 2>&1 || packages="$packages nodejs"
command -v npm >/dev/null 2>&1 || packages="$packages npm"

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# playwright-core, pinned by tests/cockpit/package-lock.json; it never downloads a browser (the
# test runs Debian's chromium). Installed again only when the lock names another version.
cd "$(dirname "$0")/../tests/cockpit"
if ! node -e 'const want = require("./package-lock.json").packages["node_modules/playwright-core"].version;
    process.exit(require("./node_modules/playwright-core/package.json").version === want ? 0 : 1)' 2>/dev/null; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
fi
