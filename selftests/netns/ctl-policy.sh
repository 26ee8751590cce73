#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The site policy, set with sipalgctl: static address maps and the SDP strip
# list, in the router of selftests/lib/topo.sh plus two addresses:
#
#   phone ns: PBX 192.168.2.128 (published by a static dnat)
#             media server 192.168.2.129 (fd00:192:168:2::129), no NAT rule of its own
#   router:   wan also 172.16.2.129 (fd00:172:16:2::129), the media server's public address
#
# (a) The PBX sends an INVITE whose Contact and SDP c= name its media server,
#     not itself. Without a map the server sees the private address; with
#     `sipalgctl map add <media server> <public>` it sees the public one, and
#     RTP to public:port (its m= port) reaches the media server and the answer
#     comes back from there.
# (b) `sipalgctl sdp-strip add a=candidate` removes those lines from a
#     masqueraded phone's INVITE and Content-Length matches the body; after
#     `sdp-strip del` they pass again.
# (c) map and sdp-strip add/del/show round trips, per netns; bad requests fail
#     with the kernel's extack message and a non-zero exit.
# IPv4 and IPv6.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft conntrack python3
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

export MEDIA4=192.168.2.129 MEDIA6=fd00:192:168:2::129
export MAP4=172.16.2.129 MAP6=fd00:172:16:2::129
FAILED=

# ctl ARGS...: sipalgctl in the router's namespace (the transcript on stderr).
ctl() {
	echo "+ sipalgctl -n $ROUTER_NS $*" >&2
	"$CTL" -n "$ROUTER_NS" "$@"
}

# refused PATTERN ARGS...: the kernel refuses, sipalgctl exits 1 with its extack message.
refused() {
	local pattern=$1
	shift
	ctl_refused 1 "^sipalgctl: .*$pattern" "$CTL" -n "$ROUTER_NS" "$@"
}

# shows WHAT EXPECTED: `sipalgctl show WHAT` prints exactly EXPECTED.
shows() {
	local out
	out=$(ctl show "$1")
	echo "$out"
	[ "$out" = "$2" ] || fail "show $1: \"$out\", not \"$2\""
}

