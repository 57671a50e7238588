"""Preflight: every file a config names is checked before any job runs (the Snakefile, `lmboot check-config`,
`lmboot prepare`); bad input is one line naming the config field and the file (and its line), nothing written.

What is checked:
- roles: each file read through (lmboot.data.corpus.iter_text: decompressed, UTF-8, every TSV row's columns or
  JSON line's field), its lines counted; a role without text is an error, an aligned role (pool_reference,
  pool_tags, dev_source) must have its role's line count.
- in_domain, general: each file's whole stream decompressed (.xz/.gz: a truncated or corrupt stream is caught
  here, not in prepare) and checked as UTF-8, its lines counted (format plain: both sides alike), its first
  record read (TSV header columns, JSON fields); a corpus without rows is an error. Files the workflow makes
  itself (under a download's `to`, the demo data) are left to the rules that make them.
- asr.recordings (asr.enabled): each manifest's rows, every audio file there, readable and not empty.
- translators: each one's model files and language codes, or its command's program (translators.py).
- model files a config names (nmt.pretrained, asr's acoustic models and lexicons): there, readable, not empty.
- languages: with normalize.spoken_form, each language has a spoken-form converter (check_languages; before
  any file, and also where only the fields are checked).

Cache: reading a file through is done once per version of it. What was found is kept in
$LMBOOT_CACHE_DIR/preflight.json (default ~/.cache/lmboot, or $XDG_CACHE_HOME/lmboot), keyed by the file's
absolute path and what was checked, and valid while its size and mtime_ns stay the same; a later check of an
unchanged corpus is a stat. An unwritable cache only costs the reads. Entries of files gone are dropped.
The first check of a compressed corpus costs one decompression: about 70-80 MB of text a second for .xz on
one busy core (eng-deu.large.tsv.xz, 8.8 MB -> 42 MB, 0.6 s), so some 30 s for 2 GB of text."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import lzma
import os
import sys
import zlib
from pathlib import Path

from lmboot.config import load, validate
from lmboot.data.corpus import _massive_file, _open_binary, _paths, iter_pairs, iter_text, write_json
from lmboot.data.roles import ALIGNED, ROLES
from lmboot.errors import InputError

CACHE_VERSION = 1
MODEL_PATHS = {  # config key: "file" or "directory"
    "nmt.pretrained.checkpoint": "file",
    "nmt.pretrained.spm_model": "file",
    "nmt.pretrained.dict": "file",
    "nmt.pretrained.ct2_model": "directory",
    "asr.ctc_model": "file",
    "asr.ctc_lexicon": "file",
    "asr.lexicon": "file",
    "asr.sphinx_hmm": "directory",
    "asr.whisper_model": "directory",
    "asr.onnx_ctc.model": "file",
    "asr.onnx_ctc.tokens": "file",
    "asr.onnx_ctc.pieces": "file",
}


def cache_path() -> Path:
    folder = os.environ.get("LMBOOT_CACHE_DIR")
    if not folder:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lmboot"
    return Path(folder) / "preflight.json"


class Cache:
    """What earlier checks found, per file and what was checked, while the file's size and mtime_ns hold."""

    def __init__(self, path: str | Path | None = None):
        self.path, self.entries, self.changed = Path(path or cache_path()), {}, False
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data["version"] == CACHE_VERSION:
                self.entries = dict(data["files"])

    def get(self, path: Path, how: str, compute) -> dict:
        stat = path.stat()  # before the read: a file written meanwhile is read again next time
        key, stamp = f"{path.resolve()}\t{how}", [stat.st_size, stat.st_mtime_ns]
        entry = self.entries.get(key)
        if entry and entry["stamp"] == stamp:
            return entry["found"]
        found = compute()
        self.entries[key], self.changed = {"stamp": stamp, "found": found}, True
        return found

    def save(self) -> None:
        if not self.changed:
            return
        files = {key: entry for key, entry in self.entries.items() if os.path.exists(key.split("\t")[0])}
        with contextlib.suppress(OSError):
            write_json(self.path, {"version": CACHE_VERSION, "files": files})


@contextlib.contextmanager
def naming(where: str):
    """InputErrors (and OSErrors) inside name the config field `where` first."""
    try:
        yield
    except InputError as e:
        raise InputError(str(e) if str(e).startswith(f"{where}:") else f"{where}: {e}") from None
    except OSError as e:
        raise InputError(
            f"{where}: {e.filename}: unreadable ({e.strerror})" if e.filename else f"{where}: {e.strerror or e}"
        ) from None


