#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Small SIP and RTP peers and message helpers for the netns selftests and the demo.

  siptool.py serve --bind ADDR [--port 5060] [--log FILE]   answer every request with 200 OK (UDP and TCP)
  siptool.py options --to ADDR [--tcp] [--count N]          send OPTIONS, wait for the answers
  siptool.py rtp --local IP:PORT --remote IP:PORT           send RTP and count what comes back
  siptool.py extract LOG sent|received START                one message from a sipp -trace_msg log
  siptool.py sdp-media                                      "address port" of the first m= in stdin
  siptool.py side-by-side LEFT RIGHT [--titles A B]         two messages in two columns, changes marked
  siptool.py demo-report DIR --phone A --router B            the report of selftests/demo/call.sh

Uses only the standard library: it runs with the system's python3 inside the VM,
without site (-S) because scanning site-packages costs a second per start there.
"""

import argparse
import json
import os
import re
import selectors
import socket
import struct
import sys
import time


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def split_hostport(text):
    """'1.2.3.4:5' or '[fd00::1]:5' -> ('1.2.3.4', 5)"""
    m = re.fullmatch(r"\[(.+)\]:(\d+)|([^:]+):(\d+)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not ADDR:PORT: {text}")
    return (m.group(1) or m.group(3)), int(m.group(2) or m.group(4))


def uri_host(addr):
    return f"[{addr}]" if ":" in addr else addr


def header(msg, name):
    m = re.search(rf"^{name}:[ \t]*(.*?)\r?$", msg, re.M | re.I)
    return m.group(1) if m else ""


def answer(request):
    """A 200 OK for a request, echoing the headers RFC 3261 8.2.6.2 asks for."""
    lines = ["SIP/2.0 200 OK"]
    for name in ("Via", "From", "To", "Call-ID", "CSeq"):
        for m in re.finditer(rf"^{name}:.*?$", request, re.M | re.I):
            line = m.group(0).rstrip("\r")
            if name == "To" and ";tag=" not in line:
                line += ";tag=sipalg-server"
            lines.append(line)
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def cmd_serve(args):
    """A minimal SIP server: logs each request and answers it with 200 OK."""
    fam = family_of(args.bind)
    log = open(args.log, "a", encoding="utf-8") if args.log else sys.stdout
    sel = selectors.DefaultSelector()
    udp = socket.socket(fam, socket.SOCK_DGRAM)
    udp.bind((args.bind, args.port))
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((args.bind, args.port))
    tcp.listen(16)
    sel.register(udp, selectors.EVENT_READ, "udp")
    sel.register(tcp, selectors.EVENT_READ, "listen")
    if args.ready:
        open(args.ready, "w", encoding="utf-8").close()

    def record(transport, peer, text):
        log.write(f"--- {transport} request from {peer[0]} port {peer[1]}\n{text}\n")
        log.flush()

    buffers = {}
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if key.data == "udp":
                data, peer = sock.recvfrom(65535)
                text = data.decode(errors="replace")
                if not text.strip():
                    continue
                record("UDP", peer, text)
                sock.sendto(answer(text), peer)
            elif key.data == "listen":
                conn, _ = sock.accept()
                buffers[conn] = b""
                sel.register(conn, selectors.EVENT_READ, "conn")
            else:
                data = sock.recv(65535)
                if not data:
                    sel.unregister(sock)
                    del buffers[sock]
                    sock.close()
                    continue
                buffers[sock] += data
                while b"\r\n\r\n" in buffers[sock]:
                    head, _, rest = buffers[sock].partition(b"\r\n\r\n")
                    length = int(header(head.decode(errors="replace"), "Content-Length") or 0)
                    if len(rest) < length:
                        break
                    text = (head + b"\r\n\r\n" + rest[:length]).decode(errors="replace")
                    buffers[sock] = rest[length:]
                    record("TCP", sock.getpeername(), text)
                    sock.sendall(answer(text))


def cmd_options(args):
    """Send OPTIONS requests on one socket (so one conntrack) and print the answers.

    Exit status 0 when every request got a 200 answer.
    """
    fam = family_of(args.to)
    sock = socket.socket(fam, socket.SOCK_STREAM if args.tcp else socket.SOCK_DGRAM)
    sock.settimeout(args.timeout)
    sock.connect((args.to, args.port))
    local, lport = sock.getsockname()[:2]
    transport = "TCP" if args.tcp else "UDP"
    call_id = f"{os.getpid()}-{time.time_ns()}@{uri_host(local)}"
    answered = 0
    for cseq in range(1, args.count + 1):
        if cseq > 1:
            time.sleep(args.interval)
        request = (
            f"OPTIONS sip:{uri_host(args.to)}:{args.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport} {uri_host(local)}:{lport};branch=z9hG4bK{time.time_ns()}\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:phone@{uri_host(local)}>;tag={os.getpid()}\r\n"
            f"To: <sip:{uri_host(args.to)}>\r\n"
            f"Call-ID: {call_id}\r\n"
            f"CSeq: {cseq} OPTIONS\r\n"
            f"Contact: <sip:phone@{uri_host(local)}:{lport}>\r\n"
            f"Content-Length: 0\r\n\r\n"
        )
        sock.send(request.encode())
        try:
            reply = sock.recv(65535).decode(errors="replace")
        except socket.timeout:
            print(f"no answer to CSeq {cseq} from {args.to} port {args.port} over {transport}",
                  file=sys.stderr)
            continue
        print(reply.rstrip())
        answered += reply.startswith("SIP/2.0 200")
    return 0 if answered == args.count else 1


def cmd_rtp(args):
    """Send RTP (PCMU, 20 ms) to --remote from --local and count what arrives.

    Prints one JSON object: packets sent, received, and the addresses they came from.
    """
    laddr, lport = args.local
    raddr, rport = args.remote
    sock = socket.socket(family_of(laddr), socket.SOCK_DGRAM)
    sock.bind((laddr, lport))
    sock.setblocking(False)
    sent = received = 0
    sources = {}
    errors = set()
    ssrc = os.getpid()
    # Both ends start sending at the same moment, whenever each was started.
    time.sleep(max(0.0, args.start - time.time()))
    start = time.monotonic()
    end = start + args.count * args.interval + args.linger
    next_send = start
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if sent < args.count and now >= next_send:
            pkt = struct.pack("!BBHII", 0x80, 0, sent, sent * 160, ssrc) + b"\xff" * 160
            try:
                sock.sendto(pkt, (raddr, rport))
            except OSError as e:
                errors.add(e.strerror)
            sent += 1
            next_send += args.interval
        try:
            data, peer = sock.recvfrom(2048)
            if len(data) >= 12 and data[0] >> 6 == 2:
                received += 1
                key = f"{peer[0]}:{peer[1]}"
                sources[key] = sources.get(key, 0) + 1
        except BlockingIOError:
            time.sleep(0.002)
    print(json.dumps({"local": f"{laddr}:{lport}", "remote": f"{raddr}:{rport}", "sent": sent,
                      "received": received, "from": sources, "errors": sorted(errors)}))
    return 0


def sipp_messages(path):
    """(direction, text) for each message in a sipp -trace_msg log."""
    with open(path, encoding="utf-8", errors="replace") as f:
        content = f.read()
    for block in re.split(r"^-{20,}.*$", content, flags=re.M):
        m = re.match(r"\s*\w+ message (sent|received)[^\n]*\n\n?(.*)", block, re.S)
        if m:
            yield m.group(1), m.group(2).strip("\n")


def cmd_extract(args):
    """Print the first message of that direction that starts with START."""
    for direction, text in sipp_messages(args.log):
        if direction == args.direction and text.startswith(args.start):
            print(text)
            return 0
    print(f"no {args.direction} message starting with {args.start!r} in {args.log}", file=sys.stderr)
    return 1


def cmd_sdp_media(_args):
    """'address port' of the first media stream of the SDP body on stdin."""
    text = sys.stdin.read()
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    conn = re.search(r"^c=IN IP[46] (\S+)", body, re.M)
    media = re.search(r"^m=\w+ (\d+)", body, re.M)
    if not conn or not media:
        print("no c= or m= line in the SDP", file=sys.stderr)
        return 1
    print(conn.group(1), media.group(1))
    return 0


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\r\n") for line in f]


def side_by_side(left, right, titles):
    """Rows of two texts in columns; '|' marks lines that differ, '<' and '>' lines only on one side."""
    import difflib

    width = max([len(line) for line in left] + [len(titles[0]), 20])
    rows = [(titles[0], " ", titles[1]), ("-" * width, " ", "-" * len(titles[1]))]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        n = max(i2 - i1, j2 - j1)
        for k in range(n):
            a = left[i1 + k] if i1 + k < i2 else ""
            b = right[j1 + k] if j1 + k < j2 else ""
            mark = {"equal": " ", "replace": "|", "delete": "<", "insert": ">"}[op]
            if op == "replace" and (not a or not b):
                mark = "<" if a else ">"
            rows.append((a, mark, b))
    return [f"{a:<{width}} {mark} {b}".rstrip() for a, mark, b in rows]


def cmd_side_by_side(args):
    print("\n".join(side_by_side(read_lines(args.left), read_lines(args.right), args.titles)))
    return 0


def cmd_demo_report(args):
    """The report of selftests/demo/call.sh, from the files it left in DIR."""
    def path(name):
        return os.path.join(args.dir, name)

    sent, received = read_lines(path("invite.phone")), read_lines(path("invite.server"))
    expect = [line for line in read_lines(path("expect")) if line.strip()]
    signalling = [line for line in read_lines(path("conntrack")) if f"dport={args.sip_port} " in line]
    with open(path("rtp.phone"), encoding="utf-8") as f:
        rtp_phone = json.load(f)
    with open(path("rtp.server"), encoding="utf-8") as f:
        rtp_server = json.load(f)

    def title(text):
        print(f"\n=== {text} " + "=" * max(0, 100 - len(text)))

    title("The call")
    print(f"phone {args.phone} --- router (masquerade to {args.router}, ct helper sip-alg) --- server")
    print("sipp on the phone: " + ("call completed: INVITE, 100, 180, 200, ACK, BYE, 200"
                                   if args.sipp_status == 0 else f"call FAILED (sipp exit status {args.sipp_status})"))
    for line in signalling:
        print("router conntrack: " + " ".join(line.split()))

    title("The INVITE")
    print("\n".join(side_by_side(sent, received, ("as the phone sent it", "as the server received it"))))

    title("Expectations on the router (conntrack -L expect)")
    print("\n".join(expect) if expect else "(none)")

    title(f"RTP, {rtp_phone['sent']} packets each way")
    for name, this, other, peer in (("phone  -> server", rtp_phone, rtp_server, "server"),
                                    ("server -> phone ", rtp_server, rtp_phone, "phone")):
        origin = ", ".join(f"{n} from {src}" for src, n in other["from"].items())
        line = f"{name}: sent {this['sent']} to {this['remote']}; the {peer} received {other['received']}"
        if origin:
            line += f" ({origin})"
        if this["errors"]:
            line += f"; sending failed: {', '.join(this['errors'])}"
        print(line)

    title("What this shows")
    # The Call-ID is an opaque token that stays as it is, whatever it contains.
    leaks = [line for line in received if args.phone in line and not line.lower().startswith("call-id:")]
    if leaks:
        names = sorted({re.match(r"([a-z]=|[^:]*)", line).group(1) for line in leaks})
        print(f"- The phone's private address {args.phone} reached the server in {len(leaks)} lines"
              f" ({', '.join(names)}): nothing rewrote them.")
    else:
        print(f"- The server saw no private address: the router rewrote {sum(1 for a, b in zip(sent, received) if a != b)}"
              " lines of the INVITE.")
    print(f"- The router created {len(expect) or 'no'} expectation{'s' if len(expect) != 1 else ''} for the media.")
    both = rtp_phone["received"] > 0 and rtp_server["received"] > 0
    if both:
        print("- Audio flows both ways.")
    elif rtp_server["received"] or rtp_phone["received"]:
        print("- Audio flows one way only: "
              + ("the server cannot reach the phone." if rtp_server["received"] else "the phone cannot reach the server."))
    else:
        print("- No audio in either direction.")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("serve")
    s.add_argument("--bind", required=True)
    s.add_argument("--port", type=int, default=5060)
    s.add_argument("--log")
    s.add_argument("--ready", help="file to create once listening")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("options")
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, default=5060)
    s.add_argument("--tcp", action="store_true")
    s.add_argument("--timeout", type=float, default=3)
    s.add_argument("--count", type=int, default=1, help="requests to send on the same socket")
    s.add_argument("--interval", type=float, default=1, help="seconds between requests")
    s.set_defaults(func=cmd_options)

    s = sub.add_parser("rtp")
    s.add_argument("--local", type=split_hostport, required=True)
    s.add_argument("--remote", type=split_hostport, required=True)
    s.add_argument("--count", type=int, default=50)
    s.add_argument("--interval", type=float, default=0.02)
    s.add_argument("--linger", type=float, default=1, help="seconds to keep counting after the last packet")
    s.add_argument("--start", type=float, default=0, help="when to start sending (seconds since the epoch)")
    s.set_defaults(func=cmd_rtp)

    s = sub.add_parser("extract")
    s.add_argument("log")
    s.add_argument("direction", choices=("sent", "received"))
    s.add_argument("start")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("sdp-media")
    s.set_defaults(func=cmd_sdp_media)

    s = sub.add_parser("side-by-side")
    s.add_argument("left")
    s.add_argument("right")
    s.add_argument("--titles", nargs=2, default=("left", "right"))
    s.set_defaults(func=cmd_side_by_side)

    s = sub.add_parser("demo-report")
    s.add_argument("dir")
    s.add_argument("--phone", required=True, help="the phone's (private) address")
    s.add_argument("--router", required=True, help="the router's public address")
    s.add_argument("--sip-port", type=int, default=5060)
    s.add_argument("--sipp-status", type=int, default=0)
    s.set_defaults(func=cmd_demo_report)

    args = p.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
