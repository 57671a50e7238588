"""Select: keep the general-corpus pairs whose new-language side lies closest (cosine) to the seed centroid.
The general corpus is streamed: memory holds one score and one flag per pair, never the whole text."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from tqdm import tqdm

from lmboot.corpus import atomic_write, count_lines, iter_lines, read_lines, write_json, write_lines
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


def cosine_distances(encoder: Encoder, lines, center: np.ndarray, chunk: int = 4096, total: int | None = None):
    """Yield 1 - cos(line, center) for each line, embedding `chunk` lines at a time (streaming)."""
    lines = iter(lines)
    with tqdm(total=total, unit="sent", mininterval=10, desc="embed") as bar:
        while batch := list(itertools.islice(lines, chunk)):
            yield from (1.0 - encoder.encode(batch) @ center).tolist()
            bar.update(len(batch))


def cut(distances: np.ndarray, keep: dict) -> np.ndarray:
    """Boolean mask of kept rows by exactly one of threshold / top_k / top_fraction."""
    rules = {k: v for k, v in keep.items() if v is not None}
    if len(rules) != 1:
        raise InputError(f"select.keep: give exactly one of threshold, top_k, top_fraction (got {sorted(rules)})")
    (rule, value), = rules.items()
    if rule == "threshold":
        return distances <= value
    k = int(value) if rule == "top_k" else int(round(value * len(distances)))
    mask = np.zeros(len(distances), dtype=bool)
    mask[np.argsort(distances, kind="stable")[:max(1, min(k, len(distances)))]] = True
    return mask


def moore_lewis_scores(general_tgt: str | Path, seed: str | Path, order: int = 3, random_seed: int = 13) -> np.ndarray:
    """Cross-entropy difference H_seed(s) - H_general(s) per word (Moore & Lewis 2010): the general LM is
    trained on a random general sample as large as the seed; lower = more like the seed."""
    import random
    import tempfile

    from lmboot.lm import build_arpa, load_model

    seed_lines = read_lines(seed)
    n_general = count_lines(general_tgt)
    sample = set(random.Random(random_seed).sample(range(n_general), min(len(seed_lines), n_general)))
    with tempfile.TemporaryDirectory() as tmp:
        write_lines(f"{tmp}/sample", (t for i, t in enumerate(iter_lines(general_tgt)) if i in sample))
        build_arpa(seed, f"{tmp}/seed.arpa", order)
        build_arpa(f"{tmp}/sample", f"{tmp}/general.arpa", order)
        in_lm, out_lm = load_model(f"{tmp}/seed.arpa"), load_model(f"{tmp}/general.arpa")
        return np.fromiter(((out_lm.score(t) - in_lm.score(t)) / (len(t.split()) + 1) for t in iter_lines(general_tgt)),
                           dtype=np.float64, count=n_general)


def standardize(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


def selection_scores(method: str, general_tgt, seed, center: np.ndarray | None, encoder: Encoder | None,
                     order: int = 3, random_seed: int = 13) -> np.ndarray:
    """One score per general line, lower = closer to the seed: cosine distance to the seed centroid
    `center`, Moore-Lewis cross-entropy difference, or the sum of both standardized (combined)."""
    def centroid_distances():
        n_lines = count_lines(general_tgt)
        return np.fromiter(cosine_distances(encoder, iter_lines(general_tgt), center, total=n_lines),
                           dtype=np.float64, count=n_lines)

    if method == "centroid":
        return centroid_distances()
    if method == "moore-lewis":
        return moore_lewis_scores(general_tgt, seed, order, random_seed)
    if method == "combined":
        return standardize(centroid_distances()) + standardize(moore_lewis_scores(general_tgt, seed, order, random_seed))
    raise InputError(f"select.method: unknown selection method {method!r} (centroid, moore-lewis, combined)")


def histogram(scores: np.ndarray, mask: np.ndarray, seed_scores: np.ndarray | None, png: Path, label: str) -> None:
    """Distribution of the general corpus's scores, kept and dropped, with the seed's own for reference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    bins = np.linspace(scores.min(), scores.max(), 60)
    ax.hist([scores[mask], scores[~mask]], bins=bins, stacked=True, label=["kept", "dropped"],
            color=["tab:green", "tab:gray"])
    if seed_scores is not None:
        ax.hist(seed_scores, bins=bins, histtype="step", color="tab:blue", label="seed (own centroid)",
                weights=np.full(len(seed_scores), len(scores) / max(len(seed_scores), 1) / 10))
    ax.set_xlabel(label)
    ax.set_ylabel("general pairs")
    ax.set_title(f"selection: kept {mask.sum():,} of {len(scores):,} ({mask.mean():.0%})")
    ax.legend()
    fig.tight_layout()
    with atomic_write(png, "wb") as f:
        fig.savefig(f, format="png", dpi=100)
    plt.close(fig)


def select(general_src: str | Path, general_tgt: str | Path, seed: str | Path, out_dir: str | Path,
           encoder: Encoder | None, keep: dict, method: str = "centroid", order: int = 3,
           random_seed: int = 13) -> dict:
    """Write kept.{src,tgt}, distances.tsv (row, distance = the method's score, kept), histogram.png
    and select.json in out_dir."""
    out = Path(out_dir)
    n_src, n_tgt = count_lines(general_src), count_lines(general_tgt)
    if n_src != n_tgt:  # before any embedding
        raise InputError(f"{general_src} has {n_src} lines but {general_tgt} has {n_tgt}")
    center, seed_scores = seed_centroid(encoder, read_lines(seed)) if method != "moore-lewis" else (None, None)
    distances = selection_scores(method, general_tgt, seed, center, encoder, order, random_seed)
    n_lines = len(distances)
    mask = cut(distances, keep)
    if not mask.any():
        nearest = f" (the nearest is at distance {distances.min():.4f})" if n_lines else ""
        raise InputError(f"select.keep: {keep} keeps no line of {general_tgt}{nearest}")
    for side, path in (("src", general_src), ("tgt", general_tgt)):
        write_lines(out / f"kept.{side}", (line for line, k in zip(iter_lines(path), mask) if k))
    with atomic_write(out / "distances.tsv") as f:
        f.write("row\tdistance\tkept\n")
        for i, (d, k) in enumerate(zip(distances, mask)):
            f.write(f"{i}\t{d:.6f}\t{int(k)}\n")
    if method != "centroid":  # the seed's own distances are on the centroid's scale only
        seed_scores = None
    histogram(distances, mask, seed_scores, out / "histogram.png",
              {"centroid": "cosine distance to the seed centroid", "moore-lewis": "cross-entropy difference",
               "combined": "standardized distance + cross-entropy difference"}[method])
    quantiles = np.quantile(distances, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1])
    stats = {"method": method, "general": int(n_lines), "kept": int(mask.sum()), "kept_fraction": float(mask.mean()),
             "keep": keep, "max_kept_distance": float(distances[mask].max()),
             "distance_quantiles": dict(zip(["min", "p5", "p25", "median", "p75", "p95", "max"],
                                            map(float, quantiles))),
             "seed_median_distance": float(np.median(seed_scores)) if seed_scores is not None else None}
    write_json(out / "select.json", stats)
    return stats
