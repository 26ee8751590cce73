#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""SIP over TCP as a byte stream through the router of selftests/lib/topo.sh.

    tcpstream.py <scenario> --family 4|6

The phone talks from a second address of its own (PHONE_ALT4/6, set by
sip-tcp-stream.sh) whose length differs from the router's public address,
so that every rewrite changes a message's length: a sequence adjustment
that goes wrong shows as bytes out of place in what follows. Each
scenario prints one line per check and exits 1 when one failed.
"""

import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import (Failed, check, expect, expectations,  # noqa: E402
                       private_outside_callid, run, stats, stats_delta)
from sipnet import Dialog, Host, Msg, Sock, content_length_ok, response, sdp  # noqa: E402


def alt_phone(topo):
    e = os.environ.get
    addr = e("PHONE_ALT4", "192.168.2.2") if topo.family == 4 else \
        e("PHONE_ALT6", "fd00:192:168:2::2")
    return Host(topo.phone.ns, addr, topo.family)


def connect(topo, phone):
    """A TCP connection from the phone (any port) to the server's 5060."""
    listener = topo.server.tcp_listen(5060)
    ph = phone.tcp_connect(0, topo.server.addr, 5060)
    sv = Sock(listener.accept()[0])
    listener.close()
    for s in (ph, sv):
        s.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return ph, sv


def segments(sock, parts, pause=0.05):
    """Send each part as a segment of its own: no Nagle, and a pause for
    the segment to leave before the next is written."""
    for i, part in enumerate(parts):
        sock.send(part)
        if i + 1 < len(parts):
            time.sleep(pause)


def outside_ok(topo, msg, call_id, what, public=True):
    """A message as the outside receives it: intact, nothing private left."""
    check(content_length_ok(msg), f"{what}: Content-Length matches the body", True)
    check(msg.get("call-id", "i") == call_id, f"{what}: Call-ID is unchanged", True)
    if public:
        bad = private_outside_callid(topo, msg)
        check(not bad, f"{what}: no private address outside Call-ID {bad[:2]}", True)


def inside_ok(phone, msg, d, what):
    check(content_length_ok(msg), f"{what}: Content-Length matches the body", True)
    vias = msg.all("via", "v")
    check(vias and f"{phone.uri_host}:{d.cport}" in vias[0],
          f"{what}: the phone finds its own address in the top Via ({vias[:1]})", True)


def pipelined(topo, _args):
    """Two, then three INVITEs in one write, answered by as many 200s in one
    write, then ACKs, BYEs and their 200s one by one on the same connection."""
    phone = alt_phone(topo)
    for n in (2, 3):
        ph, sv = connect(topo, phone)
        dialogs = [Dialog(phone, topo.server, ph.port(), 5060, transport="TCP")
                   for _ in range(n)]
        ph.send("".join(d.request("INVITE", sdp(phone, [42000 + 2 * i]))
                        for i, d in enumerate(dialogs)))
        invites = [Msg(sv.recv()[0]) for _ in dialogs]
        for d, m in zip(dialogs, invites):
            check(m.start.startswith("INVITE "), f"{n} in a segment: INVITE arrives ({m.start})")
            outside_ok(topo, m, d.call_id, f"{n} in a segment: INVITE")
        sv.send("".join(response(m, 200, "OK", to_tag="t", body=sdp(topo.server, [52000 + i]),
                                 contact=f"<sip:bob@{topo.server.uri_host}:5060;transport=tcp>")
                        for i, m in enumerate(invites)))
        for d in dialogs:
            m = Msg(ph.recv()[0])
            check(m.status == 200, f"{n} in a segment: 200 arrives ({m.start})")
            inside_ok(phone, m, d, f"{n} in a segment: 200")
            d.to_tag = "t"
        for method in ("ACK", "BYE"):
            for d in dialogs:
                ph.send(d.request(method, cseq=d.cseq if method == "ACK" else None))
                m = Msg(sv.recv()[0])
                check(m.start.startswith(method + " "),
                      f"{n} in a segment, then {method} alone arrives intact ({m.start})")
                outside_ok(topo, m, d.call_id, f"{n} in a segment, then {method}")
                if method == "BYE":
                    sv.send(response(m, 200, "OK", to_tag="t"))
                    back = Msg(ph.recv()[0])
                    check(back.status == 200, f"{n} in a segment, then 200 to BYE arrives")
                    inside_ok(phone, back, d, f"{n} in a segment, then 200 to BYE")
        ph.close()
        sv.close()
        print(f"ok: {n} messages in a segment, each rewritten, and all that followed arrived "
              "intact both ways")


def split(topo, _args):
    """A message cut by a segment end: in its body it passes unmodified and
    the next message is rewritten; in its header block the stream is given
    up and everything after passes unmodified, but intact."""
    phone = alt_phone(topo)
    for where in ("body", "headers"):
        before = stats(topo)
        ph, sv = connect(topo, phone)
        d = Dialog(phone, topo.server, ph.port(), 5060, transport="TCP")
        invite = d.request("INVITE", sdp(phone, [43000])).encode()
        cut = invite.index(b"m=audio") if where == "body" else invite.index(b"CSeq:") + 3
        segments(ph, [invite[:cut], invite[cut:]])
        m = Msg(sv.recv()[0])
        check(m.start.startswith("INVITE ") and content_length_ok(m) and
              m.get("call-id", "i") == d.call_id,
              f"cut in the {where}: the INVITE arrives intact (unmodified)")
        opt = Dialog(phone, topo.server, ph.port(), 5060, transport="TCP")
        ph.send(opt.request("OPTIONS"))
        m = Msg(sv.recv()[0])
        outside_ok(topo, m, opt.call_id, f"cut in the {where}: the OPTIONS after it",
                   public=where == "body")
        if where == "headers":
            check(private_outside_callid(topo, m),
                  "cut in the headers: the OPTIONS after it passes unmodified")
        ph.close()
        sv.close()
        delta = stats_delta(before, stats(topo))
        counter = "fail_tcp_partial" if where == "body" else "tcp_unfollowed"
        expect(delta.get(counter, 0) >= 1, f"cut in the {where}: counted as {counter} ({delta})")
        expect(where == "body" or not delta.get("dialogs_created"),
               f"cut in the headers: no call made of it ({delta})")


