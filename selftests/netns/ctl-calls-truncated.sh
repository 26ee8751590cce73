#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A call with more pinholes than one netlink message of the calls dump
# holds: `sipalgctl show calls` gets it with the pins that fit and the
# pins-truncated flag, and the dump goes on with the next call.
#
# A dump message is at most 32 KiB (the kernel caps it there, whatever the
# reader's buffer) and a pin takes 84 bytes of it over IPv6. An SDP with 63
# streams opens 126 pins (RTP and RTCP per stream) and a call keeps them
# until it ends, so an INVITE, its 200 and two re-INVITEs that move the
# phone's media give a call 504 pins, 42 KB. Each big call has a signalling
# flow of its own: kernels from 7.x on let one flow wait for at most 255
# expectations of a class (docs/design.md), and 252 RTP pins fit. Two such
# calls and a small IPv4 one: the dump's order is the dialog table's (a
# keyed hash), but whichever big call comes first has another call after
# it, and all three must be listed. show call <Call-ID>, a reply sized to
# the call, lists every pin: the dump's are the first of them.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

run modprobe nf_sip_alg
topo_setup
topo_attach_helper
run in_router sysctl -qw net.netfilter.sip_alg.max_media=64
# What sipalgctl printed, kept for a look afterwards.
out=${SIPALG_RESULTS:-$(mktemp -d)}/ctl-calls-truncated
mkdir -p "$out"
ctl() {
	echo "+ sipalgctl -n $ROUTER_NS $*" >&2
	"$CTL" -n "$ROUTER_NS" "$@"
}

# Room for 2 * 504 + 4 expectations, which one source takes.
run topo_expect_max 2048
run topo_pin_budget 512 2048

python3 - "$out/calls.json" <<'PY' || fail "the calls did not come up with their pins"
import json
import os
import sys
sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import Call, Topo, check, outbound_call, run_in, stats
from sipnet import Dialog, sdp

STREAMS = 63
BIG = 4 * 2 * STREAMS       # the INVITE's, the 200's and two re-INVITEs' RTP and RTCP
topo = Topo(6)
phone, server = topo.phone, topo.server
sig_sv = server.udp(5060)
ids = []

# Two big calls from one phone, each from a signalling port of its own.
for c, (port, base) in enumerate(((5060, 20000), (5062, 30000))):
    call = Call(topo, Dialog(phone, server, port, 5060), phone.udp(port), (server.addr, 5060),
                sig_sv, f"<sip:bob@{server.uri_host}:5060>", quiet=True)
    answer = sdp(server, [base + 5000 + 2 * i for i in range(STREAMS)])

    def offer(k):
        return sdp(phone, [base + 2 * STREAMS * k + 2 * i for i in range(STREAMS)],
                   sess_version=k + 1)

    call.establish(offer(0), answer, provisional=())
    for k in (1, 2):
        inv = call.request("INVITE", offer(k))
        call.respond(inv, 200, answer)
        call.request("ACK", cseq=call.d.cseq)
    print(f"big call {c + 1} up: {call.d.call_id}", flush=True)
    ids.append(call.d.call_id)

small = outbound_call(Topo(4))
small.establish(sdp(small.topo.phone, [40000]), sdp(small.topo.server, [50000]))
print(f"small call up: {small.d.call_id}", flush=True)
ids.append(small.d.call_id)

s = stats(topo)
table = [ln for ln in run_in(topo.router, "cat", "/proc/net/nf_conntrack_expect").splitlines()
         if ln.strip()]
want = 2 * BIG + 4
check(s["expect_created"] == want and s["expect_failed"] == 0 and len(table) == want,
      f"{want} pinholes open (expect_created {s['expect_created']}, "
      f"expect_failed {s['expect_failed']}, {len(table)} in the table)")
with open(sys.argv[1], "w") as f:
    json.dump(dict(zip(ids, (BIG, BIG, 4))), f)
PY
read -r big1 big2 small < <(python3 -c 'import json, sys; print(*json.load(open(sys.argv[1])))' \
	"$out/calls.json")

ctl -j show calls >"$out/dump.json"
ctl -j show call "$big1" >"$out/big1.json"
ctl -j show call "$big2" >"$out/big2.json"
python3 - "$out" "$small" <<'PY' || fail "the dump of the calls is not as it should be ($out)"
import json
import sys
out, small = sys.argv[1:]
pins = json.load(open(f"{out}/calls.json"))
dump = json.load(open(f"{out}/dump.json"))
assert sorted(c["call_id"] for c in dump) == sorted(pins), \
    f"show calls does not list exactly the three calls: {[c['call_id'] for c in dump]}"
for pos, c in enumerate(dump):
    cid, n, full = c["call_id"], len(c["pins"]), pins[c["call_id"]]
    trunc = c.get("pins_truncated", False)
    print(f"show calls {pos + 1}. {cid}: {n} of {full} pins{', truncated' if trunc else ''}")
    if cid == small:
        assert not trunc and n == full, f"{cid}: {n} of {full} pins, truncated {trunc}"
    else:
        assert trunc and 0 < n < full, f"{cid}: not sent truncated ({n} of {full} pins)"
assert any(c.get("pins_truncated") for c in dump[:-1]), "no call follows a truncated one"

# show call: every pin; the dump sent the first ones.
for name in ("big1", "big2"):
    call = json.load(open(f"{out}/{name}.json"))
    cid = call["call_id"]
    dumped = next(c["pins"] for c in dump if c["call_id"] == cid)
    assert "pins_truncated" not in call and len(call["pins"]) == pins[cid], \
        f"show call {cid}: {len(call['pins'])} pins, truncated {call.get('pins_truncated')}"
    assert dumped == call["pins"][:len(dumped)], f"{cid}: the dump's pins are not its first ones"
    print(f"show call {cid}: all {len(call['pins'])} pins, the dump's {len(dumped)} first")
print("ok: both big calls truncated, the small one whole, a call after a truncated one")
PY

ctl show calls >"$out/dump.txt"
grep -E "^Call-ID |more pinholes" "$out/dump.txt" || true
[ "$(grep -c '^Call-ID ' "$out/dump.txt")" = 3 ] || fail "show calls does not print three calls"
[ "$(grep -cF '(more pinholes than one message holds: not all are shown)' "$out/dump.txt")" = 2 ] ||
	fail "show calls does not say of both big calls that not all pins are shown"
echo "a call too big for one message is dumped truncated, and the dump goes on"
