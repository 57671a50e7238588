"""KenLM n-gram models: lmplz/build_binary wrappers, ARPA reading, and perplexity (KenLM's own, and over a
common vocabulary, so that LMs of different vocabularies compare). ARPA files read into arrays: arpa.py; mixing
models: lm_mix.py."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lmboot.data.corpus import atomic_write, iter_lines
from lmboot.errors import InputError
from lmboot.schema import default


def kenlm_tool(name: str) -> str:
    """Path of lmplz/build_binary: on PATH, or beside this Python (make setup builds them into .venv/bin)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise InputError(f"{name}: KenLM tool not found on PATH or in {Path(sys.executable).parent} (run `make setup`)")
    return found


def build_arpa(
    text: str | Path,
    arpa: str | Path,
    order: int = default("lm.order"),
    memory: str = "1G",
    limit_vocab: str | Path | None = None,
    prune: int = 0,
) -> None:
    """Estimate a modified Kneser-Ney ARPA model with lmplz (--discount_fallback: small data); with
    limit_vocab (a file of words), n-grams holding other words are left out; with prune t > 0, n-grams of
    order 2 and up seen at most t times (lmplz --prune 0 t)."""
    if not any(line.strip() for line in iter_lines(text)):
        raise InputError(f"{text}: no text to build a language model from")
    arpa = Path(arpa)
    with (
        tempfile.TemporaryDirectory(dir=arpa.parent if arpa.parent.exists() else None) as tmp,
        open(text, "rb") as fin,
        atomic_write(arpa, "wb") as fout,
    ):
        limit = ["--limit_vocab_file", str(limit_vocab)] if limit_vocab else []
        limit += ["--prune", "0", str(prune)] if prune and order > 1 else []
        run = subprocess.run(
            [kenlm_tool("lmplz"), "-o", str(order), "-S", memory, "-T", tmp, "--discount_fallback", *limit],
            stdin=fin,
            stdout=fout,
            stderr=subprocess.PIPE,
        )
        if run.returncode:
            raise RuntimeError(f"lmplz failed on {text}: {run.stderr.decode(errors='replace')[-2000:]}")


def build_binary(arpa: str | Path, binary: str | Path) -> None:
    binary = Path(binary)
    tmp = binary.with_name(f".{binary.name}.tmp")
    subprocess.run([kenlm_tool("build_binary"), str(arpa), str(tmp)], check=True, capture_output=True)
    tmp.replace(binary)


def load_model(path: str | Path):
    """A kenlm.Model (ARPA or binary); a missing or unreadable file is an InputError naming it."""
    import kenlm

    if not Path(path).is_file():
        raise InputError(f"{path}: language model file not found")
    try:
        return kenlm.Model(str(path))
    except OSError as e:
        raise InputError(f"{path}: not a KenLM model ({str(e).splitlines()[0]})") from None


def log10_per_word(model, text: str) -> float:
    """A sentence's log10 probability per word (</s> counted as a word) under a kenlm.Model: the one per-word
    LM score that rescoring, the LM filter and Moore-Lewis selection share."""
    return model.score(text, bos=True, eos=True) / (len(text.split()) + 1)


def arpa_ngram_count(arpa: str | Path) -> int:
    """How many n-grams an ARPA file's header declares, all orders together."""
    total = 0
    for line in iter_lines(arpa):
        if line.startswith("ngram "):
            total += int(line.partition("=")[2])
        elif line.startswith("\\1-grams:"):
            return total
    raise InputError(f"{arpa}: not an ARPA file (no \\1-grams: section)")


def arpa_vocabulary(arpa: str | Path) -> list[str]:
    """The words of an ARPA LM's unigram section (sentence markers and <unk> left out)."""
    words, inside = [], False
    for line in iter_lines(arpa):
        if line.startswith("\\1-grams:"):
            inside = True
        elif inside and line.startswith("\\"):
            break
        elif inside and line.strip():
            word = line.split("\t")[1]
            if word not in ("<s>", "</s>", "<unk>"):
                words.append(word)
    return words


def perplexity(
    model_path: str | Path, sentences: list[str], vocabulary: set[str] | None = None, per_sentence: bool = False
) -> dict:
    """Corpus perplexity over words and </s> (OOVs scored as <unk>, as KenLM does), the perplexity
    over in-vocabulary tokens only, and the OOV rate over words.

    With a common `vocabulary` (the union of the compared LMs' words) also `ppl_common`, comparable across
    LMs of different vocabularies: a word of the common vocabulary that this LM lacks costs p(<unk>) / k,
    k being how many common words it lacks (<unk>'s mass shared among them, as KenLM's --vocab_pad does),
    and words outside the common vocabulary are left out for every LM (`common_oov_rate`).

    With `per_sentence`, `sentence_costs`: each sentence's [-log10 p, tokens] of the perplexity that
    compares LMs (ppl_common with a vocabulary, else ppl), for bootstrap tests over sentences."""
    model = load_model(model_path)
    unk_share = 0.0
    if vocabulary is not None:
        lacking = sum(w not in model for w in vocabulary)
        unk_share = math.log10(lacking) if lacking else 0.0
    total = total_iv = total_common = 0.0
    tokens = iv_tokens = common_tokens = words = oov = common_oov = 0
    costs = []
    for sentence in sentences:
        before = (total_common, common_tokens) if vocabulary is not None else (total, tokens)
        split = sentence.split()
        for i, (logprob, _, is_oov) in enumerate(model.full_scores(sentence, bos=True, eos=True)):
            total += logprob
            tokens += 1
            if not is_oov:
                total_iv += logprob
                iv_tokens += 1
            if vocabulary is not None and (i == len(split) or split[i] in vocabulary):
                total_common += logprob - unk_share if is_oov else logprob
                common_tokens += 1
        words += len(split)
        oov += sum(w not in model for w in split)
        if vocabulary is not None:
            common_oov += sum(w not in vocabulary for w in split)
        after = (total_common, common_tokens) if vocabulary is not None else (total, tokens)
        costs.append([before[0] - after[0], after[1] - before[1]])
    result = {
        "ppl": 10 ** (-total / tokens),
        "ppl_in_vocab": 10 ** (-total_iv / max(iv_tokens, 1)),
        "oov_rate": oov / max(words, 1),
        "words": words,
        "sentences": len(sentences),
    }
    if vocabulary is not None:
        result.update(
            ppl_common=10 ** (-total_common / max(common_tokens, 1)),
            common_oov_rate=common_oov / max(words, 1),
            common_vocabulary=len(vocabulary),
        )
    if per_sentence:
        result["sentence_costs"] = costs
    return result


def common_vocabulary(arpas: list[str | Path]) -> set[str]:
    """The union of the words of ARPA LMs: the vocabulary their perplexities are compared over."""
    return set().union(*(arpa_vocabulary(path) for path in arpas))


def sentence_events(sentence: str, order: int):
    """(word, context) for each word of a sentence and its </s>, contexts starting with <s>."""
    words = ["<s>"] + sentence.split() + ["</s>"]
    for i in range(1, len(words)):
        yield words[i], tuple(words[max(0, i - order + 1) : i])


def build_lm(text: str | Path, out_prefix: str | Path, order: int = default("lm.order")) -> None:
    """out_prefix.arpa and out_prefix.bin from a text file."""
    build_arpa(text, f"{out_prefix}.arpa", order)
    build_binary(f"{out_prefix}.arpa", f"{out_prefix}.bin")
