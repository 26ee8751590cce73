# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Real SIP software through the router (issue 14): the topology of
# selftests/lib/topo.sh plus a second phone behind the NAT, on a LAN port of
# its own, and a second public address on the server's side for the user
# agent that is not the proxy:
#
#   phone  192.168.2.128  fd00:192:168:2::128 ─┐              ┌─ server 172.16.2.102 fd00:172:16:2::102 (kamailio)
#                                              ├── router ────┤
#   phone2 192.168.3.128  fd00:192:168:3::128 ─┘  (lan, lan2,  └─ peer   172.16.2.103 fd00:172:16:2::103 (same ns)
#                                                  wan)
#
# Both LANs are masqueraded out of wan, so a call between the phones through
# kamailio is a hairpin: each phone's media goes to the router's public
# address and must come back in. Each end counts the RTP it receives (nft
# counters in its namespace), which is what the scenarios check besides
# the calls' signalling.
#
# Sourced after selftests/lib/test.sh and topo.sh. The helper on the router
# is ours (INTEROP_HELPER=ours: nf_sip_alg, type "sip-alg") or the kernel's
# (kernel: nf_conntrack_sip + nf_nat_sip, type "sip").

INTEROP=$SELFTESTS/interop
export PHONE2_NS=$TOPO_PREFIX-phone2
export PHONE2_4=192.168.3.128
export ROUTER_LAN2_4=192.168.3.1
export PHONE2_6=fd00:192:168:3::128
export ROUTER_LAN2_6=fd00:192:168:3::1
export PEER4=172.16.2.103
export PEER6=fd00:172:16:2::103
INTEROP_HELPER=${INTEROP_HELPER:-ours}
# RTP ports: every user agent announces ports from here on (sipp -mp).
INTEROP_RTP_PORTS=10000-59999

in_phone2() { ip netns exec "$PHONE2_NS" "$@"; }

interop_teardown() {
	topo_teardown
	ip netns delete "$PHONE2_NS" 2>/dev/null || true
}

# The three namespaces of topo.sh, then phone2 and the peer's addresses.
interop_topology() {
	interop_teardown
	topo_setup
	trap interop_teardown EXIT
	ip netns add "$PHONE2_NS"
	ip -n "$PHONE2_NS" link set lo up
	ip link add eth0 netns "$PHONE2_NS" type veth peer name lan2 netns "$ROUTER_NS"
	ip -n "$PHONE2_NS" addr add "$PHONE2_4/24" dev eth0
	ip -n "$PHONE2_NS" addr add "$PHONE2_6/64" dev eth0 nodad
	ip -n "$ROUTER_NS" addr add "$ROUTER_LAN2_4/24" dev lan2
	ip -n "$ROUTER_NS" addr add "$ROUTER_LAN2_6/64" dev lan2 nodad
	ip -n "$PHONE2_NS" link set eth0 up
	ip -n "$ROUTER_NS" link set lan2 up
	ip -n "$PHONE2_NS" route add default via "$ROUTER_LAN2_4"
	ip -n "$PHONE2_NS" -6 route add default via "$ROUTER_LAN2_6"
	ip -n "$SERVER_NS" addr add "$PEER4/24" dev eth0
	ip -n "$SERVER_NS" addr add "$PEER6/64" dev eth0 nodad
	interop_rtp_counters
}

# Count what each namespace receives from its link that looks like RTP
# (version 2, on the RTP ports): the proof that media got through both
# ways. Not what it sends itself over lo, which a wrong address in SDP
# can make it do.
interop_rtp_counters() {
	local ns
	for ns in "$PHONE_NS" "$PHONE2_NS" "$SERVER_NS"; do
		ip netns exec "$ns" nft -f - <<-EOF
			table inet interop_rtp {
				counter rtp { }
				chain input {
					type filter hook input priority filter; policy accept;
					iifname "eth0" udp dport $INTEROP_RTP_PORTS @th,64,2 2 counter name rtp
				}
			}
		EOF
	done
}

