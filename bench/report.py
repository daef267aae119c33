#!/usr/bin/env python3
"""Turn the guest output of `make bench` into the results table.

usage: report.py OUTDIR RESULTS.md

OUTDIR holds main.log, nompol.log, [stock.log] (guest output, lines as
described in bench/mpolbench.c) and meta.txt (host facts, "key value").
Prints the table and writes RESULTS.md.  Exit status 0 even when a target
is missed (the table says so); 1 if a figure could not be measured.
"""
import os
import statistics
import sys


def load(path):
    samples, place, info, errors, secs, recs = {}, {}, {}, [], [], {}
    if not os.path.exists(path):
        return None
    done = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            p = line.split(" ")
            if p[0] == "S" and len(p) == 5:
                samples.setdefault(p[1], {}).setdefault(p[2], {})[int(p[3])] = float(p[4])
            elif p[0] == "R" and len(p) >= 4:
                # R FIG VARIANT REP KEY=VALUE... (bench/migbench.c)
                d = {}
                for kv in p[4:]:
                    k, _, v = kv.partition("=")
                    try:
                        d[k] = float(v)
                    except ValueError:
                        d[k] = v
                recs.setdefault(p[1], {}).setdefault(p[2], {})[int(p[3])] = d
            elif p[0] == "P" and len(p) == 5:
                place.setdefault(p[2], {})[int(p[3])] = int(p[4])
            elif p[0] == "I" and len(p) >= 2:
                info[p[1]] = " ".join(p[2:])
                if p[1] == "guest_secs":
                    secs.append(" ".join(p[2:]))
            elif p[0] == "E":
                errors.append(line[2:])
            elif line.startswith("### DONE"):
                done = True
            elif line.startswith("### HARNESS"):
                errors.append(line)
    if not done:
        errors.append("the guest did not finish (no ### DONE)")
    return {"S": samples, "P": place, "I": info, "E": errors, "secs": secs,
            "R": recs}


def med(xs):
    return statistics.median(xs)


def fmt_ns(x):
    if x >= 1e6:
        return "%.2f ms" % (x / 1e6)
    if x >= 1e4:
        return "%.1f us" % (x / 1e3)
    return "%.0f ns" % x


def spread(xs):
    m = med(xs)
    return "%s..%s (±%.2f%%)" % (fmt_ns(min(xs)), fmt_ns(max(xs)),
                                  50.0 * (max(xs) - min(xs)) / m if m else 0)


def rel_range(xs):
    m = med(xs)
    return (max(xs) - min(xs)) / m if m else 0


rows = []      # main table
failures = []  # figures that could not be measured


def var(run, fig, v):
    try:
        d = run["S"][fig][v]
    except (KeyError, TypeError):
        return None
    return d if d else None


def ratio_row(num, title, run_a, fig_a, a, run_b, fig_b, b, target, kind,
              note="", dest=None):
    """Ratio of throughputs: time(B) / time(A), per rep pair (A_r, B_r).

    kind ">=": A is the mpol case, B the reference; ratio = tB / tA, so
    1.0 means equal, below 1 means the mpol case is slower.
    """
    if dest is None:
        dest = rows
    da, db = var(run_a, fig_a, a), var(run_b, fig_b, b)
    if not da or not db:
        failures.append("%s %s: no samples" % (num, title))
        dest.append([num, title, a, "-", b, "-", "not measured", "-",
                     "%s %s" % (kind, target), "**n/a**", note])
        return
    reps = sorted(set(da) & set(db))
    pair = [db[r] / da[r] for r in reps]
    r = med(list(db.values())) / med(list(da.values()))
    ok = r >= target
    noisy = max(rel_range(list(da.values())), rel_range(list(db.values()))) > 0.05
    dest.append([num, title,
                 "%s: %s" % (a, fmt_ns(med(list(da.values())))), spread(list(da.values())),
                 "%s: %s" % (b, fmt_ns(med(list(db.values())))), spread(list(db.values())),
                 "%.4f" % r, "%.4f..%.4f" % (min(pair), max(pair)),
                 "%s %s" % (kind, target),
                 "met" if ok else ("inconclusive (spread > 5%)" if noisy else "**MISSED**"),
                 note])


