"""Select: keep the general-corpus pairs whose new-language side lies closest (cosine) to the seed centroid.
The general corpus is streamed: memory holds one score and one flag per pair, never the whole text."""

from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path

import numpy as np
from tqdm import tqdm

from lmboot.corpus import atomic_write, count_lines, hash_bytes, iter_lines, read_lines, write_json, write_lines
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
                     order: int = 3, random_seed: int = 13, cache: Path | None = None) -> np.ndarray:
    """One score per general line, lower = closer to the seed: cosine distance to the seed centroid
    `center`, Moore-Lewis cross-entropy difference, or the sum of both standardized (combined). `cache`:
    the file caching the general side's embeddings (they do not depend on the seed)."""
    def centroid_distances():
        n_lines = count_lines(general_tgt)
        chunks = cached_chunks(encoder, Path(general_tgt), n_lines, cache)
        return np.concatenate([1.0 - vectors @ center for vectors in chunks] or [np.zeros(0)]).astype(np.float64)

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


def write_kept(general_src, general_tgt, mask: np.ndarray, out: Path) -> None:
    """kept.src and kept.tgt in out: the general pairs whose mask is set, in corpus order."""
    for side, path in (("src", general_src), ("tgt", general_tgt)):
        write_lines(out / f"kept.{side}", (line for line, k in zip(iter_lines(path), mask) if k))


def select(general_src: str | Path, general_tgt: str | Path, seed: str | Path, out_dir: str | Path,
           encoder: Encoder | None, keep: dict, method: str = "centroid", order: int = 3,
           random_seed: int = 13, cache_dir: str | Path | None = None, encoder_id: str = "") -> dict:
    """Write kept.{src,tgt}, distances.tsv (row, distance = the method's score, kept), histogram.png
    and select.json in out_dir. With cache_dir, the general side's embeddings are cached there, keyed by
    the file's bytes and encoder_id (other seeds, cuts and runs over the same corpus reuse them)."""
    out = Path(out_dir)
    n_src, n_tgt = count_lines(general_src), count_lines(general_tgt)
    if n_src != n_tgt:  # before any embedding
        raise InputError(f"{general_src} has {n_src} lines but {general_tgt} has {n_tgt}")
    center, seed_scores = seed_centroid(encoder, read_lines(seed)) if method != "moore-lewis" else (None, None)
    cache = embedding_cache(cache_dir, general_tgt, encoder_id) if method != "moore-lewis" else None
    distances = selection_scores(method, general_tgt, seed, center, encoder, order, random_seed, cache)
    n_lines = len(distances)
    mask = cut(distances, keep)
    if not mask.any():
        nearest = f" (the nearest is at distance {distances.min():.4f})" if n_lines else ""
        raise InputError(f"select.keep: {keep} keeps no line of {general_tgt}{nearest}")
    write_kept(general_src, general_tgt, mask, out)
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


# Choosing the cut on dev (select.tune): each candidate cut of the same ranking trains a translator under a
# small budget; the candidate with the best dev chrF (or lowest dev perplexity of seed + its translated pool)
# becomes the selection.

def read_distances(path: str | Path) -> np.ndarray:
    """The score column of distances.tsv (row, distance, kept), in row order."""
    rows = iter_lines(path)
    if next(rows, "").split("\t")[:2] != ["row", "distance"]:
        raise InputError(f"{path}: not a distances.tsv (header row, distance, kept expected)")
    try:
        return np.array([float(line.split("\t")[1]) for line in rows], dtype=np.float64)
    except (IndexError, ValueError):
        raise InputError(f"{path}: a row without a numeric distance") from None


def select_cut(distances_tsv, general_src, general_tgt, keep: dict, out_dir) -> dict:
    """kept.{src,tgt} and cut.json in out_dir for one cut (threshold / top_k / top_fraction) of a ranking."""
    out = Path(out_dir)
    distances = read_distances(distances_tsv)
    n_src = count_lines(general_src)
    if n_src != len(distances):
        raise InputError(f"{distances_tsv} scores {len(distances)} pairs but {general_src} has {n_src}")
    mask = cut(distances, keep)
    if not mask.any():
        raise InputError(f"select.tune.candidates: {keep} keeps no line of {general_src}")
    write_kept(general_src, general_tgt, mask, out)
    stats = {"keep": keep, "kept": int(mask.sum()), "kept_fraction": float(mask.mean()),
             "max_kept_distance": float(distances[mask].max())}
    write_json(out / "cut.json", stats)
    return stats


def choose_cut(candidates: list[dict], by: str, distances_tsv, out_dir, report_md) -> dict:
    """Copy the best candidate's kept.{src,tgt} to out_dir, with tuning.json, a histogram of the chosen cut
    and a markdown table. A candidate: {"dir": cut dir, "scores": dev_scores.json, "mix": mix json or None}."""
    import json

    if by not in ("chrf", "perplexity"):
        raise InputError(f"select.tune.by: unknown criterion {by!r} (chrf or perplexity)")
    rows = []
    for c in candidates:
        cut_stats = json.loads(Path(c["dir"], "cut.json").read_text())
        scores = json.loads(Path(c["scores"]).read_text())
        row = {**cut_stats, "dir": str(c["dir"]), "dev_bleu": scores["bleu"], "dev_chrf": scores["chrf"],
               "updates": scores.get("training", {}).get("updates")}
        if by == "perplexity":
            mix = json.loads(Path(c["mix"]).read_text())
            if "dev_perplexity" not in mix:
                raise InputError(f"{c['mix']}: no dev_perplexity (made by an older lmboot mix: re-run it)")
            row["dev_perplexity"] = mix["dev_perplexity"]
        rows.append(row)
    best = (max(rows, key=lambda r: r["dev_chrf"]) if by == "chrf"
            else min(rows, key=lambda r: r["dev_perplexity"]))
    out = Path(out_dir)
    for side in ("src", "tgt"):
        write_lines(out / f"kept.{side}", iter_lines(Path(best["dir"], f"kept.{side}")))
    distances = read_distances(distances_tsv)
    histogram(distances, cut(distances, best["keep"]), None, out / "histogram.png", "selection score (chosen cut)")
    result = {"by": by, "chosen": best["keep"], "candidates": rows}
    write_json(out / "tuning.json", result)
    with atomic_write(report_md) as f:
        f.write(tuning_table(result))
    return result


def tuning_table(result: dict) -> str:
    ppl = result["by"] == "perplexity"
    lines = [f"Selection cut chosen on dev by {result['by']} (each candidate's translator under the same budget)\n",
             "| cut | pairs | max distance | updates | dev BLEU | dev chrF |" + (" dev PPL |" if ppl else ""),
             "|---|---:|---:|---:|---:|---:|" + ("---:|" if ppl else "")]
    for r in result["candidates"]:
        (rule, value), = r["keep"].items()
        mark = " (chosen)" if r["keep"] == result["chosen"] else ""
        lines.append(f"| {rule} {value}{mark} | {r['kept']:,} | {r['max_kept_distance']:.4f} | {r['updates']} | "
                     f"{r['dev_bleu']:.1f} | {r['dev_chrf']:.2f} |" + (f" {r['dev_perplexity']:.1f} |" if ppl else ""))
    return "\n".join(lines) + "\n"