def require_file(path: Path, where: str) -> None:
    """A regular file that is there and not empty."""
    if not path.exists():
        raise InputError(f"{where}: {path}: file not found")
    if not path.is_file():
        raise InputError(f"{where}: {path}: not a file")
    if path.stat().st_size == 0:
        raise InputError(f"{where}: {path}: empty (no text)")


def scan(path: Path) -> dict:
    """A file read through: decompressed (.xz/.gz), checked as UTF-8; its lines and (decompressed) bytes."""
    decoder, lines, size, last = codecs.getincrementaldecoder("utf-8")(), 0, 0, b""
    try:
        with _open_binary(path) as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as e:
                    line = lines + block[: max(e.start, 0)].count(b"\n") + 1
                    raise InputError(f"{path}:{line}: invalid UTF-8 ({e.reason})") from None
                lines, size, last = lines + block.count(b"\n"), size + len(block), block[-1:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}:{lines + 1}: invalid UTF-8 at the end ({e.reason})") from None
    except (EOFError, lzma.LZMAError, gzip.BadGzipFile, zlib.error) as e:
        raise InputError(f"{path}: truncated or corrupt {path.suffix[1:]} file after line {lines} ({e})") from None
    return {"lines": lines + (last not in (b"", b"\n")), "bytes": size}


def count_text(spec: dict, where: str) -> dict:
    """One file of a role read through (iter_text): its lines, and those with text."""
    lines = text = 0
    for line in iter_text(spec, where):
        lines, text = lines + 1, text + bool(line.strip())
    return {"lines": lines, "text": text}


def check_text(spec: dict, where: str, cache: Cache) -> list[dict]:
    """A role's files (config definitions/text), each read through once per version; a role without text is
    an error."""
    files = []
    how = f"text:{spec['format']}:{spec.get('column') or spec.get('field') or ''}"
    with naming(where):
        for path in map(Path, [spec["path"]] if isinstance(spec["path"], str) else spec["path"]):
            require_file(path, where)
            one = {"format": "plain", **spec, "path": str(path)}
            files.append({"path": str(path), **cache.get(path, how, lambda: count_text(one, where))})
    if not sum(f["text"] for f in files):
        raise InputError(f"{where}: {spec['path']}: empty (no text)")
    return files


def corpus_files(spec: dict) -> list[Path]:
    """The files of a corpus spec (config definitions/corpus), directories listed."""
    fmt = spec["format"]
    if fmt == "plain":
        return [Path(spec["source_path"]), Path(spec["target_path"])]
    if fmt == "massive":
        return [_massive_file(spec, spec[side]) for side in ("source_locale", "target_locale")]
    return _paths(spec["path"], tuple(f".{fmt}{z}" for z in ("", ".xz", ".gz")))


def check_corpus(spec: dict, where: str, cache: Cache) -> list[dict]:
    """A corpus's files read through once per version, the first record of each read as prepare reads it."""
    with naming(where):
        files = []
        for path in corpus_files(spec):
            require_file(path, where)
            files.append({"path": str(path), **cache.get(path, "bytes", lambda: scan(path))})
            if spec["format"] in ("tsv", "jsonl"):
                with contextlib.closing(iter_pairs({**spec, "path": str(path)})) as records:
                    next(records, None)  # TSV header columns, JSON fields
        if spec["format"] == "plain" and files[0]["lines"] != files[1]["lines"]:
            raise InputError(
                f"{files[0]['path']} has {files[0]['lines']} lines but {files[1]['path']} has "
                f"{files[1]['lines']}: parallel files must align"
            )
        rows = sum(f["lines"] for f in files) - (len(files) if spec["format"] == "tsv" else 0)
        if rows <= 0:
            raise InputError(f"{spec.get('path') or spec.get('source_path')}: empty (no rows)")
    return files


def made_by_workflow(config: dict, paths) -> str | None:
    """What makes one of these paths inside the workflow (a download, the demo data), or None."""
    makers = [(d["to"], "a download") for d in config.get("downloads") or []]
    if config.get("demo_data"):
        makers.append((config["demo_data"]["out"], "demo_data"))
    for path in map(os.path.normpath, paths):
        for to, maker in makers:
            if path == os.path.normpath(to) or path.startswith(os.path.normpath(to) + os.sep):
                return maker
    return None


def spec_paths(spec: dict) -> list[str]:
    if "source_path" in spec:
        return [spec["source_path"], spec["target_path"]]
    return [spec["path"]] if isinstance(spec["path"], str) else list(spec["path"])


