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

from lmboot.config import default
from lmboot.corpus import count_lines, hash_bytes, iter_lines, read_lines, write_lines
from lmboot.embed import Encoder
from lmboot.errors import InputError


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


def cached_chunks(encoder: Encoder, path: Path, n_lines: int, cache: Path | None, chunk: int = 4096):
    """The embeddings of a file's lines, chunk by chunk, from the cache file if there is one; else computed
    and, with a cache, stored there (float32 .npy, written under a temporary name, then renamed). The same
    vectors come out either way, so a run with the cache gives the same scores as one without."""
    if cache is not None and cache.is_file():
        stored = np.load(cache, mmap_mode="r")
        if stored.shape[0] == n_lines:
            for start in range(0, n_lines, chunk):
                yield np.asarray(stored[start:start + chunk])
            return
    if cache is None:
        yield from embedded_chunks(encoder, iter_lines(path), chunk, n_lines)
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp, stored, at = cache.with_name(f".{cache.name}.{os.getpid()}.tmp"), None, 0
    try:
        for vectors in embedded_chunks(encoder, iter_lines(path), chunk, n_lines):
            if stored is None:
                stored = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(n_lines, vectors.shape[1]))
            stored[at:at + len(vectors)] = vectors
            at += len(vectors)
            yield vectors
        if stored is not None:
            stored.flush()
            del stored
            os.replace(tmp, cache)
    finally:
        if tmp.exists():
            tmp.unlink()


def embedding_cache(cache_dir: str | Path | None, path: str | Path, encoder_id: str) -> Path | None:
    """Where the embeddings of a file's bytes under one encoder are cached (None: no cache)."""
    if cache_dir is None:
        return None
    digest = hash_bytes(path, hashlib.sha256())
    return Path(cache_dir) / f"{digest.hexdigest()[:16]}-{hashlib.sha256(encoder_id.encode()).hexdigest()[:8]}.npy"


def moore_lewis_scores(general_tgt: str | Path, seed: str | Path, order: int = default("select.order"),
                       random_seed: int = default("select.random_seed")) -> np.ndarray:
    """Cross-entropy difference H_seed(s) - H_general(s) per word (Moore & Lewis 2010): the general LM is
    trained on a random general sample as large as the seed; lower = more like the seed."""
    import random
    import tempfile

    from lmboot.lm import build_arpa, load_model, log10_per_word

    seed_lines = read_lines(seed)
    n_general = count_lines(general_tgt)
    sample = set(random.Random(random_seed).sample(range(n_general), min(len(seed_lines), n_general)))
    with tempfile.TemporaryDirectory() as tmp:
        write_lines(f"{tmp}/sample", (t for i, t in enumerate(iter_lines(general_tgt)) if i in sample))
        build_arpa(seed, f"{tmp}/seed.arpa", order)
        build_arpa(f"{tmp}/sample", f"{tmp}/general.arpa", order)
        in_lm, out_lm = load_model(f"{tmp}/seed.arpa"), load_model(f"{tmp}/general.arpa")
        return np.fromiter((log10_per_word(out_lm, t) - log10_per_word(in_lm, t) for t in iter_lines(general_tgt)),
                           dtype=np.float64, count=n_general)


def standardize(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


class Scorer:
    name, label = "", ""
    seed_scores: np.ndarray | None = None  # the seed's own scores on the same scale, if the scorer has them

    def scores(self, general_tgt: str | Path) -> np.ndarray:
        raise NotImplementedError


class CentroidScorer(Scorer):
    """Cosine distance of each line's embedding to the unit-length mean of the seed's embeddings."""

    name, label = "centroid", "cosine distance to the seed centroid"

    def __init__(self, encoder: Encoder, seed: str | Path, cache: Path | None = None):
        self.encoder, self.cache = encoder, cache
        self.center, self.seed_scores = seed_centroid(encoder, read_lines(seed))

    def scores(self, general_tgt):
        n_lines = count_lines(general_tgt)
        chunks = cached_chunks(self.encoder, Path(general_tgt), n_lines, self.cache)
        return np.concatenate([1.0 - vectors @ self.center for vectors in chunks] or [np.zeros(0)]).astype(np.float64)


class MooreLewisScorer(Scorer):
    """Cross-entropy difference between an LM of the seed and one of a general sample (moore_lewis_scores)."""

    name, label = "moore-lewis", "cross-entropy difference"

    def __init__(self, seed: str | Path, order: int = default("select.order"),
                 random_seed: int = default("select.random_seed")):
        self.seed, self.order, self.random_seed = seed, order, random_seed

    def scores(self, general_tgt):
        return moore_lewis_scores(general_tgt, self.seed, self.order, self.random_seed)


class CombinedScorer(Scorer):
    """The sum of its scorers' standardized scores."""

    name, label = "combined", "standardized distance + cross-entropy difference"

    def __init__(self, *parts: Scorer):
        self.parts = parts

    def scores(self, general_tgt):
        return sum(standardize(part.scores(general_tgt)) for part in self.parts)


def build_scorer(method: str, seed: str | Path, encoder: Encoder | None, cache: Path | None = None,
                 order: int = default("select.order"), random_seed: int = default("select.random_seed")) -> Scorer:
    """The scorer select.method names."""
    if method == "centroid":
        return CentroidScorer(encoder, seed, cache)
    if method == "moore-lewis":
        return MooreLewisScorer(seed, order, random_seed)
    if method == "combined":
        return CombinedScorer(CentroidScorer(encoder, seed, cache), MooreLewisScorer(seed, order, random_seed))
    raise InputError(f"select.method: unknown selection method {method!r} (centroid, moore-lewis, combined)")
