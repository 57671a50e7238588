"""Running fairseq and sentencepiece: the environment fairseq's subprocesses get (threads, checkpoint
loading, no hub), their logs, sentencepiece encoding and the device arguments."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from lmboot.ct2_device import torch_device


def fairseq_env(threads: int) -> dict:
    """Environment for fairseq subprocesses: one BLAS/OpenMP thread per granted core, old-style
    checkpoint loading (torch >= 2.6 defaults to weights_only), no hub access."""
    env = dict(
        os.environ,
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1",
        HF_HUB_OFFLINE="1",
    )
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_tool(cmd: list[str], threads: int, **kwargs) -> subprocess.CompletedProcess:
    """Run a fairseq command; its log goes to our stderr (the rule's log file)."""
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, env=fairseq_env(threads), check=True, **kwargs)


def run_logged(cmd: list[str], threads: int) -> list[str]:
    """Run a command, copying its output to our stderr as it comes; returns the output lines."""
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    lines = []
    with subprocess.Popen(
        cmd, env=fairseq_env(threads), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        for line in proc.stdout:
            sys.stderr.write(line)
            lines.append(line)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return lines


def encode(spm_model: str | Path, lines: list[str]) -> list[str]:
    return list(encoded_lines(spm_model, lines))


def encoded_lines(spm_model: str | Path, lines, batch: int = 10_000):
    """Lines (any iterable: a file's iter_lines streams) as space-separated sentencepiece pieces, encoded a
    batch at a time (memory holds one batch's pieces, whatever the file's size)."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(spm_model))
    lines = iter(lines)
    while chunk := list(itertools.islice(lines, batch)):
        yield from (" ".join(p) for p in processor.encode(chunk, out_type=str))


def device_args(cfg: dict) -> list[str]:
    return ["--cpu"] if torch_device(cfg["device"], "nmt.device") == "cpu" else []


def data_dir_for(spm_dir: Path, tmp: str) -> str:
    """A data dir holding dict.src.txt and dict.tgt.txt, as fairseq tools expect."""
    for side in ("src", "tgt"):
        shutil.copy(spm_dir / "dict.txt", Path(tmp) / f"dict.{side}.txt")
    return tmp
