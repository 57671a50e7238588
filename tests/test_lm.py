import json
import math

import kenlm
import pytest
from conftest import assistant_sentences, make_lm, news_sentences, write_text

from lmboot.errors import InputError
from lmboot.lm.arpa import LOG10_ZERO, ArpaModel
from lmboot.lm.kenlm import build_arpa, sentence_events
from lmboot.lm.mix import build_mix, em_weights, mix_arpa

TEXT_A = assistant_sentences(80)
TEXT_B = news_sentences(80)


@pytest.fixture
def two_models(tmp_path):
    a, b = make_lm(tmp_path, TEXT_A, "a"), make_lm(tmp_path, TEXT_B, "b")
    return a, b, ArpaModel(f"{a}.arpa"), ArpaModel(f"{b}.arpa")


def test_arpa_model_matches_kenlm(tiny_lm):
    arpa, model = ArpaModel(f"{tiny_lm}.arpa"), kenlm.Model(f"{tiny_lm}.bin")
    assert arpa.order == 3 and {"play", "<s>", "</s>", "<unk>"} <= arpa.vocab
    checked = 0
    for sentence in [
        "play hello by adele",
        "set an alarm for noon in the kitchen",
        "turn on the lights by adele",
        "what time is it in paris tomorrow",
    ]:
        events = list(sentence_events(sentence, arpa.order))
        for (word, context), (logprob, _, oov) in zip(events, model.full_scores(sentence)):
            if not oov:
                assert arpa.logprob(word, context) == pytest.approx(logprob, abs=1e-4), (sentence, word)
                checked += 1
    assert checked >= 25
    assert arpa.logprob("zebra", ("<s>",)) == LOG10_ZERO


def test_arpa_model_rejects_non_arpa(tmp_path):
    with pytest.raises(InputError, match="no n-grams"):
        ArpaModel(write_text(tmp_path / "x.arpa", ["hello world"]))


def test_build_arpa_empty_text(tmp_path):
    with pytest.raises(InputError, match="no text"):
        build_arpa(write_text(tmp_path / "empty.txt", ["", "  "]), tmp_path / "e.arpa")
    assert not (tmp_path / "e.arpa").exists()


def test_em_weights_prefers_matching_model(two_models):
    _, _, A, B = two_models
    dev = [s for s in assistant_sentences(120, seed=9) if s not in TEXT_A][:30]
    weights = em_weights([A, B], dev)
    assert weights[0] > 0.8 and sum(weights) == pytest.approx(1, abs=1e-9)
    reverse = em_weights([B, A], news_sentences(30, seed=9))
    assert reverse[0] > 0.8 and sum(reverse) == pytest.approx(1, abs=1e-9)


def unigram_arpa(path, probs):
    """A unigram ARPA model with these word probabilities."""
    lines = ["\\data\\", f"ngram 1={len(probs)}", "", "\\1-grams:"]
    lines += [f"{math.log10(p):.9f}\t{w}" for w, p in probs.items()] + ["", "\\end\\"]
    return ArpaModel(write_text(path, lines))


def test_em_weights_known_mixture(tmp_path):
    """Unigram models a: p(x)=.45 p(y)=.05 p(</s>)=.5, b: x and y swapped. A dev set with 70 % x among x/y
    has its likelihood maximum at 0.45 w + 0.05 (1 - w) = 0.5 * 0.7, i.e. w = 0.75."""

    a = unigram_arpa(tmp_path / "a.arpa", {"x": 0.45, "y": 0.05, "</s>": 0.5})
    b = unigram_arpa(tmp_path / "b.arpa", {"x": 0.05, "y": 0.45, "</s>": 0.5})
    weights = em_weights([a, b], ["x x x y", "x x y", "x x y"], iterations=1000, tol=1e-10)
    assert weights == pytest.approx([0.75, 0.25], abs=1e-3)
    unknown = unigram_arpa(tmp_path / "q.arpa", {"q": 1.0})  # knows no dev word: its weight goes to 0
    assert em_weights([a, unknown], ["x y"])[1] == pytest.approx(0, abs=1e-6)


def test_em_weights_three_components_known_mixture(tmp_path):
    """Three unigram models over x, y, z (p(</s>) = .4 each); each puts .5 of its .6 word mass on its own
    word and .05 on each other one, so p_i(w) = .05 + .45 [w = w_i]. With word shares f = (.5, .3, .2) the
    dev likelihood is maximal where the mixture's word probabilities equal .6 f: .05 + .45 w_i = .6 f_i,
    i.e. w = (25, 13, 7) / 45."""

    models = [
        unigram_arpa(tmp_path / f"{own}.arpa", {w: (0.5 if w == own else 0.05) for w in "xyz"} | {"</s>": 0.4})
        for own in "xyz"
    ]
    dev = ["x x x x x y y y z z"] * 3  # shares .5 / .3 / .2 among the words
    weights = em_weights(models, dev, iterations=5000, tol=1e-12)
    assert weights == pytest.approx([25 / 45, 13 / 45, 7 / 45], abs=1e-3)


