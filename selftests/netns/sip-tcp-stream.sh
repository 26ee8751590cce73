#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SIP over TCP followed as a byte stream (docs/tcp.md): several messages in
# one segment each rewritten with one sequence adjustment, a message cut by
# a segment end, an INVITE and a 200 with SDP cut at every offset (one
# connection each, a few seconds in all) and in three, each compared with
# the same message sent whole, 300 exchanges on one connection (then again
# with loss, duplicates and reordering), and NAT slipstreaming. IPv4 and
# IPv6; the scenarios are in selftests/lib/tcpstream.py. Then segments
# lost once after the router (a whole INVITE, either part of a cut one,
# the same for a 200) and sent again by the phone's or the server's TCP,
# a message over 64 KiB, and held bytes given up after 30 s.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

require tc
calls_setup
# A second phone address, shorter than the router's public one: every
# rewrite changes the length of what it rewrites.
export PHONE_ALT4=192.168.2.2 PHONE_ALT6=fd00:192:168:2::2
run ip -n "$PHONE_NS" addr add "$PHONE_ALT4/24" dev eth0
run ip -n "$PHONE_NS" addr add "$PHONE_ALT6/64" dev eth0 nodad
SCENARIOS=$SELFTESTS/lib/tcpstream.py

scenario pipelined
scenario split
scenario split-invites
scenario split-answers
scenario slipstream
scenario long
scenario lost-once
scenario big
scenario hold-expiry

# Segments duplicated (sent again after they were rewritten) and overtaking
# each other: the router drops what comes after a gap and TCP sends it
# again. No loss: see docs/tcp.md, Limits, for the stalls loss can cause.
run ip netns exec "$PHONE_NS" tc qdisc add dev eth0 root netem delay 4ms reorder 20% 50% \
	duplicate 3%
run ip netns exec "$SERVER_NS" tc qdisc add dev eth0 root netem delay 4ms reorder 20% 50% \
	duplicate 3%
export TCPSTREAM_LOSSY=1
scenario long
calls_done
