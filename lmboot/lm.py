"""KenLM n-gram models: lmplz/build_binary wrappers, ARPA reading, scoring, and linear interpolation of
any number of back-off models into one ARPA, with weights estimated by EM on dev (like SRILM's
compute-best-mix + ngram -mix-lm) or the seed's given."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lmboot.corpus import atomic_write, iter_lines, write_json
from lmboot.errors import InputError

LOG10_ZERO = -99.0  # what ARPA files use for log10(0)


def kenlm_tool(name: str) -> str:
    """Path of lmplz/build_binary: on PATH, or beside this Python (make setup builds them into .venv/bin)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise InputError(f"{name}: KenLM tool not found on PATH or in {Path(sys.executable).parent} (run `make setup`)")
    return found


def build_arpa(text: str | Path, arpa: str | Path, order: int = 3, memory: str = "1G",
               limit_vocab: str | Path | None = None) -> None:
    """Estimate a modified Kneser-Ney ARPA model with lmplz (--discount_fallback: small data); with
    limit_vocab (a file of words), n-grams holding other words are left out."""
    if not any(line.strip() for line in iter_lines(text)):
        raise InputError(f"{text}: no text to build a language model from")
    arpa = Path(arpa)
    with tempfile.TemporaryDirectory(dir=arpa.parent if arpa.parent.exists() else None) as tmp, \
            open(text, "rb") as fin, atomic_write(arpa, "wb") as fout:
        limit = ["--limit_vocab_file", str(limit_vocab)] if limit_vocab else []
        run = subprocess.run([kenlm_tool("lmplz"), "-o", str(order), "-S", memory, "-T", tmp,
                              "--discount_fallback", *limit], stdin=fin, stdout=fout, stderr=subprocess.PIPE)
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


class ArpaModel:
    """A back-off n-gram model held in dicts: prob[ngram] = log10 p, bow[context] = log10 back-off."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.prob: dict[tuple[str, ...], float] = {}
        self.bow: dict[tuple[str, ...], float] = {}
        self.order = 0
        section = 0
        for line in iter_lines(path):
            if not line or line.startswith("\\data\\") or line.startswith("ngram "):
                continue
            if line.startswith("\\") and line.endswith("-grams:"):
                section = int(line[1:line.index("-")])
                self.order = max(self.order, section)
                continue
            if line == "\\end\\" or section == 0:
                continue
            cells = line.split("\t")
            ngram = tuple(cells[1].split(" "))
            self.prob[ngram] = float(cells[0])
            if len(cells) > 2:
                self.bow[ngram] = float(cells[2])
        if not self.prob:
            raise InputError(f"{path}: no n-grams found (not an ARPA file?)")
        self.vocab = {ng[0] for ng in self.prob if len(ng) == 1}

    def logprob(self, word: str, context: tuple[str, ...]) -> float:
        """log10 p(word | context) with back-off; LOG10_ZERO for a word outside the vocabulary."""
        if word not in self.vocab:
            return LOG10_ZERO
        context = context[len(context) - self.order + 1:] if self.order > 1 else ()
        backoff = 0.0
        while True:
            ngram = context + (word,)
            if ngram in self.prob:
                return self.prob[ngram] + backoff
            backoff += self.bow.get(context, 0.0)
            context = context[1:]


def sentence_events(sentence: str, order: int):
    """(word, context) for each word of a sentence and its </s>, contexts starting with <s>."""
    words = ["<s>"] + sentence.split() + ["</s>"]
    for i in range(1, len(words)):
        yield words[i], tuple(words[max(0, i - order + 1):i])


def dev_probabilities(models: list[ArpaModel], dev_lines: list[str]):
    """Per-token probabilities (tokens x models) of the dev words and </s>; a word unknown to every model
    gets each model's <unk> probability, so that candidates compare over the same tokens."""
    import numpy as np

    order = max(m.order for m in models)
    rows = []
    for line in dev_lines:
        for word, context in sentence_events(line, order):
            p = [10 ** m.logprob(word, context) if word in m.vocab else 0.0 for m in models]
            if not any(p):
                p = [10 ** m.prob.get(("<unk>",), LOG10_ZERO) for m in models]
            rows.append(p)
    if not rows:
        raise InputError("dev: no dev text to estimate mixture weights on")
    return np.array(rows)


def em_weights(models: list[ArpaModel], dev_lines: list[str], iterations: int = 200, tol: float = 1e-7) -> list[float]:
    """Mixture weights that maximize dev likelihood (EM, as SRILM's compute-best-mix)."""
    import numpy as np

    probs = dev_probabilities(models, dev_lines)
    weights = np.full(len(models), 1.0 / len(models))
    for _ in range(iterations):
        posterior = probs * weights
        posterior /= posterior.sum(axis=1, keepdims=True)
        new = posterior.mean(axis=0)
        done = np.abs(new - weights).max() < tol
        weights = new
        if done:
            break
    return weights.tolist()


def mixture_perplexity(models: list[ArpaModel], weights: list[float], dev_lines: list[str]) -> float:
    """Perplexity of the exact linear mixture on dev (tokens as in dev_probabilities)."""
    import numpy as np

    probs = dev_probabilities(models, dev_lines) @ np.asarray(weights)
    return float(np.exp(-np.log(probs).mean()))


