"""Choosing on dev (lmboot/choose.py): one criterion interface, one record, every record plotted."""

import json

import pytest
from conftest import assistant_sentences, write_text

from lmboot.choose import ChrF, DevPerplexity, choice_record, choose, chosen
from lmboot.errors import InputError
from lmboot.report.evaluate import choice_records, dev_curves


def test_chrf_prefers_the_candidate_closest_to_the_references(tmp_path):
    refs = write_text(tmp_path / "refs", ["set an alarm for seven", "play some jazz"])
    best, record = choose(
        ChrF(refs), {"a": ["set alarm seven", "play jazz"], "b": ["set an alarm for seven", "play some jazz"]}
    )
    assert best == "b" and record["criterion"] == "chrf" and record["better"] == "higher"
    assert record["grid"] == ["a", "b"] and record["measure"]["b"] == 100.0 and record["choice"] == "b"
    with pytest.raises(InputError, match="2 dev references for 1 translations"):
        ChrF(refs).measure({"a": ["one line"]})


def test_dev_perplexity_prefers_text_like_dev_and_ties_go_to_prefer(tmp_path, tiny_lm):
    dev = write_text(tmp_path / "dev", assistant_sentences(20, seed=9))
    criterion = DevPerplexity(f"{tiny_lm}.arpa", dev)
    like_dev = assistant_sentences(40, seed=11)
    best, record = choose(criterion, {"news": ["the market fell sharply on monday"] * 40, "assistant": like_dev})
    assert (
        best == "assistant"
        and record["better"] == "lower"
        and record["measure"]["assistant"] < record["measure"]["news"]
    )
    assert chosen(criterion, {"x": 5.0, "y": 5.0}, prefer=["y", "x"])[0] == "y"
    assert criterion.measure({"empty": ["", " "]})["empty"] == float("inf")


def test_every_record_is_found_and_plotted(tmp_path):
    record = choice_record("dev_ppl", "lower", {"0": 20.0, "5": 18.0, "10": 19.0}, "5")
    nested = {
        "tuning": {"choice": record},
        "self_training": {
            "choice": choice_record("chrf", "higher", {"previous": 40.0, "finetuned": 41.0}, "finetuned")
        },
    }
    files = {
        "filter": write_text(tmp_path / "a.json", json.dumps(nested)),
        "missing": tmp_path / "nope.json",
        "none": write_text(tmp_path / "b.json", json.dumps({"tuning": None})),
    }
    assert [where for where, _ in choice_records(nested)] == ["tuning.choice", "self_training.choice"]
    out = dev_curves(files, tmp_path / "curves.png")
    assert out["choices"] == ["filter", "filter (self_training.choice)"]
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