# ---- figure 8: mpol.migrate (bench/migbench.c) ----

MIG_NODES = 4   # nodes shown in the placement table (0-3)


def fmt_rate(x):
    return "%.0f pages/s (%.0f MiB/s)" % (x, x * 4096 / 2 ** 20)


def rate_spread(xs):
    m = med(xs)
    return "%.0f..%.0f (±%.2f%%)" % (min(xs), max(xs),
                                      50.0 * (max(xs) - min(xs)) / m if m else 0)


def rates(recs, num):
    """{rep: pages per second of guest time} of a variant's records."""
    return {r: d[num] * 1e9 / d["ns"] for r, d in recs.items()
            if isinstance(d.get(num), float) and d.get("ns")}


def rate_row(dest, num, title, a, da, b, db, target, note):
    """Throughput ratio med(A) / med(B); target None: a row for scale."""
    if not da or not db:
        failures.append("%s %s: no samples" % (num, title))
        dest.append([num, title, a, "-", b, "-", "not measured", "-",
                     ">= %s" % target if target is not None else "-", "**n/a**", note])
        return None
    reps = sorted(set(da) & set(db))
    pair = [da[r] / db[r] for r in reps]
    ratio = med(list(da.values())) / med(list(db.values()))
    if target is None:
        verdict, tcell = "(anchor)", "-"
    else:
        verdict, tcell = ("met" if ratio >= target else "**MISSED**"), ">= %s" % target
    dest.append([num, title, "%s: %s" % (a, fmt_rate(med(list(da.values())))),
                 rate_spread(list(da.values())),
                 "%s: %s" % (b, fmt_rate(med(list(db.values())))),
                 rate_spread(list(db.values())),
                 "%.4f" % ratio, "%.4f..%.4f" % (min(pair), max(pair)) if pair else "-",
                 tcell, verdict, note])
    return ratio


def node_counts(d, prefix):
    return [int(d.get("%s%d" % (prefix, n), 0)) for n in range(MIG_NODES)]


def placed_exactly(recs):
    """Every rep: each page on its expected node (per-node counts = expected)."""
    return bool(recs) and all(
        d.get("mismatch") == 0 and d.get("nx") == 0 and
        node_counts(d, "n") == node_counts(d, "e") for d in recs.values())


