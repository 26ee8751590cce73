#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The interop run of issue 14 (`make interop`, in the VM): every scenario
# of scenarios.sh with our helper (nf_sip_alg), with the kernel's
# (nf_conntrack_sip + nf_nat_sip) and with the kernel's with
# sip_direct_media=0, each on a fresh topology with kamailio, several at
# once, and a side-by-side table of what passed, in
# selftests/interop/results.md and on stdout. Fails when a scenario fails
# with our helper; the kernel's failures are findings, reported with their
# reason.
#
#   selftests/vm/run --kernel <krel> --test-timeout 720 selftests/interop/run.sh
#   INTEROP_ONLY="outbound-udp4 hairpin-udp4" ...   a subset
#   INTEROP_HELPERS="ours kernel" ...               some of the helpers
#   INTEROP_JOBS=1 ...                              one scenario at a time
#
# The guest gets no environment from the host: in the VM, these go through
# `make interop INTEROP_ONLY=...` (a wrapper in .build/interop/ that sets
# them), or run this script as root where the module loads.
#
# Logs of every scenario go to $SIPALG_RESULTS/interop/<helper>/.

# The whole script is one block, read before it runs: editing it while a
# run goes on cannot break that run.
{
set -eu
# The re-registration scenario of issue 14: every 30 s for three minutes,
# with a call in after each registration.
: "${REREG_INTERVAL:=30}" "${REREG_ROUNDS:=6}"
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/interop/lib.sh"
. "$SELFTESTS/interop/scenarios.sh"
require nft conntrack sipp kamailio
make -s -C "$SELFTESTS/../tools/sipalgctl" sipalgctl >/dev/null || fail "sipalgctl does not build"

# shellcheck disable=SC2034 # where interop_scenario (scenarios.sh) writes
INTEROP_OUT=${SIPALG_RESULTS:-$(mktemp -d)}/interop
RESULTS=$INTEROP/results.md

# name, then the function and its arguments; the longest first, so that
# they start first. hold-* and transfer-* are also a call out and a call
# in of their phone: baresip's plain calls run over IPv4 only,
# linphonec's over IPv6 only, to keep the run within its 10 minutes.
ALL="
reregister-udp4 sc_reregister 4
calls50-udp4 sc_calls50 4
outbound-udp4 sc_outbound 4 udp
outbound-udp6 sc_outbound 6 udp
outbound-tcp4 sc_outbound 4 tcp
outbound-tcp6 sc_outbound 6 tcp
inbound-udp4 sc_inbound 4
inbound-udp6 sc_inbound 6
hairpin-udp4 sc_hairpin 4
hairpin-udp6 sc_hairpin 6
baresip-out-udp4 sc_baresip_out 4
baresip-in-udp4 sc_baresip_in 4
baresip-in-tcp4 sc_baresip_in 4 tcp
baresip-in-tcp6 sc_baresip_in 6 tcp
hold-udp4 sc_hold 4 baresip
hold-udp6 sc_hold 6 baresip
transfer-udp4 sc_transfer 4 baresip
transfer-udp6 sc_transfer 6 baresip
linphone-out-udp6 sc_linphone_out 6
linphone-in-udp6 sc_linphone_in 6
linphone-hold-udp4 sc_hold 4 linphone
linphone-transfer-udp4 sc_transfer 4 linphone
"
# ours: nf_sip_alg; kernel: nf_conntrack_sip + nf_nat_sip with their
# defaults; kernel-dm0: the same with sip_direct_media=0, run for the
# scenarios that failed with the defaults (all of them when kernel is not
# among the helpers): which of the kernel's failures are its default's.
HELPERS=${INTEROP_HELPERS:-ours kernel kernel-dm0}
# Scenarios at once: they mostly wait (for calls' pauses, for the
# re-registration's interval), each on a topology of its own.
JOBS=${INTEROP_JOBS:-6}

# A scenario's line of ALL that this run takes.
selected() { [ -n "$1" ] && { [ -z "${INTEROP_ONLY:-}" ] || [[ " $INTEROP_ONLY " == *" $1 "* ]]; }; }

# Both helpers are loaded side by side: each topology's router attaches
# one of them by its name ("sip-alg" or "sip"), so scenarios of ours and
# of the kernel's run at the same time. sip_direct_media is global to the
# kernel's helper (read for every packet): it is set between the runs of
# kernel and kernel-dm0, while no scenario of the kernel's runs. It is
# what `modprobe nf_conntrack_sip sip_direct_media=0` sets.
modprobe -r nf_nat_sip nf_conntrack_sip 2>/dev/null || true
module_loaded || modprobe nf_sip_alg grace=1
modprobe nf_nat_sip
DM=/sys/module/nf_conntrack_sip/parameters/sip_direct_media
dm_of() { case $1 in kernel) echo 1 ;; kernel-dm0) echo 0 ;; *) echo - ;; esac; }

