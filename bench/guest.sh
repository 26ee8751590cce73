#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The inside of `make bench` (bench/run boots the VM): the same N INVITEs
# (bench/invites.py, ~1 KB SDP, distinct Call-IDs, one signalling 5-tuple)
# through the router of selftests/lib/topo.sh, first with the kernel's
# nf_conntrack_sip + nf_nat_sip, then with nf_sip_alg. bpftrace times every
# call of each helper's help function (kprobe to kretprobe, in ns); the raw
# times and a summary go to $SIPALG_RESULTS/bench/.
#
#   phone ── router (masquerade; ct helper "sip", then "sip-alg") ── server

set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft ip python3 bpftrace

N=${BENCH_N:-2000}
NCAL=${BENCH_NCAL:-500}
FAMILY=${BENCH_FAMILY:-4}
out=${SIPALG_RESULTS:-$(mktemp -d)}/bench
mkdir -p "$out"

# Both helpers bind port 5060 by default: one after the other.
! module_loaded || modprobe -r nf_sip_alg
# bpftrace wants tracefs and debugfs (the VM's PID 1 mounts neither).
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true

attach_kernel_helper() {
	in_router nft -f - <<-EOT
		table inet topo_sip {
			ct helper sip-udp {
				type "sip" protocol udp
				l3proto inet
			}
			chain prerouting {
				type filter hook prerouting priority filter; policy accept;
				udp dport $SIP_PORT ct helper set "sip-udp"
			}
		}
	EOT
}

# Time every call of the functions in $2 (space-separated) while "${@:3}"
# runs: "<function> <ns>" lines in $out/$1.ns.
timed() {
	local name=$1 fns=$2 bt fn prog= i
	shift 2
	for fn in $fns; do
		grep -qw "$fn" /proc/kallsyms || fail "$fn is not in /proc/kallsyms (inlined, or its module not loaded)"
		grep -w "$fn" /proc/kallsyms | head -n1 | sed 's/^/# kallsyms: /'
		prog="$prog
		kprobe:$fn { @s_$fn[tid] = nsecs; @entered[\"$fn\"] = count(); }
		kretprobe:$fn /@s_$fn[tid]/ { printf(\"$fn %llu\\n\", nsecs - @s_$fn[tid]); delete(@s_$fn[tid]); }"
	done
	bt=$out/$name.bt.out
	bpftrace -e "BEGIN { printf(\"READY\\n\"); } $prog" >"$bt" 2>"$out/$name.bt.err" &
	local btpid=$!
	for i in $(seq 1800); do
		grep -q '^READY' "$bt" && break
		kill -0 $btpid 2>/dev/null || { cat "$out/$name.bt.err"; fail "bpftrace exited"; }
		sleep 0.1
	done
	grep -q '^READY' "$bt" || fail "bpftrace did not start within 180 s"
	# BEGIN may run before the last probe is armed: give it a moment.
	sleep 3
	local st=0
	"$@" || st=1
	sleep 1
	kill -INT $btpid
	wait $btpid || true
	grep -E '^[a-z_0-9]+ [0-9]+$' "$bt" >"$out/$name.ns" || true
	# kretprobes can miss returns (bpftrace prints the entries it counted
	# at exit as @entered[fn]: n): say how many calls were timed of how many.
	sed -n 's/^@entered\[\(.*\)\]: \([0-9]*\)$/\1 \2/p' "$bt" >"$out/$name.entered"
	for fn in $fns; do
		echo "# $name: $fn entered $(awk -v f="$fn" '$1 == f { print $2 }' "$out/$name.entered") times, $(grep -c "^$fn " "$out/$name.ns") calls timed"
	done
	return $st
}

rc=0
invites() {
	python3 "$here/invites.py" -n "$1" --family "$FAMILY"
}

# Unload modules once the namespaces that used them are gone (asynchronous).
unload() {
	local i m
	for i in $(seq 50); do
		modprobe -r "$@" 2>/dev/null || true
		for m in "$@"; do
			[ ! -d "/sys/module/$m" ] || continue 2
		done
		return 0
	done
	return 1
}

# One measured pass on fresh state: topology, helper module, bpftrace.
#   pass <name> kernel|ours "<functions>" <INVITEs>
pass() {
	local name=$1 alg=$2 fns=$3 count=$4
	topo_setup
	if [ "$alg" = kernel ]; then
		unload nf_sip_alg || fail "cannot unload nf_sip_alg"
		modprobe nf_nat_sip
		attach_kernel_helper
	else
		unload nf_nat_sip nf_conntrack_sip nf_sip_alg || fail "cannot unload the SIP helpers"
		modprobe nf_sip_alg
		topo_attach_helper
	fi
	# Room for every call's pinholes, so that neither helper hits the global
	# limit (a sysctl of the initial netns, there once conntrack is loaded).
	sysctl -q -w net.netfilter.nf_conntrack_expect_max=65536
	echo "# pass $name: $count INVITEs through $alg, IPv$FAMILY; conntrack hash $(cat /sys/module/nf_conntrack/parameters/hashsize), expectation hash $(cat /sys/module/nf_conntrack/parameters/expect_hashsize)"
	timed "$name" "$fns" invites "$count" || rc=1
	if [ "$alg" = ours ]; then
		grep -v ' 0$' /proc/net/stat/nf_sip_alg | sed 's/^/# /' || true
	fi
	echo "# expectations at the end: $(in_router cat /proc/net/nf_conntrack_expect 2>/dev/null | wc -l)"
	topo_teardown
}

pass kernel kernel sip_help_udp "$N"
pass ours ours sip_alg_help "$N"
# What a kprobe/kretprobe pair costs by itself: a function that does next to
# nothing (conntrack's timeout refresh, at least once per packet).
pass calibrate ours __nf_ct_refresh_acct "$NCAL"
# Where our time goes, on the same fresh state as the ours pass: the stages
# of sip_alg_help (not nested in each other; sip_alg_nat_rewrite includes
# planning and the rewrite), then the kernel's expectation insert that
# sip_alg_dialog_process calls.
pass profile ours "sip_alg_parse sdp_alg_parse sip_alg_dialog_process sip_alg_nat_rewrite" "$N"
pass profile-expect ours "nf_ct_expect_related_report" "$N"

# The kernel sizes its expectation hash as conntrack's hash / 256: a few
# dozen buckets in this VM, so thousands of pending pinholes (ours keeps
# every call's; the kernel's helper evicts all but the last few) make long
# chains. The same two passes with 16384 buckets show how much that costs.
if unload nf_sip_alg nf_nat_sip nf_conntrack_sip nft_ct nft_masq nft_chain_nat nft_nat nf_nat \
	nf_conntrack_netlink nf_conntrack && modprobe nf_conntrack expect_hashsize=16384; then
	pass kernel-bighash kernel sip_help_udp "$N"
	pass ours-bighash ours sip_alg_help "$N"
else
	echo "# cannot reload nf_conntrack with a larger hash: $(lsmod | grep '^nf_conntrack ')"
fi

python3 "$here/stats.py" --n "$N" --dir "$out" --krel "$(uname -r)" --json "$out/summary.json" || rc=1
exit $rc