def mig_section(run):
    """Rows of section 8 (the '#' table) and its placement table."""
    mrows, prows, lines = [], [], []
    I, R = run["I"], run["R"]
    if I.get("f8", "").startswith("skipped"):
        return mrows, prows, ["Not measured: " + I["f8"] + "."]
    f8a = R.get("f8a", {})
    kind = {v: next(iter(d.values())).get("kind") for v, d in f8a.items() if d}
    users = [v for v in f8a if kind.get(v) == "user"]
    kern = f8a.get("kernel", {})
    kr = rates(kern, "moved")
    ur = {v: rates(f8a[v], "migrated") for v in users}
    best = max(users, key=lambda v: med(list(ur[v].values())) if ur[v] else 0) if users else None

    def last(v):
        return f8a[v][max(f8a[v])] if f8a.get(v) else {}

    def moved_note(v):
        d = f8a.get(v, {})
        if not d:
            return "-"
        key = "moved" if kind.get(v) == "kernel" else "migrated"
        return "%d" % med([x[key] for x in d.values()])

    # 8a: kernel vs the best userspace variant, same final placement
    if kern and best:
        same = (placed_exactly(kern) and placed_exactly(f8a[best]) and
                node_counts(last("kernel"), "n") == node_counts(last(best), "n") and
                last("kernel").get("addr") == last(best).get("addr"))
        notified = sum(1 for d in kern.values() if d.get("notified") == 1)
        note = ("pages moved per pass: kernel %s (migrate_moved; pgmigrate_success %d), %s %s; "
                "final placement %s (pages per node 0-3: kernel %s, %s %s); "
                "%d of %d passes ended by the POLLPRI notification"
                % (moved_note("kernel"), med([d["migrated"] for d in kern.values()]),
                   best, moved_note(best),
                   "the same, every page on its node" if same else "**DIFFERENT** (see the placement table)",
                   "/".join(str(x) for x in node_counts(last("kernel"), "n")), best,
                   "/".join(str(x) for x in node_counts(last(best), "n")),
                   notified, len(kern)))
        ratio = rate_row(mrows, "8a",
                         "pass throughput, %d MiB of 4 KiB pages on node 0 -> weighted-interleave 3:1:1:1 over 0-3 "
                         "(`on 64G`): kernel pass vs the best userspace agent (/proc/PID/maps + move_pages(2))"
                         % (int(last("kernel").get("pages", 0)) * 4096 >> 20),
                         "kernel", kr, best, ur[best], 1.0, note)
        if ratio is not None and not same:
            mrows[-1][9] = "**MISSED** (placement)"
    else:
        failures.append("8a: no samples")
        mrows.append(["8a", "pass throughput vs userspace", "-", "-", "-", "-",
                      "not measured", "-", ">= 1.0", "**n/a**", ""])
    descr = {(0, 512): "address order, 512 pages per call",
             (1, 512): "each 512-page call ordered by target node",
             (1, 0): "one call for all pages, ordered by target node"}
    for v in users:
        d = last(v)
        what = descr.get((int(d.get("sort", 0)), int(d.get("batch", -1))),
                         "batch %s, sort %s" % (d.get("batch"), d.get("sort")))
        rate_row(mrows, "8a-" + v, "same memory: kernel pass vs agent %s (%s; %d move_pages calls per run)"
                 % (v, what, d.get("calls", 0)),
                 "kernel", kr, v, ur[v], 1.0,
                 "moved per run %s; pages off target %d" % (moved_note(v), sum(x.get("mismatch", 0) for x in f8a[v].values())))
    # 8b: cpuset.mems, for scale
    cs = f8a.get("cpuset", {})
    crt = rates(cs, "migrated")
    note = ""
    if cs and kern:
        note = ("cpuset.mems write: %s for %s pages (all of them, node 0 -> 1); kernel pass: %s for %s"
                % (fmt_ns(med([d["ns"] for d in cs.values()])), moved_note("cpuset"),
                   fmt_ns(med([d["ns"] for d in kern.values()])), moved_note("kernel")))
    rate_row(mrows, "8b", "for scale: the same memory moved by a cpuset.mems change 0 -> 1 "
             "(cgroup v2 migrates; the write returns when done): kernel pass vs cpuset",
             "kernel", kr, "cpuset", crt, None, note)
    # 8c: a workload's faults during a pass at the default rate
    f8c = R.get("f8c", {}).get("during", {})
    note = ""
    if f8c:
        inpass = sum(1 for d in f8c.values() if d.get("inpass") == 1)
        mv = [d["moved_in_run"] * 1e9 / d["run_ns"] for d in f8c.values() if d.get("run_ns")]
        d0 = next(iter(f8c.values()))
        note = ("the pass (`on` = 32M/s) moved %d pages during a run (%.0f pages/s) of the %d it moves "
                "(%d MiB faulted on node 0 before each run); run wholly inside the pass in %d of %d reps; "
                "workload: %d x (mmap 4 MiB, touch, munmap), ns per page"
                % (med([d["moved_in_run"] for d in f8c.values()]), med(mv) if mv else 0,
                   med([d["pass_moved"] for d in f8c.values()]), d0.get("rmib", 0), inpass, len(f8c),
                   d0.get("chunks", 0)))
    ratio_row("8c", "4 KiB fault throughput of a workload while a pass at the default rate moves its memory, vs undisturbed",
              run, "f8c", "during", run, "f8c", "undisturbed", 0.9, ">=", note, dest=mrows)
    # 8d: the rate limit
    f8d = R.get("f8d", {})
    if not f8d:
        failures.append("8d: no samples")
    for v in sorted(f8d, key=lambda x: next(iter(f8d[x].values())).get("set", 0)):
        d = f8d[v]
        setp = next(iter(d.values())).get("set", 0)
        meas = {r: (x["moved"] + x["failed"]) * 1e9 / x["ns"] for r, x in d.items() if x.get("ns")}
        if not meas or not setp:
            failures.append("8d %s: no samples" % v)
            continue
        ratio = med(list(meas.values())) / setp
        pr = [m / setp for m in meas.values()]
        ok = 0.9 <= ratio <= 1.1
        mrows.append(["8d-" + v.replace("on", ""),
                      "rate limit `%s %s`: moved+failed pages over the pass (trigger write to completion) vs the setting"
                      % (v[:2], v[2:]),
                      "measured: %s" % fmt_rate(med(list(meas.values()))), rate_spread(list(meas.values())),
                      "setting: %s" % fmt_rate(setp), "-",
                      "%.4f" % ratio, "%.4f..%.4f" % (min(pr), max(pr)), "0.9..1.1",
                      "met" if ok else "**MISSED**",
                      "%d pages moved per pass in %s (median)" % (
                          med([x["moved"] for x in d.values()]), fmt_ns(med([x["ns"] for x in d.values()])))])
    # placement after the pass: every variant of 8a
    for v in f8a:
        recs = f8a[v]
        d = last(v)
        ok = placed_exactly(recs)
        prows.append([v, moved_note(v), " ".join(str(x) for x in node_counts(d, "n")),
                      " ".join(str(x) for x in node_counts(d, "e")),
                      "%d" % sum(x.get("mismatch", 0) + x.get("nx", 0) for x in recs.values()),
                      "met" if ok else "**MISSED**"])
    return mrows, prows, lines


