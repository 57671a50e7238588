import json

import pytest
from conftest import assistant_sentences, news_sentences, write_text

from lmboot.config import validate
from lmboot.data.corpus import normalize, read_lines
from lmboot.data.prepare import prepare
from lmboot.errors import InputError

EN = assistant_sentences(120, seed=1)


def spanish(en: str) -> str:
    return "¿" + " ".join(reversed(en.split())).capitalize() + " por favor?"


def write_corpora(tmp_path, split_field=False):
    rows = [{"es": spanish(en), "en": en.capitalize() + "."} for en in EN]
    if split_field:
        for i, r in enumerate(rows):
            r["part"] = "train" if i < 80 else "valid" if i < 100 else "test"
    rows += [
        {"es": spanish(EN[0]).upper(), "en": EN[0].upper() + "!", "part": "train"},  # duplicates once normalized
        {"es": spanish(EN[1]), "en": EN[1], "part": "train"},
        {**rows[2]},
        {"es": "¿?", "en": "hello", "part": "train"},
        {"es": "hola", "en": " ", "part": "train"},  # empty
        {"es": "uno " * 30, "en": "one " * 60, "part": "train"},
    ]  # too long
    write_text(tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in rows])
    general = [("spa", "eng")] + [(f"es {i}", s) for i, s in enumerate(news_sentences(50))]
    general += [(spanish(en), en) for en in EN]  # every in-domain utterance also occurs in the general corpus
    write_text(tmp_path / "gen.tsv", ["\t".join(p) for p in general])


def make_config(tmp_path, split=None, split_field=None, drop_test_overlap=True):
    return validate(
        {
            "run": "t",
            "languages": {"source": "es", "target": "en"},
            "in_domain": {
                "format": "jsonl",
                "path": str(tmp_path / "in.jsonl"),
                "source_field": "es",
                "target_field": "en",
                "split_field": split_field,
            },
            "general": {
                "format": "tsv",
                "path": str(tmp_path / "gen.tsv"),
                "source_column": "spa",
                "target_column": "eng",
                "drop_test_overlap": drop_test_overlap,
            },
            "split": split or {"seed_size": 40, "dev_size": 20, "test_size": 20, "min_seed_size": 10},
        }
    )


def read_out(out):
    return {
        name: read_lines(out / name)
        for name in (
            "seed.tgt",
            "pool.src",
            "pool.oracle.tgt",
            "dev.src",
            "dev.tgt",
            "test.tgt",
            "general.src",
            "general.tgt",
        )
    }


def test_prepare_random_split(tmp_path):
    write_corpora(tmp_path)
    out = tmp_path / "out"
    stats = prepare(make_config(tmp_path), out)
    f = read_out(out)
    assert stats["in_domain"] == {"read": 126, "empty": 2, "too_long": 1, "duplicate": 3, "kept": 120}
    assert stats["sizes"] == {"seed": 40, "pool": 40, "dev": 20, "test": 20}
    assert [len(f[n]) for n in ("seed.tgt", "pool.src", "pool.oracle.tgt", "dev.src", "dev.tgt", "test.tgt")] == [
        40,
        40,
        40,
        20,
        20,
        20,
    ]
    sets = {n: set(f[n]) for n in ("seed.tgt", "pool.oracle.tgt", "dev.tgt", "test.tgt")}
    assert sum(len(s) for s in sets.values()) == 120 and set().union(*sets.values()) == set(EN)
    truth = {en: normalize(spanish(en)) for en in EN}
    assert all(truth[t] == s for s, t in zip(f["pool.src"], f["pool.oracle.tgt"]))
    assert all(truth[t] == s for s, t in zip(f["dev.src"], f["dev.tgt"]))
    assert stats["test_in_seed"] == 0
    assert stats["general"]["read"] == 170 and stats["general"]["equal_to_test"] == 20
    assert stats["general"]["kept"] == 150 and len(f["general.tgt"]) == len(f["general.src"]) == 150
    assert not set(f["general.tgt"]) & sets["test.tgt"]
    assert set(news_sentences(50)) <= set(f["general.tgt"])
    assert json.loads((out / "prepare.json").read_text()) == stats


