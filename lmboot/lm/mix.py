"""Linear interpolation of any number of back-off n-gram models into one ARPA: weights by EM on dev
(SRILM's compute-best-mix; KenLM has none) or the seed's given, the mixture written as one back-off
model (SRILM's ngram -mix-lm) with its binary and the weights."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from lmboot.data.corpus import atomic_write, iter_lines, write_json
from lmboot.errors import InputError
from lmboot.lm.arpa import LOG10_ZERO, ArpaModel, Ngrams
from lmboot.lm.kenlm import build_binary, perplexity, sentence_events
from lmboot.schema import default


def dev_probabilities(models: list[ArpaModel], dev_lines: list[str]):
    """Per-token probabilities (tokens x models) of the dev words and </s>; a word unknown to every model
    gets each model's <unk> probability, so that candidates compare over the same tokens."""
    order = max(m.order for m in models)
    events = [event for line in dev_lines for event in sentence_events(line, order)]
    if not events:
        raise InputError("dev: no dev text to estimate mixture weights on")
    probs = np.empty((len(events), len(models)))
    for j, m in enumerate(models):
        known = np.array([word in m.vocab for word, _ in events])
        probs[:, j] = np.where(known, np.power(10.0, m.logprobs(events)), 0.0)
    unknown = ~probs.any(axis=1)
    unk = [m.explicit(("<unk>",)) for m in models]
    probs[unknown] = [10 ** (LOG10_ZERO if p is None else p) for p in unk]
    return probs


def em_weights(models: list[ArpaModel], dev_lines: list[str], iterations: int = 200, tol: float = 1e-7) -> list[float]:
    """Mixture weights that maximize dev likelihood (EM, as SRILM's compute-best-mix)."""
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
    probs = dev_probabilities(models, dev_lines) @ np.asarray(weights)
    return float(np.exp(-np.log(probs).mean()))


CHUNK = 1 << 20  # n-grams looked up at a time: bounds the temporary arrays of a lookup


def _log10(p: np.ndarray) -> np.ndarray:
    return np.where(p > 0, np.log10(np.where(p > 0, p, 1.0)), LOG10_ZERO)


def _in_chunks(function, ids: np.ndarray) -> np.ndarray:
    return np.concatenate([function(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)] or [np.empty(0)])


def union_vocabulary(models: list[ArpaModel]) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    """The sorted union of the models' words (so that n-grams sort as their words do) and, per model, the
    model's word id of each union word (-1 where it lacks it) and the union id of each of its words."""
    words = sorted(set().union(*(m.words for m in models)))
    union_id = {w: i for i, w in enumerate(words)}
    own, to_union = [], []
    for m in models:
        ids = np.array([union_id[w] for w in m.words], dtype=np.int64)
        own.append(np.full(len(words), -1, dtype=np.int64))
        own[-1][ids] = np.arange(len(m.words))
        to_union.append(ids)
    return words, own, to_union


