#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""SIP call scenarios through the router of selftests/lib/topo.sh.

    scenarios.py <scenario> [--family 4|6] [--transport udp|tcp]

Every scenario drives real sockets in the phone and server namespaces, checks
what each side receives and what the router's conntrack holds, prints one
line per check and exits 1 when a check failed. A failed message exchange
ends the scenario at once; a failed check of the router's state is noted and
the scenario goes on, so that one run shows every state that is wrong.

The phone namespace also plays the inside PBX and the inside proxy; the
server namespace plays the registrar, the SIP server and the outside phones.
"""

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipnet import (Dialog, Host, Msg, Sock, compact, conntrack,  # noqa: E402
                    content_length_ok, response, rtp_send, run_in, sdp)

REASONS = {100: "Trying", 180: "Ringing", 183: "Session Progress", 200: "OK",
           486: "Busy Here", 487: "Request Terminated"}


class Failed(Exception):
    pass


SOFT_FAILURES = []


def check(cond, what, quiet=False):
    """A check the scenario cannot go on without."""
    if not cond or not quiet:
        print(f"{'ok' if cond else 'FAIL'}: {what}", flush=True)
    if not cond:
        raise Failed(what)


def expect(cond, what):
    """A check of the router's state: noted, and the scenario goes on."""
    print(f"{'ok' if cond else 'FAIL'}: {what}", flush=True)
    if not cond:
        SOFT_FAILURES.append(what)
    return cond


class Topo:
    """Names and addresses as topo.sh exports them."""

    def __init__(self, family):
        e = os.environ.get
        if family == 4:
            self.phone = Host(e("PHONE_NS", "phone"), e("PHONE4", "192.168.2.128"), 4)
            self.server = Host(e("SERVER_NS", "server"), e("SERVER4", "172.16.2.102"), 4)
            self.public = e("ROUTER_WAN4", "172.16.2.128")
            self.private_prefix = self.phone.addr.rsplit(".", 1)[0] + "."
            self.any = "0.0.0.0"
        else:
            self.phone = Host(e("PHONE_NS", "phone"), e("PHONE6", "fd00:192:168:2::128"), 6)
            self.server = Host(e("SERVER_NS", "server"), e("SERVER6", "fd00:172:16:2::102"), 6)
            self.public = e("ROUTER_WAN6", "fd00:172:16:2::128")
            self.private_prefix = self.phone.addr.split("::")[0] + ":"
            self.any = "::"
        self.router = e("ROUTER_NS", "router")
        # The router's public side, as the outside knows it.
        self.pub = Host(self.router, self.public, family)
        self.family = family
        self.conntrack_family = "ipv6" if family == 6 else "ipv4"
        self.dialogs0 = 0           # dialogs_active when the scenario starts


# --- The router's state -----------------------------------------------------

def grace():
    with open("/sys/module/nf_sip_alg/parameters/grace") as f:
        return int(f.read())


def stats(topo):
    """/proc/net/stat/nf_sip_alg of the router's namespace as a dict."""
    out = run_in(topo.router, "cat", "/proc/net/stat/nf_sip_alg")
    return {k: int(v) for k, v in (ln.split() for ln in out.splitlines() if ln.strip())}


def stats_delta(before, after):
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


class Exp:
    """One line of `conntrack -L expect`."""

    def __init__(self, line):
        self.raw = line
        self.timeout = int(line.split()[0])
        self.src = re.search(r" src=(\S+)", line).group(1)
        self.dst = re.search(r" dst=(\S+)", line).group(1)
        self.dport = int(re.search(r" dport=(\d+)", line).group(1))
        m = re.search(r" class=(\d+)", line)
        self.cls = int(m.group(1)) if m else None
        self.flags = line

    def __repr__(self):
        return self.raw.strip()


CLASS_SIGNALLING, CLASS_RTP, CLASS_RTCP = 0, 1, 2


def expectations(topo):
    out = conntrack(topo.router, "-L", "expect", "-f", topo.conntrack_family)
    return [Exp(ln) for ln in out.splitlines() if ln.strip() and ln.split()[0].isdigit()]


class Flow:
    """One line of `conntrack -L`: the original and reply tuples."""

    def __init__(self, line):
        self.raw = line
        t = re.findall(r"src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)", line)
        self.orig = (t[0][0], t[0][1], int(t[0][2]), int(t[0][3]))
        self.reply = (t[1][0], t[1][1], int(t[1][2]), int(t[1][3]))
        self.ports = {self.orig[2], self.orig[3], self.reply[2], self.reply[3]}
        self.helper = "helper=sip-alg" in line

    def __repr__(self):
        return self.raw.strip()


def flows(topo, proto="udp"):
    out = conntrack(topo.router, "-L", "-f", topo.conntrack_family, "-p", proto)
    return [Flow(ln) for ln in out.splitlines() if "src=" in ln]


def pinholes(topo, ports):
    """Expectations and conntracks of the router that involve `ports`. Not
    the unanswered packets a failed media check sent to the router itself."""
    ports = set(ports)
    exps = [e for e in expectations(topo) if e.dport in ports]
    fls = [f for f in flows(topo) if f.ports & ports and
           not ("[UNREPLIED]" in f.raw and f.reply[0] == f.orig[1] == topo.public)]
    return exps + fls


