"""How the corpus-sized stages grow with the general corpus: wall time and peak resident memory of each
stage, run as its own `lmboot` process (as the workflow runs it), at several corpus sizes, and the growth
exponent b of time ~ N^b and memory ~ N^b between the two largest sizes and fitted over all.

Stages: selection by Moore-Lewis (select.method: moore-lewis) and by the centroid of sentence embeddings
(only up to --embed-max pairs: about 370 lines/s on 2 CPU cores), the general component's LM with its
vocabulary cut chosen on dev (lm-component: one lmplz run, one mixture and one dev perplexity per cut),
the mixture of seed and general LMs (mix), and the LM filter over a translated pool (lm-filter, at the
--pools sizes).

The general corpora are prefixes of GENERAL.{src,tgt} (benchmarks/ngram_sampler.py: the real corpus, then
pairs sampled from trigram models of it); seed, dev and pool come from a prepared run's data directory.

    .venv/bin/python benchmarks/ngram_sampler.py --src data/es-en-dev-ppl/prepared/general.src \\
        --tgt data/es-en-dev-ppl/prepared/general.tgt --lines 10000000 --out /tmp/scale/general10M
    .venv/bin/python benchmarks/scale.py --general /tmp/scale/general10M --prepared data/es-en-dev-ppl/prepared \\
        --sizes 150230 1000000 3000000 10000000 --pools 100000 1000000 --work /tmp/scale --out benchmarks/scale.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lmboot.schema import default  # noqa: E402

FILTERS = {key: default(f"lm_filter.{key}") for key in ("filters", "grid", "tune_on")}  # the lm_score cut tuned on dev


def run(args: list[str], log: Path) -> dict:
    """Run `lmboot ARGS` as a child process; its wall time and peak resident memory (its own and that of
    the tools it waits for: lmplz, build_binary)."""
    start = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("lmboot")), *args], stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"lmboot {args[0]} failed (see {log})")
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def head(src: Path, dst: Path, n: int) -> None:
    if not dst.exists():
        with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
            out.writelines(itertools.islice(f, n))


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log y on log x."""
    if len(points) < 2:
        return None
    xs, ys = [math.log(x) for x, _ in points], [math.log(max(y, 1e-3)) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs), 3)