def test_prepare_is_deterministic_and_seeded(tmp_path):
    write_corpora(tmp_path)
    prepare(make_config(tmp_path), tmp_path / "a")
    prepare(make_config(tmp_path), tmp_path / "b")
    assert read_out(tmp_path / "a") == read_out(tmp_path / "b")
    prepare(
        make_config(
            tmp_path, split={"seed_size": 40, "dev_size": 20, "test_size": 20, "min_seed_size": 10, "random_seed": 7}
        ),
        tmp_path / "c",
    )
    assert read_lines(tmp_path / "c" / "test.tgt") != read_lines(tmp_path / "a" / "test.tgt")


def test_keep_test_overlap_when_asked(tmp_path):
    write_corpora(tmp_path)
    stats = prepare(make_config(tmp_path, drop_test_overlap=False), tmp_path / "out")
    assert stats["general"]["equal_to_test"] == 20 and stats["general"]["kept"] == 170


def test_pool_size_caps_pool(tmp_path):
    write_corpora(tmp_path)
    split = {"seed_size": 40, "dev_size": 20, "test_size": 20, "min_seed_size": 10, "pool_size": 15}
    stats = prepare(make_config(tmp_path, split=split), tmp_path / "out")
    assert stats["sizes"]["pool"] == 15 and len(read_lines(tmp_path / "out" / "pool.src")) == 15


def test_split_field_decides_dev_and_test(tmp_path):
    write_corpora(tmp_path, split_field=True)
    out = tmp_path / "out"
    stats = prepare(make_config(tmp_path, split={"seed_size": 30, "min_seed_size": 10}, split_field="part"), out)
    f = read_out(out)
    assert set(f["dev.tgt"]) == set(EN[80:100]) and set(f["test.tgt"]) == set(EN[100:])
    assert set(f["seed.tgt"]) | set(f["pool.oracle.tgt"]) == set(EN[:80])
    assert stats["sizes"] == {"seed": 30, "pool": 50, "dev": 20, "test": 20}


def test_split_field_with_caps(tmp_path):
    write_corpora(tmp_path, split_field=True)
    split = {"seed_size": 30, "min_seed_size": 10, "dev_size": 5, "test_size": 7}
    stats = prepare(make_config(tmp_path, split=split, split_field="part"), tmp_path / "out")
    assert stats["sizes"] == {"seed": 30, "pool": 50, "dev": 5, "test": 7}
    assert set(read_lines(tmp_path / "out" / "test.tgt")) <= set(EN[100:])


@pytest.mark.parametrize(
    "split", [{"seed_size": 5}, {"seed_size": 100, "dev_size": 20, "test_size": 20, "min_seed_size": 90}]
)
def test_seed_too_small(tmp_path, split):
    write_corpora(tmp_path)
    split = {"dev_size": 20, "test_size": 20, **split}
    with pytest.raises(InputError, match=r"split\.seed_size.*min_seed_size"):
        prepare(make_config(tmp_path, split=split), tmp_path / "out")
    assert not (tmp_path / "out" / "seed.tgt").exists()


@pytest.mark.parametrize("missing", ["test_size", "dev_size"])
def test_random_split_needs_sizes(tmp_path, missing):
    write_corpora(tmp_path)
    split = {"seed_size": 40, "dev_size": 20, "test_size": 20, "min_seed_size": 10}
    del split[missing]
    with pytest.raises(InputError, match=rf"split\.{missing}"):
        prepare(make_config(tmp_path, split=split), tmp_path / "out")


