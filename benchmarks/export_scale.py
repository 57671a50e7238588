"""Peak memory and wall time of `lmboot export` by LM size: each ARPA exported by its own `lmboot export`
process under /usr/bin/time -v (its maximum resident set size), as the workflow's export rule runs it; the
KenLM binary is built beside an ARPA that lacks one. Bytes an n-gram: peak memory over the LM's n-grams.

    .venv/bin/python benchmarks/export_scale.py --arpas lm1.arpa lm2.arpa --dev dev.txt --work /tmp/export \\
        --out benchmarks/export_scale.json

--pythonpath runs another copy of the lmboot package (e.g. `git archive <rev> lmboot | tar -x -C DIR`: an
earlier export, side by side on the same LMs)."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lmboot.lm.kenlm import arpa_ngram_count, build_binary  # noqa: E402

THRESHOLDS = [1e-9, 1e-8, 1e-7, 1e-6]  # export.prune_thresholds' default


def measure(arpa: Path, dev: Path, work: Path, pythonpath: str | None) -> dict:
    binary = arpa.with_suffix(".bin")
    if not binary.is_file():
        build_binary(arpa, binary)
    out = work / f"{arpa.stem}.export"
    lexicon = work / "lexicon.txt"
    lexicon.write_text("a\ta\n")
    env = dict(os.environ, **({"PYTHONPATH": pythonpath} if pythonpath else {}))
    settings = {"prune_thresholds": THRESHOLDS, "max_ppl_increase": 0.02}
    command = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-c",
        "import sys; from lmboot.cli import main; sys.exit(main())",
        "export",
        "--arpa",
        str(arpa),
        "--bin",
        str(binary),
        "--lexicon",
        str(lexicon),
        "--dev",
        str(dev),
        "--out-dir",
        str(out),
        "--export",
        json.dumps(settings),
        "--asr",
        json.dumps({"ctc_model": None}),
    ]
    # python -c puts its working directory first on sys.path: not the checkout's, so that --pythonpath counts
    run = subprocess.run(command, env=env, capture_output=True, text=True, cwd=work)
    if run.returncode:
        raise SystemExit(f"lmboot export failed on {arpa}: {run.stderr[-2000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", run.stderr).group(1)
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall.split(":"))))
    ngrams = arpa_ngram_count(arpa)
    pruning = json.loads((out / "export.json").read_text())["pruning"]
    return {
        "arpa": str(arpa),
        "ngrams": ngrams,
        "peak_mb": rss_kb / 1024,
        "bytes_per_ngram": rss_kb * 1024 / ngrams,
        "wall_s": seconds,
        "pruned": pruning["choice"],
        "pruned_ngrams": pruning["ngrams"],
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arpas", nargs="+", required=True, help="the LMs, smallest first")
    p.add_argument("--dev", required=True, help="dev sentences (pruning chosen on their perplexity)")
    p.add_argument("--work", required=True, help="folder for the exports")
    p.add_argument("--out", required=True, help="JSON of the measurements")
    p.add_argument("--pythonpath", help="run the lmboot package found here instead")
    a = p.parse_args()
    Path(a.work).mkdir(parents=True, exist_ok=True)
    rows = []
    for arpa in a.arpas:
        rows.append(measure(Path(arpa).resolve(), Path(a.dev).resolve(), Path(a.work).resolve(), a.pythonpath))
        r = rows[-1]
        print(
            f"{r['ngrams']:>12,} n-grams  {r['peak_mb']:>8,.0f} MB  {r['bytes_per_ngram']:>6.1f} B/n-gram  "
            f"{r['wall_s']:>7.1f} s  {arpa}",
            flush=True,
        )
        Path(a.out).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
