"""Select: keep the general-corpus pairs whose new-language side lies closest to the seed, by the scorer
select.method names (scorers.py), cut by threshold / top_k / top_fraction or a cut chosen on dev. The
general corpus is streamed: memory holds one score and one flag per pair, never the whole text."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lmboot.data.corpus import atomic_write, count_lines, iter_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.schema import default
from lmboot.select.embed import Encoder
from lmboot.select.scorers import build_scorer, line_range


def cut(distances: np.ndarray, keep: dict) -> np.ndarray:
    """Boolean mask of kept rows by exactly one of threshold / top_k / top_fraction."""
    rules = {k: v for k, v in keep.items() if v is not None}
    if len(rules) != 1:
        raise InputError(f"select.keep: give exactly one of threshold, top_k, top_fraction (got {sorted(rules)})")
    ((rule, value),) = rules.items()
    if rule == "threshold":
        return distances <= value
    k = int(value) if rule == "top_k" else int(round(value * len(distances)))
    mask = np.zeros(len(distances), dtype=bool)
    mask[np.argsort(distances, kind="stable")[: max(1, min(k, len(distances)))]] = True
    return mask


def histogram(scores: np.ndarray, mask: np.ndarray, seed_scores: np.ndarray | None, png: Path, label: str) -> None:
    """Distribution of the general corpus's scores, kept and dropped, with the seed's own for reference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    bins = np.linspace(scores.min(), scores.max(), 60)
    ax.hist(
        [scores[mask], scores[~mask]],
        bins=bins,
        stacked=True,
        label=["kept", "dropped"],
        color=["tab:green", "tab:gray"],
    )
    if seed_scores is not None:
        ax.hist(
            seed_scores,
            bins=bins,
            histtype="step",
            color="tab:blue",
            label="seed (own centroid)",
            weights=np.full(len(seed_scores), len(scores) / max(len(seed_scores), 1) / 10),
        )
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


def score_chunk(general_tgt: str | Path, scorer, chunk: int, chunks: int, out_npz: str | Path) -> dict:
    """The scatter half of select: the raw scores of one chunk of the general side (lines split evenly into
    `chunks`), with its line range and, for chunk 1, the seed's own scores, in out_npz."""
    n_lines = count_lines(general_tgt)
    start, stop = line_range(n_lines, chunk, chunks)
    scorer.prepare(general_tgt, n_lines)
    raw = scorer.raw(general_tgt, start, stop)
    seed = scorer.seed_scores if chunk == 1 and scorer.seed_scores is not None else np.zeros(0)
    with atomic_write(out_npz, "wb") as f:
        np.savez(f, raw=raw, seed_scores=seed, lines=np.array([start, stop, n_lines]), method=np.array(scorer.name))
    return {"chunk": f"{chunk}-of-{chunks}", "lines": [start, stop], "of": n_lines}


