"""What each translator of a finished run cost, from Snakemake's benchmark files and the n-best files: the
pool's n-best translation (wall seconds, seconds per 1,000 utterances) and, for lmboot's own translator, its
training (every train job: the general translator, fine-tuning, self-training).

    .venv/bin/python benchmarks/translator_cost.py es-en-short
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path


def seconds(paths: list[Path]) -> float:
    """Summed wall seconds of the benchmark files (the latest run of each job)."""
    total = 0.0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        total += float(rows[-1]["s"]) if rows else 0.0
    return total


def own_translator(run: str) -> dict | None:
    """lmboot's own translator: the pool n-best lists of its final round (plain or entity-protected chunks)."""
    bench = Path("benchmarks") / run
    finals = sorted(bench.glob("translate.selected.r*.pool*.tsv"))
    if not finals:
        return None
    final_round = max(p.name.split(".")[2] for p in finals)
    chunks = [p for p in finals if p.name.split(".")[2] == final_round and p.name.split(".")[3].startswith("pool")]
    kind = "pool-protected" if any(".pool-protected." in p.name for p in chunks) else "pool"
    chunks = [p for p in chunks if p.name.split(".")[3] == kind]
    lines = sum(1 for _ in open(Path("data") / run / "prepared" / "pool.src", encoding="utf-8"))
    return {
        "translator": "lmboot (fairseq-trained, CTranslate2 n-best)",
        "lines": lines,
        "seconds": seconds(chunks),
        "training": seconds(sorted(bench.glob("train.*.tsv"))),
    }


def brought(run: str) -> list[dict]:
    """Each translator a team brings: its pool translation job."""
    out = []
    for stats_path in sorted((Path("data") / run).glob("x-*/pool.nbest.json")):
        stats = json.loads(stats_path.read_text())
        bench = Path("benchmarks") / run / f"translate_with.{stats['translator']}.pool.tsv"
        job = seconds([bench]) if bench.is_file() else stats["seconds"]
        out.append(
            {
                "translator": f"{stats['translator']} ({stats['family']})",
                "lines": stats["lines"],
                "seconds": job,
                "translating": stats["seconds"],
                "training": 0.0,
            }
        )
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run", help="the run's name (data/RUN, benchmarks/RUN)")
    a = p.parse_args()
    rows = [r for r in [own_translator(a.run), *brought(a.run)] if r]
    if not rows:
        sys.exit(f"{a.run}: no translation benchmark files under benchmarks/{a.run}")
    print("| translator | pool utterances | pool n-best, wall s (job) | s per 1,000 utterances | training s |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['translator']} | {r['lines']:,} | {r['seconds']:,.1f} | {1000 * r['seconds'] / r['lines']:,.2f} "
            f"| {r['training']:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
