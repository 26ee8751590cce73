#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One call holds at most 1,024 pinholes (SIP_ALG_MAX_PINS, the
# ceiling of max_call_pins): used ones stay with the call until it ends, so
# a call that keeps moving its media must not take the kernel's whole
# expectation table. With
# max_media=64 an SDP opens 128 (RTP and RTCP per stream): the INVITE and
# the 200 take 256, each re-INVITE that moves the phone's media 128 more.
# After six moves the call holds 1,024; the seventh opens none, counts
# expect_failed, and still passes rewritten.
#
# Kernels from 7.x on let one signalling flow wait for at most 255
# expectations of a class, and evict the oldest for a new one: there the
# module refuses what is beyond (docs/design.md), so the second move opens
# 63 of its 64 streams, the call holds 510 pinholes and later moves open
# none, counted in pins_over_flow_limit rather than pins_over_budget. On
# every kernel, no pinhole opened is ever lost.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl

run modprobe nf_sip_alg
topo_setup
topo_attach_helper
run in_router sysctl -qw net.netfilter.sip_alg.max_media=64
# The call's own budget is the bound here, not its source's.
run topo_pin_budget 1024 4096

# Room for more than the call may hold.
run topo_expect_max 2048

python3 - <<'PY' || fail "the call's pinholes are not bounded as they should be"
import os
import sys
sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import Topo, check, outbound_call, run_in, stats, stats_delta
from sipnet import sdp

STREAMS, BOUND = 64, 1024
# The signalling flow's limit per class, where the kernel has one (a
# helper's max_expected of 0 means 255 from 7.x on); the call's single
# flow reaches it before the call's own bound.
FLOW_MAX = 255 if int(os.uname().release.split(".")[0]) >= 7 else None
topo = Topo(4)
phone, server = topo.phone, topo.server
call = outbound_call(topo)
call.quiet = True
answer = sdp(server, [50000 + 2 * i for i in range(STREAMS)])


def offer(k):
    return sdp(phone, [20000 + 2 * STREAMS * k + 2 * i for i in range(STREAMS)],
               sess_version=k + 1)


def pinholes():
    table = run_in(topo.router, "cat", "/proc/net/nf_conntrack_expect").splitlines()
    return len([ln for ln in table if ln.strip()])


def room(held):
    """How many more pinholes the call may open, RTP and RTCP alike."""
    if FLOW_MAX is None:
        return BOUND - held
    return min(BOUND - held, 2 * (FLOW_MAX - held // 2))


call.establish(offer(0), answer, provisional=())
held = 256
for k in range(1, 8):
    before = stats(topo)
    inv = call.request("INVITE", offer(k))
    call.respond(inv, 200, answer, to_tag=call.d.to_tag)
    call.request("ACK", cseq=call.d.cseq)
    got = [m[1] for m in inv.sdp_media()]
    check(len(got) == STREAMS and all(got), f"move {k}: the re-INVITE arrives with its "
          f"{STREAMS} streams ({len(got)})")
    check(f"c=IN IP4 {topo.public}".encode() in inv.body, f"move {k}: c= is rewritten")
    d = stats_delta(before, stats(topo))
    created, failed = d.get("expect_created", 0), d.get("expect_failed", 0)
    want = min(128, room(held))
    if want == 128:
        check((created, failed) == (128, 0), f"move {k}: 128 pinholes opened, none failed "
              f"(created {created}, failed {failed})")
    else:
        # Which bound: the kernel's limit per signalling flow (7.x) has
        # its own counter, apart from our budgets.
        at_flow = FLOW_MAX is not None and room(held) < BOUND - held
        why, other = (("pins_over_flow_limit", "pins_over_budget") if at_flow else
                      ("pins_over_budget", "pins_over_flow_limit"))
        over, not_over = d.get(why, 0), d.get(other, 0)
        check(created == want and failed > 0 and over > 0 and not_over == 0,
              f"move {k}: at the bound, {want} opened, expect_failed and {why} rose, "
              f"{other} did not (created {created}, failed {failed}, {why} {over}, "
              f"{other} {not_over})")
    held += created
    check(pinholes() == held, f"move {k}: none lost, {held} pinholes wait ({pinholes()} "
          f"in the table)")
full = BOUND if FLOW_MAX is None else 2 * FLOW_MAX
s = stats(topo)
check(s["expect_created"] == full and pinholes() == full,
      f"the call holds {full} pinholes (expect_created {s['expect_created']}, "
      f"{pinholes()} in the table)")
call.bye()
PY
echo "a call's pinholes are bounded, and its messages pass past the bound"
