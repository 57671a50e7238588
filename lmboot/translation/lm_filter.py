"""LM filter: drop improbable translations. Filters are small classes behind one interface
(fit on the whole set if they need statistics, then accept(src, tgt)), composed by config.
Pairs are streamed from their files (PairFiles): memory holds a few numbers per pair, never the text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from lmboot.choose import DevPerplexity, choose
from lmboot.data.corpus import count_lines, iter_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm.kenlm import arpa_vocabulary, load_model, log10_per_word
from lmboot.schema import default


class Filter:
    name = "filter"

    def fit(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Learn what the filter needs from all pairs, in one pass (default: nothing)."""

    def accept(self, src: str, tgt: str) -> bool:
        raise NotImplementedError


class LMScoreFilter(Filter):
    """Keep translations whose seed-LM log10 probability per word (incl. </s>) is at least a threshold,
    given directly or as the percentile of the set to drop."""

    name = "lm_score"

    def __init__(self, lm: str | Path, threshold: float | None = None, percentile: float | None = None):
        if (threshold is None) == (percentile is None):
            raise InputError("lm_filter: give exactly one of threshold or percentile for the lm_score filter")
        self.model, self.threshold, self.percentile = load_model(lm), threshold, percentile

    def score(self, tgt: str) -> float:
        return log10_per_word(self.model, tgt)

    def fit(self, pairs):
        if self.percentile is not None:
            scores = np.fromiter((self.score(t) for _, t in pairs), dtype=np.float64)
            if len(scores):
                self.threshold = float(np.percentile(scores, self.percentile))

    def accept(self, src, tgt):
        return self.score(tgt) >= self.threshold


class LengthRatioFilter(Filter):
    """Drop pairs whose word-count ratio (longer/shorter) exceeds max_ratio."""

    name = "length_ratio"

    def __init__(self, max_ratio: float = 3.0):
        self.max_ratio = max_ratio

    def accept(self, src, tgt):
        a, b = len(src.split()), len(tgt.split())
        return min(a, b) > 0 and max(a, b) / min(a, b) <= self.max_ratio


class RepetitionFilter(Filter):
    """Drop translations in which any word n-gram (n = 1..3) repeats more than max_repeats times in a row."""

    name = "repetition"

    def __init__(self, max_repeats: int = 2):
        self.max_repeats = max_repeats

    def accept(self, src, tgt):
        words = tgt.split()
        for n in (1, 2, 3):
            for start in range(len(words) - n + 1):
                repeats = 1
                while words[start + repeats * n : start + (repeats + 1) * n] == words[start : start + n]:
                    repeats += 1
                if repeats > self.max_repeats:
                    return False
        return True


FILTERS = {cls.name: cls for cls in (LMScoreFilter, LengthRatioFilter, RepetitionFilter)}


def build_filters(specs: list[dict], lm: str | Path | None = None) -> list[Filter]:
    filters = []
    for spec in specs:
        spec = dict(spec)
        kind = spec.pop("type", None)
        if kind not in FILTERS:
            raise InputError(f"lm_filter.filters: unknown filter type {kind!r} (known: {', '.join(FILTERS)})")
        filters.append(FILTERS[kind](lm=lm, **spec) if kind == "lm_score" else FILTERS[kind](**spec))
    return filters


class PairFiles:
    """The pairs of two aligned text files, read afresh at each iteration (any size, little memory)."""

    def __init__(self, src: str | Path, tgt: str | Path):
        self.src, self.tgt = src, tgt
        n_src, n_tgt = count_lines(src), count_lines(tgt)
        if n_src != n_tgt:
            raise InputError(f"{src} has {n_src} lines but {tgt} has {n_tgt}")
        self.size = n_src

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(iter_lines(self.src), iter_lines(self.tgt))


def apply_filters(pairs, filters: list[Filter]) -> tuple[np.ndarray, dict]:
    """Mask of kept pairs and, per filter, how many pairs it alone dropped (in order of application).
    `pairs` is a list or any re-iterable of known length (PairFiles): each filter reads it twice."""
    keep = np.ones(len(pairs), dtype=bool)
    dropped = {}
    for f in filters:
        f.fit(p for p, k in zip(pairs, keep) if k)
        before = int(keep.sum())
        keep = np.fromiter((k and f.accept(s, t) for k, (s, t) in zip(keep, pairs)), dtype=bool, count=len(pairs))
        dropped[f.name] = before - int(keep.sum())
    return keep, dropped


