#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many concurrent calls on one trunk through the router of selftests/lib/topo.sh.

    trunkload.py --family 4|6 --calls N --kind media|nomedia --first K [--flows F]

The PBX in the phone namespace (port 5060) places N calls to the server
(port 5060) on one signalling flow, or round robin on F flows from ports
5060 to 5060 + F - 1, with a window of calls in flight; the
server answers each in the same process. "media": INVITE with an audio and
a video stream, 200 with both, ACK. "nomedia": INVITE without SDP, 180
Ringing. An INVITE not answered within a second is sent again, as SIP's
timer A would, up to 5 times: a veth may drop a datagram when the router
falls behind. Nobody hangs up: the calls stay for the caller to measure. Call i
(from K on) uses media ports 20000 + 4 * (i mod 10000) (+2 for video) at
both ends. Prints one JSON line: calls placed, answered, seconds.
"""

import argparse
import json
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipnet import Host, Msg, response  # noqa: E402

WINDOW = 64
RESEND_AFTER = 1.0
RESENDS = 5


def addrs(family):
    e = os.environ.get
    if family == 6:
        return e("PHONE6", "fd00:192:168:2::128"), e("SERVER6", "fd00:172:16:2::102")
    return e("PHONE4", "192.168.2.128"), e("SERVER4", "172.16.2.102")


def sdp(host, port):
    return "\r\n".join([
        "v=0",
        f"o=- {port} 1 IN {host.ip_token} {host.addr}",
        "s=-",
        f"c=IN {host.ip_token} {host.addr}",
        "t=0 0",
        f"m=audio {port} RTP/AVP 0 8 101",
        f"m=video {port + 2} RTP/AVP 96",
    ]) + "\r\n"


def invite(pbx, port, server, i, body):
    call_id = f"trunk{i}-{os.urandom(3).hex()}@{pbx.uri_host}"
    lines = [
        f"INVITE sip:{i}@{server.uri_host} SIP/2.0",
        f"Via: SIP/2.0/UDP {pbx.uri_host}:{port};branch=z9hG4bK{i}x;rport",
        "Max-Forwards: 70",
        f"From: <sip:pbx@{pbx.uri_host}>;tag=p{i}",
        f"To: <sip:{i}@{server.uri_host}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 INVITE",
        f"Contact: <sip:pbx@{pbx.uri_host}:{port}>",
    ]
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


def ack(ok, pbx, port, server):
    lines = [
        f"ACK sip:x@{server.uri_host} SIP/2.0",
        f"Via: SIP/2.0/UDP {pbx.uri_host}:{port};branch=z9hG4bKa{ok.get('call-id')[:12]};rport",
        "Max-Forwards: 70",
        f"From: {ok.get('from')}",
        f"To: {ok.get('to')}",
        f"Call-ID: {ok.get('call-id')}",
        "CSeq: 1 ACK",
        "Content-Length: 0",
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


def media_port(i):
    return 20000 + 4 * (i % 10000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", type=int, choices=(4, 6), default=4)
    ap.add_argument("--calls", type=int, required=True)
    ap.add_argument("--kind", choices=("media", "nomedia"), required=True)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--flows", type=int, default=1)
    args = ap.parse_args()

    phone_addr, server_addr = addrs(args.family)
    pbx = Host(os.environ.get("PHONE_NS", ""), phone_addr, args.family)
    server = Host(os.environ.get("SERVER_NS", ""), server_addr, args.family)
    psocks = [pbx.udp(5060 + f) for f in range(args.flows)]
    ssock = server.udp(5060)
    dst = (server.addr, 5060)
    media = args.kind == "media"

    sent = answered = resent = 0
    pending = {}            # call index: [INVITE, when last sent, sends, socket]
    t0 = time.monotonic()
    while answered < args.calls:
        while sent < args.calls and sent - answered < WINDOW:
            i = args.first + sent
            psock = psocks[i % args.flows]
            req = invite(pbx, psock.port(), server, i,
                         sdp(pbx, media_port(i)) if media else "").encode()
            psock.send(req, dst)
            pending[i] = [req, time.monotonic(), 1, psock]
            sent += 1
        now = time.monotonic()
        for i, p in list(pending.items()):
            if now - p[1] < RESEND_AFTER:
                continue
            if p[2] > RESENDS:
                break
            p[3].send(p[0], dst)
            p[1], p[2] = now, p[2] + 1
            resent += 1
        else:
            ready, _, _ = select.select([p.s for p in psocks] + [ssock.s], [], [], 0.2)
            if not (ready or pending):
                break
            for psock in psocks:
                if psock.s not in ready:
                    continue
                data, _ = psock.s.recvfrom(65535)
                msg = Msg(data)
                i = int(msg.get("call-id")[len("trunk"):].split("-")[0])
                if msg.status in (180, 200) and i in pending:
                    del pending[i]
                    answered += 1
                if msg.status == 200:
                    psock.send(ack(msg, pbx, psock.port(), server), dst)
            if ssock.s in ready:
                serve(ssock, server, media)
            continue
        break           # a call is lost for good
    print(json.dumps({"calls": sent, "answered": answered, "resent": resent,
                      "seconds": round(time.monotonic() - t0, 1)}))
    return 0 if answered == args.calls else 1


def serve(ssock, server, media):
    """The server's side: answer an INVITE, again when it comes again."""
    data, src = ssock.s.recvfrom(65535)
    req = Msg(data)
    if not req.start.startswith("INVITE"):
        return
    i = int(req.start.split()[1].split(":")[1].split("@")[0])
    if media:
        reply = response(req, 200, "OK", to_tag=f"s{i}",
                         contact=f"<sip:{i}@{server.uri_host}:5060>",
                         body=sdp(server, media_port(i)))
    else:
        reply = response(req, 180, "Ringing", to_tag=f"s{i}")
    ssock.s.sendto(reply.encode(), src)


if __name__ == "__main__":
    sys.exit(main())
