#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A call is changed only by messages of its own signalling flows (issue 11,
# fault 3). IPv4 and IPv6, grace 1 s, through the router of
# selftests/lib/topo.sh:
#
#   phone 192.168.2.128 ──┐                       ┌── server   172.16.2.102
#   phone 192.168.2.129 ──┴── router (ALG, NAT) ──┴── stranger 172.16.2.103
#
# A. The phone calls the server; RTP flows both ways. A stranger (a third
#    outside address) sends a BYE with the call's Call-ID, tags and a CSeq to
#    the router's public SIP port. The phone's user is listening (its phone
#    suppresses silence and sends nothing): after more than the grace the
#    server's RTP must still reach the phone, the media conntrack must be
#    the same one, the call still listed (sipalgctl show calls) and
#    media_flows_ended unchanged. The phone's own BYE then ends the call:
#    nothing of it is left after the grace.
# B. A second phone address places a call with the same Call-ID to the
#    server and hangs up: the first call must neither merge with it nor end
#    with it (its media keeps flowing, same checks as in A).
#
# The media is started by the server (the first packet through the
# pinhole), so that its conntrack is the one the ALG owns and would kill.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3 sysctl
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"
export CTL

export STRANGER4=172.16.2.103 STRANGER6=fd00:172:16:2::103
export PHONE2_4=192.168.2.129 PHONE2_6=fd00:192:168:2::129
GRACE=1

run modprobe nf_sip_alg grace=$GRACE
topo_setup
topo_attach_helper
run in_router sysctl -qw net.netfilter.sip_alg.grace=$GRACE
ip -n "$SERVER_NS" addr add "$STRANGER4/24" dev eth0
ip -n "$SERVER_NS" addr add "$STRANGER6/64" dev eth0 nodad
ip -n "$PHONE_NS" addr add "$PHONE2_4/24" dev eth0
ip -n "$PHONE_NS" addr add "$PHONE2_6/64" dev eth0 nodad

failed=
for fam in 4 6; do
	echo "# IPv$fam"
	python3 - "$fam" "$GRACE" <<'PY' && continue
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from rtpflow import Pump  # noqa: E402
from scenarios import (SOFT_FAILURES, Call, Failed, Flow, Topo, announces,  # noqa: E402
                       check, expect, expectations, flows, media_both_ways,
                       outbound_call, pinholes, stats, wait_for)
from sipnet import Dialog, Host, conntrack, sdp  # noqa: E402

fam, GRACE = int(sys.argv[1]), int(sys.argv[2])
topo = Topo(fam)
env = os.environ
stranger = Host(topo.server.ns, env[f"STRANGER{fam}"], fam)
phone2 = Host(topo.phone.ns, env[f"PHONE2_{fam}"], fam)
s0 = stats(topo)
ENDED = "media_killed" if "media_killed" in s0 else "media_flows_ended"
pump = Pump(pps=25)
pump.start()


def now():
    return time.monotonic()


def media_flows(ports):
    """{original tuple: conntrack id} of the UDP flows of the router on `ports`,
    but the unanswered ones a lost packet opened to the router itself."""
    out = conntrack(topo.router, "-L", "-f", topo.conntrack_family, "-p", "udp", "-o", "id")
    got = {}
    for line in out.splitlines():
        if "src=" not in line or " id=" not in line:
            continue
        f = Flow(line)
        if not f.ports & set(ports) or 5060 in f.ports:
            continue
        if "[UNREPLIED]" in f.raw and f.reply[0] == f.orig[1] == topo.public:
            continue
        got[f.orig] = line.rsplit(" id=", 1)[1].split()[0]
    return got


def listed(call_id, src):
    """The calls of the router's table with this Call-ID from this address."""
    res = subprocess.run([env["CTL"], "-n", topo.router, "-j", "show", "calls"],
                         capture_output=True, text=True)
    if res.returncode:
        print(f"sipalgctl show calls: {res.stderr.strip()}")
        return []
    return [c for c in json.loads(res.stdout) if c["call_id"] == call_id and c["src"] == src]


def start_call(phone, call, ph_port, sv_port, to_tag="uas1"):
    """INVITE/100/180/200/ACK, the server's RTP first, then a stream on the pump."""
    rtp_ph, rtp_sv = phone.udp(ph_port), topo.server.udp(sv_port)
    inv, _ = call.establish(sdp(phone, [ph_port]), sdp(topo.server, [sv_port]), to_tag=to_tag)
    (_, port, _, _), = announces(topo, inv, 1, topo.public, "INVITE at the server")
    media_both_ways(f"{call.d.call_id} from {phone.addr}", rtp_sv, (topo.public, port),
                    rtp_ph, (topo.server.addr, sv_port))
    stream = pump.add(f"the call from {phone.addr}", rtp_ph, (topo.server.addr, sv_port),
                      rtp_sv, (topo.public, port))
    return inv, port, stream


def both_ways(stream, what, secs=1.5):
    time.sleep(secs)
    t1 = now()
    for end in ("inside", "outside"):
        ok, why = stream.flowing(end, t1 - secs + 0.3, t1)
        expect(ok, f"{what}: {why}")


def survives(stream, call, src, ids, ended, since, what, own=0):
    """The call outlived `what` (sent at `since`) by more than the grace;
    `own` media flows of another call may have ended with it."""
    time.sleep(GRACE + 3)
    t1 = now()
    ok, why = stream.flowing("inside", since, t1)
    expect(ok, f"after {what} and the grace, the server's RTP still reaches the muted "
               f"phone: {why}")
    n = stats(topo)[ENDED]
    expect(n == ended + own, f"after {what}: the ALG ended {own} media flows, not the "
                             f"call's ({ENDED} {ended} -> {n})")
    got = media_flows(ids_ports(ids))
    expect(got == ids, f"after {what}: the call's media conntrack is still the same one "
                       f"(before {ids}, now {got})")
    expect(listed(call.d.call_id, src),
           f"after {what}: sipalgctl still lists the call {call.d.call_id} from {src}")


