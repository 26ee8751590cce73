#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An outbound call over UDP: INVITE/100/180/200/ACK/BYE from the phone
# behind the NAT to the server. The server sees no private address but in
# Call-ID, Call-ID unchanged and right Content-Lengths; RTP flows both ways
# on the SDP's ports (the server first, so only the pinhole lets it in); after
# BYE and the grace, no expectation or media flow of the call is left.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario outbound
calls_done
