#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipalgctl against live calls, in the router of selftests/lib/topo.sh:
# an IPv4 and an IPv6 call from the phone to the server are up (RTP both
# ways, no BYE) while
#   - show calls lists both with their state, parties and media pins (the
#     phone's RTP port inside, the router's public port outside, established,
#     packets counted), as text and as JSON; show call <id> shows one;
#   - show stats moved (messages, dialogs) and agrees with /proc;
#   - set changes settings (one, several at once, and none when one value is
#     refused), and show config and the sysctls agree, both ways;
#   - monitor (text and -j) printed the calls' start and, after del call and
#     flush calls, their end, and stops on SIGTERM with status 0;
#   - del call ends one call, flush calls the other: no expectation or media
#     flow of either is left (conntrack -L expect / -L).

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

run modprobe nf_sip_alg grace=1
topo_setup
topo_attach_helper
# Packet counts of the media conntracks, which show calls reports.
run in_router sysctl -qw net.netfilter.nf_conntrack_acct=1
out=$(mktemp -d)
ctl() {
	echo "+ sipalgctl -n $ROUTER_NS $*" >&2
	"$CTL" -n "$ROUTER_NS" "$@"
}

# Events from here on, as text and as JSON lines. topo_teardown stops them
# if the test fails before it does.
topo_bg "$CTL" -n "$ROUTER_NS" monitor >"$out/mon.txt" 2>&1
mon_txt=$!
topo_bg "$CTL" -n "$ROUTER_NS" -j monitor >"$out/mon.json" 2>"$out/mon.err"
mon_json=$!
sleep 2

ctl -j show stats >"$out/stats0.json"
json_true "$out/stats0.json" 'd["messages"] == 0 and d["dialogs_active"] == 0' \
	"the counters of a fresh router are not 0"

live_call_start "$out/calls.json" --family 4 --family 6
read -r id4 port4 id6 port6 < <(python3 - "$out/calls.json" <<'PY'
import json, sys
print(" ".join(f"{c['call_id']} {c['public_port']}" for c in json.load(open(sys.argv[1]))))
PY
)
echo "calls: $id4 (public port $port4), $id6 (public port $port6)"

echo "# show calls, text"
ctl show calls | tee "$out/calls.txt"
for want in "Call-ID $id4" "Call-ID $id6" "confirmed" \
	"signalling udp $PHONE4:5060 -> $SERVER4:5060" \
	"signalling udp [$PHONE6]:5060 -> [$SERVER6]:5060" \
	"$PHONE4:40000 <-> $ROUTER_WAN4:$port4" \
	"[$PHONE6]:40000 <-> [$ROUTER_WAN6]:$port6"; do
	grep -qF -- "$want" "$out/calls.txt" || fail "show calls does not say \"$want\""
done
grep -qE '^    rtp .* established .* [1-9][0-9]* packets' "$out/calls.txt" ||
	fail "show calls has no established RTP pin with packets"

echo "# show calls, JSON"
ctl -j show calls >"$out/calls-show.json"
cat "$out/calls-show.json"
json_true "$out/calls-show.json" "sorted(c['call_id'] for c in d) == sorted(['$id4', '$id6'])" \
	"show -j calls does not list exactly the two calls"
for fam in 4 6; do
	if [ $fam = 4 ]; then
		id=$id4 phone=$PHONE4 pub=$ROUTER_WAN4 port=$port4
	else
		id=$id6 phone=$PHONE6 pub=$ROUTER_WAN6 port=$port6
	fi
	json_true "$out/calls-show.json" "[c for c in d if c['call_id'] == '$id' and
		c['state'] == 'confirmed' and c['transport'] == 'udp' and c['src'] == '$phone' and
		c['src_port'] == 5060 and c['dst_port'] == 5060 and 'sip:alice@' in c['from'] and
		c['age'] >= 0 and
		any(p['class'] == 'rtp' and p['inside'] == '$phone' and p['inside_port'] == 40000 and
		    p['outside'] == '$pub' and p['outside_port'] == $port and p['established'] and
		    p['packets'] > 0 for p in c['pins']) and
		any(p['class'] == 'rtcp' and p['inside_port'] == 40001 for p in c['pins'])]" \
		"IPv$fam: the call, its RTP pin (established, with packets) or its RTCP pin is wrong"
done

echo "# show call <id>"
ctl show call "$id6" | tee "$out/call6.txt"
grep -qF "Call-ID $id6" "$out/call6.txt" || fail "show call does not show the call"
! grep -qF "$id4" "$out/call6.txt" || fail "show call shows another call too"
ctl -j show call "$id4" >"$out/call4.json"
json_true "$out/call4.json" "d['call_id'] == '$id4' and len(d['pins']) >= 2" \
	"show -j call is not the call with its pins"
ctl_refused 1 "Call-ID|call" "$CTL" -n "$ROUTER_NS" show call no-such-call@nowhere

echo "# show stats"
ctl show stats | tee "$out/stats.txt"
grep -qE '^messages +[1-9]' "$out/stats.txt" || fail "show stats has no messages line"
ctl -j show stats >"$out/stats1.json"
# INVITE, 100, 180, 200 and ACK of each call.
json_true "$out/stats1.json" 'd["messages"] == 10 and d["requests_invite"] == 2 and
	d["requests_ack"] == 2 and d["dialogs_active"] == 2 and d["dialogs_created"] == 2 and
	d["expect_created"] >= 4' "the counters did not move with the calls"
