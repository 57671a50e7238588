"""Top-k translations as LM data: beyond the rescored 1-best, the next hypotheses of each pool n-best list
(ranked as rescore ranks them: nmt_score + λ·seed-LM score, with the λ the variant chose) carry other
wordings of the same utterance. The configured LM filters apply to every hypothesis (the lm_score cut at
the percentile the variant chose); k is chosen on dev: the k whose text, mixed with the seed LM, gives the
lowest dev perplexity over one vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

from lmboot.choose import DevPerplexity, choose
from lmboot.data.corpus import read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm.kenlm import load_model
from lmboot.schema import default
from lmboot.translation.lm_filter import apply_filters, build_filters
from lmboot.translation.rescore import lm_score, nmt_score, read_nbest


def ranked_hypotheses(record: dict, model, lam: float) -> list[str]:
    """The distinct hypothesis texts of an n-best record, best first by nmt_score + λ·lm_score."""
    scale = record.get("score_scale", "log2_per_token")
    scored = sorted(
        record["hyps"], key=lambda h: -(nmt_score(h, scale) + (lam * lm_score(model, h["text"]) if lam else 0))
    )
    texts = []
    for hyp in scored:
        if hyp["text"].strip() and hyp["text"] not in texts:
            texts.append(hyp["text"])
    return texts


def chosen_specs(specs: list[dict], filter_stats: dict) -> list[dict]:
    """The variant's filters with the lm_score percentile it chose on dev in place of "tune"."""
    tuning = filter_stats.get("tuning") or {}
    if any(s.get("percentile") == "tune" for s in specs) and "percentile" not in tuning:
        raise InputError("topk: the filter stats hold no tuned percentile for lm_score's 'tune'")
    return [dict(s, percentile=tuning["percentile"]) if s.get("percentile") == "tune" else s for s in specs]


def topk_text(
    nbest: str | Path,
    src: str | Path,
    seed_lm: str | Path,
    seed_arpa: str | Path,
    dev: str | Path,
    rescore_stats: str | Path,
    filter_stats: str | Path,
    specs: list[dict],
    grid: list[int],
    out_text: str | Path,
    order: int = default("lm.order"),
    seed_weight: float | str = default("lm.seed_weight"),
) -> dict:
    """Write the top-k hypotheses of every pool n-best list that pass the filters, k chosen on dev."""
    records, sources = read_nbest(nbest), read_lines(src)
    if len(records) != len(sources):
        raise InputError(f"{nbest} has {len(records)} n-best lists but {src} has {len(sources)} lines")
    grid = sorted(set(grid))
    lam = json.loads(Path(rescore_stats).read_text())["lambda"]
    model = load_model(seed_lm)
    ranked = [ranked_hypotheses(r, model, lam)[: grid[-1]] for r in records]
    pairs = [(s, t) for s, texts in zip(sources, ranked) for t in texts]
    keep, dropped = apply_filters(
        pairs, build_filters(chosen_specs(specs, json.loads(Path(filter_stats).read_text())), seed_lm)
    )
    kept = iter(keep)
    ranked = [[t for t in texts if next(kept)] for texts in ranked]
    candidates = {k: [t for texts in ranked for t in texts[:k]] for k in grid}
    best, tuning = grid[0], None
    if len(grid) > 1:
        best, record = choose(
            DevPerplexity(seed_arpa, dev, order, seed_weight), candidates, prefer=grid
        )  # ties: smaller k
        tuning = {"dev_ppl_common": {k: round(v, 3) for k, v in record["measure"].items()}, "choice": record}
    write_lines(out_text, candidates[best])
    stats = {
        "k": best,
        "kept": len(candidates[best]),
        "pool": len(records),
        "lambda": lam,
        "dropped_by": dropped,
        "tuning": tuning,
    }
    write_json(Path(out_text).with_suffix(".json"), stats)
    return stats
