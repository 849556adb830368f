#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion of onemo-fwctl (data/onemo-fwctl.bash-completion): loads it beside
# bash-completion's own functions and completes command lines as a user would type them. The
# built onemo-fwctl is on PATH: the completion reads each command's options from its --help.
#
# Usage: test-data-bash-completion.sh COMPLETION_FILE BASH_COMPLETION_SCRIPT ONEMO_FWCTL
set -u

completion=$1
bash_completion=$2
fwctl=$3
if [[ ! -r $bash_completion ]]; then
  echo "bash-completion is not installed ($bash_completion)" >&2
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/files"
ln -s "$(realpath "$fwctl")" "$tmp/bin/onemo-fwctl"
touch "$tmp/files/fw.bin" "$tmp/files/fw.pkg"
PATH=$tmp/bin:$PATH

# shellcheck source=/dev/null
source "$bash_completion"
# shellcheck source=/dev/null
source "$completion"
# compopt only works while bash itself completes; here it has nothing to do.
compopt() { :; }

failures=0
n=0

# complete LINE: fills COMPREPLY as bash would after typing LINE. Like readline, a blank
# separates words and "=" and ":" (in COMP_WORDBREAKS) are words of their own.
complete_line()
{
  local line=$1 token
  local -a tokens
  read -r -a tokens <<<"$line"
  [[ $line == *" " ]] && tokens+=("")
  COMP_WORDS=()
  for token in "${tokens[@]}"; do
    while [[ $token =~ ^([^=:]*)([=:])(.*)$ ]]; do
      [[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
      COMP_WORDS+=("${BASH_REMATCH[2]}")
      token=${BASH_REMATCH[3]}
    done
    # What follows a break character is the word being completed, even when empty.
    if [[ -n $token || ${COMP_WORDS[-1]-} == [=:] || ${#COMP_WORDS[@]} -eq 0 ]]; then
      COMP_WORDS+=("$token")
    elif [[ ${tokens[-1]} == "" ]]; then
      COMP_WORDS+=("")
    fi
  done
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  _onemo_fwctl onemo-fwctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

# expect LINE WORD...: the completions of LINE are exactly WORD... (in any order).
expect()
{
  local line=$1
  shift
  complete_line "$line"
  local got want
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sed 's/ *$//' | sort -u | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
  n=$((n + 1))
  if [[ $got == "$want" ]]; then
    echo "ok $n - '$line'"
  else
    echo "not ok $n - '$line': got [$got], want [$want]"
    failures=$((failures + 1))
  fi
}

# expect_has LINE WORD...: the completions of LINE include every WORD.
expect_has()
{
  local line=$1 word missing=""
  shift
  complete_line "$line"
  for word in "$@"; do
    [[ " ${COMPREPLY[*]} " == *" $word "* ]] || missing+=" $word"
  done
  n=$((n + 1))
  if [[ -z $missing ]]; then
    echo "ok $n - '$line' offers $*"
  else
    echo "not ok $n - '$line' lacks$missing (got: ${COMPREPLY[*]})"
    failures=$((failures + 1))
  fi
}

commands=(list show config download write fetch check upgrade erase cancel update monitor
  add-port remove-port)

expect "onemo-fwctl " "${commands[@]}"
expect "onemo-fwctl up" update upgrade
expect "onemo-fwctl re" remove-port
expect "onemo-fwctl --module 2 --json er" erase
expect "onemo-fwctl -m 1 -t 30 up" update upgrade
expect "onemo-fwctl --" --session --module --json --quiet --timeout --no-ask-password --help --version
expect "onemo-fwctl --no" --no-ask-password
expect "onemo-fwctl --se" --session
# After the command, its own options only (global ones go before it).
expect_has "onemo-fwctl write --" --help --mode= --offset=
expect "onemo-fwctl --json write --o" --offset=
expect_has "onemo-fwctl update --" --via= --user= --password-stdin --ca-file= --mode= --all \
  --sub-model=
expect_has "onemo-fwctl add-port --" --model= --baud= --flow-control
expect "onemo-fwctl config --p" --password-stdin
expect "onemo-fwctl write --mode " hex transparent
expect "onemo-fwctl update --via " host module
expect "onemo-fwctl check " md5 sha1 sha256
expect "onemo-fwctl config ti" timeout=
expect "onemo-fwctl config url=x mode=" differential full
expect "onemo-fwctl config mode=f" full
expect "onemo-fwctl write --mode=t" transparent
expect "onemo-fwctl update --via=" host module
expect "onemo-fwctl update http://example.com/fw" # a URL: no file names
expect "onemo-fwctl add-port --model ML307R-D" ML307R-DC ML307R-DL
expect "onemo-fwctl update --all --sub-model MN316-S" MN316-S-DLVS
expect "onemo-fwctl write $tmp/files/fw." "$tmp/files/fw.bin" "$tmp/files/fw.pkg"
expect "onemo-fwctl --timeout 60 update $tmp/files/fw.p" "$tmp/files/fw.pkg"
expect "onemo-fwctl --timeout " # a number: nothing to offer
expect "onemo-fwctl download " # takes no argument

echo "1..$n"
[[ $failures -eq 0 ]]
