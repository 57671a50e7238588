"""The device CTranslate2 runs on (n-best translation, Whisper): the GPU where one is asked for or, with
"auto", seen, and where CTranslate2 can load the cuBLAS it was built against (its PyPI wheels dlopen CUDA
12's libcublas.so.12 at the first GPU computation, which a CUDA-13-only machine lacks). And the device torch
runs on (fairseq training, sentence-transformers), by the same rule."""

from __future__ import annotations

import ctypes
import sys

from lmboot.errors import InputError

CUBLAS = "libcublas.so.12"


def _cublas_loads() -> bool:
    try:
        ctypes.CDLL(CUBLAS)
    except OSError:
        return False
    return True


def ct2_device(requested: str, field: str) -> str:
    """ "cpu" or "cuda" for `requested` (cpu, cuda or auto, from config `field`): cuda that cannot run is an
    error naming the field; auto falls back to the CPU, with a warning when a GPU is seen but unusable."""
    import ctranslate2

    if requested == "cpu":
        return "cpu"
    if not ctranslate2.get_cuda_device_count():
        if requested == "cuda":
            raise InputError(f"{field}: cuda requested but CTranslate2 sees no GPU")
        return "cpu"
    if _cublas_loads():
        return "cuda"
    why = (
        f"CTranslate2 {ctranslate2.__version__} cannot load {CUBLAS} (CUDA 12's cuBLAS: e.g. pip install "
        "nvidia-cublas-cu12 and put its lib folder on LD_LIBRARY_PATH)"
    )
    if requested == "cuda":
        raise InputError(f"{field}: cuda requested but {why}")
    print(f"warning: {field}: auto: running CTranslate2 on the CPU, since {why}", file=sys.stderr, flush=True)
    return "cpu"


def torch_device(requested: str, field: str) -> str:
    """ "cpu" or "cuda" for `requested` (cpu, cuda or auto, from config `field`): auto takes a GPU torch sees;
    cuda without one is an error naming the field."""
    if requested == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        raise InputError(f"{field}: cuda requested but torch sees no GPU")
    return "cpu"
