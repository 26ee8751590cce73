#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nft can create ct helper objects of type "sip-alg" for udp and tcp, IPv4,
# IPv6 and both, and doing so loads nf_sip_alg through its module alias, as
# on a router where nobody ran modprobe.

set -eu
. "$(dirname "$0")/../lib/test.sh"
require nft ip

ns=sipalg-nft
trap 'ip netns delete $ns 2>/dev/null || true' EXIT
ip netns add $ns

! module_loaded || fail "nf_sip_alg is loaded before the test"
run ip netns exec $ns nft -f - <<'NFT'
table inet t {
	ct helper sip-udp { type "sip-alg" protocol udp; l3proto inet; }
	ct helper sip-tcp { type "sip-alg" protocol tcp; l3proto inet; }
}
table ip t4 {
	ct helper sip-udp { type "sip-alg" protocol udp; }
}
table ip6 t6 {
	ct helper sip-tcp { type "sip-alg" protocol tcp; }
}
NFT
module_loaded || fail "creating the helper objects did not load nf_sip_alg"
listed=$(ip netns exec $ns nft list ruleset)
echo "$listed"
[ "$(echo "$listed" | grep -c 'type "sip-alg"')" -eq 4 ] || fail "nft does not list 4 sip-alg helpers"

# The check above means something only if nft refuses unknown helper types.
if ip netns exec $ns nft add ct helper inet t bogus '{ type "sip-alg-none" protocol udp; }' 2>/dev/null; then
	fail "nft accepted a helper type that does not exist"
fi

# The objects hold the module: it cannot go away under them.
if modprobe -r nf_sip_alg 2>/dev/null; then
	fail "nf_sip_alg was unloaded while nft helper objects used it"
fi
run ip netns exec $ns nft flush ruleset
run modprobe -r nf_sip_alg
! module_loaded || fail "still loaded after the objects were deleted"