def test_build_mix_three_components(tmp_path, two_models):
    """An N-way mix is written as one ARPA whose n-gram probabilities are the weighted sum of the three
    models', with one weight per named component estimated by EM (the seed first)."""
    a, b, A, B = two_models
    c = make_lm(tmp_path, assistant_sentences(60, seed=21) + news_sentences(20, seed=22), "c")
    dev = write_text(tmp_path / "dev.txt", assistant_sentences(20, seed=9) + news_sentences(10, seed=9))
    info = build_mix({"seed": f"{a}.arpa", "news": f"{b}.arpa", "both": f"{c}.arpa"}, dev, tmp_path / "mix")
    assert list(info["weights"]) == ["seed", "news", "both"]
    assert sum(info["weights"].values()) == pytest.approx(1, abs=1e-9) and min(info["weights"].values()) > 0
    models, weights = [A, B, ArpaModel(f"{c}.arpa")], list(info["weights"].values())
    M = ArpaModel(tmp_path / "mix.arpa").ngram_probs()
    for ngram in [("play",), ("<s>", "play"), ("the",)]:
        if ngram in M:
            assert M[ngram] == pytest.approx(_mixture(models, weights, ngram[-1], ngram[:-1]), abs=1e-5)
    fixed = build_mix({"seed": f"{a}.arpa", "news": f"{b}.arpa", "both": f"{c}.arpa"}, dev, tmp_path / "fixed", 0.5)
    rest = fixed["weights"]["news"] + fixed["weights"]["both"]
    assert fixed["weights"]["seed"] == 0.5 and rest == pytest.approx(0.5)
    assert em_weights([B, models[2]], [line for line in dev.read_text().splitlines()])[0] == pytest.approx(
        fixed["weights"]["news"] / rest, abs=1e-6
    )  # the others share the rest as EM on them alone says
    with pytest.raises(InputError, match="at least one other"):
        build_mix({"seed": f"{a}.arpa"}, dev, tmp_path / "one")


def test_em_weights_no_dev(two_models):
    _, _, A, B = two_models
    with pytest.raises(InputError, match="dev"):
        em_weights([A, B], [])


def _mixture(models, weights, word, context):
    return math.log10(sum(w * 10 ** m.logprob(word, context) for w, m in zip(weights, models)))


def test_mix_arpa_explicit_ngrams_and_normalization(tmp_path, two_models):
    _, _, A, B = two_models
    weights = [0.7, 0.3]
    mix_arpa([A, B], weights, tmp_path / "mix.arpa")
    M = ArpaModel(tmp_path / "mix.arpa")
    assert M.order == 3 and M.vocab == A.vocab | B.vocab
    probs = M.ngram_probs()
    assert set(probs) == set(A.ngram_probs()) | set(B.ngram_probs())
    for ngram in [
        ("play",),
        ("the",),
        ("economy",),
        ("</s>",),
        ("<unk>",),
        ("play", "hello"),
        ("of", "france"),
        ("in", "the"),
        ("the", "kitchen"),
        ("the", "economy", "of"),
        ("turn", "off", "the"),
    ]:
        assert ngram in probs, ngram
        expected = _mixture([A, B], weights, ngram[-1], ngram[:-1])
        assert probs[ngram] == pytest.approx(expected, abs=1e-4), ngram
        assert M.explicit(ngram) == probs[ngram]
    assert probs[("<s>",)] == LOG10_ZERO and M.explicit(("no", "such")) is None
    vocab = M.vocab - {"<s>"}
    for context in [
        (),
        ("<s>",),
        ("play",),
        ("the",),
        ("<s>", "play"),
        ("in", "the"),
        ("economy", "of"),
        ("the", "kitchen"),
        ("kitchen", "economy"),
    ]:
        assert sum(10 ** M.logprob(w, context) for w in vocab) == pytest.approx(1, abs=1e-3), context
    for model in (A, B):  # the inputs are normalized the same way (a sanity check of the check)
        assert sum(10 ** model.logprob(w, ("the",)) for w in model.vocab - {"<s>"}) == pytest.approx(1, abs=1e-3)


