"""An ARPA back-off model in the little memory export needs (lmboot/lm/export.py): per order each n-gram's
last word (int32), log10 probability (float64) and context row (int32: its first n-1 words, a row of order
n-1), and below the highest order the back-off weights and a sorted lookup index. About 20 bytes an n-gram
of the highest order, where lmboot.lm.arpa.ArpaModel holds some 45 and kaldingram's Python objects some 470.
Rows keep the file's order; group[n] lists order n's rows by context (the file's order within a context),
start[n] where each context's run begins. Read once, it gives words.txt and G.fst (grammar_fst.py) and the
entropy-pruned ARPAs (entropy_prune.py)."""

from __future__ import annotations

from array import array
from pathlib import Path

import numpy as np

from lmboot.data.corpus import iter_lines
from lmboot.errors import InputError

CHUNK = 1 << 18  # n-grams converted to arrays at a time


class CompactArpa:
    """words[i] is word id i and unigram row i; word[n], prob[n], ctx[n] (n >= 2), bow[n] (0.0 where the line
    has none) and has_bow[n] below the highest order; int_prob[n]: rows whose probability is written as an
    integer ("0", "-99": kaldingram writes those back as integers)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.words: list[str] = []
        self.wid: dict[str, int] = {}
        self.order = 0
        self.word: dict[int, np.ndarray] = {}
        self.prob: dict[int, np.ndarray] = {}
        self.ctx: dict[int, np.ndarray] = {}
        self.bow: dict[int, np.ndarray] = {}
        self.has_bow: dict[int, np.ndarray] = {}
        self.int_prob: dict[int, np.ndarray] = {}
        self.keys: dict[int, np.ndarray] = {}
        self.rows: dict[int, np.ndarray] = {}
        self.group: dict[int, np.ndarray] = {}
        self.start: dict[int, np.ndarray] = {}
        self._read()

    @property
    def V(self) -> int:
        return len(self.words)

    def count(self, n: int) -> int:
        return len(self.prob[n])

    def size(self) -> int:
        return sum(len(p) for p in self.prob.values())

    def _read(self) -> None:
        declared: dict[int, int] = {}
        lines = enumerate(iter_lines(self.path), 1)
        line, number = "", 0
        for number, line in lines:
            if line.startswith("ngram "):
                n, _, count = line[6:].partition("=")
                declared[int(n)] = int(count)
            elif line.startswith("\\") and line.endswith("-grams:"):
                break
        self.order = max(declared, default=0)
        if not self.order or not line.startswith("\\1-grams:"):
            raise InputError(f"{self.path}: no n-grams found (not an ARPA file?)")
        n = 1
        while True:
            line, number = self._read_section(n, lines, number)
            if self.count(n) != declared.get(n, -1):
                raise InputError(
                    f"{self.path}: truncated or malformed ARPA file: {self.count(n):,} of the "
                    f"{declared.get(n, 0):,} {n}-grams its header declares"
                )
            if line == "\\end\\" and n == self.order:
                return
            if line != f"\\{n + 1}-grams:" or n == self.order:
                raise InputError(
                    f"{self.path}:{number}: {line[:40]!r} where \\{n + 1}-grams: or \\end\\ was due "
                    "(truncated or malformed ARPA file)"
                )
            n += 1

    def _read_section(self, n: int, lines, number: int) -> tuple[str, int]:
        """Order n's lines, up to the next line starting with a backslash (returned with its number)."""
        top, wid, words = n == self.order, self.wid, self.words
        ids, probs, bows, has, ints = array("i"), array("d"), array("d"), array("b"), array("q")
        parts = (array("i"), array("i"))  # ctx, word of the rows converted so far
        line, count = "", 0
        for number, line in lines:
            if not line:
                continue
            if line[0] == "\\":
                break
            cells = line.split("\t")
            try:
                grams = cells[1].split(" ")
                if len(grams) != n:
                    raise ValueError
                prob = float(cells[0])
                if n == 1:
                    if grams[0] in wid:
                        raise InputError(f"{self.path}:{number}: the 1-gram {grams[0]!r} is listed twice")
                    wid[grams[0]] = len(words)
                    words.append(grams[0])
                else:
                    ids.extend([wid[w] for w in grams])
                if not top:
                    bows.append(float(cells[2]) if len(cells) > 2 else 0.0)
                    has.append(len(cells) > 2)
            except (IndexError, ValueError, KeyError):
                raise InputError(f"{self.path}:{number}: not an ARPA n-gram line: {line[:60]!r}") from None
            if cells[0].lstrip("-").isdigit() and str(int(prob)) == cells[0]:
                ints.append(count)
            probs.append(prob)
            count += 1
            if n > 1 and len(ids) >= CHUNK * n:
                self._convert(n, ids, parts, count - len(ids) // n)
                ids = array("i")
        else:
            line = ""
        if n > 1:
            self._convert(n, ids, parts, count - len(ids) // n)
        self._close_section(n, probs, bows, has, ints, parts)
        return line, number

    def _convert(self, n: int, ids: array, parts: tuple[array, array], first: int) -> None:
        """A chunk of order n's word ids (from row `first`) to context rows and last words."""
        grams = np.frombuffer(ids, dtype=np.int32).reshape(-1, n)
        if not len(grams):
            return
        ctx = self.find(grams[:, :-1])
        if (ctx < 0).any():
            bad = first + int(np.argmax(ctx < 0))
            raise InputError(
                f"{self.path}: the {n}-gram in row {bad + 1} of its section has a context that is no "
                f"{n - 1}-gram of the model (not a back-off ARPA model)"
            )
        parts[0].frombytes(ctx.astype(np.int32).tobytes())
        parts[1].frombytes(grams[:, -1].tobytes())

    def _close_section(self, n, probs, bows, has, ints, parts) -> None:
        self.prob[n] = np.frombuffer(probs, dtype=np.float64)
        self.int_prob[n] = np.frombuffer(ints, dtype=np.int64)
        if n < self.order:
            self.bow[n] = np.frombuffer(bows, dtype=np.float64)
            self.has_bow[n] = np.frombuffer(has, dtype=np.bool_)
        if n == 1:
            return
        self.ctx[n] = np.frombuffer(parts[0], dtype=np.int32)
        self.word[n] = np.frombuffer(parts[1], dtype=np.int32)
        self.group[n] = np.argsort(self.ctx[n], kind="stable").astype(np.int32)
        self.start[n] = np.concatenate([[0], np.cumsum(np.bincount(self.ctx[n], minlength=self.count(n - 1)))])
        if n < self.order:
            keys = self.ctx[n].astype(np.int64) * self.V + self.word[n]
            rows = np.argsort(keys, kind="stable")
            self.keys[n], self.rows[n] = keys[rows], rows.astype(np.int32)
            twice = np.flatnonzero(np.diff(self.keys[n]) == 0)
            if len(twice):
                raise InputError(
                    f"{self.path}: the {n}-gram in row {int(rows[twice[0] + 1]) + 1} of its section is listed twice"
                )  # the highest order: checked as G.fst sorts it

    def find(self, ids: np.ndarray) -> np.ndarray:
        """The row of each n-gram of ids (m x k word ids, k below the highest order) in order k, or -1."""
        ids = np.asarray(ids)
        row = ids[:, 0].astype(np.int64)
        found = np.ones(len(ids), dtype=bool)
        for j in range(1, ids.shape[1]):
            keys = self.keys[j + 1]
            if not len(keys):
                return np.full(len(ids), -1, dtype=np.int64)
            query = np.where(found, row * self.V + ids[:, j], -1)
            at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
            found &= keys[at] == query
            row = np.where(found, self.rows[j + 1][at], -1)
        return row

    def ids(self, n: int, rows: np.ndarray) -> np.ndarray:
        """The word ids (len(rows) x n) of order n's rows."""
        out = np.empty((len(rows), n), dtype=np.int64)
        for j in range(n - 1, 0, -1):
            out[:, j] = self.word[j + 1][rows]
            rows = self.ctx[j + 1][rows]
        out[:, 0] = rows
        return out

    def chunks(self, n: int, contexts: np.ndarray, size: int = CHUNK) -> list[np.ndarray]:
        """`contexts` (rows of order n - 1) in runs of about `size` n-grams of order n."""
        cum = np.cumsum(np.diff(self.start[n])[contexts])
        cuts = np.searchsorted(cum, np.arange(size, cum[-1] if len(cum) else 0, size))
        bounds = np.unique(np.concatenate([[0], cuts, [len(contexts)]]))
        return [contexts[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]

    def segments(self, n: int, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Order n's rows whose contexts are `contexts` (rows of order n - 1), context after context in that
        order and in the file's order within each; and each context's number of rows."""
        begin, length = self.start[n][contexts], np.diff(self.start[n])[contexts]
        total = int(length.sum())
        offsets = np.repeat(begin - np.concatenate([[0], np.cumsum(length)[:-1]]), length)
        return self.group[n][np.arange(total) + offsets], length
