"""Evaluate: test perplexity and OOV rate of each LM (metrics.{json,md}) and the ablation table."""

from __future__ import annotations

from pathlib import Path

import json

from lmboot.corpus import atomic_write, iter_lines, read_lines, write_json
from lmboot.errors import InputError
from lmboot.lm import load_model
from lmboot.wer import RECOGNIZERS, wer_cells, wer_columns


def perplexity(model_path: str | Path, sentences: list[str]) -> dict:
    """Corpus perplexity over words and </s> (OOVs scored as <unk>, as KenLM does), the perplexity
    over in-vocabulary tokens only, and the OOV rate over words."""
    model = load_model(model_path)
    total = total_iv = 0.0
    tokens = iv_tokens = words = oov = 0
    for sentence in sentences:
        for logprob, _, is_oov in model.full_scores(sentence, bos=True, eos=True):
            total += logprob
            tokens += 1
            if not is_oov:
                total_iv += logprob
                iv_tokens += 1
        n = len(sentence.split())
        words += n
        oov += sum(w not in model for w in sentence.split())
    return {"ppl": 10 ** (-total / tokens), "ppl_in_vocab": 10 ** (-total_iv / max(iv_tokens, 1)),
            "oov_rate": oov / max(words, 1), "words": words, "sentences": len(sentences)}


def evaluate(models: dict[str, str | Path], test: str | Path, out_json: str | Path, stats: dict | None = None) -> dict:
    """Score each named LM on the test text; write out_json and a Markdown table beside it (.md)."""
    sentences = [s for s in read_lines(test) if s.strip()]
    rows = {name: perplexity(path, sentences) for name, path in models.items()}
    base = rows.get("seed", {}).get("ppl")
    for row in rows.values():
        row["ppl_change_vs_seed"] = (row["ppl"] - base) / base if base else None
    metrics = {"test": str(test), "lms": rows, "stages": stats or {}}
    write_json(out_json, metrics)
    with atomic_write(Path(out_json).with_suffix(".md")) as f:
        f.write(markdown_table(rows))
    return metrics


def markdown_table(rows: dict[str, dict]) -> str:
    lines = ["| LM | test PPL | PPL (in-vocab) | OOV | PPL vs seed-only |", "|---|---:|---:|---:|---:|"]
    for name, r in rows.items():
        change = "" if r["ppl_change_vs_seed"] is None else f"{100 * r['ppl_change_vs_seed']:+.1f} %"
        lines.append(f"| {name} | {r['ppl']:.1f} | {r['ppl_in_vocab']:.1f} | {100 * r['oov_rate']:.1f} % | {change} |")
    return "\n".join(lines) + "\n"



def ablation(rows: list[dict], test: str | Path, out_json: str | Path, samples: int = 1000) -> dict:
    """One row per way of making the LM: {"label", "lm", optional "translator" (dev_scores.json),
    "mix" (weights json), "filter" (lm_filter json), "bitext" (file whose lines are the translator's
    training pairs), "sphinx" / "whisper" (WER JSON of lmboot.asr: adds WER columns with bootstrap CIs
    and paired tests against the first row, `samples` resamples)}. Writes out_json and a Markdown table beside it (.md)."""
    sentences = [s for s in read_lines(test) if s.strip()]
    table = []
    for row in rows:
        entry = {"label": row["label"], **perplexity(row["lm"], sentences)}
        if row.get("translator"):
            scores = json.loads(Path(row["translator"]).read_text())
            entry.update(dev_bleu=scores["bleu"], dev_chrf=scores["chrf"])
        if row.get("mix"):
            entry["seed_weight"] = json.loads(Path(row["mix"]).read_text())["weights"]["seed"]
        if row.get("filter"):
            entry["translations_kept"] = json.loads(Path(row["filter"]).read_text())["kept"]
        if row.get("bitext"):
            entry["bitext_pairs"] = sum(1 for _ in iter_lines(row["bitext"]))
        table.append(entry)
    base = table[0]["ppl"]
    for entry in table:
        entry["ppl_change_vs_first"] = (entry["ppl"] - base) / base
    if any(row.get("sphinx") or row.get("whisper") for row in rows):
        for entry, columns in zip(table, wer_columns(rows, samples)):
            entry.update(columns)
    write_json(out_json, {"test": str(test), "rows": table})
    with atomic_write(Path(out_json).with_suffix(".md")) as f:
        f.write(ablation_table(table))
    return {"rows": len(table)}


def ablation_table(table: list[dict]) -> str:
    def cell(entry, key, fmt):
        return fmt.format(entry[key]) if key in entry else ""

    wer_keys = [k for k in RECOGNIZERS if k in table[0]]
    header = "| LM | test PPL | OOV | vs seed-only | dev BLEU | dev chrF | seed weight | bitext pairs | translations kept |"
    header += "".join(f" {RECOGNIZERS[k]} WER % [95 % CI] | vs seed-only (paired p) |" for k in wer_keys)
    lines = [header, "|---|" + "---:|" * (header.count("|") - 2)]
    for e in table:
        lines.append(f"| {e['label']} | {e['ppl']:.1f} | {100 * e['oov_rate']:.1f} % | "
                     f"{100 * e['ppl_change_vs_first']:+.1f} % | {cell(e, 'dev_bleu', '{:.1f}')} | "
                     f"{cell(e, 'dev_chrf', '{:.1f}')} | {cell(e, 'seed_weight', '{:.2f}')} | "
                     f"{cell(e, 'bitext_pairs', '{:,}')} | {cell(e, 'translations_kept', '{:,}')} |"
                     + "".join(f" {c} |" for k in wer_keys for c in wer_cells(e, k)))
    return "\n".join(lines) + "\n"