def _log10(x: float) -> float:
    return math.log10(x) if x > 0 else LOG10_ZERO


def mix_arpa(models: list[ArpaModel], weights: list[float], out_arpa: str | Path) -> None:
    """Write one back-off ARPA approximating sum_i w_i p_i: explicit n-grams are the union, their
    probabilities the exact mixture; back-off weights are recomputed so every context normalizes."""
    if abs(sum(weights) - 1) > 1e-6 or any(w < 0 for w in weights):
        raise InputError(f"lm.weights: mixture weights must be non-negative and sum to 1 (got {weights})")
    order = max(m.order for m in models)
    ngrams = sorted(set().union(*(m.prob for m in models)), key=lambda ng: (len(ng), ng))
    mixed: dict[tuple[str, ...], float] = {}

    def mixed_logprob(ngram):  # the mixed model's own back-off estimate, from lower orders
        if ngram in mixed:
            return mixed[ngram]
        return bows.get(ngram[:-1], 0.0) + mixed_logprob(ngram[1:])

    for ngram in ngrams:
        if ngram[-1] == "<s>":
            mixed[ngram] = LOG10_ZERO
            continue
        p = sum(w * 10 ** m.logprob(ngram[-1], ngram[:-1]) for w, m in zip(weights, models))
        mixed[ngram] = _log10(p)
    # back-off weight of a context h: (1 - sum of explicit p(w|h)) / (1 - sum of p(w|h') for the same w)
    explicit: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for ngram in ngrams:
        if len(ngram) > 1:
            explicit.setdefault(ngram[:-1], []).append(ngram)
    bows: dict[tuple[str, ...], float] = {}
    for n in range(1, order):  # contexts of length n, needing lower-order bows first
        for context in (ng for ng in ngrams if len(ng) == n):
            children = explicit.get(context)
            if not children:
                continue
            seen = sum(10 ** mixed[ng] for ng in children if mixed[ng] > LOG10_ZERO)
            lower = sum(10 ** mixed_logprob(ng[1:]) for ng in children if mixed[ng] > LOG10_ZERO)
            bows[context] = _log10(max(1.0 - seen, 1e-12)) - _log10(max(1.0 - lower, 1e-12))
    with atomic_write(out_arpa) as f:
        counts = [sum(1 for ng in ngrams if len(ng) == n) for n in range(1, order + 1)]
        f.write("\\data\\\n" + "".join(f"ngram {n}={c}\n" for n, c in enumerate(counts, 1)))
        for n in range(1, order + 1):
            f.write(f"\n\\{n}-grams:\n")
            for ngram in (ng for ng in ngrams if len(ng) == n):
                bow = f"\t{bows[ngram]:.6f}" if ngram in bows and n < order else ""
                f.write(f"{mixed[ngram]:.6f}\t{' '.join(ngram)}{bow}\n")
        f.write("\n\\end\\\n")


def build_lm(text: str | Path, out_prefix: str | Path, order: int = 3) -> None:
    """out_prefix.arpa and out_prefix.bin from a text file."""
    build_arpa(text, f"{out_prefix}.arpa", order)
    build_binary(f"{out_prefix}.arpa", f"{out_prefix}.bin")


def interpolate(models: list[ArpaModel], dev_lines: list[str], seed_weight: float | str, out_arpa: str | Path) -> list[float]:
    """Write the linear mixture of [seed, other, ...] as one ARPA; returns the weights. seed_weight "em":
    every weight by EM on dev (N components, as SRILM's compute-best-mix); a number: the seed's weight,
    the others share the rest in the proportions EM gives them on dev. What the final LM is, so what the
    LM filter and the vocabulary cut are tuned on."""
    if seed_weight == "em":
        weights = em_weights(models, dev_lines)
    else:
        others = em_weights(models[1:], dev_lines) if len(models) > 2 else [1.0]
        weights = [float(seed_weight)] + [(1.0 - float(seed_weight)) * w for w in others]
    mix_arpa(models, weights, out_arpa)
    return weights


def build_mix(components: dict[str, str | Path], dev: str | Path, out_prefix: str | Path,
              seed_weight: float | str = "em") -> dict:
    """Interpolate named ARPA LMs (the first is the seed) into out_prefix.{arpa,bin}; the weights by name,
    how they were set and the exact mixture's dev perplexity in out_prefix.json."""
    if len(components) < 2:
        raise InputError(f"mix: needs the seed and at least one other LM (got {', '.join(components) or 'none'})")
    models = [ArpaModel(path) for path in components.values()]
    dev_lines = [line for line in iter_lines(dev) if line.strip()]
    weights = interpolate(models, dev_lines, seed_weight, f"{out_prefix}.arpa")
    build_binary(f"{out_prefix}.arpa", f"{out_prefix}.bin")
    info = {"weights": dict(zip(components, weights)),
            "method": "em" if seed_weight == "em" else "fixed",
            "dev_perplexity": mixture_perplexity(models, weights, dev_lines)}
    write_json(f"{out_prefix}.json", info)
    return info
