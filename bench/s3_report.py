#!/usr/bin/env python3
"""Turns bench/s3.sh's measurements into its table.

usage: s3_report.py MEASUREMENTS.tsv INFO.tsv   (same formats as report.py; tools coffre-local, coffre-s3, restic-s3)
"""
import sys

MB = 1e6


def main(meas_path, info_path):
    runs, info, verify = {}, {}, {}
    for line in open(meas_path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 9:
            continue
        step, tool, _rep, rc, wall, rss, user, sys_, others = f[:9]
        runs[(step, tool)] = dict(rc=int(rc), wall=float(wall), rss=int(rss) / 1024, cpu=float(user) + float(sys_), others=int(others))
    for line in open(info_path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "verify":
            verify[f[1]] = "OK" if f[3] == f[4] == "OK" else "content %s, metadata %s" % (f[3], f[4])
        elif len(f) >= 2:
            info[f[0]] = f[1]
    size = int(info.get("bytes0", "0"))
    out = []
    out.append("Coffre vs restic %s on Ceph RGW (S3) - %s dataset: %s files / %.1f MB" % (
        info.get("restic", "?"), info.get("mode", "?"), info.get("files0", "?"), size / MB))
    out.append("%s; coffre %s; .NET SDK %s; %s" % (info.get("date", "?"), info.get("coffre", "?"), info.get("dotnet", "?"), info.get("machine", "?")))
    out.append("Ceph %s; page cache dropped before every run: %s; load average at start %s, at end %s" % (
        info.get("ceph", "?"), info.get("drop_caches", "?"), info.get("load_start", "?"), info.get("load_end", "?")))
    out.append("")
    out.append("%-34s %9s %8s %8s %9s %13s" % ("run", "wall s", "MB/s", "CPU s", "RSS MiB", "others' CPU %"))
    out.append("-" * 86)
    rows = [("1", "coffre-local", "coffre first backup, local folder"),
            ("2", "coffre-s3", "coffre first backup to Ceph"),
            ("2", "restic-s3", "restic first backup to Ceph"),
            ("3", "coffre-s3", "coffre restore from Ceph"),
            ("3", "restic-s3", "restic restore from Ceph")]
    for step, tool, label in rows:
        r = runs.get((step, tool))
        if r is None:
            out.append("%-34s %9s" % (label, "missing"))
        elif r["rc"] != 0:
            out.append("%-34s %9s (exit %d)" % (label, "FAILED", r["rc"]))
        else:
            out.append("%-34s %9.2f %8.1f %8.1f %9.1f %13d" % (label, r["wall"], size / MB / r["wall"], r["cpu"], r["rss"], r["others"]))
    out.append("")
    for tool in ("coffre-s3", "restic-s3"):
        out.append("restore check %s: %s" % (tool, verify.get(tool, "not run")))
    out.append("")

    def ratio(a, b):
        ra, rb = runs.get(a), runs.get(b)
        if not ra or not rb or ra["rc"] or rb["rc"] or rb["wall"] == 0:
            return None
        return ra["wall"] / rb["wall"]

    def target(name, value, limit):
        if value is None:
            return "  %-38s  not measured" % name
        return "  %-38s %5.2fx: %s (<= %.1fx)" % (name, value, "met" if value <= limit else "NOT met", limit)
    out.append("targets")
    out.append(target("first backup to Ceph, coffre/restic", ratio(("2", "coffre-s3"), ("2", "restic-s3")), 0.7))
    out.append(target("restore from Ceph, coffre/restic", ratio(("3", "coffre-s3"), ("3", "restic-s3")), 0.7))
    out.append(target("coffre backup, Ceph/local", ratio(("2", "coffre-s3"), ("1", "coffre-local")), 1.5))
    rss = [runs[k]["rss"] for k in runs if k[1].startswith("coffre") and runs[k]["rc"] == 0]
    if rss:
        out.append("  coffre peak RSS: %.0f-%.0f MiB over %.0f MB of data (flat in data size: compare with the other dataset size)" % (min(rss), max(rss), size / MB))
    out.append("others' CPU %: CPU used by other processes during the run (Ceph's daemons count here), % of all CPUs x wall time.")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
