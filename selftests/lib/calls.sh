# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# For the call tests (selftests/netns/sip-*.sh): load the ALG, set up the
# topology of topo.sh with the helper attached, and run the scenarios of
# selftests/lib/scenarios.py over IPv4 and IPv6. A failing scenario prints
# the router's counters and conntrack state and the test goes on with the
# next one; calls_done fails the test if any did.
#
#   . "$(dirname "$0")/../lib/test.sh"
#   . "$SELFTESTS/lib/topo.sh"
#   . "$SELFTESTS/lib/calls.sh"
#   calls_setup
#   scenario outbound [--transport tcp]
#   calls_done

SCENARIOS=$SELFTESTS/lib/scenarios.py
CALLS_FAILED=

calls_setup() {
	require nft conntrack python3
	module_loaded && fail "nf_sip_alg is loaded before the test"
	# grace=1: a call's pinholes go 1 s after its BYE instead of 5, which
	# is what the teardown checks wait for. The namespaces created below
	# take the module parameters as their defaults.
	run modprobe nf_sip_alg grace=1
	topo_setup
	topo_attach_helper
}

router_state() {
	echo "# router: /proc/net/stat/nf_sip_alg, non-zero counters"
	in_router cat /proc/net/stat/nf_sip_alg | grep -v ' 0$' || true
	echo "# router: conntrack -L expect"
	in_router conntrack -L expect 2>/dev/null || true
	echo "# router: conntrack -L"
	in_router conntrack -L 2>/dev/null || true
}

# scenario NAME [ARGS...]: run it for IPv4, then IPv6.
scenario() {
	local fam
	for fam in 4 6; do
		echo "+ scenarios.py $* --family $fam"
		if ! python3 "$SCENARIOS" "$@" --family $fam; then
			router_state
			CALLS_FAILED="$CALLS_FAILED $1/IPv$fam"
			# What the failed scenario left must not fail the next one.
			in_router conntrack -F >/dev/null 2>&1 || true
			in_router conntrack -F expect >/dev/null 2>&1 || true
		fi
	done
}

calls_done() {
	[ -z "$CALLS_FAILED" ] || fail "failed scenarios:$CALLS_FAILED"
	echo "all scenarios passed"
}
