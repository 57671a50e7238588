"""The demo on one machine as two CPUs would run it: once with the numeric kernels free to pick the widest
instructions (numerics.cpu_isa: native; AVX-512 on a CPU that has it), once with every library told to use
AVX2 (what a CPU without AVX-512 does), each with and without lmboot's pin (numerics.cpu_isa: avx2). Each
setting runs the whole demo (`snakemake --cores 2`) in its own scratch directory and is summarised by the
sha256 of its ARPA files and metrics.md and the wall seconds of its translator training (the train jobs'
benchmark files). Identical hashes mean byte-identical LMs.

    .venv/bin/python benchmarks/isa_pin.py --out benchmarks/isa_pin.json   # about 4 demo runs
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from lmboot.numerics import PINS  # noqa: E402

# What the environment asks of each library, as another CPU would: its widest kernels (AVX-512 here) or AVX2.
ASK = {
    "avx512": {"ATEN_CPU_CAPABILITY": "avx512", "CT2_FORCE_CPU_ISA": "AVX512"},
    "avx2": {k: v.split(",")[0] for k, v in PINS["avx2"].items()},
}
SETTINGS = {  # name: (environment asks for, numerics.cpu_isa)
    "unpinned, AVX-512 CPU": ("avx512", "native"),
    "unpinned, AVX2 CPU": ("avx2", "native"),
    "pinned, AVX-512 CPU": ("avx512", "avx2"),
    "pinned, AVX2 CPU": ("avx2", "avx2"),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_seconds(bench: Path) -> float:
    total = 0.0
    for path in sorted(bench.glob("train.*.tsv")):
        with open(path, encoding="utf-8") as f:
            total += float(list(csv.DictReader(f, delimiter="\t"))[-1]["s"])
    return total


def run_demo(name: str, asks: str, cpu_isa: str, cores: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="isa-"))
    for entry in ("Snakefile", "workflow", "config"):
        (work / entry).symlink_to(ROOT / entry)
    asked = {key for ask in ASK.values() for key in ask} | set(PINS["avx2"])
    env = {k: v for k, v in os.environ.items() if k not in asked}
    env.update(ASK[asks], PYTHONPATH=str(ROOT), PATH=f"{BIN}{os.pathsep}{env['PATH']}")
    cmd = [str(BIN / "snakemake"), "--cores", str(cores), "--configfile", "config/config.yaml"]
    cmd += ["--config", f"numerics={{cpu_isa: {cpu_isa}}}"]
    print(f"{name}: {' '.join(cmd)} in {work}", file=sys.stderr, flush=True)
    run = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"{name}: snakemake failed ({run.returncode}); {work}/.snakemake/log has the log")
    files = sorted((work / "models/demo/lm").glob("*.arpa")) + [work / "results/demo/metrics.md"]
    return {
        "setting": name,
        "environment_asks": asks,
        "cpu_isa": cpu_isa,
        "workdir": str(work),
        "train_seconds": round(train_seconds(work / "benchmarks/demo"), 1),
        "sha256": {str(p.relative_to(work)): sha256(p) for p in files},
    }


def table(rows: list[dict]) -> str:
    first = rows[0]["sha256"]
    lines = ["| setting | ARPAs + metrics.md | same as first row | translator training (s) |", "|---|---|---|---|"]
    for r in rows:
        digest = hashlib.sha256(json.dumps(r["sha256"], sort_keys=True).encode()).hexdigest()[:12]
        same = sum(r["sha256"][k] == first.get(k) for k in r["sha256"])
        lines.append(f"| {r['setting']} | {digest} | {same} of {len(r['sha256'])} files | {r['train_seconds']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="JSON of the settings' hashes and training seconds")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    a = parser.parse_args()
    rows = [run_demo(name, *SETTINGS[name], a.cores) for name in a.settings]
    Path(a.out).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
