"""Entity protection: slot spans become placeholders before translation and come back after it."""

import json

import pytest
from conftest import write_text

from lmboot.config import section_defaults, with_defaults
from lmboot.data.entities import extract, protect, restore, restore_nbest, spans
from lmboot.data.prepare import normalized_tags, prepare
from lmboot.errors import InputError

NORMALIZE = section_defaults("normalize")

TYPES = {"person", "artist_name"}


def test_tags_follow_normalization():
    # "¿Llama" -> "llama"; "García-López" -> "garcía lópez" (two words, still one span); "?" -> nothing
    tags = normalized_tags("¿Llama a García-López ?", "o o b-person o", NORMALIZE, "row 1")
    assert tags == ["o", "o", "b-person", "i-person"]
    with pytest.raises(InputError, match="row 1: 2 slot tags for 3 words"):
        normalized_tags("a b c", "o o", NORMALIZE, "row 1")


def test_spans_of_protected_types_only():
    tags = "o b-person i-person o b-date b-artist_name".split()
    assert spans(tags, TYPES) == [[1, 3, "person"], [5, 6, "artist_name"]]


def test_placeholders_round_trip():
    text = "pon la canción de daddy yankee para ana"
    entity_spans = [[4, 6, "artist_name"], [7, 8, "person"]]
    protected, mapping = protect(text, entity_spans, ["tom", "mary"])
    assert protected == "pon la canción de tom para mary"
    assert mapping == {"tom": "daddy yankee", "mary": "ana"}
    assert restore("play the song by tom for mary", mapping) == "play the song by daddy yankee for ana"
    assert restore("play the song by tom for mery", mapping) is None  # a lost placeholder


def test_placeholders_already_in_the_sentence_are_skipped():
    protected, mapping = protect("llama a tom y a eva", [[5, 6, "person"]], ["tom", "mary"])
    assert protected == "llama a tom y a mary" and mapping == {"mary": "eva"}


def test_restore_nbest_drops_broken_hypotheses_and_falls_back(tmp_path):
    def nbest(name, lists):
        return write_text(
            tmp_path / name,
            [json.dumps({"id": i, "hyps": [{"text": t, "score": -1.0} for t in hyps]}) for i, hyps in enumerate(lists)],
        )

    protected = nbest("p.jsonl", [["call tom now", "call tim now"], ["play mary"], ["hello"]])
    plain = nbest("q.jsonl", [["call eve now"], ["play anna"], ["hello"]])
    maps = write_text(tmp_path / "m.jsonl", ['{"tom": "eva"}', '{"tom": "ana"}', "{}"])
    counts = restore_nbest(protected, plain, maps, tmp_path / "out.jsonl")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [[h["text"] for h in r["hyps"]] for r in out] == [["call eva now"], ["play anna"], ["hello"]]
    assert counts == {"records": 3, "with_entities": 2, "restored": 1, "fell_back": 1}