def ids_ports(ids):
    return {p for orig in ids for p in (orig[2], orig[3])}


def ends(call, ports, what):
    """A BYE ends the call: no pinhole or media flow of it after the grace."""
    call.bye()
    left = wait_for(lambda: not pinholes(topo, ports), GRACE + 4) or pinholes(topo, ports)
    expect(left is True, f"{what}: no expectation or media flow left after the grace "
                         f"({left if left is not True else ''})")


try:
    # --- A: a stranger's BYE --------------------------------------------
    print("# A: a BYE from a stranger to the router's public SIP port")
    call = outbound_call(topo)
    inv, port, st = start_call(topo.phone, call, 40000, 50000)
    both_ways(st, "before the stranger's BYE")
    ids = media_flows([port, 50000])
    check(len(ids) == 1, f"one media conntrack carries the call ({ids})")
    check(listed(call.d.call_id, topo.phone.addr), "sipalgctl lists the call")
    ended = stats(topo)[ENDED]
    st.mute["inside"] = True
    time.sleep(0.3)

    # What anyone who saw the call's INVITE knows; as if the server hung up.
    contact = inv.get("contact", "m").strip("<>")
    bye = "\r\n".join([
        f"BYE {contact} SIP/2.0",
        f"Via: SIP/2.0/UDP {stranger.uri_host}:5060;branch=z9hG4bKstranger{fam};rport",
        "Max-Forwards: 70",
        f"From: {inv.get('to', 't')};tag=uas1",
        f"To: {inv.get('from', 'f')}",
        f"Call-ID: {call.d.call_id}",
        "CSeq: 10 BYE",
        "Content-Length: 0",
        "", ""])
    sock = stranger.udp(5060)
    before = stats(topo)
    sock.send(bye, (topo.public, 5060))
    t_bye = now()

    def seen():
        return [f for f in flows(topo) if f.orig[0] == stranger.addr and f.helper]
    check(wait_for(seen, 3), f"the stranger's BYE ({stranger.addr} -> {topo.public}:5060) "
                             f"went through the helper ({seen()})")
    print(f"counters that moved with it: "
          f"{ {k: v - before.get(k, 0) for k, v in stats(topo).items() if v != before.get(k, 0)} }")
    survives(st, call, topo.phone.addr, ids, ended, t_bye, "the stranger's BYE")
    st.mute["inside"] = False
    both_ways(st, "after the stranger's BYE, the phone speaking again")
    pump.remove(st)
    ends(call, [40000, 40001, 50000, 50001, port, port + 1], "the phone's own BYE")
    expect(not listed(call.d.call_id, topo.phone.addr),
           "after the phone's BYE and the grace, the call is no longer listed")

    # --- B: another phone, the same Call-ID --------------------------------
    print("# B: a second phone address uses the first call's Call-ID")
    call = outbound_call(topo)
    inv, port, st = start_call(topo.phone, call, 41000, 51000)
    ids = media_flows([port, 51000])
    check(len(ids) == 1, f"one media conntrack carries the first call ({ids})")
    d2 = Dialog(phone2, topo.server, 5060, 5060, call_id=call.d.call_id, tag="ph2")
    call2 = Call(topo, d2, phone2.udp(5060), (topo.server.addr, 5060), call.uas,
                 f"<sip:carol@{topo.server.uri_host}:5060>")
    inv2, port2, st2 = start_call(phone2, call2, 41010, 51010, to_tag="uas2")
    both_ways(st, "the first call, the second one up")
    both_ways(st2, "the second call")
    expect(listed(call.d.call_id, topo.phone.addr),
           "sipalgctl lists the first call with the second one up")
    ids2 = media_flows([port2, 51010])
    check(len(ids2) == 1, f"one media conntrack carries the second call ({ids2})")
    ended = stats(topo)[ENDED]
    st.mute["inside"] = True
    pump.remove(st2)
    time.sleep(0.3)
    t_bye = now()
    call2.bye()
    # The second call's BYE ends its own media flow, and only that.
    survives(st, call, topo.phone.addr, ids, ended, t_bye, "the second call's BYE",
             own=len(ids2))
    st.mute["inside"] = False
    both_ways(st, "the first call, the phone speaking again")
    pump.remove(st)
    ends(call, [41000, 41001, 51000, 51001, port, port + 1], "the first call's BYE")
    left = wait_for(lambda: not expectations(topo), GRACE + 3) or expectations(topo)
    expect(left is True, f"no expectation is left ({left if left is not True else ''})")
except (Failed, TimeoutError, OSError) as e:
    print(f"IPv{fam} stopped: {e!r}")
    sys.exit(1)
finally:
    pump.stop()
if SOFT_FAILURES:
    print(f"IPv{fam}: {len(SOFT_FAILURES)} check(s) failed")
    sys.exit(1)
print(f"IPv{fam}: passed")
PY
	failed="$failed IPv$fam"
	echo "# router state after the failure"
	in_router cat /proc/net/stat/nf_sip_alg | grep -v ' 0$' || true
	in_router conntrack -L expect 2>/dev/null || true
	in_router conntrack -L -p udp 2>/dev/null || true
	# What the failed family left must not fail the next one.
	"$CTL" -n "$ROUTER_NS" flush calls || true
	in_router conntrack -F >/dev/null 2>&1 || true
	in_router conntrack -F expect >/dev/null 2>&1 || true
done
[ -z "$failed" ] || fail "a call was changed by another flow's messages:$failed"
echo "calls end only by their own flows' messages"
