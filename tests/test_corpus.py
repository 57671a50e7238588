import json
import lzma
import os
import re
import stat
import unicodedata

import pytest
from conftest import write_text

from lmboot.data.corpus import atomic_write, massive_bio, normalize, read_lines, read_pairs
from lmboot.errors import InputError


def test_plain_pairs(tmp_path):
    src = write_text(tmp_path / "a.es", ["hola", "adiós"])
    tgt = write_text(tmp_path / "a.en", ["hello", "goodbye"])
    assert read_pairs({"format": "plain", "source_path": str(src), "target_path": str(tgt)}) == [
        {"src": "hola", "tgt": "hello", "split": None},
        {"src": "adiós", "tgt": "goodbye", "split": None},
    ]


def test_plain_line_count_mismatch_names_both_files(tmp_path):
    src = write_text(tmp_path / "a.es", ["uno", "dos", "tres"])
    tgt = write_text(tmp_path / "a.en", ["one", "two"])
    with pytest.raises(InputError) as e:
        read_pairs({"format": "plain", "source_path": str(src), "target_path": str(tgt)})
    msg = str(e.value)
    assert str(src) in msg and str(tgt) in msg and "3" in msg and "2" in msg


def test_tsv_named_columns_xz(tmp_path):
    path = tmp_path / "g.tsv.xz"
    with lzma.open(path, "wt", encoding="utf-8") as f:
        f.write("id\teng\tspa\tpart\n1\thello\thola\ttrain\n2\tthe cat\tel gato\ttest\n")
    spec = {"format": "tsv", "path": str(path), "source_column": "spa", "target_column": "eng", "split_column": "part"}
    assert read_pairs(spec) == [
        {"src": "hola", "tgt": "hello", "split": "train"},
        {"src": "el gato", "tgt": "the cat", "split": "test"},
    ]


def test_tsv_missing_column(tmp_path):
    path = write_text(tmp_path / "g.tsv", ["eng\tspa", "hello\thola"])
    with pytest.raises(InputError, match="fra") as e:
        read_pairs({"format": "tsv", "path": str(path), "source_column": "fra", "target_column": "eng"})
    assert str(path) in str(e.value)


def test_tsv_wrong_cell_count_names_line(tmp_path):
    path = write_text(tmp_path / "g.tsv", ["eng\tspa", "hello\thola", "broken"])
    with pytest.raises(InputError, match=f"{path}:3"):
        read_pairs({"format": "tsv", "path": str(path), "source_column": "spa", "target_column": "eng"})


def _jsonl(path, rows):
    return write_text(path, [json.dumps(r, ensure_ascii=False) for r in rows])


def test_jsonl_fields_and_split(tmp_path):
    path = _jsonl(
        tmp_path / "d.jsonl",
        [
            {"es": "pon música", "en": "play music", "part": "train", "x": 1},
            {"es": "hola", "en": "hello", "part": "valid"},
        ],
    )
    spec = {"format": "jsonl", "path": str(path), "source_field": "es", "target_field": "en", "split_field": "part"}
    assert read_pairs(spec) == [
        {"src": "pon música", "tgt": "play music", "split": "train"},
        {"src": "hola", "tgt": "hello", "split": "valid"},
    ]


def test_jsonl_directory_sorted(tmp_path):
    d = tmp_path / "corpus"
    _jsonl(d / "b.jsonl", [{"es": "dos", "en": "two"}])
    _jsonl(d / "a.jsonl", [{"es": "uno", "en": "one"}])
    write_text(d / "notes.txt", ["ignored"])
    spec = {"format": "jsonl", "path": str(d), "source_field": "es", "target_field": "en"}
    assert [(r["src"], r["tgt"]) for r in read_pairs(spec)] == [("uno", "one"), ("dos", "two")]


def test_jsonl_missing_field(tmp_path):
    path = _jsonl(tmp_path / "d.jsonl", [{"es": "uno", "en": "one"}, {"es": "dos"}])
    with pytest.raises(InputError, match="'en'") as e:
        read_pairs({"format": "jsonl", "path": str(path), "source_field": "es", "target_field": "en"})
    assert f"{path}:2" in str(e.value)


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError, match="nope.jsonl"):
        read_pairs({"format": "jsonl", "path": str(missing), "source_field": "es", "target_field": "en"})
    with pytest.raises(InputError, match="nope.en"):
        read_lines(tmp_path / "nope.en")


