#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real SIP software through our helper (issue 14), the part make check
# runs: kamailio as registrar and record-routing proxy on the public side;
# sipp phones behind the router call out through it, are called in through
# it after registering, and call each other through it (hairpin); baresip
# registers and calls a sipp user agent outside. Every call must complete
# and each end must receive the RTP sent to it. The scenarios are those of
# `make interop` (selftests/interop/), which also runs them with the
# kernel's helper; the 50 concurrent calls are selftests/netns/interop-load.sh.
# The hairpin call is where both phones' addresses in a message are the
# router's public one: the other phone's Contact and SDP must not reach a
# phone as its own private address (they did before sip_nat.c told them
# apart by the flow that owns the port).

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/interop/lib.sh"
. "$SELFTESTS/interop/scenarios.sh"
require nft conntrack sipp kamailio baresip

module_loaded && fail "nf_sip_alg is loaded before the test"
INTEROP_HELPER=ours
interop_load_helper
INTEROP_OUT=${SIPALG_RESULTS:-$(mktemp -d)}/interop-calls
failed=
while read -r name fn args; do
	# shellcheck disable=SC2086 # the arguments are words
	if interop_scenario "$name" "$fn" $args; then
		echo "ok: $name (${SCENARIO_TIME}s)"
	else
		cat "$INTEROP_OUT/$INTEROP_HELPER/$name.log"
		echo "not ok: $name (${SCENARIO_TIME}s): $SCENARIO_WHY"
		failed="$failed $name"
	fi
done <<-EOF
	outbound-udp4 sc_outbound 4 udp
	inbound-udp4 sc_inbound 4
	hairpin-udp4 sc_hairpin 4
	hairpin-udp6 sc_hairpin 6
	baresip-out-udp4 sc_baresip_out 4
EOF
[ -z "$failed" ] || fail "failed:$failed"
echo "all calls completed, with RTP both ways"
