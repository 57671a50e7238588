"""Choosing on dev: one criterion interface and one record for every choice lmboot makes on dev (the
translator's checkpoint and guards, rescoring's λ, ...).

A choice's candidates are texts in the new language (each candidate's translations of the same source
lines). A criterion measures them all at once:

- `chrf`: chrF of each candidate against the dev references; needs a parallel dev (dev's source side
  translated, its new-language side the references). Higher is better.
- `dev_ppl`: what the candidate does to the LM: an LM of the candidate's text, mixed with the seed LM as the
  configured LM is (lm_mix.interpolate), and that mixture's perplexity on the new-language dev text over one
  vocabulary (the seed's words and every candidate's). Needs no parallel text: the source lines can be any
  in-domain source text (a sample of the pool). Lower is better.
- `dev_wer`: what the candidate does to recognition: the same mixture decoded on the dev speech (recordings,
  or synthesized) by the CTC recognizer (lmboot.asr.ctc), its lowest dev WER over LM weight and word score
  (lmboot.asr.ctc.tune). Needs no parallel text either. Lower is better.

The record every choice writes (`lmboot.records.choice_record`): the criterion, which way is better, the
grid, each point's measure and the choice.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from lmboot.data.corpus import read_lines
from lmboot.errors import InputError
from lmboot.records import choice_record  # noqa: F401  (also lmboot.choose.choice_record)
from lmboot.schema import default

CRITERIA = ("chrf", "dev_ppl", "dev_wer")


class Criterion:
    name = ""
    better = "higher"  # or "lower"

    def measure(self, candidates: dict, vocabulary: set[str] | None = None) -> dict[str, float]:
        """Each candidate's measure (vocabulary: dev_ppl's one vocabulary, when it is given)."""
        raise NotImplementedError

    def best(self, measures: dict, prefer=None):
        """The best key; ties go to the first key in `prefer` order (default: the measures' order)."""
        order = list(prefer if prefer is not None else measures)
        sign = -1 if self.better == "higher" else 1
        return min(order, key=lambda k: (sign * measures[k], order.index(k)))


class ChrF(Criterion):
    name, better = "chrf", "higher"

    def __init__(self, refs: str | Path, digits: int | None = None):
        self.refs_path, self.refs, self.digits = refs, read_lines(refs), digits

    def measure(self, candidates, vocabulary=None):
        import sacrebleu

        out = {}
        for key, hyps in candidates.items():
            if len(hyps) != len(self.refs):
                raise InputError(
                    f"{self.refs_path}: {len(self.refs)} dev references for {len(hyps)} translations "
                    "(chrf needs a parallel dev: dev's source side translated)"
                )
            score = sacrebleu.corpus_chrf(hyps, [self.refs]).score
            out[key] = score if self.digits is None else round(score, self.digits)
        return out

    def bleu(self, hyps: list[str]) -> float:
        import sacrebleu

        return round(sacrebleu.corpus_bleu(hyps, [self.refs]).score, 2)


class DevPerplexity(Criterion):
    name, better = "dev_ppl", "lower"

    def __init__(
        self,
        seed_arpa: str | Path,
        dev_text: str | Path,
        order: int = default("lm.order"),
        seed_weight: float | str = default("lm.seed_weight"),
        measure: str = "ppl_common",
    ):
        self.seed_arpa, self.order, self.seed_weight, self.key = seed_arpa, order, seed_weight, measure
        self.dev = [line for line in read_lines(dev_text) if line.strip()]
        if not self.dev:
            raise InputError(f"{dev_text}: the dev text is empty")

    def measure(self, candidates, vocabulary: set[str] | None = None):
        """Each candidate text's measure; vocabulary: the seed's words and every candidate's unless given."""
        from lmboot.lm.kenlm import arpa_vocabulary, build_arpa

        if vocabulary is None:  # the candidates are read twice: give lists, or give the vocabulary
            vocabulary = set(arpa_vocabulary(self.seed_arpa)).union(
                *(h.split() for t in candidates.values() for h in t)
            )
        out = {}
        with tempfile.TemporaryDirectory() as tmp:
            for key, hyps in candidates.items():  # any iterable of lines, read once (streamed to a file)
                with open(f"{tmp}/text", "w", encoding="utf-8") as f:
                    lines = sum(f.write(h + "\n") > 0 for h in hyps if h.strip())
                if not lines:
                    out[key] = float("inf")
                    continue
                build_arpa(f"{tmp}/text", f"{tmp}/lm.arpa", self.order)
                out.update(self.measure_arpas({key: f"{tmp}/lm.arpa"}, vocabulary))
        return out

    def measure_arpas(self, arpas: dict, vocabulary: set[str] | None) -> dict:
        """The measure of LMs already built (ARPA paths by key), each mixed with the seed LM as the
        configured LM is (lm_mix.interpolate): evaluate's perplexity on dev (self.key: ppl_common over
        `vocabulary`, or KenLM's ppl)."""
        from lmboot.lm.arpa import ArpaModel
        from lmboot.lm.mix import mixed_dev_perplexity

        if getattr(self, "_seed", None) is None:
            self._seed = ArpaModel(self.seed_arpa)
        seed = self._seed
        return {
            key: mixed_dev_perplexity(seed, path, self.dev, self.seed_weight, vocabulary)[self.key]
            for key, path in arpas.items()
        }


class DevWER(DevPerplexity):
    name, better = "dev_wer", "lower"

    def __init__(
        self,
        seed_arpa: str | Path,
        dev_text: str | Path,
        speech: dict,
        order: int = default("lm.order"),
        seed_weight: float | str = default("lm.seed_weight"),
    ):
        """speech: {"emissions": the dev speech's CTC emissions (.npz), "manifest": its manifest.tsv (the
        references), "asr": the asr section (ctc_model, ctc_lexicon, ctc_cache_dir, ctc_lm_weight,
        ctc_word_score, ctc_beam, ctc_beam_tokens, ctc_beam_threshold)}."""
        super().__init__(seed_arpa, dev_text, order, seed_weight)
        self.speech = speech

    def measure_arpas(self, arpas: dict, vocabulary: set[str] | None) -> dict:
        """Each LM mixed with the seed LM as dev_ppl mixes it, then decoded: the lowest dev WER over the grid."""
        from lmboot.asr.ctc import Decoder, lexicon, speech_set, tune
        from lmboot.lm.arpa import ArpaModel
        from lmboot.lm.kenlm import build_binary
        from lmboot.lm.mix import interpolate

        asr = self.speech["asr"]
        if getattr(self, "_seed", None) is None:
            self._seed = ArpaModel(self.seed_arpa)
            self._units, self._emitted, self._refs = speech_set(self.speech["emissions"], self.speech["manifest"])
        out = {}
        with tempfile.TemporaryDirectory() as tmp:
            for key, path in arpas.items():
                interpolate([self._seed, ArpaModel(path)], self.dev, self.seed_weight, f"{tmp}/mix.arpa")
                build_binary(f"{tmp}/mix.arpa", f"{tmp}/mix.bin")
                lexicon(f"{tmp}/mix.arpa", f"{tmp}/lexicon", asr["ctc_model"], asr["ctc_lexicon"], asr["ctc_cache_dir"])
                decoder = Decoder(
                    self._units["tokens"],
                    f"{tmp}/lexicon",
                    f"{tmp}/mix.bin",
                    asr,
                    self._units["blank"],
                    self._units["separator"],
                )
                grid, best = tune(
                    lambda lw, ws: decoder.decode(self._emitted, lw, ws),
                    self._refs,
                    asr["ctc_lm_weight"],
                    asr["ctc_word_score"],
                )
                out[key] = grid[best]
        return out


def make_criterion(
    name: str,
    dev_text: str | Path | None = None,
    seed_arpa: str | Path | None = None,
    order: int = default("lm.order"),
    seed_weight: float | str = default("lm.seed_weight"),
    digits: int | None = None,
    speech: dict | None = None,
) -> Criterion:
    """The criterion a choice is made by: chrf (dev_text: the references; chrF rounded to `digits` before
    comparing), dev_ppl (dev_text: the new-language dev text; seed_arpa: the seed LM) or dev_wer (as dev_ppl,
    and speech: the dev speech, DevWER)."""
    if name == "chrf":
        if not dev_text:
            raise InputError("tuning.criterion: chrf needs the dev references")
        return ChrF(dev_text, digits)
    if name == "dev_ppl":
        if not (dev_text and seed_arpa):
            raise InputError("tuning.criterion: dev_ppl needs the dev text and the seed LM's ARPA")
        return DevPerplexity(seed_arpa, dev_text, order, seed_weight)
    if name == "dev_wer":
        if not (dev_text and seed_arpa and speech and speech.get("emissions") and speech.get("manifest")):
            raise InputError(
                "tuning.criterion: dev_wer needs the dev text, the seed LM's ARPA and the dev speech "
                "(its CTC emissions and manifest)"
            )
        return DevWER(seed_arpa, dev_text, speech, order, seed_weight)
    raise InputError(f"tuning.criterion: unknown criterion {name!r} ({', '.join(CRITERIA)})")


def choose(criterion: Criterion, candidates: dict, prefer=None, vocabulary: set[str] | None = None, **extra) -> tuple:
    """Measure every candidate text, pick the best (ties: the first in `prefer`); returns (key, record).
    vocabulary: dev_ppl's one vocabulary, when it is not the seed's and the candidates' words."""
    return chosen(criterion, criterion.measure(candidates, vocabulary), prefer, **extra)


def chosen(criterion: Criterion, measures: dict, prefer=None, **extra) -> tuple:
    """The best of measures already taken (ties: the first in `prefer`) and the choice's record."""
    best = criterion.best(measures, prefer)
    return best, choice_record(criterion, criterion.better, measures, best, **extra)