# policy_call SCENARIO FAMILY: run one call of the python part below.
policy_call() {
	echo "+ policy call $1 IPv$2"
	python3 - "$1" "$2" <<'PY' || FAILED="$FAILED|call $1 IPv$2"
import os
import sys

sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from scenarios import Failed, SOFT_FAILURES, Topo, check, expect, uri_hostport  # noqa: E402
from sipnet import Dialog, Host, Msg, content_length_ok, response, rtp_send, sdp  # noqa: E402

CANDIDATES = ["a=candidate:1 1 UDP 2130706431 {a} 40000 typ host",
              "a=candidate:2 1 UDP 1694498815 203.0.113.7 40000 typ srflx"]


def conn_of(msg):
    return [ln.split()[2] for ln in msg.body.decode().splitlines() if ln.startswith("c=")]


def reject(d, sig_in, sig_sv, inv, peer):
    """The server turns the call down: 486, ACK."""
    sig_sv.send(response(inv, 486, "Busy Here", to_tag="sv1"), peer)
    check(Msg(sig_in.recv()[0]).status == 486, "486 arrives inside")
    d.to_tag = "sv1"
    sig_in.send(d.request("ACK", cseq=d.cseq), (d.callee.addr, 5060))
    sig_sv.recv()


def mapped_call(topo, mapped):
    """The PBX's INVITE names its media server in Contact and c=."""
    fam = topo.family
    pbx, sv = topo.phone, topo.server
    media = Host(pbx.ns, os.environ[f"MEDIA{fam}"], fam)
    public = os.environ[f"MAP{fam}"]
    sig_pbx, sig_sv = pbx.udp(5060), sv.udp(5060)
    rtp_media, rtp_sv = media.udp(40000), sv.udp(50000)
    d = Dialog(pbx, sv, 5060, 5060, tag="pbx1")
    d.contact = f"<sip:pbx@{media.uri_host}:5060>"
    sig_pbx.send(d.request("INVITE", sdp(pbx, [40000], conn=media.addr)), (sv.addr, 5060))
    raw, peer = sig_sv.recv()
    inv = Msg(raw)
    check(content_length_ok(inv), "INVITE: Content-Length matches the body")
    host, _ = uri_hostport(inv.get("contact", "m"))
    (caddr, port, _, _), = inv.sdp_media()
    want = public if mapped else media.addr
    check(host == want, f"Contact names {want} ({host})")
    check(conn_of(inv) == [want], f"c= names {want} ({conn_of(inv)})")
    o = [ln for ln in inv.body.decode().splitlines() if ln.startswith("o=")][0]
    check(o.split()[-1] == topo.public, f"o= names the PBX's own public address ({o})")
    if not mapped:
        check(port == 40000, f"m= keeps the media server's port ({port})")
        reject(d, sig_pbx, sig_sv, inv, peer)
        return
    sig_sv.send(response(inv, 200, "OK", to_tag="sv1", body=sdp(sv, [50000]),
                         contact=f"<sip:bob@{sv.uri_host}:5060>"), peer)
    raw, _ = sig_pbx.recv()
    check(Msg(raw).status == 200, "200 arrives at the PBX")
    d.to_tag = "sv1"
    sig_pbx.send(d.request("ACK", cseq=d.cseq), (sv.addr, 5060))
    sig_sv.recv()

    rtp_send(rtp_sv, (public, port), 5)
    got = rtp_media.count(5)
    expect(got == 5, f"RTP to {public}:{port} reaches the media server {got}/5")
    rtp_send(rtp_media, (sv.addr, 50000), 5)
    got = rtp_sv.count(5)
    src = {s[:2] for s in rtp_sv.sources}
    expect(got == 5 and src == {(public, port)},
           f"the media server's RTP reaches the server {got}/5 from {public}:{port} ({src})")
    sig_pbx.send(d.request("BYE"), (sv.addr, 5060))
    bye = Msg(sig_sv.recv()[0])
    sig_sv.send(response(bye, 200, "OK"), peer)
    check(Msg(sig_pbx.recv()[0]).status == 200, "200 to BYE arrives at the PBX")


def strip_call(topo, stripped):
    """A masqueraded phone's INVITE with ICE candidates in its SDP."""
    ph, sv = topo.phone, topo.server
    sig_ph, sig_sv = ph.udp(5060), sv.udp(5060)
    d = Dialog(ph, sv, 5060, 5060, tag="ice1")
    extra = [c.format(a=ph.addr) for c in CANDIDATES] + ["a=ice-ufrag:F7gI"]
    sig_ph.send(d.request("INVITE", sdp(ph, [40000], extra={0: extra})), (sv.addr, 5060))
    raw, peer = sig_sv.recv()
    inv = Msg(raw)
    lines = inv.body.decode().splitlines()
    cands = [ln for ln in lines if ln.startswith("a=candidate")]
    check(content_length_ok(inv), f"INVITE: Content-Length matches the body "
                                  f"({inv.get('content-length', 'l')}, {len(inv.body)} bytes)")
    if stripped:
        check(not cands, f"no a=candidate line is left ({cands})")
    else:
        check(len(cands) == 2, f"both a=candidate lines pass ({cands})")
    check("a=ice-ufrag:F7gI" in lines, "a=ice-ufrag is kept")
    check(conn_of(inv) == [topo.public], f"c= is still rewritten ({conn_of(inv)})")
    reject(d, sig_ph, sig_sv, inv, peer)


what, family = sys.argv[1], int(sys.argv[2])
try:
    topo = Topo(family)
    {"map": lambda: mapped_call(topo, True),
     "nomap": lambda: mapped_call(topo, False),
     "strip": lambda: strip_call(topo, True),
     "nostrip": lambda: strip_call(topo, False)}[what]()
except (Failed, TimeoutError, OSError) as e:
    print(f"call {what} IPv{family} failed: {e!r}")
    sys.exit(1)
sys.exit(1 if SOFT_FAILURES else 0)
PY
	# What one call left must not disturb the next.
	in_router conntrack -F >/dev/null 2>&1 || true
	in_router conntrack -F expect >/dev/null 2>&1 || true
}

