#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inbound call to a PBX inside, published with a static dnat: the router
# forwards SIP to its public address on to the PBX (the phone namespace).
# An outside phone (the server namespace) calls the public address; the PBX
# answers, its 200 OK (Contact, SDP) names the public address, and RTP
# flows both ways. IPv4 and IPv6, through the router of
# selftests/lib/topo.sh; the scenario is in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
in_router nft -f - <<NFT
table inet pbx {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" ip daddr $ROUTER_WAN4 udp dport $SIP_PORT dnat ip to $PHONE4
		iifname "wan" ip6 daddr $ROUTER_WAN6 udp dport $SIP_PORT dnat ip6 to $PHONE6
	}
}
NFT
scenario pbx
calls_done
