#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two network namespaces, two ALGs: the router of selftests/lib/topo.sh,
# carrying a live call, and a second namespace (sipalg-other) with other
# settings, maps and SDP strip list. Through sipalgctl, with -n and with
# ip netns exec alike, neither sees the other's settings, calls, counters,
# maps, strip list or events, and neither del call nor flush calls in one
# ends the other's call. The initial namespace keeps the defaults.
# Neither can set a budget (max_dialogs, max_source_calls, max_call_pins,
# max_source_pins) above the initial namespace's, as with their sysctls;
# max_pins and tcp_hold_max have no such ceiling, and the initial
# namespace may go up.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

OTHER=sipalg-other
run modprobe nf_sip_alg
topo_setup
ip netns del $OTHER 2>/dev/null || true
run ip netns add $OTHER
out=$(mktemp -d)
key=net.netfilter.sip_alg
# ctlj NS FILE ARGS...: sipalgctl -j ARGS in NS (-n), output in FILE.
ctlj() {
	local ns=$1 file=$2
	shift 2
	echo "+ sipalgctl -n $ns -j $*" >&2
	"$CTL" -n "$ns" -j "$@" >"$file"
}

echo "# settings"
run "$CTL" -n "$ROUTER_NS" set grace 7 max_media 8 direct_media on
run ip netns exec $OTHER "$CTL" set grace 2 max_media 32 mode observe
ctlj "$ROUTER_NS" "$out/router.json" show config
json_true "$out/router.json" 'd["grace"] == 7 and d["max_media"] == 8 and d["direct_media"] and
	d["mode"] == "normal"' "the router's settings are not its own"
ctlj $OTHER "$out/other.json" show config
json_true "$out/other.json" 'd["grace"] == 2 and d["max_media"] == 32 and not d["direct_media"] and
	d["mode"] == "observe"' "the other namespace's settings are not its own"
ip netns exec $OTHER "$CTL" -j show config >"$out/other2.json"
cmp "$out/other.json" "$out/other2.json" || fail "-n and ip netns exec show other settings"
"$CTL" -j show config >"$out/init.json"
json_true "$out/init.json" 'd["grace"] == 5 and d["max_media"] == 16 and d["mode"] == "normal"' \
	"the initial namespace's settings changed"
for ns_val in "$ROUTER_NS:7" "$OTHER:2"; do
	[ "$(ip netns exec "${ns_val%:*}" sysctl -n $key.grace)" = "${ns_val#*:}" ] ||
		fail "the sysctl of ${ns_val%:*} disagrees with sipalgctl"
done

echo "# budgets: never above the host's"
json_true "$out/init.json" 'd["max_call_pins"] == 64 and d["max_source_pins"] == 512 and
	d["max_source_calls"] == 4096 and d["max_dialogs"] == 65536 and d["max_pins"] == 0' \
	"the initial namespace's budgets are not the defaults"