def test_prepare_writes_the_tags_that_extract_reads(tmp_path):
    rows = [
        {"es": f"llama a {name} ahora", "en": f"call {name} now", "bio": "o o b-person o", "part": part}
        for name, part in [
            ("ana", "train"),
            ("eva", "train"),
            ("luis", "train"),
            ("rosa", "train"),
            ("juan", "valid"),
            ("pedro", "test"),
        ]
    ]
    corpus = write_text(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    general = write_text(tmp_path / "gen.tsv", ["es\ten", "hola\thello", "adiós\tbye"])
    config = {
        "in_domain": {
            "format": "jsonl",
            "path": str(corpus),
            "source_field": "es",
            "target_field": "en",
            "split_field": "part",
            "source_tags_field": "bio",
            "split_values": {"train": ["train"], "dev": ["valid"], "test": ["test"]},
        },
        "general": {"format": "tsv", "path": str(general), "source_column": "es", "target_column": "en"},
        "split": {"seed_size": 1, "min_seed_size": 1, "random_seed": 13},
        "entities": {"types": ["person"], "placeholders": ["tom"]},
    }
    prepare(with_defaults(config), tmp_path / "prepared")
    assert (tmp_path / "prepared/dev.tags").read_text() == "o o b-person o\n"
    prepared = {
        part: (tmp_path / f"prepared/{part}.src", tmp_path / f"prepared/{part}.tags") for part in ("pool", "dev")
    }
    stats = extract(config["entities"], prepared, tmp_path / "ent")
    assert stats["pool"] == {"sentences": 3, "with_entities": 3, "entities": 3}
    assert (tmp_path / "ent/dev.src").read_text() == "llama a tom ahora\n"
    assert (tmp_path / "ent/dev.map.jsonl").read_text() == '{"tom": "juan"}\n'
    write_text(tmp_path / "other.src", ["something else"] * 3)
    with pytest.raises(InputError, match="other.src|dev.tags"):
        extract(config["entities"], {"dev": (tmp_path / "other.src", prepared["dev"][1])}, tmp_path / "ent2")
    write_text(tmp_path / "short.tags", ["o o"])
    with pytest.raises(InputError, match="short.tags:1: 2 tags for 4 words"):
        extract(config["entities"], {"dev": (prepared["dev"][0], tmp_path / "short.tags")}, tmp_path / "ent3")
    two = write_text(tmp_path / "two.src", ["llama a juan ahora", "llama a eva ahora"])
    write_text(tmp_path / "late.tags", ["o o b-person o", "o o"])  # the error names the file, also on line 2
    with pytest.raises(InputError, match="late.tags:2: 2 tags for 4 words"):
        extract(config["entities"], {"dev": (two, tmp_path / "late.tags")}, tmp_path / "ent4")


def test_prepare_without_a_tags_field_tags_every_word_o(tmp_path):
    general = write_text(tmp_path / "gen.tsv", ["es\ten", "hola\thello"])
    rows = [
        json.dumps({"es": f"pon la canción {i}", "en": f"play song {i}", "part": part})
        for i, part in enumerate(["train"] * 4 + ["valid", "test"])
    ]
    config = {
        "in_domain": {
            "format": "jsonl",
            "path": str(write_text(tmp_path / "in.jsonl", rows)),
            "source_field": "es",
            "target_field": "en",
            "split_field": "part",
            "split_values": {"train": ["train"], "dev": ["valid"], "test": ["test"]},
        },
        "general": {"format": "tsv", "path": str(general), "source_column": "es", "target_column": "en"},
        "split": {"seed_size": 1, "min_seed_size": 1, "random_seed": 13},
    }
    prepare(with_defaults(config), tmp_path / "prepared")
    assert (tmp_path / "prepared/dev.tags").read_text() == "o o o o\n"
    assert [len(t.split()) for t in (tmp_path / "prepared/pool.tags").read_text().splitlines()] == [4, 4, 4]


def test_copy_words_are_the_seed_words_that_dev_references_keep(tmp_path):
    """'alarm' is in the seed and dev references keep it; 'for' is in the seed too, but dev references drop
    it (a false friend); 'cake' and 'set' are in the seed and fewer than two dev sources hold them; 'banana'
    is not in the seed often enough; 'zzz' is given."""
    from lmboot.data.entities import copy_words

    seed = write_text(
        tmp_path / "seed.tgt",
        ["alarm set karo", "alarm set do", "for you", "for real", "cake bake karo", "cake lao", "banana"],
    )
    pool = write_text(tmp_path / "pool.src", ["set an alarm for the cake", "buy a banana", "zzz"])
    dev_src = write_text(tmp_path / "dev.src", ["set an alarm", "alarm for me", "wait for it", "for now"])
    dev_tgt = write_text(tmp_path / "dev.tgt", ["alarm set karo", "mere liye alarm", "ruko", "abhi ke liye"])
    cs = {"words": ["zzz"], "min_seed_count": 2, "min_dev_copy_rate": 0.5}
    assert copy_words(cs, seed, pool, dev_src, dev_tgt) == ["alarm", "cake", "set", "zzz"]


def test_code_switched_words_round_trip(tmp_path):
    """Copied words (per run or per word) become placeholders outside the slot spans, and every n-best
    hypothesis that kept the placeholders gets the words back in the translator's order."""
    from lmboot.data.entities import copy_tags

    assert copy_tags(
        "call john set alarm now".split(), ["o", "b-person", "o", "o", "o"], {"set", "alarm", "john"}, "run"
    ) == ["o", "b-person", "b-copy", "i-copy", "o"]
    assert copy_tags("set alarm".split(), ["o", "o"], {"set", "alarm"}, "word") == ["b-copy", "b-copy"]
    src = write_text(tmp_path / "pool.src", ["please set alarm for nine", "call maria"])
    tags = write_text(tmp_path / "pool.tags", ["o o o o o", "o b-person"])
    entities = {"types": ["person"], "placeholders": ["tom", "mary", "john"], "code_switch": {"span": "word"}}
    stats = extract(entities, {"pool": (src, tags)}, tmp_path / "ent", copied=["alarm", "set"])
    assert (tmp_path / "ent/pool.src").read_text().splitlines() == ["please tom mary for nine", "call tom"]
    assert stats["pool"]["entities"] == 3 and stats["copied_words"] == 2
    protected = write_text(
        tmp_path / "protected.jsonl",
        [
            json.dumps({"id": 0, "hyps": [{"text": "nau baje ka mary tom karo"}, {"text": "nau baje tom"}]}),
            json.dumps({"id": 1, "hyps": [{"text": "tom ko call karo"}]}),
        ],
    )
    plain = write_text(tmp_path / "plain.jsonl", [json.dumps({"id": i, "hyps": [{"text": "x"}]}) for i in (0, 1)])
    restore_nbest(protected, plain, tmp_path / "ent/pool.map.jsonl", tmp_path / "out.jsonl")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [[h["text"] for h in r["hyps"]] for r in out] == [["nau baje ka alarm set karo"], ["maria ko call karo"]]