def main():
    out, md = sys.argv[1], sys.argv[2]
    meta = {}
    with open(os.path.join(out, "meta.txt")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            meta[k] = v
    main_run = load(os.path.join(out, "main.log"))
    nompol = load(os.path.join(out, "nompol.log"))
    stock = load(os.path.join(out, "stock.log"))
    if main_run is None:
        print("bench: no output of the main boot", file=sys.stderr)
        return 1
    I = main_run["I"]

    ratio_row("1", "4 KiB anon fault, WI 3:1:1:1 on 0-3: cgroup policy vs task policy",
              main_run, "f1", "cgroup", main_run, "f1", "task", 0.99, ">=",
              "16 MiB/rep, MADV_NOHUGEPAGE")
    if "f1thp" in main_run["S"]:
        ratio_row("1b", "THP (2 MiB) anon fault, same",
                  main_run, "f1thp", "cgroup", main_run, "f1thp", "task", 0.99, ">=",
                  "64 MiB/rep, MADV_HUGEPAGE (THP: %s)" % I.get("thp", "?"))
    else:
        rows.append(["1b", "THP fault", "-", "-", "-", "-", "-", "-", "-", "n/a",
                     "skipped: %s" % I.get("f1thp", "?")])
    ratio_row("2", "bulk: vzalloc() via alloc_pages_bulk_array_mempolicy (open+close /dev/ptmx), cgroup vs task",
              main_run, "f2", "cgroup", main_run, "f2", "task", 0.99, ">=",
              "200 x open+close per rep; each open vzalloc()s 2 x 3 pages")
    ratio_row("3", "default-policy 4 KiB fault, nothing configured: mpol kernel vs same kernel cgroup_disable=mpol",
              main_run, "f3", "unused", nompol, "f3", "unused", 0.995, ">=",
              "TWO BOOTS (reps paired by index, not interleaved)")
    if stock is not None:
        ratio_row("3s", "same, mpol kernel vs stock 6.12 (no series)",
                  main_run, "f3", "unused", stock, "f3", "unused", 0.995, ">=",
                  "TWO BOOTS, different kernel images")
    else:
        rows.append(["3s", "same, vs stock 6.12", "-", "-", "-", "-", "-", "-", "-", "n/a",
                     meta.get("stock_note", "")])
    ratio_row("3k", "default-policy fault, static key on (another cgroup configured) vs off",
              main_run, "f3k", "keyon", main_run, "f3k", "keyoff", 0.995, ">=",
              "same boot; the key is flipped between runs")
    ratio_row("4", "4 KiB fault, WI set at level 1: task at depth 32 vs depth 1",
              main_run, "f4", "depth32", main_run, "f4", "depth1", 0.99, ">=", "")
    ratio_row("6", "attach (write pid to cgroup.procs): into a cgroup with mpol policy vs without",
              main_run, "f6", "mpol", main_run, "f6", "none", 0.98, ">=",
              "one sleeping single-thread process per pair, moved back and forth")
    # figure 9a: the auto key of mpol.weights (SPEC.md section 9); part "auto"
    if "f9a" in main_run["S"] or "f9a_weights" in I or I.get("f9", "").startswith("failed"):
        ratio_row("9a", "4 KiB anon fault, WI on 0-3: `auto on` weights vs the same weights written explicitly",
                  main_run, "f9a", "auto", main_run, "f9a", "explicit", 0.99, ">=",
                  "auto vs explicit %s (initiator 0's table)"
                  % I.get("f9a_weights", "?").split(" ")[0])
    else:
        rows.append(["9a", "anon fault, auto weights vs explicit", "-", "-", "-", "-", "-", "-", "-", "n/a",
                     "not measured: %s" % I.get("f9", "no auto part in this run")])
    # figure 10: mpol.scope (SPEC.md section 10); bench.sh part "scope"
    if "f10a" in main_run["S"] or "f10b" in main_run["S"]:
        ratio_row("10a", "4 KiB anon fault, WI 3:1:1:1 on 0-3: scope anon vs scope all",
                  main_run, "f10a", "anon", main_run, "f10a", "all", 0.99, ">=",
                  "16 MiB/rep, MADV_NOHUGEPAGE; same policy and weights in both cgroups")
        ratio_row("10b", "page-cache read(2), file dropped before each run: scope anon + WI 3:1:1:1 vs no policy",
                  main_run, "f10b", "anon", main_run, "f10b", "none", 0.99, ">=",
                  "%s; 64 KiB per read(2); a sparse file: readahead allocates and zero-fills, no block I/O" % I.get("readfile_fs", "?"))
    else:
        for num, what in (("10a", "anon fault, scope anon vs all"),
                          ("10b", "page-cache read, scope anon vs no policy")):
            rows.append([num, what, "-", "-", "-", "-", "-", "-", "-", "n/a",
                         "not measured: %s" % I.get("f10", "no scope part in this run")])

    # figure 5: update cost vs members
    upd = []
    f5 = main_run["S"].get("f5", {})
    for kind, target in (("policy", 1.2), ("weights", 1.2), ("cpuset.mems", None),
                         ("policy+migrate", 1.2)):
        meds = {}
        spreads = {}
        for n in (1, 100, 1000, 4000):
            d = f5.get("%s/n%d" % (kind, n))
            if d:
                meds[n] = med(list(d.values()))
                spreads[n] = spread(list(d.values()))
        if len(meds) < 4:
            if kind == "policy+migrate" and I.get("f5mig", "").startswith("skipped"):
                upd.append([kind] + ["-"] * 7 + ["n/a"])
                continue
            failures.append("5 %s: missing samples" % kind)
            upd.append([kind] + ["-"] * 8)
            continue
        r = meds[4000] / meds[1]
        pairs = [f5["%s/n4000" % kind][k] / f5["%s/n1" % kind][k]
                 for k in f5["%s/n1" % kind] if k in f5["%s/n4000" % kind]]
        per_task = (meds[4000] - meds[1]) / 3999
        verdict = ("met" if r <= target else "**MISSED**") if target else "(anchor)"
        upd.append([kind] + ["%s %s" % (fmt_ns(meds[n]), "") for n in (1, 100, 1000, 4000)] +
                   ["%.3f (%.3f..%.3f)" % (r, min(pairs), max(pairs)),
                    "%.1f ns" % abs(per_task) if abs(per_task) < 0.05 else "%.1f ns" % per_task, "<= %s" % target if target else "-", verdict])
        for n in (1, 100, 1000, 4000):
            upd[-1][[1, 100, 1000, 4000].index(n) + 1] = "%s [%s]" % (fmt_ns(meds[n]), spreads[n].split(" (")[0])

    # figure 7: placement
    place = []
    pl = main_run["P"]
    auto_who = {"auto-cpu0": "auto from CPU 0", "auto-cpu1": "auto from CPU 1"}
    for key in sorted(pl, key=lambda k: (k.split("/")[0] != "fault", k.split("/")[-1] in auto_who, k)):
        kind, w, who = key.split("/")
        ws = [int(x) for x in w.split(":")]
        counts = [pl[key].get(n, 0) for n in range(len(ws))]
        other = sum(v for n, v in pl[key].items() if n >= len(ws))
        total = sum(counts) + other
        ideal = [total * x / sum(ws) for x in ws]
        dev = [c - i for c, i in zip(counts, ideal)]
        within = all(abs(d) <= x for d, x in zip(dev, ws)) and not other
        if kind == "fault":
            verdict = "met" if within else "**MISSED**"
        else:
            verdict = "within" if within else "drift (see note)"
        if who in auto_who:
            # auto weights: the expected counts are whole weight cycles
            exact = not other and all(c * sum(ws) == total * x for c, x in zip(counts, ws))
            verdict = "met (exact)" if exact else ("met (not exact)" if within else "**MISSED**")
            who = auto_who[who]
        place.append([kind, w, who, total, " ".join("%d" % c for c in counts) + (" +%d elsewhere" % other if other else ""),
                      " ".join("%.1f" % i for i in ideal),
                      " ".join("%+.1f" % d for d in dev),
                      "%.2f" % max(abs(d) / x for d, x in zip(dev, ws)), verdict])

    # ---- print ----
    L = []
    L.append("# mpol benchmarks (`make bench`)")
    L.append("")
    L.append("Generated by bench/run.sh + bench/report.py; raw guest output in build/logs/bench/raw/; kernels built with harness/config/bench.config (CONFIG_JUMP_LABEL=y) in build/obj-bench and build/obj-stock-bench.")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    L.append("| date | %s |" % meta.get("date", "?"))
    L.append("| command | `%s` |" % meta.get("command", "make bench"))
    L.append("| guest kernel | %s (%s), %s |" % (I.get("kernel", "?"), I.get("uname", "?"), meta.get("kernel_pkg", "")))
    L.append("| repository | %s |" % meta.get("repo", "?"))
    L.append("| machine | %s; host kernel %s |" % (meta.get("host_cpu", "?"), meta.get("host_kernel", "?")))
    L.append("| QEMU | %s; %s |" % (meta.get("qemu", "?"), meta.get("qemu_mode", "?")))
    L.append("| guest | 2 vCPUs, 4 NUMA nodes (0,1 with CPUs; 2,3 memory only), 2.5 GiB; all benchmark tasks pinned to CPU 0; clocksource %s |" % I.get("clocksource", "?"))
    L.append("| repetitions | %s per figure (update and attach: %d), after one untimed warm-up run per variant; variants interleaved A B A B ... |" % (meta.get("reps", "?"), 3 * int(meta.get("reps", "7"))))
    L.append("| time | %s s for the boots and the report (the kernel build of `make bench` not included) |" % meta.get("total_secs", "?"))
    L.append("")
    L.append("Times are guest CLOCK_MONOTONIC ns per operation. Under `-icount shift=0` one guest ns is one")
    L.append("executed instruction, so a ratio compares path lengths (instructions, including the other vCPU's")
    L.append("ticks), not cache or memory behaviour; it repeats within a few 0.1%.")
    L.append("Ratio = time(reference) / time(mpol case) = throughput(mpol case) / throughput(reference),")
    L.append("computed from the medians; 'pair range' = min..max of the per-repetition ratios.")
    L.append("")
    L.append("## Hot path, unused cost, depth, attach")
    L.append("")
    L.append("| # | figure | mpol case: median | spread (min..max) | reference: median | spread | ratio | pair range | target | result | notes |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        L.append("| " + " | ".join(str(x) for x in r) + " |")
    L.append("")
    L.append("## 5. Update cost vs members (one write() to the file, median [min..max])")
    L.append("")
    L.append("Each sample is the mean of one write of each of the two alternating values")
    L.append("(mpol.policy: weighted-interleave:0-3 / interleave:0-1; mpol.weights: `0 3` / `0 2`;")
    L.append("cpuset.mems: 0-3 / 0-1). Members: sleeping processes that each touched 64 KiB.")
    L.append("")
    L.append("| file | 1 task | 100 tasks | 1000 tasks | 4000 tasks | 4000/1 (pair range) | per extra task | target | result |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for r in upd:
        L.append("| " + " | ".join(str(x) for x in r) + " |")
    L.append("")
    L.append("Stock 6.12 for scale (real hardware): cpuset.mems ~30 us per member task, 4000 tasks ~120 ms vs 42 us for one.")
    L.append("")
    passes = [(k.split(":", 1)[1], v) for k, v in sorted(I.items()) if k.startswith("f5_passes:")]
    if passes or any(k.startswith("policy+migrate/") for k in f5):
        L.append("policy+migrate: the policy row again after `mpol.migrate` `on` (32M/s) in the four cgroups, so every")
        L.append("write starts or retargets a pass over the members (bench/migbench.c upd); the writer runs SCHED_FIFO on")
        L.append("CPU 0 with the unbound workqueues confined to CPU 0, so the passes run while it sleeps and the timed")
        L.append("write() is the writer's own path (see Notes).")
    if passes:
        L.append("Passes during the timed writes: " + "; ".join(
            "%s: %s" % (lab.split("/")[-1], " ".join(x for x in v.split() if x.split("=")[0] in
                                                   ("writes", "started", "aborted", "completed")))
            for lab, v in passes) + ".")
    elif I.get("f5mig"):
        L.append("policy+migrate: %s." % I["f5mig"])
    L.append("")
    L.append("## 7. Placement: pages per node (nodes 0-2; the auto rows 0-3)")
    L.append("")
    L.append("fault: N 4 KiB anonymous faults in a fresh process (the index-based path, weighted_interleave_nid);")
    L.append("bulk: 100 x open(/dev/ptmx) = 200 vzalloc() of 3 pages through alloc_pages_bulk_array_mempolicy")
    L.append("(the cursor-based path, il_prev/il_weight), counted from /proc/vmallocinfo.")
    L.append("cgroup = cgroup policy weighted-interleave:0-2 + mpol.weights; task = set_mempolicy(MPOL_WEIGHTED_INTERLEAVE, 0-2)")
    L.append("with the sysfs weights, in an unconfigured cgroup; task+cgweights = the same task policy in a cgroup that only")
    L.append("sets mpol.weights. Target: every node within one weight cycle of the ideal, |pages - ideal| <= its weight")
    L.append("('dev/weight' <= 1).")
    L.append("auto from CPU N: the fault path in a cgroup with weighted-interleave:0-3 and `auto on` in mpol.weights, the")
    L.append("process pinned to CPU N: the weights are the table of that CPU's node (its `initiatorI` line of")
    L.append("mpol.weights.effective, nodes 0-3); 100 weight cycles of faults, so 'ideal' is the exact expected count;")
    L.append("'met (exact)' = every node got exactly that.")
    if not any(k.split("/")[-1] in auto_who for k in pl):
        L.append("(auto rows not measured: %s)" % I.get("f9", "no auto part in this run"))
    L.append("")
    L.append("| path | weights | variant | pages | per node | ideal | deviation | max dev/weight | result |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for r in place:
        L.append("| " + " | ".join(str(x) for x in r) + " |")
    L.append("")
    L.append("## 8. Migration passes (`mpol.migrate`)")
    L.append("")
    L.append("Same boot, variants interleaved A B C ... after one untimed warm-up run each (bench/migbench.c).")
    L.append("Throughput = pages moved per second of guest time: for the kernel pass migrate_moved (mpol.stat) over")
    L.append("the time from the write of `pass` to mpol.migrate until mpol.stat shows the pass completed (poll);")
    L.append("for the userspace agent and cpuset.mems pgmigrate_success (/proc/vmstat) over the agent's run (maps,")
    L.append("targets, move_pages calls) or the cpuset.mems write(). Every run moves fresh memory faulted on node 0")
    L.append("at the same address, so every variant moves the same interleave indices. Ratio = throughput(kernel) /")
    L.append("throughput(reference) for 8a/8b, time(undisturbed) / time(during) for 8c, measured / set rate for 8d.")
    L.append("")
    mrows, prows, mlines = mig_section(main_run)
    for x in mlines:
        L.append(x)
    if mrows:
        L.append("| # | figure | mpol case: median | spread (min..max) | reference: median | spread | ratio | pair range | target | result | notes |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in mrows:
            L.append("| " + " | ".join(str(x) for x in r) + " |")
        L.append("")
    if prows:
        L.append("Placement after each run of 8a/8b (the %s pages of the moved memory, last rep; expected: the weighted"
                 % int(next(iter(next(iter(main_run["R"]["f8a"].values())).values())).get("pages", 0)))
        L.append("interleave of each page's index (8a), node 1 (cpuset); 'off target' summed over all reps):")
        L.append("")
        L.append("| variant | pages moved per run | per node 0 1 2 3 | expected | off target | result |")
        L.append("|---|---|---|---|---|---|")
        for r in prows:
            L.append("| " + " | ".join(str(x) for x in r) + " |")
        L.append("")
    errs = []
    for name, run in (("main", main_run), ("nompol", nompol), ("stock", stock)):
        if run:
            errs += ["%s: %s" % (name, e) for e in run["E"]]
    if errs or failures:
        L.append("## Errors")
        L.append("")
        for e in errs + failures:
            L.append("- " + e)
        L.append("")
    L.append("## Notes")
    L.append("")
    notes_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes_path):
        with open(notes_path) as f:
            L.append(f.read().rstrip("\n"))
    L.append("")
    L.append("Guest seconds per part (main boot): " + ", ".join(
        "%s %s" % tuple(x.split(" ", 1)) for x in main_run["secs"]) +
        "; host seconds per boot: " + ", ".join(
        "%s %s" % (n, r["I"].get("boot_host_secs", "?"))
        for n, r in (("main", main_run), ("nompol", nompol), ("stock", stock)) if r) + ".")
    text = "\n".join(L) + "\n"
    with open(md, "w") as f:
        f.write(text)
    print(text)
    return 1 if failures or errs else 0


if __name__ == "__main__":
    sys.exit(main())