run "$CTL" set max_call_pins 32 max_source_pins 100 max_source_calls 50 max_dialogs 1000
for kv in max_call_pins=32 max_source_pins=100 max_source_calls=50 max_dialogs=1000; do
	k=${kv%=*} v=${kv#*=}
	# Above the host's, in either namespace and with -n or ip netns exec: refused,
	# and nothing of the request changes.
	ctl_refused 1 "^sipalgctl: $k: above the host's value\$" \
		"$CTL" -n "$ROUTER_NS" set grace 3 "$k" $((v + 1))
	ctl_refused 1 "^sipalgctl: $k: above the host's value\$" \
		ip netns exec $OTHER "$CTL" set "$k" $((v + 1)) grace 3
	[ "$(in_router sysctl -n $key.grace)" = 7 ] || fail "a refused $k changed the router's grace"
	[ "$(ip netns exec $OTHER sysctl -n $key.grace)" = 2 ] || fail "a refused $k changed $OTHER's grace"
	[ "$(in_router sysctl -n "$key.$k")" != $((v + 1)) ] || fail "the router's $k went above the host's"
	# At the host's value: taken.
	run "$CTL" -n $OTHER set "$k" "$v"
	[ "$(ip netns exec $OTHER sysctl -n "$key.$k")" = "$v" ] || fail "$OTHER did not take $k $v"
done
# All four at once, one of them too high: none changes.
ctl_refused 1 "^sipalgctl: max_source_calls: above the host's value\$" \
	"$CTL" -n "$ROUTER_NS" set max_call_pins 8 max_source_pins 8 max_source_calls 51 max_dialogs 8
ctlj "$ROUTER_NS" "$out/router-budgets.json" show config
json_true "$out/router-budgets.json" 'd["max_call_pins"] == 64 and d["max_source_pins"] == 512 and
	d["max_source_calls"] == 4096 and d["max_dialogs"] == 65536' "a refused set changed a budget"
# max_pins has no ceiling (the kernel counts expectations per netns).
run "$CTL" -n "$ROUTER_NS" set max_pins 100000
[ "$(in_router sysctl -n $key.max_pins)" = 100000 ] || fail "the router did not take max_pins 100000"
# Nor has tcp_hold_max (tcp_hold_total bounds a namespace's held bytes); each its own.
run "$CTL" set tcp_hold_max 1000
run "$CTL" -n "$ROUTER_NS" set tcp_hold_max 2000
[ "$(in_router sysctl -n $key.tcp_hold_max)" = 2000 ] || fail "the router did not take tcp_hold_max 2000"
[ "$(sysctl -n $key.tcp_hold_max)" = 1000 ] || fail "the initial namespace's tcp_hold_max moved"
[ "$(ip netns exec $OTHER sysctl -n $key.tcp_hold_max)" = 65535 ] ||
	fail "$OTHER's tcp_hold_max moved with another namespace's"
run "$CTL" set tcp_hold_max 65535
run "$CTL" -n "$ROUTER_NS" set tcp_hold_max 65535
# The host may go up, and then so may the others.
run "$CTL" set max_call_pins 1024 max_source_pins 512 max_source_calls 4096 max_dialogs 65536
run "$CTL" -n "$ROUTER_NS" set max_call_pins 1024 max_pins 0
[ "$(in_router sysctl -n $key.max_call_pins)" = 1024 ] || fail "the router did not follow the host up"
run "$CTL" set max_call_pins 64
run "$CTL" -n "$ROUTER_NS" set max_call_pins 64

echo "# maps and SDP strip lists"
run "$CTL" -n $OTHER map add 10.0.0.1 192.0.2.1
run "$CTL" -n $OTHER sdp-strip add a=candidate
[ "$("$CTL" -n $OTHER show maps)" = "10.0.0.1 <-> 192.0.2.1" ] || fail "the other namespace lost its map"
[ "$("$CTL" -n $OTHER show sdp-strip)" = "a=candidate" ] || fail "the other namespace lost its strip list"
[ -z "$("$CTL" -n "$ROUTER_NS" show maps)" ] || fail "the router sees the other namespace's map"
[ -z "$("$CTL" -n "$ROUTER_NS" show sdp-strip)" ] || fail "the router sees the other strip list"

echo "# a call through the router"
topo_bg "$CTL" -n $OTHER -j monitor >"$out/other-events.json" 2>&1
other_mon=$!
topo_bg "$CTL" -n "$ROUTER_NS" -j monitor >"$out/router-events.json" 2>&1
router_mon=$!
sleep 2
topo_attach_helper
live_call_start "$out/calls.json"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["call_id"])' "$out/calls.json")
ctlj "$ROUTER_NS" "$out/router-calls.json" show calls
json_true "$out/router-calls.json" "[c['call_id'] for c in d] == ['$id']" "the router does not list its call"
ctlj $OTHER "$out/other-calls.json" show calls
json_true "$out/other-calls.json" 'd == []' "the other namespace lists the router's call"
"$CTL" -j show calls >"$out/init-calls.json"
json_true "$out/init-calls.json" 'd == []' "the initial namespace lists the router's call"
ctl_refused 1 "Call-ID|call" "$CTL" -n $OTHER show call "$id"

ctlj "$ROUTER_NS" "$out/router-stats.json" show stats
json_true "$out/router-stats.json" 'd["messages"] > 0 and d["dialogs_active"] == 1' \
	"the router's counters did not count its call"
ctlj $OTHER "$out/other-stats.json" show stats
json_true "$out/other-stats.json" 'd["messages"] == 0 and d["dialogs_created"] == 0' \
	"the other namespace's counters counted the router's call"

echo "# del call and flush calls elsewhere leave the call alone"
ctl_refused 1 "Call-ID|call" "$CTL" -n $OTHER del call "$id"
run "$CTL" -n $OTHER flush calls
run "$CTL" flush calls
ctlj "$ROUTER_NS" "$out/router-calls2.json" show calls
json_true "$out/router-calls2.json" "[c['call_id'] for c in d] == ['$id']" \
	"flush calls in another namespace ended the router's call"
in_router conntrack -L expect | grep -q . || fail "the router's call lost its expectations"

echo "# events stay in their namespace"
run "$CTL" -n "$ROUTER_NS" del call "$id"
sleep 1
kill -TERM "$other_mon" "$router_mon"
for pid in "$other_mon" "$router_mon"; do
	wait "$pid" || fail "a monitor did not exit 0 on SIGTERM"
done
cat "$out/router-events.json"
grep -qF "\"call_id\":\"$id\"" "$out/router-events.json" || fail "the router's monitor saw no event of its call"
[ ! -s "$out/other-events.json" ] || { cat "$out/other-events.json"; fail "the other namespace's monitor saw events"; }
echo "namespaces keep their settings, calls, policy and events apart"
