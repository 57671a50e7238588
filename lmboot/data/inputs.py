"""The corpus files a config names, as the workflow's prepare rule reads them: their paths, the download or
the demo data that makes them, and one fingerprint of their bytes (a corpus copied again re-makes nothing,
changed bytes re-run prepare)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from lmboot.data.corpus import hash_bytes


def corpus_paths(spec: dict) -> list[str]:
    """The paths a corpus spec names (files or directories)."""
    if "source_path" in spec:  # format plain: two aligned files
        return [spec["source_path"], spec["target_path"]]
    return [spec["path"]] if isinstance(spec["path"], str) else spec["path"]


def download_for(config: dict, path: str) -> dict | None:
    """The configured download whose `to` holds path, or None."""
    for spec in config["downloads"]:
        to = os.path.normpath(spec["to"])
        if os.path.normpath(path) == to or os.path.normpath(path).startswith(to + os.sep):
            return spec
    return None


def made_here(config: dict, path) -> str | None:
    """What makes a corpus file inside the workflow (a download, the demo data), as text; None if given."""
    download = download_for(config, path)
    if download:
        return f"{download['url']}\t{download['sha256']}"
    demo = config.get("demo_data")
    if demo and os.path.normpath(path).startswith(os.path.normpath(demo["out"]) + os.sep):
        return json.dumps(demo, sort_keys=True)
    return None


def fingerprint(config: dict, *specs: dict) -> str:
    """sha256 over the names, sizes and bytes of a corpus's files (directories: every file in them); a
    corpus the workflow makes (a download, the demo data) counts by what makes it: it may not be there
    when the DAG is built, and must not look changed once it is."""
    digest = hashlib.sha256()
    for spec in specs:
        for path in map(Path, corpus_paths(spec)):
            maker = made_here(config, path)
            if maker is not None:
                digest.update(f"{path}\t{maker}\n".encode())
                continue
            files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
            for f in files:
                if not f.exists():
                    continue  # a missing input is Snakemake's to report (or a rule's to make)
                digest.update(f"{f.name}\t{f.stat().st_size}\n".encode())
                hash_bytes(f, digest)
    return digest.hexdigest()[:16]
