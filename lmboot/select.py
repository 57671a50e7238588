"""Select: keep the general-corpus pairs whose new-language side lies closest (cosine) to the seed centroid."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from tqdm import tqdm

from lmboot.corpus import atomic_write, iter_lines, read_lines, write_json, write_lines
from lmboot.embed import Encoder
from lmboot.errors import InputError


def centroid(encoder: Encoder, texts: list[str], chunk: int = 4096) -> np.ndarray:
    """Unit-length mean of the texts' unit-length embeddings."""
    total = sum(encoder.encode(texts[i:i + chunk]).sum(axis=0) for i in range(0, len(texts), chunk))
    return (total / np.linalg.norm(total)).astype(np.float32)


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


def select(general_src: str | Path, general_tgt: str | Path, seed: str | Path, out_dir: str | Path,
           encoder: Encoder, keep: dict) -> dict:
    """Write kept.{src,tgt}, distances.tsv (row, distance, kept) and select.json in out_dir."""
    out = Path(out_dir)
    center = centroid(encoder, read_lines(seed))
    n_lines = sum(1 for _ in iter_lines(general_tgt))
    distances = np.fromiter(cosine_distances(encoder, iter_lines(general_tgt), center, total=n_lines),
                            dtype=np.float64, count=n_lines)
    mask = cut(distances, keep)
    if not mask.any():
        nearest = f" (the nearest is at distance {distances.min():.4f})" if n_lines else ""
        raise InputError(f"select.keep: {keep} keeps no line of {general_tgt}{nearest}")
    kept_rows = np.flatnonzero(mask)
    src = read_lines(general_src)
    if len(src) != n_lines:
        raise InputError(f"{general_src} has {len(src)} lines but {general_tgt} has {n_lines}")
    kept_set = set(kept_rows.tolist())
    write_lines(out / "kept.src", (src[i] for i in kept_rows))
    write_lines(out / "kept.tgt", (t for i, t in enumerate(iter_lines(general_tgt)) if i in kept_set))
    with atomic_write(out / "distances.tsv") as f:
        f.write("row\tdistance\tkept\n")
        for i, (d, k) in enumerate(zip(distances, mask)):
            f.write(f"{i}\t{d:.6f}\t{int(k)}\n")
    quantiles = np.quantile(distances, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1])
    stats = {"general": int(n_lines), "kept": int(mask.sum()), "kept_fraction": float(mask.mean()),
             "keep": keep, "max_kept_distance": float(distances[mask].max()),
             "distance_quantiles": dict(zip(["min", "p5", "p25", "median", "p75", "p95", "max"],
                                            map(float, quantiles)))}
    write_json(out / "select.json", stats)
    return stats
