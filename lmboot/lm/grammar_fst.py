"""words.txt and G.fst from an ARPA model's arrays (arpa_compact.CompactArpa), byte for byte what kaldilm's
arpa2fst writes with disambig_symbol="#0" (Kaldi's ArpaLmCompiler: a state per n-gram below the highest
order, in the file's order after the 0-gram state; #0:<eps> back-off arcs; <s> and </s> as epsilons, </s> a
final weight; the highest order's arcs go to the state of their last n-1 words; arcs sorted by input label),
written state by state in chunks: no FST in memory, nor its text (kaldilm returns the whole FST as text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lmboot.data.corpus import atomic_write
from lmboot.errors import InputError
from lmboot.lm.arpa_compact import CompactArpa

LN10 = np.float64(2.302585092994045684)  # M_LN10: Kaldi turns log10 into ln in float32 through a double
FST_MAGIC = 2125659606
# OpenFst properties: kExpanded, kMutable, kNoEpsilons, kNoIEpsilons, kILabelSorted; with back-off arcs
# kNotAcceptor, kOEpsilons, kNotTopSorted; kWeighted
PROPS = 0x1 | 0x2 | 0x800000 | 0x2000000 | 0x10000000
BACKOFF_PROPS, WEIGHTED = 0x20000 | 0x4000000 | 0x8000000000, 0x100000000
BOS, EOS, DISAMBIG = 2, 3, 1  # symbols after <eps> (0)


def symbols(lm: CompactArpa) -> np.ndarray:
    """Each word id's symbol: <eps> 0, #0 1, <s> 2, </s> 3, then the other words in the unigrams' order."""
    if "<eps>" in lm.wid or "#0" in lm.wid:
        raise InputError(f"{lm.path}: <eps> or #0 is a word of the model (G.fst reserves them)")
    marks = {lm.wid[word]: sym for word, sym in (("<s>", BOS), ("</s>", EOS)) if word in lm.wid}
    special = np.zeros(lm.V, dtype=bool)
    special[list(marks)] = True
    out = np.where(special, 0, 4 + np.cumsum(~special) - 1).astype(np.int32)
    out[list(marks)] = list(marks.values())
    return out


def weight(log10: np.ndarray) -> np.ndarray:
    """Kaldi's arc weight of a log10 value: -(float)((double)(float)x * M_LN10)."""
    return -(log10.astype(np.float32).astype(np.float64) * LN10).astype(np.float32)


class _States:
    """Kaldi's state id of each row below the highest order (-1: none; the 0-gram state is 0), in the order
    Kaldi makes them, and the destinations of back-off arcs."""

    def __init__(self, lm: CompactArpa):
        self.lm, top = lm, lm.order
        self.bos, self.eos = lm.wid.get("<s>", -1), lm.wid.get("</s>", -1)
        self.id: dict[int, np.ndarray] = {}
        total = 1
        for n in range(1, top):
            ok = lm.word[n] != self.eos if n > 1 else np.arange(lm.V) != self.eos
            if n > 1:
                ok &= (self.id[n - 1][lm.ctx[n]] >= 0) & (lm.word[n] != self.bos)
            self.id[n] = np.where(ok, total + np.cumsum(ok) - 1, -1).astype(np.int32)
            total += int(ok.sum())
        self.total = total
        if self.bos < 0:
            raise InputError(f"{lm.path}: no <s> unigram (G.fst starts in its state)")
        self.start = int(self.id[1][self.bos]) if top > 1 else 0

    def longest(self, ids: np.ndarray) -> np.ndarray:
        """The state of the longest n-gram of ids' word sequences (their suffixes) that has one, else 0."""
        dest = np.zeros(len(ids), dtype=np.int32)
        for m in range(1, ids.shape[1] + 1):
            if m >= self.lm.order:
                break
            row = self.lm.find(ids[:, ids.shape[1] - m :])
            state = np.where(row >= 0, self.id[m][np.maximum(row, 0)], -1)
            dest = np.where(state >= 0, state, dest)
        return dest


def write_grammar(lm: CompactArpa, words_txt: str | Path, g_fst: str | Path) -> None:
    """words.txt and G.fst (each written whole to a temporary name first)."""
    sym = symbols(lm)
    with atomic_write(words_txt) as f:
        f.write("<eps>\t0\n#0\t1\n<s>\t2\n</s>\t3\n")
        f.writelines(f"{w}\t{s}\n" for w, s in zip(lm.words, sym.tolist()) if s > EOS)
    states, extras = _States(lm), None
    while True:
        with atomic_write(g_fst, "wb") as f:
            found = _write_fst(f, states, sym, extras)
        if extras is not None or not found:
            return
        extras = {key: i for i, key in enumerate(sorted(found, key=found.get))}  # their first n-grams' order


def _write_fst(f, states: _States, sym: np.ndarray, extras: dict | None) -> dict:
    """The FST's header and states; the highest order's arcs whose last n-1 words have no state get a state of
    their own, numbered after the others in the order of their first n-gram (the dict returned: those n-1
    words and their first n-gram's row, when `extras` is None and such arcs were found: write again)."""
    lm, found, weighted = states.lm, {}, False
    f.write(_header(states.start, 0, False, False))
    weighted |= _write_zerogram(f, states, sym)
    for n in range(1, lm.order):
        for contexts in lm.chunks(n + 1, np.flatnonzero(states.id[n] >= 0)):
            weighted |= _write_chunk(f, states, sym, n, contexts, extras, found)
    keys = np.array(list(extras) if extras else [], dtype=np.int64).reshape(-1, max(lm.order - 1, 1))
    if len(keys):
        _write_records(
            f,
            np.full(len(keys), np.inf, dtype=np.float32),
            states.longest(keys[:, 1:]),
            weight(np.zeros(len(keys))),
            *[np.zeros(0, dtype=np.int32)] * 4,
        )
    f.seek(0)
    f.write(_header(states.start, states.total + len(keys), states.total > 1, weighted))
    return found


