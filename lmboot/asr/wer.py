"""WER: one text normalization for references and hypotheses, word error counts per utterance, and
bootstrap confidence intervals (single system and paired) over utterances."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lmboot.asr.recognizers import TITLES
from lmboot.data.corpus import atomic_write, write_json
from lmboot.data.spoken import spoken_form


def normalize_text(text: str, lang: str = "en") -> str:
    """What both references and recognizer output are scored as: the spoken form LM texts are put into
    (lmboot/data/spoken.py: numbers and symbols as words, lower case, no punctuation, apostrophes kept).
    References are usually spelled out already; recognizers such as Whisper write digits."""
    return spoken_form(text, lang)


def errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word errors: substitutions + deletions + insertions, reference words) of one normalized pair."""
    ref, hyp = reference.split(), hypothesis.split()
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1], len(ref)


def corpus_errors(references: list[str], hypotheses: list[str]) -> np.ndarray:
    """Per-utterance (errors, reference words) as an (n, 2) array; both sides normalized first."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    return np.array(
        [errors(normalize_text(r), normalize_text(h)) for r, h in zip(references, hypotheses)], dtype=np.int64
    ).reshape(-1, 2)


def wer(counts: np.ndarray) -> float:
    return float(counts[:, 0].sum() / max(counts[:, 1].sum(), 1))


def resamples(n: int, samples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(samples, n))


def bootstrap_ci(counts: np.ndarray, samples: int = 1000, rng_seed: int = 13, level: float = 0.95) -> dict:
    """Corpus WER and its percentile bootstrap interval, utterances resampled with replacement."""
    idx = resamples(len(counts), samples, rng_seed)
    values = counts[idx, 0].sum(1) / np.maximum(counts[idx, 1].sum(1), 1)
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return {"wer": wer(counts), "ci_low": float(lo), "ci_high": float(hi), "utterances": len(counts)}


def paired_bootstrap(system: np.ndarray, baseline: np.ndarray, samples: int = 1000, rng_seed: int = 13) -> dict:
    """WER difference system - baseline on the same resampled utterances: its 95 % interval and the share
    of resamples where the system is not better (a one-sided p-value for "the system is better")."""
    if system[:, 1].tolist() != baseline[:, 1].tolist():
        raise ValueError("paired bootstrap needs both systems scored on the same references")
    idx = resamples(len(system), samples, rng_seed)
    words = np.maximum(system[idx, 1].sum(1), 1)
    delta = (system[idx, 0].sum(1) - baseline[idx, 0].sum(1)) / words
    lo, hi = np.quantile(delta, [0.025, 0.975])
    return {
        "delta": wer(system) - wer(baseline),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "p_not_better": float((delta >= 0).mean()),
    }


RECOGNIZERS = TITLES  # key -> title of each recognizer (lmboot/asr/recognizers.py)


def wer_columns(rows: list[dict], samples: int = 1000) -> list[dict]:
    """For rows {"label", "sphinx": json, "whisper": json, "ctc": json, optional "kind"} (asr.sphinx_wer /
    asr.whisper_wer / ctc.ctc_wer outputs): each recognizer's test WER with its bootstrap CI, the paired bootstrap
    against the first row and, when rows are marked as baselines, against the best of them by that recognizer's
    WER."""
    loaded = [{k: json.loads(Path(row[k]).read_text()) for k in RECOGNIZERS if row.get(k)} for row in rows]
    counts = [{k: np.array(r["counts"]).reshape(-1, 2) for k, r in result.items()} for result in loaded]
    baselines = [i for i, row in enumerate(rows) if row.get("kind") == "baseline"]
    out = []
    for result, own in zip(loaded, counts):
        entry = {}
        for key, r in result.items():
            entry[key] = {
                **bootstrap_ci(own[key], samples),
                "vs_first": paired_bootstrap(own[key], counts[0][key], samples),
                **{
                    k: r[k]
                    for k in (
                        "lw",
                        "alpha",
                        "beta",
                        "lm_weight",
                        "word_score",
                        "rtf",
                        "test_wer_1best",
                        "test_wer_oracle",
                    )
                    if k in r
                },
            }
            scored = [i for i in baselines if key in counts[i]]
            if scored:
                best = min(scored, key=lambda i: wer(counts[i][key]))
                entry[key]["vs_best_baseline"] = {
                    "label": rows[best]["label"],
                    **paired_bootstrap(own[key], counts[best][key], samples),
                }
        out.append(entry)
    return out


def relative_change(w: dict, pair: dict) -> str:
    """'relative change (paired p)' of a system against the system a paired test compared it with."""
    base = w["wer"] - pair["delta"]
    return f"{100 * pair['delta'] / base:+.1f} % (p {pair['p_not_better']:.2f})" if base else ""


def wer_cells(entry: dict, key: str, best_baseline: bool = False) -> list[str]:
    """Markdown cells of one recognizer: 'WER [CI]', 'relative change vs the first row (paired p)' and,
    with best_baseline, the same against the best baseline row."""
    if key not in entry:
        return ["", "", ""] if best_baseline else ["", ""]
    w = entry[key]
    cells = [
        f"{100 * w['wer']:.1f} [{100 * w['ci_low']:.1f}, {100 * w['ci_high']:.1f}]",
        relative_change(w, w["vs_first"]),
    ]
    if best_baseline:
        cells.append(relative_change(w, w["vs_best_baseline"]) if "vs_best_baseline" in w else "")
    return cells


def wer_table(rows: list[dict], out_json: str, samples: int = 1000) -> dict:
    """results/<run>/wer.{json,md}: WER of each LM with both recognizers, CIs and paired tests vs row 1
    (and vs the best baseline row when rows are marked as baselines)."""
    columns = wer_columns(rows, samples)
    table = [
        {"label": row["label"], **({"kind": row["kind"]} if "kind" in row else {}), **entry}
        for row, entry in zip(rows, columns)
    ]
    write_json(out_json, {"rows": table})
    vs_baseline = any(row.get("kind") == "baseline" for row in rows)
    extra = " vs best baseline |" if vs_baseline else ""
    keys = [key for key in RECOGNIZERS if any(key in e for e in table)]  # the recognizers decoded
    header = "| LM |" + "".join(f" {RECOGNIZERS[key]} WER % [95 % CI] | vs first row |{extra}" for key in keys)
    lines = [header, "|---|" + "---:|" * (header.count("|") - 2)]
    lines += [
        f"| {e['label']} | " + " | ".join(c for key in keys for c in wer_cells(e, key, vs_baseline)) + " |"
        for e in table
    ]
    whisper = table[0].get("whisper")
    if whisper:
        lines.append(
            f"\nWhisper without an LM (its own 1-best): {100 * whisper['test_wer_1best']:.1f} %; "
            f"best hypothesis in each n-best list (oracle): {100 * whisper['test_wer_oracle']:.1f} %."
        )
    if vs_baseline:
        lines.append(baseline_note(table))
    lines.append(rank_note(table))
    with atomic_write(Path(out_json).with_suffix(".md")) as f:
        f.write("\n".join(lines) + "\n")
    return {"rows": len(table)}


def rank_correlations(table: list[dict]) -> dict[tuple[str, str], float]:
    """Spearman's rho between each two recognizers' test WER over the rows: do they rank the LMs alike?"""
    from scipy.stats import spearmanr

    keys = [k for k in RECOGNIZERS if all(k in e for e in table)]
    return (
        {
            (a, b): float(spearmanr([e[a]["wer"] for e in table], [e[b]["wer"] for e in table]).statistic)
            for i, a in enumerate(keys)
            for b in keys[i + 1 :]
        }
        if len(table) >= 3
        else {}
    )


def rank_note(table: list[dict]) -> str:
    rho = rank_correlations(table)
    if not rho:
        return ""
    pairs = "; ".join(f"{RECOGNIZERS[a]} / {RECOGNIZERS[b]} {value:.2f}" for (a, b), value in rho.items())
    return (
        f"\nRank correlation of the rows' WER between recognizers (Spearman's rho over {len(table)} rows): {pairs}.\n"
    )


def baseline_note(table: list[dict]) -> str:
    """Which row each 'vs best baseline' column compares with (the baseline with the lowest test WER)."""
    named = {
        RECOGNIZERS[k]: e[k]["vs_best_baseline"]["label"]
        for e in table[:1]
        for k in RECOGNIZERS
        if k in e and "vs_best_baseline" in e[k]
    }
    return "\nvs best baseline: paired against " + "; ".join(f"{name}: {label}" for name, label in named.items()) + "."
