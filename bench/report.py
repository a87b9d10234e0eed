#!/usr/bin/env python3
"""Turns bench/run.sh's measurements into the comparison table.

usage: report.py MEASUREMENTS.tsv INFO.tsv
  MEASUREMENTS.tsv: step tool rep exit_code wall_s maxrss_KiB user_s sys_s others_pct   (one line per run;
                    others_pct: CPU used by other processes during the run, % of all CPUs x wall time)
  INFO.tsv:         key value   (dataset sizes, versions, repository sizes) and
                    verify tool rep content metadata
"""
import statistics
import sys

STEPS = [("1", "first backup", "bytes0"),
         ("2", "no-change backup", "bytes0"),
         ("3", "backup after mutate", "bytes1"),
         ("4", "full restore", "bytes1")]
TOOLS = ("coffre", "restic")
MB = 1e6
BUSY_PCT = 10   # a run during which other processes used more than this share of the CPUs is flagged


def load(meas_path, info_path):
    runs, busy = {}, []
    for line in open(meas_path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 8:
            continue
        step, tool, rep, rc, wall, rss, user, sys_ = f[:8]
        if len(f) > 8 and f[8].isdigit() and int(f[8]) > BUSY_PCT:
            busy.append("step %s %s #%s: %s%%" % (step, tool, rep, f[8]))
        others = int(f[8]) if len(f) > 8 and f[8].isdigit() else 0
        runs.setdefault((step, tool), []).append(
            dict(rc=int(rc), wall=float(wall), rss=int(rss) / 1024, cpu=float(user) + float(sys_),
                 busy=others > BUSY_PCT))
    info, verify = {}, {}
    for line in open(info_path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "verify":
            verify.setdefault(f[1], []).append((f[3], f[4]))
        elif len(f) >= 2:
            info[f[0]] = f[1]
    info["busy_list"] = ", ".join(busy)
    return runs, info, verify


def clean(rs):
    """The runs during which other processes left the CPUs alone; all runs if there is none."""
    c = [r for r in rs or [] if not r["busy"]]
    return c or (rs or [])


def med(rs, key):
    """Median over the undisturbed successful runs; None when a run failed or none ran."""
    if not rs or any(r["rc"] != 0 for r in rs):
        return None
    return statistics.median(r[key] for r in clean(rs))


def disturbed(rs):
    """'*': some runs were left out of the median; '!': every run was disturbed."""
    if not rs or not any(r["busy"] for r in rs):
        return ""
    return "!" if all(r["busy"] for r in rs) else "*"


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def main():
    runs, info, verify = load(sys.argv[1], sys.argv[2])
    repeat = int(info.get("repeat", "1"))
    out = []
    p = out.append
    b0, b1 = int(info.get("bytes0", 0)), int(info.get("bytes1", 0))
    p("Coffre vs restic %s - %s dataset: %s files / %.1f MB, after mutate %s files / %.1f MB"
      % (info.get("restic", "?"), info.get("mode", "?"), info.get("files0", "?"), b0 / MB,
         info.get("files1", "?"), b1 / MB))
    p("%s; coffre %s; .NET SDK %s; %s" % (info.get("date", "?"), info.get("coffre", "?"),
                                          info.get("dotnet", "?"), info.get("machine", "?")))
    p("%s; page cache dropped before every run: %s; load average at start %s, at end %s"
      % ("median of %d runs per step, order alternated" % repeat if repeat > 1 else "1 run per step, coffre first",
         info.get("drop_caches", "?"), info.get("load_start", "?"), info.get("load_end", "?")))
    if info.get("busy_list"):
        p("WARNING: other processes used more than %d%% of the CPUs during some runs (%s); the medians "
          "leave those runs out when the step has undisturbed ones" % (BUSY_PCT, info["busy_list"]))
    p("")
    hdr = ("step", "coffre s", "restic s", "ratio", "coffre MB/s", "restic MB/s",
           "coffre RSS MiB", "restic RSS MiB", "RSS ratio")
    w = (22, 9, 9, 6, 12, 12, 15, 15, 10)
    line = lambda cells: "".join(str(c).ljust(w[0]) if i == 0 else str(c).rjust(w[i] + 1)
                                 for i, c in enumerate(cells)).rstrip()
    p(line(hdr))
    p("-" * (sum(w) + len(w) - 1))
    summary = {}
    for step, name, bkey in STEPS:
        size = int(info.get(bkey, 0))
        t = {tool: med(runs.get((step, tool)), "wall") for tool in TOOLS}
        m = {tool: med(runs.get((step, tool)), "rss") for tool in TOOLS}
        rate = {tool: (size / MB / t[tool]) if t[tool] else None for tool in TOOLS}
        tr, mr = ratio(t["coffre"], t["restic"]), ratio(m["coffre"], m["restic"])
        summary[step] = (tr, mr)
        cell = lambda tool, v, spec: "FAIL" if runs.get((step, tool)) and v is None else fmt(v, spec)
        tcell = lambda tool: disturbed(runs.get((step, tool))) + cell(tool, t[tool], ".2f")
        p(line(("%s %s" % (step, name), tcell("coffre"), tcell("restic"),
                fmt(tr, ".2f"), fmt(rate["coffre"], ".1f"), fmt(rate["restic"], ".1f"),
                cell("coffre", m["coffre"], ".1f"), cell("restic", m["restic"], ".1f"), fmt(mr, ".2f"))))
    p("")
    p("MB/s = dataset bytes (10^6) / wall time; the no-change backup counts the whole dataset too.")
    if info.get("busy_list"):
        p("* = median of the undisturbed runs only; ! = every run was disturbed (see the warning above).")
    for tool in TOOLS:
        vs = verify.get(tool, [])
        if not vs:
            p("restore check %s: not run" % tool)
            continue
        content = "OK" if all(c == "OK" for c, _ in vs) else "MISMATCH"
        meta = "OK" if all(mm == "OK" for _, mm in vs) else "MISMATCH"
        p("restore check %s: %s (content %s, metadata %s)"
          % (tool, "OK" if content == meta == "OK" else "MISMATCH", content, meta))
    p("")
    p("%-22s %12s %12s %15s %15s" % ("step", "coffre CPU s", "restic CPU s", "coffre repo MB", "restic repo MB"))
    for step, name, _ in STEPS:
        c = [med(runs.get((step, tool)), "cpu") for tool in TOOLS]
        rs = [info.get("repo_size_%s_%s" % (step, tool)) for tool in TOOLS]
        rs = [int(x) / MB if x else None for x in rs]
        p("%-22s %12s %12s %15s %15s" % ("%s %s" % (step, name), fmt(c[0], ".1f"), fmt(c[1], ".1f"),
                                         fmt(rs[0], ".1f"), fmt(rs[1], ".1f")))
    p("CPU s = user + sys; repo MB = repository size on disk after the step (du).")
    p("")

    def verdict(v, limit, aim=None):
        if v is None:
            return "n/a"
        s = "%.2fx: %s (<= %.1fx)" % (v, "met" if v <= limit else "NOT met", limit)
        if aim is not None:
            s += ", aim %.1fx %s" % (aim, "reached" if v <= aim else "not reached")
        return s
    p("targets (coffre/restic)")
    p("  first backup time     " + verdict(summary["1"][0], 1.0, 0.5))
    p("  restore time          " + verdict(summary["4"][0], 1.0, 0.5))
    p("  no-change backup time " + verdict(summary["2"][0], 1.0))
    mems = [(step, summary[step][1]) for step, _, _ in STEPS if summary[step][1] is not None]
    if mems:
        worst = max(mems, key=lambda x: x[1])
        p("  peak memory           worst %s (step %s): %s" % (
            "%.2fx" % worst[1], worst[0], "met on every step" if worst[1] <= 1.0 else
            "NOT met on step(s) " + ", ".join(s for s, v in mems if v > 1.0)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
