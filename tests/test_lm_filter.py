import json

import pytest
from conftest import assistant_sentences, news_sentences, write_text

from lmboot.errors import InputError
from lmboot.translation.lm_filter import (
    LengthRatioFilter,
    LMScoreFilter,
    RepetitionFilter,
    apply_filters,
    build_filters,
    lm_filter,
)

GOOD = [s for s in assistant_sentences(100, seed=2) if len(s.split()) >= 4][:16]
GARBAGE = ["qwzx plorf gnarb vlek", "zzyx kwop frell snorb"]
LOOP = "play play play play the song"
LONG = "set an alarm for noon and then set another alarm for noon and then one more"


def test_repetition_filter():
    f = RepetitionFilter()
    assert not f.accept("pon la canción", LOOP)
    assert not f.accept("x", "play the song play the song play the song")
    assert not f.accept("x", "turn on on on the lights")
    assert f.accept("pon la canción", "play the song by adele")
    assert f.accept("x", "play play the song the song")
    assert RepetitionFilter(max_repeats=3).accept("x", "turn on on on the lights")


def test_length_ratio_filter():
    src = "pon la canción"
    assert not LengthRatioFilter(2.5).accept(src, "play the song " * 3)
    assert LengthRatioFilter(2.5).accept(src, "play the song please")
    assert LengthRatioFilter().accept(src, "play the song " * 3)  # exactly 3 x: at the limit
    assert not LengthRatioFilter().accept(src, "play the song " * 4)
    assert not LengthRatioFilter().accept("una dos tres cuatro", "one")
    assert not LengthRatioFilter().accept(src, "")


def test_lm_score_percentile_drops_garbage(tiny_lm):
    f = LMScoreFilter(f"{tiny_lm}.bin", percentile=10)
    pairs = [("src", t) for t in GOOD[:9] + GARBAGE[:1] + GOOD[9:] + GARBAGE[1:]]
    f.fit(pairs)
    assert [t for s, t in pairs if not f.accept(s, t)] == GARBAGE
    assert max(f.score(t) for t in GARBAGE) < f.threshold <= min(f.score(t) for t in GOOD)


def test_lm_score_threshold(tiny_lm):
    f = LMScoreFilter(f"{tiny_lm}.bin", threshold=-1.5)
    f.fit([("s", GARBAGE[0])])  # a fixed threshold is not refit
    assert f.threshold == -1.5
    assert f.accept("s", GOOD[1]) and not f.accept("s", GARBAGE[0]) and not f.accept("s", LOOP)


@pytest.mark.parametrize("kwargs", [{"threshold": -2.0, "percentile": 10}, {}])
def test_lm_score_needs_exactly_one(tiny_lm, kwargs):
    with pytest.raises(InputError, match="exactly one"):
        LMScoreFilter(f"{tiny_lm}.bin", **kwargs)


def test_build_filters(tiny_lm):
    filters = build_filters(
        [{"type": "length_ratio", "max_ratio": 2.0}, {"type": "repetition"}, {"type": "lm_score", "percentile": 5}],
        f"{tiny_lm}.bin",
    )
    assert [f.name for f in filters] == ["length_ratio", "repetition", "lm_score"]
    assert filters[0].max_ratio == 2.0 and filters[1].max_repeats == 2 and filters[2].percentile == 5
    for bad in ({"type": "perplexity"}, {"max_ratio": 2}):
        with pytest.raises(InputError, match="unknown filter type"):
            build_filters([bad])


def test_apply_filters_counts_in_order():
    pairs = [("a b", "x y"), ("a b", LOOP), ("a", "x y z w")]
    keep, dropped = apply_filters(pairs, [LengthRatioFilter(2.0), RepetitionFilter()])
    assert keep.tolist() == [True, False, False] and dropped == {"length_ratio": 2, "repetition": 0}


