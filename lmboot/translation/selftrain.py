"""Self-training: the pseudo-pairs a round fine-tunes on (the pool's translations, guarded by filters and
mixed with the bitext), and the guard that keeps a fine-tuned round only if the tuning criterion prefers it
(dev chrF, or the dev perplexity of seed + an LM of its translations: lmboot.choose)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from lmboot.data.corpus import read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.schema import default
from lmboot.translation.decode import dev_scores, dev_translations, one_best
from lmboot.translation.nmt import train


def train_round(
    train_src,
    train_tgt,
    dev_src,
    criterion,
    spm_dir,
    out_dir,
    cfg: dict,
    threads: int = 1,
    restore=None,
    max_updates=None,
    seed: int = default("split.random_seed"),
) -> dict:
    """Train a translator round (round 0 on the bitext; with `restore`, fine-tune that checkpoint); its dev
    scores under the criterion (lmboot.choose), training figures and, for a fine-tuned round under
    `self_training_keep: improved`, the guard's verdict go to out_dir/dev_scores.json (keep_if_improved)."""
    ckpt, scores = train(
        train_src,
        train_tgt,
        dev_src,
        criterion,
        spm_dir,
        out_dir,
        cfg,
        threads,
        restore=restore,
        max_updates=max_updates,
        seed=seed,
    )
    out = Path(out_dir) / "dev_scores.json"
    if scores is None:  # checkpoint_choice: loss scored nothing on dev yet
        scores = dev_scores(ckpt, spm_dir, dev_src, criterion, out, cfg, threads)
    if restore and cfg["self_training_keep"] == "improved":
        previous = Path(restore).parent / "dev_scores.json"
        if not previous.is_file():
            raise InputError(f"{previous}: missing: the guard compares the fine-tuned model's dev scores with it")
        scores = keep_if_improved(
            ckpt,
            Path(restore),
            scores,
            json.loads(previous.read_text()),
            criterion,
            lambda model: dev_translations(model, spm_dir, dev_src, cfg, threads),
        )
    scores["training"] = json.loads((Path(out_dir) / "training.json").read_text())
    write_json(out, scores)
    return scores


def keep_if_improved(
    finetuned: Path, previous: Path, scores: dict, previous_scores: dict, criterion, translated_by
) -> dict:
    """Guarded fine-tuning: keep the fine-tuned checkpoint only if the criterion prefers it to the checkpoint
    it was fine-tuned from; otherwise put the previous one in its place. chrf compares the two models' dev
    scores as recorded; dev_ppl measures both models' translations together (`translated_by(model)`), over
    one vocabulary. Returns the scores that now hold, with the guard's choice record."""
    from lmboot.records import choice_record

    name = criterion.name
    if name == "chrf":
        measures = {"previous": previous_scores["chrf"], "finetuned": scores["chrf"]}
    else:
        measures = criterion.measure({"previous": translated_by(previous), "finetuned": translated_by(finetuned)})
    kept = criterion.best(measures, prefer=["previous", "finetuned"]) == "finetuned"
    guard = {
        "kept": kept,
        f"finetuned_{name}": measures["finetuned"],
        f"previous_{name}": measures["previous"],
        "choice": choice_record(criterion, criterion.better, measures, "finetuned" if kept else "previous"),
    }
    if not kept:
        shutil.copyfile(previous, finetuned.with_name(".previous.pt"))
        os.replace(finetuned.with_name(".previous.pt"), finetuned)
        scores = {k: v for k, v in previous_scores.items() if k not in ("training", "self_training")}
        if name != "chrf":
            scores[name] = measures["previous"]
    elif name != "chrf":
        scores = {**scores, name: measures["finetuned"]}
    return {**scores, "self_training": guard}


def pseudo_pairs(
    pool_src,
    nbest_jsonl,
    bitext_src,
    bitext_tgt,
    out_prefix,
    filter_specs: list[dict],
    seed_lm: str | Path | None = None,
    mix: float | None = None,
    seed: int = default("split.random_seed"),
) -> dict:
    """Self-training data: the pool's 1-best translations that pass the guard filters, mixed with the
    bitext: all of it (mix None) or a random sample of `mix` bitext pairs per kept pseudo-pair."""
    import random

    from lmboot.translation.lm_filter import apply_filters, build_filters

    sources, translations = read_lines(pool_src), one_best(nbest_jsonl)
    if len(sources) != len(translations):
        raise InputError(
            f"{pool_src} has {len(sources)} lines but {nbest_jsonl} has {len(translations)} n-best records"
        )
    pairs = list(zip(sources, translations))
    keep, dropped = apply_filters(pairs, build_filters(filter_specs, seed_lm))
    kept = [p for p, k in zip(pairs, keep) if k]
    bitext = list(zip(read_lines(bitext_src), read_lines(bitext_tgt)))
    if mix is not None and round(mix * len(kept)) < len(bitext):
        bitext = random.Random(seed).sample(bitext, round(mix * len(kept)))
    write_lines(f"{out_prefix}.src", [s for s, _ in bitext + kept])
    write_lines(f"{out_prefix}.tgt", [t for _, t in bitext + kept])
    stats = {"pseudo_pairs": len(pairs), "kept": len(kept), "dropped_by": dropped, "bitext_pairs": len(bitext)}
    write_json(f"{out_prefix}.json", stats)
    return stats
