# SPDX-License-Identifier: GPL-2.0
"""Real UDP/TCP sockets in the test namespaces, and SIP messages to send.

One process drives every party of a scenario: a socket belongs to the network
namespace it was created in, so the process enters a namespace (setns) only
to create a socket and returns at once. That keeps a scenario a plain,
ordered script whose every step can be checked.
"""

import contextlib
import ctypes
import os
import re
import select
import socket
import subprocess
import time

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def netns(name):
    """Run the body inside network namespace `name` (ip netns)."""
    with open("/proc/self/ns/net", "rb") as home, open(f"/run/netns/{name}", "rb") as there:
        if _libc.setns(there.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
        try:
            yield
        finally:
            if _libc.setns(home.fileno(), CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")


def run_in(ns, *cmd, check=True):
    """Run a command in a namespace and return its stdout."""
    res = subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True)
    if check and res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} in {ns}: {res.stderr.strip()}")
    return res.stdout


class Host:
    """A party of the topology: its namespace and its address in one family."""

    def __init__(self, ns, addr, family):
        self.ns = ns
        self.addr = addr
        self.family = family
        self.af = socket.AF_INET6 if family == 6 else socket.AF_INET

    @property
    def uri_host(self):
        return f"[{self.addr}]" if self.family == 6 else self.addr

    @property
    def ip_token(self):
        return "IP6" if self.family == 6 else "IP4"

    def udp(self, port):
        with netns(self.ns):
            s = socket.socket(self.af, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((self.addr, port))
        return Sock(s)

    def tcp_listen(self, port):
        with netns(self.ns):
            s = socket.socket(self.af, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((self.addr, port))
            s.listen(8)
        s.settimeout(5)
        return s

    def tcp_connect(self, port, dst, dport):
        with netns(self.ns):
            s = socket.socket(self.af, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((self.addr, port))
        s.settimeout(5)
        s.connect((dst, dport))
        return Sock(s)


class Sock:
    def __init__(self, s):
        self.s = s
        self.stream = s.type == socket.SOCK_STREAM
        self.rx = b""

    def port(self):
        return self.s.getsockname()[1]

    def send(self, data, dst=None):
        if isinstance(data, str):
            data = data.encode()
        if self.stream:
            self.s.sendall(data)
        else:
            self.s.sendto(data, dst)

    def recv(self, timeout=3.0):
        """One datagram (or one framed SIP message on TCP) and its source."""
        if self.stream:
            return self._recv_stream(timeout), self.s.getpeername()
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            raise TimeoutError("nothing received")
        data, src = self.s.recvfrom(70000)
        return data, src

    def _recv_stream(self, timeout):
        end = time.monotonic() + timeout
        while True:
            msg = _frame(self.rx)
            if msg:
                self.rx = self.rx[len(msg):]
                return msg
            left = end - time.monotonic()
            r, _, _ = select.select([self.s], [], [], max(left, 0))
            if not r:
                raise TimeoutError("no complete message")
            chunk = self.s.recv(70000)
            if not chunk:
                raise EOFError("connection closed")
            self.rx += chunk

    def count(self, n, timeout=2.0):
        """Receive until `n` datagrams arrived or `timeout` passed; how many
        did. Their sources are kept in `self.sources`."""
        got = 0
        self.sources = set()
        end = time.monotonic() + timeout
        while got < n:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.s], [], [], left)[0]:
                break
            self.sources.add(self.s.recvfrom(70000)[1])
            got += 1
        return got

    def drain(self, timeout=0.3):
        """Count the datagrams that arrive until the line is quiet."""
        n = 0
        while select.select([self.s], [], [], timeout)[0]:
            self.s.recvfrom(70000)
            n += 1
        return n

    def close(self):
        self.s.close()


def _frame(buf):
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    m = re.search(rb"^(?:content-length|l)[ \t]*:[ \t]*(\d+)", buf[:end], re.I | re.M)
    total = end + 4 + (int(m.group(1)) if m else 0)
    return buf[:total] if len(buf) >= total else None


class Msg:
    """A received SIP message, split for checks (not a parser under test)."""

    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip().lower(), value.strip()))

    def get(self, name, compact=None):
        for n, v in self.headers:
            if n == name or (compact and n == compact):
                return v
        return None

    def all(self, name, compact=None):
        return [v for n, v in self.headers if n == name or (compact and n == compact)]

    @property
    def status(self):
        return int(self.start.split()[1]) if self.start.startswith("SIP/2.0") else None

    def sdp_media(self):
        """[(address, port, rtcp port or None, mux)] per m= line."""
        text = self.body.decode(errors="replace")
        sess_c, out, cur = None, [], None
        for line in text.splitlines():
            if line.startswith("c="):
                addr = line.split()[2].split("/")[0]
                if cur is None:
                    sess_c = addr
                else:
                    cur[0] = addr
            elif line.startswith("m="):
                cur = [sess_c, int(line.split()[1].split("/")[0]), None, False]
                out.append(cur)
            elif line.startswith("a=rtcp:") and cur is not None:
                cur[2] = int(line[7:].split()[0])
            elif line.strip() == "a=rtcp-mux" and cur is not None:
                cur[3] = True
        return [tuple(m) for m in out]


