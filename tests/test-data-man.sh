#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The rendered man pages: groff must format each with every warning on and say nothing, and
# each page must have the sections a reader looks for.
#
# Usage: test-data-man.sh PAGE...
set -u

if ! command -v groff >/dev/null 2>&1; then
  echo "groff is not installed (Debian: groff-base)" >&2
  exit 77
fi

n=0
failures=0
for page in "$@"; do
  n=$((n + 1))
  name=$(basename "$page")
  warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
  text=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -P-cbou "$page" 2>/dev/null)
  problems=""
  [ -n "$warnings" ] && problems="$problems groff warned: $warnings;"
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT EXAMPLES "SEE ALSO"; do
    printf '%s\n' "$text" | grep -Eq "^([A-Z]+ )?$section\$" || problems="$problems no $section;"
  done
  case $name in
    *.8) printf '%s\n' "$text" | grep -q '^FILES$' || problems="$problems no FILES;" ;;
  esac
  printf '%s\n' "$text" | grep -q 'FIXME' && problems="$problems a FIXME;"
  if [ -z "$problems" ]; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name:$problems"
    failures=$((failures + 1))
  fi
done
echo "1..$n"
[ "$failures" -eq 0 ]