def test_lm_filter_end_to_end(tmp_path, tiny_lm):
    targets = GOOD[:5] + [GARBAGE[0], LOOP] + GOOD[5:12] + [LONG, GARBAGE[1]] + GOOD[12:]
    sources = ["pon la canción de adele" if t == LONG else " ".join(reversed(t.split())) for t in targets]
    src, tgt = write_text(tmp_path / "p.src", sources), write_text(tmp_path / "p.tgt", targets)
    before = (src.read_bytes(), tgt.read_bytes())
    specs = [
        {"type": "lm_score", "percentile": 10},
        {"type": "length_ratio", "max_ratio": 2.5},
        {"type": "repetition", "max_repeats": 2},
    ]
    out = tmp_path / "f" / "filtered.txt"
    stats = lm_filter(src, tgt, f"{tiny_lm}.bin", out, specs)
    assert out.read_text().splitlines() == GOOD
    assert stats == {
        "input": 20,
        "kept": 16,
        "dropped_by": {"lm_score": 2, "length_ratio": 1, "repetition": 1},
        "tuning": None,
    }
    assert json.loads((tmp_path / "f" / "filtered.json").read_text()) == stats
    assert (src.read_bytes(), tgt.read_bytes()) == before


def test_lm_filter_mismatched_files(tmp_path, tiny_lm):
    src, tgt = write_text(tmp_path / "p.src", ["a", "b"]), write_text(tmp_path / "p.tgt", ["a"])
    with pytest.raises(InputError, match="p.src has 2 lines but .*p.tgt has 1"):
        lm_filter(src, tgt, f"{tiny_lm}.bin", tmp_path / "out.txt", [{"type": "repetition"}])
    assert not (tmp_path / "out.txt").exists()


def test_lm_filter_everything_dropped(tmp_path, tiny_lm):
    src, tgt = write_text(tmp_path / "p.src", ["a b", "c d"]), write_text(tmp_path / "p.tgt", [LOOP, "x x x x"])
    with pytest.raises(InputError, match="p.tgt"):
        lm_filter(src, tgt, f"{tiny_lm}.bin", tmp_path / "out.txt", [{"type": "repetition"}])
    assert not (tmp_path / "out.txt").exists()


def test_tuned_percentile_drops_the_garbage_half(tmp_path, tiny_lm):
    import random

    rng = random.Random(3)
    noise = [
        " ".join(rng.choice(["qwzx", "plorf", "gnarb", "vlek", "frell", "snorb", "kwop"]) for _ in range(5))
        for _ in range(40)
    ]
    targets = assistant_sentences(40, seed=11) + noise
    src = write_text(tmp_path / "p.src", ["x y z w v"] * len(targets))
    tgt = write_text(tmp_path / "p.tgt", targets)
    dev = write_text(tmp_path / "dev.txt", assistant_sentences(30, seed=17))
    out = tmp_path / "filtered.txt"
    stats = lm_filter(
        src,
        tgt,
        f"{tiny_lm}.bin",
        out,
        [{"type": "lm_score", "percentile": "tune"}],
        seed_arpa=f"{tiny_lm}.arpa",
        dev=dev,
        grid=[0, 50],
    )
    curve = stats["tuning"]["dev_ppl"]
    assert stats["tuning"]["percentile"] == 50 and curve["50"] < curve["0"]
    assert set(out.read_text().splitlines()) == set(assistant_sentences(40, seed=11))
    with pytest.raises(InputError, match="tune"):
        lm_filter(src, tgt, f"{tiny_lm}.bin", out, [{"type": "lm_score", "percentile": "tune"}])


