# SPDX-License-Identifier: GPL-2.0
"""RTP that keeps flowing while a test does other things.

A pump thread sends one packet every 1/pps s from each end of each stream
(unless that end is muted, as a phone with silence suppression is) and
notes the time and source of every packet that arrives, so that a test can
ask afterwards whether media flowed during any window of the call:

    pump = Pump(pps=25)
    s = pump.add("call 1", rtp_ph, (server_addr, 50000), rtp_sv, (public, port))
    pump.start()
    t0 = time.monotonic(); ...; t1 = time.monotonic()
    ok, why = s.flowing("inside", t0, t1)   # did the phone keep receiving?
    pump.stop()

The sockets are sipnet.Sock objects (or anything with .s, a UDP socket).
"""

import select
import threading
import time

ENDS = ("inside", "outside")


class Stream:
    """Both directions of one media stream: `inside` sends to `inside_dst`
    (the far side as the phone knows it), `outside` to `outside_dst` (the
    router's public port for the phone)."""

    def __init__(self, name, inside, inside_dst, outside, outside_dst):
        self.name = name
        self.sock = {"inside": inside, "outside": outside}
        self.dst = {"inside": inside_dst, "outside": outside_dst}
        self.mute = {"inside": False, "outside": False}
        self.sent = {"inside": [], "outside": []}       # send times
        self.got = {"inside": [], "outside": []}        # (time, source) of arrivals
        self.send_errors = {"inside": 0, "outside": 0}

    @staticmethod
    def other(end):
        return "outside" if end == "inside" else "inside"

    def received(self, end, t0, t1):
        """Packets that arrived at `end` in [t0, t1)."""
        return sum(1 for t, _ in self.got[end] if t0 <= t < t1)

    def sent_to(self, end, t0, t1):
        """Packets the other end sent towards `end` in [t0, t1)."""
        return sum(1 for t in self.sent[self.other(end)] if t0 <= t < t1)

    def sources(self, end, t0, t1):
        return {src[:2] for t, src in self.got[end] if t0 <= t < t1}

    def longest_gap(self, end, t0, t1):
        """The longest time in [t0, t1] without an arrival at `end`."""
        times = [t0] + [t for t, _ in self.got[end] if t0 <= t <= t1] + [t1]
        return max(b - a for a, b in zip(times, times[1:]))

    def flowing(self, end, t0, t1, share=0.5, max_gap=1.0):
        """Whether media reached `end` all through [t0, t1): at least `share`
        of what was sent to it (the last 0.3 s may still be on its way) and
        no silence longer than `max_gap` s. (ok, a sentence saying so)."""
        sent = self.sent_to(end, t0, t1 - 0.3)
        got = self.received(end, t0, t1)
        gap = self.longest_gap(end, t0, t1)
        ok = sent > 0 and got >= share * sent and gap <= max_gap
        return ok, (f"{self.name}: {end} received {got} of the {sent} packets sent to it "
                    f"in {t1 - t0:.1f} s, longest silence {gap:.1f} s")


class Pump(threading.Thread):
    """One thread that drives every stream added to it."""

    def __init__(self, pps=25):
        super().__init__(daemon=True)
        self.interval = 1.0 / pps
        self.streams = []
        self.by_fd = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.payload = b"\x80\x00" + bytes(158)

    def add(self, name, inside, inside_dst, outside, outside_dst):
        s = Stream(name, inside, inside_dst, outside, outside_dst)
        with self.lock:
            self.streams.append(s)
            for end in ENDS:
                self.by_fd[s.sock[end].s.fileno()] = (s, end)
        return s

    def remove(self, s):
        with self.lock:
            self.streams.remove(s)
            for end in ENDS:
                self.by_fd.pop(s.sock[end].s.fileno(), None)

    def mute(self, s, end, on=True):
        s.mute[end] = on

    def _receive(self, timeout):
        with self.lock:
            socks = {fd: s.sock[end].s for fd, (s, end) in self.by_fd.items()}
        if not socks:
            time.sleep(max(timeout, 0))
            return
        r, _, _ = select.select(list(socks.values()), [], [], max(timeout, 0))
        now = time.monotonic()
        for sock in r:
            try:
                _, src = sock.recvfrom(2048)
            except OSError:
                continue
            with self.lock:
                owner = self.by_fd.get(sock.fileno())
            if owner:
                owner[0].got[owner[1]].append((now, src))

    def run(self):
        next_tick = time.monotonic()
        while not self.stopping.is_set():
            now = time.monotonic()
            if now >= next_tick:
                with self.lock:
                    streams = list(self.streams)
                for s in streams:
                    for end in ENDS:
                        if s.mute[end]:
                            continue
                        try:
                            s.sock[end].s.sendto(self.payload, s.dst[end])
                            s.sent[end].append(now)
                        except OSError:
                            s.send_errors[end] += 1
                next_tick += self.interval
                # Fell behind (TCG, a busy host): skip ticks, do not burst.
                if next_tick < now:
                    next_tick = now + self.interval
            self._receive(next_tick - time.monotonic())

    def stop(self):
        self.stopping.set()
        self.join(5)
