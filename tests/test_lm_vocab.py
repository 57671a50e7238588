import json
import sys

import pytest
from conftest import assistant_sentences, news_sentences, write_text

from lmboot.component_lm import build_component, vocabulary_cut, word_counts
from lmboot.errors import InputError
from lmboot.lm.kenlm import arpa_vocabulary

_forbidden: set[str] = set()


def _refuse_forbidden_opens(event, args):
    if event == "open" and args and str(args[0]) in _forbidden:
        raise AssertionError(f"opened {args[0]}: choices must be made on dev, never on test")


sys.addaudithook(_refuse_forbidden_opens)  # audit hooks stay for the process: it checks only listed paths


@pytest.fixture
def no_test_reads(tmp_path):
    """A test set beside dev that any open() during the test fails on."""
    test = write_text(tmp_path / "test.txt", assistant_sentences(20, seed=99))
    _forbidden.add(str(test))
    yield test
    _forbidden.discard(str(test))


def test_vocabulary_cut_keeps_words_seen_often_enough(tmp_path):
    counts = word_counts(write_text(tmp_path / "t.txt", ["a b c", "a b", "a"]))
    assert vocabulary_cut(counts, 1) == ["a", "b", "c"]
    assert vocabulary_cut(counts, 2) == ["a", "b"] and vocabulary_cut(counts, 3) == ["a"]


def test_the_refusing_hook_can_fail(no_test_reads):
    with pytest.raises(AssertionError, match="never on test"):
        no_test_reads.read_text()


def test_the_cut_is_chosen_on_dev_and_its_lm_lacks_the_rare_words(tmp_path, tiny_lm, no_test_reads):
    """Rare words (seen once) are left out of the cut-2 LM; the cut kept is the one with the lowest dev
    perplexity over one vocabulary among the candidates, all written down, and the test set is not read."""
    from lmboot.lm.kenlm import perplexity
    from lmboot.lm.mix import build_mix

    text = assistant_sentences(60, seed=3) * 2 + news_sentences(30, seed=4)  # news words seen once or more
    text += [f"zyx{i} appears once" for i in range(30)]
    general = write_text(tmp_path / "general.txt", text)
    dev = write_text(tmp_path / "dev.txt", assistant_sentences(30, seed=17) + news_sentences(10, seed=9))
    info = build_component(general, tmp_path / "general", 3, [1, 2, 3], f"{tiny_lm}.arpa", dev)
    assert json.loads((tmp_path / "general.json").read_text()) == info
    curve = {int(c): v for c, v in info["dev_ppl_common"].items()}
    assert set(curve) == {1, 2, 3} and info["min_count"] == min(curve, key=lambda c: (curve[c], -c))
    sizes = info["vocabulary_by_cut"]
    assert sizes["1"] > sizes["2"] >= sizes["3"] and info["vocabulary"] == sizes[str(info["min_count"])]
    words = set(arpa_vocabulary(tmp_path / "general.arpa"))
    assert len(words) == info["vocabulary"] and ("zyx0" in words) == (info["min_count"] == 1)
    # the curve is the dev perplexity of the LM as built: seed + the cut LM, mixed as the final LM is
    build_component(general, tmp_path / "cut2", 3, [2])
    assert "zyx0" not in set(arpa_vocabulary(tmp_path / "cut2.arpa"))
    build_mix({"seed": f"{tiny_lm}.arpa", "general": tmp_path / "cut2.arpa"}, dev, tmp_path / "mix")
    vocabulary = set(arpa_vocabulary(f"{tiny_lm}.arpa")) | set(word_counts(general))
    dev_lines = dev.read_text().splitlines()
    assert perplexity(tmp_path / "mix.arpa", dev_lines, vocabulary)["ppl_common"] == pytest.approx(curve[2], abs=1e-3)


def test_one_cut_builds_without_dev_and_several_need_it(tmp_path):
    general = write_text(tmp_path / "general.txt", assistant_sentences(30))
    info = build_component(general, tmp_path / "g", 3, [1])
    assert info["min_count"] == 1 and info["dev_ppl_common"] == {} and (tmp_path / "g.bin").is_file()
    with pytest.raises(InputError, match="lm.vocab_min_count"):
        build_component(general, tmp_path / "h", 3, [1, 2])
    with pytest.raises(InputError, match="lm.vocab_min_count: no word"):
        build_component(general, tmp_path / "i", 3, [1000])
    assert not (tmp_path / "i.arpa").exists()


def test_a_stated_size_prunes_each_cut_to_fit(tmp_path, tiny_lm):
    """lm.component_max_ngrams: every candidate cut is count-pruned (n-grams of order 2 and up seen at most t
    times dropped, t doubling from 1) until it holds at most that many n-grams, every word kept; a size below
    the vocabulary is one clear line."""
    from lmboot.lm.kenlm import arpa_ngram_count

    text = assistant_sentences(60, seed=3) * 3 + assistant_sentences(60, seed=5) + news_sentences(60, seed=4)
    general = write_text(tmp_path / "general.txt", text)
    dev = write_text(tmp_path / "dev.txt", assistant_sentences(30, seed=17))
    whole = build_component(general, tmp_path / "whole", 3, [1])
    assert whole["prune"] == 0 and whole["ngrams"] == arpa_ngram_count(tmp_path / "whole.arpa")
    stated = whole["ngrams"] * 2 // 3
    info = build_component(general, tmp_path / "fit", 3, [1, 2], f"{tiny_lm}.arpa", dev, max_ngrams=stated)
    assert info["ngrams"] == arpa_ngram_count(tmp_path / "fit.arpa") <= stated and info["prune"] >= 1
    assert all(n <= stated for n in info["ngrams_by_cut"].values()) and info["max_ngrams"] == stated
    cut = info["min_count"]
    assert set(arpa_vocabulary(tmp_path / "fit.arpa")) == set(vocabulary_cut(word_counts(general), cut))
    with pytest.raises(InputError, match=r"lm.component_max_ngrams: 100 n-grams cannot hold the .* words"):
        build_component(general, tmp_path / "tiny", 3, [1], max_ngrams=100)
