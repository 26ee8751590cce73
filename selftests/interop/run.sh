#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The interop run of issue 14 (`make interop`, in the VM): every scenario
# of scenarios.sh with our helper (nf_sip_alg) and then with the kernel's
# (nf_conntrack_sip + nf_nat_sip), each on a fresh topology with kamailio,
# and a side-by-side table of what passed, in selftests/interop/results.md
# and on stdout. Fails when a scenario fails with our helper; the kernel's
# failures are findings, reported with their reason.
#
#   selftests/vm/run --kernel <krel> --test-timeout 600 selftests/interop/run.sh
#   INTEROP_ONLY="outbound-udp4 hairpin-udp4" ...   a subset (run as root on a
#   INTEROP_HELPERS=ours ...                        machine that loads the module)
#
# Logs of every scenario go to $SIPALG_RESULTS/interop/<helper>/.

set -eu
# The re-registration scenario in this run: every 15 s for a minute per
# helper, which keeps the whole run within its 10 minutes
# (REREG_INTERVAL=30 REREG_ROUNDS=6 is the three minutes of issue 14).
: "${REREG_INTERVAL:=15}" "${REREG_ROUNDS:=4}"
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/interop/lib.sh"
. "$SELFTESTS/interop/scenarios.sh"
require nft conntrack sipp kamailio
make -s -C "$SELFTESTS/../tools/sipalgctl" sipalgctl >/dev/null || fail "sipalgctl does not build"

# shellcheck disable=SC2034 # where interop_scenario (scenarios.sh) writes
INTEROP_OUT=${SIPALG_RESULTS:-$(mktemp -d)}/interop
RESULTS=$INTEROP/results.md

# name, then the function and its arguments.
ALL="
outbound-udp4 sc_outbound 4 udp
outbound-udp6 sc_outbound 6 udp
outbound-tcp4 sc_outbound 4 tcp
outbound-tcp6 sc_outbound 6 tcp
inbound-udp4 sc_inbound 4
inbound-udp6 sc_inbound 6
hairpin-udp4 sc_hairpin 4
hairpin-udp6 sc_hairpin 6
calls50-udp4 sc_calls50 4
reregister-udp4 sc_reregister 4
baresip-out-udp4 sc_baresip_out 4
baresip-in-udp4 sc_baresip_in 4
baresip-out-udp6 sc_baresip_out 6
baresip-in-udp6 sc_baresip_in 6
"
HELPERS=${INTEROP_HELPERS:-ours kernel}

# A scenario's line of ALL that this run takes.
selected() { [ -n "$1" ] && { [ -z "${INTEROP_ONLY:-}" ] || [[ " $INTEROP_ONLY " == *" $1 "* ]]; }; }

declare -A RESULT
ours_failed=0
for INTEROP_HELPER in $HELPERS; do
	interop_load_helper
	while read -r name fn args; do
		selected "$name" || continue
		# shellcheck disable=SC2086 # the arguments are words
		if [[ $name == baresip-* ]] && ! command -v baresip >/dev/null; then
			RESULT[$INTEROP_HELPER/$name]="skip: baresip is not installed"
		elif interop_scenario "$name" "$fn" $args; then
			RESULT[$INTEROP_HELPER/$name]="pass (${SCENARIO_TIME}s)"
		else
			RESULT[$INTEROP_HELPER/$name]="FAIL (${SCENARIO_TIME}s): ${SCENARIO_WHY:-see its log}"
			[ "$INTEROP_HELPER" != ours ] || ours_failed=1
		fi
		echo "$INTEROP_HELPER $name: ${RESULT[$INTEROP_HELPER/$name]}"
	done <<<"$ALL"
done
# Leave the router's kernel as the runner found it: ours unloaded by it.
modprobe -r nf_nat_sip nf_conntrack_sip 2>/dev/null || true

{
	echo "# Interop results"
	echo
	echo "Written by \`selftests/interop/run.sh\` (\`make interop\`) on $KREL, $(date -u +%F).
Each scenario runs on a fresh topology (selftests/interop/lib.sh) with kamailio as
registrar and record-routing proxy; \"ours\" is nf_sip_alg (type \"sip-alg\"), \"kernel\"
is nf_conntrack_sip + nf_nat_sip (type \"sip\"). A call passes when every call of the
scenario completed and each end received at least 90% of the RTP sent to it; a failure
shows the first FAIL line of the scenario's log, where \"no pinhole let in\" lists media
that reached the router's public address and matched no expectation. Both helpers run
with their defaults: for the kernel's, sip_direct_media=1, which lets media in only from
the far end of the SIP flow (kamailio here), not from the user agents. Logs:
\`.build/vm/<release>/results/interop/<helper>/<scenario>.log\`."
	echo
	echo "| scenario | ours | kernel's |"
	echo "| --- | --- | --- |"
	while read -r name _; do
		selected "$name" || continue
		echo "| $name | ${RESULT[ours/$name]:-not run} | ${RESULT[kernel/$name]:-not run} |"
	done <<<"$ALL"
} >"$RESULTS"
cat "$RESULTS"
[ "$ours_failed" = 0 ] || fail "a scenario failed with our helper"
