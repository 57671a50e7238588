"""Back-off n-gram models in compact arrays: an ARPA file read into per-order numpy arrays (word ids, log10
probabilities, back-off weights, a sorted key per n-gram: its context's row times the vocabulary size plus
its last word), and back-off lookups done for many n-grams at once. About 40 bytes an n-gram for a 3-gram
model, against some 300 for Python tuples in dicts; what mixing (lm_mix.py) and its tuning read."""

from __future__ import annotations

from array import array
from pathlib import Path

import numpy as np

from lmboot.data.corpus import iter_lines
from lmboot.errors import InputError

LOG10_ZERO = -99.0  # what ARPA files use for log10(0)


class Ngrams:
    """The n-grams of one back-off model, order by order (1-based): grams[n] (rows x n word ids), prob[n]
    (log10 p), bow[n] (log10 back-off, 0.0 where the line has none), has_bow[n]; keys[n] sorted and rows[n]
    the row each key belongs to. A row's context must itself be an (n-1)-gram of the model."""

    def __init__(self, vocabulary_size: int):
        self.V = vocabulary_size
        self.order = 0
        self.grams: dict[int, np.ndarray] = {}
        self.prob: dict[int, np.ndarray] = {}
        self.bow: dict[int, np.ndarray] = {}
        self.has_bow: dict[int, np.ndarray] = {}
        self.keys: dict[int, np.ndarray] = {}
        self.rows: dict[int, np.ndarray] = {}

    def add_order(
        self, n: int, grams: np.ndarray, prob: np.ndarray, bow: np.ndarray, has_bow: np.ndarray, where: str = ""
    ) -> None:
        """Add the n-grams of order n (orders added in turn, 1 first) and index them."""
        self.grams[n], self.prob[n], self.bow[n], self.has_bow[n] = grams, prob, bow, has_bow
        if n == 1:
            keys = grams[:, 0].astype(np.int64)
        else:
            context = self.find(grams[:, :-1])
            if (context < 0).any():
                bad = int(np.argmax(context < 0))
                raise InputError(
                    f"{where}: the {n}-gram in row {bad + 1} of its section has a context that is "
                    f"no {n - 1}-gram of the model (not a back-off ARPA model)"
                )
            keys = context * self.V + grams[:, -1]
        rows = np.argsort(keys, kind="stable")
        self.keys[n], self.rows[n] = keys[rows], rows
        twice = np.flatnonzero(np.diff(self.keys[n]) == 0)
        if len(twice):
            raise InputError(
                f"{where}: the {n}-gram in row {int(rows[twice[0] + 1]) + 1} of its section is listed twice"
            )
        self.order = max(self.order, n)

    def find(self, ids: np.ndarray) -> np.ndarray:
        """The row of each n-gram of ids (N x k word ids, -1 for a word the model lacks) in order k, or -1."""
        ids = np.asarray(ids, dtype=np.int64)
        k = ids.shape[1]
        if k > self.order:
            return np.full(len(ids), -1, dtype=np.int64)
        col = ids[:, 0]
        found = (col >= 0) & (col < len(self.keys[1]))
        row = np.where(found, self.rows[1][np.clip(col, 0, len(self.keys[1]) - 1)], -1)
        for j in range(1, k):
            keys = self.keys[j + 1]
            if not len(keys):
                return np.full(len(ids), -1, dtype=np.int64)
            col = ids[:, j]
            found &= col >= 0
            query = np.where(found, row * self.V + col, -1)
            at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
            found &= keys[at] == query
            row = np.where(found, self.rows[j + 1][at], -1)
        return row

    def logprob_batch(self, ids: np.ndarray) -> np.ndarray:
        """log10 p(last word | the words before it) of each row of ids (N x k, -1 for a word the model
        lacks) with back-off, as ArpaModel.logprob; LOG10_ZERO where the last word is not in the model."""
        ids = np.asarray(ids, dtype=np.int64)
        n_rows, k = ids.shape
        out = np.full(n_rows, LOG10_ZERO)
        backoff = np.zeros(n_rows)
        pending = np.nonzero(ids[:, -1] >= 0)[0]
        for start in range(max(0, k - self.order), k):
            if not len(pending):
                break
            n = k - start
            row = self.find(ids[pending, start:])
            hit = row >= 0
            out[pending[hit]] = self.prob[n][row[hit]] + backoff[pending[hit]]
            pending = pending[~hit]
            if n > 1 and len(pending):
                context = self.find(ids[pending, start : k - 1])
                backoff[pending] += np.where(context >= 0, self.bow[n - 1][np.maximum(context, 0)], 0.0)
        return out

    def size(self) -> int:
        return sum(len(p) for p in self.prob.values())


