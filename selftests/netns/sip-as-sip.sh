#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Migrating from the kernel's helper with the ruleset unchanged: with
# as_sip=1 nf_sip_alg registers its helper as "sip", so that a ruleset
# written for nf_conntrack_sip (ct helper type "sip") attaches ours. It is
# refused, with a message that says why, while nf_conntrack_sip is loaded
# (whether nf_conntrack_sip can load after it is the kernel's business: 6.1
# and 6.12 refuse, 7.3 does not). Then calls through the unchanged ruleset
# are handled by nf_sip_alg, UDP and TCP, IPv4 and IPv6.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
require nft conntrack python3

module_loaded && fail "nf_sip_alg is loaded before the test"
kernel_helper_loaded() { [ -d /sys/module/nf_conntrack_sip ]; }

# Refused beside the kernel's helper, which holds the name.
run modprobe nf_conntrack_sip
if modprobe nf_sip_alg as_sip=1 2>/dev/null; then
	fail "as_sip=1 was accepted while nf_conntrack_sip is loaded"
fi
module_loaded && fail "nf_sip_alg stayed loaded after refusing as_sip"
dmesg | grep -q 'as_sip: the helper name "sip" is held by nf_conntrack_sip' ||
	fail "the kernel log does not say why as_sip was refused"
echo "ok: as_sip=1 refused beside nf_conntrack_sip, and the log says why"
run modprobe -r nf_conntrack_sip

# Without it, the name is ours.
run modprobe nf_sip_alg as_sip=1 grace=1
dmesg | grep -q 'SIP ALG loaded, helper "sip"' || fail "nf_sip_alg did not say it is \"sip\""
# Kernels with default port tuples refuse a second helper of one name; 7.3
# does not, which is why the README says to blacklist nf_conntrack_sip.
if modprobe nf_conntrack_sip 2>/dev/null && kernel_helper_loaded; then
	echo "note: this kernel lets nf_conntrack_sip register \"sip\" as well"
	run modprobe -r nf_conntrack_sip
else
	echo "ok: nf_conntrack_sip cannot load while nf_sip_alg is \"sip\""
fi

# A ruleset written for the kernel's helper, unchanged.
topo_setup
sed 's/type "sip-alg"/type "sip"/' "$TOPO_NFT_HELPER" | run in_router nft -f -
in_router nft list ruleset | grep -q 'type "sip" protocol udp' || fail "the ruleset does not name \"sip\""
scenario outbound
scenario outbound --transport tcp
kernel_helper_loaded && fail "nf_conntrack_sip was loaded by the ruleset"
in_router conntrack -L 2>/dev/null | grep -q 'helper=sip ' || fail "no conntrack has the helper \"sip\""
echo "ok: the calls went through nf_sip_alg under the name \"sip\""
calls_done
