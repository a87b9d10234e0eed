#!/usr/bin/env python3
"""Turns bench/app.sh's measurements into the day-by-day table.

usage: app_report.py LOGS_DIR
  LOGS_DIR/measurements.tsv  day tool 1 exit_code wall_s maxrss_KiB user_s sys_s others_pct (as run.sh's)
  LOGS_DIR/info.tsv          key value: versions, dataset sizes per day, repository growth per day
  LOGS_DIR/DAY-TOOL-1.out    the tools' --json output: coffre's summary (data_added, databases[].size);
                             restic's two summaries (the database from stdin, then the media)
"""
import json
import os
import re
import sys

from report import BUSY_PCT, MB, fmt, load, ratio

TOOLS = ("coffre", "restic")
MIB = 1 << 20


def summaries(path):
    """The JSON objects with message_type "summary" in a tool's output, in order."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("message_type") == "summary":
            out.append(o)
    return out


def day_data(logs, day, tool):
    """(data added, database dump size) from the tool's own summary, or (None, None)."""
    s = summaries(os.path.join(logs, "%d-%s-1.out" % (day, tool)))
    if tool == "coffre":
        if len(s) != 1:
            return None, None
        dbs = s[0].get("databases") or []
        return s[0].get("data_added"), sum(d.get("size", 0) for d in dbs) if dbs else None
    if len(s) != 2:
        return None, None
    return sum(x.get("data_added", 0) for x in s), s[0].get("total_bytes_processed")


