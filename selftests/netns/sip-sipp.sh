#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The basic outbound call between third-party peers: sipp's UAC on the phone
# (selftests/lib/sipp/uac.xml) calls sipp's UAS on the server
# (selftests/lib/sipp/uas.xml), through the router of
# selftests/lib/topo.sh. Both must complete the call; the server's received
# INVITE (sipp -trace_msg) must name no private address but in Call-ID, keep
# its Call-ID and have a right Content-Length; the router holds the call's
# RTP expectation while it lasts and nothing after BYE and the grace.
# IPv4 and IPv6, over UDP and over TCP (one connection, sipp -t t1). The
# scenarios are sipp's built-in uac and uas but for a valid SDP o= line over
# IPv6.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
require sipp

calls_setup
tmp=$(mktemp -d)

# The port sipp's SDP announces (-mp), and how long the phone talks (-d).
MEDIA_PORT=6000
TALK_MS=3000

uas_ready() { in_server ss -Hl"$1"n "sport = :$SIP_PORT" | grep -q .; }
expectations() { in_router conntrack -L expect -f "ipv$1" 2>/dev/null; }
# The phone's stream: to the router's public address (the server's UAS
# announces the same port on its own address).
rtp_expected() { # family public-address
	expectations "$1" | grep -qE " dst=$2 sport=[0-9]+ dport=$MEDIA_PORT "
}
no_expectation() { [ -z "$(expectations "$1")" ]; }

sipp_call() { # family transport(udp|tcp)
	local fam=$1 proto=$2 phone server dst pub uac uas ok=1 t=u1 l=u
	[ "$proto" = udp ] || t=t1 l=t
	if [ "$fam" = 4 ]; then
		phone=$PHONE4 server=$SERVER4 dst=$SERVER4 pub=$ROUTER_WAN4
	else
		phone=$PHONE6 server=$SERVER6 dst="[$SERVER6]" pub=$ROUTER_WAN6
	fi
	topo_bg in_server sipp -sf "$SELFTESTS/lib/sipp/uas.xml" -i "$server" -p "$SIP_PORT" -t "$t" \
		-m 1 -nostdin \
		-timeout 60s -timeout_error -trace_msg -message_file "$tmp/uas$fam$proto.log" \
		>"$tmp/uas$fam$proto.out" 2>&1
	uas=$!
	topo_wait 10 uas_ready "$l" || { echo "FAIL: sipp UAS did not start (IPv$fam)"; return 1; }
	topo_bg in_phone sipp -sf "$SELFTESTS/lib/sipp/uac.xml" -i "$phone" -p "$SIP_PORT" -t "$t" \
		-mp "$MEDIA_PORT" -d "$TALK_MS" -m 1 -nostdin -timeout 60s -timeout_error \
		-trace_msg -message_file "$tmp/uac$fam$proto.log" "$dst:$SIP_PORT" \
		>"$tmp/uac$fam$proto.out" 2>&1
	uac=$!
	# While the phone talks, the router expects RTP to the announced port.
	if topo_wait 20 rtp_expected "$fam" "$pub"; then
		echo "ok: the router expects RTP to port $MEDIA_PORT during the call (IPv$fam)"
	else
		echo "FAIL: no RTP expectation for port $MEDIA_PORT during the call (IPv$fam)"
		ok=0
	fi
	expectations "$fam"
	wait "$uac" || { echo "FAIL: sipp UAC did not complete the call (IPv$fam)"; ok=0; }
	# Over TCP the UAC's exit closes the connection during the UAS's
	# timewait, which sipp counts as a failed call: there the UAS's 200 to
	# the BYE says the call completed.
	if ! wait "$uas" && { [ "$proto" = udp ] || [ "$(grep -c 'CSeq: 2 BYE' "$tmp/uas$fam$proto.log")" -lt 2 ]; }; then
		echo "FAIL: sipp UAS did not complete the call (IPv$fam)"
		ok=0
	fi
	[ "$ok" = 1 ] || { tail -n 20 "$tmp/uac$fam$proto.out" "$tmp/uas$fam$proto.out"; cat "$tmp/uas$fam$proto.log"; }
	run python3 "$SCENARIOS" sipp-check --family "$fam" \
		--uac-log "$tmp/uac$fam$proto.log" --uas-log "$tmp/uas$fam$proto.log" || ok=0
	# The grace after BYE, plus a GC run (every second), plus slack for TCG.
	if topo_wait $(($(cat /sys/module/nf_sip_alg/parameters/grace) + 3)) no_expectation "$fam"; then
		echo "ok: no expectation is left after BYE and the grace (IPv$fam)"
	else
		echo "FAIL: expectations left after BYE and the grace (IPv$fam)"
		expectations "$fam"
		ok=0
	fi
	[ "$ok" = 1 ]
}

for proto in udp tcp; do
	for fam in 4 6; do
		echo "# sipp over $proto, IPv$fam"
		sipp_call $fam $proto || { router_state; CALLS_FAILED="$CALLS_FAILED sipp/$proto/IPv$fam"; }
	done
done
rm -rf "$tmp"
calls_done
