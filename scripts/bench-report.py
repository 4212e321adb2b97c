#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: reads what the benchmarks printed in the sandbox
(bench/bench.h describes the lines) and writes

  OUT/results.json   one key per figure, plus "meta"
  OUT/results.txt    the table, also printed on stdout
  OUT/NAME.png       one plot per BENCH-PLOT (gnuplot), with NAME.dat

  scripts/bench-report.py RESULTS_LOG OUT

Exit status 1 if no benchmark reported anything or a plot failed."""

import json
import os
import shutil
import subprocess
import sys
import time

MIB = 1024 * 1024


def parse(path):
    results, plots, rows = {}, {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("BENCH-RESULT "):
                _, key, value = line.split(" ", 2)
                try:
                    results[key] = json.loads(value)
                except json.JSONDecodeError as e:
                    print(f"bench: {key}: bad JSON ({e})", file=sys.stderr)
            elif line.startswith("BENCH-PLOT "):
                f5 = line[len("BENCH-PLOT "):].split("\t")
                if len(f5) == 5:
                    plots[f5[0]] = f5[1:]
                    rows.setdefault(f5[0], [])
            elif line.startswith("BENCH-ROW "):
                f = line.split()
                rows.setdefault(f[1], []).append(f[2:])
    return results, plots, rows


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def meta():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    qemu = sh("qemu-system-x86_64", "--version")
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "version": sh("git", "-C", top, "describe", "--always", "--dirty"),
        "host_cpu": cpu,
        "host_cpus": os.cpu_count(),
        "qemu": qemu.splitlines()[0] if qemu else None,
        "note": "guest (L2) under KVM in a TCG-emulated L1: compare ratios "
                "within one run, not absolute numbers",
    }


def mib(v):
    return "-" if v is None else f"{v / MIB:.2f}"


def num(v, fmt="{:.2f}"):
    return "-" if v is None else fmt.format(v)


def table(title, head, body):
    out = [title]
    cols = [head] + body
    w = [max(len(str(r[i])) for r in cols) for i in range(len(head))]
    for n, r in enumerate(cols):
        out.append("  " + "  ".join(str(c).rjust(w[i]) if i else
                                    str(c).ljust(w[i])
                                    for i, c in enumerate(r)))
        if n == 0:
            out.append("  " + "  ".join("-" * x for x in w))
    return "\n".join(out) + "\n"


def paired(p):
    """A paired ratio with its interval: 1.0123 [1.0051, 1.0190]."""
    if not p:
        return "-"
    if "low" not in p:
        return num(p.get("median"), "{:.4f}")
    return "{:.4f} [{:.4f}, {:.4f}]".format(p["median"], p["low"], p["high"])


def added(p):
    """What the hook adds to a page: +0.0510% [+0.0412%, +0.0633%]."""
    if not p:
        return "-"
    s = "{:+.4f}%".format(100 * p["fraction_of_page"])
    if "fraction_low" in p:
        s += " [{:+.4f}%, {:+.4f}%]".format(100 * p["fraction_low"],
                                            100 * p["fraction_high"])
    return s


def hook_calls(r):
    """The dq_hookbench part of figure 1, when it ran."""
    calls = r.get("call_ns_per_page")
    if not calls:
        return ""
    body = []
    for c in r.get("configs", []):
        n = c.get("name")
        body.append([n, num(calls.get(n), "{:.1f}"),
                     added(r.get("call_vs_stock", {}).get(n))
                     if n != "stock" else "-",
                     added(r.get("call_vs_patched", {}).get(n))
                     if n not in ("stock", "patched") else "-"])
    return "\n" + table("   mark_page_dirty_in_slot() alone (dq_hookbench): "
                        "ns per call, and what that adds to the cheapest "
                        "dirtied page, paired by repetition, >= 95% interval",
                        ["config", "ns/call", "vs stock", "vs patched"],
                        body)


def hook_cost(r):
    body = []
    for c in r.get("configs", []):
        n = c.get("name")
        body.append([n, num(c.get("ns_per_page"), "{:.0f}"),
                     num(c.get("ns_per_page_min"), "{:.0f}"),
                     num(c.get("ns_per_page_max"), "{:.0f}"),
                     paired(r.get("paired_vs_stock", {}).get(n))
                     if n != "stock" else "1",
                     paired(r.get("paired_vs_patched", {}).get(n))
                     if n not in ("stock", "patched") else "-"])
    return table("1. Cost of the hook (ns per dirtied page, emulated; "
                 f"median of {r.get('repetitions', '?')}, "
                 f"{r.get('pages_per_round', '?')} pages a round; ratios "
                 "paired by repetition, with a >= 95% interval of their "
                 "median)",
                 ["config", "ns/page", "min", "max", "vs stock",
                  "vs patched"], body) + hook_calls(r) + \
        f"  target: {r.get('target', '')}\n"


def accuracy(r):
    body = [[mib(t.get("target")), mib(t.get("achieved_mean")),
             "above capacity" if t.get("above_capacity") else
             num(t.get("mean_error_pct"), "{:+.2f}"),
             num(t.get("worst_window_error_pct"), "{:+.2f}"),
             mib(t.get("writer_capacity")),
             t.get("windows", "-")] for t in r.get("targets", [])]
    return table("2. Accuracy of the limit (one writer, sleep mode, "
                 f"{r.get('window_s', 1)} s windows; unthrottled "
                 f"{mib(r.get('unthrottled'))} MiB/s)",
                 ["target MiB/s", "achieved MiB/s", "mean err %",
                  "worst window %", "capacity MiB/s", "windows"], body) + \
        f"  target: within ±{r.get('target_band_pct', 5)}%; " \
        f"anchor: {r.get('anchor', '')}\n"


def fairness(r):
    body = []
    for p in r.get("policies", []):
        prog = p.get("compute_progress_pct") or []
        body.append([p.get("name"), num(p.get("throttle_pct"), "{:.0f}"),
                     mib(p.get("writer_rate")),
                     " ".join(num(x, "{:.1f}") for x in prog),
                     num(p.get("min_compute_progress_pct"), "{:.1f}")])
    return table("3. Fairness under skew (1 writer, 3 compute vCPUs; writer "
                 f"{mib(r.get('writer_unthrottled'))} MiB/s unthrottled, "
                 f"target {mib(r.get('writer_target'))} MiB/s)",
                 ["policy", "throttle %", "writer MiB/s",
                  "compute progress %", "min %"], body) + \
        f"  target: {r.get('target', '')}; anchor: {r.get('anchor', '')}\n"


def migration(r):
    body = []
    bad = 0
    skipped = set()
    for x in r.get("runs", []):
        if x.get("skipped"):
            skipped.add(f"{x.get('policy')}: {x['skipped']}")
            body.append([x.get("workload"), x.get("mode"), x.get("policy"),
                         "n/a"] + ["-"] * 7)
            continue
        ok = x.get("verified") and not x.get("mismatched_pages")
        bad += not ok
        body.append([x.get("workload"), x.get("mode"), x.get("policy"),
                     "yes" if x.get("converged") else "no",
                     num(x.get("total_s"), "{:.1f}"), x.get("iterations", "-"),
                     mib(x.get("final_dirty_bytes")),
                     num(x.get("downtime_ms_est"), "{:.0f}"),
                     mib(x.get("bytes_sent")),
                     num(x.get("compute_rel"), "{:.2f}"),
                     "ok" if ok else f"LOST {x.get('mismatched_pages')}"])
    return table("4. Live migration (memory "
                 f"{mib(r.get('memory_bytes'))} MiB, link "
                 f"{mib(r.get('link_bytes_per_s'))} MiB/s, downtime target "
                 f"{r.get('downtime_target_ms', '?')} ms)",
                 ["workload", "mode", "policy", "converged", "total s",
                  "iter", "final MiB", "downtime ms", "sent MiB",
                  "compute", "copy"], body) + \
        "  compute: the compute vCPUs' work per second during the migration, " \
        "relative to before it\n" + \
        "".join(f"  n/a: {x}\n" for x in sorted(skipped)) + \
        (f"  {bad} run(s) did not copy memory byte for byte\n" if bad else "")


def follow(r):
    body = [[x.get("workload"), x.get("mode"),
             "yes" if x.get("converged") else "no",
             num(x.get("total_s"), "{:.1f}"),
             num(x.get("budget_mib_s"), "{:.2f}"),
             num(x.get("compute_rel"), "{:.2f}")]
            for x in r.get("runs", []) if not x.get("skipped")]
    return table("5. dqctl follow (the VMM knows nothing of dirtyquota; "
                 f"share {r.get('share')})",
                 ["workload", "mode", "converged", "total s",
                  "mean budget MiB/s", "compute"], body) + \
        f"  {r.get('how')}\n"


FORMAT = {"hook_cost": hook_cost, "accuracy": accuracy,
          "fairness": fairness, "migration": migration, "follow": follow}


def plot(out, name, spec, rows):
    title, xlabel, ylabel, cols = spec
    cols = cols.split(",")
    dat = os.path.join(out, name + ".dat")
    with open(dat, "w") as f:
        f.write("# x " + " ".join(cols) + "\n")
        for r in rows:
            f.write(" ".join(r) + "\n")
    lines = ", ".join(
        f"'{dat}' using 1:{i + 2} with linespoints pt 7 ps 0.4 "
        f"title '{c}'" for i, c in enumerate(cols))
    gp = (f"set terminal pngcairo size 900,500\n"
          f"set output '{os.path.join(out, name + '.png')}'\n"
          f"set title \"{title}\"\nset xlabel \"{xlabel}\"\n"
          f"set ylabel \"{ylabel}\"\nset grid\nset key outside right\n"
          f"plot {lines}\n")
    with open(os.path.join(out, name + ".gp"), "w") as f:
        f.write(gp)
    p = subprocess.run(["gnuplot"], input=gp, text=True, capture_output=True)
    if p.returncode:
        print(f"bench: plot {name}: {p.stderr.strip()}", file=sys.stderr)
        return False
    return True


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    log, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    results, plots, rows = parse(log)
    # Figure 5 is dqctl follow steering bench-migrate's VM: its runs, apart.
    runs = results.get("migration", {}).get("runs", [])
    follow = [r for r in runs if r.get("policy") == "follow"]
    if follow:
        results["follow"] = {
            "how": "dqctl follow PID --iface dqmig0 --share SHARE "
                   "--interval 250ms; the destination behind a veth pair "
                   "in a network namespace, the VMM unaware of dirtyquota",
            "share": results["migration"].get("share"),
            "runs": follow,
        }
    results["meta"] = meta()
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")

    text = []
    for key, value in results.items():
        if key == "meta":
            continue
        fmt = FORMAT.get(key)
        text.append(fmt(value) if fmt else
                    f"{key}\n  {json.dumps(value, sort_keys=True)}\n")
    m = results["meta"]
    text.append(f"({m['version']}, {m['date']}, {m['qemu']}, "
                f"{m['host_cpus']} host CPUs; {m['note']})\n")
    report = "\n".join(text)
    with open(os.path.join(out, "results.txt"), "w") as f:
        f.write(report)
    print(report, end="")

    ok = len(results) > 1
    if not shutil.which("gnuplot"):
        print("bench: no gnuplot, no plots", file=sys.stderr)
        ok = False
    else:
        for name, spec in plots.items():
            ok &= plot(out, name, spec, rows.get(name, []))
        if plots:
            print(f"bench: {len(plots)} plots and results.json in {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
