#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SIP sent through the router (selftests/lib/topo.sh) gets the sip-alg
# helper: over UDP and TCP, IPv4 and IPv6, forwarded from the phone and sent
# by the router itself; and the masquerade works, as the server sees the
# router's address.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3

tmp=$(mktemp -d)
topo_setup
topo_attach_helper
module_loaded || fail "attaching the helper did not load nf_sip_alg"

topo_bg in_server "$SIPTOOL" serve --bind "$SERVER4" --log "$tmp/server4.log" --ready "$tmp/ready4"
topo_bg in_server "$SIPTOOL" serve --bind "$SERVER6" --log "$tmp/server6.log" --ready "$tmp/ready6"
topo_wait 10 test -e "$tmp/ready4" -a -e "$tmp/ready6" || fail "the SIP server did not start"

# conntrack entries on the router for SIP to one server address over one protocol.
sip_flows() { # family proto server
	in_router conntrack -L -f "$1" -p "$2" --orig-dst "$3" --orig-port-dst "$SIP_PORT" 2>/dev/null
}

for fam in 4 6; do
	if [ $fam = 4 ]; then
		server=$SERVER4 wan=$ROUTER_WAN4 family=ipv4
	else
		server=$SERVER6 wan=$ROUTER_WAN6 family=ipv6
	fi
	for proto in udp tcp; do
		opt=
		[ $proto = udp ] || opt=--tcp
		run in_phone "$SIPTOOL" options --to "$server" $opt || fail "no answer over $proto/IPv$fam"
		flows=$(sip_flows $family $proto "$server")
		echo "$flows"
		echo "$flows" | grep -q "src=${PHONE4%.*}\|src=${PHONE6%::*}" ||
			fail "no $proto/IPv$fam conntrack entry from the phone"
		echo "$flows" | grep "src=${PHONE4%.*}\|src=${PHONE6%::*}" | grep -q 'helper=sip-alg' ||
			fail "the phone's $proto/IPv$fam flow has no sip-alg helper"

		# The router's own SIP goes through OUTPUT.
		run in_router "$SIPTOOL" options --to "$server" $opt || fail "router: no answer over $proto/IPv$fam"
		sip_flows $family $proto "$server" | grep "src=$wan " | grep -q 'helper=sip-alg' ||
			fail "the router's own $proto/IPv$fam flow has no sip-alg helper"
	done
done

# Masquerade: the server never sees the phone's private address.
cat "$tmp/server4.log" "$tmp/server6.log"
for log in "$tmp/server4.log" "$tmp/server6.log"; do
	grep '^--- ' "$log" | grep -qv "from $ROUTER_WAN4 \|from $ROUTER_WAN6 " &&
		fail "the server saw a request from another address than the router's"
done
[ "$(grep -c '^--- ' "$tmp/server4.log" "$tmp/server6.log" | awk -F: '{ s += $2 } END { print s }')" -eq 8 ] ||
	fail "the server did not get the 8 requests"
rm -rf "$tmp"
