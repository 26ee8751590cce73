#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mode=observe: the router changes no byte of a call's messages and opens
# no pinhole, yet reports every rewrite it would have made as an event
# (sipalgctl monitor -j). Set back to normal, the same call is rewritten, so
# the check that nothing changed can fail. IPv4 and IPv6; the mode is set
# once with sysctl and once with sipalgctl, which must agree.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

calls_setup
key=net.netfilter.sip_alg.mode

[ "$(in_router sysctl -n $key)" = normal ] || fail "mode does not start as normal"
run in_router sysctl -qw $key=observe
"$CTL" -n "$ROUTER_NS" -j show config | python3 -c '
import json, sys
mode = json.load(sys.stdin)["mode"]
assert mode == "observe", f"sipalgctl shows mode {mode} after sysctl set observe"'
if in_router sysctl -qw $key=sometimes 2>/dev/null; then
	fail "mode=sometimes was accepted"
fi

# One INVITE with SDP and its 200 through the router; compare payloads.
call() { # family expect(same|rewritten)
	python3 - "$1" "$2" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import Topo, expectations
from sipnet import Dialog, Msg, response, sdp

family, want = int(sys.argv[1]), sys.argv[2]
topo = Topo(family)
ph, sv = topo.phone.udp(5060), topo.server.udp(5060)
d = Dialog(topo.phone, topo.server, 5060, 5060)
invite = d.request("INVITE", sdp(topo.phone, [40000]))
ph.send(invite, (topo.server.addr, 5060))
raw, peer = sv.recv()
same = raw == invite.encode()
private_seen = topo.phone.addr.encode() in raw.replace(d.call_id.encode(), b"")
exps = [e for e in expectations(topo) if 40000 <= e.dport <= 40001 or e.dst == topo.public]
ok = response(Msg(raw), 200, "OK", to_tag="uas1", body=sdp(topo.server, [50000]),
              contact=f"<sip:bob@{topo.server.uri_host}:5060>")
sv.send(ok, peer)
ph.recv()
if want == "same":
    assert same, f"observe mode changed the INVITE:\n{raw.decode(errors='replace')}"
    assert not exps, f"observe mode opened pinholes: {exps}"
    print(f"ok: IPv{family}: INVITE byte-identical at the server, no expectation")
else:
    assert not same and not private_seen, "normal mode left the INVITE as it was"
    assert exps, "normal mode opened no pinhole"
    print(f"ok: IPv{family}: INVITE rewritten in normal mode, {len(exps)} expectations")
PY
}

events=$(mktemp)
"$CTL" -n "$ROUTER_NS" -j monitor >"$events" &
mon=$!
sleep 0.5
for fam in 4 6; do
	call $fam same || fail "IPv$fam: observe mode"
done
sleep 0.5
kill "$mon"
wait "$mon" 2>/dev/null || true

# Each INVITE was reported with the edits normal mode makes.
python3 - "$events" "$PHONE4" "$ROUTER_WAN4" "$PHONE6" "$ROUTER_WAN6" <<'PY'
import json, sys
path, ph4, pub4, ph6, pub6 = sys.argv[1:]
events = [json.loads(line) for line in open(path) if line.strip()]
rewrites = [e for e in events if e.get("type") == "rewrite"]
for ph, pub in ((ph4, pub4), (ph6, pub6)):
    hits = [e for e in rewrites if e.get("mode") == "observe" and any(
        x.get("field") == "sdp-conn" and x.get("old") == ph and x.get("new") == pub
        for x in e.get("edits", []))]
    assert hits, f"no observe rewrite event maps the SDP c= {ph} to {pub}: {rewrites}"
    fields = {x["field"] for x in hits[0]["edits"]}
    for f in ("via", "contact", "sdp-origin", "sdp-conn"):
        assert f in fields, f"the reported rewrite lacks {f}: {sorted(fields)}"
starts = [e for e in events if e.get("type") == "call-start"]
assert len(starts) >= 2, f"expected call-start events for both calls: {events}"
print(f"ok: {len(rewrites)} rewrite events reported, {len(starts)} call starts")
PY

run "$CTL" -n "$ROUTER_NS" flush calls
run "$CTL" -n "$ROUTER_NS" set mode normal
[ "$(in_router sysctl -n $key)" = normal ] || fail "sipalgctl set mode normal did not reach the sysctl"
for fam in 4 6; do
	call $fam rewritten || fail "IPv$fam: normal mode"
done
rm -f "$events"
echo "observe mode changes nothing and reports the rewrites"
