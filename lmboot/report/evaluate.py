"""Evaluate: test perplexity and OOV rate of each LM (metrics.{json,md}) and the ablation table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lmboot.asr.wer import RECOGNIZERS, baseline_note, bootstrap_ci, paired_bootstrap, rank_note, wer_cells, wer_columns
from lmboot.data.corpus import atomic_write, iter_lines, read_lines, write_json
from lmboot.errors import InputError
from lmboot.lm.kenlm import common_vocabulary, perplexity


def evaluate(
    models: dict[str, str | Path],
    test: str | Path,
    out_json: str | Path,
    stats: dict | None = None,
    arpas: list[str | Path] | None = None,
) -> dict:
    """Score each named LM on the test text; write out_json and a Markdown table beside it (.md). With
    `arpas` (the models as ARPA files) also the perplexity over their common vocabulary."""
    sentences = [s for s in read_lines(test) if s.strip()]
    vocabulary = common_vocabulary(arpas) if arpas else None
    rows = {name: perplexity(path, sentences, vocabulary) for name, path in models.items()}
    base = rows["seed"]["ppl"] if "seed" in rows else None
    for row in rows.values():
        row["ppl_change_vs_seed"] = (row["ppl"] - base) / base if base else None
    metrics = {"test": str(test), "lms": rows, "stages": stats or {}}
    write_json(out_json, metrics)
    with atomic_write(Path(out_json).with_suffix(".md")) as f:
        f.write(markdown_table(rows))
    return metrics


def markdown_table(rows: dict[str, dict]) -> str:
    common = all("ppl_common" in r for r in rows.values())
    header = "| LM | test PPL | PPL (in-vocab) | OOV | PPL vs seed-only |" + (
        " PPL, common vocabulary |" if common else ""
    )
    lines = [header, "|---|" + "---:|" * (header.count("|") - 2)]
    for name, r in rows.items():
        change = "" if r["ppl_change_vs_seed"] is None else f"{100 * r['ppl_change_vs_seed']:+.1f} %"
        cells = [name, f"{r['ppl']:.1f}", f"{r['ppl_in_vocab']:.1f}", f"{100 * r['oov_rate']:.1f} %", change]
        lines.append("| " + " | ".join(cells + ([f"{r['ppl_common']:.1f}"] if common else [])) + " |")
    return "\n".join(lines) + "\n" + (common_vocabulary_note(next(iter(rows.values()))) if common else "")


def common_vocabulary_note(row: dict) -> str:
    return (
        f"\nPPL, common vocabulary: over the {row['common_vocabulary']:,} words of all these LMs; a word an LM lacks "
        f"costs its p(<unk>) shared among the common words it lacks; the {100 * row['common_oov_rate']:.1f} % of test "
        "words outside that vocabulary are left out for every LM.\n"
    )


def ablation(rows: list[dict], test: str | Path, out_json: str | Path, samples: int = 1000) -> dict:
    """One row per way of making the LM: {"label", "lm", optional "translator" (dev_scores.json),
    "mix" (weights json), "filter" (lm_filter json), "bitext" (file whose lines are the translator's
    training pairs), "arpa" (the LM as ARPA: with it on every row, perplexity over the rows' common
    vocabulary too), "sphinx" / "whisper" / "ctc" (WER JSON of lmboot.asr or lmboot.asr.ctc: adds WER columns
    with bootstrap CIs and paired tests against the first row, `samples` resamples), "kind" (lmboot.plan.KINDS:
    "baseline" rows are what every row is also paired with)}.
    The perplexity that compares the rows (over the common vocabulary when there is one) gets a bootstrap CI
    over test sentences and paired tests against the first row and the best baseline (perplexity_tests).
    Writes out_json and a Markdown table beside it (.md)."""
    sentences = [s for s in read_lines(test) if s.strip()]
    vocabulary = common_vocabulary([row["arpa"] for row in rows]) if all(row.get("arpa") for row in rows) else None
    table, costs = [], []
    for row in rows:
        scored = perplexity(row["lm"], sentences, vocabulary, per_sentence=True)
        costs.append(np.array(scored.pop("sentence_costs")).reshape(-1, 2))
        entry = {"label": row["label"], **scored}
        if row.get("translator"):
            scores = json.loads(Path(row["translator"]).read_text())
            # chrf: BLEU and chrF against the dev references; dev_ppl: seed + an LM of its translations
            entry.update(
                {
                    key: scores[name]
                    for key, name in (
                        ("dev_bleu", "bleu"),
                        ("dev_chrf", "chrf"),
                        ("dev_translation_ppl", "dev_ppl"),
                        ("dev_translation_wer", "dev_wer"),
                    )
                    if name in scores
                }
            )
        if row.get("mix"):
            weights = json.loads(Path(row["mix"]).read_text())["weights"]
            entry.update(seed_weight=weights["seed"], weights=weights)
        if row.get("kind"):
            entry["kind"] = row["kind"]
        if row.get("filter"):
            entry["translations_kept"] = json.loads(Path(row["filter"]).read_text())["kept"]
        if row.get("bitext"):
            entry["bitext_pairs"] = sum(1 for _ in iter_lines(row["bitext"]))
        table.append(entry)
    base = table[0]["ppl"]
    for entry in table:
        entry["ppl_change_vs_first"] = (entry["ppl"] - base) / base
        if vocabulary is not None:
            entry["ppl_common_change_vs_first"] = entry["ppl_common"] / table[0]["ppl_common"] - 1
    measure = "ppl" if vocabulary is None else "ppl_common"
    for entry, tests in zip(table, perplexity_tests(table, costs, measure, samples)):
        entry["ppl_test"] = tests
    if any(row.get(key) for row in rows for key in RECOGNIZERS):
        for entry, columns in zip(table, wer_columns(rows, samples)):
            entry.update(columns)
    write_json(out_json, {"test": str(test), "rows": table})
    with atomic_write(Path(out_json).with_suffix(".md")) as f:
        f.write(ablation_table(table))
    return {"rows": len(table)}


def perplexity_tests(table: list[dict], costs: list[np.ndarray], measure: str, samples: int) -> list[dict]:
    """Each row's `measure` (ppl or ppl_common) with its 95 % bootstrap interval over test sentences, and
    paired bootstraps against the first row and the best baseline row (lowest `measure`): WER's tests
    (lmboot.asr.wer) over each sentence's [-log10 p, tokens], so a delta is a log10 perplexity ratio."""
    baselines = [i for i, entry in enumerate(table) if entry.get("kind") == "baseline"]
    best = min(baselines, key=lambda i: table[i][measure], default=None)
    tests = []
    for own in costs:
        ci = bootstrap_ci(own, samples)
        entry = {
            "measure": measure,
            "ci_low": 10 ** ci["ci_low"],
            "ci_high": 10 ** ci["ci_high"],
            "vs_first": paired_bootstrap(own, costs[0], samples),
        }
        if best is not None:
            entry["vs_best_baseline"] = {"label": table[best]["label"], **paired_bootstrap(own, costs[best], samples)}
        tests.append(entry)
    return tests


