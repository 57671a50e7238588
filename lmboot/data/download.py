"""Download: fetch a corpus from a URL, verify its sha256, unpack archives (tar, zip); for users with network.
What is written appears only when complete and verified (a temporary name, then a rename)."""

from __future__ import annotations

import hashlib
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from lmboot.data.corpus import write_json
from lmboot.errors import InputError

ARCHIVES = (".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar", ".zip")


def is_archive(url: str) -> bool:
    return url.split("?")[0].lower().endswith(ARCHIVES)


def fetch(url: str, dest: Path, timeout: float = 60) -> str:
    """Stream url to dest; the sha256 of the bytes."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
            while block := response.read(1 << 20):
                digest.update(block)
                out.write(block)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise InputError(f"downloads: {url}: cannot fetch ({getattr(e, 'reason', e)})") from None
    return digest.hexdigest()


def check_members(names: list[str], url: str) -> None:
    """No archive member may land outside the directory it is unpacked into."""
    for name in names:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise InputError(f"downloads: {url}: archive member {name!r} points outside the archive")


def unpack(archive: Path, out_dir: Path, url: str) -> None:
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                check_members(z.namelist(), url)
                z.extractall(out_dir)
        else:
            with tarfile.open(archive) as t:
                if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 (and 3.8.17, 3.9.17, 3.10.12)
                    t.extractall(out_dir, filter="data")
                else:  # no extraction filters: names checked here, links and devices refused
                    members = t.getmembers()
                    check_members([m.name for m in members], url)
                    if bad := next((m.name for m in members if not (m.isfile() or m.isdir())), None):
                        raise InputError(f"downloads: {url}: archive member {bad!r} is a link or device")
                    t.extractall(out_dir)
    except (tarfile.TarError, zipfile.BadZipFile) as e:
        raise InputError(f"downloads: {url}: not a readable archive ({e})") from None


def download(url: str, sha256: str | None, to: str | Path, extract: bool | None = None) -> dict:
    """url -> `to` (a file, or with extract a directory holding the archive's members). A sha256 that
    differs is an error and leaves nothing behind; without one, the computed sha256 is reported to pin."""
    to = Path(to)
    extract = is_archive(url) if extract is None else extract
    to.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=to.parent, prefix=f".{to.name}.") as tmp:
        name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "download"
        raw = Path(tmp) / name
        actual = fetch(url, raw)
        if sha256 and actual != sha256.lower():
            raise InputError(f"downloads: {url}: sha256 is {actual}, the config expects {sha256}")
        if extract:
            unpacked = Path(tmp) / "unpacked"
            unpack(raw, unpacked, url)
            write_json(unpacked / ".download.json", {"url": url, "sha256": actual})
            raw = unpacked
        if to.exists():
            shutil.rmtree(to) if to.is_dir() else to.unlink()
        raw.rename(to)
    return {"url": url, "to": str(to), "sha256": actual, "verified": bool(sha256), "extracted": extract}
