#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A call that goes quiet loses its waiting pinholes, never its established
# media (issue 11, fault 4). sip_timeout=10, grace 1 s, IPv4 and IPv6 at once,
# through the router of selftests/lib/topo.sh with a second phone address
# (192.168.2.129, fd00:192:168:2::129):
#
# - Two answered calls, A from the phone and B from the second phone, both
#   with RTP port 40000 (so B's public port is another one, as for any two
#   phones of one LAN with the same RTP port), send RTP both ways all the
#   time and no SIP for 25 s: the RTP keeps arriving at both ends, B's at
#   the server from its announced public port, the media conntracks are
#   the same ones all along and media_flows_ended stays 0. Then a BYE still
#   ends each call: no pinhole or media flow of it after the grace.
# - Two calls C and D (RTP port 42000) whose 200 OK the router cannot parse
#   (a header line without a colon: passed unmodified, fail_parse_header
#   counted) but whose media flows (the server's first, through the
#   pinhole the INVITE opened): 40 s later, more than the 32 s an
#   unanswered INVITE is kept, the media still flows both ways.
#
# The server speaks first on every stream, so that each media conntrack is
# the one the ALG owns and would end.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl

export PHONE2_4=192.168.2.129 PHONE2_6=fd00:192:168:2::129
GRACE=1

run modprobe nf_sip_alg grace=$GRACE
topo_setup
topo_attach_helper
run in_router sysctl -qw net.netfilter.sip_alg.sip_timeout=10 net.netfilter.sip_alg.grace=$GRACE
ip -n "$PHONE_NS" addr add "$PHONE2_4/24" dev eth0
ip -n "$PHONE_NS" addr add "$PHONE2_6/64" dev eth0 nodad

python3 - "$GRACE" <<'PY' || fail "quiet calls lost their media or were not ended by BYE"
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from rtpflow import Pump  # noqa: E402
from scenarios import (SOFT_FAILURES, Call, Failed, Flow, Topo, announces,  # noqa: E402
                       check, expect, media_both_ways, pinholes, stats, stats_delta,
                       wait_for)
from sipnet import Dialog, Host, Msg, conntrack, response, sdp  # noqa: E402

GRACE = int(sys.argv[1])
QUIET, UNANSWERED = 25, 40
pump = Pump(pps=20)
pump.start()
s0 = stats(Topo(4))
ENDED = "media_killed" if "media_killed" in s0 else "media_flows_ended"


def media_flows(leg):
    """{original tuple: conntrack id} of the router's UDP flows between the
    server's RTP port of `leg` and its phone (or the phone's public port)."""
    topo = leg.topo
    out = conntrack(topo.router, "-L", "-f", topo.conntrack_family, "-p", "udp", "-o", "id")
    server = (topo.server.addr, leg.sv_port)
    others = {(topo.public, leg.port), (leg.phone.addr, leg.ph_port)}
    got = {}
    for line in out.splitlines():
        if "src=" not in line or " id=" not in line:
            continue
        f = Flow(line)
        ends = {(f.orig[0], f.orig[2]), (f.orig[1], f.orig[3])}
        if server in ends and ends & others:
            got[f.orig] = line.rsplit(" id=", 1)[1].split()[0]
    return got