def wait_for(cond, timeout):
    """Poll `cond` every 0.1 s for at most `timeout` s; its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() >= end:
            return v
        time.sleep(0.1)


def gone_after_grace(topo, ports, what):
    """After BYE, CANCEL or an error the call's pinholes and media flows
    go after the grace time; the GC runs every second, and TCG is slow."""
    left = wait_for(lambda: not pinholes(topo, ports), grace() + 3) or pinholes(topo, ports)
    return expect(left is True, f"{what}: no expectation or media flow left after the grace "
                                f"({left if left is not True else ''})")


def no_dialog_left(topo):
    """As many dialogs as before the scenario once its calls ended."""
    done = wait_for(lambda: stats(topo)["dialogs_active"] == topo.dialogs0, grace() + 3)
    n = stats(topo)["dialogs_active"]
    expect(done, f"no dialog of the scenario is left (dialogs_active {n}, {topo.dialogs0} before)")


# --- Messages ---------------------------------------------------------------

def private_outside_callid(topo, msg):
    """Lines of `msg` that still name the private network where the outside
    would use them: any header but Call-ID and the Vias below the top one
    (the inside proxy's business), and an SDP body. Other bodies (XML and
    such) are not the ALG's to touch."""
    head, _, body = msg.raw.decode(errors="replace").partition("\r\n\r\n")
    lines, vias = [], 0
    for line in head.split("\r\n"):
        name = line.split(":", 1)[0].strip().lower()
        if name in ("via", "v"):
            vias += 1
            if vias > 1:
                continue
        if name not in ("call-id", "i"):
            lines.append(line)
    ctype = (msg.get("content-type", "c") or "").lower()
    if ctype.startswith("application/sdp"):
        lines += body.split("\r\n")
    return [ln[:120] for ln in lines if topo.private_prefix in ln]


def uri_hostport(value):
    """('host', port or None) of the first SIP URI in a header value."""
    m = re.search(r"sips?:(?:[^@;>\s]*@)?(\[[^\]]+\]|[^:;>\s]+)(?::(\d+))?", value)
    host = m.group(1).strip("[]")
    return host, int(m.group(2)) if m.group(2) else None


def announces(topo, msg, n, addr, what):
    media = msg.sdp_media()
    check(len(media) == n and all(a == addr for a, *_ in media),
          f"{what}: its SDP announces {addr} for all {n} streams ({media})")
    return media


class Call:
    """One dialog between a UAC socket and a UAS socket through the router.

    Requests go from the UAC to `uac_dst`, responses come back from the UAS.
    Whatever the outside party receives must name no private address (but
    in Call-ID), keep its Call-ID and have a right Content-Length.
    `form` turns every message before it is sent (e.g. compact headers).
    """

    def __init__(self, topo, dialog, uac, uac_dst, uas, uas_contact,
                 inside_uac=True, form=None, quiet=False):
        self.topo = topo
        self.d = dialog
        self.uac = uac
        self.uac_dst = uac_dst
        self.uas = uas
        self.uas_contact = uas_contact
        self.inside_uac = inside_uac
        self.form = form or (lambda text: text)
        self.quiet = quiet
        self.uas_peer = None        # the UAC as the UAS sees it

    def _arrived(self, msg, at_outside, what):
        q = self.quiet
        check(content_length_ok(msg), f"{what}: Content-Length matches the body", q)
        check(msg.get("call-id", "i") == self.d.call_id, f"{what}: Call-ID is unchanged", q)
        if at_outside:
            bad = private_outside_callid(self.topo, msg)
            check(not bad, f"{what}: no private address outside Call-ID {bad[:2]}", q)

    def request(self, method, body="", **kw):
        """Send a request of the dialog; the request as the UAS receives it."""
        self.uac.send(self.form(self.d.request(method, body, **kw)), self.uac_dst)
        raw, self.uas_peer = self.uas.recv()
        msg = Msg(raw)
        check(msg.start.startswith(method + " "), f"{method} arrives ({msg.start})", self.quiet)
        self._arrived(msg, self.inside_uac, method)     # the UAS is outside
        return msg

    def respond(self, req, code, body="", to_tag="uas1", contact=None, extra=()):
        """Answer `req` (as the UAS received it); the response as the UAC receives it."""
        if contact is None and 100 < code < 300:
            contact = self.uas_contact
        text = response(req, code, REASONS[code], to_tag=to_tag if code > 100 else None,
                        body=body, contact=contact, extra=extra)
        self.uas.send(self.form(text), self.uas_peer)
        raw, _ = self.uac.recv()
        msg = Msg(raw)
        what = f"{code} to {req.start.split()[0]}"
        check(msg.status == code, f"{what} arrives ({msg.start})", self.quiet)
        self._arrived(msg, not self.inside_uac, what)   # the UAC is outside
        vias = msg.all("via", "v")
        check(vias and f"{self.d.caller.uri_host}:{self.d.cport}" in vias[0],
              f"{what}: the UAC finds its own address in the top Via ({vias[:1]})", self.quiet)
        return msg

    def establish(self, offer, answer, provisional=(100, 180), to_tag="uas1"):
        """INVITE, provisional responses, 200, ACK: (INVITE at the UAS, 200 at the UAC)."""
        inv = self.request("INVITE", offer)
        for code in provisional:
            self.respond(inv, code, to_tag=to_tag)
        ok = self.respond(inv, 200, answer, to_tag=to_tag)
        self.d.to_tag = to_tag
        self.request("ACK", cseq=self.d.cseq)
        return inv, ok

    def bye(self):
        self.respond(self.request("BYE"), 200)


def media_both_ways(what, out_sock, out_dst, in_sock, in_dst, n=5):
    """The outside party sends first (only a pinhole lets it in), then the inside one."""
    rtp_send(out_sock, out_dst, n)
    got = in_sock.count(n)
    expect(got == n, f"{what}: RTP from outside to {out_dst} reaches the inside {got}/{n}")
    rtp_send(in_sock, in_dst, n)
    got = out_sock.count(n)
    expect(got == n, f"{what}: RTP from inside to {in_dst} reaches the outside {got}/{n}")