class ArpaModel(Ngrams):
    """An ARPA back-off model read into arrays; words[i] is word id i (the unigram section's order)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.words: list[str] = []
        self._id: dict[str, int] = {}
        self._vocab: set[str] | None = None
        declared, sections, ended = self._read(path)
        if not self.words:
            raise InputError(f"{path}: no n-grams found (not an ARPA file?)")
        short = [
            f"{sections.get(n, 0):,} of the {count:,} {n}-grams"
            for n, count in declared.items()
            if sections.get(n, 0) != count
        ]
        if short or not ended:
            raise InputError(
                f"{path}: truncated or malformed ARPA file: "
                + ("; ".join(short) + " its header declares" if short else "no \\end\\ line")
            )

    def _read(self, path):
        declared, found, ended = {}, {}, False
        section, number, buffers = 0, 0, None

        def close_section():
            if section and buffers:
                ids, probs, bows, has = buffers
                grams = np.frombuffer(ids, dtype=np.int32).reshape(-1, section)
                if section == 1:
                    super(ArpaModel, self).__init__(len(self.words))
                self.add_order(
                    section,
                    grams,
                    np.frombuffer(probs, dtype=np.float64),
                    np.frombuffer(bows, dtype=np.float64),
                    np.frombuffer(has, dtype=np.bool_),
                    str(path),
                )

        for number, line in enumerate(iter_lines(path), 1):
            if not line or line.startswith("\\data\\"):
                continue
            if line.startswith("ngram "):
                n, _, count = line[6:].partition("=")
                declared[int(n)] = int(count)
                continue
            if line.startswith("\\") and line.endswith("-grams:"):
                close_section()
                section = int(line[1 : line.index("-")])
                if section != (max(found) + 1 if found else 1):
                    raise InputError(f"{path}:{number}: section {line} out of order")
                found[section], buffers = 0, (array("i"), array("d"), array("d"), array("b"))
                continue
            if line == "\\end\\":
                close_section()
                section, ended = 0, True
                continue
            if section == 0:
                continue
            cells = line.split("\t")
            try:
                words = cells[1].split(" ")
                if len(words) != section:
                    raise ValueError
                prob = float(cells[0])
                bow = float(cells[2]) if len(cells) > 2 else 0.0
                if section == 1:
                    if words[0] in self._id:
                        raise InputError(f"{path}:{number}: the 1-gram {words[0]!r} is listed twice")
                    ids = [self._id.setdefault(words[0], len(self._id))]
                    self.words.append(words[0])
                else:
                    ids = [self._id[w] for w in words]
            except (IndexError, ValueError, KeyError):
                raise InputError(f"{path}:{number}: not an ARPA n-gram line: {line[:60]!r}") from None
            buffers[0].extend(ids)
            buffers[1].append(prob)
            buffers[2].append(bow)
            buffers[3].append(len(cells) > 2)
            found[section] += 1
        return declared, found, ended

    @property
    def vocab(self) -> set[str]:
        if self._vocab is None:
            self._vocab = set(self.words)
        return self._vocab

    def ids(self, words) -> list[int]:
        return [self._id.get(w, -1) for w in words]

    def logprob(self, word: str, context: tuple[str, ...]) -> float:
        """log10 p(word | context) with back-off; LOG10_ZERO for a word outside the vocabulary."""
        return float(self.logprob_batch(np.array([self.ids(context + (word,))]))[0])

    def logprobs(self, events: list[tuple[str, tuple[str, ...]]]) -> np.ndarray:
        """logprob of each (word, context), computed in batches of equal context length."""
        out = np.empty(len(events))
        by_length: dict[int, list[int]] = {}
        for i, (_, context) in enumerate(events):
            by_length.setdefault(len(context), []).append(i)
        for k, index in by_length.items():
            ids = np.array([self.ids(events[i][1] + (events[i][0],)) for i in index]).reshape(len(index), k + 1)
            out[index] = self.logprob_batch(ids)
        return out

    def explicit(self, ngram: tuple[str, ...]) -> float | None:
        """The log10 probability an n-gram's own line gives, or None where the model has no such line."""
        row = self.find(np.array([self.ids(ngram)])) if len(ngram) <= self.order else [-1]
        return float(self.prob[len(ngram)][row[0]]) if row[0] >= 0 else None

    def ngram_probs(self) -> dict[tuple[str, ...], float]:
        """Every n-gram line as {words: log10 p} (for small models: inspection and tests)."""
        return {
            tuple(self.words[i] for i in gram): float(p)
            for n in range(1, self.order + 1)
            for gram, p in zip(self.grams[n].tolist(), self.prob[n])
        }
