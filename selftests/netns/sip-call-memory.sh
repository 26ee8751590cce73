#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory per call (issue 11): the PBX behind the router places 10,000 calls
# on one trunk that the server answers with 180 and no SDP (calls without
# media), then 10,000 that it answers with an audio and a video stream (200
# with SDP, ACK), spread over flows of 50 calls each: from 7.x on the kernel
# lets one signalling flow wait for at most 255 pinholes of a class, and
# such a call has 4 of each. Nobody hangs up. After each batch the test reads the slab
# caches (objects in use from /proc/slabinfo, each at its object size from
# /sys/kernel/slab: what a kernel without slub_debug pays, the bench's red
# zones left out) of the module, sip_alg_dialog and sip_alg_pin, and the
# kmalloc buckets that hold the calls' strings, and prints the bytes per
# call; the goal is at most 512 bytes for a call without media and 1 KiB for
# an answered audio and video call. The kernel's own expectations, which
# the calls hold, are printed beside (nf_conntrack_expect), not counted.
# CALLS=<n> runs fewer calls.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl

export CALLS=${CALLS:-10000}
key=net.netfilter.sip_alg

run modprobe nf_sip_alg
topo_setup
topo_attach_helper
topo_expect_max $((10 * CALLS + 1024))
for ns in env in_router; do
	$ns sysctl -qw $key.max_dialogs=$((2 * CALLS + 64)) \
		$key.max_source_calls=$((2 * CALLS + 64)) \
		$key.max_source_pins=$((10 * CALLS)) $key.max_pins=$((10 * CALLS))
done
echo "expectation hash: $(cat /sys/module/nf_conntrack/parameters/expect_hashsize) buckets"

python3 - <<'PY' || fail "the calls did not get through, or took more memory than the goal"
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import SOFT_FAILURES, Failed, Topo, check, expect, stats  # noqa: E402

CALLS = int(os.environ["CALLS"])
OURS = ("sip_alg_dialog", "sip_alg_pin")
topo = Topo(4)


def object_size(name):
    try:
        with open(f"/sys/kernel/slab/{name}/object_size") as f:
            return int(f.read())
    except OSError:
        return None


def slabs():
    """Bytes in use per cache: objects in use times their size."""
    out = {}
    with open("/proc/slabinfo") as f:
        for line in f.readlines()[2:]:
            name, active, _, size = line.split()[:4]
            out[name] = int(active) * (object_size(name) or int(size))
    return out


def batch(kind, first, flows=1):
    before, s0 = slabs(), stats(topo)
    res = subprocess.run([sys.executable, os.path.join(os.environ["SELFTESTS"], "lib",
                                                       "trunkload.py"),
                          "--calls", str(CALLS), "--kind", kind, "--first", str(first),
                          "--flows", str(flows)],
                         capture_output=True, text=True)
    print(res.stdout.strip(), res.stderr.strip())
    after, s1 = slabs(), stats(topo)
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    calls = s1["dialogs_created"] - s0["dialogs_created"]
    pins = s1["expect_created"] - s0["expect_created"]
    check(res.returncode == 0 and calls == CALLS,
          f"{kind}: {CALLS} calls answered and tracked ({calls} new calls, {pins} pinholes)")
    ours = sum(delta.get(k, 0) for k in OURS)
    strings = sum(v for k, v in delta.items() if k.startswith("kmalloc-") and v > 0)
    exps = delta.get("nf_conntrack_expect", 0)
    per_call = (ours + strings) / calls
    print(f"{kind}: {calls} calls, {pins / calls:.1f} pinholes a call: "
          f"{ours / calls:.0f} B in our caches + {strings / calls:.0f} B kmalloc "
          f"= {per_call:.0f} B a call; the kernel's expectations they hold: "
          f"{exps / calls:.0f} B a call")
    return per_call, pins / calls


try:
    per_call, _ = batch("nomedia", 0)
    expect(per_call <= 512, f"a call without media takes at most 512 B ({per_call:.0f} B)")
    per_call, pins = batch("media", CALLS, flows=-(-CALLS // 50))
    check(pins >= 8, f"an answered audio and video call holds 8 pinholes or more ({pins:.1f})")
    expect(per_call <= 1024,
           f"an answered audio and video call takes at most 1 KiB ({per_call:.0f} B)")
except Failed:
    sys.exit(1)
sys.exit(1 if SOFT_FAILURES else 0)
PY
echo "PASS: memory per call within the goal"
