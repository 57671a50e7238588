#!/usr/bin/env bash
# Run by snakemake after creating envs/lmboot.yaml: fairseq-fixed without its declared deps
# (its torchaudio breaks sentence-transformers against torch 2.13).
set -euo pipefail
pip install Cython==3.3.1 setuptools==84.2.1 wheel==0.48.0
pip install --no-build-isolation --no-deps fairseq-fixed==0.12.3.1
pip install --no-deps pyctcdecode==0.5.0 pygtrie==2.6.2   # declares numpy<2; runs on numpy 2
