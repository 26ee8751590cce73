#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nf_sip_alg loads and unloads cleanly, several times, also with the ports
# parameter, and its helper keeps the name nft asks for whatever the ports.
# (The VM runner fails the test on any splat in the kernel log.)

set -eu
. "$(dirname "$0")/../lib/test.sh"
require modprobe nft

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

# Whatever the first port, its helper is "sip-alg", the name nft asks for
# (the kernel would call it "sip-alg-0"); further ports get "sip-alg-<i>".
# Where helpers have no ports (7.3) there is "sip-alg" only, and the module
# says that ports= has no effect.
said() { dmesg | grep -c "nf_sip_alg: ports= has no effect" || true; }
before=$(said)
run modprobe nf_sip_alg ports=5062,5080
names="sip-alg sip-alg-1"
if [ "$(said)" != "$before" ]; then
	echo "this kernel's helpers have no ports"
	names=sip-alg
fi
for name in $names; do
	run nft add table inet portcheck
	if ! run nft add ct helper inet portcheck h "{ type \"$name\" protocol udp; l3proto inet; }"; then
		nft delete table inet portcheck
		fail "no helper named $name with ports=5062,5080"
	fi
	run nft delete table inet portcheck
done
run modprobe -r nf_sip_alg
! module_loaded || fail "still loaded after modprobe -r"
# The default port second: it must not claim the first one's name.
run modprobe nf_sip_alg ports=5080,5060
run modprobe -r nf_sip_alg
# Beside nf_conntrack_sip, which holds 5060, as the README says: with the
# defaults, in either order, and with a port of its own.
run modprobe nf_conntrack_sip
run modprobe nf_sip_alg || fail "nf_sip_alg refused beside nf_conntrack_sip"
run modprobe -r nf_sip_alg nf_conntrack_sip
run modprobe nf_sip_alg
run modprobe nf_conntrack_sip || fail "nf_conntrack_sip refused beside nf_sip_alg"
run modprobe -r nf_sip_alg nf_conntrack_sip
run modprobe nf_conntrack_sip
run modprobe nf_sip_alg ports=5062 || fail "nf_sip_alg ports=5062 refused beside nf_conntrack_sip"
run modprobe -r nf_sip_alg nf_conntrack_sip

dmesg | grep nf_sip_alg