def sdp(host, ports, sess_version=1, extra=None, conn=None, direction=None):
    """An SDP offer/answer from `host` with one audio stream per port."""
    conn = conn or host.addr
    lines = [
        "v=0",
        f"o=- 4711 {sess_version} IN {host.ip_token} {host.addr}",
        "s=-",
        f"c=IN {host.ip_token} {conn}",
        "t=0 0",
    ]
    for i, port in enumerate(ports):
        kind = "audio" if i % 2 == 0 else "video"
        fmt = "0 8 101" if kind == "audio" else "96"
        lines.append(f"m={kind} {port} RTP/AVP {fmt}")
        if extra and i in extra:
            lines.extend(extra[i])
        if direction:
            lines.append(f"a={direction}")
    return "\r\n".join(lines) + "\r\n"


class Dialog:
    """The header values one UA keeps for a call."""

    def __init__(self, caller, callee, caller_port, callee_port, transport="UDP",
                 call_id=None, tag="ph1"):
        self.caller = caller
        self.callee = callee
        self.cport = caller_port
        self.sport = callee_port
        self.transport = transport
        self.call_id = call_id or f"{os.urandom(6).hex()}@{caller.uri_host}"
        self.from_tag = tag
        self.to_tag = None
        self.cseq = 1
        self.branch_n = 0
        self.last_branch = None
        self.from_uri = f"sip:alice@{caller.uri_host}"
        self.to_uri = f"sip:bob@{callee.uri_host}"
        self.contact = f"<sip:alice@{caller.uri_host}:{caller_port};transport={transport.lower()}>"

    def branch(self):
        self.branch_n += 1
        return f"z9hG4bK{self.call_id[:8]}{self.branch_n}"

    def request(self, method, body="", ctype="application/sdp", extra=(), cseq=None,
                uri=None, to_tag=True, branch=None, vias=()):
        """A request of this dialog. CANCEL and the ACK of a non-2xx reuse the
        INVITE's CSeq number and, with branch=dialog.last_branch, its branch.
        `vias` are more Via values below ours (a proxy's request)."""
        if cseq is None:
            if method not in ("ACK", "CANCEL"):
                self.cseq += 1
            cseq = self.cseq
        uri = uri or f"sip:bob@{self.callee.uri_host}:{self.sport}"
        to = f"<{self.to_uri}>"
        if to_tag and self.to_tag:
            to += f";tag={self.to_tag}"
        branch = branch or self.branch()
        self.last_branch = branch
        lines = [
            f"{method} {uri} SIP/2.0",
            f"Via: SIP/2.0/{self.transport} {self.caller.uri_host}:{self.cport};branch={branch};rport",
            *(f"Via: {v}" for v in vias),
            "Max-Forwards: 70",
            f"From: \"Alice\" <{self.from_uri}>;tag={self.from_tag}",
            f"To: {to}",
            f"Call-ID: {self.call_id}",
            f"CSeq: {cseq} {method}",
            f"Contact: {self.contact}",
            *extra,
        ]
        if body:
            lines.append(f"Content-Type: {ctype}")
        lines.append(f"Content-Length: {len(body.encode())}")
        return "\r\n".join(lines) + "\r\n\r\n" + body


def response(req, code, reason, to_tag=None, body="", contact=None, extra=()):
    """A response to the received request `req` (a Msg), as the UAS sends it."""
    lines = [f"SIP/2.0 {code} {reason}"]
    for v in req.all("via", "v"):
        lines.append(f"Via: {v}")
    for name, short in (("from", "f"), ("to", "t"), ("call-id", "i"), ("cseq", None)):
        value = req.get(name, short)
        if name == "to" and to_tag and ";tag=" not in value:
            value += f";tag={to_tag}"
        lines.append(f"{name.title() if name != 'call-id' else 'Call-ID'}: {value}")
    for rr in req.all("record-route"):
        lines.append(f"Record-Route: {rr}")
    if contact:
        lines.append(f"Contact: {contact}")
    lines.extend(extra)
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


# RFC 3261 7.3.3: the compact forms of the headers a UA may abbreviate.
COMPACT = {"via": "v", "from": "f", "to": "t", "call-id": "i", "contact": "m",
           "content-length": "l", "content-type": "c", "subject": "s", "supported": "k"}


def compact(text):
    """The same message with every header that has a compact form abbreviated."""
    head, sep, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    for i, line in enumerate(lines[1:], 1):
        name, colon, value = line.partition(":")
        short = COMPACT.get(name.strip().lower())
        if colon and short:
            lines[i] = f"{short}:{value}"
    return "\r\n".join(lines) + sep + body


def content_length_ok(msg):
    cl = msg.get("content-length", "l")
    return cl is not None and int(cl) == len(msg.body)


def conntrack(ns, *args):
    return run_in(ns, "conntrack", *args, check=False)


def rtp_send(sock, dst, count=5):
    pkt = b"\x80\x00" + bytes(170)
    for _ in range(count):
        sock.send(pkt, dst)


def rtp_exchange(a, a_dst, b, b_dst, count=20):
    """Send `count` packets each way (a first) and return how many arrived."""
    pkt = b"\x80\x00" + bytes(170)
    for _ in range(count):
        a.send(pkt, a_dst)
    got_b = b.drain()
    for _ in range(count):
        b.send(pkt, b_dst)
    got_a = a.drain()
    return got_b, got_a
