"""Translators a team brings (config `translators:`), besides the one lmboot trains: a pretrained model of a
CTranslate2 family (lmboot/translation/families.py: Marian/OPUS-MT, M2M100, NLLB-200, T5/MADLAD) or any line-in/line-out
command (lmboot/translation/command_mt.py: Apertium, a team's own client). Each writes n-best records of the pool and of
dev as lmboot's own translator does (lmboot/translation/decode.py), so rescoring, filtering and the LM stages take
them alike; a command gives one hypothesis without a score (score_scale "none").

The union n-best pools every translator's hypotheses for a source: each hypothesis keeps its system's own
score less that system's best score in the list (so each system's best reads 0 and a command's one
hypothesis too), a text given by several systems keeps its best; rescoring then weighs them against the
seed LM with the λ it tunes on dev."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import time
from pathlib import Path

from lmboot.data.corpus import atomic_write, read_lines, write_json
from lmboot.errors import InputError
from lmboot.translation.command_mt import translate_command
from lmboot.translation.rescore import nmt_score, read_nbest

FAMILY_NAMES = ("command", "marian", "m2m100", "nllb", "t5")


def check_translator(spec: dict, languages: dict) -> None:
    """What can be checked before any compute: the family's files and language codes, the command's word."""
    if spec["family"] == "command":
        words = shlex.split(spec.get("command", ""))
        if not words:
            raise InputError(f"translators.{spec['name']}.command: a command line is needed (family: command)")
        if re.fullmatch(r"[\w./+-]+", words[0]) and not shutil.which(words[0]):  # a plain program's name
            raise InputError(f"translators.{spec['name']}.command: {words[0]!r} is not found on PATH")
        return
    from lmboot.translation.families import check_family

    check_family(spec, languages["source"], languages["target"])


def hypotheses(spec: dict, languages: dict, sources: list[str], cfg: dict, threads: int, work_dir) -> tuple[list, str]:
    """Each source's hypotheses ({text, score, tokens}) and their score scale."""
    if spec["family"] == "command":
        texts = translate_command(spec["name"], spec["command"], sources, spec["batch_lines"])
        return [[{"text": t, "score": 0.0, "tokens": len(t.split()) + 1}] for t in texts], "none"
    from lmboot.translation.families import translate_family

    nbest = spec.get("nbest") or cfg["nbest"]
    return translate_family(
        spec, languages["source"], languages["target"], sources, nbest, cfg, threads, str(work_dir)
    ), "ln_per_token"


def normalized_texts(hyps: list[dict], norm) -> list[dict]:
    """Hypotheses with their text normalized as the new language's text is (prepare), a text that two
    hypotheses now share kept once with its better score."""
    out: dict[str, dict] = {}
    for hyp in hyps:
        text = norm(hyp["text"])
        if text not in out or hyp["score"] > out[text]["score"]:
            out[text] = {**hyp, "text": text}
    return list(out.values())


def translate_with(
    spec: dict,
    languages: dict,
    input_text,
    out_jsonl,
    cfg: dict,
    threads: int = 1,
    work_dir=None,
    norm: dict | None = None,
) -> dict:
    """Translate input_text (a line an utterance) with the translator into n-best records (out_jsonl); its
    stats (lines, empty outputs, time) beside them (.json). norm: the normalize section the new language's
    text was prepared with (translations are normalized alike: a command's output has capitals and stops)."""
    check_translator(spec, languages)
    sources = read_lines(input_text)
    start = time.perf_counter()
    hyps, scale = hypotheses(spec, languages, sources, cfg, threads, work_dir or Path(out_jsonl).parent)
    seconds = time.perf_counter() - start
    if norm is not None:
        from lmboot.data.prepare import normalizer

        target = normalizer(norm, languages["target"])
        hyps = [normalized_texts(h, target) for h in hyps]
    if len(hyps) != len(sources):
        raise InputError(f"translators.{spec['name']}: {len(hyps)} n-best lists for {len(sources)} inputs")
    empty = [i + 1 for i, h in enumerate(hyps) if not h or not h[0]["text"].strip()]
    with atomic_write(out_jsonl) as f:
        for i, src in enumerate(sources):
            record = {"id": i, "src": src, "score_scale": scale, "translator": spec["name"], "hyps": hyps[i]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    stats = {
        "translator": spec["name"],
        "family": spec["family"],
        "lines": len(sources),
        "empty": len(empty),
        "first_empty_lines": empty[:10],
        "seconds": round(seconds, 3),
        "seconds_per_1000": round(1000 * seconds / max(len(sources), 1), 3),
        "threads": threads,
    }
    write_json(Path(out_jsonl).with_suffix(".json"), stats)
    return stats


def normalized(record: dict) -> list[dict]:
    """A record's hypotheses with its system's score less the system's best (natural log per token)."""
    scale = record.get("score_scale", "log2_per_token")
    scores = [nmt_score(h, scale) for h in record["hyps"]]
    best = max(scores, default=0.0)
    return [{**h, "score": s - best} for h, s in zip(record["hyps"], scores)]


def union_nbest(inputs: dict[str, str | Path], out_jsonl) -> dict:
    """One n-best list per source from every translator's (inputs: name -> n-best JSON lines, all of the same
    sources in the same order); returns counts."""
    tables = {name: read_nbest(path) for name, path in inputs.items()}
    sizes = {name: len(records) for name, records in tables.items()}
    if len(set(sizes.values())) != 1:
        raise InputError(f"union n-best: the translators' n-best files differ in length: {sizes}")
    n = next(iter(sizes.values()), 0)
    total = 0
    with atomic_write(out_jsonl) as f:
        for i in range(n):
            merged: dict[str, dict] = {}
            for name, records in tables.items():
                for hyp in normalized(records[i]):
                    if not hyp["text"].strip():
                        continue
                    kept = merged.get(hyp["text"])
                    if kept is None or hyp["score"] > kept["score"]:
                        merged[hyp["text"]] = {**hyp, "systems": sorted({name, *(kept or {}).get("systems", [])})}
                    else:
                        kept["systems"] = sorted({name, *kept["systems"]})
            hyps = sorted(merged.values(), key=lambda h: -h["score"]) or [{"text": "", "score": 0.0, "tokens": 1}]
            total += len(hyps)
            src = next(iter(tables.values()))[i]["src"]
            f.write(
                json.dumps({"id": i, "src": src, "score_scale": "ln_per_token", "hyps": hyps}, ensure_ascii=False)
                + "\n"
            )
    return {"records": n, "hypotheses": total, "translators": list(inputs)}
