#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The inside of `make bench` (bench/run boots the VM): the same N INVITEs
# (bench/invites.py, ~1 KB SDP, distinct Call-IDs, one signalling 5-tuple)
# through the router of selftests/lib/topo.sh, first with the kernel's
# nf_conntrack_sip + nf_nat_sip, then with nf_sip_alg. bpftrace times every
# call of each helper's help function (kprobe to kretprobe, in ns), then
# samples the kernel stacks while the same INVITEs go through each helper
# again (no probe on the helper); the raw times, the stacks and a summary go
# to $SIPALG_RESULTS/bench/.
#
#   phone ── router (masquerade; ct helper "sip", then "sip-alg") ── server

# pass runs timed or sampled, and they run invites, by a name in a variable,
# a call that SC2317 does not see.
# shellcheck disable=SC2317
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

# The help function must be a symbol of its own to be probed or found in a
# stack.
check_sym() {
	grep -qw "$1" /proc/kallsyms || fail "$1 is not in /proc/kallsyms (inlined, or its module not loaded)"
	grep -w "$1" /proc/kallsyms | head -n1 | sed 's/^/# kallsyms: /'
}

# Run the bpftrace program $1 in the background, its output to $2 and its
# errors to $3, and return once its probes are armed: btpid is its pid.
bt_start() {
	bpftrace -e "BEGIN { printf(\"READY\\n\"); } $1" >"$2" 2>"$3" &
	btpid=$!
	for _ in $(seq 1800); do
		grep -q '^READY' "$2" && break
		kill -0 "$btpid" 2>/dev/null || { cat "$3"; fail "bpftrace exited"; }
		sleep 0.1
	done
	grep -q '^READY' "$2" || fail "bpftrace did not start within 180 s"
	# BEGIN may run before the last probe is armed: give it a moment.
	sleep 3
}

# Time every call of the functions in $2 (space-separated) while "${@:3}"
# runs: "<function> <ns>" lines in $out/$1.ns.
timed() {
	local name=$1 fns=$2 bt fn prog=''
	shift 2
	for fn in $fns; do
		check_sym "$fn"
		prog="$prog
		kprobe:$fn { @s_${fn}[tid] = nsecs; @entered[\"$fn\"] = count(); }
		kretprobe:$fn /@s_${fn}[tid]/ { printf(\"$fn %llu\\n\", nsecs - @s_${fn}[tid]); delete(@s_${fn}[tid]); }"
	done
	bt=$out/$name.bt.out
	bt_start "$prog" "$bt" "$out/$name.bt.err"
	local st=0
	"$@" || st=1
	sleep 1
	kill -INT "$btpid"
	wait "$btpid" || true
	grep -E '^[a-z_0-9]+ [0-9]+$' "$bt" >"$out/$name.ns" || true
	# kretprobes can miss returns (bpftrace prints the entries it counted
	# at exit as @entered[fn]: n): say how many calls were timed of how many.
	sed -n 's/^@entered\[\(.*\)\]: \([0-9]*\)$/\1 \2/p' "$bt" >"$out/$name.entered"
	for fn in $fns; do
		echo "# $name: $fn entered $(awk -v f="$fn" '$1 == f { print $2 }' "$out/$name.entered") times, $(grep -c "^$fn " "$out/$name.ns") calls timed"
	done
	return "$st"
}

# Sample every CPU's kernel stack 4999 times a second while "${@:3}" runs:
# bpftrace's map of stack -> samples in $out/$1.stacks, of which
# bench/stats.py keeps the stacks through $2, the help function. Nothing is
# probed: a kprobe pair costs 15-20 us a call in this guest, which swamped
# the small stages when each was timed; a sample costs every function alike.
# A pass makes some 4,000 distinct stacks, and bpftrace drops the samples of
# a new one once its map is full (4,096 keys by default). A stack that
# collides with another in the kernel's stack table is lost too: bpftrace
# logs "failed to look up stack id -17" and prints its samples as @[].
sampled() {
	local name=$1 fn=$2 keys=65536
	shift 2
	check_sym "$fn"
	BPFTRACE_MAP_KEYS_MAX=$keys bt_start 'profile:hz:4999 { @[kstack] = count(); }' \
		"$out/$name.stacks" "$out/$name.bt.err"
	local st=0
	"$@" || st=1
	kill -INT "$btpid"
	wait "$btpid" || true
	[ "$(grep -c '^@\[' "$out/$name.stacks")" -lt "$keys" ] ||
		fail "$name: $keys distinct stacks, the map is full"
	return "$st"
}

rc=0
invites() {
	python3 "$here/invites.py" -n "$1" --family "$FAMILY"
}

# Unload modules once the namespaces that used them are gone (asynchronous).
unload() {
	local m
	for _ in $(seq 50); do
		modprobe -r "$@" 2>/dev/null || true
		for m in "$@"; do
			[ ! -d "/sys/module/$m" ] || continue 2
		done
		return 0
	done
	return 1
}

# One measured pass on fresh state: topology, helper module, bpftrace.
#   pass <name> kernel|ours <INVITEs> timed "<functions>"
#   pass <name> kernel|ours <INVITEs> sampled <help function>
pass() {
	local name=$1 alg=$2 count=$3 how=$4 what=$5
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
	"$how" "$name" "$what" invites "$count" || rc=1
	if [ "$alg" = ours ]; then
		grep -v ' 0$' /proc/net/stat/nf_sip_alg | sed 's/^/# /' || true
	fi
	echo "# expectations at the end: $(in_router cat /proc/net/nf_conntrack_expect 2>/dev/null | wc -l)"
	topo_teardown
}

pass kernel kernel "$N" timed sip_help_udp
pass ours ours "$N" timed sip_alg_help
# What a kprobe/kretprobe pair costs by itself: a function that does next to
# nothing (conntrack's timeout refresh, at least once per packet).
pass calibrate ours "$NCAL" timed __nf_ct_refresh_acct
# Where each helper's time goes, without a probe in the way.
pass profile-kernel kernel "$N" sampled sip_help_udp
pass profile-ours ours "$N" sampled sip_alg_help

# The kernel sizes its expectation hash as conntrack's hash / 256, rounded
# up to a page of buckets: 512 in this VM (each pass's first line says), so
# thousands of pending pinholes (ours keeps every call's; the kernel's
# helper evicts all but the last few) make long chains. The same two passes
# with 16384 buckets show how much that costs.
if unload nf_sip_alg nf_nat_sip nf_conntrack_sip nft_ct nft_masq nft_chain_nat nft_nat nf_nat \
	nf_conntrack_netlink nf_conntrack && modprobe nf_conntrack expect_hashsize=16384; then
	pass kernel-bighash kernel "$N" timed sip_help_udp
	pass ours-bighash ours "$N" timed sip_alg_help
else
	echo "# cannot reload nf_conntrack with a larger hash: $(lsmod | grep '^nf_conntrack ')"
fi

python3 "$here/stats.py" --n "$N" --dir "$out" --krel "$(uname -r)" --json "$out/summary.json" || rc=1
exit $rc
