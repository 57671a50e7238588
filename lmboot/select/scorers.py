"""Selection scorers: one score per general-corpus line, lower = closer to the seed. Small classes behind
one interface (scores(general_tgt); seed_scores, the seed's own on the same scale when it has one), chosen
by select.method: the cosine distance of each line's sentence embedding to the seed centroid, the
Moore-Lewis cross-entropy difference, or both standardized and summed (combined). The general side is
streamed; its embeddings may be cached (they do not depend on the seed)."""

from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path

import numpy as np
from tqdm import tqdm

from lmboot.data.corpus import count_lines, hash_bytes, iter_lines, read_lines, write_lines
from lmboot.errors import InputError
from lmboot.schema import default
from lmboot.select.embed import Encoder


def seed_centroid(encoder: Encoder, seed_lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The unit-length mean of the seed's unit-length embeddings, and each seed line's distance to it."""
    vectors = encoder.encode(seed_lines)
    total = vectors.sum(axis=0)
    center = (total / np.linalg.norm(total)).astype(np.float32)
    return center, 1.0 - vectors @ center


def centroid(encoder: Encoder, texts: list[str]) -> np.ndarray:
    return seed_centroid(encoder, texts)[0]


def embedded_chunks(encoder: Encoder, lines, chunk: int = 4096, total: int | None = None):
    """Yield the embeddings of `chunk` lines at a time (streaming)."""
    lines = iter(lines)
    with tqdm(total=total, unit="sent", mininterval=10, desc="embed") as bar:
        while batch := list(itertools.islice(lines, chunk)):
            yield encoder.encode(batch)
            bar.update(len(batch))


def line_range(n_lines: int, chunk: int, chunks: int) -> tuple[int, int]:
    """The lines [start, stop) of chunk `chunk` (1-based) of `chunks` near-equal contiguous chunks."""
    if not 1 <= chunk <= chunks:
        raise InputError(f"select.chunks: chunk {chunk} of {chunks} does not exist")
    return n_lines * (chunk - 1) // chunks, n_lines * chunk // chunks


def cached_chunks(encoder: Encoder, lines, n_lines: int, cache: Path | None, chunk: int = 4096):
    """The embeddings of n_lines lines (an iterable), chunk by chunk, from the cache file if there is one;
    else computed and, with a cache, stored there (float32 .npy, written under a temporary name, then
    renamed). The same vectors come out either way, so a run with the cache gives the same scores."""
    if cache is not None and cache.is_file():
        stored = np.load(cache, mmap_mode="r")
        if stored.shape[0] == n_lines:
            for start in range(0, n_lines, chunk):
                yield np.asarray(stored[start : start + chunk])
            return
    if cache is None:
        yield from embedded_chunks(encoder, lines, chunk, n_lines)
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp, stored, at = cache.with_name(f".{cache.name}.{os.getpid()}.tmp"), None, 0
    try:
        for vectors in embedded_chunks(encoder, lines, chunk, n_lines):
            if stored is None:
                stored = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(n_lines, vectors.shape[1]))
            stored[at : at + len(vectors)] = vectors
            at += len(vectors)
            yield vectors
        if stored is not None:
            stored.flush()
            del stored
            os.replace(tmp, cache)
    finally:
        if tmp.exists():
            tmp.unlink()


def embedding_cache(
    cache_dir: str | Path | None, path: str | Path, encoder_id: str, start: int = 0, stop: int | None = None
) -> Path | None:
    """Where the embeddings of a file's bytes (or of its lines [start, stop): one chunk's) under one encoder
    are cached (None: no cache)."""
    if cache_dir is None:
        return None
    if start == 0 and stop is None:
        digest = hash_bytes(path, hashlib.sha256())
    else:
        digest = hashlib.sha256(f"lines {start}-{stop}:".encode())
        for line in itertools.islice(iter_lines(path), start, stop):
            digest.update(line.encode() + b"\n")
    return Path(cache_dir) / f"{digest.hexdigest()[:16]}-{hashlib.sha256(encoder_id.encode()).hexdigest()[:8]}.npy"


def moore_lewis_scores(
    general_tgt: str | Path,
    seed: str | Path,
    order: int = default("select.order"),
    random_seed: int = default("select.random_seed"),
) -> np.ndarray:
    """Cross-entropy difference H_seed(s) - H_general(s) per word (Moore & Lewis 2010): the general LM is
    trained on a random general sample as large as the seed; lower = more like the seed."""
    return MooreLewisScorer(seed, order, random_seed).scores(general_tgt)


def standardize(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


class Scorer:
    """Scores lines [start, stop) of the general side (raw: one column per part) after prepare() has set
    what depends on the whole corpus (given its line count, counted once by the caller), so that chunks of a
    corpus score in separate jobs; combine() turns the raw columns of the whole corpus into one score per
    line."""

    name, label, columns = "", "", 1
    seed_scores: np.ndarray | None = None  # the seed's own scores on the same scale, if the scorer has them

    def prepare(self, general_tgt: str | Path, n_lines: int) -> None:
        self.n_lines = n_lines

    def raw(self, general_tgt: str | Path, start: int, stop: int) -> np.ndarray:
        raise NotImplementedError

    def combine(self, raw: np.ndarray) -> np.ndarray:
        return raw[:, 0]

    def scores(self, general_tgt: str | Path, n_lines: int | None = None) -> np.ndarray:
        """Every line's score, in one process (n_lines: the file's line count, when the caller has it)."""
        n_lines = count_lines(general_tgt) if n_lines is None else n_lines
        self.prepare(general_tgt, n_lines)
        return self.combine(self.raw(general_tgt, 0, n_lines))


class CentroidScorer(Scorer):
    """Cosine distance of each line's embedding to the unit-length mean of the seed's embeddings."""

    name, label = "centroid", "cosine distance to the seed centroid"

    def __init__(self, encoder: Encoder, seed: str | Path, cache_dir: str | Path | None = None, encoder_id: str = ""):
        self.encoder, self.seed, self.cache_dir, self.encoder_id = encoder, seed, cache_dir, encoder_id
        self.center = None

    def prepare(self, general_tgt, n_lines):
        super().prepare(general_tgt, n_lines)
        if self.center is None:
            self.center, self.seed_scores = seed_centroid(self.encoder, read_lines(self.seed))

    def raw(self, general_tgt, start, stop):
        whole = start == 0 and stop == self.n_lines
        cache = embedding_cache(self.cache_dir, general_tgt, self.encoder_id, start, None if whole else stop)
        lines = itertools.islice(iter_lines(general_tgt), start, stop)
        chunks = cached_chunks(self.encoder, lines, stop - start, cache)
        return np.concatenate([1.0 - vectors @ self.center for vectors in chunks] or [np.zeros(0)]).astype(np.float64)[
            :, None
        ]


class MooreLewisScorer(Scorer):
    """Cross-entropy difference between an LM of the seed and one of a general sample as large as the seed
    (the sample drawn from the whole corpus by random_seed, so every chunk's job uses the same two LMs)."""

    name, label = "moore-lewis", "cross-entropy difference"

    def __init__(
        self, seed: str | Path, order: int = default("select.order"), random_seed: int = default("select.random_seed")
    ):
        self.seed, self.order, self.random_seed = seed, order, random_seed
        self.models = None

    def prepare(self, general_tgt, n_lines):
        import random
        import tempfile

        from lmboot.lm.kenlm import build_arpa, load_model

        super().prepare(general_tgt, n_lines)
        if self.models is not None:
            return
        seed_lines = read_lines(self.seed)
        sample = set(random.Random(self.random_seed).sample(range(n_lines), min(len(seed_lines), n_lines)))
        with tempfile.TemporaryDirectory() as tmp:
            write_lines(f"{tmp}/sample", (t for i, t in enumerate(iter_lines(general_tgt)) if i in sample))
            build_arpa(self.seed, f"{tmp}/seed.arpa", self.order)
            build_arpa(f"{tmp}/sample", f"{tmp}/general.arpa", self.order)
            self.models = load_model(f"{tmp}/seed.arpa"), load_model(f"{tmp}/general.arpa")

    def raw(self, general_tgt, start, stop):
        from lmboot.lm.kenlm import log10_per_word

        in_lm, out_lm = self.models
        lines = itertools.islice(iter_lines(general_tgt), start, stop)
        return np.fromiter(
            (log10_per_word(out_lm, t) - log10_per_word(in_lm, t) for t in lines), dtype=np.float64, count=stop - start
        )[:, None]


class CombinedScorer(Scorer):
    """The sum of its scorers' standardized scores (standardized over the whole corpus, after gathering)."""

    name, label = "combined", "standardized distance + cross-entropy difference"

    def __init__(self, *parts: Scorer):
        self.parts, self.columns = parts, sum(part.columns for part in parts)

    def prepare(self, general_tgt, n_lines):
        for part in self.parts:
            part.prepare(general_tgt, n_lines)

    def raw(self, general_tgt, start, stop):
        return np.hstack([part.raw(general_tgt, start, stop) for part in self.parts])

    def combine(self, raw):
        return sum(standardize(raw[:, i]) for i in range(raw.shape[1]))


def _centroid(seed, encoder, cache_dir, order, random_seed, encoder_id) -> Scorer:
    return CentroidScorer(encoder, seed, cache_dir, encoder_id)


def _moore_lewis(seed, encoder, cache_dir, order, random_seed, encoder_id) -> Scorer:
    return MooreLewisScorer(seed, order, random_seed)


def _combined(*args) -> Scorer:
    return CombinedScorer(_centroid(*args), _moore_lewis(*args))


# select.method -> what makes its scorer from (seed, encoder, cache_dir, order, random_seed, encoder_id); the
# schema's select.method enum lists these names (tests/test_extending.py checks it)
SCORERS = {"centroid": _centroid, "moore-lewis": _moore_lewis, "combined": _combined}


def build_scorer(
    method: str,
    seed: str | Path,
    encoder: Encoder | None,
    cache_dir: str | Path | None = None,
    order: int = default("select.order"),
    random_seed: int = default("select.random_seed"),
    encoder_id: str = "",
) -> Scorer:
    """The scorer select.method names."""
    if method not in SCORERS:
        raise InputError(f"select.method: unknown selection method {method!r} ({', '.join(SCORERS)})")
    return SCORERS[method](seed, encoder, cache_dir, order, random_seed, encoder_id)
