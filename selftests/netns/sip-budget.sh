#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One source cannot take more than its budget of the expectation table
# (issue 11, fault 5). The phone (192.168.2.128) sends 10,000 INVITEs with
# SDP, one audio stream each, distinct Call-IDs and media ports, from 50
# source ports, as fast as the router takes them; nobody answers (the
# server drops them). With net.netfilter.sip_alg.max_source_pins=256:
#   - the router's expectations never exceed 256 (+ a margin of 16) during
#     and after the storm;
#   - the counter pins_over_budget rose (skipped if the module has none);
#   - a normal call from another phone address (192.168.2.129) to the
#     server then gets its media both ways, the server's RTP first.
# Without the budget the storm fills the kernel's expectation table
# (nf_conntrack_expect_max, shared by every helper of the namespace), and
# the other phone's call gets no pinhole and no inbound media.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl

export INVITES=10000 BUDGET=256 MARGIN=16
export PHONE2_4=192.168.2.129
key=net.netfilter.sip_alg

run modprobe nf_sip_alg grace=1
topo_setup
topo_attach_helper
ip -n "$PHONE_NS" addr add "$PHONE2_4/24" dev eth0
echo "net.netfilter.nf_conntrack_expect_max = $(sysctl -n net.netfilter.nf_conntrack_expect_max)"
if in_router test -e /proc/sys/net/netfilter/sip_alg/max_source_pins; then
	run in_router sysctl -qw $key.max_source_pins=$BUDGET
	for s in max_call_pins max_source_pins max_pins; do
		in_router sysctl $key.$s || true
	done
else
	echo "NOTE: $key.max_source_pins does not exist in this module (issue 11 not fixed):" \
		"the storm runs with today's limits"
fi

# The server drops the storm: nobody answers, not even with ICMP.
in_server nft -f - <<EOF
table inet budget {
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport $SIP_PORT drop
	}
}
EOF

python3 - <<'PY' || fail "one source took more than its budget, or another phone's call got no media"
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import (SOFT_FAILURES, Call, Failed, Topo, announces, check,  # noqa: E402
                       expect, media_both_ways, run_in)
from sipnet import Dialog, Host, netns, sdp  # noqa: E402

INVITES, BUDGET, MARGIN = (int(os.environ[k]) for k in ("INVITES", "BUDGET", "MARGIN"))
topo = Topo(4)
phone, server = topo.phone, topo.server


def router_read(path):
    with netns(topo.router):
        with open(path) as f:
            return f.read()


def router_stats():
    text = router_read("/proc/thread-self/net/stat/nf_sip_alg")
    return {k: int(v) for k, v in (ln.split() for ln in text.splitlines() if ln.strip())}


def expectations():
    return [ln for ln in router_read("/proc/thread-self/net/nf_conntrack_expect").splitlines()
            if ln.strip()]


s0 = router_stats()
socks = [phone.udp(5100 + i) for i in range(50)]
dst = (server.addr, 5060)
most, t0 = 0, time.monotonic()
for i in range(INVITES):
    d = Dialog(phone, server, 5100 + i % 50, 5060,
               call_id=f"budget{i}-{os.urandom(4).hex()}@{phone.addr}")
    socks[i % 50].send(d.request("INVITE", sdp(phone, [10000 + 2 * i])), dst)
    if i % 100 == 99:
        # Keep the veth's backlog from overflowing: let the router catch up.
        end = time.monotonic() + 2
        while (router_stats()["requests_invite"] - s0["requests_invite"] < i - 300 and
               time.monotonic() < end):
            time.sleep(0.01)
    if i % 500 == 499:
        most = max(most, len(expectations()))
t_storm = time.monotonic() - t0

# The router is done once its INVITE count stops moving.
seen, last = -1, None
while seen != last:
    last = seen
    time.sleep(0.5)
    seen = router_stats()["requests_invite"] - s0["requests_invite"]
exps = expectations()
most = max(most, len(exps))
s1 = router_stats()
delta = {k: v - s0.get(k, 0) for k, v in s1.items() if v != s0.get(k, 0)}
print(f"{INVITES} INVITEs sent in {t_storm:.1f} s, {seen} seen by the router; "
      f"{len(exps)} expectations now ({sum('sip-alg' in e for e in exps)} of sip-alg), "
      f"at most {most}; counters: {delta}")
try:
    check(seen >= INVITES * 0.95, f"the router saw the storm ({seen} of {INVITES} INVITEs)")
    expect(most <= BUDGET + MARGIN,
           f"the storm's source never held more than its budget of {BUDGET} (+{MARGIN}) "
           f"expectations (at most {most})")
    if "pins_over_budget" in s1:
        expect(delta.get("pins_over_budget", 0) > 0,
               f"pins_over_budget rose ({delta.get('pins_over_budget', 0)})")
    else:
        print("skip: the module has no pins_over_budget counter")

    # Another phone calls the server, which answers now.
    run_in(server.ns, "nft", "delete", "table", "inet", "budget")
    phone2 = Host(phone.ns, os.environ["PHONE2_4"], 4)
    d = Dialog(phone2, server, 5060, 5060)
    call = Call(topo, d, phone2.udp(5060), dst, server.udp(5060),
                f"<sip:bob@{server.uri_host}:5060>")
    rtp_ph, rtp_sv = phone2.udp(40000), server.udp(50000)
    before = router_stats()
    inv, _ = call.establish(sdp(phone2, [40000]), sdp(server, [50000]))
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "the other phone's INVITE")
    after = router_stats()
    print(f"the other phone's call: expect_created +{after['expect_created'] - before['expect_created']}, "
          f"expect_failed +{after['expect_failed'] - before['expect_failed']}")
    media_both_ways("the other phone's call", rtp_sv, (topo.public, port), rtp_ph,
                    (server.addr, 50000))
    call.bye()
except (Failed, TimeoutError, OSError) as e:
    print(f"stopped: {e!r}")
    sys.exit(1)
if SOFT_FAILURES:
    print(f"{len(SOFT_FAILURES)} check(s) failed")
    sys.exit(1)
PY
echo "one source stayed within its budget and another phone's call got its media"
