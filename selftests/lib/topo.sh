# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The network every kernel-side test uses: a phone on a private LAN, a router
# that masquerades the LAN behind its WAN address (and runs the ALG), and a
# SIP server on the WAN side. Three network namespaces joined by veth pairs:
#
#   ┌──────────────────────────┐   ┌────────────────────────────────────────────┐   ┌────────────────────────────┐
#   │ phone  (ns sipalg-phone) │   │ router  (ns sipalg-router)                 │   │ server  (ns sipalg-server) │
#   │                          │   │                                            │   │                            │
#   │ eth0                     │   │ lan                  wan                   │   │ eth0                       │
#   │ 192.168.2.128/24         ├───┤ 192.168.2.1/24       172.16.2.128/24       ├───┤ 172.16.2.102/24            │
#   │ fd00:192:168:2::128/64   │   │ fd00:192:168:2::1/64 fd00:172:16:2::128/64 │   │ fd00:172:16:2::102/64      │
#   │                          │   │                                            │   │                            │
#   │ default via router       │   │ forwarding; masquerade out of wan          │   │ no route to the LAN        │
#   │                          │   │ ct helper "sip-alg", udp+tcp 5060          │   │                            │
#   └──────────────────────────┘   └────────────────────────────────────────────┘   └────────────────────────────┘
#
# The server has no route back to the LAN: whatever reaches it from the phone
# must come from the router's WAN address, as on the Internet, so a private
# address that leaks into SIP or SDP is visibly unreachable from there.
#
# Usage, in a test run as root (in the VM: selftests/vm/run):
#   . "$(dirname "$0")/../lib/topo.sh"
#   topo_setup                  # namespaces, addresses, routes, masquerade
#   topo_attach_helper          # ct helper objects "sip-alg" (udp, tcp) on port 5060
#   in_phone CMD... / in_router CMD... / in_server CMD...
#   topo_expect_max N           # the kernel's global expectation limit, put back by teardown
#   topo_pin_budget CALL SOURCE # max_call_pins and max_source_pins, host and router
#   topo_teardown               # also installed as an EXIT trap by topo_setup
#
# The names below are the interface: tests use them rather than literals.
# They are exported for the tools tests start (e.g. selftests/lib/*.py).

TOPO_PREFIX=${TOPO_PREFIX:-sipalg}
export PHONE_NS=$TOPO_PREFIX-phone
export ROUTER_NS=$TOPO_PREFIX-router
export SERVER_NS=$TOPO_PREFIX-server

export PHONE4=192.168.2.128
export ROUTER_LAN4=192.168.2.1
export ROUTER_WAN4=172.16.2.128
export SERVER4=172.16.2.102
export PHONE6=fd00:192:168:2::128
export ROUTER_LAN6=fd00:192:168:2::1
export ROUTER_WAN6=fd00:172:16:2::128
export SERVER6=fd00:172:16:2::102

export SIP_PORT=5060
TOPO_NFT_HELPER=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/examples/nft/sip-alg.nft

in_phone() { ip netns exec "$PHONE_NS" "$@"; }
in_router() { ip netns exec "$ROUTER_NS" "$@"; }
in_server() { ip netns exec "$SERVER_NS" "$@"; }

# Background processes started with topo_bg are killed by topo_teardown.
TOPO_PIDS=
topo_bg() {
	"$@" &
	TOPO_PIDS="$TOPO_PIDS $!"
}

# The router's namespace with its forwarding and masquerade: what a router
# has before its links come up.
topo_router() {
	ip netns add "$ROUTER_NS"
	ip -n "$ROUTER_NS" link set lo up
	in_router sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	in_router nft -f - <<-EOF
		table inet topo_nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "wan" masquerade
			}
		}
	EOF
}

