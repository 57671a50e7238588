"""Reading corpora (plain aligned files, TSV, JSON lines; .xz/.gz transparently), normalizing text,
and writing outputs atomically."""

from __future__ import annotations

import contextlib
import gzip
import json
import lzma
import os
import re
import tempfile
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from lmboot.errors import InputError
from lmboot.schema import default


def _open_binary(path: Path):
    if path.suffix == ".xz":
        return lzma.open(path, "rb")
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def iter_lines(path: str | Path) -> Iterator[str]:
    """Lines of a UTF-8 text file (compressed or not), without line ends; bad UTF-8 names file:line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    number = 0
    try:
        with _open_binary(path) as f:
            for number, raw in enumerate(f, 1):
                try:  # a byte-order mark at the start is not text
                    yield raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
                except UnicodeDecodeError as e:
                    raise InputError(f"{path}:{number}: invalid UTF-8 ({e.reason} at byte {e.start})") from None
    except (EOFError, lzma.LZMAError, gzip.BadGzipFile, zlib.error) as e:
        raise InputError(f"{path}: truncated or corrupt {path.suffix[1:]} file after line {number} ({e})") from None


def read_lines(path: str | Path) -> list[str]:
    return list(iter_lines(path))


def count_lines(path: str | Path) -> int:
    return sum(1 for _ in iter_lines(path))


def _paths(spec_path: str | list[str], suffixes: tuple[str, ...]) -> list[Path]:
    """A path, a list of paths, or a directory (its files with one of the suffixes, sorted)."""
    paths = [spec_path] if isinstance(spec_path, str) else list(spec_path)
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if any(f.name.endswith(s) for s in suffixes))
            if not found:
                raise InputError(f"{p}: directory holds no {'/'.join(suffixes)} files")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: file not found")
    return out


def _check_pair_counts(src_path: Path, tgt_path: Path, n_src: int, n_tgt: int) -> None:
    if n_src != n_tgt:
        raise InputError(f"{src_path} has {n_src} lines but {tgt_path} has {n_tgt}: parallel files must align")


def read_pairs(spec: dict) -> list[dict]:
    """Records {"src", "tgt", "split"} from a corpus spec (see the config schema: in_domain / general)."""
    return list(iter_pairs(spec))


def iter_pairs(spec: dict) -> Iterator[dict]:
    """read_pairs's records, streamed (memory holds one record; plain files are counted first, so that
    unaligned files stop before any record is used)."""
    fmt = spec["format"]
    if fmt == "plain":
        src_path, tgt_path = Path(spec["source_path"]), Path(spec["target_path"])
        _check_pair_counts(src_path, tgt_path, count_lines(src_path), count_lines(tgt_path))
        return ({"src": s, "tgt": t, "split": None} for s, t in zip(iter_lines(src_path), iter_lines(tgt_path)))
    if fmt in ("tsv", "jsonl"):
        read = _read_tsv if fmt == "tsv" else _read_jsonl
        paths = _paths(spec["path"], tuple(f".{fmt}{z}" for z in ("", ".xz", ".gz")))
        if spec.get("split_by_file"):  # each file's rows are the split its name says (train.tsv.xz: train)
            return ({**r, "split": p.name.split(".")[0]} for p in paths for r in read(p, spec))
        return (r for p in paths for r in read(p, spec))
    if fmt == "massive":
        return _read_massive(spec)
    raise InputError(f"format: unknown corpus format {fmt!r} (plain, tsv, jsonl or massive)")


def iter_text(spec: dict, where: str) -> Iterator[str]:
    """The lines of one role's text (config: definitions/text): plain lines, a TSV column (after a header
    line) or a JSON-lines field, from a file or a list of files in turn; streamed. `where` names the config
    field in errors."""
    paths = [spec["path"]] if isinstance(spec["path"], str) else spec["path"]
    fmt = spec["format"]
    for path in map(Path, paths):
        if not path.is_file():
            raise InputError(f"{where}: {path}: file not found")
        if fmt == "plain":
            yield from iter_lines(path)
        elif fmt == "tsv":
            for row in _read_tsv(path, {"source_column": spec["column"], "target_column": spec["column"]}):
                yield row["src"]
        elif fmt == "jsonl":
            for row in _read_jsonl(path, {"source_field": spec["field"], "target_field": spec["field"]}):
                yield row["src"]
        else:
            raise InputError(f"{where}.format: unknown text format {fmt!r} (plain, tsv or jsonl)")


def split_values(spec: dict) -> dict | None:
    """Which split values make the train, dev and test rows, when the corpus names each row's split."""
    named = spec.get("split_field") or spec.get("split_column") or spec.get("split_by_file")
    return spec.get("split_values") if named else None