def _union_grams(mixed: Ngrams, models: list[ArpaModel], to_union: list[np.ndarray], n: int) -> np.ndarray:
    """The n-grams of order n that any model has, as union word ids, sorted by their words."""
    keys = []
    for m, ids in zip(models, to_union):
        if m.order < n:
            continue
        grams = ids[m.grams[n]]
        keys.append(grams[:, 0] if n == 1 else mixed.find(grams[:, :-1]) * mixed.V + grams[:, -1])
    keys = np.unique(np.concatenate(keys))
    if n == 1:
        return keys[:, None].astype(np.int32)
    return np.hstack([mixed.grams[n - 1][keys // mixed.V], (keys % mixed.V)[:, None].astype(np.int32)])


def mix_arpa(models: list[ArpaModel], weights: list[float], out_arpa: str | Path) -> None:
    """Write one back-off ARPA approximating sum_i w_i p_i: explicit n-grams are the union, their
    probabilities the exact mixture; back-off weights are recomputed so every context normalizes. Held in
    arrays order by order (lookups CHUNK n-grams at a time): memory grows with the union's n-grams, some
    140 bytes each, never with Python objects per n-gram."""
    if abs(sum(weights) - 1) > 1e-6 or any(w < 0 for w in weights):
        raise InputError(f"lm.weights: mixture weights must be non-negative and sum to 1 (got {weights})")
    order = max(m.order for m in models)
    words, own, to_union = union_vocabulary(models)
    mixed = Ngrams(len(words))
    bos = words.index("<s>") if "<s>" in words else -1
    for n in range(1, order + 1):
        grams = _union_grams(mixed, models, to_union, n)
        p = np.zeros(len(grams))
        for w, m, ids in zip(weights, models, own):
            p += w * np.power(10.0, _in_chunks(lambda g: m.logprob_batch(ids[g]), grams))
        prob = np.where(grams[:, -1] == bos, LOG10_ZERO, _log10(p))
        mixed.add_order(n, grams, prob, np.zeros(len(grams)), np.zeros(len(grams), dtype=bool))
        if n > 1:
            _backoff_weights(mixed, n - 1)
    with atomic_write(out_arpa) as f:
        f.write("\\data\\\n" + "".join(f"ngram {n}={len(mixed.prob[n])}\n" for n in range(1, order + 1)))
        for n in range(1, order + 1):
            f.write(f"\n\\{n}-grams:\n")
            _write_section(f, mixed, words, n, with_bow=n < order)
        f.write("\n\\end\\\n")


def _backoff_weights(mixed: Ngrams, n: int) -> None:
    """Back-off weight of each context h of order n that has explicit children in order n + 1:
    (1 - sum of their p(w|h)) / (1 - sum of p(w|h') for the same w), h' being h less its first word."""
    children = mixed.grams[n + 1]
    context = mixed.keys[n + 1] // mixed.V  # the union's rows are in key order: a key is context row x V + word
    live = mixed.prob[n + 1] > LOG10_ZERO
    seen = np.bincount(context[live], weights=np.power(10.0, mixed.prob[n + 1][live]), minlength=len(mixed.prob[n]))
    lower_p = _in_chunks(mixed.logprob_batch, children[live][:, 1:])
    lower = np.bincount(context[live], weights=np.power(10.0, lower_p), minlength=len(mixed.prob[n]))
    has = np.bincount(context, minlength=len(mixed.prob[n])) > 0
    bow = np.log10(np.maximum(1.0 - seen, 1e-12)) - np.log10(np.maximum(1.0 - lower, 1e-12))
    mixed.bow[n][:] = np.where(has, bow, 0.0)
    mixed.has_bow[n][:] = has


def _write_section(f, mixed: Ngrams, words: list[str], n: int, with_bow: bool, lines: int = 1 << 16) -> None:
    for lo in range(0, len(mixed.prob[n]), lines):
        grams = mixed.grams[n][lo : lo + lines].tolist()
        probs = mixed.prob[n][lo : lo + lines].tolist()
        bows = mixed.bow[n][lo : lo + lines].tolist()
        has = mixed.has_bow[n][lo : lo + lines].tolist() if with_bow else [False] * len(probs)
        f.write(
            "".join(
                f"{p:.6f}\t{' '.join([words[i] for i in g])}" + (f"\t{b:.6f}\n" if h else "\n")
                for g, p, b, h in zip(grams, probs, bows, has)
            )
        )


def interpolate(
    models: list[ArpaModel], dev_lines: list[str], seed_weight: float | str, out_arpa: str | Path
) -> list[float]:
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


def build_mix(
    components: dict[str, str | Path],
    dev: str | Path,
    out_prefix: str | Path,
    seed_weight: float | str = default("lm.seed_weight"),
) -> dict:
    """Interpolate named ARPA LMs (the first is the seed) into out_prefix.{arpa,bin}; the weights by name,
    how they were set and the exact mixture's dev perplexity in out_prefix.json."""
    if len(components) < 2:
        raise InputError(f"mix: needs the seed and at least one other LM (got {', '.join(components) or 'none'})")
    models = [ArpaModel(path) for path in components.values()]
    dev_lines = [line for line in iter_lines(dev) if line.strip()]
    weights = interpolate(models, dev_lines, seed_weight, f"{out_prefix}.arpa")
    build_binary(f"{out_prefix}.arpa", f"{out_prefix}.bin")
    info = {
        "weights": dict(zip(components, weights)),
        "method": "em" if seed_weight == "em" else "fixed",
        "dev_perplexity": mixture_perplexity(models, weights, dev_lines),
    }
    write_json(f"{out_prefix}.json", info)
    return info


def mixed_dev_perplexity(
    seed: ArpaModel,
    candidate_arpa: str | Path,
    dev_lines: list[str],
    seed_weight: float | str,
    vocabulary: set[str] | None = None,
) -> dict:
    """evaluate's perplexity figures on dev of the LM a candidate component makes with the seed, as that LM is
    built (interpolate, one back-off ARPA): what the LM filter's cut, the vocabulary cut and k are tuned on."""
    with tempfile.TemporaryDirectory() as tmp:
        interpolate([seed, ArpaModel(candidate_arpa)], dev_lines, seed_weight, f"{tmp}/mix.arpa")
        return perplexity(f"{tmp}/mix.arpa", dev_lines, vocabulary)
