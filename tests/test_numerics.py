"""numerics.cpu_isa: the pin puts PyTorch on its AVX2 kernels whatever the environment asks, and a few
training steps then give the same bytes; without it, AVX-512 and AVX2 kernels give different ones."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lmboot.cli import main
from lmboot.numerics import PINS, isa_env

# A few Adam steps of a transformer layer; prints the capability torch used and a hash of the weights.
STEPS = """
import hashlib, torch
torch.manual_seed(0)
layer = torch.nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0, batch_first=True)
opt = torch.optim.Adam(layer.parameters(), 1e-3)
x = torch.randn(8, 12, 64)
for _ in range(5):
    loss = layer(x).pow(2).mean(); opt.zero_grad(); loss.backward(); opt.step()
weights = b"".join(p.detach().numpy().tobytes() for p in layer.parameters())
print(torch.backends.cpu.get_cpu_capability(), hashlib.sha256(weights).hexdigest())
"""


def steps(asks: dict, cpu_isa: str) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PINS["avx2"]}
    env.update(asks, OMP_NUM_THREADS="1")
    env.update(isa_env(cpu_isa))  # what the Snakefile does for every job
    out = subprocess.run([sys.executable, "-c", STEPS], env=env, capture_output=True, text=True, check=True)
    capability, digest = out.stdout.split()
    return capability, digest


def has_avx512() -> bool:
    try:
        return " avx512f" in open("/proc/cpuinfo", encoding="utf-8").read()
    except OSError:
        return False


def test_the_pin_wins_over_what_the_environment_asks():
    assert steps({"ATEN_CPU_CAPABILITY": "default"}, "avx2")[0] == "AVX2"
    assert steps({"ATEN_CPU_CAPABILITY": "default"}, "native")[0] == "DEFAULT"


@pytest.mark.skipif(not has_avx512(), reason="needs a CPU with AVX-512 to run two kernel widths on one machine")
def test_pinned_training_steps_are_the_same_bytes_where_unpinned_ones_differ():
    wide, narrow = {"ATEN_CPU_CAPABILITY": "avx512"}, {"ATEN_CPU_CAPABILITY": "avx2"}
    assert steps(wide, "native") != steps(narrow, "native")  # the kernels' widths show in the weights
    assert steps(wide, "avx2") == steps(narrow, "avx2") == steps(narrow, "native")


def test_isa_env_prints_exports_a_shell_can_eval(capsys):
    assert main(["isa-env"]) == 0
    exports = capsys.readouterr().out
    shell = subprocess.run(
        ["bash", "-c", f'{exports}\necho "$ATEN_CPU_CAPABILITY $MKL_CBWR"'], capture_output=True, text=True
    )
    assert shell.stdout.split() == ["avx2", "AVX2,STRICT"]
    assert main(["isa-env", "--cpu-isa", "native"]) == 0 and capsys.readouterr().out == ""
