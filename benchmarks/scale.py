"""Selection and LM filtering on 1x, 5x and 10x a general corpus (the corpus replicated): wall time, lines
per second and peak memory of each stage, each run as its own `lmboot` process.

    .venv/bin/python benchmarks/scale.py                  # the demo generator's corpus, 2,000 pairs, 1x/5x/10x
    .venv/bin/python benchmarks/scale.py --lines 5000 --factors 1 10 --out benchmarks/scale.json

Both stages stream the corpus (memory holds a score and a flag per pair), so time should grow linearly
(a fixed start-up, model loading, plus a constant cost per line: the marginal lines/s between sizes stay
equal) and peak memory stay flat.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lmboot.corpus import normalize, write_lines
from lmboot.demo_data import generate
from lmboot.lm import build_lm

FILTERS = {"filters": [{"type": "lm_score", "percentile": 10}, {"type": "length_ratio", "max_ratio": 3.0},
                       {"type": "repetition", "max_repeats": 2}]}


def run(args: list[str]) -> dict:
    """Run `lmboot ARGS` as a child process; its wall time and peak resident memory."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "lmboot.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"lmboot {args[0]} failed: {proc.stderr.read()[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=2000, help="pairs of the 1x corpus")
    p.add_argument("--factors", type=int, nargs="+", default=[1, 5, 10], help="corpus sizes, in copies")
    p.add_argument("--out", help="also write the results here as JSON")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        generate(tmp / "corpora", n_in_domain=600, n_general=a.lines)
        with open(tmp / "corpora/general.tsv", encoding="utf-8") as f:
            rows = [(normalize(r["spa"]), normalize(r["eng"])) for r in csv.DictReader(f, delimiter="\t")][: a.lines]
        seed = [normalize(json.loads(line)["en"]) for line in open(tmp / "corpora/in_domain.jsonl", encoding="utf-8")]
        write_lines(tmp / "seed.txt", seed[:300])
        build_lm(tmp / "seed.txt", tmp / "seed", 3)
        results = []
        for factor in a.factors:
            d = tmp / f"x{factor}"
            write_lines(d / "general.src", (s for _ in range(factor) for s, _ in rows))
            write_lines(d / "general.tgt", (t for _ in range(factor) for _, t in rows))
            n = factor * len(rows)
            stages = {
                "select": run(["select", "--general-src", str(d / "general.src"), "--general-tgt",
                               str(d / "general.tgt"), "--seed", str(tmp / "seed.txt"), "--out", str(d / "select"),
                               "--select", json.dumps({"keep": {"top_fraction": 0.5}, "batch_size": 128})]),
                "lm_filter": run(["lm-filter", "--src", str(d / "general.src"), "--tgt", str(d / "general.tgt"),
                                  "--seed-lm", str(tmp / "seed.bin"), "--out", str(d / "filtered.txt"),
                                  "--lm-filter", json.dumps(FILTERS)]),
            }
            for stage, r in stages.items():
                results.append({"stage": stage, "factor": factor, "lines": n, **r,
                                "lines_per_second": round(n / r["seconds"], 1)})
    print(f"{'stage':<10} {'factor':>6} {'lines':>8} {'seconds':>8} {'lines/s':>9} {'peak MB':>8}")
    for r in results:
        print(f"{r['stage']:<10} {r['factor']:>6} {r['lines']:>8} {r['seconds']:>8} {r['lines_per_second']:>9} "
              f"{r['peak_rss_mb']:>8}")
    summary = {}
    for stage in ("select", "lm_filter"):
        runs = [r for r in results if r["stage"] == stage]
        first, last = runs[0], runs[-1]
        marginal = [round((b["lines"] - a_["lines"]) / (b["seconds"] - a_["seconds"]), 1)
                    for a_, b in zip(runs, runs[1:])]
        summary[stage] = {"time_ratio": round(last["seconds"] / first["seconds"], 2),
                          "memory_ratio": round(last["peak_rss_mb"] / first["peak_rss_mb"], 3),
                          "marginal_lines_per_second": marginal}
        print(f"{stage}: {last['factor'] // first['factor']}x the lines took {summary[stage]['time_ratio']}x the "
              f"time (marginal lines/s between sizes: {marginal}) and {summary[stage]['memory_ratio']}x the "
              "peak memory")
    if a.out:
        Path(a.out).write_text(json.dumps({"results": results, "summary": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