def outbound_call(topo, transport="udp"):
    """Signalling sockets and a Call from the phone (port 5060) to the server (5060)."""
    phone, server = topo.phone, topo.server
    if transport == "tcp":
        listener = server.tcp_listen(5060)
        sig_ph = phone.tcp_connect(5060, server.addr, 5060)
        sig_sv = Sock(listener.accept()[0])
        listener.close()
    else:
        sig_ph, sig_sv = phone.udp(5060), server.udp(5060)
    d = Dialog(phone, server, 5060, 5060, transport=transport.upper())
    return Call(topo, d, sig_ph, (server.addr, 5060), sig_sv,
                f"<sip:bob@{server.uri_host}:5060;transport={transport}>")


# --- Scenarios --------------------------------------------------------------

def outbound(topo, args):
    """A call from the phone behind the NAT to the server, with RTP both ways."""
    call = outbound_call(topo, args.transport)
    rtp_ph, rtp_sv = topo.phone.udp(40000), topo.server.udp(50000)
    inv, _ = call.establish(sdp(topo.phone, [40000]), sdp(topo.server, [50000]))
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    exps = [e for e in expectations(topo) if e.dst == topo.public]
    expect(sorted((e.cls, e.dport) for e in exps) == [(CLASS_RTP, port), (CLASS_RTCP, port + 1)],
           f"the router expects RTP and RTCP to {topo.public} ports {port}/{port + 1} ({exps})")

    media_both_ways("call", rtp_sv, (topo.public, port), rtp_ph, (topo.server.addr, 50000))
    # RTP pays nothing per packet, and a flowtable could offload it.
    media = [f for f in flows(topo) if f.ports & {40000, 50000}]
    expect(media and not any(f.helper for f in media),
           f"the media flows carry no helper ({media})")
    call.bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, port, port + 1], "after BYE")
    no_dialog_left(topo)


def register(topo, args):
    """A phone inside registers; the registrar calls it back at its contact.

    The registrar sends its INVITEs from other ports than the one the
    REGISTER went to (as the proxies of a registrar cluster do), so only the
    pinhole the 200 OK to the REGISTER opened lets them in. All
    registrations use one Call-ID, as RFC 3261 10.2 asks.
    """
    phone, server, pub = topo.phone, topo.server, topo.pub
    sig_ph, sig_sv = phone.udp(5060), server.udp(5060)
    reg = Dialog(phone, server, 5060, 5060, tag="reg1")
    reg.from_uri = reg.to_uri = f"sip:alice@{server.uri_host}"
    registrar = Call(topo, reg, sig_ph, (server.addr, 5060), sig_sv, None)

    def contact_pinholes():
        return [e for e in expectations(topo) if e.cls == CLASS_SIGNALLING]

    def register_for(expires):
        """REGISTER and its 200; the contact's port as the registrar sees it."""
        req = registrar.request("REGISTER", uri=f"sip:{server.uri_host}",
                                extra=[f"Expires: {expires}"])
        host, port = uri_hostport(req.get("contact", "m"))
        check((host, port) == (topo.public, registrar.uas_peer[1]),
              f"the registrar sees the contact {host}:{port} as the REGISTER's source "
              f"{registrar.uas_peer[:2]}")
        # RFC 3261 10.3: the 200 lists the bindings, with their expiry.
        contact = f"{req.get('contact', 'm')};expires={expires}"
        ok = registrar.respond(req, 200, contact=contact, to_tag="reg")
        host, cport = uri_hostport(ok.get("contact", "m"))
        expect((host, cport) == (phone.addr, 5060),
               f"the phone finds its own contact in the 200 ({host}:{cport})")
        return port

    def pinhole_for(port, expires):
        exps = contact_pinholes()
        expect([(e.dst, e.dport) for e in exps] == [(topo.public, port)],
               f"one signalling expectation for the contact {topo.public}:{port} ({exps})")
        expect(exps and exps[0].src == server.addr,
               f"only the registrar may use it (direct_signalling) ({exps})")
        expect(exps and expires - 10 <= exps[0].timeout <= expires,
               f"its lifetime follows the granted Expires {expires} "
               f"(timeout {[e.timeout for e in exps]})")

    before = stats(topo)
    port = register_for(60)
    expect(stats_delta(before, stats(topo)).get("registrations") == 1,
           "the registrations counter rose by 1")
    pinhole_for(port, 60)

    # Un-register: the 200 lists no binding any more (RFC 3261 10.3).
    req = registrar.request("REGISTER", uri=f"sip:{server.uri_host}",
                            extra=["Expires: 0"])
    registrar.respond(req, 200, to_tag="reg")
    gone = wait_for(lambda: not contact_pinholes(), 2)
    expect(gone, f"un-registering (Expires: 0) removes the contact's expectation "
                 f"({contact_pinholes()})")
    if not gone:
        flush_expectations(topo)

    # Registered again, the registrar calls the phone.
    port = register_for(60)
    pinhole_for(port, 60)
    sig_cb = server.udp(5080)
    d = Dialog(server, pub, 5080, port, tag="sv1")
    d.to_uri = f"sip:alice@{server.uri_host}"
    call = Call(topo, d, sig_cb, (topo.public, port), sig_ph,
                f"<sip:alice@{phone.uri_host}:5060>", inside_uac=False)
    rtp_ph, rtp_sv = phone.udp(40000), server.udp(50000)
    inv, ok = call.establish(sdp(server, [50000]), sdp(phone, [40000]), to_tag="ph1")
    host, rport = uri_hostport(inv.start)
    check((host, rport) == (phone.addr, 5060),
          f"the phone receives the INVITE at its own contact ({inv.start})")
    (_, mport, _, _), = announces(topo, ok, 1, topo.public, "200 at the registrar")
    helped = [f for f in flows(topo) if f.orig[2] == 5080]
    expect(len(helped) == 1 and helped[0].helper,
           f"the registrar's new flow came from the expectation and has the helper ({helped})")
    media_both_ways("inbound call", rtp_sv, (topo.public, mport), rtp_ph,
                    (server.addr, 50000))
    call.bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, mport, mport + 1], "after BYE")

    # The binding lives on: a second call, from yet another port, gets in too.
    exps = contact_pinholes()
    expect([(e.dst, e.dport) for e in exps] == [(topo.public, port)],
           f"the contact's expectation outlives the first call ({exps})")
    sig_cb2 = server.udp(5090)
    d2 = Dialog(server, pub, 5090, port, tag="sv2")
    call2 = Call(topo, d2, sig_cb2, (topo.public, port), sig_ph, None, inside_uac=False)
    try:
        # Sent twice before the phone answers: until its first reply, the
        # flow's packets are RELATED, and the copy must be rewritten too.
        text = d2.request("INVITE", sdp(server, [50010]))
        for copy in ("INVITE", "INVITE sent again"):
            sig_cb2.send(text, (topo.public, port))
            raw, call2.uas_peer = sig_ph.recv()
            inv2 = Msg(raw)
            expect(uri_hostport(inv2.start) == (phone.addr, 5060),
                   f"{copy} from port 5090 reaches the phone at its contact ({inv2.start})")
        call2.respond(inv2, 486, to_tag="ph2")
        call2.request("ACK", cseq=d2.cseq, branch=d2.last_branch)
    except TimeoutError:
        expect(False, "a second INVITE from the registrar (port 5090) reaches the phone")

    # A binding that is not refreshed goes when it expires: the kernel
    # drops the expectation, the dialog GC (once a second) the dialog.
    port = register_for(3)
    pinhole_for(port, 3)
    t0 = time.monotonic()
    gone = wait_for(lambda: not contact_pinholes(), 3 + 12)
    expect(gone, f"the expectation is gone once the binding expired "
                 f"({time.monotonic() - t0:.1f} s, {contact_pinholes()})")
    no_dialog_left(topo)