# interop_rtp NS: the RTP packets NS received so far.
interop_rtp() {
	ip netns exec "$1" nft list counter inet interop_rtp rtp | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# interop_rtp_at_least NS MIN WHAT: NS received at least MIN RTP packets.
# When not, say which media the router kept out.
interop_rtp_at_least() {
	local n
	n=$(interop_rtp "$1")
	echo "RTP received by $3: $n packets (want at least $2)"
	[ "$n" -lt "$2" ] || return 0
	echo "FAIL: $3 received $n RTP packets, not at least $2$(interop_media_refused)"
	return 1
}

# The media flows that came in to the router's own public address, where
# no pinhole (expectation) took them in, as " (no pinhole let in: SRC:PORT
# -> :PORT ...)" for the FAIL line.
interop_media_refused() {
	local flows
	flows=$(in_router conntrack -L -p udp 2>/dev/null |
		sed -n "s/^udp .* src=\([^ ]*\) dst=\($ROUTER_WAN4\|$ROUTER_WAN6\) sport=\([0-9]*\) dport=\([0-9]*\) \[UNREPLIED\] .*/\1:\3 -> :\4/p" |
		sort -u | head -n 3 | paste -sd ' ' -)
	[ -z "$flows" ] || echo " (no pinhole let in: $flows)"
}

# The helper on the router's SIP port, UDP and TCP, v4 and v6: ours with
# the ruleset users load (topo_attach_helper), or the kernel's attached
# the same way.
interop_attach_helper() {
	if [ "$INTEROP_HELPER" = ours ]; then
		topo_attach_helper
		return
	fi
	in_router nft -f - <<-EOF
		table inet interop_sip {
			ct helper sip-udp {
				type "sip" protocol udp
				l3proto inet
			}
			ct helper sip-tcp {
				type "sip" protocol tcp
				l3proto inet
			}
			chain prerouting {
				type filter hook prerouting priority filter; policy accept;
				udp dport $SIP_PORT ct helper set "sip-udp"
				tcp dport $SIP_PORT ct helper set "sip-tcp"
			}
			chain output {
				type filter hook output priority filter; policy accept;
				udp dport $SIP_PORT ct helper set "sip-udp"
				tcp dport $SIP_PORT ct helper set "sip-tcp"
			}
		}
	EOF
}

# Load the helper's modules: only one of the two helpers at a time, so
# that each run shows one helper's behaviour. grace=1: our calls' pinholes
# and media go 1 s after BYE, which the checks wait for.
interop_load_helper() {
	if [ "$INTEROP_HELPER" = ours ]; then
		modprobe -r nf_nat_sip nf_conntrack_sip 2>/dev/null || true
		module_loaded || modprobe nf_sip_alg grace=1
	else
		! module_loaded || modprobe -r nf_sip_alg
		modprobe nf_nat_sip
	fi
}

# kamailio (kamailio.cfg) in the server's namespace, in the foreground
# (-DD: its children stay in its process group) and logging to stderr, on
# the server's addresses, UDP and TCP. interop_kamailio_stop ends it.
KAMAILIO_PID=
interop_kamailio_start() { # LOG
	local dir
	dir=$(mktemp -d)
	ip netns exec "$SERVER_NS" kamailio -DD -E -f "$INTEROP/kamailio.cfg" -Y "$dir" \
		-l "udp:$SERVER4:$SIP_PORT" -l "tcp:$SERVER4:$SIP_PORT" \
		-l "udp:[$SERVER6]:$SIP_PORT" -l "tcp:[$SERVER6]:$SIP_PORT" >"$1" 2>&1 &
	KAMAILIO_PID=$!
	TOPO_PIDS="$TOPO_PIDS $KAMAILIO_PID"
	TOPO_POLL=0.3 topo_wait 30 interop_kamailio_ready || { cat "$1"; echo "FAIL: kamailio did not start"; return 1; }
}

interop_kamailio_ready() {
	in_server ss -Hltn "sport = :$SIP_PORT" | grep -q . &&
		[ "$(in_server ss -Hlun "sport = :$SIP_PORT" | wc -l)" -ge 2 ]
}

interop_kamailio_stop() {
	[ -n "$KAMAILIO_PID" ] || return 0
	kill "$KAMAILIO_PID" 2>/dev/null || true
	wait "$KAMAILIO_PID" 2>/dev/null || true
	KAMAILIO_PID=
}

# interop_prefix PREFIX: the namespaces of one topology, PREFIX-phone and
# so on, so that several scenarios run at once (run.sh), each on its own.
interop_prefix() {
	TOPO_PREFIX=$1
	PHONE_NS=$1-phone ROUTER_NS=$1-router SERVER_NS=$1-server PHONE2_NS=$1-phone2
}
