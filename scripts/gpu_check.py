"""Check the translator's GPU paths on a machine with CUDA: train a small fairseq transformer on the demo
bitext with nmt.device: cuda (lmboot.translation.nmt.train), translate dev with fairseq-interactive and with
CTranslate2 on the CPU, on the GPU and with nmt.device: auto (lmboot.translation.decode.translate), and write
out_dir/gpu_check.json: what ran where, how long it took, dev chrF, and how many 1-best outputs agree
with the CPU's.

    python scripts/gpu_check.py OUT_DIR [--updates 800]

A path that fails is recorded with its error (one line) and the check goes on; the exit status is 1 if any
path failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lmboot.data.corpus import read_lines, read_pairs, write_json, write_lines  # noqa: E402
from lmboot.demo.data import generate  # noqa: E402


def demo_bitext(out: Path) -> dict:
    """es→en training pairs (the demo's general bitext) and dev pairs (its in-domain utterances)."""
    generate(out, n_in_domain=400, n_general=8000)
    train = read_pairs(
        {"format": "tsv", "path": str(out / "general.tsv"), "source_column": "spa", "target_column": "eng"}
    )
    dev = read_pairs(
        {"format": "jsonl", "path": str(out / "in_domain.jsonl"), "source_field": "es", "target_field": "en"}
    )
    files = {
        "train_src": [r["src"] for r in train],
        "train_tgt": [r["tgt"] for r in train],
        "dev_src": [r["src"] for r in dev],
        "dev_tgt": [r["tgt"] for r in dev],
    }
    for name, lines in files.items():
        write_lines(out / name, lines)
    return {name: out / name for name in files}


def timed(fn, *args, **kwargs) -> tuple[dict, object]:
    start = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
    except Exception as err:  # recorded, so that the other paths still run
        last = (str(err).strip().splitlines() or [""])[-1]
        return {
            "ok": False,
            "error": f"{type(err).__name__}: {last}",
            "seconds": round(time.perf_counter() - start, 1),
        }, None
    return {"ok": True, "seconds": round(time.perf_counter() - start, 1)}, result


def environment() -> dict:
    import ctranslate2
    import torch

    return {
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "gpu": torch.cuda.is_available() and torch.cuda.get_device_name(0),
        "ctranslate2": ctranslate2.__version__,
        "ctranslate2_cuda_devices": ctranslate2.get_cuda_device_count(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--updates", type=int, default=800)
    args = parser.parse_args(argv)
    import sacrebleu

    from lmboot.choose import ChrF
    from lmboot.config import section_defaults
    from lmboot.translation.decode import one_best, translate
    from lmboot.translation.nmt import train, train_spm

    out = Path(args.out_dir)
    files = demo_bitext(out / "data")
    report = {"environment": environment(), "paths": {}}
    spm_dir = out / "spm"
    train_spm([files["train_src"], files["train_tgt"]], spm_dir, vocab_size=2000)
    cfg = section_defaults(
        "nmt", {"device": "cuda", "max_updates": args.updates, "validate_every": 200, "checkpoint_choice": "loss"}
    )
    step, result = timed(
        train,
        files["train_src"],
        files["train_tgt"],
        files["dev_src"],
        ChrF(files["dev_tgt"], 2),
        spm_dir,
        out / "model",
        cfg,
        threads=4,
    )
    if step["ok"]:
        step["training"] = json.loads((out / "model" / "training.json").read_text())
    report["paths"]["fairseq-train cuda"] = step
    refs = read_lines(files["dev_tgt"])
    for translator in ("fairseq", "ctranslate2") if step["ok"] else ():
        cpu = None  # the CPU's 1-best, translated first, that the other devices are compared with
        for device in ("cpu", "cuda", "auto"):
            nbest = out / f"{translator}.{device}.nbest.jsonl"
            run, _ = timed(
                translate,
                result[0],
                spm_dir,
                files["dev_src"],
                nbest,
                section_defaults("nmt", {"device": device, "translator": translator}),
                threads=4,
                nbest=5,
            )
            if run["ok"]:
                hyps = one_best(nbest)
                run["dev_chrf"] = round(sacrebleu.corpus_chrf(hyps, [refs]).score, 2)
                if device == "cpu":
                    cpu = hyps
                elif cpu:
                    run["same_1best_as_cpu"] = f"{sum(a == b for a, b in zip(cpu, hyps))}/{len(cpu)}"
            report["paths"][f"{translator} translate {device}"] = run
    write_json(out / "gpu_check.json", report)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if all(p["ok"] for p in report["paths"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
