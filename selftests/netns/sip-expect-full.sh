#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A full expectation table fails open: with nf_conntrack_expect_max at 2, a
# first call's INVITE (one stream: RTP and RTCP) fills the router's table.
# The INVITE and 200 of a second call, IPv4 and IPv6, then open no pinhole,
# yet still reach the other side rewritten (no private address outside
# Call-ID, the SDP's c= the public address); expect_failed in
# /proc/net/stat/nf_sip_alg rises with each, the table keeps the first
# call's two expectations and no more, and the kernel logs
# "expectation table full".

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl

LIMIT=2

run modprobe nf_sip_alg
topo_setup
topo_attach_helper

run topo_expect_max $LIMIT

python3 - "$LIMIT" <<'PY' || fail "a message was lost or not rewritten, or the table is not as it should be"
import os
import sys
sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import (CLASS_RTCP, CLASS_RTP, Call, Topo, announces, check,
                       expectations, outbound_call, run_in, stats)
from sipnet import Dialog, sdp

limit = int(sys.argv[1])
topo4, topo6 = Topo(4), Topo(6)


def table():
    """Every expectation of the router's namespace, both families."""
    lines = run_in(topo4.router, "cat", "/proc/net/nf_conntrack_expect").splitlines()
    return [ln for ln in lines if ln.strip()]


# The first call fills the table. Its 180 keeps it past the 32 s an
# unanswered INVITE is kept.
first = outbound_call(topo4)
inv = first.request("INVITE", sdp(topo4.phone, [40000]))
(_, port, _, _), = announces(topo4, inv, 1, topo4.public, "first INVITE at the server")
first.respond(inv, 180)
exps = sorted((e.cls, e.dport) for e in expectations(topo4))
check(exps == [(CLASS_RTP, port), (CLASS_RTCP, port + 1)],
      f"the first call holds RTP and RTCP to {topo4.public} ports {port}/{port + 1} ({exps})")
check(len(table()) == limit, f"the table is full: {len(table())} of {limit}")
s0 = stats(topo4)
check(s0["expect_failed"] == 0, "no expect_failed before the table is full")

# A second call in each family: no room for its pinholes, its messages pass.
for topo in (topo4, topo6):
    what = f"IPv{topo.family}"
    if topo is topo4:
        # On the first call's signalling flow, as a trunk would.
        call = Call(topo, Dialog(topo.phone, topo.server, 5060, 5060), first.uac,
                    first.uac_dst, first.uas, first.uas_contact)
    else:
        call = outbound_call(topo)
    before = stats(topo)
    inv = call.request("INVITE", sdp(topo.phone, [42000]))
    announces(topo, inv, 1, topo.public, f"{what}: INVITE at the server")
    via = inv.get("via", "v")
    check(topo.pub.uri_host in via, f"{what}: the INVITE's Via is rewritten ({via})")
    mid = stats(topo)
    check(mid["expect_failed"] > before["expect_failed"],
          f"{what}: expect_failed rose with the INVITE "
          f"({before['expect_failed']} -> {mid['expect_failed']})")
    ok = call.respond(inv, 200, sdp(topo.server, [52000]))
    announces(topo, ok, 1, topo.server.addr, f"{what}: 200 at the phone")
    after = stats(topo)
    check(after["expect_failed"] > mid["expect_failed"],
          f"{what}: expect_failed rose with the 200 "
          f"({mid['expect_failed']} -> {after['expect_failed']})")
    check(after["expect_created"] == before["expect_created"],
          f"{what}: no expectation was created "
          f"(expect_created {before['expect_created']} -> {after['expect_created']})")

# Still exactly the first call's two pinholes, nothing of the others.
exps = sorted((e.cls, e.dport) for e in expectations(topo4) + expectations(topo6))
check(exps == [(CLASS_RTP, port), (CLASS_RTCP, port + 1)],
      f"the table holds the first call's pinholes and no other ({exps})")
check(len(table()) == limit, f"{len(table())} expectations in the router, the limit is {limit}")
print(f"expect_failed {stats(topo4)['expect_failed']}")
PY

dmesg | grep -F "nf_conntrack: expectation table full" ||
	fail "the kernel did not log \"expectation table full\""
echo "a full expectation table is counted and the messages pass rewritten"
