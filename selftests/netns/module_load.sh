#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nf_sip_alg loads and unloads cleanly, several times, also with the ports
# parameter. (The VM runner fails the test on any splat in the kernel log.)

set -eu
. "$(dirname "$0")/../lib/test.sh"
require modprobe

! module_loaded || fail "nf_sip_alg is loaded before the test"
for i in 1 2 3; do
	run modprobe nf_sip_alg
	module_loaded || fail "not loaded after modprobe (round $i)"
	run modprobe -r nf_sip_alg
	! module_loaded || fail "still loaded after modprobe -r (round $i)"
done

run modprobe nf_sip_alg ports=5060,5080
ports=$(cat /sys/module/nf_sip_alg/parameters/ports)
[ "$ports" = 5060,5080 ] || fail "ports parameter reads '$ports'"
run modprobe -r nf_sip_alg
! module_loaded || fail "still loaded after modprobe -r"

dmesg | grep nf_sip_alg
