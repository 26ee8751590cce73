#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The inside of `make bench` (bench/run boots the VM): the same N INVITEs
# (bench/invites.py, ~1 KB SDP, distinct Call-IDs, one signalling 5-tuple)
# through the router of selftests/lib/topo.sh, with the kernel's
# nf_conntrack_sip + nf_nat_sip and with nf_sip_alg, in rounds that
# alternate the two so that the host's slow spells hit both alike. bpftrace
# times every call of each helper's help function (kprobe to kretprobe, in
# ns), then samples the kernel stacks while the same rounds run again (no
# probe on the helpers); the raw times, the stacks and a summary go to
# $SIPALG_RESULTS/bench/.
#
#   phone ── router (masquerade; ct helper "sip", then "sip-alg") ── server

# pass runs timed or sampled, and they run invites, by a name in a variable,
# a call that SC2317 does not see.
# shellcheck disable=SC2317
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft ip python3 bpftrace conntrack

N=${BENCH_N:-2000}
NCAL=${BENCH_NCAL:-500}
ROUNDS=3
FAMILY=${BENCH_FAMILY:-4}
out=${SIPALG_RESULTS:-$(mktemp -d)}/bench
mkdir -p "$out"

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
# runs: "<function> <start ns> <ns>" lines in $out/$1.ns (start on the
# monotonic clock, as the rounds' bounds in $out/$1.rounds).
timed() {
	local name=$1 fns=$2 bt fn prog=''
	shift 2
	for fn in $fns; do
		check_sym "$fn"
		prog="$prog
		kprobe:$fn { @s_${fn}[tid] = nsecs; @entered[\"$fn\"] = count(); }
		kretprobe:$fn /@s_${fn}[tid]/ { printf(\"$fn %llu %llu\\n\", @s_${fn}[tid], nsecs - @s_${fn}[tid]); delete(@s_${fn}[tid]); }"
	done
	bt=$out/$name.bt.out
	bt_start "$prog" "$bt" "$out/$name.bt.err"
	local st=0
	"$@" || st=1
	sleep 1
	kill -INT "$btpid"
	wait "$btpid" || true
	grep -E '^[a-z_0-9]+ [0-9]+ [0-9]+$' "$bt" >"$out/$name.ns" || true
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
# bench/stats.py keeps the stacks through each help function in $2. Nothing is
# probed: a kprobe pair costs 15-20 us a call in this guest, which swamped
# the small stages when each was timed; a sample costs every function alike.
# A helper's pass makes some 4,000-6,000 distinct stacks, and bpftrace drops the samples of
# a new one once its map is full (4,096 keys by default). A stack that
# collides with another in the kernel's stack table is lost too: bpftrace
# logs "failed to look up stack id -17" and prints its samples as @[].
sampled() {
	local name=$1 fns=$2 keys=65536 fn
	shift 2
	for fn in $fns; do
		check_sym "$fn"
	done
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

# Both helpers stay loaded for a whole session (a probe on a module that
# goes away is lost), so they cannot both claim port 5060 for their default
# tuple: ours takes one nothing else uses. nft assigns each by name, and
# that tuple plays no part in what a helper does with a flow it is given.
load_helpers() {
	modprobe nf_nat_sip
	modprobe nf_sip_alg ports=5062
	# Room for every call's pinholes, so that neither helper hits the
	# global limit (a sysctl of the initial netns, there once conntrack is).
	sysctl -q -w net.netfilter.nf_conntrack_expect_max=65536
}

mono_ns() {
	python3 -c 'import time; print(time.monotonic_ns())'
}

# One pass on fresh state: new namespaces (new conntrack and dialog
# tables), the helper of <alg> attached, <count> INVITEs. Its bounds on the
# monotonic clock go to $out/<session>.rounds as
# "<alg> <round> <start ns> <end ns>". The pass's conntracks, and with them
# its expectations, are flushed before its namespaces go: the expectation
# hash is one for all namespaces, and a namespace is destroyed in the
# background, so thousands of pinholes left to that would still lengthen
# the chains of the next pass, whichever helper it measures.
#   pass <session> kernel|ours <round> <count>
pass() {
	local session=$1 alg=$2 round=$3 count=$4 t0 t1
	# Called where set -e does not hold (session's "|| rc=1").
	topo_setup || fail "topology set-up"
	if [ "$alg" = kernel ]; then
		attach_kernel_helper || fail "cannot attach the kernel's helper"
	else
		topo_attach_helper || fail "cannot attach nf_sip_alg"
	fi
	echo "# $session round $round: $count INVITEs through $alg, IPv$FAMILY; conntrack hash $(cat /sys/module/nf_conntrack/parameters/hashsize), expectation hash $(cat /sys/module/nf_conntrack/parameters/expect_hashsize)"
	t0=$(mono_ns)
	invites "$count" || rc=1
	t1=$(mono_ns)
	echo "$alg $round $t0 $t1" >>"$out/$session.rounds"
	if [ "$alg" = ours ]; then
		in_router grep -v ' 0$' /proc/net/stat/nf_sip_alg | sed 's/^/# /' || true
	fi
	echo "# expectations at the end: $(in_router cat /proc/net/nf_conntrack_expect 2>/dev/null | wc -l)"
	in_router conntrack -F 2>/dev/null || fail "cannot flush the router's conntracks"
	[ "$(in_router cat /proc/net/nf_conntrack_expect | wc -l)" -eq 0 ] ||
		fail "expectations left after the flush"
	topo_teardown
}

# $ROUNDS rounds of one pass per helper in <alg>..., the order turned round
# every other round.
#   rounds <session> <count> <alg>...
rounds() {
	local session=$1 count=$2 r a
	shift 2
	local algs=("$@") order
	for r in $(seq "$ROUNDS"); do
		order=("${algs[@]}")
		if [ $((r % 2)) -eq 0 ] && [ ${#algs[@]} -eq 2 ]; then
			order=("${algs[1]}" "${algs[0]}")
		fi
		for a in "${order[@]}"; do
			pass "$session" "$a" "$r" "$count"
		done
	done
}

# The rounds of <alg>... under one bpftrace session, timed or sampled.
#   session <name> timed|sampled "<functions>" <count> <alg>...
session() {
	local name=$1 how=$2 what=$3 count=$4
	shift 4
	rm -f "$out/$name.rounds"
	"$how" "$name" "$what" rounds "$name" "$count" "$@" || rc=1
}

load_helpers
session timed timed "sip_help_udp sip_alg_help" "$N" kernel ours
# What a kprobe/kretprobe pair costs by itself: a function that does next to
# nothing (conntrack's timeout refresh, at least once per packet).
session calibrate timed __nf_ct_refresh_acct "$NCAL" ours
# Where each helper's time goes, without a probe in the way.
session profile sampled "sip_help_udp sip_alg_help" "$N" kernel ours

# The kernel sizes its expectation hash as conntrack's hash / 256, rounded
# up to a page of buckets: 512 in this VM (each pass's first line says), so
# thousands of pending pinholes (ours keeps every call's; the kernel's
# helper evicts all but the last few) make long chains. The same rounds,
# timed and sampled, with 16384 buckets show how much that costs.
if unload nf_sip_alg nf_nat_sip nf_conntrack_sip nft_ct nft_masq nft_chain_nat nft_nat nf_nat \
	nf_conntrack_netlink nf_conntrack && modprobe nf_conntrack expect_hashsize=16384; then
	load_helpers
	session bighash timed "sip_help_udp sip_alg_help" "$N" kernel ours
	session profile-bighash sampled "sip_help_udp sip_alg_help" "$N" kernel ours
else
	echo "# cannot reload nf_conntrack with a larger hash: $(lsmod | grep '^nf_conntrack ')"
fi

python3 "$here/stats.py" --n "$N" --rounds "$ROUNDS" --dir "$out" --krel "$(uname -r)" --json "$out/summary.json" || rc=1
exit $rc
