"""Prints the load test's figures from locust's CSV (bench/load/run.sh): per request type the count,
failures and p50/p95/p99 in ms, then the load average seen during the run."""

import csv
import re
import sys
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/load/out")
print(f"{'request':<24}{'count':>8}{'failed':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}  (ms)")
with open(out / "run_stats.csv", encoding="utf-8") as stats:
    for row in csv.DictReader(stats):
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{name:<24}{row['Request Count']:>8}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
            f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}{float(row['Max Response Time']):>8.0f}"
        )
failures = out / "run_failures.csv"
if failures.exists():
    for row in list(csv.DictReader(failures.read_text("utf-8").splitlines()))[:10]:
        print(f"  failure × {row['Occurrences']}: {row['Name']}: {row['Error'][:160]}")
loads = [
    [float(x) for x in m.groups()]
    for m in (
        re.search(r"load average: ([\d.]+), ([\d.]+), ([\d.]+)", line)
        for line in (out / "uptime.log").read_text().splitlines()
    )
    if m
]
if loads:
    one = [load[0] for load in loads]
    print(f"load average (1 min) during the run: mean {sum(one) / len(one):.1f}, max {max(one):.1f}")
cpu = out / "cpu.log"
if cpu.exists():
    seconds = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1] or 0) for line in cpu.read_text().splitlines()
    }
    with open(out / "run_stats.csv", encoding="utf-8") as stats:
        counts = {r["Name"]: int(r["Request Count"]) for r in csv.DictReader(stats)}
    # "autosave (conflict)" is a second record of a request already counted as "autosave"
    requests = counts.get("Aggregated", 0) - counts.get("autosave (conflict)", 0)
    print(f"requests served: {requests} (a refused stale save counted once)")
    for name, value in seconds.items():
        print(f"{name}: {value:.0f} s, {1000 * value / max(requests, 1):.1f} ms per request")
probe = out / "probe.log"
if probe.exists():
    times = dict(line.split() for line in probe.read_text().splitlines() if line.strip())
    print(
        f"CPU probe (a fixed pure-Python loop; lower is a faster machine): before {times.get('before', '?')} ms,"
        f" after {times.get('after', '?')} ms"
    )