def exchanges(topo, phone, ph, sv, d):
    """300 OPTIONS five at a time, each in a segment of its own, and their 200s."""
    contact = f"<sip:bob@{topo.server.uri_host}:5060;transport=tcp>"
    for burst in range(60):
        sent = []
        for i in range(burst * 5, burst * 5 + 5):
            pad = [f"X-Pad: {'p' * (i % 97)}"] if i % 3 else []
            ph.send(d.request("OPTIONS", extra=pad))
            sent.append(d.cseq)
        got = [Msg(sv.recv(timeout=10)[0]) for _ in sent]
        for cseq, m in zip(sent, got):
            check(m.start.startswith("OPTIONS ") and m.get("cseq") == f"{cseq} OPTIONS",
                  f"request {cseq} arrives in order ({m.start}, CSeq {m.get('cseq')})", True)
            outside_ok(topo, m, d.call_id, f"request {cseq}")
        for i, m in enumerate(got):
            sv.send(response(m, 200, "OK", to_tag="t", contact=contact,
                             extra=[f"X-Pad: {'q' * ((burst * 5 + i) % 53)}"]))
        for cseq in sent:
            back = Msg(ph.recv(timeout=10)[0])
            check(back.status == 200 and back.get("cseq") == f"{cseq} OPTIONS",
                  f"response {cseq} arrives in order ({back.start})", True)
            inside_ok(phone, back, d, f"response {cseq}")


def long_connection(topo, _args):
    """300 requests and their responses on one connection, sizes changing,
    rewritten both ways (under loss and reordering when the links have
    them), then one last message intact."""
    phone = alt_phone(topo)
    ph, sv = connect(topo, phone)
    d = Dialog(phone, topo.server, ph.port(), 5060, transport="TCP")
    before = stats(topo)
    try:
        exchanges(topo, phone, ph, sv, d)
    except TimeoutError as e:
        raise Failed(f"{e} after CSeq {d.cseq}: the phone has {ph.rx[-400:]!r}, "
                     f"the server {sv.rx[-400:]!r} ({stats_delta(before, stats(topo))})") from e
    ph.send(d.request("MESSAGE", body="the end", ctype="text/plain"))
    m = Msg(sv.recv(timeout=10)[0])
    check(m.start.startswith("MESSAGE ") and m.body == b"the end",
          "after 300 exchanges a last message arrives intact")
    ph.close()
    sv.close()
    delta = stats_delta(before, stats(topo))
    expect(delta.get("rewritten", 0) >= 600, f"all 600 messages were rewritten ({delta})")
    print(f"ok: 300 requests and responses rewritten both ways on one connection ({delta})")
    if os.environ.get("TCPSTREAM_LOSSY"):
        expect(delta.get("tcp_out_of_order", 0) > 0,
               "the lossy links made segments arrive after a gap, and they were dropped")


def slipstream(topo, _args):
    """NAT slipstreaming: an HTTP POST to port 5060 whose later segment
    starts with a REGISTER naming an inside port, answered by a 200 from
    outside. No pinhole may open; the inside port stays unreachable."""
    phone, inside_port = topo.phone, 8888
    before = stats(topo)
    ph, sv = connect(topo, phone)
    d = Dialog(phone, topo.server, inside_port, 5060, transport="TCP")
    register = d.request("REGISTER", extra=["Expires: 3600"]).encode()
    head = (f"POST /upload HTTP/1.1\r\nHost: {topo.server.uri_host}:5060\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(register) + 200}\r\n\r\n"
            ).encode() + b"x" * 200
    segments(ph, [head, register])
    got = b""
    sv.s.settimeout(5)
    while len(got) < len(head) + len(register):
        chunk = sv.s.recv(70000)
        if not chunk:
            break
        got += chunk
    check(got == head + register, "the POST arrives byte for byte, REGISTER text and all")
    reg = Msg(register)
    sv.send(response(reg, 200, "OK", to_tag="t", contact=reg.get("contact", "m"),
                     extra=["Expires: 3600"]))
    time.sleep(0.5)
    listener = phone.tcp_listen(inside_port)
    opened = [e for e in expectations(topo) if e.dport == inside_port]
    expect(not opened, f"no pinhole to the inside port {inside_port} ({opened})")
    reached = True
    try:
        probe = topo.server.tcp_connect(0, topo.public, inside_port)
        probe.close()
    except OSError:
        reached = False
    expect(not reached, f"the outside cannot connect to {topo.public}:{inside_port}")
    listener.close()
    ph.close()
    sv.close()
    delta = stats_delta(before, stats(topo))
    expect(delta.get("tcp_not_sip", 0) >= 1 and not delta.get("registrations"),
           f"the stream was counted as not SIP, no registration made ({delta})")


SCENARIOS = {
    "pipelined": pipelined,
    "split": split,
    "long": long_connection,
    "slipstream": slipstream,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--family", type=int, choices=(4, 6), default=4)
    args = ap.parse_args()
    return run(SCENARIOS[args.scenario], args, f"{args.scenario} (IPv{args.family}, tcp)")

if __name__ == "__main__":
    sys.exit(main())
