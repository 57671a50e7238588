"""Text components of the final LM (the new-language side of the general bitext or of the selected pairs)
with a vocabulary cut chosen on dev: words seen fewer than min_count times are left out of the component
(lmplz --limit_vocab_file), so that a first-pass recognizer is not offered tens of thousands of rare words,
and, with a stated size (lm.component_max_ngrams), count pruning down to it, whatever the text's size.
Each candidate cut is scored as the final LM is built (mixed with the seed LM, written as one ARPA) by dev
perplexity over one vocabulary; the test set is never read."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

from lmboot.choose import DevPerplexity, chosen
from lmboot.data.corpus import iter_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm.kenlm import arpa_ngram_count, arpa_vocabulary, build_arpa, build_binary
from lmboot.schema import default


def word_counts(text: str | Path) -> Counter:
    counts: Counter = Counter()
    for line in iter_lines(text):
        counts.update(line.split())
    return counts


def vocabulary_cut(counts: Counter, min_count: int) -> list[str]:
    """The words seen at least min_count times, most frequent first."""
    return [word for word, n in counts.most_common() if n >= min_count]


def build_cut(
    text: str | Path, arpa: str | Path, counts: Counter, min_count: int, order: int, max_ngrams: int | None = None
) -> dict:
    """An ARPA LM of text over the words seen at least min_count times; with max_ngrams, count-pruned (n-grams
    of order 2 and up seen at most t times left out, t the first of 0, 1, 2, 4, 8, ... that fits) to at most
    that many n-grams. Returns the vocabulary's size, t and the n-gram count."""
    words = vocabulary_cut(counts, min_count)
    if not words:
        raise InputError(f"lm.vocab_min_count: no word of {text} is seen {min_count} times")
    if max_ngrams is not None and len(words) + 3 > max_ngrams:
        raise InputError(
            f"lm.component_max_ngrams: {max_ngrams:,} n-grams cannot hold the {len(words):,} words "
            f"seen {min_count}+ times in {text} (pruning keeps every word)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        limit = None
        if min_count > 1:
            write_lines(f"{tmp}/vocab.txt", words)
            limit = f"{tmp}/vocab.txt"
        prune, before = 0, None
        while True:
            build_arpa(text, arpa, order, limit_vocab=limit, prune=prune)
            ngrams = arpa_ngram_count(arpa)
            if max_ngrams is None or ngrams <= max_ngrams or order == 1:
                break
            if ngrams == before:  # pruning harder removes nothing more
                raise InputError(
                    f"lm.component_max_ngrams: {text} keeps {ngrams:,} n-grams however it is "
                    f"count-pruned; {max_ngrams:,} is too few"
                )
            prune, before = max(1, 2 * prune), ngrams
    return {"vocabulary": len(words), "prune": prune, "ngrams": ngrams}


def build_component(
    text: str | Path,
    out_prefix: str | Path,
    order: int,
    grid: list[int],
    seed_arpa: str | Path | None = None,
    dev: str | Path | None = None,
    seed_weight: float | str = default("lm.seed_weight"),
    max_ngrams: int | None = None,
) -> dict:
    """out_prefix.{arpa,bin} from text with the vocabulary cut of the grid that gives the lowest dev
    perplexity (over the seed's and the whole text's words) when mixed with the seed LM, each cut pruned to
    at most max_ngrams n-grams (a first-pass LM of a stated size); the curve and the choice in
    out_prefix.json. A one-value grid builds that cut without tuning."""
    grid = sorted(set(grid))
    if not grid or grid[0] < 1:
        raise InputError(f"lm.vocab_min_count: counts must be integers >= 1 (got {grid})")
    counts = word_counts(text)
    sizes, record = {}, None
    with tempfile.TemporaryDirectory(dir=Path(out_prefix).parent) as tmp:
        if len(grid) > 1:
            if not (seed_arpa and dev):
                raise InputError("lm.vocab_min_count: choosing among several cuts needs the seed ARPA and the dev text")
            criterion = DevPerplexity(seed_arpa, dev, order, seed_weight)
            sizes = {c: build_cut(text, f"{tmp}/cut{c}.arpa", counts, c, order, max_ngrams) for c in grid}
            measures = criterion.measure_arpas(
                {c: f"{tmp}/cut{c}.arpa" for c in grid}, set(arpa_vocabulary(seed_arpa)) | set(counts)
            )
            best, record = chosen(
                criterion, measures, prefer=sorted(grid, reverse=True)
            )  # ties: the smaller vocabulary
        else:
            best = grid[0]
            sizes[best] = build_cut(text, f"{tmp}/cut{best}.arpa", counts, best, order, max_ngrams)
        shutil.move(f"{tmp}/cut{best}.arpa", f"{out_prefix}.arpa")
    build_binary(f"{out_prefix}.arpa", f"{out_prefix}.bin")
    info = {
        "min_count": best,
        "vocabulary": sizes[best]["vocabulary"],
        "words_in_text": len(counts),
        "prune": sizes[best]["prune"],
        "ngrams": sizes[best]["ngrams"],
        "max_ngrams": max_ngrams,
        "dev_ppl_common": {k: round(v, 3) for k, v in record["measure"].items()} if record else {},
        "vocabulary_by_cut": {str(c): n["vocabulary"] for c, n in sizes.items()},
        "ngrams_by_cut": {str(c): n["ngrams"] for c, n in sizes.items()},
        "choice": record,
    }
    write_json(f"{out_prefix}.json", info)
    return info
