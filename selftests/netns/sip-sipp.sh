#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Calls between third-party peers, with their media: sipp's UAC and UAS
# (selftests/lib/sipp/uac.xml, uas.xml: sipp's built-in uac and uas
# but for a valid SDP o= line over IPv6, each sending 2 s of PCMU from its
# announced port once the call is up) through the router of
# selftests/lib/topo.sh. IPv4 and IPv6.
#
# Outbound, over UDP and over TCP (one connection, sipp -t t1): the phone
# calls the server. The server's received INVITE (sipp -trace_msg) must name
# no private address but in Call-ID, keep its Call-ID and have a right
# Content-Length.
#
# Inbound, over TCP: the server calls the phone, published like a PBX with a
# static dnat of tcp/5060 on the router's public address. The 200 the
# server receives must name no private address.
#
# Both ends must complete every call and receive at least 90% of the RTP
# the other sent (nft counters in each namespace, of what comes in from its
# link); the router holds the call's RTP expectation while it lasts and
# nothing after BYE and the grace. SIPALG_NO_HELPER=1 runs it all without
# the helper attached, which must fail.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
require sipp

calls_setup
tmp=$(mktemp -d)
if [ -n "${SIPALG_NO_HELPER:-}" ]; then
	echo "# SIPALG_NO_HELPER: the helper is not attached, the calls must fail"
	topo_detach_helper
fi

# The ports the phone's and the server's SDP announce (-mp), which their
# RTP comes from and goes to, and how long the caller talks (-d): longer
# than the 2 s of audio (RTP_PACKETS packets of PCMU, sent once).
PHONE_MEDIA=6000
SERVER_MEDIA=7000
TALK_MS=3000
RTP_PACKETS=100
head -c $((RTP_PACKETS * 160)) /dev/zero | tr '\0' '\377' >"$tmp/audio.ulaw"

# The phone published like a PBX, for the inbound calls over TCP.
in_router nft -f - <<NFT
table inet sipp_pbx {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" ip daddr $ROUTER_WAN4 tcp dport $SIP_PORT dnat ip to $PHONE4
		iifname "wan" ip6 daddr $ROUTER_WAN6 tcp dport $SIP_PORT dnat ip6 to $PHONE6
	}
}
NFT

# What looks like RTP (version 2) to the announced ports, coming in from
# the namespace's link: not what a peer sends itself over lo.
for ns in "$PHONE_NS" "$SERVER_NS"; do
	ip netns exec "$ns" nft -f - <<-NFT
		table inet sipp_rtp {
			counter rtp { }
			chain input {
				type filter hook input priority filter; policy accept;
				iifname "eth0" udp dport { $PHONE_MEDIA, $SERVER_MEDIA } @th,64,2 2 counter name rtp
			}
		}
	NFT