module_loaded && fail "nf_sip_alg is loaded before the test"
run modprobe nf_sip_alg grace=1
topo_setup
topo_attach_helper
in_phone ip addr add "$MEDIA4/24" dev eth0
in_phone ip addr add "$MEDIA6/64" dev eth0 nodad
in_router ip addr add "$MAP4/24" dev wan
# Deprecated at once: masquerade keeps choosing the WAN address as the source.
in_router ip addr add "$MAP6/64" dev wan nodad preferred_lft 0
in_router nft -f - <<NFT
table inet pbx {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" ip daddr $ROUTER_WAN4 udp dport $SIP_PORT dnat ip to $PHONE4
		iifname "wan" ip6 daddr $ROUTER_WAN6 udp dport $SIP_PORT dnat ip6 to $PHONE6
	}
}
NFT

echo "# (c) round trips and bad requests"
shows maps ""
shows sdp-strip ""
ctl map add "$MEDIA4" "$MAP4"
ctl map add 10.1.2.3:5060 "$MAP4:5080"
ctl map add "[$MEDIA6]" "[$MAP6]"
shows maps "$MEDIA4 <-> $MAP4
10.1.2.3:5060 <-> $MAP4:5080
$MEDIA6 <-> $MAP6"
refused "already mapped" map add "$MEDIA4" 172.16.2.200
refused "different families" map add 10.9.9.9 "[$MAP6]"
refused "a public port needs the private port" map add 10.9.9.9 "$MAP4:5080"
refused "the unspecified address cannot be mapped" map add 0.0.0.0 "$MAP4"
refused "mapped to another public" map del "$MEDIA4" 172.16.2.200
ctl map del 10.1.2.3:5060 "$MAP4:5080"
refused "no map for this private address" map del 10.1.2.3:5060 "$MAP4:5080"
shows maps "$MEDIA4 <-> $MAP4
$MEDIA6 <-> $MAP6"
ctl sdp-strip add a=candidate
ctl sdp-strip add a=x-nat
shows sdp-strip "a=candidate
a=x-nat"
refused "already stripped" sdp-strip add a=candidate
refused "not an SDP line prefix" sdp-strip add candidate
refused "not an SDP line prefix" sdp-strip add "a=two words"
refused "not an SDP line prefix" sdp-strip add "A=candidate"
refused "failed policy validation" sdp-strip add "a=$(printf 'x%.0s' {1..40})"
ctl sdp-strip del a=x-nat
refused "not in the strip list" sdp-strip del a=x-nat
shows sdp-strip "a=candidate"
json=$(mktemp)
ctl -j show maps >"$json"
json_true "$json" "len(d) == 2 and d[0] == {'private': '$MEDIA4', 'public': '$MAP4'}" \
	"show -j maps lists both maps"
echo "+ the server's namespace has a policy of its own"
out=$("$CTL" -n "$SERVER_NS" show maps)
[ -z "$out" ] || fail "the server's namespace sees maps: $out"

echo "# (a) static maps: with the maps above, then without"
for fam in 4 6; do
	policy_call map $fam
done
ctl map del "$MEDIA4" "$MAP4"
ctl map del "[$MEDIA6]" "[$MAP6]"
shows maps ""
for fam in 4 6; do
	policy_call nomap $fam
done

echo "# (b) SDP strip on a masqueraded call: with a=candidate stripped, then without"
for fam in 4 6; do
	policy_call strip $fam
done
ctl sdp-strip del a=candidate
shows sdp-strip ""
for fam in 4 6; do
	policy_call nostrip $fam
done

if [ -n "$FAILED" ]; then
	echo "# router: /proc/net/stat/nf_sip_alg, non-zero counters"
	in_router cat /proc/net/stat/nf_sip_alg | grep -v ' 0$' || true
	fail "${FAILED#|}"
fi
echo "all policy checks passed"
