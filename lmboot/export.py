"""Export an LM in the forms its consumers load: the ARPA and KenLM binary (KenLM, flashlight-text,
pyctcdecode), a CTC lexicon and tokens file (flashlight-text's lexicon decoder), a unigram
list (pyctcdecode), words.txt and G.fst (Kaldi, k2, sherpa: the grammar FST with #0 on back-off arcs), and
an entropy-pruned ARPA for first-pass decoders, its threshold chosen on dev perplexity."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lmboot.choose import choice_record
from lmboot.corpus import atomic_write, iter_lines, read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm import arpa_ngram_count, arpa_vocabulary, perplexity

FILES = {  # file: what loads it
    "lm.arpa": "KenLM, pyctcdecode, kaldilm, any ARPA reader",
    "lm.bin": "KenLM, flashlight-text (KenLM(path, dictionary))",
    "lexicon.txt": "flashlight-text's lexicon decoder (its Trie: lmboot.ctc.Decoder): word, then its tokens",
    "tokens.txt": "flashlight-text's lexicon decoder (its token Dictionary): the CTC model's output tokens in order",
    "unigrams.txt": "pyctcdecode build_ctcdecoder(unigrams=)",
    "words.txt": "Kaldi / k2 / sherpa: the word symbol table of G.fst",
    "G.fst": "Kaldi / k2 / sherpa: the LM as an OpenFst grammar (kaldifst reads it)",
    "pruned.arpa": "first-pass decoders: the LM entropy-pruned (export.prune_thresholds, chosen on dev)",
}


def _copy(src: str | Path, dst: Path) -> None:
    with open(src, "rb") as f, atomic_write(dst, "wb") as out:
        shutil.copyfileobj(f, out)


def grammar_fst(arpa: str | Path, out_dir: Path) -> None:
    """words.txt and G.fst (kaldilm's arpa2fst, #0 on back-off arcs, <s> and </s> as epsilons), each
    written to a temporary name first."""
    import kaldilm

    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        kaldilm.arpa2fst(str(arpa), f"{tmp}/G.fst", disambig_symbol="#0", write_symbol_table=f"{tmp}/words.txt",
                         max_arpa_warnings=0)
        os.replace(f"{tmp}/words.txt", out_dir / "words.txt")
        os.replace(f"{tmp}/G.fst", out_dir / "G.fst")


def prune_arpa(arpa: str | Path, threshold: float, out: str | Path) -> dict:
    """SRILM-style entropy pruning (kaldingram): n-grams whose removal raises training perplexity by less than
    `threshold` (relative) go; the n-gram counts after."""
    from kaldingram.prune import ArpaParser, prune

    parser = ArpaParser()
    lm = parser.loadf(str(arpa), encoding="utf-8")[0]
    prune(lm, threshold, 2)  # unigrams stay: the vocabulary (and the lexicon) is the whole LM's
    text, counts = recounted(parser.dumps(lm))
    with atomic_write(out) as f:
        f.write(text)
    return counts


def recounted(arpa_text: str) -> tuple[str, dict[int, int]]:
    """An ARPA text with its header's counts taken from its sections and empty orders left out (after heavy
    pruning kaldingram can write a header that counts n-grams its sections no longer hold; KenLM refuses
    both that and an empty section)."""
    sections: dict[int, list[str]] = {}
    order = 0
    for line in arpa_text.splitlines():
        if line.endswith("-grams:") and line.startswith("\\"):
            order = int(line[1:].split("-")[0])
            sections[order] = []
        elif line.startswith("\\end"):
            order = 0
        elif order and line.strip():
            sections[order].append(line)
    kept = {n: lines for n, lines in sections.items() if lines}
    kept = {n: kept[n] for n in sorted(kept) if all(m in kept for m in range(1, n))}
    parts = ["", "\\data\\"] + [f"ngram {n}={len(lines)}" for n, lines in kept.items()]
    for n, lines in kept.items():
        parts += ["", f"\\{n}-grams:"] + lines
    return "\n".join(parts + ["", "\\end\\", ""]), {n: len(lines) for n, lines in kept.items()}


def choose_pruning(arpa: str | Path, dev: str | Path, thresholds: list[float], max_increase: float,
                   out: Path) -> dict:
    """The largest threshold whose pruned LM's dev perplexity is within `max_increase` (relative) of the whole
    LM's; that LM is written to `out`. The record: each threshold's dev perplexity and n-grams."""
    sentences = [s for s in read_lines(dev) if s.strip()]
    if not sentences:
        raise InputError(f"{dev}: no dev sentences to choose the pruning threshold on")
    whole = perplexity(arpa, sentences)["ppl"]
    grid, sizes, best = {"0": whole}, {"0": arpa_ngram_count(arpa)}, None
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        for threshold in sorted(thresholds):
            candidate = Path(tmp) / f"{threshold}.arpa"
            sizes[str(threshold)] = sum(prune_arpa(arpa, threshold, candidate).values())
            grid[str(threshold)] = perplexity(candidate, sentences)["ppl"]
            if grid[str(threshold)] <= whole * (1 + max_increase):
                best = threshold
                os.replace(candidate, Path(tmp) / "best.arpa")
        if best is None:
            _copy(arpa, out)
        else:
            os.replace(Path(tmp) / "best.arpa", out)
    choice = str(best) if best is not None else "0"
    return {**choice_record("dev_ppl", "largest threshold within max_ppl_increase", grid, choice),
            "ngrams": sizes, "dev_ppl_whole": whole}


def export(arpa: str | Path, binary: str | Path, ctc_lexicon: str | Path, tokens: list[str], dev: str | Path,
           out_dir: str | Path, thresholds: list[float], max_increase: float) -> dict:
    """Every file of FILES in out_dir, and out_dir/export.json naming each file's consumer and the pruning
    choice."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _copy(arpa, out / "lm.arpa")
    _copy(binary, out / "lm.bin")
    _copy(ctc_lexicon, out / "lexicon.txt")
    write_lines(out / "tokens.txt", tokens)
    write_lines(out / "unigrams.txt", arpa_vocabulary(arpa))
    grammar_fst(arpa, out)
    pruning = choose_pruning(arpa, dev, thresholds, max_increase, out / "pruned.arpa")
    write_json(out / "export.json", {"files": FILES, "pruning": pruning})
    return {"pruned": pruning["choice"], "ngrams": pruning["ngrams"]}