def flush_expectations(topo):
    """After a failed check, so that the next ones test something again."""
    conntrack(topo.router, "-F", "expect")


def pbx(topo, args):
    """An outside phone calls the router's public address; a static dnat
    (set up by the test) sends it to the PBX inside, which answers."""
    server, inside = topo.server, topo.phone
    sig_sv, sig_pbx = server.udp(5060), inside.udp(5060)
    d = Dialog(server, topo.pub, 5060, 5060, tag="sv1")
    d.to_uri = f"sip:pbx@{topo.pub.uri_host}"
    call = Call(topo, d, sig_sv, (topo.public, 5060), sig_pbx,
                f"<sip:pbx@{inside.uri_host}:5060>", inside_uac=False)
    rtp_pbx, rtp_sv = inside.udp(40000), server.udp(50000)
    inv, ok = call.establish(sdp(server, [50000]), sdp(inside, [40000]), to_tag="pbx1")
    host, _ = uri_hostport(inv.start)
    check(host == inside.addr, f"the PBX receives the INVITE for its own address ({inv.start})")
    (_, port, _, _), = announces(topo, ok, 1, topo.public, "200 at the outside phone")
    host, cport = uri_hostport(ok.get("contact", "m"))
    check((host, cport) == (topo.public, 5060),
          f"the PBX's Contact is the router's public address ({host}:{cport})")
    media_both_ways("PBX call", rtp_sv, (topo.public, port), rtp_pbx, (server.addr, 50000))
    call.bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, port, port + 1], "after BYE")
    no_dialog_left(topo)


def trunk(topo, args):
    """A PBX trunk: 50 calls on one signalling 5-tuple, RTP for each, and
    one BYE that ends only its own call."""
    n = 50
    phone, server = topo.phone, topo.server
    sig_ph, sig_sv = phone.udp(5060), server.udp(5060)
    calls, pubs, rtp_ph, rtp_sv = [], [], [], []
    for i in range(n):
        d = Dialog(phone, server, 5060, 5060, call_id=f"trunk{i}-{os.urandom(4).hex()}@pbx")
        call = Call(topo, d, sig_ph, (server.addr, 5060), sig_sv,
                    f"<sip:bob@{server.uri_host}:5060>", quiet=True)
        rtp_ph.append(phone.udp(40000 + 2 * i))
        rtp_sv.append(server.udp(50000 + 2 * i))
        inv, _ = call.establish(sdp(phone, [40000 + 2 * i]), sdp(server, [50000 + 2 * i]))
        media = inv.sdp_media()
        check(len(media) == 1 and media[0][0] == topo.public, f"call {i}: SDP offer {media}",
              quiet=True)
        calls.append(call)
        pubs.append(media[0][1])
    check(True, f"{n} calls set up on one signalling flow")
    check(len(set(pubs)) == n, f"each call has its own public media port ({len(set(pubs))})")
    sig = [f for f in flows(topo) if 5060 in f.ports]
    expect(len(sig) == 1, f"one signalling conntrack carries them all ({sig})")

    exps = {(e.cls, e.dport) for e in expectations(topo) if e.dst == topo.public}
    missing = [i for i, p in enumerate(pubs)
               if (CLASS_RTP, p) not in exps or (CLASS_RTCP, p + 1) not in exps]
    expect(not missing, f"every call has its RTP and RTCP expectation (missing: {missing})")

    def rtp_reaches(idx, what):
        for i in idx:
            rtp_send(rtp_sv[i], (topo.public, pubs[i]), 3)
        bad = [(i, got) for i in idx if (got := rtp_ph[i].count(3)) != 3]
        expect(not bad, f"{what}: RTP reaches the phone (calls with loss: {bad})")

    rtp_reaches(range(n), f"all {n} calls")
    calls[0].bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, pubs[0], pubs[0] + 1], "call 0 after BYE")
    kept = [i for i in range(1, n)
            if not [f for f in flows(topo) if pubs[i] in f.ports]]
    expect(not kept, f"the other calls keep their media flows (lost: {kept})")
    exps = {e.dport for e in expectations(topo) if e.cls == CLASS_RTCP}
    lost = [i for i in range(1, n) if pubs[i] + 1 not in exps]
    expect(not lost, f"the other calls keep their RTCP expectations (lost: {lost})")
    rtp_reaches(range(1, n), f"the other {n - 1} calls")
    for call in calls[1:]:
        call.bye()
    no_dialog_left(topo)
    left = expectations(topo)
    expect(not left, f"no expectation is left after all BYEs ({left[:2]})")