class Leg:
    """One call of the test: its Call, ports, RTP stream and media conntrack."""

    def __init__(self, topo, name, phone, ph_port, sv_port, broken_200=False):
        self.topo, self.name, self.phone = topo, f"IPv{topo.family} call {name}", phone
        self.ph_port, self.sv_port = ph_port, sv_port
        # Each call its own signalling socket: A and B 5060, C and D 5062.
        sig_port = 5062 if broken_200 else 5060
        sig = phone.udp(sig_port)
        d = Dialog(phone, topo.server, sig_port, 5060, tag=f"ph{name}")
        self.call = Call(topo, d, sig, (topo.server.addr, 5060), SERVER_SIG[topo.family],
                         f"<sip:bob@{topo.server.uri_host}:5060>", quiet=True)
        rtp_ph, rtp_sv = phone.udp(ph_port), topo.server.udp(sv_port)
        if broken_200:
            inv = self.answer_broken()
        else:
            inv, _ = self.call.establish(sdp(phone, [ph_port]), sdp(topo.server, [sv_port]))
        (_, self.port, _, _), = announces(topo, inv, 1, topo.public, f"{self.name}: INVITE")
        media_both_ways(self.name, rtp_sv, (topo.public, self.port), rtp_ph,
                        (topo.server.addr, sv_port))
        self.stream = pump.add(self.name, rtp_ph, (topo.server.addr, sv_port),
                               rtp_sv, (topo.public, self.port))
        self.since = time.monotonic()
        self.ids = media_flows(self)
        check(len(self.ids) == 1, f"{self.name}: one media conntrack ({self.ids})")

    def answer_broken(self):
        """INVITE, 100, then a 200 with a header line the ALG cannot parse."""
        call, topo = self.call, self.topo
        inv = call.request("INVITE", sdp(self.phone, [self.ph_port]))
        call.respond(inv, 100)
        text = response(inv, 200, "OK", to_tag="uas1", body=sdp(topo.server, [self.sv_port]),
                        contact=call.uas_contact)
        text = text.replace("\r\n", "\r\nThis line has no colon\r\n", 1)
        before = stats(topo)
        call.uas.send(text, call.uas_peer)
        raw, _ = call.uac.recv()
        check(Msg(raw).status == 200, f"{self.name}: the broken 200 reaches the phone")
        delta = stats_delta(before, stats(topo))
        check(delta.get("fail_parse_header") == 1,
              f"{self.name}: the ALG could not parse the 200 (fail_parse_header +1: {delta})")
        call.d.to_tag = "uas1"
        call.request("ACK", cseq=call.d.cseq)
        return inv

    def check_media(self, secs):
        t1 = time.monotonic()
        for end in ("inside", "outside"):
            ok, why = self.stream.flowing(end, self.since, t1, max_gap=2.0)
            expect(ok, f"{self.name}, {secs} s without SIP: {why}")
        srcs = self.stream.sources("outside", t1 - 3, t1)
        expect(srcs == {(self.topo.public, self.port)},
               f"{self.name}: the server receives the phone's RTP from the announced "
               f"{self.topo.public} port {self.port} ({srcs})")
        now = media_flows(self)
        expect(now == self.ids, f"{self.name}: the media conntrack is still the same one "
                                f"(at the start {self.ids}, now {now})")

    def hang_up(self, check_gone=True):
        pump.remove(self.stream)
        self.call.bye()
        if not check_gone:
            return
        ports = [self.ph_port, self.ph_port + 1, self.sv_port, self.sv_port + 1, self.port,
                 self.port + 1]
        # Both phones use the same inside ports: a flow is this call's by its server ports.
        def mine():
            return [x for x in pinholes(self.topo, ports) if
                    (x.dport in ports if hasattr(x, "dport") else
                     x.ports & {self.sv_port, self.sv_port + 1})]
        left = wait_for(lambda: not mine(), GRACE + 4) or mine()
        expect(left is True, f"{self.name}: after BYE and the grace, no expectation or media "
                             f"flow is left ({left if left is not True else ''})")


def killed(what):
    n = stats(Topo(4))[ENDED]
    expect(n == 0, f"{what}: the ALG ended no media flow ({ENDED} {n})")


try:
    topos = {fam: Topo(fam) for fam in (4, 6)}
    SERVER_SIG = {fam: t.server.udp(5060) for fam, t in topos.items()}
    phone2 = {fam: Host(t.phone.ns, os.environ[f"PHONE2_{fam}"], fam) for fam, t in topos.items()}
    answered, broken = [], []
    for fam, t in topos.items():
        answered.append(Leg(t, "A", t.phone, 40000, 50000))
        answered.append(Leg(t, "B", phone2[fam], 40000, 50002))
        check(answered[-1].port != 40000,
              f"IPv{fam} call B got another public port than A ({answered[-1].port})")
    t_quiet = time.monotonic()
    for fam, t in topos.items():
        broken.append(Leg(t, "C", t.phone, 42000, 52000, broken_200=True))
        broken.append(Leg(t, "D", phone2[fam], 42000, 52002, broken_200=True))
    print(f"# {len(answered)} answered and {len(broken)} unparsed calls up, "
          f"{time.monotonic() - t_quiet:.1f} s for the last ones; now no SIP")

    time.sleep(max(0, t_quiet + QUIET - time.monotonic()))
    print(f"# {QUIET} s without SIP for the answered calls")
    for leg in answered:
        leg.check_media(QUIET)
    killed(f"after {QUIET} s")
    for leg in answered:
        leg.hang_up()

    time.sleep(max(0, min(leg.since for leg in broken) + UNANSWERED - time.monotonic()))
    print(f"# {UNANSWERED} s after the unparsed 200s")
    for leg in broken:
        leg.check_media(UNANSWERED)
    for leg in broken:
        leg.hang_up(check_gone=False)
except (Failed, TimeoutError, OSError) as e:
    print(f"stopped: {e!r}")
    sys.exit(1)
finally:
    pump.stop()
    print(f"# router counters: { {k: v for k, v in stats(Topo(4)).items() if v} }")
if SOFT_FAILURES:
    print(f"{len(SOFT_FAILURES)} check(s) failed")
    sys.exit(1)
PY
echo "quiet calls keep their media, and BYE still ends them"