def test_invalid_utf8_names_line(tmp_path):
    path = tmp_path / "bad.en"
    path.write_bytes(b"fine\nalso fine\nbad \xff\xfe byte\n")
    with pytest.raises(InputError, match=f"{path}:3"):
        read_lines(path)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("¿Qué HORA es?", "qué hora es"),
        ("¡Pon la música, por favor!", "pon la música por favor"),
        ("What's the weather?", "what's the weather"),
        ('What\u2019s up, "doc"', "what's up doc"),
        ("  many   spaces\there ", "many spaces here"),
        ("wake me up @ 7:30", "wake me up 7 30"),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_normalize_nfc_and_options():
    decomposed = "cafe\u0301"
    assert normalize(decomposed) == "café" == unicodedata.normalize("NFC", "café")
    assert normalize("Hola, Mundo!", lowercase=False) == "Hola Mundo"
    assert normalize("Hola, Mundo!", strip_punctuation=False) == "hola, mundo!"


def test_atomic_write_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_write(target) as f:
            f.write("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_old_file_on_error(tmp_path):
    target = write_text(tmp_path / "out.txt", ["old"])
    with pytest.raises(RuntimeError):
        with atomic_write(target) as f:
            f.write("new")
            raise RuntimeError("boom")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    with atomic_write(target) as f:
        f.write("new\n")
    assert target.read_text() == "new\n"


def massive_dir(tmp_path):
    rows = {
        "en-US": [
            ("1", "train", "wake me up at [time : nine am] on [date : friday]"),
            ("2", "dev", "play [artist_name : shakira]"),
            ("3", "test", "what time is it"),
        ],
        "es-ES": [
            ("1", "train", "despiértame a las [time : nueve de la mañana] el [date : viernes]"),
            ("2", "dev", "pon [artist_name : shakira]"),
            ("4", "test", "hola"),
        ],
    }
    for locale, records in rows.items():
        with open(tmp_path / f"{locale}.jsonl", "w") as f:
            for id_, partition, annot in records:
                utt = " ".join(re.sub(r"\[[\w-]+ : ([^\]]*)\]", r"\1", annot).split())
                f.write(
                    json.dumps({"id": id_, "locale": locale, "partition": partition, "utt": utt, "annot_utt": annot})
                    + "\n"
                )
    return tmp_path


def test_massive_locales_are_joined_by_id(tmp_path):
    spec = {
        "format": "massive",
        "path": str(massive_dir(tmp_path)),
        "source_locale": "es-ES",
        "target_locale": "en-US",
        "split_field": "partition",
        "extra_fields": {"tags": "annot_utt"},
    }
    records = read_pairs(spec)
    assert [(r["src"], r["tgt"], r["split"]) for r in records] == [
        ("despiértame a las nueve de la mañana el viernes", "wake me up at nine am on friday", "train"),
        ("pon shakira", "play shakira", "dev"),
    ]  # id 3 and 4 have no partner
    assert records[0]["tags"] == "o o o b-time i-time i-time i-time o b-date"
    assert records[1]["tags"] == "o b-artist_name"


def test_massive_bio_of_annot_utt():
    assert massive_bio("[date : today] play [song_name : let it be]") == (
        "today play let it be",
        "b-date o b-song_name i-song_name i-song_name",
    )


def test_massive_locale_missing_is_named(tmp_path):
    spec = {"format": "massive", "path": str(massive_dir(tmp_path)), "source_locale": "de-DE", "target_locale": "en-US"}
    with pytest.raises(InputError, match="no MASSIVE file de-DE.jsonl"):
        read_pairs(spec)


def test_atomic_write_gives_the_umask_permissions(tmp_path):
    """mkstemp makes owner-only files; a written output must be readable as any file the user creates."""
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "out.txt") as f:
            f.write("x\n")
        (tmp_path / "plain.txt").write_text("x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)


@pytest.mark.parametrize("suffix", [".xz", ".gz"])
def test_a_truncated_compressed_corpus_is_one_line_naming_the_file(tmp_path, suffix):
    import gzip

    text = "".join(f"line {i} of a corpus with some words\n" for i in range(5000)).encode()
    packed = lzma.compress(text) if suffix == ".xz" else gzip.compress(text)
    path = tmp_path / f"corpus.txt{suffix}"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(
        InputError, match=rf"corpus.txt{re.escape(suffix)}: truncated or corrupt {suffix[1:]} file after line \d+"
    ):
        read_lines(path)
