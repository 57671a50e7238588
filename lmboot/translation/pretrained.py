"""A translator trained elsewhere as round 0: a fairseq checkpoint with its sentencepiece model and
dictionary, or a CTranslate2 model directory, installed where the workflow's own translators live."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lmboot.errors import InputError


def use_pretrained(checkpoint, spm_model, dictionary, spm_dir, round_dir) -> Path:
    """Install an existing fairseq translator (checkpoint, joint sentencepiece model, joint dictionary)
    where lmboot's own round-0 training would put it; returns the checkpoint's new path."""
    for path, what in ((checkpoint, "checkpoint"), (spm_model, "spm_model"), (dictionary, "dict")):
        if not Path(path).is_file():
            raise InputError(f"nmt.pretrained.{what}: {path}: file not found")
    spm_dir, round_dir = Path(spm_dir), Path(round_dir)
    for src, dst in (
        (spm_model, spm_dir / "spm.model"),
        (dictionary, spm_dir / "dict.txt"),
        (checkpoint, round_dir / "checkpoint_best.pt"),
    ):
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
    return round_dir / "checkpoint_best.pt"


def use_pretrained_ct2(ct2_model, spm_model, spm_dir, round_dir) -> Path:
    """Install an existing CTranslate2 model directory (and its sentencepiece model) as round 0's
    translator, round_dir/ct2-model; returns that directory."""
    if not (Path(ct2_model) / "model.bin").is_file():
        raise InputError(f"nmt.pretrained.ct2_model: {ct2_model}: not a CTranslate2 model directory (no model.bin)")
    if not Path(spm_model).is_file():
        raise InputError(f"nmt.pretrained.spm_model: {spm_model}: file not found")
    spm_dir, out = Path(spm_dir), Path(round_dir) / "ct2-model"
    spm_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(spm_model, spm_dir / ".spm.model.tmp")
    os.replace(spm_dir / ".spm.model.tmp", spm_dir / "spm.model")
    tmp = out.with_name(".ct2-model.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(ct2_model, tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out