@pytest.mark.parametrize("seed_weight", ["em", 0.9])
def test_tuned_dev_perplexity_is_the_built_lms(tmp_path, tiny_lm, seed_weight):
    """The curve the percentile is chosen on measures the LM that lm.build_mix writes (EM or fixed weights,
    lm.seed_weight), as evaluate does."""
    from lmboot.lm.kenlm import build_lm, perplexity
    from lmboot.lm.mix import build_mix

    targets = news_sentences(60, seed=6) + assistant_sentences(20, seed=5)
    src = write_text(tmp_path / "p.src", ["x y z"] * len(targets))
    tgt = write_text(tmp_path / "p.tgt", targets)
    dev = write_text(tmp_path / "dev.txt", assistant_sentences(30, seed=17) + news_sentences(10, seed=9))
    out = tmp_path / "filtered.txt"
    stats = lm_filter(
        src,
        tgt,
        f"{tiny_lm}.bin",
        out,
        [{"type": "lm_score", "percentile": "tune"}],
        seed_arpa=f"{tiny_lm}.arpa",
        dev=dev,
        grid=[0, 20],
        seed_weight=seed_weight,
        tune_on="ppl",
    )
    build_lm(out, tmp_path / "translated")
    build_mix(
        {"seed": f"{tiny_lm}.arpa", "translated": tmp_path / "translated.arpa"}, dev, tmp_path / "mix", seed_weight
    )
    built = perplexity(tmp_path / "mix.arpa", (tmp_path / "dev.txt").read_text().splitlines())["ppl"]
    assert stats["tuning"]["dev_ppl"][str(stats["tuning"]["percentile"])] == pytest.approx(built, abs=1e-3)


def test_tuning_on_the_common_vocabulary_scores_as_evaluate_does(tmp_path, tiny_lm):
    """tune_on ppl_common: each candidate's dev perplexity is evaluate's common-vocabulary one over the seed's
    and all translations' words, so a candidate that drops words the dev text uses pays for them."""
    from lmboot.lm.kenlm import arpa_vocabulary, build_lm, perplexity
    from lmboot.lm.mix import build_mix

    targets = assistant_sentences(40, seed=11) + news_sentences(40, seed=6)
    src = write_text(tmp_path / "p.src", ["x y z"] * len(targets))
    tgt = write_text(tmp_path / "p.tgt", targets)
    dev_lines = assistant_sentences(30, seed=17) + news_sentences(10, seed=9)
    dev = write_text(tmp_path / "dev.txt", dev_lines)
    spec = [{"type": "lm_score", "percentile": "tune"}]
    common = lm_filter(
        src,
        tgt,
        f"{tiny_lm}.bin",
        tmp_path / "c.txt",
        spec,
        seed_arpa=f"{tiny_lm}.arpa",
        dev=dev,
        grid=[0, 50],
        tune_on="ppl_common",
    )["tuning"]
    plain = lm_filter(
        src,
        tgt,
        f"{tiny_lm}.bin",
        tmp_path / "p.txt",
        spec,
        seed_arpa=f"{tiny_lm}.arpa",
        dev=dev,
        grid=[0, 50],
        tune_on="ppl",
    )["tuning"]
    assert (common["tune_on"], plain["tune_on"]) == ("ppl_common", "ppl")
    assert common["dev_ppl"]["50"] > plain["dev_ppl"]["50"]  # the dropped news words are charged
    vocabulary = set(arpa_vocabulary(f"{tiny_lm}.arpa")).union(*(t.split() for t in targets))
    lm_filter(src, tgt, f"{tiny_lm}.bin", tmp_path / "half.txt", [{"type": "lm_score", "percentile": 50}])
    build_lm(tmp_path / "half.txt", tmp_path / "half")
    build_mix({"seed": f"{tiny_lm}.arpa", "translated": tmp_path / "half.arpa"}, dev, tmp_path / "mix", "em")
    built = perplexity(tmp_path / "mix.arpa", dev_lines, vocabulary)["ppl_common"]
    assert common["dev_ppl"]["50"] == pytest.approx(built, abs=1e-3)
    with pytest.raises(InputError, match="tune_on"):
        lm_filter(
            src, tgt, f"{tiny_lm}.bin", tmp_path / "x.txt", spec, seed_arpa=f"{tiny_lm}.arpa", dev=dev, tune_on="bleu"
        )
