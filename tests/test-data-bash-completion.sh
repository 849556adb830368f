#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion of onemo-fwctl (data/onemo-fwctl.bash-completion): loads it beside
# bash-completion's own functions and completes command lines as a user would type them.
# A stand-in onemo-fwctl on PATH prints a command's --help, as the real one does.
#
# Usage: test-data-bash-completion.sh COMPLETION_FILE BASH_COMPLETION_SCRIPT
set -u

completion=$1
bash_completion=$2
if [[ ! -r $bash_completion ]]; then
  echo "bash-completion is not installed ($bash_completion)" >&2
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/files"
cat >"$tmp/bin/onemo-fwctl" <<'EOF'
#!/bin/sh
case "$1" in
  write)
    printf '%s\n' 'Usage:' '  onemo-fwctl write [OPTION...] FILE' '' 'Options:' \
      '  --mode=MODE       transparent or hex' '  --offset=BYTES    resume at this byte'
    ;;
  *) printf '%s\n' 'Usage:' '  onemo-fwctl [OPTION...] COMMAND' ;;
esac
EOF
chmod +x "$tmp/bin/onemo-fwctl"
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

# complete LINE: fills COMPREPLY as bash would after typing LINE (a trailing space starts a
# new word).
complete_line()
{
  local line=$1
  read -r -a COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
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
expect "onemo-fwctl --" --session --module --json --quiet --timeout --help --version
expect "onemo-fwctl --se" --session
expect_has "onemo-fwctl write --" --mode= --offset= --module --json
expect "onemo-fwctl write --mode " hex transparent
expect "onemo-fwctl update --via " host module
expect "onemo-fwctl check " md5 sha1 sha256
expect "onemo-fwctl config ti" timeout=
expect "onemo-fwctl add-port --model ML307R-D" ML307R-DC ML307R-DL
expect "onemo-fwctl write $tmp/files/fw." "$tmp/files/fw.bin" "$tmp/files/fw.pkg"
expect "onemo-fwctl --timeout 60 update $tmp/files/fw.p" "$tmp/files/fw.pkg"
expect "onemo-fwctl --timeout " # a number: nothing to offer
expect "onemo-fwctl download " # takes no argument

echo "1..$n"
[[ $failures -eq 0 ]]
