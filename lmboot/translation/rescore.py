"""Rescore: pick from each n-best list the hypothesis maximizing nmt_score + λ·lm_score.

Both scores are length-normalized natural-log probabilities: the NMT score per target token (the n-best
record names its scale; see nmt.py), the LM score per word including </s>.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from lmboot.data.corpus import iter_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm.kenlm import load_model, log10_per_word
from lmboot.schema import default

LN10 = math.log(10)


def read_nbest(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in iter_lines(path) if line.strip()]


def nmt_score(hyp: dict, scale: str) -> float:
    """Per-token natural-log probability from a hypothesis score of the given scale."""
    if scale == "log2_per_token":
        return hyp["score"] * math.log(2)
    if scale == "ln_per_token":
        return hyp["score"]
    if scale == "none":  # a translator that gives no score (a command): every hypothesis alike
        return 0.0
    raise ValueError(f"unknown n-best score scale {scale!r}")


def lm_score(model, text: str) -> float:
    """Per-word (incl. </s>) natural-log probability under a kenlm.Model, the scale of the NMT scores."""
    return log10_per_word(model, text) * LN10


def best_hypothesis(record: dict, model, lam: float) -> dict:
    scale = record.get("score_scale", "log2_per_token")
    if lam == 0:
        return max(record["hyps"], key=lambda h: nmt_score(h, scale))
    return max(record["hyps"], key=lambda h: nmt_score(h, scale) + lam * lm_score(model, h["text"]))


def tune_lambda(dev_nbest: str | Path, criterion, model, grid: list[float]) -> dict:
    """The λ of the grid whose rescored dev 1-best the criterion (lmboot.choose) prefers: the highest chrF
    against the dev references, or the lowest dev perplexity of seed + an LM of it. Ties: the smaller λ."""
    from lmboot.choose import choose

    records = read_nbest(dev_nbest)
    candidates = {lam: [best_hypothesis(r, model, lam)["text"] for r in records] for lam in grid}
    best, record = choose(criterion, candidates, prefer=sorted(grid))
    tuning = {"lambda": best, **record}
    if criterion.name == "chrf":  # the curve as earlier runs recorded it
        tuning["dev_chrf"] = {str(lam): round(score, 3) for lam, score in record["measure"].items()}
    return tuning


def rescore(
    nbest: str | Path,
    seed_lm: str | Path,
    out_text: str | Path,
    lam: float | str,
    dev_nbest: str | Path | None = None,
    criterion=None,
    grid: list[float] = default("rescore.grid"),
) -> dict:
    """Write the rescored 1-best of every n-best record (input order) to out_text; stats beside it.
    lam="tune" picks λ on the dev n-best lists (dev_nbest) by the criterion (lmboot.choose)."""
    model = load_model(seed_lm)
    tuning = None
    if lam == "tune":
        if not (dev_nbest and criterion):
            raise InputError(
                "rescore.lambda: 'tune' needs the dev n-best lists and a criterion (dev references or dev text)"
            )
        tuning = tune_lambda(dev_nbest, criterion, model, list(grid))
        lam = tuning["lambda"]
    records = read_nbest(nbest)
    best = [best_hypothesis(r, model, lam) for r in records]
    changed = sum(b is not r["hyps"][0] for b, r in zip(best, records))
    write_lines(out_text, (b["text"] for b in best))
    stats = {"records": len(records), "lambda": lam, "changed_from_nmt_1best": changed, "tuning": tuning}
    write_json(Path(out_text).with_suffix(".json"), stats)
    return stats
