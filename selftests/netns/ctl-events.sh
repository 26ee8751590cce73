#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The call events sipalgctl monitor reports, over the media scenario of
# selftests/lib/scenarios.py (IPv4 and IPv6): start, answer, one hold for
# the phone's two holding re-INVITEs (sendonly, then inactive at 0.0.0.0),
# one resume, and the end with reason bye, in that order for each call.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

calls_setup
events=$(mktemp)
topo_bg "$CTL" -n "$ROUTER_NS" -j monitor >"$events"
mon=$!
sleep 0.5
scenario media
sleep 0.5
kill "$mon"
wait "$mon" 2>/dev/null || true

python3 - "$events" <<'PY'
import json, sys
calls = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["type"].startswith("call-"):
        calls.setdefault(e["call_id"], []).append(
            e["type"] + (":" + e["end_reason"] if "end_reason" in e else ""))
want = ["call-start", "call-answer", "call-hold", "call-resume", "call-end:bye"]
assert len(calls) == 2, f"expected the IPv4 and the IPv6 call: {calls}"
for cid, seq in calls.items():
    assert seq == want, f"{cid}: events {seq}, expected {want}"
    print(f"ok: {cid}: {' '.join(seq)}")
PY
calls_done
