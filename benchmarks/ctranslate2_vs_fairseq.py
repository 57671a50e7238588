"""Throughput of n-best translation with fairseq-generate (fairseq-interactive) and CTranslate2 on the same
checkpoint, beam and n-best, in one run; prints sentences/s of each, their ratio and the 1-best agreement.

    .venv/bin/python benchmarks/ctranslate2_vs_fairseq.py            # the demo's translator (make demo first)
    .venv/bin/python benchmarks/ctranslate2_vs_fairseq.py --checkpoint models/es-en/selected/round1/checkpoint_best.pt \
        --spm-dir models/es-en/selected/spm --input data/es-en/prepared/pool.src --limit 2000
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from lmboot.config import section_defaults
from lmboot.data.corpus import read_lines, write_lines
from lmboot.translation.decode import convert_ct2, one_best, translate


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default="models/demo/selected/round1/checkpoint_best.pt")
    p.add_argument("--spm-dir", default="models/demo/selected/spm")
    p.add_argument("--input", default="data/demo/prepared/pool.src")
    p.add_argument("--limit", type=int, default=1000, help="sentences translated (the first N of --input)")
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--nbest", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    for path in (a.checkpoint, a.input):
        if not Path(path).is_file():
            sys.exit(f"{path}: not found (run `make demo` first, or point --checkpoint/--input elsewhere)")
    cfg = section_defaults("nmt", {"beam": a.beam, "nbest": a.nbest, "device": "cpu", "batch_size": 64})
    with tempfile.TemporaryDirectory() as tmp:
        source, lines = Path(tmp) / "input", read_lines(a.input)[: a.limit]
        write_lines(source, lines)
        n = len(lines)
        convert_ct2(a.checkpoint, Path(a.spm_dir), a.threads)  # made once per checkpoint, not timed
        results = {}
        for name in ("fairseq", "ctranslate2"):
            start = time.perf_counter()
            translate(a.checkpoint, a.spm_dir, source, f"{tmp}/{name}.jsonl", dict(cfg, translator=name), a.threads)
            seconds = time.perf_counter() - start
            results[name] = {"seconds": round(seconds, 2), "sentences_per_second": round(n / seconds, 1)}
        same = sum(x == y for x, y in zip(one_best(f"{tmp}/fairseq.jsonl"), one_best(f"{tmp}/ctranslate2.jsonl")))
    ratio = results["ctranslate2"]["sentences_per_second"] / results["fairseq"]["sentences_per_second"]
    print(
        json.dumps(
            {
                "sentences": n,
                "beam": a.beam,
                "nbest": a.nbest,
                "threads": a.threads,
                **results,
                "ratio": round(ratio, 2),
                "same_1best": round(same / n, 3),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