def media(topo, args):
    """4 media lines (2 audio, 2 video), a=rtcp, a=rtcp-mux; hold with
    a=sendonly, then with c=0.0.0.0 and a=inactive, and resume, by re-INVITE;
    then a re-INVITE the far side answers from other ports."""
    phone, server = topo.phone, topo.server
    ph_ports, sv_ports = [40000, 40010, 40020, 40030], [50000, 50010, 50020, 50030]
    # Line 0 has its RTCP on a port of its own, line 1 multiplexes it.
    ph_extra = {0: ["a=rtcp:40005"], 1: ["a=rtcp-mux"]}
    sv_extra = {1: ["a=rtcp-mux"]}
    ph_rtcp = {0: 40005, 2: 40021, 3: 40031}
    call = outbound_call(topo)
    rtp_ph = [phone.udp(p) for p in ph_ports]
    rtp_sv = [server.udp(p) for p in sv_ports]
    rtcp_ph = {i: phone.udp(p) for i, p in ph_rtcp.items()}

    inv, _ = call.establish(sdp(phone, ph_ports, extra=ph_extra),
                            sdp(server, sv_ports, extra=sv_extra))
    offer = announces(topo, inv, 4, topo.public, "INVITE at the server")
    pubs = [port for _, port, _, _ in offer]
    check(offer[0][2] is not None and offer[1][3],
          f"a=rtcp of line 0 and a=rtcp-mux of line 1 are still there ({offer})")
    pub_rtcp = {0: offer[0][2], 2: pubs[2] + 1, 3: pubs[3] + 1}
    exps = [e for e in expectations(topo) if e.dst == topo.public]
    want = sorted([(CLASS_RTP, p) for p in pubs] +
                  [(CLASS_RTCP, p) for p in pub_rtcp.values()])
    expect(sorted((e.cls, e.dport) for e in exps) == want,
           f"RTP expectations for the 4 lines, RTCP for the 3 without rtcp-mux "
           f"(want {want}, have {exps})")

    for i in range(4):
        media_both_ways(f"line {i}", rtp_sv[i], (topo.public, pubs[i]), rtp_ph[i],
                        (server.addr, sv_ports[i]))
    for i, port in pub_rtcp.items():
        rtp_send(rtp_sv[0], (topo.public, port), 3)
        got = rtcp_ph[i].count(3)
        expect(got == 3, f"line {i}: RTCP to {port} reaches the phone's port {ph_rtcp[i]}: {got}/3")
    rtp_send(rtp_sv[1], (topo.public, pubs[1]), 3)
    got = rtp_ph[1].count(3)
    expect(got == 3, f"line 1: multiplexed RTCP reaches the phone's RTP port: {got}/3")

    def reinvite(version, what, created, answer_ports=sv_ports, **kw):
        """A re-INVITE from the phone and the server's 200: `created` pinholes
        are opened (again), none fails, and a pinhole waits on each public
        port of the call and no other."""
        before = stats(topo)
        req = call.request("INVITE", sdp(phone, ph_ports, sess_version=version,
                                         extra=ph_extra, **kw))
        ans_dir = {"sendonly": "recvonly", "inactive": "inactive"}.get(kw.get("direction"))
        call.respond(req, 200, sdp(server, answer_ports, sess_version=version, extra=sv_extra,
                                   direction=ans_dir), to_tag=call.d.to_tag)
        call.request("ACK", cseq=call.d.cseq)
        delta = stats_delta(before, stats(topo))
        failed = {k: v for k, v in delta.items() if k == "expect_failed" or k.startswith("fail")}
        got = delta.get("expect_created", 0)
        expect(got == created and not failed, f"{what}: {created} pinholes opened, none failed "
               f"(opened {got}, failures {failed})")
        exps = sorted((e.cls, e.dport) for e in expectations(topo) if e.dst == topo.public)
        expect(exps == want, f"{what}: a pinhole waits on each of the call's public ports and "
               f"no other (want {want}, have {exps})")
        return req

    # The media above used the phone's RTP pinholes and three RTCP ones up:
    # they open again on the same ports. The server's, never used, wait on.
    req = reinvite(2, "hold (a=sendonly)", 7, direction="sendonly")
    check([m[1] for m in req.sdp_media()] == pubs and b"a=sendonly" in req.body,
          f"hold (a=sendonly): same public ports, a=sendonly kept ({req.sdp_media()})")
    rtp_send(rtp_ph[0], (server.addr, sv_ports[0]), 3)
    got = rtp_sv[0].count(3)
    expect(got == 3, f"hold (a=sendonly): the holding phone's RTP still flows: {got}/3")

    req = reinvite(3, "hold (c=0.0.0.0, a=inactive)", 0, conn=topo.any, direction="inactive")
    announces(topo, req, 4, topo.any, "hold (inactive) re-INVITE at the server")
    check(req.body.count(b"a=inactive") == 4, "hold (inactive): a=inactive kept on the 4 lines")

    req = reinvite(4, "resume", 0)
    got = [m[1] for m in announces(topo, req, 4, topo.public, "resume re-INVITE at the server")]
    check(got == pubs, f"resume: the public ports of the call's setup again ({got} vs {pubs})")
    for i in range(4):
        media_both_ways(f"resumed line {i}", rtp_sv[i], (topo.public, pubs[i]), rtp_ph[i],
                        (server.addr, sv_ports[i]))

    # The far side answers a re-INVITE from other ports (a media server, a
    # transfer): its media reaches the phone on the public ports of before.
    moved = [p + 100 for p in sv_ports]
    rtp_mv = [server.udp(p) for p in moved]
    # The resumed media rode the flows of before, so the phone's pinholes
    # still wait: the server's 7 at its new ports, and for line 0's RTCP
    # (own port 40005, public 40001) the SNAT pin to the server's new one
    # in place of that plain pinhole.
    req = reinvite(5, "far side moves", 8, answer_ports=moved)
    got = [m[1] for m in req.sdp_media()]
    check(got == pubs, f"far side moves: the phone's public ports stay ({got} vs {pubs})")
    for i in range(4):
        media_both_ways(f"moved line {i}", rtp_mv[i], (topo.public, pubs[i]), rtp_ph[i],
                        (server.addr, moved[i]))
    call.bye()
    gone_after_grace(topo, set(ph_ports + sv_ports + moved + pubs)
                     | {p + 1 for p in ph_ports + sv_ports + moved + pubs}
                     | set(ph_rtcp.values()) | set(pub_rtcp.values()), "after BYE")
    no_dialog_left(topo)


