#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespace exit and module unload in the middle of a storm of calls
# (issue 11, fault 2). selftests/lib/storm.py places calls from the phone to
# the server, IPv4 and IPv6, 8 a second each (INVITE with SDP, 200 with
# SDP, ACK, RTP both ways, BYE from either side; the server hangs up every
# third call itself) and keeps going whatever happens to the router:
#
#   (a) with live calls and pinholes, the router namespace is deleted, then
#       made again (addresses, routes, masquerade, helper): new calls get
#       through again, media included;
#   (b) the operator removes the nft helper table and unloads nf_sip_alg
#       while the calls' packets still arrive: the module unloads; loaded
#       again, with the table back, new calls get their media again.
#
# A splat (the runner checks the kernel log after the test) or a module
# that cannot unload fails the test. On the debug kernel, KASAN and
# lockdep see what Debian's kernels do not.
#
# Step (b) is repeated 6 times, the router's conntracks flushed while the
# module is going (0 to 0.8 s after it started to), with each call on a
# signalling flow of its own and short (--hold 1: calls end, and the GC
# works, every second), and 30,000 conntracks in another namespace that
# every helper's unregistration walks. So on the debug kernel the code
# before issue 11 (calls hung on their conntracks) shows KASAN's
# use-after-free in sip_alg_dialog_master_gone; one round did not.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl ss

STORM=$SELFTESTS/lib/storm.py
RATE=12
FLOWS=300
ROUNDS=6
DELAYS=(0 0.05 0.1 0.2 0.4 0.8 0 0.1 0.3)
tmp=$(mktemp -d)

run modprobe nf_sip_alg grace=1
topo_setup
topo_attach_helper

# The router part of topo_setup, after the router namespace was deleted
# (which took both veth pairs, and so the phone's and server's addresses
# and the phone's default routes, with it). As a router boots: its rules
# first, then its links, so that no flow of the storm gets in before the
# helper is assigned (a conntrack made without it would keep going without).
router_up() {
	topo_router
	in_router sysctl -q -w net.netfilter.sip_alg.grace=1
	topo_attach_helper
	topo_links
}

# "answered media" of both families' UACs, summed.
progress() {
	python3 - "$tmp" <<-'PY'
		import json, os, sys
		t = {"answered": 0, "media": 0, "sent": 0, "lost": 0, "errors": 0, "live": 0}
		for fam in (4, 6):
		    try:
		        with open(os.path.join(sys.argv[1], f"uac{fam}.json")) as f:
		            for k, v in json.load(f).items():
		                t[k] = t.get(k, 0) + v
		    except (OSError, ValueError):
		        pass
		print(t["answered"], t["media"], t["sent"], t["lost"], t["errors"], t["live"])
	PY
}

# more SECONDS ANSWERED MEDIA WHAT: wait until the storm answered that many
# more calls and that many more got their media than now.
more() {
	local secs=$1 want_a=$2 want_m=$3 what=$4 a0 m0 a m rest
	read -r a0 m0 rest < <(progress)
	SECONDS=0
	while [ $SECONDS -lt "$secs" ]; do
		sleep 1
		read -r a m rest < <(progress)
		if [ $((a - a0)) -ge "$want_a" ] && [ $((m - m0)) -ge "$want_m" ]; then
			echo "ok: $what: $((a - a0)) more calls answered, $((m - m0)) more with media" \
				"in ${SECONDS}s (sent answered-media-lost-errors-live: $(progress))"
			return 0
		fi
	done
	echo "storm (answered media sent lost errors live): $(progress)"
	in_router cat /proc/net/stat/nf_sip_alg | grep -v ' 0$' || true
	fail "$what: only $((a - a0)) more calls answered and $((m - m0)) more with media in ${secs}s"
}

router_state() {
	local what=$1 dialogs exps
	dialogs=$(in_router awk '$1 == "dialogs_active" { print $2 }' /proc/net/stat/nf_sip_alg)
	exps=$(in_router cat /proc/net/nf_conntrack_expect | wc -l)
	echo "$what: $dialogs calls and $exps expectations in the router, $(in_router conntrack -C) conntracks"
	[ "$dialogs" -gt 0 ] && [ "$exps" -gt 0 ] || fail "$what: no live call or pinhole in the router"
}


