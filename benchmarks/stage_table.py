"""A markdown table of a workflow run's stages from Snakemake's benchmark files (benchmarks/RUN/*.tsv, one
per job: wall seconds and peak resident memory): per rule, its jobs, their summed and longest wall time and
the largest peak memory of any of its jobs.

    .venv/bin/python benchmarks/stage_table.py benchmarks/es-en-3M
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path


def stages(directory: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(directory.glob("*.tsv")):
        rule = path.name.split(".")[0]
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        if not rows:
            continue
        row = rows[-1]  # the latest run of the job
        seconds = float(row["s"])
        rss = float(row["max_rss"]) if row.get("max_rss") not in (None, "", "NA", "-") else 0.0
        stage = out.setdefault(rule, {"jobs": 0, "seconds": 0.0, "longest": 0.0, "peak_mb": 0.0})
        stage["jobs"] += 1
        stage["seconds"] += seconds
        stage["longest"] = max(stage["longest"], seconds)
        stage["peak_mb"] = max(stage["peak_mb"], rss)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("directory", type=Path)
    a = p.parse_args()
    table = stages(a.directory)
    if not table:
        sys.exit(f"{a.directory}: no benchmark files")
    print("| stage (rule) | jobs | wall s, all jobs | longest job s | peak memory MB |")
    print("|---|---:|---:|---:|---:|")
    for rule, s in sorted(table.items(), key=lambda kv: -kv[1]["seconds"]):
        print(f"| {rule} | {s['jobs']} | {s['seconds']:,.0f} | {s['longest']:,.0f} | {s['peak_mb']:,.0f} |")
    total = sum(s["seconds"] for s in table.values())
    print(
        f"| all | {sum(s['jobs'] for s in table.values())} | {total:,.0f} | | "
        f"{max(s['peak_mb'] for s in table.values()):,.0f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