def ppl_cells(entry: dict, key: str, change_key: str, vs_baseline: bool) -> tuple[str, list[str]]:
    """A perplexity cell and its change cells: with the tests when `key` is the tested measure ('PPL [CI]',
    'change vs seed-only (paired p)' and, with vs_baseline, the same against the best baseline)."""
    test = entry.get("ppl_test")
    if not test or test["measure"] != key:
        return f"{entry[key]:.1f}", [f"{100 * entry[change_key]:+.1f} %"]

    def change(pair):
        return f"{100 * (10 ** pair['delta'] - 1):+.1f} % (p {pair['p_not_better']:.2f})" if pair else ""

    changes = [change(test["vs_first"])] + ([change(test.get("vs_best_baseline"))] if vs_baseline else [])
    return f"{entry[key]:.1f} [{test['ci_low']:.1f}, {test['ci_high']:.1f}]", changes


def ablation_table(table: list[dict]) -> str:
    def cell(entry, key, fmt):
        return fmt.format(entry[key]) if entry.get(key) is not None else ""

    common = "ppl_common" in table[0]
    wer_keys = [k for k in RECOGNIZERS if k in table[0]]
    vs_baseline = any(e.get("kind") == "baseline" for e in table)
    measure = table[0].get("ppl_test", {}).get("measure")

    def ppl_header(name, key):  # the header cells of ppl_cells: the perplexity, then its change columns
        if measure != key:
            return f" {name} |", " vs seed-only |"
        return f" {name} [95 % CI] |", " vs seed-only (paired p) |" + (
            " vs best baseline (paired p) |" if vs_baseline else ""
        )

    ppl, changes = ppl_header("test PPL", "ppl")
    header = "| LM |" + ppl + " OOV |" + changes
    header += "".join(ppl_header("PPL, common vocabulary", "ppl_common")) if common else ""
    # translators chosen without a parallel dev: their dev measure (perplexity or WER of seed + their translations)
    by = next((k for k in ("dev_translation_wer", "dev_translation_ppl") if any(k in e for e in table)), None)
    header += {
        "dev_translation_wer": " translator's dev WER |",
        "dev_translation_ppl": " translator's dev PPL |",
        None: " dev BLEU | dev chrF |",
    }[by]
    header += " seed weight | bitext pairs | translations kept |"
    header += "".join(
        f" {RECOGNIZERS[k]} WER % [95 % CI] | vs seed-only (paired p) |"
        + (" vs best baseline (paired p) |" if vs_baseline else "")
        for k in wer_keys
    )
    lines = [header, "|---|" + "---:|" * (header.count("|") - 2)]
    for e in table:
        ppl, changes = ppl_cells(e, "ppl", "ppl_change_vs_first", vs_baseline)
        cells = [e["label"], ppl, f"{100 * e['oov_rate']:.1f} %", *changes]
        if common:
            ppl, changes = ppl_cells(e, "ppl_common", "ppl_common_change_vs_first", vs_baseline)
            cells += [ppl, *changes]
        cells += (
            [cell(e, by, "{:.1f}" if by == "dev_translation_ppl" else "{:.3f}")]
            if by
            else [cell(e, "dev_bleu", "{:.1f}"), cell(e, "dev_chrf", "{:.1f}")]
        )
        cells += [
            cell(e, "seed_weight", "{:.2f}"),
            cell(e, "bitext_pairs", "{:,}"),
            cell(e, "translations_kept", "{:,}"),
        ]
        cells += [c for k in wer_keys for c in wer_cells(e, k, vs_baseline)]
        lines.append("| " + " | ".join(cells) + " |")
    notes = (common_vocabulary_note(table[0]) if common else "") + (
        baseline_note(table) if vs_baseline and wer_keys else ""
    )
    notes += rank_note(table)
    if vs_baseline and "vs_best_baseline" in table[0].get("ppl_test", {}):
        notes += f"\nPerplexity vs best baseline: paired against {table[0]['ppl_test']['vs_best_baseline']['label']}.\n"
    return "\n".join(lines) + "\n" + notes


