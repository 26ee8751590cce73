#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A storm of SIP calls through the router of selftests/lib/topo.sh.

    storm.py uas --family 4|6 [--bye-every N]       in the server namespace
    storm.py uac --family 4|6 --rate R --progress FILE [--hold S] [--flows F]
                                                    in the phone namespace

The UAS answers every INVITE with 100 and a 200 with SDP, sends the
caller's media port a few RTP packets at once (so through the router's
pinhole) and hangs up every Nth call itself with a BYE; it answers BYEs and
anything else with 200. The UAC places R calls a second from the phone
(INVITE with SDP, its own media port per call, on F signalling flows, 4
by default),
ACKs the 200, sends RTP to the server's media port, hangs up after S
seconds unless the server did, and keeps going whatever the network does:
a lost message only loses its call, a send error (the router gone) is
counted. The UAC writes its counters as JSON to FILE twice a second:
sent, answered, media (calls whose RTP from the server reached the phone),
ended, lost, errors. Both run until killed.
"""

import argparse
import json
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipnet import Dialog, Host, Msg, response, sdp  # noqa: E402

RTP = b"\x80\x00" + bytes(158)


def addrs(family):
    e = os.environ.get
    if family == 6:
        return e("PHONE6", "fd00:192:168:2::128"), e("SERVER6", "fd00:172:16:2::102")
    return e("PHONE4", "192.168.2.128"), e("SERVER4", "172.16.2.102")


def udp(family, addr, port):
    s = socket.socket(socket.AF_INET6 if family == 6 else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def send(sock, data, dst, counters):
    try:
        sock.sendto(data.encode() if isinstance(data, str) else data, dst)
    except OSError:
        counters["errors"] += 1


def uas(args):
    phone_addr, server_addr = addrs(args.family)
    server = Host("", server_addr, args.family)
    sig = udp(args.family, server_addr, 5060)
    # A pool of media sockets, one per call in turn: a port is reused
    # long after its call ended.
    rtp = [udp(args.family, server_addr, 50000 + 2 * i) for i in range(256)]
    counters = {"errors": 0}
    n = 0
    while True:
        r, _, _ = select.select([sig] + rtp, [], [], 1.0)
        for s in r:
            try:
                data, peer = s.recvfrom(70000)
            except OSError:
                continue
            if s is not sig:
                continue
            try:
                req = Msg(data)
            except Exception:       # noqa: BLE001 (whatever arrives, go on)
                continue
            if req.status is not None:
                continue            # a response to our BYE
            method = req.start.split()[0]
            if method == "ACK":
                continue
            if method != "INVITE" or req.get("to", "t") and ";tag=" in req.get("to", "t"):
                send(sig, response(req, 200, "OK", to_tag="uas"), peer, counters)
                continue
            n += 1
            port = 50000 + 2 * (n % len(rtp))
            send(sig, response(req, 100, "Trying"), peer, counters)
            send(sig, response(req, 200, "OK", to_tag="uas", body=sdp(server, [port]),
                               contact=f"<sip:bob@{server.uri_host}:5060>"), peer, counters)
            media = req.sdp_media()
            if media and media[0][0]:
                for _ in range(3):
                    send(rtp[n % len(rtp)], RTP, (media[0][0], media[0][1]), counters)
            if args.bye_every and n % args.bye_every == 0:
                contact = (req.get("contact", "m") or "").strip("<>")
                bye = "\r\n".join([
                    f"BYE {contact} SIP/2.0",
                    f"Via: SIP/2.0/UDP {server.uri_host}:5060;branch=z9hG4bKsv{n}",
                    "Max-Forwards: 70",
                    f"From: {req.get('to', 't')};tag=uas",
                    f"To: {req.get('from', 'f')}",
                    f"Call-ID: {req.get('call-id', 'i')}",
                    "CSeq: 1 BYE",
                    "Content-Length: 0", "", ""])
                send(sig, bye, peer, counters)


class UacCall:
    def __init__(self, k, dialog, sig, rtp, port, now):
        self.k, self.d, self.sig, self.rtp, self.port = k, dialog, sig, rtp, port
        self.state = "inviting"
        self.deadline = now + 4
        self.media = False
        self.server_media = None


def uac(args):
    phone_addr, server_addr = addrs(args.family)
    phone = Host("", phone_addr, args.family)
    server = Host("", server_addr, args.family)
    sigs = [udp(args.family, phone_addr, 5060 + i) for i in range(args.flows)]
    counters = {k: 0 for k in ("sent", "answered", "media", "ended", "lost", "errors")}
    calls, by_rtp = {}, {}
    k = 0
    start = time.monotonic()
    next_report = start
    dst = (server_addr, 5060)

    def finish(c, how):
        counters[how] += 1
        calls.pop(c.d.call_id, None)
        by_rtp.pop(c.rtp, None)
        c.rtp.close()

    while True:
        now = time.monotonic()
        # Place the calls that are due.
        while k < (now - start) * args.rate:
            port = 20000 + 2 * (k % 4000)
            sig = sigs[k % len(sigs)]
            d = Dialog(phone, server, 5060 + k % len(sigs), 5060,
                       call_id=f"storm{args.family}-{k}-{os.urandom(3).hex()}@phone")
            try:
                rtp = udp(args.family, phone_addr, port)
            except OSError:
                counters["errors"] += 1
                k += 1
                continue
            c = UacCall(k, d, sig, rtp, port, now)
            calls[d.call_id] = c
            by_rtp[rtp] = c
            send(sig, d.request("INVITE", sdp(phone, [port])), dst, counters)
            counters["sent"] += 1
            k += 1
        # Hang up, give up.
        for c in list(calls.values()):
            if now < c.deadline:
                continue
            if c.state == "talking":
                c.state = "ending"
                c.deadline = now + 4
                send(c.sig, c.d.request("BYE"), dst, counters)
            else:
                finish(c, "lost")
        if now >= next_report:
            tmp = args.progress + ".tmp"
            with open(tmp, "w") as f:
                json.dump({**counters, "live": len(calls)}, f)
            os.rename(tmp, args.progress)
            next_report = now + 0.5

        r, _, _ = select.select(sigs + list(by_rtp), [], [], 0.01)
        for s in r:
            try:
                data, peer = s.recvfrom(70000)
            except OSError:
                continue
            if s in by_rtp:
                c = by_rtp[s]
                if not c.media:
                    c.media = True
                    counters["media"] += 1
                continue
            try:
                msg = Msg(data)
            except Exception:       # noqa: BLE001
                continue
            c = calls.get(msg.get("call-id", "i"))
            if c is None:
                if msg.status is None and not msg.start.startswith("ACK"):
                    send(s, response(msg, 200, "OK"), peer, counters)
                continue
            if msg.status is None:
                # The server hangs up.
                send(s, response(msg, 200, "OK"), peer, counters)
                finish(c, "ended")
                continue
            cseq = msg.get("cseq") or ""
            if c.state == "inviting" and msg.status == 200 and cseq.endswith("INVITE"):
                to = msg.get("to", "t") or ""
                c.d.to_tag = to.split(";tag=", 1)[1].split(";")[0] if ";tag=" in to else "x"
                send(s, c.d.request("ACK", cseq=c.d.cseq), dst, counters)
                media = msg.sdp_media()
                if media and media[0][0]:
                    for _ in range(3):
                        send(c.rtp, RTP, (media[0][0], media[0][1]), counters)
                c.state = "talking"
                c.deadline = now + args.hold
                counters["answered"] += 1
            elif c.state == "ending" and cseq.endswith("BYE") and msg.status >= 200:
                finish(c, "ended")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=("uac", "uas"))
    ap.add_argument("--family", type=int, choices=(4, 6), default=4)
    ap.add_argument("--rate", type=float, default=10)
    ap.add_argument("--hold", type=float, default=2)
    ap.add_argument("--bye-every", type=int, default=3)
    ap.add_argument("--flows", type=int, default=4)
    ap.add_argument("--progress")
    args = ap.parse_args()
    (uac if args.role == "uac" else uas)(args)


if __name__ == "__main__":
    main()
