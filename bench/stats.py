#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the helper timings and profiles of bench/guest.sh; write bench/results.md.

    stats.py --dir OUT --n N --krel R --json OUT/summary.json   (in the guest)
    stats.py --markdown bench/results.md [--notes F] SUMMARY.json...   (on the host)

The guest runs sessions of rounds, each round one pass per helper on fresh
state. OUT/<session>.ns holds "<function> <start ns> <ns>" lines, one per
timed call, and OUT/<session>.rounds "<alg> <round> <start ns> <end ns>",
one per pass: timed (kernel: sip_help_udp, ours: sip_alg_help), calibrate
(a near-empty function: what a kprobe/kretprobe pair costs) and bighash (as
timed, with a larger expectation hash). OUT/profile.stacks and
OUT/profile-bighash.stacks hold bpftrace's maps of the kernel stacks sampled
during the sampling sessions (the second with the larger hash).
"""

import argparse
import datetime
import json
import os
import statistics
import sys

# Result name: session, helper (alg) and the function timed.
MAIN = {"kernel": ("timed", "kernel", "sip_help_udp"),
        "ours": ("timed", "ours", "sip_alg_help"),
        "calibrate": ("calibrate", "ours", "__nf_ct_refresh_acct"),
        "kernel-bighash": ("bighash", "kernel", "sip_help_udp"),
        "ours-bighash": ("bighash", "ours", "sip_alg_help")}
# The sampling session: help function, and the functions whose inclusive
# samples are reported as a share of the help function's. A name matches a
# frame of that name or with a compiler suffix (.isra.0, .constprop.0, .cold).
PROFILE = {
    "ours": ("sip_alg_help", (
        "sip_alg_parse", "sdp_alg_parse", "sip_alg_dialog_process", "sip_alg_pin_add",
        "nf_ct_expect_alloc", "nf_ct_expect_related_report", "slab allocations",
        "sip_alg_nat_rewrite", "sip_alg_plan", "nf_nat_mangle_udp_packet")),
    "kernel": ("sip_help_udp", (
        "process_sdp", "set_expected_rtp_rtcp", "nf_ct_expect_related_report", "nf_ct_expect_alloc",
        "nf_nat_sip", "nf_nat_sdp_session", "nf_nat_sdp_media", "ct_sip_get_header",
        "ct_sip_get_sdp_header", "nf_nat_mangle_udp_packet", "flush_expectations", "slab allocations")),
}
# Every way into the slab allocator, whichever the kernel version has
# (6.1: kmem_cache_alloc, kmalloc_trace, __kmalloc, __kmem_cache_alloc_node;
# 6.12: kmem_cache_alloc_noprof, __kmalloc_cache_noprof, __kmalloc_noprof):
# a stack counts once however many of them it holds.
ALLOC_PREFIXES = ("kmem_cache_alloc", "__kmem_cache_alloc", "kmalloc_trace", "__kmalloc")
HZ = 4999  # profile:hz in bench/guest.sh
# Result name of each sampling session's profile: the session, and its
# expectation hash as results.md names it.
SAMPLED = {"profile": ("profile", "default"), "profile_bighash": ("profile-bighash", "16384")}
TOP = 6  # shares per helper in results.md


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def load(out, session, alg, fn):
    """The durations of fn's calls during alg's pass of each round, by round."""
    # bpftrace's per-CPU buffers do not keep time order: sort by start.
    calls = sorted((int(start), f, int(ns)) for f, start, ns in lines(f"{out}/{session}.ns"))
    by_round = {}
    for a, rnd, t0, t1 in lines(f"{out}/{session}.rounds"):
        if a == alg:
            by_round[int(rnd)] = [ns for start, f, ns in calls if f == fn and int(t0) <= start <= int(t1)]
    return by_round


def pct(v, p):
    s = sorted(v)
    if not s:
        return 0
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


def summary(by_round):
    """Pooled over the rounds; the mean of each round (by round number); the
    median over the rounds of each tenth's p50, which shows growth with the
    calls before."""
    rounds = [by_round[r] for r in sorted(by_round)]
    v = [ns for r in rounds for ns in r]
    tenths = []
    if rounds and all(len(r) >= 10 for r in rounds):
        per_round = [[pct(r[i * len(r) // 10:(i + 1) * len(r) // 10], 50) for i in range(10)] for r in rounds]
        tenths = [statistics.median(t) for t in zip(*per_round)]
    return {"calls": len(v), "mean_ns": sum(v) / len(v) if v else 0.0,
            "p50_ns": pct(v, 50), "p99_ns": pct(v, 99), "p50_by_tenth_ns": tenths,
            "round_means_ns": {str(r): sum(by_round[r]) / len(by_round[r])
                               for r in sorted(by_round) if by_round[r]}}


def us(ns):
    return f"{ns / 1000:.1f}"


def fmt(x):
    return "n/a" if x is None else f"{x:.2f}"


def ratio(a, b):
    return a / b if b > 0 else None


def ratios(res, k, o):
    """ours/kernel: raw mean and p99, net of the probe's own cost, and the
    net mean ratio of each round (the two helpers' passes of one round ran
    next to each other)."""
    K, O, P = res[k], res[o], res["calibrate"]
    return {"mean": ratio(O["mean_ns"], K["mean_ns"]), "p99": ratio(O["p99_ns"], K["p99_ns"]),
            "mean_net": ratio(O["mean_ns"] - P["mean_ns"], K["mean_ns"] - P["mean_ns"]),
            "p50_net": ratio(O["p50_ns"] - P["p50_ns"], K["p50_ns"] - P["p50_ns"]),
            "rounds_net": [ratio(O["round_means_ns"][r] - P["mean_ns"], K["round_means_ns"][r] - P["mean_ns"])
                           for r in sorted(K["round_means_ns"], key=int) if r in O["round_means_ns"]]}


def entered(path):
    return {fn: int(n) for fn, n in lines(path)}


def stacks(path):
    """bpftrace's "@[\\n frame+off\\n ...\\n]: count" entries as (frames, count),
    leaf first, offsets stripped."""
    out, frames = [], None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line == "@[":
                frames = []
            elif line.startswith("@[]: "):
                out.append(([], int(line[5:])))
            elif frames is not None and line.startswith("]: "):
                out.append((frames, int(line[3:])))
                frames = None
            elif frames is not None:
                frames.append(line.partition("+")[0])
    return out


def matches(frame, fn):
    if fn == "slab allocations":
        return frame.startswith(ALLOC_PREFIXES)
    return frame == fn or frame.startswith(fn + ".")


def profile(path, help_fn, fns, n):
    """Samples whose stack passes through help_fn, and for each of fns the
    share of those whose stack passes through it below help_fn (inclusive)."""
    total, under, incl = 0, 0, dict.fromkeys(fns, 0)
    for frames, count in stacks(path):
        total += count
        at = [i for i, fr in enumerate(frames) if matches(fr, help_fn)]
        if not at:
            continue
        under += count
        callees = frames[:at[-1]]
        for fn in fns:
            if any(matches(fr, fn) for fr in callees):
                incl[fn] += count
    return {"help": help_fn, "invites": n, "samples_total": total, "samples": under,
            "per_invite": under / n,
            "share": {fn: (c / under if under else 0.0) for fn, c in incl.items()}}


def guest(args):
    res = {"krel": args.krel, "date": datetime.date.today().isoformat(), "n": args.n,
           "rounds": args.rounds}
    for name, (session, alg, fn) in MAIN.items():
        res[name] = summary(load(args.dir, session, alg, fn))
        res[name]["entered"] = entered(f"{args.dir}/{session}.entered").get(fn)
    # Each helper's passes send N INVITEs a round; the ratio is per INVITE
    # all the same, as the timed ratios are per call.
    for key, (session, _) in SAMPLED.items():
        path = f"{args.dir}/{session}.stacks"
        if key != "profile" and not os.path.exists(path):
            continue
        p = res[key] = {alg: profile(path, fn, fns, args.n * args.rounds)
                        for alg, (fn, fns) in PROFILE.items()}
        res[key + "_ratio"] = ratio(p["ours"]["per_invite"], p["kernel"]["per_invite"])
    res["ratio"] = ratios(res, "kernel", "ours")
    if res["kernel-bighash"]["calls"] and res["ours-bighash"]["calls"]:
        res["ratio_bighash"] = ratios(res, "kernel-bighash", "ours-bighash")
    with open(args.json, "w") as f:
        json.dump(res, f, indent=1)

    for name in MAIN:
        s = res[name]
        print(f"# {name}: {s['calls']} calls, mean {s['mean_ns'] / 1000:.1f} us, "
              f"p50 {s['p50_ns'] / 1000:.1f} us, p99 {s['p99_ns'] / 1000:.1f} us, "
              f"p50 per tenth {[round(x / 1000) for x in s['p50_by_tenth_ns']]}")
    for key in (k for k in SAMPLED if k in res):
        for alg, p in res[key].items():
            shares = ", ".join(f"{fn} {100 * x:.0f}%" if x else f"{fn} no sample"
                               for fn, x in sorted(p["share"].items(), key=lambda kv: -kv[1]))
            print(f"# {key}-{alg}: {p['samples']} of {p['samples_total']} samples under {p['help']}, "
                  f"{p['per_invite']:.2f} per INVITE; inclusive: {shares}")
    for key in ("ratio", "ratio_bighash"):
        if key in res:
            r = res[key]
            print(f"# {key} ours/kernel: mean {fmt(r['mean'])}, p99 {fmt(r['p99'])}; less the "
                  f"probe's own cost: mean {fmt(r['mean_net'])}, p50 {fmt(r['p50_net'])}, "
                  f"by round {', '.join(fmt(x) for x in r['rounds_net'])} (target <= 0.33)")
    for key in (k for k in SAMPLED if k in res):
        print(f"# {key}: sampled ratio ours/kernel, samples per INVITE: {fmt(res[key + '_ratio'])} "
              "(target <= 0.33)")
    # Every INVITE must have entered each helper, and some calls must have
    # been timed (kretprobes miss returns, sometimes most of them, in this
    # guest: the table says how many were timed).
    ok = True
    sent = args.n * args.rounds
    for name in ("kernel", "ours"):
        s = res[name]
        if (s["entered"] or 0) < sent or not s["calls"]:
            print(f"# {name}: {s['entered']} calls entered, {s['calls']} timed, of {sent} INVITEs")
            ok = False
    for key in (k for k in SAMPLED if k in res):
        for alg, p in res[key].items():
            if not p["samples"]:
                print(f"# {key}-{alg}: no sample under {p['help']}")
                ok = False
    return 0 if ok else 1


def top_shares(p):
    top = sorted(((x, fn) for fn, x in p["share"].items() if x), reverse=True)[:TOP]
    return "<br>".join(f"{fn if ' ' in fn else f'`{fn}`'} {100 * x:.0f}%" for x, fn in top)


def markdown(args):
    rows = []
    for p in args.summaries:
        with open(p) as f:
            rows.append(json.load(f))
    lines = [
        "# Benchmark: time inside the helper per INVITE",
        "",
        "Written by `make bench` (`bench/run`). TCG-emulated guest: absolute times are inflated,",
        "only the ratios count. Target: ours ≤ 1/3 of the kernel's (ratio ≤ 0.33).",
        "",
        "| kernel | date | helper | what is timed | rounds | calls entered | timed | mean (µs) | p50 (µs) | p99 (µs) "
        "| mean, round by round (µs) | p50 first → last tenth (µs) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    labels = {"kernel": "nf_conntrack_sip + nf_nat_sip: `sip_help_udp`",
              "ours": "nf_sip_alg: `sip_alg_help`",
              "calibrate": "probe cost alone: `__nf_ct_refresh_acct`",
              "kernel-bighash": "`sip_help_udp`, expectation hash 16384",
              "ours-bighash": "`sip_alg_help`, expectation hash 16384"}
    for r in rows:
        for name, label in labels.items():
            s = r.get(name)
            if not s or not s["calls"]:
                continue
            t = s["p50_by_tenth_ns"]
            trend = f"{us(t[0])} → {us(t[-1])}" if t else ""
            means = s.get("round_means_ns", {})
            by_round = ", ".join(us(means[k]) for k in sorted(means, key=int))
            lines.append(f"| {r['krel']} | {r['date']} | {name} | {label} | {r.get('rounds', 1)} | "
                         f"{s.get('entered') or '?'} | {s['calls']} | {us(s['mean_ns'])} | {us(s['p50_ns'])} | "
                         f"{us(s['p99_ns'])} | {by_round} | {trend} |")
    lines += [
        "",
        "| kernel | pass | ours/kernel mean | ours/kernel p99 | net of probe: mean | net of probe: p50 "
        "| net mean, round by round | target ≤ 0.33 (net mean) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        for key, label in (("ratio", "default"), ("ratio_bighash", "expectation hash 16384")):
            if key not in r:
                continue
            x = r[key]
            verdict = "met" if x["mean_net"] is not None and x["mean_net"] <= 1 / 3 else "**missed**"
            by_round = ", ".join(fmt(v) for v in x.get("rounds_net", []))
            lines.append(f"| {r['krel']} | {label} | {fmt(x['mean'])} | {fmt(x['p99'])} | "
                         f"{fmt(x['mean_net'])} | {fmt(x['p50_net'])} | {by_round} | {verdict} |")
    lines += [
        "",
        f"## Where the time goes (sampling profile, {HZ} Hz)",
        "",
        "Sessions `profile` and `profile-bighash`: the same rounds of N INVITEs per helper on fresh",
        "state, no probe on either helper, every CPU's kernel stack sampled (the second with the",
        "expectation hash of 16384 buckets). Samples per INVITE are those whose stack",
        "passes through the help function; the shares are inclusive (the function or anything it",
        f"calls), in % of its help function's samples, the top {TOP} of a fixed list of functions",
        "(`.build/bench/<krel>/bench/summary.json` has them all).",
        "",
        "| kernel | date | expectation hash | samples per INVITE: `sip_help_udp` | `sip_alg_help` "
        "| ours/kernel (target ≤ 0.33) | nf_sip_alg: inclusive share "
        "| nf_conntrack_sip + nf_nat_sip: inclusive share |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        for key, (_, label) in SAMPLED.items():
            # A summary from before a sampling session has no row for it.
            if key + "_ratio" not in r:
                continue
            p = r[key]
            x = r[key + "_ratio"]
            verdict = "met" if x is not None and x <= 1 / 3 else "**missed**"
            lines.append(f"| {r['krel']} | {r['date']} | {label} | {p['kernel']['per_invite']:.2f} | "
                         f"{p['ours']['per_invite']:.2f} | {fmt(x)}, {verdict} | "
                         f"{top_shares(p['ours'])} | {top_shares(p['kernel'])} |")
    if args.notes:
        with open(args.notes) as f:
            lines += ["", f.read().rstrip()]
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir")
    ap.add_argument("--n", type=int)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--krel")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    ap.add_argument("--notes")
    ap.add_argument("summaries", nargs="*")
    args = ap.parse_args()
    return markdown(args) if args.markdown else guest(args)


if __name__ == "__main__":
    sys.exit(main())