# The user agent a scenario needs besides sipp and kamailio.
needs() {
	case $1 in
	baresip-* | hold-* | transfer-*) echo baresip ;;
	linphone-*) echo linphonec ;;
	esac
}

# The queue: "helper name fn args...", each helper's scenarios in the
# order of ALL, the kernel's variants in the order of HELPERS.
declare -A RESULT
QUEUE=()
for h in $HELPERS; do
	while read -r name rest; do
		selected "$name" || continue
		agent=$(needs "$name")
		if [ -n "$agent" ] && ! command -v "$agent" >/dev/null; then
			RESULT[$h/$name]="skip: $agent is not installed"
		elif [ "$h" = kernel-dm0 ] && [[ " $HELPERS " == *" kernel "* ]]; then
			RESULT[$h/$name]="not needed: passed with the default"
		else
			QUEUE+=("$h $name $rest")
		fi
	done <<<"$ALL"
done

# job SLOT HELPER NAME FN ARGS...: one scenario in the background, on the
# namespaces of its slot; its result in INTEROP_OUT/HELPER/NAME.result.
declare -A RUNNING
job() {
	local slot=$1 h=$2 name=$3
	shift 3
	(
		interop_prefix "interop$slot"
		# shellcheck disable=SC2034 # read by interop_scenario (scenarios.sh)
		INTEROP_HELPER=$h
		if interop_scenario "$name" "$@"; then
			r="pass (${SCENARIO_TIME}s)"
		else
			r="FAIL (${SCENARIO_TIME}s): ${SCENARIO_WHY:-see its log}"
		fi
		echo "$r" >"$INTEROP_OUT/$h/$name.result"
	) &
	RUNNING[$slot]="$! $h $name $*"
}

# Start queued scenarios while slots are free, first the re-registrations
# (the longest), then those of the kernel's helper variant set, then ours;
# when none of them is left and no scenario of the kernel's runs, switch
# the kernel's helper to the next variant. Returns with nothing left to
# start or no slot free.
kernel_running() {
	local slot
	for slot in "${!RUNNING[@]}"; do
		[[ ${RUNNING[$slot]} != *" kernel"* ]] || return 0
	done
	return 1
}
next_job() {
	local i h name dm best='' rank best_rank=9
	for i in "${!QUEUE[@]}"; do
		read -r h name _ <<<"${QUEUE[$i]}"
		dm=$(dm_of "$h")
		[ "$dm" = - ] || [ "$dm" = "$(cat "$DM")" ] || continue
		rank=2
		[ "$dm" = - ] || rank=1
		[[ $name != reregister-* ]] || rank=0
		[ "$rank" -lt "$best_rank" ] || continue
		best=$i best_rank=$rank
	done
	if [ -z "$best" ] && [ "${#QUEUE[@]}" -gt 0 ] && ! kernel_running; then
		best=$(echo "${!QUEUE[@]}" | cut -d ' ' -f 1)
		dm_of "${QUEUE[$best]%% *}" >"$DM"
		echo "# sip_direct_media=$(cat "$DM") from here on"
	fi
	NEXT=$best
}
start_jobs() {
	local slot
	for slot in $(seq "$JOBS"); do
		[ -z "${RUNNING[$slot]:-}" ] || continue
		next_job
		[ -n "$NEXT" ] || return 0
		# shellcheck disable=SC2086 # helper, name, function and arguments
		job "$slot" ${QUEUE[$NEXT]}
		unset "QUEUE[$NEXT]"
	done
}

