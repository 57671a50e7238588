"""The same figures on any x86-64 CPU. PyTorch (ATen), MKL, oneDNN and CTranslate2 each pick their kernels
by the CPU they run on (AVX2, AVX-512, ...), and kernels of different widths add floats in different orders:
a translator trained on one machine and on another differ in the last bits, and through the checkpoint
chosen on dev, the translations kept and the LM weights, in the figures. `numerics.cpu_isa: avx2` pins each
of them to its AVX2 kernels (every x86-64 server CPU since about 2015 has AVX2); `native` lets each choose,
and honours these variables when the environment sets them.

The Snakefile puts the pin into the environment every job inherits (a cluster job's own Snakemake does the
same); a stage run without Snakemake gets it from `lmboot isa-env` (`eval "$(lmboot isa-env)"`). Thread
counts matter too: a rule computes with its granted threads (nmt.threads, ...), so a run with fewer --cores
than a rule's threads gives other figures. onnxruntime (the CTC recognizers) has no such switch; it changes
WER's last digits at most, never an LM."""

from __future__ import annotations

import shlex

PINS: dict[str, dict[str, str]] = {
    "avx2": {
        "ATEN_CPU_CAPABILITY": "avx2",  # PyTorch's own vectorized kernels
        "MKL_CBWR": "AVX2,STRICT",  # MKL's conditional numerical reproducibility, thread-count independent
        "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN (PyTorch's mkldnn, CTranslate2)
        "DNNL_MAX_CPU_ISA": "AVX2",  # the same, as older oneDNN releases name it
        "CT2_FORCE_CPU_ISA": "AVX2",  # CTranslate2's own kernels
    },
    "native": {},
}


def isa_env(cpu_isa: str) -> dict[str, str]:
    """The environment variables that pin the numeric kernels for `cpu_isa` (numerics.cpu_isa)."""
    return dict(PINS[cpu_isa])


def isa_exports(cpu_isa: str) -> str:
    """Shell `export` lines for `cpu_isa`, for stages run without Snakemake."""
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in isa_env(cpu_isa).items())
