"""Export an LM in the forms its consumers load: the ARPA and KenLM binary (KenLM, flashlight-text,
pyctcdecode), a CTC lexicon and tokens file (flashlight-text's lexicon decoder), a unigram
list (pyctcdecode), words.txt and G.fst (Kaldi, k2, sherpa: the grammar FST with #0 on back-off arcs), and
an entropy-pruned ARPA for first-pass decoders, its threshold chosen on dev perplexity. The ARPA is read
once into compact arrays (arpa_compact.py, about 20 bytes an n-gram of the highest order): G.fst is written
from them (grammar_fst.py: kaldilm's arpa2fst's bytes) and so is each pruned candidate (entropy_prune.py:
kaldingram's pruning and text), neither holding the model as objects nor the FST as text."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lmboot.data.corpus import atomic_write, read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm.arpa_compact import CompactArpa
from lmboot.lm.entropy_prune import change_classes, prune, write_arpa
from lmboot.lm.grammar_fst import write_grammar
from lmboot.lm.kenlm import arpa_ngram_count, arpa_vocabulary, perplexity
from lmboot.records import choice_record

FILES = {  # file: what loads it
    "lm.arpa": "KenLM, pyctcdecode, kaldilm, any ARPA reader",
    "lm.bin": "KenLM, flashlight-text (KenLM(path, dictionary))",
    "lexicon.txt": "flashlight-text's lexicon decoder (its Trie: lmboot.asr.ctc.Decoder): word, then its tokens",
    "tokens.txt": "flashlight-text's lexicon decoder (its token Dictionary): the CTC model's output tokens in order",
    "unigrams.txt": "pyctcdecode build_ctcdecoder(unigrams=)",
    "words.txt": "Kaldi / k2 / sherpa: the word symbol table of G.fst",
    "G.fst": "Kaldi / k2 / sherpa: the LM as an OpenFst grammar (kaldifst reads it)",
    "pruned.arpa": "first-pass decoders: the LM entropy-pruned (export.prune_thresholds, chosen on dev)",
}


def _copy(src: str | Path, dst: Path) -> None:
    with open(src, "rb") as f, atomic_write(dst, "wb") as out:
        shutil.copyfileobj(f, out)


def grammar_fst(arpa: str | Path, out_dir: Path, lm: CompactArpa | None = None) -> None:
    """words.txt and G.fst as kaldilm's arpa2fst writes them (#0 on back-off arcs, <s> and </s> as epsilons),
    each written to a temporary name first."""
    write_grammar(lm or CompactArpa(arpa), out_dir / "words.txt", out_dir / "G.fst")


def prune_arpa(arpa: str | Path, threshold: float, out: str | Path, lm: CompactArpa | None = None) -> dict:
    """SRILM-style entropy pruning as kaldingram's (the same n-grams kept and ARPA text): n-grams of order 2 and
    up whose removal raises training perplexity by less than `threshold` (relative) go, unigrams stay (the
    vocabulary, and the lexicon, is the whole LM's); the n-gram counts after."""
    lm = lm or CompactArpa(arpa)
    return write_arpa(lm, *prune(lm, change_classes(lm, [threshold]), 0, threshold > 0), out)


def choose_pruning(
    arpa: str | Path,
    dev: str | Path,
    thresholds: list[float],
    max_increase: float,
    out: Path,
    lm: CompactArpa | None = None,
    whole: float | None = None,
) -> dict:
    """The largest threshold whose pruned LM's dev perplexity is within `max_increase` (relative) of the whole
    LM's (`whole`, else measured); that LM is written to `out`. Each n-gram's perplexity change is computed
    once for all thresholds. The record: each threshold's dev perplexity and n-grams."""
    sentences = _dev_sentences(dev)
    whole = perplexity(arpa, sentences)["ppl"] if whole is None else whole
    lm = lm or CompactArpa(arpa)
    grid, sizes, best = {"0": whole}, {"0": arpa_ngram_count(arpa)}, None
    thresholds = sorted(thresholds)
    classes = change_classes(lm, thresholds)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        for index, threshold in enumerate(thresholds):
            candidate = Path(tmp) / f"{threshold}.arpa"
            sizes[str(threshold)] = sum(write_arpa(lm, *prune(lm, classes, index, threshold > 0), candidate).values())
            grid[str(threshold)] = perplexity(candidate, sentences)["ppl"]
            if grid[str(threshold)] <= whole * (1 + max_increase):
                best = threshold
                os.replace(candidate, Path(tmp) / "best.arpa")
        if best is None:
            _copy(arpa, out)
        else:
            os.replace(Path(tmp) / "best.arpa", out)
    choice = str(best) if best is not None else "0"
    return {
        **choice_record("dev_ppl", "largest threshold within max_ppl_increase", grid, choice),
        "ngrams": sizes,
        "dev_ppl_whole": whole,
    }


def _dev_sentences(dev: str | Path) -> list[str]:
    sentences = [s for s in read_lines(dev) if s.strip()]
    if not sentences:
        raise InputError(f"{dev}: no dev sentences to choose the pruning threshold on")
    return sentences


def export(
    arpa: str | Path,
    binary: str | Path,
    ctc_lexicon: str | Path,
    tokens: list[str],
    dev: str | Path,
    out_dir: str | Path,
    thresholds: list[float],
    max_increase: float,
) -> dict:
    """Every file of FILES in out_dir, and out_dir/export.json naming each file's consumer and the pruning
    choice."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _copy(arpa, out / "lm.arpa")
    _copy(binary, out / "lm.bin")
    _copy(ctc_lexicon, out / "lexicon.txt")
    write_lines(out / "tokens.txt", tokens)
    write_lines(out / "unigrams.txt", arpa_vocabulary(arpa))
    whole = perplexity(arpa, _dev_sentences(dev))["ppl"]  # KenLM's copy of the LM gone before the arrays come
    lm = CompactArpa(arpa)
    grammar_fst(arpa, out, lm)
    pruning = choose_pruning(arpa, dev, thresholds, max_increase, out / "pruned.arpa", lm, whole)
    write_json(out / "export.json", {"files": FILES, "pruning": pruning})
    return {"pruned": pruning["choice"], "ngrams": pruning["ngrams"]}