def _header(start: int, num_states: int, backoff: bool, weighted: bool) -> bytes:
    props = PROPS | (BACKOFF_PROPS if backoff else 0) | (WEIGHTED if weighted else 0)
    text = b"".join(np.int32(len(s)).tobytes() + s for s in (b"vector", b"standard"))
    return (
        np.int32(FST_MAGIC).tobytes()
        + text
        + np.array([2, 0], dtype="<i4").tobytes()
        + np.array([props], dtype="<u8").tobytes()
        + np.array([start, num_states, 0], dtype="<i8").tobytes()
    )


def _write_zerogram(f, states: _States, sym: np.ndarray) -> bool:
    lm = states.lm
    final = weight(lm.prob[1][[states.eos]]) if states.eos >= 0 else np.full(1, np.inf, dtype=np.float32)
    rows = np.flatnonzero((np.arange(lm.V) != states.bos) & (np.arange(lm.V) != states.eos))
    dest = states.id[1][rows] if lm.order > 1 else np.zeros(len(rows), dtype=np.int32)
    w = weight(lm.prob[1][rows])
    _write_records(f, final, None, None, np.zeros(len(rows), dtype=np.int64), sym[rows], w, dest)
    return _weighted(w, final)


def _write_chunk(f, states: _States, sym: np.ndarray, n: int, contexts: np.ndarray, extras, found) -> bool:
    """The states of order n's rows `contexts`: back-off arc, arcs of their (n+1)-grams, final weight."""
    lm, top = states.lm, n + 1 == states.lm.order
    bo_dest = states.longest(lm.ids(n, contexts)[:, 1:])
    rows, length = lm.segments(n + 1, contexts)
    owner = np.repeat(np.arange(len(contexts)), length)
    word = lm.word[n + 1][rows]
    final = np.full(len(contexts), np.inf, dtype=np.float32)
    ends = word == states.eos
    final[owner[ends]] = weight(lm.prob[n + 1][rows[ends]])
    keep = (word != states.eos) & (word != states.bos)
    rows, owner, word = rows[keep], owner[keep], word[keep]
    order = np.lexsort((word, owner))
    rows, owner, word = rows[order], owner[order], word[order]
    twice = np.flatnonzero((np.diff(owner) == 0) & (np.diff(word) == 0))
    if len(twice):
        raise InputError(f"{lm.path}: the {n + 1}-gram in row {int(rows[twice[0]]) + 1} of its section is listed twice")
    dest = _top_dest(states, rows, extras, found) if top else states.id[n + 1][rows]
    w = weight(lm.prob[n + 1][rows])
    _write_records(f, final, bo_dest, weight(lm.bow[n][contexts]), owner, sym[word], w, dest)
    return _weighted(w, final)


def _top_dest(states: _States, rows: np.ndarray, extras: dict | None, found: dict) -> np.ndarray:
    """The state of each highest-order n-gram's last n-1 words (Kaldi's collapsed highest order)."""
    lm = states.lm
    tails = lm.ids(lm.order, rows)[:, 1:]
    row = lm.find(tails)
    dest = np.where(row >= 0, states.id[lm.order - 1][np.maximum(row, 0)], -1)
    for i in np.flatnonzero(dest < 0):  # tails that are no state of the model: rare (not lmplz's ARPAs)
        key = tuple(tails[i].tolist())
        if extras is None:
            found[key] = min(found.get(key, int(rows[i])), int(rows[i]))
            dest[i] = 0
        else:
            dest[i] = states.total + extras[key]
    return dest.astype(np.int32)


def _weighted(*weights: np.ndarray) -> bool:
    return any(bool(((w != 0) & np.isfinite(w)).any()) for w in weights)


def _write_records(f, final, bo_dest, bo_weight, owner, label, w, dest) -> None:
    """States in OpenFst's VectorFst layout: final weight (float32), arc count (int64), then each arc's
    ilabel, olabel (int32), weight (float32) and next state (int32); the back-off arc first (#0 sorts before
    every word), then `owner`'s arcs (state index in this chunk, sorted), in order."""
    nbo = 0 if bo_dest is None else 1
    per_state = np.bincount(owner, minlength=len(final))
    counts = per_state + nbo
    before = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    buf = np.zeros(3 * len(final) + 4 * int(counts.sum()), dtype="<i4")
    at = 3 * np.arange(len(final)) + 4 * before
    buf[at], buf[at + 1] = final.view("<i4"), counts
    if nbo:
        buf[at + 3], buf[at + 4], buf[at + 5], buf[at + 6] = DISAMBIG, 0, bo_weight.view("<i4"), bo_dest
    first = np.concatenate([[0], np.cumsum(per_state)[:-1]])
    arc = before[owner] + nbo + np.arange(len(owner)) - first[owner]
    at = 3 * (owner + 1) + 4 * arc
    buf[at], buf[at + 1], buf[at + 2], buf[at + 3] = label, label, w.view("<i4"), dest
    f.write(buf.tobytes())
