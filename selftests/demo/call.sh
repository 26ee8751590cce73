#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One call from the phone to the server through the router (see
# selftests/lib/topo.sh), as `make demo` shows it: sipp places the call
# (INVITE with SDP, 100/180/200, ACK, BYE), each side sends RTP to the address
# and port it got in the other side's SDP, and the report shows the INVITE as
# the phone sent it beside the INVITE the server received, the expectations
# the router created for the media, and the RTP counted in each direction.
#
# It reports what happens, whatever the ALG does or does not do yet; the exit
# status only says whether the call itself went through (sipp's verdict).

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require sipp nft conntrack python3

PHONE_RTP=40000
SERVER_RTP=50000
TALK_MS=10000
RTP_PACKETS=50
out=${SIPALG_RESULTS:-$(mktemp -d)}/demo
rm -rf "$out"
mkdir -p "$out"

topo_setup
topo_attach_helper

sipp_common=(-p "$SIP_PORT" -m 1 -trace_msg -nostdin -timeout 60s)
topo_bg in_server sipp "${sipp_common[@]}" -sf "$SELFTESTS/sipp/uas-call.xml" -i "$SERVER4" \
	-key rtp_port "$SERVER_RTP" -message_file "$out/server.msg" >"$out/server.sipp" 2>&1
listening() { in_server ss -lun | grep -q "$SERVER4:$SIP_PORT "; }
topo_wait 10 listening || fail "the server's sipp did not start"

in_phone sipp "${sipp_common[@]}" -sf "$SELFTESTS/sipp/uac-call.xml" -i "$PHONE4" -d "$TALK_MS" \
	-key rtp_port "$PHONE_RTP" -message_file "$out/phone.msg" "$SERVER4:$SIP_PORT" >"$out/phone.sipp" 2>&1 &
phone=$!

# Once the phone has the 200 OK the call is up: look at the router then.
answered() { grep -qs '^SIP/2.0 200' "$out/phone.msg"; }
topo_wait 20 answered || fail "the phone got no 200 OK"
in_router conntrack -L expect >"$out/expect" 2>/dev/null || true
in_router conntrack -L -p udp >"$out/conntrack" 2>/dev/null || true

"$SIPTOOL" extract "$out/phone.msg" sent INVITE >"$out/invite.phone"
"$SIPTOOL" extract "$out/server.msg" received INVITE >"$out/invite.server"
"$SIPTOOL" extract "$out/phone.msg" received "SIP/2.0 200" >"$out/ok.phone"

# Each side sends to what the other side's SDP told it, as a real phone and
# server would, from the port it announced.
read -r phone_to_addr phone_to_port < <("$SIPTOOL" sdp-media <"$out/ok.phone")
read -r server_to_addr server_to_port < <("$SIPTOOL" sdp-media <"$out/invite.server")
start=$(($(date +%s) + 3))
in_phone "$SIPTOOL" rtp --local "$PHONE4:$PHONE_RTP" --remote "$phone_to_addr:$phone_to_port" \
	--count "$RTP_PACKETS" --start "$start" >"$out/rtp.phone" &
rtp_phone=$!
in_server "$SIPTOOL" rtp --local "$SERVER4:$SERVER_RTP" --remote "$server_to_addr:$server_to_port" \
	--count "$RTP_PACKETS" --start "$start" >"$out/rtp.server" &
rtp_server=$!
wait $rtp_phone $rtp_server

call=0
wait $phone || call=$?

"$SIPTOOL" demo-report "$out" --phone "$PHONE4" --router "$ROUTER_WAN4" --sipp-status "$call"
exit "$call"
