"""Rescore: pick from each n-best list the hypothesis maximizing nmt_score + λ·lm_score.

Both scores are length-normalized natural-log probabilities: the NMT score per target token (the n-best
record names its scale; see nmt.py), the LM score per word including </s>.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from lmboot.corpus import iter_lines, write_json, write_lines
from lmboot.lm import load_model

LN10 = math.log(10)


def read_nbest(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in iter_lines(path) if line.strip()]


def nmt_score(hyp: dict, scale: str) -> float:
    """Per-token natural-log probability from a hypothesis score of the given scale."""
    if scale == "log2_per_token":
        return hyp["score"] * math.log(2)
    if scale == "ln_per_token":
        return hyp["score"]
    raise ValueError(f"unknown n-best score scale {scale!r}")


def lm_score(model, text: str) -> float:
    """Per-word (incl. </s>) natural-log probability under a kenlm.Model."""
    return model.score(text, bos=True, eos=True) * LN10 / (len(text.split()) + 1)


def best_hypothesis(record: dict, model, lam: float) -> dict:
    scale = record.get("score_scale", "log2_per_token")
    if lam == 0:
        return max(record["hyps"], key=lambda h: nmt_score(h, scale))
    return max(record["hyps"], key=lambda h: nmt_score(h, scale) + lam * lm_score(model, h["text"]))


def rescore(nbest: str | Path, seed_lm: str | Path, out_text: str | Path, lam: float) -> dict:
    """Write the rescored 1-best of every n-best record (input order) to out_text; stats beside it."""
    model = load_model(seed_lm)
    records = read_nbest(nbest)
    best = [best_hypothesis(r, model, lam) for r in records]
    changed = sum(b is not r["hyps"][0] for b, r in zip(best, records))
    write_lines(out_text, (b["text"] for b in best))
    stats = {"records": len(records), "lambda": lam, "changed_from_nmt_1best": changed}
    write_json(Path(out_text).with_suffix(".json"), stats)
    return stats
