#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""SIP call scenarios through the router of selftests/lib/topo.sh.

    scenarios.py <scenario> [--family 4|6] [--transport udp|tcp]

Every scenario drives real sockets in the phone and server namespaces, checks
what each side receives and what the router's conntrack holds, prints one
line per check and exits 1 on the first failure.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipnet import (Dialog, Host, Msg, conntrack, content_length_ok,  # noqa: E402
                    response, rtp_exchange, sdp)


class Failed(Exception):
    pass


def check(cond, what):
    print(f"{'ok' if cond else 'FAIL'}: {what}", flush=True)
    if not cond:
        raise Failed(what)


class Topo:
    """Names and addresses as topo.sh sets them up (env overrides for reuse)."""

    def __init__(self, family):
        e = os.environ.get
        if family == 4:
            self.phone = Host(e("PHONE_NS", "phone"), e("PHONE4", "192.168.2.128"), 4)
            self.server = Host(e("SERVER_NS", "server"), e("SERVER4", "172.16.2.102"), 4)
            self.public = e("ROUTER_PUB4", "172.16.2.128")
            self.private_prefix = e("PRIVATE4_PREFIX", "192.168.2.")
        else:
            self.phone = Host(e("PHONE_NS", "phone"), e("PHONE6", "fd00:192:168:2::128"), 6)
            self.server = Host(e("SERVER_NS", "server"), e("SERVER6", "fd00:172:16:2::102"), 6)
            self.public = e("ROUTER_PUB6", "fd00:172:16:2::128")
            self.private_prefix = e("PRIVATE6_PREFIX", "fd00:192:168:2:")
        self.router = e("ROUTER_NS", "router")
        self.family = family
        self.conntrack_family = "ipv6" if family == 6 else "ipv4"


def grace():
    with open("/sys/module/nf_sip_alg/parameters/grace") as f:
        return int(f.read())


def private_outside_callid(topo, msg):
    """Lines of `msg` other than Call-ID that still name the private network."""
    bad = []
    for line in msg.raw.decode(errors="replace").split("\r\n"):
        name = line.split(":", 1)[0].strip().lower()
        if name in ("call-id", "i"):
            continue
        if topo.private_prefix in line:
            bad.append(line)
    return bad


def expectations(topo):
    out = conntrack(topo.router, "-L", "expect", "-f", topo.conntrack_family)
    return [ln for ln in out.splitlines() if ln.strip()]


def media_flows(topo, ports):
    out = conntrack(topo.router, "-L", "-f", topo.conntrack_family, "-p", "udp")
    return [ln for ln in out.splitlines() if any(f"port={p} " in ln for p in ports)]


def call_setup(topo, sig_ph, sig_sv, ph_ports, sv_ports, dialog, rtp=True):
    """INVITE/100/180/200/ACK; returns (INVITE as received, 200 as received)."""
    phone, server = topo.phone, topo.server
    sent = dialog.request("INVITE", sdp(phone, ph_ports))
    sig_ph.send(sent, (server.addr, dialog.sport))
    raw, src = sig_sv.recv()
    inv = Msg(raw)
    check(inv.start.startswith("INVITE "), "server receives the INVITE")
    check(inv.get("call-id", "i") == dialog.call_id, "Call-ID is unchanged")
    check(content_length_ok(inv), "Content-Length matches the rewritten body")
    bad = private_outside_callid(topo, inv)
    check(not bad, f"no private address outside Call-ID ({bad[:2]})")
    offer = inv.sdp_media()
    check(len(offer) == len(ph_ports) and all(a == topo.public for a, *_ in offer),
          f"SDP offer announces the router's public address ({offer})")

    for code, reason, body in ((100, "Trying", ""), (180, "Ringing", ""),
                               (200, "OK", sdp(server, sv_ports))):
        contact = f"<sip:bob@{server.uri_host}:{dialog.sport}>" if code != 100 else None
        sig_sv.send(response(inv, code, reason, to_tag="sv1" if code > 100 else None,
                             body=body, contact=contact), src)
        raw, _ = sig_ph.recv()
        got = Msg(raw)
        check(got.status == code, f"phone receives the {code}")
        if code == 200:
            ok = got
    check(content_length_ok(ok), "200 OK Content-Length is right")
    vias = ok.all("via", "v")
    check(vias and topo.phone.uri_host in vias[0],
          f"the phone sees its own address in the top Via of the 200 ({vias[:1]})")
    dialog.to_tag = "sv1"
    sig_ph.send(dialog.request("ACK", cseq=dialog.cseq), (server.addr, dialog.sport))
    raw, _ = sig_sv.recv()
    check(Msg(raw).start.startswith("ACK "), "server receives the ACK")
    return inv, ok


def call_teardown(topo, sig_ph, sig_sv, dialog):
    sig_ph.send(dialog.request("BYE"), (topo.server.addr, dialog.sport))
    raw, src = sig_sv.recv()
    bye = Msg(raw)
    check(bye.start.startswith("BYE "), "server receives the BYE")
    sig_sv.send(response(bye, 200, "OK"), src)
    raw, _ = sig_ph.recv()
    check(Msg(raw).status == 200, "phone receives the 200 to BYE")


def outbound(topo, args):
    """A call from the phone behind the NAT to the server, with RTP both ways."""
    sig_ph = topo.phone.udp(5060)
    sig_sv = topo.server.udp(5060)
    rtp_ph = topo.phone.udp(40000)
    rtp_sv = topo.server.udp(50000)
    d = Dialog(topo.phone, topo.server, 5060, 5060)
    inv, _ = call_setup(topo, sig_ph, sig_sv, [40000], [50000], d)
    addr, port, _, _ = inv.sdp_media()[0]
    check(len(expectations(topo)) >= 2, "the router holds RTP and RTCP expectations")

    # The server talks first: only the expectation lets its RTP in.
    got_ph, got_sv = rtp_exchange(rtp_sv, (addr, port), rtp_ph, (topo.server.addr, 50000))
    check(got_ph == 20, f"RTP server -> phone: {got_ph}/20")
    check(got_sv == 20, f"RTP phone -> server: {got_sv}/20")

    call_teardown(topo, sig_ph, sig_sv, d)
    time.sleep(grace() + 2.5)
    left = expectations(topo)
    check(not left, f"no expectation is left after BYE + grace ({left[:1]})")
    flows = media_flows(topo, [40000, 50000, port])
    check(not flows, f"the call's media flows are gone after BYE + grace ({flows[:1]})")


SCENARIOS = {
    "outbound": outbound,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--family", type=int, choices=(4, 6), default=4)
    args = ap.parse_args()
    try:
        SCENARIOS[args.scenario](Topo(args.family), args)
    except (Failed, TimeoutError, EOFError, OSError) as e:
        print(f"scenario {args.scenario} (IPv{args.family}) failed: {e!r}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
