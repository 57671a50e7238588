"""Rescore: pick from each n-best list the hypothesis maximizing nmt_score + λ·lm_score.

Both scores are length-normalized natural-log probabilities: the NMT score per target token (the n-best
record names its scale; see nmt.py), the LM score per word including </s>.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from lmboot.corpus import iter_lines, read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm import load_model, log10_per_word

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
    """Per-word (incl. </s>) natural-log probability under a kenlm.Model, the scale of the NMT scores."""
    return log10_per_word(model, text) * LN10


def best_hypothesis(record: dict, model, lam: float) -> dict:
    scale = record.get("score_scale", "log2_per_token")
    if lam == 0:
        return max(record["hyps"], key=lambda h: nmt_score(h, scale))
    return max(record["hyps"], key=lambda h: nmt_score(h, scale) + lam * lm_score(model, h["text"]))


def tune_lambda(dev_nbest: str | Path, dev_refs: str | Path, model, grid: list[float]) -> dict:
    """The λ of the grid whose rescored dev 1-best has the highest chrF against the references."""
    import sacrebleu

    records, refs = read_nbest(dev_nbest), [read_lines(dev_refs)]
    if len(records) != len(refs[0]):
        raise InputError(f"{dev_nbest} has {len(records)} n-best lists but {dev_refs} has {len(refs[0])} lines")
    curve = {lam: sacrebleu.corpus_chrf([best_hypothesis(r, model, lam)["text"] for r in records], refs).score
             for lam in grid}
    best = max(grid, key=lambda lam: (curve[lam], -lam))  # ties: the smaller λ
    return {"lambda": best, "dev_chrf": {str(lam): round(score, 3) for lam, score in curve.items()}}


def rescore(nbest: str | Path, seed_lm: str | Path, out_text: str | Path, lam: float | str,
            dev_nbest: str | Path | None = None, dev_refs: str | Path | None = None,
            grid: list[float] = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)) -> dict:
    """Write the rescored 1-best of every n-best record (input order) to out_text; stats beside it.
    lam="tune" picks λ on the dev n-best lists (dev_nbest, dev_refs)."""
    model = load_model(seed_lm)
    tuning = None
    if lam == "tune":
        if not (dev_nbest and dev_refs):
            raise InputError("rescore.lambda: 'tune' needs the dev n-best lists and references")
        tuning = tune_lambda(dev_nbest, dev_refs, model, list(grid))
        lam = tuning["lambda"]
    records = read_nbest(nbest)
    best = [best_hypothesis(r, model, lam) for r in records]
    changed = sum(b is not r["hyps"][0] for b, r in zip(best, records))
    write_lines(out_text, (b["text"] for b in best))
    stats = {"records": len(records), "lambda": lam, "changed_from_nmt_1best": changed, "tuning": tuning}
    write_json(Path(out_text).with_suffix(".json"), stats)
    return stats
