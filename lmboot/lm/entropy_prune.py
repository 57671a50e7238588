"""Entropy pruning (Stolcke 1998, as SRILM's and kaldingram's prune do it) over an ARPA model's arrays
(arpa_compact.CompactArpa), with kaldingram's result: the same n-grams kept, the same back-off weights and
the same ARPA text. An n-gram of order 2 and up goes when its removal raises the training-set perplexity by
less than the threshold (relative) and no kept longer n-gram extends it; the back-off weights are then
recomputed. Each n-gram's perplexity change depends on the whole model alone, so it is computed once for a
grid of thresholds (1 byte an n-gram: how many thresholds it is not below); each threshold then costs one
recomputation of the back-off weights and one ARPA written. kaldingram's sums are sequential (a running
log10 sum per context, in the file's order) and go through libm's pow and log (Python's float ops): so do
these, numpy's own pow and log differing from libm's in the last bit of some values. Kept from kaldingram,
where it departs from SRILM: the marginal probability of the one-word context <s> is its unigram line's
(lmplz writes 0, so 1; lm_mix -99, so none), where SRILM takes p(</s>) for a context's leading <s>."""

from __future__ import annotations

import math
from itertools import repeat
from pathlib import Path

import numpy as np

from lmboot.data.corpus import atomic_write
from lmboot.lm.arpa_compact import CompactArpa

LN10 = math.log(10)  # math.log(x, 10) is log(x) / log(10)


def pow10(x: np.ndarray) -> np.ndarray:
    """10 ** x with libm's pow, as Python's float power."""
    return np.fromiter(map(math.pow, repeat(10.0), x.tolist()), dtype=np.float64, count=len(x))


def log10(x: np.ndarray) -> np.ndarray:
    """math.log(x, 10) (libm's log); nan where x <= 0, where kaldingram stops with a math domain error."""
    x = np.where(x > 0, x, np.nan)
    return np.fromiter(map(math.log, x.tolist()), dtype=np.float64, count=len(x)) / LN10


def running_sum(pw: np.ndarray, length: np.ndarray) -> np.ndarray:
    """kaldingram's add_log_p over each run of pw (10 ** log p, runs back to back, `length` each): the log10
    of the sum, as s = log10(p + 10 ** s) from s = -inf, in the run's order."""
    begin = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64)
    order = np.argsort(-length, kind="stable")
    lengths, begins = length[order], begin[order]
    s = np.full(len(length), -np.inf)
    for j in range(int(lengths[0]) if len(lengths) else 0):
        active = int(np.searchsorted(-lengths, -j, side="left"))  # runs longer than j (longest first)
        s[:active] = log10(pw[begins[:active] + j] + pow10(s[:active]))
    out = np.empty_like(s)
    out[order] = s
    return out


def logp_raw(lm: CompactArpa, ids: np.ndarray, kept: dict | None = None, bows: dict | None = None) -> np.ndarray:
    """kaldingram's log_p_raw of each row of ids (word ids, m x k, k below the highest order): the longest
    explicit suffix's log10 p plus the back-off weights of the contexts left out, added innermost first.
    kept: per order, whether an n-gram is still in the model (None: all); bows: per order, back-off weights
    (None: the file's)."""
    m, k = ids.shape
    out, level, pending = np.empty(m), np.zeros(m, dtype=np.int64), np.arange(m)
    for j in range(k):
        n = k - j
        row = lm.find(ids[pending, j:]) if n > 1 else ids[pending, j]
        hit = row >= 0
        if kept is not None and n > 1:
            hit &= kept[n][np.maximum(row, 0)]
        out[pending[hit]], level[pending[hit]] = lm.prob[n][row[hit]], j
        pending = pending[~hit]
    for j in range(k - 2, -1, -1):
        sel = np.flatnonzero(level > j)
        if len(sel):
            n = k - 1 - j
            row = lm.find(ids[sel, j : k - 1]) if n > 1 else ids[sel, j]
            weights = (bows or lm.bow)[n]
            out[sel] = np.where(row >= 0, weights[np.maximum(row, 0)], 0.0) + out[sel]
    return out


def joint(lm: CompactArpa, n: int, rows: np.ndarray) -> np.ndarray:
    """kaldingram's log_joint_prob of order n's rows: log10 p of the n-gram, then of each prefix, summed in that
    order, with p(</s>) for the prefix <s> (of an n-gram longer than <s>)."""
    bos, eos = lm.wid.get("<s>", -1), lm.wid.get("</s>", -1)
    acc = np.zeros(len(rows))
    for m in range(n, 0, -1):
        acc = acc + lm.prob[m][rows]
        if m > 1:
            rows = lm.ctx[m][rows]
            if m == 2 and bos >= 0 and eos >= 0:
                rows = np.where(rows == bos, eos, rows)
    return acc


def change_classes(lm: CompactArpa, thresholds: list[float]) -> dict[int, np.ndarray]:
    """Per order from 2, each n-gram's number of `thresholds` (sorted) that its perplexity change is not below:
    pruned at threshold i when below it (and not needed as a context)."""
    grid = np.asarray(sorted(thresholds), dtype=np.float64)
    classes = {}
    for n in range(2, lm.order + 1):
        classes[n] = np.full(lm.count(n), len(grid), dtype=np.uint8 if len(grid) < 255 else np.uint16)
        for contexts in lm.chunks(n, np.flatnonzero(np.diff(lm.start[n]) > 0)):
            rows, change = _changes(lm, n, contexts)
            classes[n][rows] = np.searchsorted(grid, change, side="right")
    return classes


