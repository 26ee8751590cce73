#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Differential test: the kernel's SIP ALG against ours, message by message.

    differential.py capture --out FILE [--family 4|6 ...]
    differential.py compare KERNEL.json OURS.json --doc docs/differences.md

`capture` plays a fixed set of ordinary SIP exchanges between the phone and
the server of selftests/lib/topo.sh (through whatever helper the router has)
and records every message as it arrives, at the server and back at the
phone. Every input is fixed: Call-IDs, branches, tags, ports, SDP.

`compare` lines up two captures (nf_conntrack_sip + nf_nat_sip, then
nf_sip_alg) and compares them byte by byte. A differing line is accepted
only when one of the RULES below explains it; every rule has an id that
docs/differences.md must list, with the reason. Anything else is printed
as a diff and fails the comparison.
"""

import argparse
import base64
import difflib
import json
import os
import re
import select
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipnet import Dialog, Host, Msg, response, sdp  # noqa: E402

SIP = 5060
ALT_PORT = 5062


def topo(family):
    e = os.environ.get
    if family == 4:
        phone = Host(e("PHONE_NS", "sipalg-phone"), e("PHONE4", "192.168.2.128"), 4)
        server = Host(e("SERVER_NS", "sipalg-server"), e("SERVER4", "172.16.2.102"), 4)
        public = e("ROUTER_WAN4", "172.16.2.128")
    else:
        phone = Host(e("PHONE_NS", "sipalg-phone"), e("PHONE6", "fd00:192:168:2::128"), 6)
        server = Host(e("SERVER_NS", "sipalg-server"), e("SERVER6", "fd00:172:16:2::102"), 6)
        public = e("ROUTER_WAN6", "fd00:172:16:2::128")
    return phone, server, public


class Recorder:
    """Sends the scripted messages and records what arrives where."""

    def __init__(self, family):
        self.family = family
        self.phone, self.server, self.public = topo(family)
        self.ph = self.phone.udp(SIP)
        # Where the phone of the other-port exchange says it listens: a
        # response may be steered there (the kernel's "Cisco" forced_dport).
        self.ph_alt = self.phone.udp(ALT_PORT)
        self.sv = self.server.udp(SIP)
        self.log = []
        self.scenario = None
        self.step = 0
        self.sv_peer = None

    def _record(self, at, raw, port=SIP):
        self.step += 1
        self.log.append({
            "family": self.family,
            "scenario": self.scenario,
            "step": self.step,
            "at": at,
            "port": port,
            "raw": base64.b64encode(raw).decode(),
        })

    def to_server(self, text):
        """Phone -> server; returns the request as the server got it (Msg)."""
        self.ph.send(text, (self.server.addr, SIP))
        try:
            raw, src = self.sv.recv(timeout=3)
        except TimeoutError:
            self._record("server", b"<LOST>")
            raise
        self.sv_peer = src
        self._record("server", raw)
        return Msg(raw)

    def to_phone(self, text):
        """Server -> phone (to where the last request came from)."""
        self.sv.send(text, self.sv_peer)
        r, _, _ = select.select([self.ph.s, self.ph_alt.s], [], [], 3)
        if not r:
            self._record("phone", b"<LOST>")
            raise TimeoutError("nothing received")
        sock = self.ph if r[0] is self.ph.s else self.ph_alt
        raw, _ = sock.recv(timeout=0)
        self._record("phone", raw, sock.port())
        return Msg(raw)

    def close(self):
        self.ph.close()
        self.ph_alt.close()
        self.sv.close()


def tag(rec, base):
    return f"{base}{rec.family}"


def call_with_reinvite(rec):
    """INVITE/100/180/200/ACK, re-INVITE (new port, a=rtcp)/200/ACK, BYE/200."""
    ph, sv = rec.phone, rec.server
    d = Dialog(ph, sv, SIP, SIP, call_id=f"diffcall{rec.family}@{ph.uri_host}", tag=tag(rec, "pa"))
    inv = rec.to_server(d.request("INVITE", sdp(ph, [40000])))
    rec.to_phone(response(inv, 100, "Trying"))
    contact = f"<sip:bob@{sv.uri_host}:{SIP}>"
    rec.to_phone(response(inv, 180, "Ringing", to_tag=tag(rec, "sb"), contact=contact))
    rec.to_phone(response(inv, 200, "OK", to_tag=tag(rec, "sb"), contact=contact,
                          body=sdp(sv, [50000])))
    d.to_tag = tag(rec, "sb")
    rec.to_server(d.request("ACK", cseq=d.cseq))
    # re-INVITE: the phone moves its audio and says where its RTCP goes.
    rtcp = {0: [f"a=rtcp:40003 IN {ph.ip_token} {ph.addr}"]}
    reinv = rec.to_server(d.request("INVITE", sdp(ph, [40002], sess_version=2, extra=rtcp)))
    rec.to_phone(response(reinv, 200, "OK", contact=contact, body=sdp(sv, [50000], sess_version=2)))
    rec.to_server(d.request("ACK", cseq=d.cseq))
    bye = rec.to_server(d.request("BYE"))
    rec.to_phone(response(bye, 200, "OK"))


def register(rec):
    ph, sv = rec.phone, rec.server
    d = Dialog(ph, sv, SIP, SIP, call_id=f"diffreg{rec.family}@{ph.uri_host}", tag=tag(rec, "ra"))
    req = d.request("REGISTER", uri=f"sip:{sv.uri_host}", to_tag=False, extra=("Expires: 600",))
    got = rec.to_server(req)
    # The registrar answers with the binding as it received it.
    rec.to_phone(response(got, 200, "OK", to_tag=tag(rec, "rb"),
                          contact=f"{got.get('contact', 'm')};expires=600"))


def options(rec):
    ph, sv = rec.phone, rec.server
    d = Dialog(ph, sv, SIP, SIP, call_id=f"diffopt{rec.family}@{ph.uri_host}", tag=tag(rec, "oa"))
    got = rec.to_server(d.request("OPTIONS", to_tag=False, extra=("Accept: application/sdp",)))
    rec.to_phone(response(got, 200, "OK", to_tag=tag(rec, "ob"),
                          extra=("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS",)))


def other_port(rec):
    """OPTIONS from a phone whose Via and Contact name another port (5062)
    than the one it sends from (5060), as phones with a separate send socket
    or a port-mapping SBC inside do."""
    ph, sv = rec.phone, rec.server
    d = Dialog(ph, sv, ALT_PORT, SIP, call_id=f"diffport{rec.family}@{ph.uri_host}", tag=tag(rec, "pp"))
    got = rec.to_server(d.request("OPTIONS", to_tag=False))
    rec.to_phone(response(got, 200, "OK", to_tag=tag(rec, "pq")))


def cancel(rec):
    """INVITE/100/180, CANCEL/200, 487/ACK."""
    ph, sv = rec.phone, rec.server
    d = Dialog(ph, sv, SIP, SIP, call_id=f"diffcancel{rec.family}@{ph.uri_host}", tag=tag(rec, "ca"))
    inv_text = d.request("INVITE", sdp(ph, [40010]))
    inv = rec.to_server(inv_text)
    rec.to_phone(response(inv, 100, "Trying"))
    rec.to_phone(response(inv, 180, "Ringing", to_tag=tag(rec, "cb"),
                          contact=f"<sip:bob@{sv.uri_host}:{SIP}>"))
    # CANCEL repeats the INVITE's branch, Call-ID, From, To (no tag) and CSeq number.
    branch = f"z9hG4bK{d.call_id[:8]}{d.branch_n}"
    d.branch_n -= 1
    cancel_text = d.request("CANCEL", cseq=d.cseq, to_tag=False)
    assert branch in cancel_text
    can = rec.to_server(cancel_text)
    rec.to_phone(response(can, 200, "OK", to_tag=tag(rec, "cb")))
    rec.to_phone(response(inv, 487, "Request Terminated", to_tag=tag(rec, "cb")))
    d.to_tag = tag(rec, "cb")
    d.branch_n -= 1
    rec.to_server(d.request("ACK", cseq=d.cseq))


SCENARIOS = [("call", call_with_reinvite), ("register", register), ("options", options),
             ("cancel", cancel), ("other-port", other_port)]


def capture(args):
    out, ok = [], True
    for fam in args.family:
        rec = Recorder(fam)
        for name, fn in SCENARIOS:
            rec.scenario, rec.step = name, 0
            try:
                fn(rec)
            except (TimeoutError, OSError) as e:
                print(f"IPv{fam} {name}: {e!r}", flush=True)
                ok = False
        out.extend(rec.log)
        rec.close()
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"captured {len(out)} messages into {args.out}")
    return 0 if ok else 1


# ---------------------------------------------------------------------------
# Comparison.
#
# A message is split into lines; lines that are equal after normalisation are
# fine. Normalisation first replaces the test's addresses by names (so that a
# rule can say {PRIV4} rather than a literal), then checks Content-Length
# against the body on each side and replaces it by a verdict.
#
# A RULE explains one differing pair of lines: (id, pattern, replacement).
# The pair is explained when re.sub(pattern, replacement, kernel line) gives
# exactly our line (and the pattern matched). The ids are the rows of the
# table in docs/differences.md, which gives the reason for each; the test
# fails when a rule here is not in that table.

ADDR_NAMES = [
    ("PRIV4", "192.168.2.128"), ("PUB4", "172.16.2.128"), ("SRV4", "172.16.2.102"),
    ("PRIV6", "fd00:192:168:2::128"), ("PUB6", "fd00:172:16:2::128"), ("SRV6", "fd00:172:16:2::102"),
]

# A phone's address in a SIP URI, as the normalised text shows it.
_PHONE_URI = r"(<sip:[^@>]*@\[?\{(?:PUB|PRIV)[46]\}\]?)"

RULES = [
    # The kernel writes "addr:port" for every URI it maps, also where the
    # phone wrote no port (From: <sip:alice@192.168.2.128>); we keep the URI's
    # form and change the host only. Both directions: the phone gets its own
    # From back byte-identical from us, with ":5060" added from the kernel.
    ("uri-port-kept", _PHONE_URI + r":5060>", r"\1>"),
    # The kernel maps an address only together with the signalling port
    # (addr:5060); an address with another port stays private. We map the
    # address wherever the phone's address appears and keep the port.
    ("addr-any-port", r"\{PRIV([46])\}(\]?:5062)", r"{PUB\1}\2"),
    # The kernel's "Cisco phone" rule: a request whose Via port differs from
    # its source port sets forced_dport on the conntrack; responses are then
    # sent to that port instead of the source port (although the phone asked
    # for rport), and map_addr() also puts it on the *server's* address in
    # the Request-URI and To. We do neither.
    ("forced-dport", r"^<received on port 5062>$", "<received on port 5060>"),
    ("forced-dport", r"^<received on port 5062>$", None),
    ("forced-dport", r"^(OPTIONS sip:[^@]*@\[?\{SRV[46]\}\]?):5062( SIP/2\.0)$", r"\1:5060\2"),
    ("forced-dport", r"^(To: <sip:[^@]*@\[?\{SRV[46]\}\]?):5062>(.*)$", r"\1>\2"),
    # ... and on the way back, the phone's own From (which the kernel had
    # given ":5060", see uri-port-kept) gets forced_dport instead.
    ("forced-dport", _PHONE_URI + r":5062>", r"\1>"),
    # The kernel leaves a=rtcp alone (the phone's private address reaches
    # the server); we map it like the c= line it belongs to.
    ("rtcp-attr", r"^(a=rtcp:\d+ IN IP[46] )\{PRIV([46])\}$", r"\1{PUB\2}"),
]


def names(text):
    for name, addr in ADDR_NAMES:
        text = text.replace(addr, "{" + name + "}")
    return text


def normalise(raw, port=SIP):
    if raw == b"<LOST>":
        return ["<LOST: the message did not arrive>"]
    where = [] if port == SIP else [f"<received on port {port}>"]
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    out = []
    for line in lines:
        m = re.match(r"(?i)(content-length|l)\s*:\s*(\d+)\s*$", line)
        if m:
            ok = int(m.group(2)) == len(body)
            out.append(f"{m.group(1)}: <{'matches body' if ok else 'WRONG: ' + m.group(2) + ' for ' + str(len(body))}>")
        else:
            out.append(names(line))
    out.append("")
    if not sep:
        out.append("<no end of headers>")
    out.extend(names(body.decode(errors="replace")).split("\r\n"))
    return where + out


def explain(k, o):
    """The id of the rule that turns kernel line k into our line o. A rule
    whose replacement is None explains a line only the kernel has."""
    if k is None:
        return None
    for rid, pattern, repl in RULES:
        if repl is None:
            if o is None and re.fullmatch(pattern, k):
                return rid
            continue
        if o is None:
            continue
        new, n = re.subn(pattern, repl, k)
        if n and new == o:
            return rid
    return None


def compare_msgs(klines, olines):
    """([rule ids used], [unexplained diff lines])"""
    used, bad = [], []
    sm = difflib.SequenceMatcher(a=klines, b=olines, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        ks, os_ = klines[i1:i2], olines[j1:j2]
        n = max(len(ks), len(os_))
        pairs = [(ks[i] if i < len(ks) else None, os_[i] if i < len(os_) else None) for i in range(n)]
        for k, o in pairs:
            rid = explain(k, o)
            if rid:
                used.append(rid)
            else:
                bad.append(f"  kernel: {k!r}\n  ours:   {o!r}")
    return used, bad


DOC_SECTION = "## Differences in the bytes"


def doc_ids(path):
    """Rule ids in the first column of the table under DOC_SECTION."""
    with open(path) as f:
        text = f.read()
    start = text.find(DOC_SECTION)
    if start < 0:
        return set()
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else len(text)]
    return set(re.findall(r"^\|\s*`([a-z0-9-]+)`\s*\|", section, re.M))


def compare(args):
    with open(args.kernel) as f:
        kern = json.load(f)
    with open(args.ours) as f:
        ours = json.load(f)
    documented = doc_ids(args.doc)
    failures = 0
    undocumented = sorted({r[0] for r in RULES} - documented)
    if undocumented:
        print(f"FAIL: rules not explained in {args.doc}: {', '.join(undocumented)}")
        failures += 1

    def key(e):
        return (e["family"], e["scenario"], e["step"])

    kmap = {key(e): e for e in kern}
    omap = {key(e): e for e in ours}
    used_all = {}
    for k in sorted(set(kmap) | set(omap), key=lambda t: (t[0], t[1], t[2])):
        label = f"IPv{k[0]} {k[1]} #{k[2]}"
        if k not in kmap or k not in omap:
            print(f"FAIL: {label}: captured by {'ours' if k in omap else 'the kernel'} only")
            failures += 1
            continue
        at = kmap[k]["at"]
        kl = normalise(base64.b64decode(kmap[k]["raw"]), kmap[k].get("port", SIP))
        ol = normalise(base64.b64decode(omap[k]["raw"]), omap[k].get("port", SIP))
        used, bad = compare_msgs(kl, ol)
        for rid in used:
            used_all.setdefault(rid, []).append(label)
        first = kl[0]
        if bad:
            failures += 1
            print(f"FAIL: {label} at the {at} ({first}): {len(bad)} unexplained difference(s)")
            for b in bad:
                print(b)
        else:
            extra = f" (allowed: {', '.join(sorted(set(used)))})" if used else ""
            print(f"ok: {label} at the {at} ({first}){extra}")
    for rid, where in sorted(used_all.items()):
        print(f"# difference {rid}: {len(where)} message(s), e.g. {where[0]}")
    print(f"# {len(set(kmap) | set(omap))} messages compared, {failures} failure(s)")
    return 1 if failures else 0


def selfcheck(_args):
    """The comparison must flag what no rule explains (and accept what one does)."""
    base = (b"INVITE sip:bob@172.16.2.102 SIP/2.0\r\n"
            b"From: <sip:alice@172.16.2.128:5060>;tag=1\r\nCall-ID: x@192.168.2.128\r\n"
            b"Content-Length: 4\r\n\r\nabcd")
    cases = [
        (base, True),
        (base.replace(b"172.16.2.128:5060>", b"172.16.2.128>"), True),     # uri-port-kept
        (base.replace(b"Call-ID: x@192.168.2.128", b"Call-ID: x@172.16.2.128"), False),
        (base.replace(b"Content-Length: 4", b"Content-Length: 5"), False),
        (base.replace(b"abcd", b"abce"), False),
        (base + b"\r\n", False),
    ]
    bad = 0
    for ours, same in cases:
        _, diff = compare_msgs(normalise(base), normalise(ours))
        if (not diff) != same:
            print(f"selfcheck: {'missed' if same is False else 'wrongly flagged'}: {ours!r}")
            bad += 1
    print(f"selfcheck: {len(cases) - bad}/{len(cases)} comparisons as expected")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--out", required=True)
    c.add_argument("--family", type=int, action="append", choices=(4, 6))
    m = sub.add_parser("compare")
    m.add_argument("kernel")
    m.add_argument("ours")
    m.add_argument("--doc", required=True)
    sub.add_parser("selfcheck")
    args = ap.parse_args()
    if args.cmd == "selfcheck":
        return selfcheck(args)
    if args.cmd == "capture":
        args.family = args.family or [4, 6]
        return capture(args)
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
