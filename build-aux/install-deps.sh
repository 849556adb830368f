#!/bin/sh
# Installs every Debian 12 package that building, testing, fuzzing and benchmarking
# onemo-firmware need. Used by the README's commands and by .ci/run.
set -eu

packages="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libglib2.0-bin libcurl4-openssl-dev libgudev-1.0-dev libpolkit-gobject-1-dev
  dbus dbus-daemon
  python3 python3-gi python3-dbusmock python3-pyftpdlib python3-openssl
  gobject-introspection libgirepository1.0-dev valac gjs gi-docgen
  systemd openssl strace procps gettext xsltproc docbook-xsl libxml2-utils docbook-xml groff-base bash-completion
  modemmanager modemmanager-dev libmm-glib-dev
  umockdev libumockdev-dev gir1.2-umockdev-1.0 udev util-linux
"

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