def gap_closed(seed: dict, full: dict, oracle: dict, key: str = "ppl") -> float:
    """The share of the seed-only → oracle perplexity gap that the pipeline closes."""
    return (seed[key] - full[key]) / (seed[key] - oracle[key]) if seed[key] != oracle[key] else 0.0


def by_kind(rows: list[dict], path) -> tuple[dict, dict, dict, list[dict]]:
    """An ablation table's seed-only, configured and oracle rows and its method rows (lmboot.plan.KINDS)."""
    kinds = [row.get("kind") for row in rows]
    if not all(k in kinds for k in ("seed", "configured", "oracle")):
        raise InputError(
            f"{path}: not an ablation table with a seed-only, a configured and an oracle row (kinds "
            f"{kinds}; a table made before rows had kinds: run snakemake ablation again)"
        )
    first = {kind: rows[kinds.index(kind)] for kind in ("seed", "configured", "oracle")}
    return first["seed"], first["configured"], first["oracle"], [r for r in rows if r.get("kind") == "method"]


def seed_sizes(ablations: dict[int, str | Path], out_md: str | Path) -> dict:
    """One table over seed sizes from their runs' ablation.json: seed-only, the configured LM and the oracle
    (the rows of those kinds), by test perplexity (and the share of the seed-to-oracle gap the pipeline
    closes, also over the common vocabulary when the tables have it) and by WER (relative change vs seed-only
    with the paired p, and vs the best baseline row when the tables have baselines)."""
    tables = {size: json.loads(Path(path).read_text())["rows"] for size, path in sorted(ablations.items())}
    rows_of = {size: by_kind(rows, ablations[size]) for size, rows in tables.items()}
    keys = [k for k in RECOGNIZERS if k in tables[min(tables)][0]]  # the recognizers of the columns
    common = all("ppl_common" in rows[0] for rows in tables.values())
    vs_baseline = all(any(row.get("kind") == "baseline" for row in rows) for rows in tables.values())
    lines = []
    for size, (seed, full, oracle, methods) in rows_of.items():
        ppl = [
            f"{seed['ppl']:.1f}",
            f"{full['ppl']:.1f}",
            f"{oracle['ppl']:.1f}",
            f"{100 * gap_closed(seed, full, oracle, 'ppl'):.0f} %",
        ]
        if common:
            ppl += [
                f"{seed['ppl_common']:.1f} → {full['ppl_common']:.1f} ({oracle['ppl_common']:.1f})",
                f"{100 * gap_closed(seed, full, oracle, 'ppl_common'):.0f} %",
            ]
        wer = [
            cell
            for key in keys
            for cell in (wer_cells(seed, key)[0], *wer_cells(full, key, vs_baseline), wer_cells(oracle, key)[0])
        ]
        if "sphinx" in keys:  # the method row with the lowest first-pass WER (which stages to keep)
            best = min([*methods, full], key=lambda row: row["sphinx"]["wer"])
            wer.append(f"{best['label']}: {wer_cells(best, 'sphinx')[1]}")
        lines.append("| " + " | ".join([f"{size:,}", *ppl, *wer]) + " |")
    header = "| seed size | PPL seed-only | PPL pipeline | PPL oracle | gap closed |"
    header += " PPL common vocabulary seed-only → pipeline (oracle) | gap closed |" if common else ""
    header += "".join(
        f" {RECOGNIZERS[k]} WER seed-only | pipeline | vs seed-only (paired p) |"
        + (" vs best baseline (paired p) |" if vs_baseline else "")
        + " oracle |"
        for k in keys
    )
    header += " best row by PocketSphinx WER |" if "sphinx" in keys else ""
    text = "\n".join([header, "|" + "---:|" * (header.count("|") - 1), *lines]) + "\n"
    with atomic_write(out_md) as f:
        f.write(text)
    return {"sizes": sorted(ablations)}