done
rtp_received() { # ns
	ip netns exec "$1" nft list counter inet sipp_rtp rtp | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

uas_ready() { ip netns exec "$1" ss -Hl"$2"n "sport = :$SIP_PORT" | grep -q .; }
expectations() { in_router conntrack -L expect -f "ipv$1" 2>/dev/null; }
# The phone's stream: to the router's public address, on the port the
# phone announced.
rtp_expected() { # family public-address
	expectations "$1" | grep -qE " dst=$2 sport=[0-9]+ dport=$PHONE_MEDIA "
}
no_expectation() { [ -z "$(expectations "$1")" ]; }
# pinhole_or_done FAMILY PUBLIC-ADDRESS PHONE-RTP-BEFORE UAC-PID: true once
# the router expects the phone's RTP or the phone has received some (which
# took the expectation), with what was seen in PINHOLE; or once the call is
# over (the UAC has exited), with PINHOLE empty.
pinhole_or_done() {
	PINHOLE=
	if rtp_expected "$1" "$2"; then
		PINHOLE="the router expects RTP to port $PHONE_MEDIA during the call"
		expectations "$1"
	elif [ "$(rtp_received "$PHONE_NS")" -gt "$3" ]; then
		PINHOLE="RTP to port $PHONE_MEDIA came in during the call"
	elif kill -0 "$4" 2>/dev/null; then
		return 1
	fi
}

# sipp_bg NS NAME ARGS...: sipp in NS, in the background in $tmp (where
# audio.ulaw is), its messages in $tmp/NAME.log, its output in
# $tmp/NAME.out; its pid in SIPP_PID.
sipp_bg() {
	local ns=$1 name=$2
	shift 2
	(cd "$tmp" && exec ip netns exec "$ns" sipp "$@" -m 1 -nostdin -timeout 60s -timeout_error \
		-trace_msg -message_file "$tmp/$name.log" >"$tmp/$name.out" 2>&1) &
	SIPP_PID=$!
	TOPO_PIDS="$TOPO_PIDS $SIPP_PID"
}

# rtp_at_least NS BEFORE WHO: NS received at least 90% of RTP_PACKETS
# since its counter read BEFORE.
rtp_at_least() {
	local n=$(($(rtp_received "$1") - $2)) min=$((RTP_PACKETS * 9 / 10))
	if [ "$n" -ge "$min" ]; then
		echo "ok: $3 received $n RTP packets of $RTP_PACKETS"
	else
		echo "FAIL: $3 received $n RTP packets of $RTP_PACKETS, not at least $min"
		return 1
	fi
}

# sipp_call FAMILY TRANSPORT(udp|tcp) DIRECTION(out|in)
sipp_call() {
	local fam=$1 proto=$2 dir=$3 phone server pub pubu serveru uac uas ok=1 t=u1 l=u
	local name=$dir$fam$proto uas_ns uac_ns uas_ip uac_ip uas_mp uac_mp dst lport=$SIP_PORT
	local rtp_phone rtp_server answer
	[ "$proto" = udp ] || t=t1 l=t
	if [ "$fam" = 4 ]; then
		phone=$PHONE4 server=$SERVER4 serveru=$SERVER4 pub=$ROUTER_WAN4 pubu=$ROUTER_WAN4
	else
		phone=$PHONE6 server=$SERVER6 serveru="[$SERVER6]" pub=$ROUTER_WAN6 pubu="[$ROUTER_WAN6]"
	fi
	if [ "$dir" = out ]; then
		uac_ns=$PHONE_NS uac_ip=$phone uac_mp=$PHONE_MEDIA
		uas_ns=$SERVER_NS uas_ip=$server uas_mp=$SERVER_MEDIA dst=$serveru
	else
		# The server's UAC from a port of its own: its connection is
		# not taken for the reply direction of the outbound call's.
		uac_ns=$SERVER_NS uac_ip=$server uac_mp=$SERVER_MEDIA lport=$((SIP_PORT + 10))
		uas_ns=$PHONE_NS uas_ip=$phone uas_mp=$PHONE_MEDIA dst=$pubu
	fi
	rtp_phone=$(rtp_received "$PHONE_NS")
	rtp_server=$(rtp_received "$SERVER_NS")
	sipp_bg "$uas_ns" "uas$name" -sf "$SELFTESTS/lib/sipp/uas.xml" -i "$uas_ip" \
		-p "$SIP_PORT" -t "$t" -mp "$uas_mp"
	uas=$SIPP_PID
	topo_wait 10 uas_ready "$uas_ns" "$l" || { echo "FAIL: sipp UAS did not start (IPv$fam)"; return 1; }
	sipp_bg "$uac_ns" "uac$name" -sf "$SELFTESTS/lib/sipp/uac.xml" -i "$uac_ip" \
		-p "$lport" -t "$t" -mp "$uac_mp" -d "$TALK_MS" "$dst:$SIP_PORT"
	uac=$SIPP_PID
	# While the call lasts, the router expects RTP to the phone's port,
	# until the first packet from the server takes the expectation.
	topo_wait 20 pinhole_or_done "$fam" "$pub" "$rtp_phone" "$uac" || true
	if [ -n "$PINHOLE" ]; then
		echo "ok: $PINHOLE (IPv$fam)"
	else
		echo "FAIL: no RTP expectation for port $PHONE_MEDIA during the call (IPv$fam)"
		ok=0
	fi
	wait "$uac" || { echo "FAIL: sipp UAC did not complete the call (IPv$fam)"; ok=0; }
	# Over TCP the UAC's exit closes the connection during the UAS's
	# timewait, which sipp counts as a failed call: there the UAS's 200 to
	# the BYE says the call completed.
	if ! wait "$uas" && { [ "$proto" = udp ] || [ "$(grep -c 'CSeq: 2 BYE' "$tmp/uas$name.log")" -lt 2 ]; }; then
		echo "FAIL: sipp UAS did not complete the call (IPv$fam)"
		ok=0
	fi
	rtp_at_least "$PHONE_NS" "$rtp_phone" phone || ok=0
	rtp_at_least "$SERVER_NS" "$rtp_server" server || ok=0
	[ "$ok" = 1 ] || { tail -n 20 "$tmp/uac$name.out" "$tmp/uas$name.out"; cat "$tmp/uas$name.log"; }
	if [ "$dir" = out ]; then
		run python3 "$SCENARIOS" sipp-check --family "$fam" \
			--uac-log "$tmp/uac$name.log" --uas-log "$tmp/uas$name.log" || ok=0
	else
		answer=$(python3 -S "$SIPTOOL" extract "$tmp/uac$name.log" received "SIP/2.0 200") || answer=
		if [ -z "$answer" ]; then
			echo "FAIL: the server received no 200 (IPv$fam)"
			ok=0
		elif grep -qF "$phone" <<<"$answer"; then
			echo "FAIL: the 200 the server receives names the phone's private address (IPv$fam)"
			ok=0
		else
			echo "ok: the 200 the server receives names no private address (IPv$fam)"
		fi
	fi
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
		echo "# sipp over $proto, IPv$fam, outbound"
		sipp_call $fam $proto out || { router_state; CALLS_FAILED="$CALLS_FAILED sipp/$proto/IPv$fam/out"; }
	done
done
for fam in 4 6; do
	echo "# sipp over tcp, IPv$fam, inbound to the phone published by dnat"
	sipp_call $fam tcp in || { router_state; CALLS_FAILED="$CALLS_FAILED sipp/tcp/IPv$fam/in"; }
done
rm -rf "$tmp"
calls_done