def _changes(lm: CompactArpa, n: int, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The relative training-perplexity change of removing each n-gram of `contexts` (kaldingram's prune)."""
    rows, length = lm.segments(n, contexts)
    owner = np.repeat(np.arange(len(contexts)), length)
    lp = lm.prob[n][rows]
    lower = logp_raw(lm, lm.ids(n, rows)[:, 1:])
    pw, pw_lower = pow10(lp), pow10(lower)
    numerator = (1.0 - pow10(running_sum(pw, length)))[owner]
    denominator = (1.0 - pow10(running_sum(pw_lower, length)))[owner]
    new_bow = log10(numerator + pw) - log10(denominator + pw_lower)
    delta_prob = lower + new_bow - lp
    old_bow = lm.bow[n - 1][contexts][owner]
    delta_entropy = -pow10(joint(lm, n - 1, contexts))[owner] * (pw * delta_prob + numerator * (new_bow - old_bow))
    return rows, pow10(delta_entropy) - 1.0


def prune(lm: CompactArpa, classes: dict[int, np.ndarray], index: int, positive: bool = True):
    """The model pruned at threshold number `index` of the grid: kept (per order from 2), has_children (per
    order below the highest: a kept n-gram extends it) and the recomputed back-off weights (per order)."""
    kept, children = {}, {}
    for n in range(lm.order, 1, -1):
        kept[n] = classes[n] > index if positive else np.ones(lm.count(n), dtype=bool)
        if n < lm.order:
            kept[n] |= children[n]
        children[n - 1] = np.bincount(lm.ctx[n][kept[n]], minlength=lm.count(n - 1)) > 0
    bows = {n: np.zeros(lm.count(n)) for n in range(1, lm.order)}
    for n in range(2, lm.order + 1):
        for contexts in lm.chunks(n, np.flatnonzero(children[n - 1])):
            rows, length = lm.segments(n, contexts)
            keep = kept[n][rows]
            rows, length = (
                rows[keep],
                np.bincount(np.repeat(np.arange(len(contexts)), length)[keep], minlength=len(contexts)),
            )
            lower = logp_raw(lm, lm.ids(n, rows)[:, 1:], kept, bows)
            numerator = 1.0 - pow10(running_sum(pow10(lm.prob[n][rows]), length))
            denominator = 1.0 - pow10(running_sum(pow10(lower), length))
            bow = log10(numerator) - log10(denominator)
            bows[n - 1][contexts] = np.where(np.isfinite(bow), bow, 0.0)  # kaldingram: a math domain error
    return kept, children, bows


def write_arpa(lm: CompactArpa, kept: dict, children: dict, bows: dict, out: str | Path) -> dict[int, int]:
    """The pruned model as kaldingram writes it: each order's n-grams context by context (kaldingram's order of
    the contexts: those with a back-off weight in the file first, in its order, then the others as their first
    n-gram came), values rounded to 7 decimals, a back-off weight where a kept n-gram extends it; the header
    counts what each section holds and an empty order is left out (KenLM refuses both a header that counts
    n-grams its sections lack, which kaldingram can write after heavy pruning, and an empty section).
    Returns the n-gram counts."""
    counts = {1: lm.V}
    for n in range(2, lm.order + 1):
        if not kept[n].any():
            break
        counts[n] = int(kept[n].sum())
    with atomic_write(out) as f:
        f.write("\n\\data\\\n" + "".join(f"ngram {n}={c}\n" for n, c in counts.items()))
        for n in counts:
            f.write(f"\n\\{n}-grams:\n")
            if n == 1:
                for lo in range(0, lm.V, 1 << 16):
                    f.write(_lines(lm, 1, np.arange(lo, min(lo + (1 << 16), lm.V)), children, bows))
                continue
            contexts = np.flatnonzero(children[n - 1])
            first = lm.group[n][lm.start[n][contexts]]
            rank = np.where(lm.has_bow[n - 1][contexts], contexts, lm.count(n - 1) + first)
            for chunk in lm.chunks(n, contexts[np.argsort(rank, kind="stable")]):
                rows, _ = lm.segments(n, chunk)
                f.write(_lines(lm, n, rows[kept[n][rows]], children, bows))
        f.write("\n\\end\\\n")
    return counts


def _lines(lm: CompactArpa, n: int, rows: np.ndarray, children: dict, bows: dict) -> str:
    """ARPA lines as kaldingram writes them: "{round(p, 7)}\t{words}[\t{round(bow, 7)}]"."""
    words = lm.words
    probs: list = [round(p, 7) for p in lm.prob[n][rows].tolist()]
    for i in np.flatnonzero(np.isin(rows, lm.int_prob[n])).tolist():  # "0", "-99": ints in kaldingram
        probs[i] = int(probs[i])
    grams = [" ".join([words[i] for i in g]) for g in lm.ids(n, rows).tolist()]
    if n == lm.order:
        return "".join([f"{p}\t{g}\n" for p, g in zip(probs, grams)])
    bow = [f"\t{round(b, 7)}\n" if has else "\n" for b, has in zip(bows[n][rows].tolist(), children[n][rows].tolist())]
    return "".join([f"{p}\t{g}{b}" for p, g, b in zip(probs, grams, bow)])
