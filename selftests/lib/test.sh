# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The test convention (selftests/README.md): exit 0 = pass, 1 = fail,
# 4 = skip with the reason as the last line printed. Everything a test prints
# goes to its log in the results directory, shown when it fails.

SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SELFTESTS SIPTOOL=$SELFTESTS/lib/siptool.py

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "$*"
	exit 4
}

require() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || skip "$cmd is not installed (scripts/deps.sh)"
	done
}

module_loaded() {
	[ -d /sys/module/nf_sip_alg ]
}

# Print the command, then run it, so that the log reads as a transcript.
run() {
	echo "+ $*"
	"$@"
}