# The veth pairs between phone and router and router and server, their
# addresses and the phone's default routes.
topo_links() {
	ip link add eth0 netns "$PHONE_NS" type veth peer name lan netns "$ROUTER_NS"
	ip link add wan netns "$ROUTER_NS" type veth peer name eth0 netns "$SERVER_NS"

	# nodad: the addresses are usable at once, no wait for duplicate detection.
	ip -n "$PHONE_NS" addr add "$PHONE4/24" dev eth0
	ip -n "$PHONE_NS" addr add "$PHONE6/64" dev eth0 nodad
	ip -n "$ROUTER_NS" addr add "$ROUTER_LAN4/24" dev lan
	ip -n "$ROUTER_NS" addr add "$ROUTER_LAN6/64" dev lan nodad
	ip -n "$ROUTER_NS" addr add "$ROUTER_WAN4/24" dev wan
	ip -n "$ROUTER_NS" addr add "$ROUTER_WAN6/64" dev wan nodad
	ip -n "$SERVER_NS" addr add "$SERVER4/24" dev eth0
	ip -n "$SERVER_NS" addr add "$SERVER6/64" dev eth0 nodad
	ip -n "$PHONE_NS" link set eth0 up
	ip -n "$ROUTER_NS" link set lan up
	ip -n "$ROUTER_NS" link set wan up
	ip -n "$SERVER_NS" link set eth0 up
	ip -n "$PHONE_NS" route add default via "$ROUTER_LAN4"
	ip -n "$PHONE_NS" -6 route add default via "$ROUTER_LAN6"
}

topo_setup() {
	local ns
	topo_teardown
	trap topo_teardown EXIT
	for ns in "$PHONE_NS" "$SERVER_NS"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	topo_router
	topo_links
}

# Assign the sip-alg helper to SIP over UDP and TCP, for IPv4 and IPv6, in
# prerouting (forwarded traffic) and output (the router's own), with the
# ruleset a user would load: examples/nft/sip-alg.nft (port 5060). Creating
# the ct helper objects makes the kernel load nf_sip_alg through its
# "nfct-helper-sip-alg" alias if it is not loaded yet. Optional argument: the
# namespace, default the router.
topo_attach_helper() {
	ip netns exec "${1:-$ROUTER_NS}" nft -f "$TOPO_NFT_HELPER"
}

topo_detach_helper() {
	ip netns exec "${1:-$ROUTER_NS}" nft delete table inet sip_alg
}

# Set the kernel's limit on expectations, which is global and writable only
# in the initial namespace (each namespace's expectations count against it);
# topo_teardown puts back the value from before, for the tests that follow.
topo_expect_max() {
	local key=net.netfilter.nf_conntrack_expect_max
	TOPO_EXPECT_MAX_WAS=${TOPO_EXPECT_MAX_WAS:-$(sysctl -n $key)}
	sysctl -qw $key="$1"
	# The table is global: the router's namespace must see the limit.
	[ "$(in_router sysctl -n $key)" = "$1" ] || { echo "the router does not see $key=$1"; return 1; }
}

# For tests of calls bigger than the default budgets allow. The router's
# namespace cannot go above the host's, so the host's go first; the module
# is unloaded after each test, which puts the host's back.
topo_pin_budget() {
	local ns key=net.netfilter.sip_alg
	for ns in env in_router; do
		$ns sysctl -qw $key.max_call_pins="$1" $key.max_source_pins="$2"
	done
}

topo_teardown() {
	local pid ns
	if [ -n "${TOPO_EXPECT_MAX_WAS:-}" ]; then
		sysctl -qw net.netfilter.nf_conntrack_expect_max="$TOPO_EXPECT_MAX_WAS"
		TOPO_EXPECT_MAX_WAS=
	fi
	for pid in $TOPO_PIDS; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $TOPO_PIDS; do
		wait "$pid" 2>/dev/null || true
	done
	TOPO_PIDS=
	for ns in "$PHONE_NS" "$ROUTER_NS" "$SERVER_NS"; do
		ip netns delete "$ns" 2>/dev/null || true
	done
}

# Poll every TOPO_POLL seconds (0.1, or 0.3 for a costly check) until
# "$@" succeeds, for at most $1 seconds.
topo_wait() {
	local poll=${TOPO_POLL:-0.1}
	local tries
	tries=$(awk -v s="$1" -v p="$poll" 'BEGIN { print int(s / p) }')
	shift
	until "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep "$poll"
	done
}