def cancel(topo, args):
    """The phone cancels a ringing call: 180, CANCEL, 200, 487, ACK."""
    call = outbound_call(topo)
    inv = call.request("INVITE", sdp(topo.phone, [40000]))
    branch = call.d.last_branch
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    call.respond(inv, 100)
    call.respond(inv, 180)
    exps = [e.dport for e in expectations(topo) if e.dst == topo.public]
    expect(sorted(exps) == [port, port + 1], f"the ringing call has its pinholes ({exps})")
    cancel_req = call.request("CANCEL", cseq=call.d.cseq, branch=branch)
    call.respond(cancel_req, 200)
    call.respond(inv, 487)
    call.d.to_tag = "uas1"
    call.request("ACK", cseq=call.d.cseq, branch=branch)
    gone_after_grace(topo, [40000, 40001, port, port + 1], "after CANCEL")
    no_dialog_left(topo)


def busy(topo, args):
    """The server answers 486 Busy Here."""
    call = outbound_call(topo)
    inv = call.request("INVITE", sdp(topo.phone, [40000]))
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    call.respond(inv, 100)
    call.respond(inv, 486)
    call.d.to_tag = "uas1"
    call.request("ACK", cseq=call.d.cseq, branch=call.d.last_branch)
    gone_after_grace(topo, [40000, 40001, port, port + 1], "after 486")
    no_dialog_left(topo)


def forked(topo, args):
    """A forked INVITE: two 180s with early media from two UAs (To tags a and
    b), then the 200 from b; the call runs with b's media."""
    phone, server = topo.phone, topo.server
    call = outbound_call(topo)
    rtp_ph, rtp_b = phone.udp(40000), server.udp(50010)
    inv = call.request("INVITE", sdp(phone, [40000]))
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    call.respond(inv, 100)
    for tag, sv_port in (("fork-a", 50000), ("fork-b", 50010)):
        got = call.respond(inv, 180, sdp(server, [sv_port]), to_tag=tag)
        check(f"tag={tag}" in got.get("to", "t") and got.sdp_media()[0][1] == sv_port,
              f"the phone sees the 180 of {tag} with its media ({got.sdp_media()})")
    ok = call.respond(inv, 200, sdp(server, [50010]), to_tag="fork-b")
    check("tag=fork-b" in ok.get("to", "t"), "the 200 comes from fork b")
    call.d.to_tag = "fork-b"
    call.request("ACK", cseq=call.d.cseq)
    media_both_ways("forked call", rtp_b, (topo.public, port), rtp_ph, (server.addr, 50010))
    call.bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, 50010, 50011, port, port + 1],
                     "after BYE")
    no_dialog_left(topo)


def record_route(topo, args):
    """A proxy inside (port 5070 in the phone's namespace) forwards the
    phone's INVITE and record-routes; the server's BYE follows the route."""
    phone, server = topo.phone, topo.server
    sig_px, sig_sv = phone.udp(5070), server.udp(5060)
    d = Dialog(phone, server, 5070, 5060)
    d.contact = f"<sip:alice@{phone.uri_host}:5062>"
    rr = f"<sip:{phone.uri_host}:5070;lr>"
    ua_via = f"SIP/2.0/UDP {phone.uri_host}:5062;branch=z9hG4bKua{os.urandom(3).hex()};rport"
    call = Call(topo, d, sig_px, (server.addr, 5060), sig_sv,
                f"<sip:bob@{server.uri_host}:5060>")
    rtp_ph, rtp_sv = phone.udp(40000), server.udp(50000)
    inv = call.request("INVITE", sdp(phone, [40000]), extra=[f"Record-Route: {rr}"],
                       vias=[ua_via])
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    seen = uri_hostport(inv.get("record-route"))
    check(seen == (topo.public, call.uas_peer[1]),
          f"the server's Record-Route is the proxy as it sees it {call.uas_peer[:2]}: {seen}")
    check(len(inv.all("via", "v")) == 2, "both Vias arrive")
    call.respond(inv, 100)
    ok = call.respond(inv, 200, sdp(server, [50000]), to_tag="sv1")
    check(uri_hostport(ok.get("record-route")) == (phone.addr, 5070),
          f"the proxy finds itself in the 200's Record-Route ({ok.get('record-route')})")
    check(len(ok.all("via", "v")) == 2 and f"{phone.uri_host}:5062" in ok.all("via", "v")[1],
          f"the phone's Via comes back below the proxy's ({ok.all('via', 'v')})")
    d.to_tag = "sv1"
    call.request("ACK", cseq=d.cseq)
    media_both_ways("record-routed call", rtp_sv, (topo.public, port), rtp_ph,
                    (server.addr, 50000))

    # The server hangs up: the BYE goes to the proxy, its Route names it.
    peer_host, peer_port = topo.public, call.uas_peer[1]
    back = Dialog(server, topo.pub, 5060, peer_port, call_id=d.call_id, tag="sv1")
    back.to_tag = d.from_tag
    back.cseq = 10
    contact = inv.get("contact", "m").strip("<>")
    route = f"<sip:{topo.pub.uri_host}:{peer_port};lr>"
    hangup = Call(topo, back, sig_sv, (peer_host, peer_port), sig_px, None, inside_uac=False)
    bye = hangup.request("BYE", uri=contact, extra=[f"Route: {route}"])
    check(uri_hostport(bye.get("route")) == (phone.addr, 5070),
          f"the proxy finds itself in the BYE's Route ({bye.get('route')})")
    hangup.respond(bye, 200)
    gone_after_grace(topo, [40000, 40001, 50000, 50001, port, port + 1], "after BYE")
    no_dialog_left(topo)