def test_split_by_file_keeps_test_queries_out_of_the_pool(tmp_path):
    """Hinglish-TOP-like corpus, one TSV per split: the seed is train's code-switched side, the pool train's
    English side only, dev = validation, test = test's code-switched side; no English query of a test row
    (the parallel of a test utterance) reaches the pool, nor a train row that repeats a test row on either side
    (split.drop_test_repeats)."""

    def rows(name, n):
        return [f"set alarm {name} {i}\t{name} {i} ka alarm set karo" for i in range(n)]

    repeats = [
        "set alarm test 0\ttest 0 ka alarm set karo",
        "set alarm test 1\tdusra text",  # a test row's
        "another query\ttest 2 ka alarm set karo",
    ]  # English side, its Hinglish side, or both
    files = {
        name: write_text(
            tmp_path / f"{name}.tsv",
            ["en_query\tcs_query\tdomain"]
            + [f"{r}\talarm" for r in rows(name, n) + (repeats if name == "train" else [])],
        )
        for name, n in (("train", 30), ("validation", 8), ("test", 10))
    }
    config = validate(
        {
            "run": "hi",
            "languages": {"source": "en", "target": "hi-Latn"},
            "normalize": {"spoken_form": False},
            "in_domain": {
                "format": "tsv",
                "path": [str(p) for p in files.values()],
                "source_column": "en_query",
                "target_column": "cs_query",
                "split_by_file": True,
                "split_values": {"train": ["train"], "dev": ["validation"], "test": ["test"]},
            },
            "general": {
                "format": "tsv",
                "path": str(files["train"]),
                "source_column": "en_query",
                "target_column": "cs_query",
            },
            "split": {"seed_size": 10, "min_seed_size": 5, "drop_test_repeats": True},
        }
    )
    stats = prepare(config, tmp_path / "out")
    assert stats["sizes"] == {"seed": 10, "pool": 20, "dev": 8, "test": 10}
    assert stats["in_domain"]["duplicate"] == 1  # the exact copy: its test row stays, the train row goes
    assert stats["test_repeats_dropped"] == {"train": 2, "dev": 0} and stats["test_in_seed"] == 0
    pool, test = read_lines(tmp_path / "out/pool.src"), read_lines(tmp_path / "out/test.tgt")
    assert all(q.startswith("set alarm train ") for q in pool)
    assert not set(pool) & {f"set alarm test {i}" for i in range(10)}
    assert sorted(test) == sorted(f"test {i} ka alarm set karo" for i in range(10))
    assert set(read_lines(tmp_path / "out/dev.src")) == {f"set alarm validation {i}" for i in range(8)}


def test_general_target_script_puts_devanagari_into_the_seeds_script(tmp_path):
    """general.target_script: the general bitext's new-language side goes from Devanagari to Latin before
    normalization (tune: the scheme covering most dev words is chosen and recorded); the in-domain data stays."""
    rows = [f"set alarm {i}\t{i} baje ka alarm set karo\t{part}" for i, part in enumerate(["train"] * 6 + ["test"])]
    rows.append("call me\tmujhe kol karo\tdev")  # ITRANS would write kola: colloquial covers more of dev
    in_domain = write_text(tmp_path / "in.tsv", ["en\thi\tpart"] + rows)
    general = write_text(tmp_path / "gen.tsv", ["en\thi", "call me\tमुझे कॉल करो।", "at nine\tनौ बजे"])
    config = validate(
        {
            "run": "hi",
            "languages": {"source": "en", "target": "hi-Latn"},
            "normalize": {"spoken_form": False},
            "in_domain": {
                "format": "tsv",
                "path": str(in_domain),
                "source_column": "en",
                "target_column": "hi",
                "split_column": "part",
                "split_values": {"train": ["train"], "dev": ["dev"], "test": ["test"]},
            },
            "general": {
                "format": "tsv",
                "path": str(general),
                "source_column": "en",
                "target_column": "hi",
                "target_script": "tune",
            },
            "split": {"seed_size": 2, "min_seed_size": 1},
        }
    )
    stats = prepare(config, tmp_path / "out")
    assert read_lines(tmp_path / "out/general.tgt") == ["mujhe kol karo", "nau baje"]
    assert stats["general"]["target_script"]["scheme"] == "colloquial"
    assert read_lines(tmp_path / "out/dev.tgt") == ["mujhe kol karo"]
