#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real SIP software through our helper (issue 14), under load: 50
# concurrent calls from sipp behind the router through kamailio to a sipp
# user agent outside, held for 30 s with RTP both ways, then all hung up.
# sipp must count no failed call, each end must get the RTP of every call,
# and once the grace is over the router must hold no expectation and
# sipalgctl no call. The scenario is calls50-udp4 of `make interop`
# (selftests/interop/).

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/interop/lib.sh"
. "$SELFTESTS/interop/scenarios.sh"
require nft conntrack sipp kamailio
make -s -C "$SELFTESTS/../tools/sipalgctl" sipalgctl >/dev/null || fail "sipalgctl does not build"

module_loaded && fail "nf_sip_alg is loaded before the test"
INTEROP_HELPER=ours
interop_load_helper
INTEROP_OUT=${SIPALG_RESULTS:-$(mktemp -d)}/interop-load
interop_scenario calls50-udp4 sc_calls50 4 || rc=$?
cat "$INTEROP_OUT/$INTEROP_HELPER/calls50-udp4.log"
[ "${rc:-0}" = 0 ] || fail "calls50-udp4 (${SCENARIO_TIME}s): $SCENARIO_WHY"
echo "50 calls completed in ${SCENARIO_TIME}s, with RTP both ways, nothing left after"