def _read_tsv(path: Path, spec: dict) -> Iterator[dict]:
    lines = iter_lines(path)
    header = next(lines, None)
    if header is None:
        raise InputError(f"{path}: empty file (a TSV needs a header line)")
    columns = header.split("\t")
    wanted = {"src": spec["source_column"], "tgt": spec["target_column"], "split": spec.get("split_column")}
    index = {}
    for key, name in wanted.items():
        if name is None:
            continue
        if name not in columns:
            raise InputError(f"{path}: no column {name!r} in header {columns}")
        index[key] = columns.index(name)
    for number, line in enumerate(lines, 2):
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise InputError(f"{path}:{number}: {len(cells)} columns, header has {len(columns)}")
        yield {
            "src": cells[index["src"]],
            "tgt": cells[index["tgt"]],
            "split": cells[index["split"]] if "split" in index else None,
        }


def _read_jsonl(path: Path, spec: dict) -> Iterator[dict]:
    fields = {
        "src": spec["source_field"],
        "tgt": spec["target_field"],
        "split": spec.get("split_field"),
        **spec.get("extra_fields", {}),
    }  # e.g. {"tags": in_domain.source_tags_field}, for lmboot.data.entities
    for number, line in enumerate(iter_lines(path), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{number}: not valid JSON ({e.msg})") from None
        record = {}
        for key, name in fields.items():
            if name is None:
                record[key] = None
            elif name not in obj:
                raise InputError(f"{path}:{number}: no field {name!r}")
            else:
                record[key] = str(obj[name])
        yield record


def _massive_file(spec: dict, locale: str) -> Path:
    """<path>/<locale>.jsonl (or .xz/.gz) of MASSIVE's data directory, or one of the files listed in path."""
    paths = [spec["path"]] if isinstance(spec["path"], str) else spec["path"]
    for p in map(Path, paths):
        candidates = [p / f"{locale}{s}" for s in (".jsonl", ".jsonl.xz", ".jsonl.gz")] if p.is_dir() else [p]
        for c in candidates:
            if c.is_file() and c.name.split(".")[0] == locale:
                return c
    raise InputError(f"{spec['path']}: no MASSIVE file {locale}.jsonl for locale {locale!r}")


def massive_bio(annot: str) -> tuple[str, str]:
    """MASSIVE's annot_utt ("wake me up at [time : nine am]") as (words, BIO tags), one tag per word."""
    words, tags = [], []
    for m in re.finditer(r"\[\s*([\w-]+)\s*:\s*([^\]]*)\]|(\S+)", annot):
        span = [m.group(3)] if m.group(3) else m.group(2).split()
        words += span
        tags += ["o"] if m.group(3) else [f"b-{m.group(1)}"] + [f"i-{m.group(1)}"] * (len(span) - 1)
    return " ".join(words), " ".join(tags)


def _read_massive(spec: dict) -> Iterator[dict]:
    """MASSIVE 1.x (one JSONL per locale, rows joined by id): src = the source locale's utt, tgt = the
    target locale's; split and tags from the source row (tags: a BIO field, or annot_utt converted)."""

    def rows(locale):
        path = _massive_file(spec, locale)
        out = {}
        for number, line in enumerate(iter_lines(path), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                out[str(obj["id"])] = obj
            except (json.JSONDecodeError, KeyError):
                raise InputError(f"{path}:{number}: not a MASSIVE record (JSON with an id)") from None
        return out, path

    (src_rows, src_path), (tgt_rows, _) = rows(spec["source_locale"]), rows(spec["target_locale"])
    split_field, tags_field = spec.get("split_field"), spec.get("extra_fields", {}).get("tags")
    for key, obj in src_rows.items():
        if key not in tgt_rows:
            continue
        for name in ("utt", split_field, tags_field):
            if name and name not in obj:
                raise InputError(f"{src_path}: record id {key}: no field {name!r}")
        record = {"src": obj["utt"], "tgt": tgt_rows[key]["utt"], "split": obj[split_field] if split_field else None}
        if tags_field:
            words, tags = massive_bio(obj[tags_field]) if tags_field == "annot_utt" else (obj["utt"], obj[tags_field])
            record["tags"] = tags if words.split() == obj["utt"].split() else " ".join(["o"] * len(obj["utt"].split()))
        yield record


def normalize(
    text: str,
    lowercase: bool = default("normalize.lowercase"),
    strip_punctuation: bool = default("normalize.strip_punctuation"),
) -> str:
    """NFC, optional lower-casing, punctuation and symbols to spaces (apostrophes kept), spaces collapsed."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    if lowercase:
        text = text.lower()
    if strip_punctuation:
        text = "".join(" " if unicodedata.category(c)[0] in "PS" and c != "'" else c for c in text)
        text = " ".join(w.strip("'") for w in text.split())
    return " ".join(text.split())


def hash_bytes(path: str | Path, digest):
    """Feed a file's bytes into a hashlib digest, a block at a time; returns the digest."""
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest


def write_lines(path: str | Path, lines: Iterable[str]) -> None:
    with atomic_write(path) as f:
        for line in lines:
            f.write(line + "\n")


def write_json(path: str | Path, obj) -> None:
    with atomic_write(path) as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def current_umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w"):
    """Write to a temporary file beside `path`, then rename: readers never see half a file. The file gets
    the permissions of one opened normally (mkstemp's are owner-only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as f:
            yield f
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