def seed_sizes(ablations: dict[int, str | Path], out_md: str | Path) -> dict:
    """One table over seed sizes from their runs' ablation.json: seed-only, the configured pipeline (the
    last row before the oracle) and the oracle, by test perplexity (and the share of the seed-to-oracle
    gap the pipeline closes) and by WER (relative change vs seed-only with the paired p)."""
    tables = {}
    for size, path in sorted(ablations.items()):
        rows = json.loads(Path(path).read_text())["rows"]
        labels = [row["label"] for row in rows]
        if len(rows) < 3 or not labels[-1].startswith("oracle") or labels[0] != "seed-only":
            raise InputError(f"{path}: not an ablation table (seed-only first, oracle last; rows {labels})")
        tables[size] = rows
    keys = [k for k in RECOGNIZERS if k in tables[min(tables)][0]]  # the recognizers of the columns
    lines = []
    for size, rows in tables.items():
        seed, full, oracle = rows[0], rows[-2], rows[-1]
        gap = (seed["ppl"] - full["ppl"]) / (seed["ppl"] - oracle["ppl"]) if seed["ppl"] != oracle["ppl"] else 0.0
        wer = [cell for key in keys
               for cell in (wer_cells(seed, key)[0], *wer_cells(full, key), wer_cells(oracle, key)[0])]
        if "sphinx" in keys:  # the method row with the lowest first-pass WER (which stages to keep)
            best = min(rows[1:-1], key=lambda row: row["sphinx"]["wer"])
            wer.append(f"{best['label']}: {wer_cells(best, 'sphinx')[1]}")
        lines.append(f"| {size:,} | {seed['ppl']:.1f} | {full['ppl']:.1f} | {oracle['ppl']:.1f} | {100 * gap:.0f} % |"
                     + "".join(f" {c} |" for c in wer))
    header = "| seed size | PPL seed-only | PPL pipeline | PPL oracle | gap closed |" + "".join(
        f" {RECOGNIZERS[k]} WER seed-only | pipeline | vs seed-only (paired p) | oracle |" for k in keys)
    header += " best row by PocketSphinx WER |" if "sphinx" in keys else ""
    text = "\n".join([header, "|" + "---:|" * (header.count("|") - 1), *lines]) + "\n"
    with atomic_write(out_md) as f:
        f.write(text)
    return {"sizes": sorted(ablations)}


def dev_curves(rescore_json: str | Path, filter_json: str | Path, choice_json: str | Path | None,
               out_png: str | Path) -> dict:
    """One figure of the choices made on dev: chrF of the rescored 1-best against λ, dev perplexity of
    the interpolated LM against the lm_score filter percentile, and dev chrF of each checkpoint candidate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rescore = (json.loads(Path(rescore_json).read_text()).get("tuning") or {}).get("dev_chrf", {})
    tuning = json.loads(Path(filter_json).read_text()).get("tuning") or {}
    choice, title = {}, ""
    if choice_json and Path(choice_json).is_file():  # written when checkpoints are chosen by dev chrF
        choice = json.loads(Path(choice_json).read_text()).get("dev_chrf", {})
        scores = Path(choice_json).with_name("dev_scores.json")
        guard = json.loads(scores.read_text()).get("self_training") if scores.is_file() else None
        if guard:
            title = "fine-tuned round: " + ("kept" if guard["kept"] else "not kept (dev chrF fell)")
    panels = [("rescoring: λ (seed-LM weight)", "dev chrF", rescore),
              ("LM filter: percentile dropped", "dev perplexity", tuning.get("dev_ppl", {})),
              ("translator: checkpoint", "dev chrF", choice)]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for ax, (xlabel, ylabel, curve) in zip(axes, panels):
        if not curve:
            ax.text(0.5, 0.5, "not tuned (fixed in config)", ha="center", va="center", transform=ax.transAxes)
        elif xlabel.startswith("translator"):
            ax.bar(range(len(curve)), list(curve.values()), color="tab:blue")
            ax.set_xticks(range(len(curve)), [k.replace("checkpoint", "").strip("_") or "?" for k in curve],
                          rotation=30, fontsize=8)
        else:
            xs = sorted(curve, key=float)
            ax.plot([float(x) for x in xs], [curve[x] for x in xs], marker="o")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    axes[2].set_title(title, fontsize=9)
    fig.tight_layout()
    with atomic_write(out_png, "wb") as f:
        fig.savefig(f, format="png", dpi=90)
    plt.close(fig)
    return {"lambda_points": len(rescore), "filter_points": len(tuning.get("dev_ppl", {})),
            "checkpoints": len(choice)}