in_router cat /proc/net/stat/nf_sip_alg >"$out/proc.txt"
json_true "$out/stats1.json" "all(d[k] == int(v) for k, v in
	(l.split() for l in open('$out/proc.txt')))" \
	"show stats and /proc/net/stat/nf_sip_alg disagree"

echo "# show config / set / sysctl"
key=net.netfilter.sip_alg
ctl -j show config >"$out/config0.json"
json_true "$out/config0.json" 'd == {"grace": 1, "sip_timeout": 3600, "max_media": 16,
	"max_dialogs": 65536, "max_source_calls": 4096, "max_call_pins": 64,
	"max_source_pins": 512, "max_pins": 0, "tcp_hold_max": 65535, "direct_media": False,
	"direct_signalling": True, "drop_malformed": False, "mode": "normal"}' \
	"show config is not the defaults"
ctl set grace 7
[ "$(in_router sysctl -n $key.grace)" = 7 ] || fail "set grace 7: the sysctl did not follow"
ctl set max_media 8 direct_media on drop_malformed yes max_call_pins 32 max_source_pins 100 \
	max_source_calls 50 max_pins 1000 tcp_hold_max 4000
for kv in max_media=8 direct_media=1 drop_malformed=1 max_call_pins=32 max_source_pins=100 \
	max_source_calls=50 max_pins=1000 tcp_hold_max=4000; do
	[ "$(in_router sysctl -n "$key.${kv%=*}")" = "${kv#*=}" ] || fail "set: $kv is not in the sysctl"
done
ctl show config | tee "$out/config.txt"
for want in "grace +7" "max_media +8" "max_call_pins +32" "max_source_pins +100" \
	"max_source_calls +50" "max_pins +1000" "tcp_hold_max +4000" "direct_media +on" \
	"drop_malformed +on" "mode +normal"; do
	grep -qE "^$want\$" "$out/config.txt" || fail "show config does not say \"$want\""
done
run in_router sysctl -qw $key.sip_timeout=120 $key.max_pins=0 $key.tcp_hold_max=0
ctl -j show config >"$out/config1.json"
json_true "$out/config1.json" 'd["sip_timeout"] == 120 and d["grace"] == 7 and d["direct_media"] and
	d["max_pins"] == 0 and d["max_call_pins"] == 32 and d["tcp_hold_max"] == 0' \
	"show config does not follow the sysctl"
# All or nothing: a refused value leaves the others as they were.
ctl_refused 1 "max_media" "$CTL" -n "$ROUTER_NS" set grace 9 max_media 65
[ "$(in_router sysctl -n $key.grace)" = 7 ] || fail "a refused set changed grace"
ctl set direct_media off drop_malformed 0 max_media 16 max_call_pins 64 max_source_pins 512 \
	max_source_calls 4096 tcp_hold_max 65535
[ "$(in_router sysctl -n $key.tcp_hold_max)" = 65535 ] || fail "set tcp_hold_max 65535: not in the sysctl"

echo "# del call, flush calls"
in_router conntrack -L expect | tee "$out/expect0.txt"
[ -s "$out/expect0.txt" ] || fail "the calls have no expectation to remove"
ctl del call "$id6"
ctl -j show calls >"$out/calls-del.json"
json_true "$out/calls-del.json" "[c['call_id'] for c in d] == ['$id4']" \
	"del call did not end exactly that call"
ctl_refused 1 "Call-ID|call" "$CTL" -n "$ROUTER_NS" del call "$id6"
ctl flush calls
ctl -j show calls >"$out/calls-flush.json"
json_true "$out/calls-flush.json" 'd == []' "flush calls left calls"
# Pinholes and media flows go now or after the grace (1 s); TCG is slow.
media_left() {
	in_router conntrack -L expect 2>/dev/null | grep -q . && return 0
	in_router conntrack -L -p udp 2>/dev/null | grep -qE "port=(40000|40001|50000|50001|$port4|$port6) "
}
topo_wait 5 eval '! media_left' || {
	in_router conntrack -L expect
	in_router conntrack -L -p udp
	fail "expectations or media flows of the calls are left after del call and flush calls"
}
ctl -j show stats >"$out/stats2.json"
json_true "$out/stats2.json" 'd["dialogs_active"] == 0' "dialogs are left after flush calls"

echo "# monitor"
kill -TERM "$mon_txt" "$mon_json"
rc=0
wait "$mon_txt" || rc=$?
[ $rc = 0 ] || fail "monitor exited with $rc on SIGTERM"
rc=0
wait "$mon_json" || rc=$?
[ $rc = 0 ] || fail "monitor -j exited with $rc on SIGTERM"
cat "$out/mon.txt" "$out/mon.err"
for id in "$id4" "$id6"; do
	grep -F " call-start Call-ID $id" "$out/mon.txt" |
		grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[-+][0-9]{4} ' ||
		fail "monitor did not print the start of $id with a time stamp"
	grep -F " call-end Call-ID $id " "$out/mon.txt" | grep -qF " end deleted" ||
		fail "monitor did not print the end (deleted) of $id"
done
python3 - "$out/mon.json" "$id4" "$id6" <<'PY' || fail "monitor -j: not one JSON object per line with the calls' events"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
print(f"{len(events)} JSON events")
for cid in sys.argv[2:]:
    mine = [(e["type"], e.get("end_reason")) for e in events if e.get("call_id") == cid]
    assert ("call-start", None) in mine and ("call-end", "deleted") in mine, (cid, mine)
    assert all("time" in e for e in events)
PY
echo "sipalgctl shows, changes and ends live calls"
