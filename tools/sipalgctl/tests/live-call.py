#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold calls up through the router of selftests/lib/topo.sh, for the
sipalgctl VM tests (selftests/netns/ctl-*.sh).

    live-call.py --ready FILE [--family 4] [--family 6]

For each family: INVITE with SDP from the phone to the server, 100/180/200,
ACK, then RTP both ways (the server first, through the pinhole). Then it
writes FILE, a JSON list with one object per call (family, call_id, phone,
public, public_port: the router's public RTP port for the phone), and waits
until it is killed, without BYE, so that the calls stay up.
"""

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import (Topo, announces, media_both_ways, outbound_call,  # noqa: E402
                       SOFT_FAILURES)
from sipnet import sdp  # noqa: E402

PHONE_RTP, SERVER_RTP = 40000, 50000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True)
    ap.add_argument("--family", type=int, choices=(4, 6), action="append")
    args = ap.parse_args()
    calls, keep = [], []
    for family in args.family or [4]:
        topo = Topo(family)
        call = outbound_call(topo)
        rtp_ph = topo.phone.udp(PHONE_RTP)
        rtp_sv = topo.server.udp(SERVER_RTP)
        inv, _ = call.establish(sdp(topo.phone, [PHONE_RTP]), sdp(topo.server, [SERVER_RTP]))
        (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
        media_both_ways(f"IPv{family}", rtp_sv, (topo.public, port),
                        rtp_ph, (topo.server.addr, SERVER_RTP))
        keep += [call, rtp_ph, rtp_sv]
        calls.append({"family": family, "call_id": call.d.call_id, "phone": topo.phone.addr,
                      "public": topo.public, "public_port": port})
    if SOFT_FAILURES:
        print(f"live-call: {len(SOFT_FAILURES)} check(s) failed", flush=True)
        return 1
    tmp = args.ready + ".tmp"
    with open(tmp, "w") as f:
        json.dump(calls, f)
    os.rename(tmp, args.ready)
    print(f"live-call: up: {calls}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    sys.exit(main())