def compact_headers(topo, args):
    """A call whose messages all use compact header names (i f t v m l c)."""
    call = outbound_call(topo)
    call.form = compact
    rtp_ph, rtp_sv = topo.phone.udp(40000), topo.server.udp(50000)
    inv, ok = call.establish(sdp(topo.phone, [40000]), sdp(topo.server, [50000]))
    names = {n for n, _ in inv.headers}
    check({"i", "f", "t", "v", "m", "l", "c"} <= names,
          f"the server receives the compact names unchanged ({sorted(names)})")
    check(uri_hostport(inv.get("contact", "m"))[0] == topo.public,
          f"m: (Contact) is rewritten ({inv.get('contact', 'm')})")
    check(topo.pub.uri_host in inv.get("via", "v"), f"v: (Via) is rewritten ({inv.get('via', 'v')})")
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    media_both_ways("compact call", rtp_sv, (topo.public, port), rtp_ph,
                    (topo.server.addr, 50000))
    call.bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, port, port + 1], "after BYE")
    no_dialog_left(topo)


def big_notify(topo, args):
    """A 30 KB NOTIFY over UDP, fragmented on the wire: its headers are
    rewritten and its XML body, which names the private address, arrives
    byte-identical."""
    phone = topo.phone
    call = outbound_call(topo)
    tuples = "".join(
        f'  <tuple id="t{i}"><status><basic>open</basic></status>'
        f'<contact>sip:line{i}@{phone.uri_host}:5060</contact></tuple>\n' for i in range(300))
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@{phone.uri_host}">\n'
            f'{tuples}</presence>\n')
    check(len(body) >= 30000, f"the NOTIFY body is {len(body)} bytes")
    before = stats(topo)
    req = call.request("NOTIFY", body, ctype="application/pidf+xml",
                       extra=["Event: presence", "Subscription-State: active;expires=600"])
    check(req.body == body.encode(), "the XML body arrives byte-identical")
    check(topo.pub.uri_host in req.get("via", "v"), f"Via is rewritten ({req.get('via', 'v')})")
    delta = stats_delta(before, stats(topo))
    expect(delta.get("messages") == 1 and delta.get("rewritten") == 1,
           f"the helper saw and rewrote the reassembled NOTIFY ({delta})")
    call.respond(req, 200)
    no_dialog_left(topo)


def malformed(topo, args):
    """Malformed INVITEs pass byte-identical and raise their counter; the
    ALG then handles the next good call on the same flow."""
    call = outbound_call(topo)
    bad = [
        ("a header line without a colon", "fail_parse_header",
         lambda t: t.replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nThis line has no colon\r\n")),
        ("Content-Length: 12abc", "fail_parse_content_length",
         lambda t: re.sub(r"Content-Length: \d+", "Content-Length: 12abc", t)),
    ]
    for what, counter, breaks in bad:
        text = breaks(call.d.request("INVITE", sdp(topo.phone, [40000])))
        before = stats(topo)
        call.uac.send(text, call.uac_dst)
        raw, call.uas_peer = call.uas.recv()
        check(raw == text.encode(), f"{what}: the INVITE passes unmodified")
        delta = stats_delta(before, stats(topo))
        expect(delta.get(counter) == 1 and "rewritten" not in delta and
               "expect_created" not in delta,
               f"{what}: {counter} rose by 1, nothing rewritten or expected ({delta})")
        call.d.call_id = f"{os.urandom(6).hex()}@{topo.phone.uri_host}"
    # A good call on the same flow.
    rtp_ph, rtp_sv = topo.phone.udp(40000), topo.server.udp(50000)
    inv, _ = call.establish(sdp(topo.phone, [40000]), sdp(topo.server, [50000]))
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "good INVITE at the server")
    media_both_ways("good call", rtp_sv, (topo.public, port), rtp_ph,
                    (topo.server.addr, 50000))
    call.bye()
    gone_after_grace(topo, [40000, 40001, 50000, 50001, port, port + 1], "after BYE")
    no_dialog_left(topo)