TUNE_ON = ("ppl", "ppl_common")


def tune_percentile(
    pairs,
    specs: list[dict],
    seed_lm: str | Path,
    seed_arpa: str | Path,
    dev: str | Path,
    grid: list[float],
    order: int = default("lm.order"),
    seed_weight: float | str = default("lm.seed_weight"),
    tune_on: str = default("lm_filter.tune_on"),
) -> dict:
    """The lm_score percentile of the grid that minimizes the dev perplexity of the final LM as it is built
    (lm.interpolate: seed + filtered-translation LMs mixed as lm.seed_weight says, written as one back-off
    ARPA) and measured as evaluate does. The exact mixture is not what gets written: on es-en its dev
    perplexity favoured dropping half the translations, which raised the written LM's dev and test perplexity.
    tune_on "ppl_common" scores every candidate over one vocabulary (the seed's and all translations' words);
    "ppl" is KenLM's perplexity, which charges each LM its own p(<unk>) and so rewards dropping words (on
    en-de it dropped half the translations and raised the common-vocabulary test perplexity 169 -> 190)."""
    if tune_on not in TUNE_ON:
        raise InputError(f"lm_filter.tune_on: {tune_on!r} is not one of {', '.join(TUNE_ON)}")
    criterion = DevPerplexity(seed_arpa, dev, order, seed_weight, measure=tune_on)
    # one vocabulary: the seed's and all translations' words ("ppl" does not use it)
    vocabulary = set(arpa_vocabulary(seed_arpa)).union(*(t.split() for _, t in pairs))
    candidates = {}
    for percentile in grid:
        candidate = [dict(s, percentile=percentile) if s.get("percentile") == "tune" else s for s in specs]
        keep, _ = apply_filters(pairs, build_filters(candidate, seed_lm))
        if any(keep):  # streamed from the files when measured: memory holds the masks, not the text
            candidates[percentile] = (t for (_, t), k in zip(pairs, keep) if k)
    if not candidates:
        raise InputError(f"lm_filter: every candidate percentile {grid} drops every translation")
    best, record = choose(criterion, candidates, prefer=sorted(candidates), vocabulary=vocabulary)
    return {
        "percentile": best,
        "tune_on": tune_on,
        "dev_ppl": {k: round(v, 3) for k, v in record["measure"].items()},
        "choice": record,
    }


def lm_filter(
    src: str | Path,
    tgt: str | Path,
    seed_lm: str | Path,
    out_text: str | Path,
    specs: list[dict],
    seed_arpa: str | Path | None = None,
    dev: str | Path | None = None,
    grid: list[float] = default("lm_filter.grid"),
    order: int = default("lm.order"),
    seed_weight: float | str = default("lm.seed_weight"),
    tune_on: str = default("lm_filter.tune_on"),
) -> dict:
    """Write the translations that pass every filter to out_text; counts to out_text.json.
    An lm_score filter with percentile "tune" takes the grid value chosen on dev (tune_percentile)."""
    pairs = PairFiles(src, tgt)
    tuning = None
    if any(s.get("percentile") == "tune" for s in specs):
        if not (seed_arpa and dev):
            raise InputError("lm_filter: percentile 'tune' needs the seed ARPA model and the dev text")
        tuning = tune_percentile(pairs, specs, seed_lm, seed_arpa, dev, list(grid), order, seed_weight, tune_on)
        specs = [dict(s, percentile=tuning["percentile"]) if s.get("percentile") == "tune" else s for s in specs]
    keep, dropped = apply_filters(pairs, build_filters(specs, seed_lm))
    if len(pairs) and not keep.any():
        raise InputError(
            f"{tgt}: every translation was dropped ({dropped}); the translator's output is "
            "unusable: see its dev_scores.json and train more"
        )
    write_lines(out_text, (t for (_, t), k in zip(pairs, keep) if k))
    stats = {"input": len(pairs), "kept": int(keep.sum()), "dropped_by": dropped, "tuning": tuning}
    write_json(Path(out_text).with_suffix(".json"), stats)
    return stats