def check_models(config: dict) -> None:
    """The model files and directories a config names are there (files readable and not empty)."""
    for key, kind in MODEL_PATHS.items():
        node = config
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not node:
            continue
        path = Path(node)
        if kind == "directory" and not path.is_dir():
            raise InputError(f"{key}: {path}: directory not found")
        if kind == "file":
            with naming(key):
                require_file(path, key)
                with open(path, "rb") as f:
                    f.read(1)


def check_recordings(config: dict) -> dict:
    """asr.recordings (asr.enabled): each manifest's rows (lmboot.asr.speech.read_recordings)."""
    from lmboot.asr.speech import read_recordings

    asr, report = config.get("asr") or {}, {}
    for part, manifest in sorted((asr.get("recordings") or {}).items()):
        if manifest and asr.get("enabled"):
            with naming(f"asr.recordings.{part}"):
                report[f"asr.recordings.{part}"] = [{"path": manifest, "recordings": len(read_recordings(manifest))}]
    return report


def check_languages(config: dict, source: str = "config") -> None:
    """With normalize.spoken_form, each language has a spoken-form converter (lmboot.data.spoken)."""
    if not (config.get("normalize") or {}).get("spoken_form"):
        return
    from lmboot.data.spoken import converter

    for side in ("source", "target"):
        try:
            converter(config["languages"][side])
        except InputError as e:
            raise InputError(f"{source}: languages.{side}: {e}") from None


def load_checked(path_or_json: str) -> dict:
    """lmboot.config.load, then check_languages: a config file's fields, as the CLI commands read them."""
    config = load(path_or_json)
    if not str(path_or_json).lstrip().startswith("{"):
        check_languages(config, str(path_or_json))
    return config


def check_files(config: dict, cache: Cache | None = None) -> dict:
    """Every file a config names (see the module's doc), the cheap checks first; what each holds, by field:
    {"roles.seed": [{"path", "lines", "text"}], "general": [{"path", "lines", "bytes"}], ...}."""
    from lmboot.translation.translators import check_translator

    for spec in config.get("translators") or []:
        check_translator(spec, config["languages"])
    check_models(config)
    report, cache = check_recordings(config), cache or Cache()
    try:
        roles = config.get("roles") or {}
        for role in [r for r in ROLES if roles.get(r)]:
            report[f"roles.{role}"] = check_spec(config, roles[role], f"roles.{role}", cache, check_text)
        for role, base in ALIGNED.items():
            check_aligned(report, roles, role, base)
        for name in ("in_domain", "general"):
            if config.get(name):
                report[name] = check_spec(config, config[name], name, cache, check_corpus)
    finally:
        cache.save()
    return report


def check_spec(config: dict, spec: dict, where: str, cache: Cache, check) -> list[dict]:
    """check(spec, ...)'s report, or what makes the files where the workflow makes them."""
    maker = made_by_workflow(config, spec_paths(spec))
    if maker:
        return [{"path": str(p), "made_by": maker} for p in spec_paths(spec)]
    return check(spec, where, cache)


def check_aligned(report: dict, roles: dict, role: str, base: str) -> None:
    """An aligned role (pool_reference, pool_tags, dev_source) has its role's line count (as read_roles)."""
    ours, theirs = report.get(f"roles.{role}"), report.get(f"roles.{base}")
    if not ours or not theirs or any("lines" not in f for f in ours + theirs):
        return
    n, m = sum(f["lines"] for f in ours), sum(f["lines"] for f in theirs)
    if n != m:
        raise InputError(
            f"roles.{role}: {roles[role]['path']} has {n} lines but roles.{base} "
            f"({roles[base]['path']}) has {m}: they must align line by line"
        )


def shown(path: str | Path) -> str:
    """A path as the user would write it: relative to the working directory when under it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


@contextlib.contextmanager
def notes_after_success():
    """stderr held back, and written out only when the block succeeds: an error is then the one line."""
    held = io.StringIO()
    with contextlib.redirect_stderr(held):
        yield
    sys.stderr.write(held.getvalue())


def checked_config(config: dict, configfiles=(), files: bool = True) -> dict:
    """The Snakefile's check: the config validated with its defaults (errors naming the config files) and
    (files) every file it names checked; bad input prints one line on stderr and exits 1, before any job."""
    source = " + ".join(shown(p) for p in configfiles) or "config"
    try:
        with notes_after_success():
            checked = validate(config, source=source)
            check_languages(checked, source)
            if files:
                check_files(checked)
    except InputError as e:
        print(f"lmboot: error: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    return checked