# 30,000 conntracks in a namespace of their own: every helper's
# unregistration walks them all. The limit is global: put back at the end.
FILLER_NS=sipalg-filler
ct_max=$(sysctl -n net.netfilter.nf_conntrack_max)
ip netns del "$FILLER_NS" 2>/dev/null || true
ip netns add "$FILLER_NS"
ip -n "$FILLER_NS" link set lo up
sysctl -qw net.netfilter.nf_conntrack_max=262144
ip netns exec "$FILLER_NS" nft -f - <<-EOF
	table inet filler {
		chain out {
			type filter hook output priority 0; policy accept;
			ct state new counter
		}
	}
EOF
ip netns exec "$FILLER_NS" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3600
ip netns exec "$FILLER_NS" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in range(1, 30001):
    s.sendto(b"x", ("127.0.0.1", p))
' 2>/dev/null || true
echo "filler: $(ip netns exec "$FILLER_NS" conntrack -C) conntracks in $FILLER_NS"

# Started as `ip netns exec` (which becomes python3), so that the pid
# topo_teardown kills is the storm's own; their output goes to files, not
# to the test's stdout, which nothing may hold after the test.
for fam in 4 6; do
	topo_bg ip netns exec "$SERVER_NS" python3 "$STORM" uas --family $fam \
		>"$tmp/uas$fam.log" 2>&1
done
uas_up() { [ "$(in_server ss -Hlun 'sport = :5060' | wc -l)" -ge 2 ]; }
topo_wait 20 uas_up || fail "the storm's UAS did not start"
for fam in 4 6; do
	topo_bg ip netns exec "$PHONE_NS" python3 "$STORM" uac --family $fam --rate $RATE \
		--hold 1 --flows $FLOWS --progress "$tmp/uac$fam.json" >"$tmp/uac$fam.log" 2>&1
done
more 40 40 20 "the storm runs"

echo "# (a) the router namespace goes with live calls and pinholes, and comes back"
router_state "before the namespace exit"
run ip netns delete "$ROUTER_NS"
sleep 2
router_up
more 40 40 20 "new calls through the new router namespace"

echo "# (b) the helper table goes, and the module, while the calls' packets arrive; $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
	delay=${DELAYS[$(( (round - 1) % ${#DELAYS[@]} ))]}
	router_state "round $round, before the unload"
	run topo_detach_helper
	for _ in $(seq 100); do
		[ "$(cat /sys/module/nf_sip_alg/refcnt)" = 0 ] && break
		sleep 0.1
	done
	modprobe -r nf_sip_alg &
	rmpid=$!
	st=live
	while [ -d /sys/module/nf_sip_alg ] && kill -0 "$rmpid" 2>/dev/null; do
		read -r st </sys/module/nf_sip_alg/initstate 2>/dev/null || break
		[ "$st" = going ] && break
	done
	sleep "$delay"
	# Flush the router's conntracks while the module goes (several times,
	# for the helpers unregistered later: udp4, tcp4, udp6, tcp6).
	for _ in 1 2 3 4 5; do
		in_router conntrack -F 2>/dev/null || true
		[ -d /sys/module/nf_sip_alg ] || break
	done
	wait "$rmpid" || true
	! module_loaded || fail "round $round: nf_sip_alg cannot be unloaded during the storm"
	echo "ok: round $round: nf_sip_alg unloaded during the storm (seen: $st, flush after ${delay}s)"
	run modprobe nf_sip_alg grace=1
	run topo_attach_helper
	run in_router conntrack -F
	more 60 30 10 "round $round: new calls with the module loaded again"
done
topo_teardown
ip netns del "$FILLER_NS"
sysctl -qw net.netfilter.nf_conntrack_max="$ct_max"
echo "storm (answered media sent lost errors live): $(progress)"
cat "$tmp"/*.log
echo "namespace exit and module unload during the storm went cleanly"
