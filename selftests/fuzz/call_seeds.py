#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of fuzz_call (corpus/call/seed-*): call flows in the
harness's input encoding (see fuzz_call.c), the template numbers read from
fuzz_call.c's enum so that they follow it.

    ./call_seeds.py [corpus/call]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(HERE, "fuzz_call.c")).read()
names = re.search(r"enum tmpl \{([^}]*)\}", src).group(1)
names = [n.strip() for n in names.split(",") if n.strip() and n.strip() != "T_NR"]
T = {n[2:]: i for i, n in enumerate(names)}
RAW, QUIET, REPEAT = len(names), len(names) + 1, len(names) + 2
# conntracks: phone A -> server, phone B -> server, server -> A, callee -> A, stranger -> A
A, B, SRV, CALLEE, X = range(5)
# Contact host: the sender, the receiver as addressed, the receiver as it is, a party
# named by the CSeq bits (P_*)
SENDER, RCV, RCV_REAL, PARTY = range(4)
P_A, P_B, P_PUB, P_SRV, P_CALLEE, P_X = range(6)
EXP = {None: 0, 0: 1, 60: 2, 7200: 3}


def settings(timeout=3600, grace=5, observe=False, v6=False):
    return bytes([[3600, 32, 20, 600].index(timeout) | [5, 0, 1, 3600].index(grace) << 2 |
                  observe << 4 | v6 << 5])


def s(op, ct=A, reply=False, cid=0, contact=SENDER, exp=None, param=True, media=False, cseq=0):
    op = T[op] if isinstance(op, str) else op
    a = cid | contact << 2 | EXP[exp] << 4 | param << 6 | media << 7
    b = ct | reply << 3 | cseq << 4
    return bytes([op, a, b])


def quiet(slot=0, media=False):
    return bytes([QUIET, media << 7, slot])


def raw(text, ct=A, reply=False):
    """A message as it is; @CL@ becomes the length of its body."""
    text = text.replace("\n", "\r\n")
    text = text.replace("@CL@", str(len(text.split("\r\n\r\n", 1)[1])))
    data = text.encode()
    return bytes([RAW, 0, ct | reply << 3]) + len(data).to_bytes(2, "little") + data


R = dict(reply=True)


def seq(*steps, **kw):
    return settings(**kw) + b"".join(steps)


basic = [s("INVITE"), s("100", **R), s("180_TAG", **R), s("200_INVITE", **R), s("ACK"),
         s("BYE", **R), s("200_BYE"), quiet()]