def test_mix_arpa_loads_in_kenlm(tmp_path, two_models):
    _, _, A, B = two_models
    mix_arpa([A, B], [0.4, 0.6], tmp_path / "mix.arpa")
    model, M = kenlm.Model(str(tmp_path / "mix.arpa")), ArpaModel(tmp_path / "mix.arpa")
    assert model.order == 3
    sentence = "play hello by adele in the kitchen of france"
    for (word, context), (logprob, _, oov) in zip(sentence_events(sentence, 3), model.full_scores(sentence)):
        assert not oov and logprob == pytest.approx(M.logprob(word, context), abs=1e-4)


@pytest.mark.parametrize("weights", [[0.5, 0.6], [1.2, -0.2], [0.3, 0.3]])
def test_mix_arpa_bad_weights(tmp_path, two_models, weights):
    _, _, A, B = two_models
    with pytest.raises(InputError, match="lm.weights"):
        mix_arpa([A, B], weights, tmp_path / "mix.arpa")
    assert not (tmp_path / "mix.arpa").exists()


def test_build_mix_fixed_weight(tmp_path, two_models):
    a, b, _, _ = two_models
    dev = write_text(tmp_path / "dev.txt", TEXT_A[:5])
    info = build_mix({"seed": f"{a}.arpa", "translated": f"{b}.arpa"}, dev, tmp_path / "mix", 0.25)
    saved = json.loads((tmp_path / "mix.json").read_text())
    assert saved == info
    assert info["weights"] == {"seed": 0.25, "translated": 0.75} and info["method"] == "fixed"
    assert info["dev_perplexity"] > 1
    assert sum(saved["weights"].values()) == pytest.approx(1)
    assert kenlm.Model(str(tmp_path / "mix.bin")).order == 3


def test_build_mix_em(tmp_path, two_models):
    a, b, _, _ = two_models
    dev = write_text(tmp_path / "dev.txt", [s for s in assistant_sentences(120, seed=9) if s not in TEXT_A][:30])
    info = build_mix({"seed": f"{a}.arpa", "translated": f"{b}.arpa"}, dev, tmp_path / "mix")
    assert info["method"] == "em" and info["weights"]["seed"] > 0.8
    assert sum(info["weights"].values()) == pytest.approx(1, abs=1e-9)
    assert json.loads((tmp_path / "mix.json").read_text()) == info


def test_em_mix_has_the_lowest_dev_perplexity(tmp_path, two_models):
    a, b, _, _ = two_models
    dev = write_text(tmp_path / "dev.txt", [s for s in assistant_sentences(120, seed=9) if s not in TEXT_A][:30])
    em = build_mix({"seed": f"{a}.arpa", "translated": f"{b}.arpa"}, dev, tmp_path / "em")
    for weight in (0.1, 0.5, 0.95):
        fixed = build_mix({"seed": f"{a}.arpa", "translated": f"{b}.arpa"}, dev, tmp_path / f"w{weight}", weight)
        assert em["dev_perplexity"] <= fixed["dev_perplexity"] + 1e-9, weight


def test_log10_per_word_counts_the_end_of_sentence(tmp_path):
    """A bigram ARPA with known probabilities: 'a b' scores (log p(a|<s>) + log p(b) + log p(</s>)) / 3 (no
    bigram but <s> a, back-off weights 0 but <s>'s), the empty sentence log p(</s>|<s>) = bow(<s>) + log p(</s>)."""
    from lmboot.lm.kenlm import load_model, log10_per_word

    arpa = write_text(
        tmp_path / "b.arpa",
        [
            "\\data\\",
            "ngram 1=5",
            "ngram 2=1",
            "",
            "\\1-grams:",
            "-1.0\t<unk>",
            "-99\t<s>\t-0.2",
            "-0.30103\t</s>",
            "-0.5\ta",
            "-0.25\tb",
            "",
            "\\2-grams:",
            "-0.1\t<s> a",
            "",
            "\\end\\",
        ],
    )
    assert log10_per_word(load_model(arpa), "a b") == pytest.approx((-0.1 - 0.25 - 0.30103) / 3, abs=1e-5)
    assert log10_per_word(load_model(arpa), "") == pytest.approx(-0.2 - 0.30103, abs=1e-5)


