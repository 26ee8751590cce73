#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send N INVITEs with a ~1 KB SDP from the phone to the server, one at a time.

    invites.py [-n 2000] [--family 4]

All on one signalling 5-tuple (phone:5060 -> server:5060), each with its own
Call-ID, branch, tag and RTP port. The next INVITE leaves only once the
server has received the previous one, so every INVITE meets the helper in
the same state (no queueing, no drops). Prints how many arrived.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "selftests", "lib"))
from sipnet import Host  # noqa: E402

SIP = 5060


def sdp_1k(host, port):
    """An offer like a softphone's: audio with many codecs plus video, ~1 KB."""
    ip = host.ip_token
    lines = [
        "v=0",
        f"o=bench 8000{port} 8000{port} IN {ip} {host.addr}",
        "s=Talk",
        f"c=IN {ip} {host.addr}",
        "t=0 0",
        "a=ice-pwd:5fd4e52d33a2b1f0c1a8e6d7",
        "a=ice-ufrag:7c2d1e90",
        f"m=audio {port} RTP/AVP 96 97 98 0 8 18 101 99 100",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 useinbandfec=1; usedtx=0; maxaveragebitrate=64000",
        "a=rtpmap:97 speex/16000",
        "a=fmtp:97 vbr=on",
        "a=rtpmap:98 speex/8000",
        "a=fmtp:98 vbr=on",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=yes",
        "a=rtpmap:101 telephone-event/48000",
        "a=rtpmap:99 telephone-event/16000",
        "a=rtpmap:100 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "a=ptime:20",
        "a=sendrecv",
        f"m=video {port + 2} RTP/AVP 96 97 98",
        "a=rtpmap:96 VP8/90000",
        "a=rtpmap:97 H264/90000",
        "a=fmtp:97 profile-level-id=42801F; packetization-mode=1",
        "a=rtpmap:98 H265/90000",
        "a=rtcp-fb:* nack",
        "a=rtcp-fb:* nack pli",
        "a=rtcp-fb:* ccm fir",
        "a=rtcp-fb:96 goog-remb",
        "a=framerate:30",
        "a=imageattr:* recv [x=[320:1920],y=[240:1080]] send [x=[320:1920],y=[240:1080]]",
        "a=content:main",
        "a=sendrecv",
    ]
    return "\r\n".join(lines) + "\r\n"


def invite(i, ph, sv):
    port = 10000 + 4 * (i % 12000)
    body = sdp_1k(ph, port)
    call_id = f"bench-{i:06d}-{os.getpid()}@{ph.uri_host}"
    lines = [
        f"INVITE sip:bob@{sv.uri_host}:{SIP} SIP/2.0",
        f"Via: SIP/2.0/UDP {ph.uri_host}:{SIP};branch=z9hG4bKb{i:08d};rport",
        "Max-Forwards: 70",
        f"From: \"Alice\" <sip:alice@{ph.uri_host}>;tag=a{i:08d}",
        f"To: <sip:bob@{sv.uri_host}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 INVITE",
        f"Contact: <sip:alice@{ph.uri_host}:{SIP};transport=udp>",
        "User-Agent: nf_sip_alg bench",
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, NOTIFY",
        "Content-Type: application/sdp",
        f"Content-Length: {len(body.encode())}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--family", type=int, choices=(4, 6), default=4)
    args = ap.parse_args()
    e = os.environ.get
    fam = args.family
    ph = Host(e("PHONE_NS", "sipalg-phone"), e("PHONE4" if fam == 4 else "PHONE6"), fam)
    sv = Host(e("SERVER_NS", "sipalg-server"), e("SERVER4" if fam == 4 else "SERVER6"), fam)
    a, b = ph.udp(SIP), sv.udp(SIP)
    sample = invite(0, ph, sv)
    sdp_len = len(sample) - sample.index(b"\r\n\r\n") - 4
    print(f"# INVITE {len(sample)} bytes, SDP {sdp_len} bytes")
    got = 0
    start = time.monotonic()
    for i in range(args.n):
        a.send(invite(i, ph, sv), (sv.addr, SIP))
        try:
            b.recv(timeout=2)
            got += 1
        except TimeoutError:
            pass
    took = time.monotonic() - start
    print(f"sent {args.n}, received {got} in {took:.1f}s")
    return 0 if got == args.n else 1


if __name__ == "__main__":
    sys.exit(main())
