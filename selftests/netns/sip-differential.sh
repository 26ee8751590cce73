#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential test: what the server (and, for responses, the phone) receives
# through the kernel's nf_conntrack_sip + nf_nat_sip must equal what it
# receives through nf_sip_alg, byte for byte, except for the differences
# docs/differences.md lists and explains.
#
#   phone ── router (masquerade; ct helper "sip", then "sip-alg") ── server
#
# The same scripted exchanges (selftests/lib/differential.py: a call with a
# re-INVITE, REGISTER, OPTIONS, a CANCELled call; IPv4 and IPv6; fixed
# Call-IDs, branches, tags and ports) run twice, on a fresh topology each
# time; then the two captures are compared. Captures and the comparison are
# kept in $SIPALG_RESULTS (or a temporary directory) for a look afterwards.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft ip python3 conntrack

out=${SIPALG_RESULTS:-$(mktemp -d)}/differential
mkdir -p "$out"
diffpy=$SELFTESTS/lib/differential.py
doc=$SELFTESTS/../docs/differences.md

# First, that the comparison can fail at all.
python3 "$diffpy" selfcheck || fail "the comparison itself is broken"

# Both helpers bind port 5060 by default and the kernel refuses a second
# helper on the same tuple, so they run one after the other.
! module_loaded || run modprobe -r nf_sip_alg
modprobe nf_nat_sip 2>/dev/null || skip "the kernel has no nf_nat_sip"

unload_kernel_alg() {
	local i
	for i in $(seq 50); do
		modprobe -r nf_nat_sip nf_conntrack_sip 2>/dev/null && return 0
		sleep 0.2
	done
	fail "cannot unload nf_nat_sip + nf_conntrack_sip"
}

# The kernel's helper, attached like ours (topo_attach_helper) but of type "sip".
attach_kernel_helper() {
	in_router nft -f - <<-EOF
		table inet topo_sip {
			ct helper sip-udp {
				type "sip" protocol udp
				l3proto inet
			}
			chain prerouting {
				type filter hook prerouting priority filter; policy accept;
				udp dport $SIP_PORT ct helper set "sip-udp"
			}
			chain output {
				type filter hook output priority filter; policy accept;
				udp dport $SIP_PORT ct helper set "sip-udp"
			}
		}
	EOF
}

rc=0
for alg in kernel ours; do
	topo_setup
	if [ $alg = kernel ]; then
		attach_kernel_helper
	else
		unload_kernel_alg
		run modprobe nf_sip_alg grace=1
		topo_attach_helper
	fi
	echo "# capture through the $alg helper"
	python3 "$diffpy" capture --out "$out/$alg.json" || rc=1
	in_router conntrack -L 2>/dev/null | grep -c . | sed 's/^/# conntracks at the end: /' || true
	topo_teardown
done

echo "# compare (rules: $diffpy, reasons: docs/differences.md)"
python3 "$diffpy" compare "$out/kernel.json" "$out/ours.json" --doc "$doc" | tee "$out/compare.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
[ $rc -eq 0 ] || fail "see the differences above; captures in $out"
echo "no unexplained difference"
