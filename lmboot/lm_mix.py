"""Linear interpolation of any number of back-off n-gram models into one ARPA: weights by EM on dev
(SRILM's compute-best-mix; KenLM has none) or the seed's given, the mixture written as one back-off
model (SRILM's ngram -mix-lm) with its binary and the weights."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from lmboot.config import default
from lmboot.corpus import atomic_write, iter_lines, write_json
from lmboot.errors import InputError
from lmboot.lm import LOG10_ZERO, ArpaModel, build_binary, perplexity, sentence_events


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
              seed_weight: float | str = default("lm.seed_weight")) -> dict:
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


def mixed_dev_perplexity(seed: ArpaModel, candidate_arpa: str | Path, dev_lines: list[str], seed_weight: float | str,
                         vocabulary: set[str] | None = None) -> dict:
    """evaluate's perplexity figures on dev of the LM a candidate component makes with the seed, as that LM is
    built (interpolate, one back-off ARPA): what the LM filter's cut, the vocabulary cut and k are tuned on."""
    with tempfile.TemporaryDirectory() as tmp:
        interpolate([seed, ArpaModel(candidate_arpa)], dev_lines, seed_weight, f"{tmp}/mix.arpa")
        return perplexity(f"{tmp}/mix.arpa", dev_lines, vocabulary)
