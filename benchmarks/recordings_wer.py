"""Both first-pass recognizers on real recordings: Debian's pocketsphinx-testdata (5 LibriVox sentences, 5
card names; 92 words) decoded by PocketSphinx and by the CTC recognizer with one LM not built from their
transcripts, each with the weights it chose on that LM's own dev set (its sphinx/ctc result JSON).

    .venv/bin/python benchmarks/recordings_wer.py --lm models/clinc-es-en-short/lm/mix-general \
        --results data/clinc-es-en-short/asr --out benchmarks/recordings/wer.json

Needs the LM's PocketSphinx dictionary (models/<run>/asr/<lm>.dict) and CTC lexicon (<lm>.ctc.lexicon),
which `snakemake wer` makes.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from lmboot.asr.ctc import Decoder, emissions, load_emissions
from lmboot.asr.speech import DEBIAN_RECORDINGS, debian_recordings
from lmboot.asr.sphinx import sphinx_decode
from lmboot.asr.wer import corpus_errors, wer
from lmboot.data.corpus import write_json, write_lines
from lmboot.lm.kenlm import arpa_vocabulary


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lm", required=True, help="LM path prefix: <lm>.arpa, <lm>.bin")
    p.add_argument("--results", required=True, help="data/<run>/asr: sphinx/<name>.json and ctc/<name>.json")
    p.add_argument("--out", default="benchmarks/recordings/wer.json")
    a = p.parse_args()
    if not DEBIAN_RECORDINGS.is_dir():
        sys.exit(f"{DEBIAN_RECORDINGS}: not found (apt install pocketsphinx-testdata; make setup does)")
    lm, name = Path(a.lm), Path(a.lm).name
    models = lm.parent.parent / "asr"
    rows = debian_recordings()
    refs, wavs = [t for _, t in rows], [w for w, _ in rows]
    vocabulary = set(arpa_vocabulary(f"{lm}.arpa"))
    oov = sorted({w for t in refs for w in t.split() if w not in vocabulary})
    sphinx = json.loads((Path(a.results) / "sphinx" / f"{name}.json").read_text())
    ctc = json.loads((Path(a.results) / "ctc" / f"{name}.json").read_text())
    out = {"lm": str(lm), "utterances": len(rows), "words": sum(len(t.split()) for t in refs), "oov": oov}
    start = time.perf_counter()
    hyps = sphinx_decode(wavs, f"{lm}.arpa", models / f"{name}.dict", sphinx["lw"], threads=2)["hyps"]
    out["pocketsphinx"] = {
        "lw": sphinx["lw"],
        "wer": wer(corpus_errors(refs, hyps)),
        "hyps": hyps,
        "seconds": time.perf_counter() - start,
    }
    with tempfile.TemporaryDirectory() as tmp:
        manifest = Path(tmp) / "manifest.tsv"
        write_lines(manifest, [f"{i}\trecording\t{w}\t{t}" for i, (w, t) in enumerate(rows)])
        start = time.perf_counter()
        emissions(manifest, Path(tmp) / "e.npz")
        units, emitted = load_emissions(Path(tmp) / "e.npz")
        hyps = Decoder(units["tokens"], models / f"{name}.ctc.lexicon", f"{lm}.bin", ctc["beam"]).decode(
            emitted, ctc["lm_weight"], ctc["word_score"]
        )
    out["ctc"] = {
        "lm_weight": ctc["lm_weight"],
        "word_score": ctc["word_score"],
        "wer": wer(corpus_errors(refs, hyps)),
        "hyps": hyps,
        "seconds": time.perf_counter() - start,
    }
    write_json(a.out, out)
    print(json.dumps({k: (v["wer"] if isinstance(v, dict) else v) for k, v in out.items()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