@pytest.mark.parametrize(
    "cut, message",
    [
        ("line", r"truncated or malformed ARPA file: \d+ of the \d+ 2-grams; 0 of the \d+ 3-grams its header declares"),
        ("mid-line", r"truncated.arpa:\d+: not an ARPA n-gram line"),
        ("end", r"truncated or malformed ARPA file: no \\end\\ line"),
    ],
)
def test_mix_refuses_a_truncated_arpa_and_writes_nothing(tmp_path, two_models, cut, message):
    a, b, _, _ = two_models
    data = b.with_suffix(".arpa").read_bytes()
    second = data.index(b"\\2-grams:")
    end = {
        "line": data.rindex(b"\n", 0, second + 300) + 1,
        "mid-line": data.index(b"\t", second + 300),
        "end": data.rindex(b"\\end\\"),
    }[cut]
    truncated = tmp_path / "truncated.arpa"
    truncated.write_bytes(data[:end])
    dev = write_text(tmp_path / "dev.txt", assistant_sentences(20, seed=3))
    with pytest.raises(InputError, match=message):
        build_mix({"seed": f"{a}.arpa", "other": truncated}, dev, tmp_path / "mixed")
    assert not list(tmp_path.glob("mixed*"))


def test_arpa_model_rejects_ngram_without_its_context(tmp_path):
    """Back-off lookups index an n-gram by its context's row: an n-gram whose context is no n-gram of the
    model is refused with the file named, as a line of the wrong order or with an unknown word is."""

    def arpa(name, bigrams, trigrams):
        lines = [
            "\\data\\",
            "ngram 1=4",
            f"ngram 2={len(bigrams)}",
            f"ngram 3={len(trigrams)}",
            "",
            "\\1-grams:",
            "-99\t<s>\t-0.3",
            "-0.5\ta\t-0.2",
            "-0.5\tb\t-0.2",
            "-0.5\t</s>",
            "",
            "\\2-grams:",
            *bigrams,
            "",
            "\\3-grams:",
            *trigrams,
            "",
            "\\end\\",
        ]
        return ArpaModel(write_text(tmp_path / name, lines))

    model = arpa("ok.arpa", ["-0.1\ta b\t-0.1", "-0.2\tb </s>"], ["-0.05\ta b </s>"])
    assert model.logprob("</s>", ("a", "b")) == -0.05 and model.logprob("</s>", ("b", "b")) == -0.2
    assert model.logprob("</s>", ("a", "a")) == pytest.approx(-0.7)  # no "a a", no "a </s>": bow(a) + p(</s>)
    with pytest.raises(InputError, match=r"bad\.arpa: the 3-gram in row 1 .* no 2-gram"):
        arpa("bad.arpa", ["-0.2\tb </s>"], ["-0.05\ta b </s>"])
    with pytest.raises(InputError, match=r"order\.arpa:13: not an ARPA n-gram line"):
        arpa("order.arpa", ["-0.1\ta b </s>"], [])
    with pytest.raises(InputError, match=r"word\.arpa:13: not an ARPA n-gram line"):
        arpa("word.arpa", ["-0.1\ta c"], [])


def test_arpa_model_refuses_an_ngram_listed_twice(tmp_path):
    head = ["\\data\\", "ngram 1=3", "ngram 2=2", "", "\\1-grams:", "-99\t<s>\t-0.3", "-0.5\ta\t-0.2"]
    with pytest.raises(InputError, match=r"twice\.arpa:8: the 1-gram 'a' is listed twice"):
        ArpaModel(
            write_text(
                tmp_path / "twice.arpa", head + ["-0.5\ta", "", "\\2-grams:", "-0.1\ta a", "-0.1\ta a", "", "\\end\\"]
            )
        )
    with pytest.raises(InputError, match=r"twice2\.arpa: the 2-gram in row 2 of its section is listed twice"):
        ArpaModel(
            write_text(
                tmp_path / "twice2.arpa",
                head + ["-0.5\t</s>", "", "\\2-grams:", "-0.1\ta </s>", "-0.2\ta </s>", "", "\\end\\"],
            )
        )


def test_arpa_model_matches_kenlm_at_order_4(tmp_path):
    """Back-off over contexts shorter and longer than the model's order (sentence starts included)."""
    text = write_text(tmp_path / "t.txt", assistant_sentences(80, seed=4) + news_sentences(40, seed=5))
    build_arpa(text, tmp_path / "o4.arpa", 4)
    arpa, model = ArpaModel(tmp_path / "o4.arpa"), kenlm.Model(str(tmp_path / "o4.arpa"))
    checked = 0
    for sentence in assistant_sentences(20, seed=11) + news_sentences(10, seed=12):
        for (word, context), (logprob, _, oov) in zip(sentence_events(sentence, 4), model.full_scores(sentence)):
            if not oov:
                assert arpa.logprob(word, context) == pytest.approx(logprob, abs=1e-4), (sentence, word)
                checked += 1
    assert checked > 200
