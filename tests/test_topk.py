import json

import kenlm
import pytest
from conftest import assistant_sentences, news_sentences, write_text

from lmboot.errors import InputError
from lmboot.translation.topk import chosen_specs, ranked_hypotheses, topk_text

GOOD, BAD = "play hello by adele", "adele by hello play"


def record(i, hyps):
    return {
        "id": i,
        "src": f"src {i}",
        "score_scale": "ln_per_token",
        "hyps": [{"text": t, "score": s, "tokens": len(t.split()) + 1} for t, s in hyps],
    }


def test_ranked_hypotheses_rank_as_rescoring_does_and_drop_repeats(tiny_lm):
    model = kenlm.Model(f"{tiny_lm}.bin")
    r = record(0, [(BAD, -0.5), (GOOD, -0.8), (BAD, -0.9), ("", -1.0)])
    assert ranked_hypotheses(r, model, 0) == [BAD, GOOD]
    assert ranked_hypotheses(r, model, 10) == [GOOD, BAD]


def test_chosen_specs_take_the_variants_percentile():
    specs = [{"type": "lm_score", "percentile": "tune"}, {"type": "repetition", "max_repeats": 2}]
    assert chosen_specs(specs, {"tuning": {"percentile": 10}})[0] == {"type": "lm_score", "percentile": 10}
    with pytest.raises(InputError, match="tuned percentile"):
        chosen_specs(specs, {"tuning": None})


def write_case(tmp_path, second):
    """A pool of assistant utterances whose n-best lists hold the right sentence first and `second` next."""
    pool = assistant_sentences(40, seed=31)
    stutter = lambda s: " ".join([s.split()[0]] * 3 + s.split()[1:])  # noqa: E731  (a looping hypothesis)
    records = [record(i, [(s, -0.2), (second(i, s), -0.6), (stutter(s), -0.9)]) for i, s in enumerate(pool)]
    nbest = write_text(tmp_path / "pool.nbest.jsonl", [json.dumps(r) for r in records])
    src = write_text(tmp_path / "pool.src", [f"fuente {i}" for i in range(len(pool))])
    rescore = write_text(tmp_path / "rescore.json", json.dumps({"lambda": 0}))
    filt = write_text(tmp_path / "filter.json", json.dumps({"tuning": {"percentile": 0}}))
    return nbest, src, rescore, filt


def test_k_is_chosen_on_dev_and_the_filters_apply_to_every_hypothesis(tmp_path, tiny_lm):
    """Second hypotheses that are news sentences help a dev set with news in it: k = 2 wins there; with
    dev text like the first hypotheses (and no word they lack), they do not, and k = 1 is kept. The looping third
    hypotheses are dropped by the repetition filter whatever k is."""
    news = news_sentences(40, seed=8)
    nbest, src, rescore, filt = write_case(tmp_path, lambda i, s: news[i])
    specs = [{"type": "lm_score", "percentile": "tune"}, {"type": "repetition", "max_repeats": 2}]
    dev_news = write_text(tmp_path / "dev1.txt", news_sentences(20, seed=9) + assistant_sentences(10, seed=17))
    args = (nbest, src, f"{tiny_lm}.bin", f"{tiny_lm}.arpa")
    stats = topk_text(*args, dev_news, rescore, filt, specs, [1, 2, 3], tmp_path / "news.tgt")
    curve = {int(k): v for k, v in stats["tuning"]["dev_ppl_common"].items()}
    assert stats["k"] == min(curve, key=curve.get) and stats["k"] >= 2
    lines = (tmp_path / "news.tgt").read_text().splitlines()
    assert len(lines) == stats["kept"] == 80 and stats["dropped_by"]["repetition"] == 40
    assert json.loads((tmp_path / "news.json").read_text()) == stats
    dev_assistant = write_text(tmp_path / "dev2.txt", assistant_sentences(40, seed=31)[::2])  # no word unseen
    nbest, src, rescore, filt = write_case(tmp_path, lambda i, s: news[i])
    stats = topk_text(*args, dev_assistant, rescore, filt, specs, [1, 2], tmp_path / "plain.tgt")
    assert stats["k"] == 1 and (tmp_path / "plain.tgt").read_text().splitlines() == assistant_sentences(40, seed=31)


def test_pool_and_nbest_must_align(tmp_path, tiny_lm):
    nbest, _, rescore, filt = write_case(tmp_path, lambda i, s: s)
    src = write_text(tmp_path / "short.src", ["a"])
    with pytest.raises(InputError, match="n-best lists but"):
        topk_text(nbest, src, f"{tiny_lm}.bin", f"{tiny_lm}.arpa", src, rescore, filt, [], [1], tmp_path / "o.tgt")
