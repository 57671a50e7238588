"""CTranslate2's device: a GPU it cannot use is an error when asked for and the CPU, with a warning, on auto
(its PyPI wheels need CUDA 12's cuBLAS, which a CUDA-13-only machine lacks)."""

import ctranslate2
import pytest

from lmboot import ct2_device as module
from lmboot.ct2_device import ct2_device
from lmboot.errors import InputError


def seen_gpus(monkeypatch, count: int, cublas: bool) -> None:
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: count)
    monkeypatch.setattr(module, "_cublas_loads", lambda: cublas)


def test_cuda_is_chosen_where_a_gpu_and_its_cublas_are_there(monkeypatch):
    seen_gpus(monkeypatch, 1, cublas=True)
    assert ct2_device("auto", "nmt.device") == "cuda"
    assert ct2_device("cuda", "nmt.device") == "cuda"
    assert ct2_device("cpu", "nmt.device") == "cpu"


def test_auto_falls_back_to_the_cpu_with_a_warning_when_cublas_is_missing(monkeypatch, capsys):
    seen_gpus(monkeypatch, 1, cublas=False)
    assert ct2_device("auto", "nmt.device") == "cpu"
    assert "libcublas.so.12" in capsys.readouterr().err


def test_cuda_asked_for_but_unusable_is_a_one_line_error_naming_the_field(monkeypatch):
    seen_gpus(monkeypatch, 1, cublas=False)
    with pytest.raises(InputError, match=r"^nmt\.device: cuda requested but .*libcublas\.so\.12"):
        ct2_device("cuda", "nmt.device")
    seen_gpus(monkeypatch, 0, cublas=True)
    with pytest.raises(InputError, match=r"^nmt\.device: cuda requested but CTranslate2 sees no GPU"):
        ct2_device("cuda", "nmt.device")
    assert ct2_device("auto", "nmt.device") == "cpu"