ours_failed=0
for h in $HELPERS; do
	mkdir -p "$INTEROP_OUT/$h"
done
baresip_tone "$INTEROP_OUT/tone.wav.tmp"
mv "$INTEROP_OUT/tone.wav.tmp" "$INTEROP_OUT/tone.wav"
echo 1 >"$DM"
while :; do
	start_jobs
	[ "${#RUNNING[@]}" -gt 0 ] || break
	wait -n || true
	for slot in "${!RUNNING[@]}"; do
		read -r pid h name rest <<<"${RUNNING[$slot]}"
		! kill -0 "$pid" 2>/dev/null || continue
		wait "$pid" 2>/dev/null || true
		unset "RUNNING[$slot]"
		RESULT[$h/$name]=$(cat "$INTEROP_OUT/$h/$name.result" 2>/dev/null || echo "FAIL: the scenario died")
		[[ $h != ours || ${RESULT[$h/$name]} != FAIL* ]] || ours_failed=1
		echo "$h $name: ${RESULT[$h/$name]}"
		if [ "$h" = kernel ] && [[ ${RESULT[$h/$name]} == FAIL* && " $HELPERS " == *" kernel-dm0 "* ]]; then
			QUEUE+=("kernel-dm0 $name $rest")
			RESULT[kernel-dm0/$name]=''
		fi
	done
done
echo 1 >"$DM"
# Leave the router's kernel as the runner found it: ours unloaded by it.
modprobe -r nf_nat_sip nf_conntrack_sip 2>/dev/null || true

{
	echo "# Interop results"
	echo
	echo "Written by \`selftests/interop/run.sh\` (\`make interop\`) on $KREL, $(date -u +%F).
Each scenario runs on a topology of its own (selftests/interop/lib.sh), $JOBS at a time,
with kamailio as registrar and record-routing proxy; \"ours\" is nf_sip_alg (type
\"sip-alg\"), \"kernel\" is nf_conntrack_sip + nf_nat_sip (type \"sip\") with its defaults,
among them sip_direct_media=1, which lets media in only from the far end of the SIP flow
(kamailio here), not from the user agents; the third column is the same with
sip_direct_media=0, for the scenarios that failed with the default. A call passes when every call of the scenario completed and each end
received at least 90% of the RTP sent to it; a failure shows the first FAIL line of the
scenario's log, where \"no pinhole let in\" lists media that reached the router's public
address and matched no expectation. Re-registration: every ${REREG_INTERVAL} s,
$REREG_ROUNDS times, a call in after each. Logs:
\`.build/vm/<release>/results/interop/<helper>/<scenario>.log\`."
	echo
	echo "| scenario | ours | kernel's | kernel's, sip_direct_media=0 |"
	echo "| --- | --- | --- | --- |"
	while read -r name _; do
		selected "$name" || continue
		echo "| $name | ${RESULT[ours/$name]:-not run} | ${RESULT[kernel/$name]:-not run} | ${RESULT[kernel-dm0/$name]:-not run} |"
	done <<<"$ALL"
	[ ! -r "$INTEROP/results-notes.md" ] || { echo; cat "$INTEROP/results-notes.md"; }
} >"$RESULTS"
cat "$RESULTS"
[ "$ours_failed" = 0 ] || fail "a scenario failed with our helper"
exit
}
