# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the sipalgctl VM tests (selftests/netns/ctl-*.sh) share, sourced
# after selftests/lib/test.sh: the tool (built if it is not up to date),
# the call holder, and checks of its exit status, messages and JSON.

CTL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # for the tests that source this file
CTL=$CTL_DIR/sipalgctl
LIVE_CALL=$CTL_DIR/tests/live-call.py

make -s -C "$CTL_DIR" sipalgctl >/dev/null || fail "sipalgctl does not build"

# ctl_refused STATUS PATTERN CMD...: CMD exits with STATUS and its stderr
# matches the extended regular expression PATTERN.
ctl_refused() {
	local want=$1 pattern=$2 rc=0 err
	shift 2
	echo "+ $*   (must fail with $want: $pattern)"
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" = "$want" ] || fail "$*: exit status $rc, not $want"
	grep -qE -- "$pattern" <<<"$err" || fail "$*: the error does not say \"$pattern\""
}

# json_true FILE EXPR [WHAT]: FILE is JSON (python3 -m json.tool) and the
# Python expression EXPR holds for it, as `d`.
json_true() {
	python3 -m json.tool "$1" >/dev/null || { cat "$1"; fail "${3:-$1}: not JSON"; }
	python3 - "$1" "$2" <<-'PY' || { cat "$1"; fail "${3:-$2}"; }
		import json, sys
		d = json.load(open(sys.argv[1]))
		sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)
	PY
}

# live_call_start FILE [--family N]...: hold calls up (tests/live-call.py)
# in the background until topo_teardown; FILE gets their JSON description.
live_call_start() {
	local ready=$1
	shift
	topo_bg python3 "$LIVE_CALL" --ready "$ready" "$@"
	topo_wait 60 test -s "$ready" || fail "the calls did not come up"
	cat "$ready"
	echo
}
