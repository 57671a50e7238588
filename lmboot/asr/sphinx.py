"""PocketSphinx with the LM in its first pass (lmboot.asr.recognize's interface): its dictionary from
lmboot.asr.pronounce, the LM weight tuned on dev, the test set decoded with it."""

from __future__ import annotations

import time
from multiprocessing import Pool
from pathlib import Path

from lmboot.asr.pronounce import sphinx_model_dir
from lmboot.asr.recognize import best_of, wer_of
from lmboot.asr.speech import SAMPLE_RATE, read_manifest, read_wav, references

_decoder = None


def _start_sphinx(arpa: str, dict_path: str, lw: float, hmm: str | None = None) -> None:
    global _decoder
    from pocketsphinx import Decoder

    _decoder = Decoder(hmm=hmm or str(sphinx_model_dir() / "en-us"), lm=arpa, dict=dict_path, lw=lw, loglevel="FATAL")


def _decode_one(wav: str) -> tuple[str, float, float]:
    """(hypothesis, decoding seconds, audio seconds) of one wav."""
    samples = read_wav(wav)
    start = time.perf_counter()
    _decoder.reinit_feat()  # a fresh front end: live CMN would carry one utterance's mean into the next
    _decoder.start_utt()
    _decoder.process_raw(samples.tobytes(), full_utt=True)
    _decoder.end_utt()
    hyp = _decoder.hyp()
    return (hyp.hypstr if hyp else ""), time.perf_counter() - start, len(samples) / SAMPLE_RATE


def sphinx_decode(
    wavs: list[str], arpa: str | Path, dict_path: str | Path, lw: float, threads: int = 1, hmm: str | Path | None = None
) -> dict:
    """First-pass decoding of each wav with the LM (processes in parallel) and the acoustic model `hmm`
    (asr.sphinx_hmm; None: PocketSphinx's US English); hypotheses and real-time factor."""
    with Pool(threads, _start_sphinx, (str(arpa), str(dict_path), lw, str(hmm) if hmm else None)) as pool:
        results = pool.map(_decode_one, wavs, chunksize=4)
    audio = sum(seconds for _, _, seconds in results)
    return {"hyps": [h for h, _, _ in results], "rtf": sum(t for _, t, _ in results) / max(audio, 1e-9)}


class Sphinx:
    """PocketSphinx with the LM in its first pass (lmboot.asr.recognize): the LM weight (asr.sphinx_lw) tuned on dev."""

    name = "pocketsphinx"

    def __init__(
        self,
        arpa,
        dict_path,
        manifests: dict[str, str | Path],
        lw_grid: list[float],
        threads: int = 1,
        hmm: str | Path | None = None,
    ):
        self.arpa, self.dict, self.lw_grid, self.threads, self.hmm = arpa, dict_path, lw_grid, threads, hmm
        self.wavs = {part: [r["wav"] for r in read_manifest(m)] for part, m in manifests.items()}
        self.rtf = 0.0

    def decode(self, part: str, setting: tuple) -> list[str]:
        decoded = sphinx_decode(self.wavs[part], self.arpa, self.dict, setting[0], self.threads, self.hmm)
        self.rtf = decoded["rtf"]
        return decoded["hyps"]

    def tune(self, measure) -> tuple:
        return best_of([(lw,) for lw in self.lw_grid], measure)

    def fields(self, setting: tuple) -> dict:
        return {"lw": setting[0]}

    def extra(self, test_hyps: list[str], test_refs: list[str]) -> dict:
        return {"rtf": self.rtf}  # of the last decoding: test's


def sphinx_wer(
    arpa: str | Path,
    dict_path: str | Path,
    dev_manifest: str | Path,
    test_manifest: str | Path,
    lw_grid: list[float],
    out_json: str | Path,
    threads: int = 1,
    hmm: str | Path | None = None,
) -> dict:
    """PocketSphinx's WER with an LM (lmboot.asr.recognize.wer_of): the LM weight tuned on dev, test decoded."""
    sphinx = Sphinx(arpa, dict_path, {"dev": dev_manifest, "test": test_manifest}, lw_grid, threads, hmm)
    result = wer_of(sphinx, arpa, references(dev_manifest), references(test_manifest), out_json)
    return {k: result[k] for k in ("lw", "test_wer", "rtf")}
