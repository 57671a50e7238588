"""One interface for the recognizers that measure an LM by WER. A recognizer decodes an audio set ("dev" or
"test") with the LM under a setting (a tuple: PocketSphinx's LM weight; Whisper's α, β; CTC's LM weight and
word score) and says which settings to try on dev; `wer_of` does the rest, the same for all: the settings
tuned on dev, test decoded with the best one, one result record written.

Implementations: asr.Sphinx (PocketSphinx, the LM in its first pass), asr.WhisperNbest (Whisper's n-best
lists rescored with the LM), ctc.CTC (a CTC acoustic model with the LM in flashlight-text's beam search:
hama's phoneme model, or a team's own model over characters or pieces from an ONNX file: lmboot/asr/onnx_ctc.py).
Their keys, titles and result paths: lmboot/asr/recognizers.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from lmboot.asr.wer import corpus_errors, wer
from lmboot.data.corpus import write_json
from lmboot.records import choice_record

Setting = tuple


class Recognizer(Protocol):
    name: str  # the record's "recognizer"

    def decode(self, part: str, setting: Setting) -> list[str]:
        """One hypothesis per utterance of the audio set `part` ("dev" or "test")."""

    def tune(self, measure: Callable[[Setting], float]) -> Setting:
        """The setting to decode test with, from measure(setting) = its dev WER (best_of: every one tried)."""

    def fields(self, setting: Setting) -> dict:
        """The record's own fields of the chosen setting (e.g. {"lw": 4.5})."""

    def extra(self, test_hyps: list[str], test_refs: list[str]) -> dict:
        """What else the record holds about the test decoding (real-time factor, ...)."""


def best_of(settings, measure: Callable[[Setting], float]) -> Setting:
    """Every setting measured; the first with the lowest dev WER."""
    return min(settings, key=measure)


def setting_key(setting: Setting) -> str:
    return " ".join(map(str, setting))


def wer_of(
    recognizer: Recognizer, lm: str | Path, dev_refs: list[str], test_refs: list[str], out_json: str | Path
) -> dict:
    """The recognizer's settings tuned on dev (each point's dev WER kept), test decoded with the best, and
    one record written: the recognizer, the LM, the chosen setting's fields, the dev grid and its choice
    record, the test WER, the recognizer's extra fields, per-utterance error counts and the hypotheses."""
    grid: dict[str, float] = {}

    def measure(setting: Setting) -> float:
        key = setting_key(setting)
        if key not in grid:
            grid[key] = wer(corpus_errors(dev_refs, recognizer.decode("dev", setting)))
        return grid[key]

    best = recognizer.tune(measure)
    hyps = recognizer.decode("test", best)
    counts = corpus_errors(test_refs, hyps)
    result = {
        "recognizer": recognizer.name,
        "lm": str(lm),
        **recognizer.fields(best),
        "dev_wer": grid,
        "choice": choice_record("dev_wer", "lower", grid, setting_key(best)),
        "test_wer": wer(counts),
        **recognizer.extra(hyps, test_refs),
        "counts": counts.tolist(),
        "hyps": hyps,
    }
    write_json(out_json, result)
    return {k: v for k, v in result.items() if k not in ("dev_wer", "choice", "counts", "hyps")}