seeds = {
    "3665-3.1": seq(*basic),
    "3665-3.1-ipv6": seq(*basic, v6=True),
    "3665-3.1-observe": seq(*basic, observe=True),
    "busy": seq(s("INVITE"), s("100", **R), s("486", **R), s("ACK"), s(REPEAT), quiet(),
                timeout=20),
    "cancel": seq(s("INVITE"), s("180_TAG", **R), s("CANCEL"), s("200_CANCEL", **R),
                  s("487", **R), s("ACK"), quiet(), grace=0),
    "auth": seq(s("INVITE"), s("407", **R), s("ACK"), s("INVITE", cseq=1), s(REPEAT),
                s("180_TAG", cseq=1, **R), s("200_INVITE", cseq=1, **R), s("ACK", cseq=1),
                s("BYE", cseq=2)),
    "redirect": seq(s("INVITE"), s("302", contact=PARTY, cseq=P_CALLEE, **R), s("ACK"),
                    s("INVITE_NOSDP", ct=CALLEE, reply=True, cseq=1),
                    s("200_INVITE", ct=CALLEE, cseq=1),
                    s("ACK_SDP", ct=CALLEE, reply=True, cseq=1)),
    "hold": seq(s("INVITE"), s("200_INVITE", **R), s("ACK"), s("REINVITE_SENDONLY", cseq=1),
                s("200_INVITE", cseq=1, **R), s("REINVITE_SENDONLY", cseq=2, **R),
                s("REINVITE_RESUME", cseq=3), s("REINVITE_RESUME", cseq=4, **R),
                s("REINVITE_HOLD0", cseq=5), s("REINVITE_INACTIVE", cseq=6, **R),
                s("491", cseq=6), s("UPDATE", cseq=7), s("200_UPDATE", cseq=7, **R),
                s("REINVITE_RECVONLY", cseq=8), s("REINVITE_NOSTREAM", cseq=9),
                s("REINVITE_NOCONN", cseq=10)),
    "register": seq(s("REGISTER", exp=60), s("401_REGISTER", **R),
                    s("REGISTER", exp=7200, cseq=1),
                    s("200_REGISTER", contact=RCV, exp=7200, cseq=1, **R),
                    s("REGISTER_QUERY", cseq=2), s("200_REGISTER_NOCONTACT", cseq=2, **R),
                    s("REGISTER_STAR", cseq=3), s("200_REGISTER_NOCONTACT", cseq=3, **R),
                    s(REPEAT), s("REGISTER", exp=60, param=False, cseq=4),
                    s("200_REGISTER_MADDR", contact=RCV, exp=60, cseq=4, **R),
                    s("200_REGISTER", contact=RCV_REAL, exp=60, param=False, cseq=4, **R),
                    s(REPEAT), quiet()),
    "two-phones": seq(s("INVITE"), s("INVITE", ct=B), s("200_INVITE", **R),
                      s("200_INVITE", ct=B, **R), s("BYE", ct=B, **R), s("ACK"), quiet(1)),
    "stranger": seq(s("INVITE"), s("200_INVITE", **R), s("ACK"), s("BYE", ct=X),
                    s("INVITE", ct=X), s("INVITE", ct=X, contact=PARTY, cseq=P_SRV),
                    s("BYE", **R)),
    "no-record-route": seq(s("INVITE"), s("200_INVITE", contact=PARTY, cseq=P_CALLEE, **R),
                           s("ACK", ct=CALLEE, reply=True), s("BYE", ct=CALLEE)),
    "incoming": seq(s("INVITE", ct=SRV), s("180_TAG", ct=SRV, **R), s("183_SDP", ct=SRV, **R),
                    s("PRACK", ct=SRV), s("200_PRACK", ct=SRV, **R),
                    s("200_INVITE", ct=SRV, **R), s("ACK", ct=SRV), s("BYE", ct=SRV, **R)),
    "sdp-elsewhere": seq(s("OPTIONS_SDP"), s("200_OPTIONS_SDP", **R), s("MESSAGE_SDP"),
                         s("INVITE", cid=1), s("200_OPTIONS_SDP", cid=1, **R),
                         s("MESSAGE_SDP", cid=1)),
    "quiet": seq(s("INVITE"), quiet(0, True), s("200_INVITE", **R), quiet(0, True), quiet(0),
                 s("INVITE", cid=2), quiet(1), timeout=600),
    # The known faults (README.md), one reproducer each: they abort with
    # FUZZ_CALL_STRICT=<the bit>, and pass without it.
    "known-1-two-phones-reply": seq(s("INVITE"), s("INVITE", ct=B), s("200_INVITE", **R)),
    "known-2-register-revives-invite": seq(s("INVITE"), s("200_INVITE", **R), s("BYE"),
                                           s("200_REGISTER", contact=RCV, exp=60, **R)),
    "known-4-message-resumes": seq(s("INVITE"), s("200_INVITE", **R), s("ACK"),
                                   s("REINVITE_SENDONLY", cseq=1), s("MESSAGE_SDP", cseq=2)),
    "known-8-unregister-200-twice": seq(s("200_REGISTER", contact=RCV, exp=60, **R),
                                        s("REGISTER_STAR", cseq=1),
                                        s("200_REGISTER_NOCONTACT", cseq=1, **R)),
    "known-16-stranger-takes-bye": seq(s("INVITE"), s("200_INVITE", **R), s("ACK"),
                                       s("INVITE", ct=X, contact=PARTY, cseq=P_SRV),
                                       s("BYE", **R)),
    "known-32-invite-after-486": seq(s("INVITE"), s("486", **R), s("INVITE"), s("486", **R)),
    "raw": settings() + raw(
        "INVITE sip:bob@172.16.2.102 SIP/2.0\n"
        "Via: SIP/2.0/UDP 192.168.2.128:5060;branch=z9hG4bK74bf9\n"
        "From: Alice <sip:alice@172.16.2.102>;tag=9fxced76sl\n"
        "To: Bob <sip:bob@172.16.2.102>\n"
        "Call-ID: call-0@example.com\n"
        "CSeq: 1 INVITE\n"
        "Contact: <sip:alice@192.168.2.128:5060>, <sip:alice@10.0.0.1;maddr=10.0.0.2>\n"
        "Content-Type: application/sdp\n"
        "Content-Length: @CL@\n"
        "\n"
        "v=0\n"
        "o=- 1 1 IN IP4 192.168.2.128\n"
        "s=-\n"
        "c=IN IP4 192.168.2.128\n"
        "t=0 0\n"
        "m=audio 4000 RTP/AVP 0\n"
        "m=video 0 RTP/AVP 96\n"
        "a=sendonly\n") + s("200_INVITE", **R) + s(REPEAT),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "call")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(data)
print("%d seeds in %s" % (len(seeds), out))