def gather_scores(paths: list[str | Path], n_lines: int, method: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The raw scores of the whole general side from its chunks' files (score_chunk), in line order, and
    the seed's own scores (None where the scorer has none); chunks that leave a gap, overlap or were scored
    on another corpus are refused."""
    parts = []
    for path in paths:
        try:
            with np.load(path) as z:
                if str(z["method"]) != method:
                    raise InputError(f"{path}: scored by select.method {str(z['method'])}, not {method}")
                parts.append((*map(int, z["lines"]), z["raw"], z["seed_scores"], path))
        except (OSError, ValueError, KeyError) as e:
            raise InputError(f"{path}: not a select-score file ({e})") from None
    parts.sort(key=lambda p: (p[0], p[1]))
    at = 0
    for start, stop, total, raw, _, path in parts:
        if total != n_lines or start != at or len(raw) != stop - start:
            raise InputError(
                f"{path}: scores lines {start}-{stop} of {total}, but the chunks must cover the "
                f"{n_lines} lines of the general corpus in turn (next: line {at})"
            )
        at = stop
    if at != n_lines:
        raise InputError(f"{parts[-1][-1] if parts else 'select'}: the chunks score {at} of the {n_lines} lines")
    seed = next((p[4] for p in parts if len(p[4])), None)
    return np.vstack([p[3] for p in parts]), seed


def select(
    general_src: str | Path,
    general_tgt: str | Path,
    seed: str | Path,
    out_dir: str | Path,
    encoder: Encoder | None,
    keep: dict,
    method: str = default("select.method"),
    order: int = default("select.order"),
    random_seed: int = default("select.random_seed"),
    cache_dir: str | Path | None = None,
    encoder_id: str = "",
    chunk_scores: list | None = None,
) -> dict:
    """Write kept.{src,tgt}, distances.tsv (row, distance = the method's score, kept), histogram.png
    and select.json in out_dir. The scores: gathered from chunk_scores (score_chunk's files), or computed
    here; with cache_dir, the general side's embeddings are cached there, keyed by the file's bytes and
    encoder_id (other seeds, cuts and runs over the same corpus reuse them)."""
    out = Path(out_dir)
    n_src, n_tgt = count_lines(general_src), count_lines(general_tgt)
    if n_src != n_tgt:  # before any embedding
        raise InputError(f"{general_src} has {n_src} lines but {general_tgt} has {n_tgt}")
    scorer = build_scorer(
        method, seed, encoder, cache_dir if method != "moore-lewis" else None, order, random_seed, encoder_id
    )
    if chunk_scores:
        raw, seed_scores = gather_scores(chunk_scores, n_tgt, method)
        distances = scorer.combine(raw)
    else:
        distances, seed_scores = scorer.scores(general_tgt, n_tgt), scorer.seed_scores
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
    histogram(distances, mask, seed_scores, out / "histogram.png", scorer.label)
    quantiles = np.quantile(distances, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1])
    stats = {
        "method": method,
        "general": int(n_lines),
        "kept": int(mask.sum()),
        "kept_fraction": float(mask.mean()),
        "keep": keep,
        "max_kept_distance": float(distances[mask].max()),
        "distance_quantiles": dict(zip(["min", "p5", "p25", "median", "p75", "p95", "max"], map(float, quantiles))),
        "seed_median_distance": float(np.median(seed_scores)) if seed_scores is not None else None,
        "chunks": len(chunk_scores) if chunk_scores else 1,
    }
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
    stats = {
        "keep": keep,
        "kept": int(mask.sum()),
        "kept_fraction": float(mask.mean()),
        "max_kept_distance": float(distances[mask].max()),
    }
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
        row = {
            **cut_stats,
            "dir": str(c["dir"]),
            "dev_bleu": scores.get("bleu"),
            "dev_chrf": scores.get("chrf"),
            "updates": scores.get("training", {}).get("updates"),
        }
        if by == "perplexity":
            mix = json.loads(Path(c["mix"]).read_text())
            if "dev_perplexity" not in mix:
                raise InputError(f"{c['mix']}: no dev_perplexity (made by an older lmboot mix: re-run it)")
            row["dev_perplexity"] = mix["dev_perplexity"]
        rows.append(row)
    best = max(rows, key=lambda r: r["dev_chrf"]) if by == "chrf" else min(rows, key=lambda r: r["dev_perplexity"])
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
    lines = [
        f"Selection cut chosen on dev by {result['by']} (each candidate's translator under the same budget)\n",
        "| cut | pairs | max distance | updates | dev BLEU | dev chrF |" + (" dev PPL |" if ppl else ""),
        "|---|---:|---:|---:|---:|---:|" + ("---:|" if ppl else ""),
    ]
    for r in result["candidates"]:
        ((rule, value),) = r["keep"].items()
        mark = " (chosen)" if r["keep"] == result["chosen"] else ""
        bleu, chrf = (f"{r['dev_bleu']:.1f}", f"{r['dev_chrf']:.2f}") if r["dev_chrf"] is not None else ("", "")
        lines.append(
            f"| {rule} {value}{mark} | {r['kept']:,} | {r['max_kept_distance']:.4f} | {r['updates']} | "
            f"{bleu} | {chrf} |" + (f" {r['dev_perplexity']:.1f} |" if ppl else "")
        )
    return "\n".join(lines) + "\n"