def main():
    logs = sys.argv[1]
    runs, info, _ = load(os.path.join(logs, "measurements.tsv"), os.path.join(logs, "info.tsv"))
    days = sorted({int(step) for step, _ in runs})
    num = lambda key: int(info[key]) if info.get(key, "").isdigit() else None

    server = {}   # (day, tool) -> PostgreSQL's CPU seconds during the run (10th column)
    for line in open(os.path.join(logs, "measurements.tsv")):
        f = line.rstrip("\n").split("\t")
        if len(f) > 9:
            server[int(f[0]), f[1]] = float(f[9])
    run = {}
    for day in days:
        for tool in TOOLS:
            rs = runs.get((str(day), tool)) or []
            r = dict(rs[0]) if rs else None
            if r is not None:
                r["ok"] = r["rc"] == 0
                r["added"], r["dump"] = day_data(logs, day, tool) if r["ok"] else (None, None)
                r["growth"] = num("growth_%d_%s" % (day, tool))
                r["repo"] = num("repo_size_%d_%s" % (day, tool))
                r["server"] = server.get((day, tool))
            run[day, tool] = r

    out = []
    p = out.append
    ndays = int(info.get("days", len(days)))
    m1 = num("media_bytes_1")
    dump1 = next((run[1, t]["dump"] for t in TOOLS if run.get((1, t)) and run[1, t]["dump"]), None)
    p("Coffre vs restic %s - application backups (PostgreSQL database + media), %s dataset, %d day(s)%s"
      % (info.get("restic", "?"), info.get("mode", "?"), ndays,
         "" if len(days) == ndays else " (stopped after day %d)" % (days[-1] if days else 0)))
    p("day 1: database dump %s MB, media %s files / %s MB; days 2..N: make-dataset.sh mutate before the backups"
      % (fmt(dump1 / MB if dump1 else None, ".1f"), info.get("media_files_1", "?"), fmt(m1 / MB if m1 else None, ".1f")))
    p("command: %s%s" % (info.get("command", "bench/app.sh"),
                         "   (a --small run: a quick test, not the reference figures)" if info.get("mode") == "small" else ""))
    p("%s; coffre %s; .NET SDK %s; PostgreSQL %s; %s" % (info.get("date", "?"), info.get("coffre", "?"),
      info.get("dotnet", "?"), info.get("postgresql", "?"), info.get("machine", "?")))
    p("1 run per tool per day, coffre first on odd days; PostgreSQL restarted and page cache dropped before every "
      "run: %s; load average at start %s, at end %s"
      % (info.get("drop_caches", "?"), info.get("load_start", "?"), info.get("load_end", "?")))
    if info.get("chunker_polynomial"):
        p("both repositories use the chunker polynomial %s (restic init --copy-chunker-params)"
          % info["chunker_polynomial"].strip('"'))
    if info.get("busy_list"):
        p("WARNING: other processes used more than %d%% of the CPUs during some runs (%s); "
          "those cells are marked !" % (BUSY_PCT, re.sub(r"step (\d+) (\w+) #\d+", r"day \1 \2", info["busy_list"])))
    p("")

    def table(hdr, w, rows):
        line = lambda cells: "".join(str(c).ljust(w[0]) if i == 0 else str(c).rjust(w[i] + 1)
                                     for i, c in enumerate(cells)).rstrip()
        p(line(hdr))
        p("-" * (sum(w) + len(w) - 1))
        for r in rows:
            p(r if isinstance(r, str) else line(r))

    def name(day):
        return "%d %s" % (day, "first backup" if day == 1 else "after mutate")

    def val(day, tool, key, scale=1.0, spec=".2f"):
        r = run.get((day, tool))
        if r is None:
            return "-"
        if not r["ok"]:
            return "FAIL"
        v = r[key]
        return ("!" if r["busy"] and key in ("wall", "rss") else "") + fmt(None if v is None else v / scale, spec)

    def num_of(day, tool, key):
        r = run.get((day, tool))
        return r[key] if r and r["ok"] else None

    def total(tool, key, agg=sum):
        vs = [num_of(d, tool, key) for d in days]
        return None if not vs or any(v is None for v in vs) else agg(vs)

    # -- time and memory
    rows = []
    for d in days:
        t = [num_of(d, tool, "wall") for tool in TOOLS]
        m = [num_of(d, tool, "rss") for tool in TOOLS]
        rows.append((name(d), val(d, "coffre", "wall"), val(d, "restic", "wall"), fmt(ratio(*t), ".2f"),
                     val(d, "coffre", "rss", 1, ".1f"), val(d, "restic", "rss", 1, ".1f"), fmt(ratio(*m), ".2f")))
    t = [total(tool, "wall") for tool in TOOLS]
    m = [total(tool, "rss", max) for tool in TOOLS]
    rows.append(("total (s) / max (RSS)", fmt(t[0], ".2f"), fmt(t[1], ".2f"), fmt(ratio(*t), ".2f"),
                 fmt(m[0], ".1f"), fmt(m[1], ".1f"), fmt(ratio(*m), ".2f")))
    table(("day", "coffre s", "restic s", "ratio", "coffre RSS MiB", "restic RSS MiB", "RSS ratio"),
          (22, 9, 9, 6, 15, 15, 10), rows)
    p("s = wall time of the day's whole job; RSS = peak resident memory of the largest process of the job "
      "(the tool or a dump tool it waited for); ratio = coffre/restic.")
    p("")

    # -- data added
    rows = []
    for d in days:
        a = [num_of(d, tool, "added") for tool in TOOLS]
        g = [num_of(d, tool, "growth") for tool in TOOLS]
        rows.append((name(d), val(d, "coffre", "added", MB, ".1f"), val(d, "restic", "added", MB, ".1f"),
                     fmt(ratio(*a), ".2f"), val(d, "coffre", "growth", MB, ".1f"),
                     val(d, "restic", "growth", MB, ".1f"), fmt(ratio(*g), ".2f")))
    a = [total(tool, "added") for tool in TOOLS]
    g = [total(tool, "growth") for tool in TOOLS]
    rows.append(("total", fmt(a[0] / MB if a[0] is not None else None, ".1f"),
                 fmt(a[1] / MB if a[1] is not None else None, ".1f"), fmt(ratio(*a), ".2f"),
                 fmt(g[0] / MB if g[0] is not None else None, ".1f"),
                 fmt(g[1] / MB if g[1] is not None else None, ".1f"), fmt(ratio(*g), ".2f")))
    table(("day", "coffre added", "restic added", "ratio", "coffre repo +", "restic repo +", "ratio"),
          (22, 13, 13, 6, 14, 14, 6), rows)
    p("MB (10^6 bytes). added = data_added of the tools' --json summaries (new blobs before compression, "
      "data and trees; restic: sum of its two snapshots). repo + = growth of the repository on disk (du -sb), "
      "after compression and with index and snapshot files: the fair comparison.")
    p("")

    # -- details
    rows = []
    for d in days:
        mb = num("media_bytes_%d" % d)
        rows.append((name(d), info.get("media_files_%d" % d, "-"), fmt(mb / MB if mb else None, ".1f"),
                     val(d, "coffre", "dump", MB, ".2f"), val(d, "restic", "dump", MB, ".2f"),
                     val(d, "coffre", "repo", MB, ".1f"), val(d, "restic", "repo", MB, ".1f")))
    table(("day", "media files", "media MB", "coffre dump MB", "restic dump MB", "coffre repo MB",
           "restic repo MB"), (22, 12, 9, 15, 15, 15, 15), rows)
    p("dump MB = size of the pg_dump -Fc -Z0 stream each tool stored (coffre: its summary; restic: the stdin "
      "snapshot's bytes processed); repo MB = repository size after the day.")
    p("")
    rows = []
    for d in days:
        c = [num_of(d, tool, "cpu") for tool in TOOLS]
        rows.append((name(d), val(d, "coffre", "cpu", 1, ".1f"), val(d, "restic", "cpu", 1, ".1f"),
                     fmt(ratio(*c), ".2f"), val(d, "coffre", "server", 1, ".2f"), val(d, "restic", "server", 1, ".2f")))
    table(("day", "coffre CPU s", "restic CPU s", "ratio", "coffre PG CPU s", "restic PG CPU s"),
          (22, 13, 13, 6, 16, 16), rows)
    p("CPU s = user + sys of the job, children (dump tools) included; PG CPU s = CPU the PostgreSQL server used "
      "during the run (serving the dumps, and coffre's row counts).")
    print("\n".join(out))


if __name__ == "__main__":
    main()
