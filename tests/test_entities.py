"""Entity protection: slot spans become placeholders before translation and come back after it."""

import json

import pytest

from conftest import write_text
from lmboot.entities import extract, normalized_tags, protect, restore, restore_nbest, spans
from lmboot.errors import InputError
from lmboot.prepare import prepare

TYPES = {"person", "artist_name"}


def test_tags_follow_normalization():
    # "¿Llama" -> "llama"; "García-López" -> "garcía lópez" (two words, still one span); "?" -> nothing
    tags = normalized_tags("¿Llama a García-López ?", "o o b-person o", {}, "row 1")
    assert tags == ["o", "o", "b-person", "i-person"]
    with pytest.raises(InputError, match="row 1: 2 slot tags for 3 words"):
        normalized_tags("a b c", "o o", {}, "row 1")


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
        return write_text(tmp_path / name, [json.dumps({"id": i, "hyps": [{"text": t, "score": -1.0} for t in hyps]})
                                            for i, hyps in enumerate(lists)])
    protected = nbest("p.jsonl", [["call tom now", "call tim now"], ["play mary"], ["hello"]])
    plain = nbest("q.jsonl", [["call eve now"], ["play anna"], ["hello"]])
    maps = write_text(tmp_path / "m.jsonl", ['{"tom": "eva"}', '{"tom": "ana"}', "{}"])
    counts = restore_nbest(protected, plain, maps, tmp_path / "out.jsonl")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [[h["text"] for h in r["hyps"]] for r in out] == [["call eva now"], ["play anna"], ["hello"]]
    assert counts == {"records": 3, "with_entities": 2, "restored": 1, "fell_back": 1}


def test_extract_remakes_the_prepared_split(tmp_path):
    rows = [{"es": f"llama a {name} ahora", "en": f"call {name} now", "bio": "o o b-person o", "part": part}
            for name, part in [("ana", "train"), ("eva", "train"), ("luis", "train"), ("rosa", "train"),
                               ("juan", "valid"), ("pedro", "test")]]
    corpus = write_text(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    general = write_text(tmp_path / "gen.tsv", ["es\ten", "hola\thello", "adiós\tbye"])
    config = {"in_domain": {"format": "jsonl", "path": str(corpus), "source_field": "es", "target_field": "en",
                            "split_field": "part", "source_tags_field": "bio",
                            "split_values": {"train": ["train"], "dev": ["valid"], "test": ["test"]}},
              "general": {"format": "tsv", "path": str(general), "source_column": "es", "target_column": "en"},
              "split": {"seed_size": 1, "min_seed_size": 1, "random_seed": 13},
              "entities": {"types": ["person"], "placeholders": ["tom"]}}
    prepare(config, tmp_path / "prepared")
    stats = extract(config, tmp_path / "prepared/pool.src", tmp_path / "prepared/dev.src", tmp_path / "ent")
    assert stats["pool"] == {"sentences": 3, "with_entities": 3, "entities": 3}
    assert (tmp_path / "ent/dev.src").read_text() == "llama a tom ahora\n"
    assert (tmp_path / "ent/dev.map.jsonl").read_text() == '{"tom": "juan"}\n'
    write_text(tmp_path / "other.src", ["something else"] * 3)
    with pytest.raises(InputError, match="differs from the in-domain split"):
        extract(config, tmp_path / "other.src", tmp_path / "prepared/dev.src", tmp_path / "ent2")
