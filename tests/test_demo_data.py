"""Tests for the built-in demo data generator (lmboot.demo.data)."""

import json
import re
import statistics

import pytest

from lmboot.demo.data import LEXICONS, generate, main, template_space

KEYS = ["id", "scenario", "en", "es", "en_xml", "es_xml", "en_bio", "es_bio"]
TAG = re.compile(r"<([a-z])>")
SPAN = re.compile(r"<([a-z])>(.+?)<\1>")
LEXICON_PAIRS = {(en, es) for entries in LEXICONS.values() for en, es, *_ in entries}


def _read(out):
    rows = [json.loads(line) for line in (out / "in_domain.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = (out / "general.tsv").read_text(encoding="utf-8").splitlines()
    return rows, lines[0], [line.split("\t") for line in lines[1:]]


def _norm(text):
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "nested" / "dir"  # created by generate
    stats = generate(out)
    return out, stats, *_read(out)


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    kwargs = dict(n_in_domain=400, n_general=900)
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, seed=seed, **kwargs)
    for file in ("in_domain.jsonl", "general.tsv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
        assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]  # no temp files left


def test_in_domain_rows(default_run):
    out, stats, rows, _, _ = default_run
    assert len(rows) == stats["in_domain"] == 3000
    assert len({r["en"] for r in rows}) == len(rows)
    assert [r["id"] for r in rows] == [str(i) for i in range(len(rows))]
    assert len(stats["scenarios"]) >= 10 and sum(stats["scenarios"].values()) == len(rows)
    for r in rows:
        assert list(r) == KEYS
        for side in ("en", "es"):
            text, xml = r[side], r[f"{side}_xml"]
            assert text == text.lower() and text == text.strip() and "  " not in text, r
            assert all(ch.isalpha() or ch in " '" for ch in text), r
            assert TAG.sub("", xml) == text, r
            tags = r[f"{side}_bio"].split()  # one BIO tag per word, a b- tag where each slot starts
            assert len(tags) == len(text.split()) and sum(t.startswith("b-") for t in tags) == xml.count("<") // 2, r
        assert 3 <= len(r["en"].split()) <= 14, r
        en_tags, es_tags = TAG.findall(r["en_xml"]), TAG.findall(r["es_xml"])
        assert en_tags and all(en_tags.count(t) == 2 for t in en_tags), r
        assert set(en_tags) == set(es_tags), r
        assert list(dict.fromkeys(en_tags)) == list("abcdefgh"[: len(set(en_tags))]), r  # a = first slot
        es_spans = dict(SPAN.findall(r["es_xml"]))
        assert all((value, es_spans[tag]) in LEXICON_PAIRS for tag, value in SPAN.findall(r["en_xml"])), r


def test_spanish_contractions(default_run):
    _, _, rows, _, general = default_run
    spanish = [r["es"] for r in rows] + [row[2] for row in general]
    bad = re.compile(r"\b(?:de|a) el (?!país|mundo)")  # must be 'del' / 'al' (not before names)
    assert not [s for s in spanish if bad.search(s)]


def test_general_tsv(default_run):
    _, stats, rows, header, general = default_run
    assert header == "origin\teng\tspa"
    assert len(general) == stats["general"] == 8000
    assert all(len(row) == 3 and all(row) for row in general)
    assert len({row[1] for row in general}) == len(general)
    assistant = [row for row in general if row[0] == "demo-assistant"]
    assert len(assistant) == stats["general_assistant"]
    assert abs(len(assistant) / len(general) - 0.15) <= 0.02
    other = [row for row in general if row[0] != "demo-assistant"]
    assert len({row[0] for row in other}) >= 8 and all(row[0].startswith("demo-") for row in other)
    in_domain_en = {r["en"] for r in rows}
    assert not [row[1] for row in general if _norm(row[1]) in in_domain_en]
    mean_general = statistics.mean(len(row[1].split()) for row in other)
    mean_in_domain = statistics.mean(len(r["en"].split()) for r in rows)
    assert mean_general > mean_in_domain + 3


def test_impossible_size_raises(tmp_path):
    too_many = template_space()["in_domain"] + 1
    with pytest.raises(ValueError, match="template space"):
        generate(tmp_path, n_in_domain=too_many)
    with pytest.raises(ValueError, match="template space"):
        generate(tmp_path, n_general=10**9)
    assert not list(tmp_path.iterdir())  # nothing written


def test_cli_prints_stats(tmp_path, capsys):
    assert (
        main(
            [
                "--out",
                str(tmp_path),
                "--seed",
                "3",
                "--n-in-domain",
                "50",
                "--n-general",
                "100",
                "--assistant-share",
                "0.2",
            ]
        )
        == 0
    )
    stats = json.loads(capsys.readouterr().out)
    assert (stats["in_domain"], stats["general"], stats["general_assistant"]) == (50, 100, 20)
    assert (tmp_path / "in_domain.jsonl").exists() and (tmp_path / "general.tsv").exists()