def sipp_log(path):
    """[(direction, message)] of a `sipp -trace_msg` log, in order."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    for m in re.finditer(rb"message (received) \[(\d+)\] bytes :\n\n|"
                         rb"message (sent) \((\d+) bytes\):\n\n", data):
        n = int(m.group(2) or m.group(4))
        out.append(((m.group(1) or m.group(3)).decode(), Msg(data[m.end():m.end() + n])))
    return out


def sipp_first(log, direction, start):
    for d, msg in log:
        if d == direction and msg.start.startswith(start):
            return msg
    raise Failed(f"no {start} {direction} in the sipp log")


def sipp_check(topo, args):
    """The messages of a call between sipp's UAC (phone) and UAS (server),
    from their -trace_msg logs (selftests/netns/sip-sipp.sh)."""
    uac, uas = sipp_log(args.uac_log), sipp_log(args.uas_log)
    sent = sipp_first(uac, "sent", "INVITE")
    inv = sipp_first(uas, "received", "INVITE")
    check(inv.get("call-id", "i") == sent.get("call-id", "i"),
          f"the server receives sipp's INVITE with its Call-ID ({inv.get('call-id')})")
    check(content_length_ok(inv), "INVITE: Content-Length matches the rewritten body")
    bad = private_outside_callid(topo, inv)
    check(not bad, f"INVITE: no private address outside Call-ID {bad[:2]}")
    check(inv.sdp_media()[0][0] == topo.public, f"INVITE: c= is public ({inv.sdp_media()})")
    check(f"o=user1 53655765 2353687637 IN {topo.phone.ip_token} {topo.public}" in
          inv.body.decode(), "INVITE: o= names the public address")
    check(inv.body.count(b"\n") == sent.body.count(b"\n"), "INVITE: the SDP keeps its lines")
    for method in ("ACK", "BYE"):
        msg = sipp_first(uas, "received", method)
        bad = private_outside_callid(topo, msg)
        check(not bad, f"{method}: no private address outside Call-ID {bad[:2]}")
    ok = sipp_first(uac, "received", "SIP/2.0 200")
    via = ok.get("via", "v")
    check(topo.phone.uri_host in via, f"the phone's sipp finds its own Via in the 200 ({via})")
    check(content_length_ok(ok), "200: Content-Length matches the body")


def port_clash(topo, args):
    """Two calls announce the same inside RTP port: the second gets the next
    free public pair, and when the phone speaks first its media still leaves
    from that announced pair, so the server's answer reaches it; the same
    once the server has moved its media by re-INVITE."""
    phone, server = topo.phone, topo.server
    sig_ph, sig_sv = phone.udp(5060), server.udp(5060)
    rtp_ph = phone.udp(40000)
    rtp_sv = [server.udp(50000), server.udp(50002)]
    pubs, calls = [], []
    for i in range(2):
        d = Dialog(phone, server, 5060, 5060, tag=f"clash{i}")
        calls.append(Call(topo, d, sig_ph, (server.addr, 5060), sig_sv,
                          f"<sip:bob@{server.uri_host}:5060>", quiet=True))
        inv, _ = calls[i].establish(sdp(phone, [40000]), sdp(server, [50000 + 2 * i]))
        pubs.append(inv.sdp_media()[0][1])
    check(pubs == [40000, 40002], f"the second call gets the next public pair ({pubs})")

    rtp_send(rtp_ph, (server.addr, 50002), 3)
    got = rtp_sv[1].count(3)
    expect(got == 3, f"the phone's media of call 2 reaches the server {got}/3")
    sources = {src[1] for src in rtp_sv[1].sources}
    expect(sources == {pubs[1]}, f"it comes from the announced public port {pubs[1]} ({sources})")
    rtp_send(rtp_sv[1], (topo.public, pubs[1]), 3)
    got = rtp_ph.count(3)
    expect(got == 3, f"the server's media of call 2 reaches the phone {got}/3")

    # Call 2's server answers a re-INVITE from another port. The phone,
    # speaking first again, still leaves from the call's public port, and
    # the server's media from its new port reaches it there.
    call = calls[1]
    rtp_mv = server.udp(50102)
    inv = call.request("INVITE", sdp(phone, [40000], sess_version=2))
    check(inv.sdp_media()[0][1] == pubs[1], f"the re-INVITE keeps public port {pubs[1]}")
    call.respond(inv, 200, sdp(server, [50102], sess_version=2), to_tag=call.d.to_tag)
    call.request("ACK", cseq=call.d.cseq)
    rtp_send(rtp_ph, (server.addr, 50102), 3)
    got = rtp_mv.count(3)
    expect(got == 3, f"after the move, the phone's media reaches the server's new port {got}/3")
    sources = {src[1] for src in rtp_mv.sources}
    expect(sources == {pubs[1]}, f"it comes from the announced public port {pubs[1]} ({sources})")
    rtp_send(rtp_mv, (topo.public, pubs[1]), 3)
    got = rtp_ph.count(3)
    expect(got == 3, f"the server's media from its new port reaches the phone {got}/3")
    for call in calls:
        call.bye()
    no_dialog_left(topo)


SCENARIOS = {
    "outbound": outbound,
    "register": register,
    "pbx": pbx,
    "trunk": trunk,
    "media": media,
    "port-clash": port_clash,
    "cancel": cancel,
    "busy": busy,
    "forked": forked,
    "record-route": record_route,
    "compact": compact_headers,
    "big-notify": big_notify,
    "malformed": malformed,
    "sipp-check": sipp_check,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--family", type=int, choices=(4, 6), default=4)
    ap.add_argument("--transport", choices=("udp", "tcp"), default="udp")
    ap.add_argument("--uac-log", help="sipp-check: the phone's sipp -trace_msg log")
    ap.add_argument("--uas-log", help="sipp-check: the server's sipp -trace_msg log")
    args = ap.parse_args()
    return run(SCENARIOS[args.scenario], args,
               f"{args.scenario} (IPv{args.family}, {args.transport})")


def run(scenario, args, name):
    """Run one scenario and say how it went: the exit status of the script."""
    try:
        topo = Topo(args.family)
        if os.environ.get("SIPALG_NO_STATS") is None:
            topo.dialogs0 = stats(topo)["dialogs_active"]
        scenario(topo, args)
    except (Failed, TimeoutError, EOFError, OSError) as e:
        print(f"scenario {name} failed: {e!r}", flush=True)
        return 1
    if SOFT_FAILURES:
        print(f"scenario {name} failed {len(SOFT_FAILURES)} check(s) of the router's state",
              flush=True)
        return 1
    print(f"scenario {name} passed", flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())
