#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nf_sip_alg goes away cleanly while SIP flows that use it exist: it cannot be
# removed while nft's helper objects hold it; once they are deleted,
# `modprobe -r` succeeds, the flows lose the helper and keep working. (The VM
# runner fails the test on any splat in the kernel log.)

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3

tmp=$(mktemp -d)
topo_setup
topo_attach_helper

topo_bg in_server "$SIPTOOL" serve --bind "$SERVER4" --ready "$tmp/ready4"
topo_bg in_server "$SIPTOOL" serve --bind "$SERVER6" --ready "$tmp/ready6"
topo_wait 10 test -e "$tmp/ready4" -a -e "$tmp/ready6" || fail "the SIP server did not start"

# Two long-lived flows, one request a second on the same socket, across
# the unload (10 s): UDP over IPv4 and TCP over IPv6.
in_phone "$SIPTOOL" options --to "$SERVER4" --count 20 --interval 0.5 >"$tmp/udp.log" 2>&1 &
udp=$!
in_phone "$SIPTOOL" options --to "$SERVER6" --tcp --count 20 --interval 0.5 >"$tmp/tcp.log" 2>&1 &
tcp=$!

helped() {
	[ "$(in_router conntrack -L 2>/dev/null | grep -c 'dport=5060 .*helper=sip-alg')" -ge 2 ]
}
topo_wait 10 helped || fail "the flows did not get the helper"
in_router conntrack -L

if modprobe -r nf_sip_alg 2>/dev/null; then
	fail "nf_sip_alg was unloaded while nft helper objects used it"
fi
run topo_detach_helper
run modprobe -r nf_sip_alg
! module_loaded || fail "still loaded after modprobe -r"
kill -0 $udp && kill -0 $tcp || fail "the flows ended before the unload: nothing went through them after it"

in_router conntrack -L
in_router conntrack -L 2>/dev/null | grep -q 'dport=5060' || fail "the flows are gone from conntrack"

wait $udp || { cat "$tmp/udp.log"; fail "the UDP flow broke"; }
wait $tcp || { cat "$tmp/tcp.log"; fail "the TCP flow broke"; }

# Up to 6.x unregistering takes the helper off its conntracks. From 7.x on
# the conntracks hold a reference on the core's copy of it, whose help
# function unregistering clears: they keep its name, and the packets sent
# after the unload above (with no splat) are what shows the module is out
# of their path.
if [ "$(uname -r | cut -d. -f1)" -lt 7 ]; then
	! in_router conntrack -L 2>/dev/null | grep -q 'helper=sip-alg' ||
		fail "a flow still has the helper"
fi
rm -rf "$tmp"
