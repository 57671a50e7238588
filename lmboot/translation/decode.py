"""Translation with a trained translator: n-best lists from fairseq-interactive or CTranslate2, in
chunks or whole, and the dev scores (BLEU, chrF) of a checkpoint.

n-best records (one JSON object a line, input order):
  {"id": i, "src": ..., "score_scale": "log2_per_token", "hyps": [{"text", "score", "tokens"}, ...]}
where score is fairseq's length-normalized log2 probability per target token (incl. </s>).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from lmboot.ct2_device import ct2_device
from lmboot.data.corpus import atomic_write, read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.translation.fairseq_run import data_dir_for, device_args, encode, run_tool


def parse_interactive(stdout: str) -> dict[int, list[dict]]:
    """n-best lists from fairseq-interactive output (H- and P- lines), by input id."""
    hyps: dict[int, list[dict]] = {}
    for line in stdout.splitlines():
        tag, _, rest = line.partition("\t")
        if tag.startswith("H-"):
            score, _, text = rest.partition("\t")
            hyps.setdefault(int(tag[2:]), []).append({"text": text.strip(), "score": float(score)})
        elif tag.startswith("P-"):
            hyps[int(tag[2:])][-1]["tokens"] = len(rest.split())
    return hyps


def translate(checkpoint, spm_dir, input_text, out_jsonl, cfg: dict, threads: int = 1, nbest: int | None = None) -> int:
    """Translate input_text (one sentence a line) into n-best records with fairseq or CTranslate2
    (config `translator`); returns the count."""
    if Path(checkpoint).is_dir() and cfg["translator"] != "ctranslate2":
        raise InputError(f"{checkpoint}: a CTranslate2 model directory translates only with translator: ctranslate2")
    spm_dir = Path(spm_dir)
    nbest = nbest or cfg["nbest"]
    sources = read_lines(input_text)
    pieces = encode(spm_dir / "spm.model", sources)
    if cfg["translator"] == "ctranslate2":
        hyps, scale = translate_ct2(checkpoint, spm_dir, pieces, cfg, threads, nbest), "ln_per_token"
    else:
        hyps, scale = translate_fairseq(checkpoint, spm_dir, pieces, cfg, threads, nbest), "log2_per_token"
    if len(hyps) != len(sources):
        raise RuntimeError(f"the translator returned {len(hyps)} n-best lists for {len(sources)} inputs")
    with atomic_write(out_jsonl) as f:
        for i, src in enumerate(sources):
            record = {"id": i, "src": src, "score_scale": scale, "hyps": hyps[i]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(sources)


def translate_fairseq(checkpoint, spm_dir: Path, pieces: list[str], cfg: dict, threads: int, nbest: int):
    with tempfile.TemporaryDirectory() as tmp:
        write_lines(Path(tmp) / "input", pieces)
        run = run_tool(
            [
                "fairseq-interactive",
                data_dir_for(spm_dir, tmp),
                "--path",
                str(checkpoint),
                "--task",
                "translation",
                "-s",
                "src",
                "-t",
                "tgt",
                "--input",
                str(Path(tmp) / "input"),
                *device_args(cfg),
                "--beam",
                str(max(cfg["beam"], nbest)),
                "--nbest",
                str(nbest),
                # output length bound (tokens): a*source + b, against runaway repetition
                "--max-len-a",
                str(cfg["max_len_a"]),
                "--max-len-b",
                str(cfg["max_len_b"]),
                "--batch-size",
                str(cfg["batch_size"]),
                "--buffer-size",
                "1024",
                "--post-process",
                "sentencepiece",
                "--no-progress-bar",
            ],
            threads,
            capture_output=True,
            text=True,
        )
    return parse_interactive(run.stdout)


def convert_ct2(checkpoint, spm_dir: Path, threads: int) -> Path:
    """The CTranslate2 conversion of a fairseq checkpoint, made once beside it (ct2-<checkpoint name>/)."""
    checkpoint = Path(checkpoint)
    out = checkpoint.parent / f"ct2-{checkpoint.stem}"
    if (out / "model.bin").is_file() and (out / "model.bin").stat().st_mtime >= checkpoint.stat().st_mtime:
        return out
    tmp_out = checkpoint.parent / f".{out.name}.tmp"
    from ctranslate2.converters import (
        FairseqConverter,  # in-process: fairseq is imported once, not per call
    )

    with tempfile.TemporaryDirectory() as tmp:
        print(f"+ CTranslate2 conversion of {checkpoint}", file=sys.stderr, flush=True)
        FairseqConverter(
            str(checkpoint),
            data_dir_for(spm_dir, tmp),
            source_lang="src",
            target_lang="tgt",
            unsafe_deserialization=True,
        ).convert(str(tmp_out), force=True)
    shutil.rmtree(out, ignore_errors=True)
    tmp_out.rename(out)
    return out


def translate_ct2(checkpoint, spm_dir: Path, pieces: list[str], cfg: dict, threads: int, nbest: int):
    """n-best with CTranslate2 (from a fairseq checkpoint, converted once, or a CTranslate2 model
    directory); scores are its length-normalized natural-log probabilities."""
    import ctranslate2
    import sentencepiece as spm

    device = ct2_device(cfg["device"], "nmt.device")
    model = checkpoint if Path(checkpoint).is_dir() else convert_ct2(checkpoint, spm_dir, threads)
    translator = ctranslate2.Translator(str(model), device=device, intra_threads=threads)
    decoder = spm.SentencePieceProcessor(model_file=str(spm_dir / "spm.model"))
    tokens = [p.split() for p in pieces]
    batch_size = cfg["batch_size"]
    # Batches of equal-length sources (no padding), so that each sentence's output length cap and its
    # result do not depend on its neighbours: chunked and unchunked translation agree byte for byte.
    by_length: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        by_length.setdefault(len(t), []).append(i)
    hyps = {}
    for length, rows in sorted(by_length.items()):
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cap = int(cfg["max_len_a"] * length + cfg["max_len_b"])
            results = translator.translate_batch(
                [tokens[i] for i in batch],
                beam_size=max(cfg["beam"], nbest),
                num_hypotheses=nbest,
                return_scores=True,
                max_decoding_length=cap,
            )
            for i, result in zip(batch, results):
                hyps[i] = [
                    {"text": decoder.decode_pieces(h), "score": s, "tokens": len(h) + 1}
                    for h, s in zip(result.hypotheses, result.scores)
                ]
    return hyps


def split_lines(text: str | Path, outputs: list[str | Path]) -> list[int]:
    """Split a text file into len(outputs) contiguous chunks of near-equal size; returns their sizes."""
    lines, n = read_lines(text), len(outputs)
    bounds = [round(i * len(lines) / n) for i in range(n + 1)]
    for out, start, end in zip(outputs, bounds, bounds[1:]):
        write_lines(out, lines[start:end])
    return [end - start for start, end in zip(bounds, bounds[1:])]


def gather_nbest(chunks: list[str | Path], out_jsonl: str | Path) -> int:
    """Concatenate chunked n-best files in order, numbering the records afresh."""
    count = 0
    with atomic_write(out_jsonl) as f:
        for chunk in chunks:
            for line in read_lines(chunk):
                f.write(json.dumps({**json.loads(line), "id": count}, ensure_ascii=False) + "\n")
                count += 1
    return count


def one_best(nbest_jsonl: str | Path) -> list[str]:
    return [json.loads(line)["hyps"][0]["text"] for line in read_lines(nbest_jsonl)]


def dev_translations(checkpoint, spm_dir, dev_src, cfg: dict, threads: int = 1) -> list[str]:
    """The 1-best translations of the source lines a choice on dev translates."""
    with tempfile.TemporaryDirectory() as tmp:
        translate(checkpoint, spm_dir, dev_src, f"{tmp}/dev.jsonl", cfg, threads, nbest=1)
        return one_best(f"{tmp}/dev.jsonl")


def scores_of(criterion, hyps: list[str], measure: float) -> dict:
    """A translator's dev scores: its measure under the criterion (chrf adds BLEU and examples)."""
    scores = {"criterion": criterion.name, criterion.name: measure, "sentences": len(hyps)}
    if criterion.name == "chrf":
        scores["bleu"] = criterion.bleu(hyps)
        scores["examples"] = [{"hyp": h, "ref": r} for h, r in list(zip(hyps, criterion.refs))[:5]]
    else:
        scores["examples"] = [{"hyp": h} for h in hyps[:5]]
    return scores


def dev_scores(checkpoint, spm_dir, dev_src, criterion, out_json, cfg: dict, threads: int = 1) -> dict:
    """A translator's dev scores under the criterion (lmboot.choose): chrF (and BLEU) of its 1-best
    translation of dev against the references, or the dev perplexity of seed + an LM of its translations."""
    return score_translations(dev_translations(checkpoint, spm_dir, dev_src, cfg, threads), criterion, out_json)


def score_translations(hyps: list[str], criterion, out_json) -> dict:
    """Dev scores of 1-best translations of dev under the criterion, written to out_json."""
    scores = scores_of(criterion, hyps, criterion.measure({"model": hyps})["model"])
    write_json(out_json, scores)
    return scores