def general_stages(d: Path, n: int, prep: Path, a) -> dict:
    src, tgt = d / "general.src", d / "general.tgt"
    head(Path(f"{a.general}.src"), src, n)
    head(Path(f"{a.general}.tgt"), tgt, n)
    seed, dev = prep / "seed.tgt", prep / "dev.tgt"
    out = {}
    out["select (moore-lewis)"] = run(
        [
            "select",
            "--general-src",
            str(src),
            "--general-tgt",
            str(tgt),
            "--seed",
            str(seed),
            "--out",
            str(d / "select-ml"),
            "--select",
            json.dumps({"method": "moore-lewis", "keep": {"top_fraction": 0.1}}),
        ],
        d / "select-ml.log",
    )
    if n <= a.embed_max:
        out["select (centroid)"] = run(
            [
                "select",
                "--general-src",
                str(src),
                "--general-tgt",
                str(tgt),
                "--seed",
                str(seed),
                "--out",
                str(d / "select-centroid"),
                "--select",
                json.dumps({"method": "centroid", "keep": {"top_fraction": 0.1}}),
            ],
            d / "select-centroid.log",
        )
    out["lm-component (general)"] = run(
        [
            "lm-component",
            "--text",
            str(tgt),
            "--out-prefix",
            str(d / "general"),
            "--order",
            str(default("lm.order")),
            "--min-count",
            *map(str, default("lm.vocab_min_count")),
            "--seed-arpa",
            str(a.work / "seed.arpa"),
            "--dev",
            str(dev),
        ],
        d / "lm-component.log",
    )
    out["mix (seed + general)"] = run(
        [
            "mix",
            "--lm",
            f"seed={a.work / 'seed.arpa'}",
            f"general={d / 'general.arpa'}",
            "--dev",
            str(dev),
            "--out-prefix",
            str(d / "mix"),
        ],
        d / "mix.log",
    )
    info = json.loads((d / "general.json").read_text())
    out["lm-component (general)"]["vocabulary_cut"] = info["min_count"]
    out["mix (seed + general)"]["ngrams"] = sum(
        int(line.split("=")[1]) for line in itertools.islice(open(d / "mix.arpa"), 12) if line.startswith("ngram ")
    )
    for name in ("general", "mix"):
        for suffix in (".arpa", ".bin"):
            (d / f"{name}{suffix}").unlink(missing_ok=True)  # disk: the 10 M ARPAs run to gigabytes
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--general", required=True, help="prefix of the largest corpus: GENERAL.src and GENERAL.tgt")
    p.add_argument("--prepared", required=True, help="a prepared data directory: seed.tgt, dev.tgt, pool.oracle.tgt")
    p.add_argument("--sizes", type=int, nargs="+", required=True, help="general corpus sizes, in pairs")
    p.add_argument("--pools", type=int, nargs="*", default=[], help="pool sizes for the LM filter (sampled)")
    p.add_argument("--embed-max", type=int, default=200_000, help="largest corpus selected by embeddings")
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--out", required=True, help="results as JSON (rewritten after every stage)")
    a = p.parse_args()
    prep = Path(a.prepared)
    a.work.mkdir(parents=True, exist_ok=True)
    if not (a.work / "seed.arpa").exists():
        run(
            [
                "lm",
                "--text",
                str(prep / "seed.tgt"),
                "--out-prefix",
                str(a.work / "seed"),
                "--order",
                str(default("lm.order")),
            ],
            a.work / "seed.log",
        )
    results = []

    def save():
        summary = {}
        for stage in dict.fromkeys(r["stage"] for r in results):
            rows = [r for r in results if r["stage"] == stage]
            summary[stage] = {
                "time_exponent": exponent([(r["lines"], r["seconds"]) for r in rows]),
                "memory_exponent": exponent([(r["lines"], r["peak_rss_mb"]) for r in rows]),
                "time_exponent_last": exponent([(r["lines"], r["seconds"]) for r in rows[-2:]]),
                "memory_exponent_last": exponent([(r["lines"], r["peak_rss_mb"]) for r in rows[-2:]]),
            }
        Path(a.out).write_text(
            json.dumps({"machine": f"{os.cpu_count()} CPU cores", "results": results, "summary": summary}, indent=2)
            + "\n"
        )

    for n in a.pools:
        d = a.work / f"pool{n}"
        d.mkdir(exist_ok=True)
        if not (d / "pool.tgt").exists():
            subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("ngram_sampler.py")),
                    "--src",
                    str(prep / "pool.src"),
                    "--tgt",
                    str(prep / "pool.oracle.tgt"),
                    "--lines",
                    str(n),
                    "--out",
                    str(d / "pool"),
                ],
                check=True,
            )
        r = run(
            [
                "lm-filter",
                "--src",
                str(d / "pool.src"),
                "--tgt",
                str(d / "pool.tgt"),
                "--seed-lm",
                str(a.work / "seed.bin"),
                "--out",
                str(d / "filtered.txt"),
                "--lm-filter",
                json.dumps(FILTERS),
                "--seed-arpa",
                str(a.work / "seed.arpa"),
                "--dev",
                str(prep / "dev.tgt"),
            ],
            d / "lm-filter.log",
        )
        results.append({"stage": "lm-filter (pool)", "lines": n, **r})
        print(json.dumps(results[-1]), flush=True)
        save()
    for n in a.sizes:
        d = a.work / f"general{n}"
        d.mkdir(exist_ok=True)
        for stage, r in general_stages(d, n, prep, a).items():
            results.append({"stage": stage, "lines": n, **r})
            print(json.dumps(results[-1]), flush=True)
        save()
        for side in ("src", "tgt"):
            (d / f"general.{side}").unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