def choice_records(obj, where: str = "") -> list[tuple[str, dict]]:
    """Every choice record (lmboot.records.choice_record: criterion, measure, choice) inside a JSON object,
    with the path of keys it sits at."""
    if isinstance(obj, dict):
        if {"criterion", "measure", "choice"} <= set(obj):
            return [(where, obj)]
        return [found for key, value in obj.items() for found in choice_records(value, f"{where}.{key}".strip("."))]
    if isinstance(obj, list):
        return [found for i, value in enumerate(obj) for found in choice_records(value, f"{where}[{i}]")]
    return []


def dev_curves(files: dict[str, str | Path], out_png: str | Path) -> dict:
    """One figure of every choice made on dev: a panel per choice record found in the files (label: the
    stage; a file not there, e.g. a translator that was not trained here, is skipped), the measure of each
    grid point under its criterion, the chosen point marked."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    for label, path in files.items():
        if Path(path).is_file():
            for where, record in choice_records(json.loads(Path(path).read_text())):
                panels.append(
                    (f"{label}" + (f" ({where})" if where and where not in ("choice", "tuning.choice") else ""), record)
                )
    cols = 3
    rows = max(1, math.ceil(len(panels) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(13, 3.4 * rows), squeeze=False)
    for ax, (label, record) in zip(axes.flat, panels):
        grid, measure = record["grid"], record["measure"]
        values = [measure[k] for k in grid]
        numeric = all(_is_number(k) for k in grid)
        xs = [float(k) for k in grid] if numeric else list(range(len(grid)))
        (ax.plot if numeric else ax.bar)(xs, values, **({"marker": "o"} if numeric else {"color": "tab:blue"}))
        chosen = grid.index(record["choice"])
        ax.plot([xs[chosen]], [values[chosen]], marker="*", markersize=14, color="tab:red", linestyle="none")
        if not numeric:
            ax.set_xticks(xs, [k.replace("checkpoint", "").strip("_") or k for k in grid], rotation=30, fontsize=8)
            finite = [v for v in values if math.isfinite(v)]
            low, high = min(finite), max(finite)  # bars from the data's range: the differences are small
            ax.set_ylim(
                low - 0.1 * (high - low or abs(high) * 0.01 or 1), high + 0.1 * (high - low or abs(high) * 0.01 or 1)
            )
        ax.set_title(label, fontsize=9)
        ax.set_ylabel(f"{record['criterion']} ({record['better']} is better)", fontsize=8)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    if not panels:
        axes.flat[0].text(0.5, 0.5, "no choice made on dev", ha="center", va="center", transform=axes.flat[0].transAxes)
    fig.tight_layout()
    with atomic_write(out_png, "wb") as f:
        fig.savefig(f, format="png", dpi=90)
    plt.close(fig)
    return {"choices": [label for label, _ in panels]}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
