"""Larger corpora from a real one, for the scale benchmark: sentences sampled from an interpolated
Witten-Bell trigram model of the real text (each word drawn from its two-word context's observed
followers, or, with the context's back-off probability T / (C + T), from the one-word context's, then from
all words). Back-off makes new bigrams and trigrams, so the n-gram count keeps growing with the corpus as
in real text (plain repetition adds none). The source and target sides are sampled from models of their
own sides, independently: the pairs are not translations of each other. They measure time and memory,
not quality.

    .venv/bin/python benchmarks/ngram_sampler.py --src real.src --tgt real.tgt --lines 10000000 --out big
    .venv/bin/python benchmarks/ngram_sampler.py ... --lines 3000000 --tsv data/scale/general-3M.tsv

With --tsv, the pairs go to one TSV with a header (src, tgt columns), as a general corpus a config names.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lmboot.data.corpus import iter_lines  # noqa: E402


class TrigramSampler:
    def __init__(self, lines, seed: int):
        followers = {2: defaultdict(list), 1: defaultdict(list)}
        self.words = []
        for line in lines:
            w = ["<s>", "<s>"] + line.split() + ["</s>"]
            for i in range(2, len(w)):
                followers[2][(w[i - 2], w[i - 1])].append(w[i])
                followers[1][w[i - 1]].append(w[i])
                self.words.append(w[i])
        # a context's back-off probability T / (C + T), T its distinct followers, C their count
        self.tri = {h: (f, len(set(f)) / (len(f) + len(set(f)))) for h, f in followers[2].items()}
        self.bi = {h: (f, len(set(f)) / (len(f) + len(set(f)))) for h, f in followers[1].items()}
        self.random = random.Random(seed)

    def sentence(self, max_words: int = 40) -> str:
        rand, choice = self.random.random, self.random.choice
        a, b, out = "<s>", "<s>", []
        while len(out) < max_words:
            tri = self.tri.get((a, b))
            if tri and rand() >= tri[1]:
                w = choice(tri[0])
            else:
                bi = self.bi.get(b)
                w = choice(bi[0]) if bi and rand() >= bi[1] else choice(self.words)
            if w == "</s>":
                if out:
                    break
                continue
            out.append(w)
            a, b = b, w
        return " ".join(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", required=True)
    p.add_argument("--tgt", required=True)
    p.add_argument("--lines", type=int, required=True, help="pairs in all: the real ones first, then sampled")
    p.add_argument("--out", help="writes OUT.src and OUT.tgt")
    p.add_argument("--tsv", help="writes the pairs to this TSV (columns src, tgt) instead")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if not (a.out or a.tsv):
        p.error("give --out or --tsv")
    sides = {}
    for side, path in (("src", a.src), ("tgt", a.tgt)):
        real = list(iter_lines(path))
        sides[side] = (real, TrigramSampler(real, a.seed + (side == "tgt")))
    if a.tsv:
        Path(a.tsv).parent.mkdir(parents=True, exist_ok=True)
        with open(f"{a.tsv}.tmp", "w", encoding="utf-8") as f:
            f.write("src\ttgt\n")
            for src, tgt in zip(lines(*sides["src"], a.lines), lines(*sides["tgt"], a.lines)):
                f.write(f"{src}\t{tgt}\n")
        Path(f"{a.tsv}.tmp").replace(a.tsv)
        return 0
    for side, (real, sampler) in sides.items():
        with open(f"{a.out}.{side}.tmp", "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines(real, sampler, a.lines))
        Path(f"{a.out}.{side}.tmp").replace(f"{a.out}.{side}")
    return 0


def lines(real: list[str], sampler: TrigramSampler, n: int):
    """The real lines, then sampled ones: n in all."""
    yield from real[:n]
    for _ in range(n - len(real)):
        yield sampler.sentence()


if __name__ == "__main__":
    sys.exit(main())
