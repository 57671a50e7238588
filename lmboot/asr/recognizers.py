"""The recognizers that measure WER with an LM, in one place: each one's key (asr.recognizers), its title in
tables, the settings it tunes on dev and where its result for an LM lies. The schema's asr.recognizers enum
and every table read this registry (tests/test_plan.py checks the schema against it). A leaf module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecognizerInfo:
    key: str  # asr.recognizers, the folder of its results (data/<run>/asr/<key>/<lm>.json)
    title: str  # its WER columns' title
    tuned: str  # what it tunes on dev, as the dev curves name it

    def result(self, data: str, lm: str) -> str:
        """Its result file for an LM (models/<run>/lm/<lm>.bin) of a run's data folder."""
        return f"{data}/asr/{self.key}/{lm}.json"


REGISTRY = {
    info.key: info
    for info in (
        RecognizerInfo("sphinx", "PocketSphinx", "PocketSphinx LM weight"),
        RecognizerInfo("whisper", "Whisper n-best", "Whisper α β"),
        RecognizerInfo("ctc", "CTC beam search", "CTC LM weight, word score"),
        RecognizerInfo("onnx_ctc", "team's CTC model", "team's CTC model LM weight, word score"),
    )
}
CTC = ("ctc", "onnx_ctc")  # decoded by lmboot.asr.ctc: emissions once per audio set, a lexicon per LM
TITLES = {key: info.title for key, info in REGISTRY.items()}  # key -> title, in the registry's order
