#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The public RTP/RTCP pair of an inside stream is opened both or neither,
# and a pair that cannot be opened leaves nothing behind in the kernel.
# With nf_conntrack_expect_max at 4: a first call announces port 40001
# and holds the public pair 40001/40002. A second call on the same
# signalling flow announces 40000: the pair 40000/40001 clashes in its
# RTCP, 40002/40003 in its RTP, and 40004/40005 is free. It must get
# 40004/40005, and the table must hold the four expectations and no more.
#
# Opened one by one, the RTP expectation at 40000 would be inserted and
# taken back when its RTCP could not be: kernels that only mark a taken-back
# expectation dead (Debian's 6.1, 7.3) keep counting it against
# nf_conntrack_expect_max until they reap it, so the pair at 40004 would
# find the table full. (6.12 removes it at once: there this passes either
# way.)

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl

LIMIT=4

run modprobe nf_sip_alg
topo_setup
topo_attach_helper

run topo_expect_max $LIMIT

python3 - "$LIMIT" <<'PY' || fail "the second call's pair was not opened whole, or the table is wrong"
import os
import sys
sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import (CLASS_RTCP, CLASS_RTP, Call, Topo, announces, check,
                       expectations, outbound_call, run_in, stats)
from sipnet import Dialog, sdp

limit = int(sys.argv[1])
topo = Topo(4)


def table():
    lines = run_in(topo.router, "cat", "/proc/net/nf_conntrack_expect").splitlines()
    return [ln for ln in lines if ln.strip()]


def pins():
    return sorted((e.cls, e.dport) for e in expectations(topo))


# Unanswered calls (a 180 keeps them): only the phone's pairs are opened.
first = outbound_call(topo)
inv = first.request("INVITE", sdp(topo.phone, [40001]))
(_, port1, _, _), = announces(topo, inv, 1, topo.public, "first INVITE at the server")
first.respond(inv, 180)
check(port1 == 40001, f"the first call keeps its own port 40001 ({port1})")
check(pins() == [(CLASS_RTP, 40001), (CLASS_RTCP, 40002)],
      f"the first call holds 40001/40002 ({pins()})")

before = stats(topo)
second = Call(topo, Dialog(topo.phone, topo.server, 5060, 5060, tag="pair2"), first.uac,
              first.uac_dst, first.uas, first.uas_contact)
inv = second.request("INVITE", sdp(topo.phone, [40000]))
(_, port2, _, _), = announces(topo, inv, 1, topo.public, "second INVITE at the server")
second.respond(inv, 180)
after = stats(topo)
check(port2 == 40004, f"the second call gets the first free pair, 40004/40005 ({port2})")
check(after["expect_failed"] == before["expect_failed"],
      f"no pinhole failed (expect_failed {before['expect_failed']} -> "
      f"{after['expect_failed']})")
check(after["expect_created"] - before["expect_created"] == 2,
      f"the second call opened its pair and no more (expect_created "
      f"{before['expect_created']} -> {after['expect_created']})")
want = [(CLASS_RTP, 40001), (CLASS_RTP, 40004), (CLASS_RTCP, 40002), (CLASS_RTCP, 40005)]
check(pins() == sorted(want), f"the table holds both calls' pairs ({pins()})")
check(len(table()) == limit, f"{len(table())} expectations in the router, the limit is {limit}")
PY
echo "an inside stream's public pair is opened both or neither, leaving nothing behind"
