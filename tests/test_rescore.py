import json
import math

import kenlm
import pytest
from conftest import write_text

from lmboot.choose import ChrF, DevPerplexity
from lmboot.translation.rescore import best_hypothesis, lm_score, nmt_score, read_nbest, rescore

GOOD, BAD = "play hello by adele", "adele by hello play"


def record(i, hyps, scale="log2_per_token"):
    return {
        "id": i,
        "src": f"src {i}",
        "score_scale": scale,
        "hyps": [{"text": t, "score": s, "tokens": len(t.split()) + 1} for t, s in hyps],
    }


@pytest.fixture
def model(tiny_lm):
    return kenlm.Model(f"{tiny_lm}.bin")


def test_nmt_score_scales():
    assert nmt_score({"score": -2.0}, "log2_per_token") == pytest.approx(-2 * math.log(2))
    assert nmt_score({"score": -2.0}, "ln_per_token") == -2.0
    with pytest.raises(ValueError, match="scale"):
        nmt_score({"score": -2.0}, "log10")


def test_lm_score_is_ln_per_word(model):
    expected = sum(p for p, _, _ in model.full_scores(GOOD)) * math.log(10) / 5
    assert lm_score(model, GOOD) == pytest.approx(expected)
    assert lm_score(model, GOOD) > lm_score(model, BAD) + 0.5


def test_lambda_zero_takes_nmt_best(model):
    r = record(0, [(BAD, -0.5), (GOOD, -0.8)])
    assert best_hypothesis(r, model, 0)["text"] == BAD
    assert best_hypothesis(r, model, 10)["text"] == GOOD
    unsorted = record(0, [(GOOD, -0.8), (BAD, -0.5)])
    assert best_hypothesis(unsorted, model, 0)["text"] == BAD


def test_scale_decides_between_lm_and_nmt(model):
    lm_gain = lm_score(model, GOOD) - lm_score(model, BAD)
    lam = 0.17 / lm_gain  # NMT gap of 0.2 is 0.139 nats in log2 units, 0.2 nats in ln units
    assert best_hypothesis(record(0, [(BAD, -1.0), (GOOD, -1.2)]), model, lam)["text"] == GOOD
    assert best_hypothesis(record(0, [(BAD, -1.0), (GOOD, -1.2)], "ln_per_token"), model, lam)["text"] == BAD


def test_rescore_file(tmp_path, tiny_lm):
    records = [
        record(0, [(BAD, -0.5), (GOOD, -0.8)]),
        record(1, [("set an alarm for noon", -0.2), ("alarm noon for an set", -0.9)]),
        record(2, [("noon set alarm an for", -0.1), ("set an alarm for noon", -0.3), ("hello", -2.0)]),
    ]
    nbest = write_text(tmp_path / "nbest.jsonl", [json.dumps(r) for r in records] + [""])
    assert read_nbest(nbest) == records
    out = tmp_path / "out" / "rescored.txt"
    stats = rescore(nbest, f"{tiny_lm}.bin", out, 5.0)
    assert out.read_text().splitlines() == [GOOD, "set an alarm for noon", "set an alarm for noon"]
    assert stats == {"records": 3, "lambda": 5.0, "changed_from_nmt_1best": 2, "tuning": None}
    assert json.loads((tmp_path / "out" / "rescored.json").read_text()) == stats
    stats0 = rescore(nbest, f"{tiny_lm}.arpa", out, 0)
    assert out.read_text().splitlines() == [BAD, "set an alarm for noon", "noon set alarm an for"]
    assert stats0["changed_from_nmt_1best"] == 0


def test_tuning_picks_the_lambda_that_matches_the_references(tmp_path, tiny_lm):
    dev = [
        record(0, [(BAD, -0.5), (GOOD, -0.8)]),
        record(1, [("alarm noon for an set", -0.2), ("set an alarm for noon", -0.9)]),
    ]
    dev_nbest = write_text(tmp_path / "dev.jsonl", [json.dumps(r) for r in dev])
    pool = write_text(tmp_path / "pool.jsonl", [json.dumps(dev[0])])
    refs = write_text(tmp_path / "dev.ref", [GOOD, "set an alarm for noon"])
    stats = rescore(pool, f"{tiny_lm}.bin", tmp_path / "out.txt", "tune", dev_nbest, ChrF(refs), [0.0, 5.0])
    assert stats["lambda"] == 5.0
    assert stats["tuning"]["dev_chrf"]["5.0"] > stats["tuning"]["dev_chrf"]["0.0"]
    assert (tmp_path / "out.txt").read_text() == GOOD + "\n"
    wrong_refs = write_text(tmp_path / "wrong.ref", [BAD, "alarm noon for an set"])
    assert (
        rescore(pool, f"{tiny_lm}.bin", tmp_path / "o2.txt", "tune", dev_nbest, ChrF(wrong_refs), [0.0, 5.0])["lambda"]
        == 0.0
    )


def test_tuning_without_references_by_dev_perplexity(tmp_path, tiny_lm):
    """No parallel dev: λ is chosen by the dev perplexity of seed + an LM of each λ's rescored 1-best; the
    word order the new-language dev text uses wins, and the record says how it was chosen."""
    dev = [record(i, [(BAD, -0.5), (GOOD, -0.8)]) for i in range(3)]
    dev_nbest = write_text(tmp_path / "dev.jsonl", [json.dumps(r) for r in dev])
    pool = write_text(tmp_path / "pool.jsonl", [json.dumps(dev[0])])
    dev_text = write_text(tmp_path / "dev.tgt", [GOOD, GOOD + " now", "please " + GOOD])
    stats = rescore(
        pool,
        f"{tiny_lm}.bin",
        tmp_path / "out.txt",
        "tune",
        dev_nbest,
        DevPerplexity(f"{tiny_lm}.arpa", dev_text),
        [0.0, 5.0],
    )
    tuning = stats["tuning"]
    assert tuning["criterion"] == "dev_ppl" and tuning["better"] == "lower" and tuning["choice"] == "5.0"
    assert tuning["measure"]["5.0"] < tuning["measure"]["0.0"] and "dev_chrf" not in tuning
    assert stats["lambda"] == 5.0
