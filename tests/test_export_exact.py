"""lmboot export's own G.fst and entropy pruning (over the ARPA's arrays: lmboot/lm/arpa_compact.py,
grammar_fst.py, entropy_prune.py) write the very bytes of kaldilm's arpa2fst and of kaldingram's pruning,
on lmplz's 2-, 3- and 4-gram models, a mixture (lmboot.lm.mix: -99 for <s>, back-off weights only on
contexts), a model some of whose contexts have no back-off weight, and pruned ones (n-grams whose last n-1
words are no n-gram: Kaldi gives them states of their own)."""

import logging

import numpy as np
import pytest
from conftest import assistant_sentences, make_lm, news_sentences, write_text

from lmboot.errors import InputError
from lmboot.lm.arpa import ArpaModel
from lmboot.lm.arpa_compact import CompactArpa
from lmboot.lm.export import grammar_fst, prune_arpa
from lmboot.lm.mix import mix_arpa

THRESHOLDS = [1e-6, 1e-4, 1e-3, 1e-2, 0.1]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("models")
    text = assistant_sentences(120) + news_sentences(120)
    arpas = {f"o{order}": f"{make_lm(tmp, text, f'o{order}', order)}.arpa" for order in (2, 3, 4)}
    other = f"{make_lm(tmp, assistant_sentences(80, seed=1), 'other')}.arpa"
    arpas["mix"] = str(tmp / "mix.arpa")
    mix_arpa([ArpaModel(arpas["o3"]), ArpaModel(other)], [0.7, 0.3], arpas["mix"])
    lines, section = [], 0
    for i, line in enumerate(open(arpas["o3"], encoding="utf-8").read().splitlines()):
        section = int(line[1]) if line.endswith("-grams:") else section
        lines.append(line.rsplit("\t", 1)[0] if section == 2 and line.count("\t") == 2 and i % 3 else line)
    arpas["some_bows_missing"] = str(write_text(tmp / "some_bows_missing.arpa", lines))
    return tmp, arpas


def kaldingram_pruned(arpa, threshold: float) -> str:
    """What lmboot export wrote before its own pruning: kaldingram's, with the header recounted."""
    from kaldingram.prune import ArpaParser, prune

    logging.disable(logging.INFO)
    parser = ArpaParser()
    lm = parser.loadf(str(arpa), encoding="utf-8")[0]
    prune(lm, threshold, 2)
    sections, order = {}, 0
    for line in parser.dumps(lm).splitlines():
        if line.endswith("-grams:") and line.startswith("\\"):
            order = int(line[1:].split("-")[0])
            sections[order] = []
        elif line.startswith("\\end"):
            order = 0
        elif order and line.strip():
            sections[order].append(line)
    kept = {n: lines for n, lines in sections.items() if lines}
    parts = ["", "\\data\\"] + [f"ngram {n}={len(lines)}" for n, lines in kept.items()]
    for n, lines in kept.items():
        parts += ["", f"\\{n}-grams:"] + lines
    return "\n".join(parts + ["", "\\end\\", ""])


def kaldilm_fst(arpa, out):
    import kaldilm

    out.mkdir(parents=True, exist_ok=True)
    kaldilm.arpa2fst(
        str(arpa),
        str(out / "G.fst"),
        disambig_symbol="#0",
        write_symbol_table=str(out / "words.txt"),
        max_arpa_warnings=0,
    )
    return (out / "words.txt").read_bytes(), (out / "G.fst").read_bytes()


@pytest.mark.parametrize("name", ["o2", "o3", "o4", "mix", "some_bows_missing"])
def test_pruned_arpas_are_kaldingram_s_text(models, name):
    tmp, arpas = models
    lm = CompactArpa(arpas[name])
    for threshold in THRESHOLDS:
        out = tmp / f"{name}.{threshold}.pruned.arpa"
        counts = prune_arpa(arpas[name], threshold, out, lm)
        assert out.read_text(encoding="utf-8") == kaldingram_pruned(arpas[name], threshold), threshold
        assert sum(counts.values()) <= lm.size()
    assert sum(counts.values()) < lm.size()  # the largest threshold does prune


@pytest.mark.parametrize("name", ["o2", "o3", "o4", "mix", "some_bows_missing", "pruned"])
def test_g_fst_and_words_txt_are_kaldilm_s_bytes(models, name):
    tmp, arpas = models
    arpa = arpas.get(name, tmp / "o3.pruned.arpa")
    if name == "pruned":  # some 3-grams' last two words are no 2-gram of it: states of their own in G.fst
        prune_arpa(arpas["o3"], 1e-2, arpa)
        lm = CompactArpa(arpa)
        assert (lm.find(lm.ids(3, np.arange(lm.count(3)))[:, 1:]) < 0).any()
    ours = tmp / f"ours.{name}"
    ours.mkdir()
    grammar_fst(arpa, ours)
    assert ((ours / "words.txt").read_bytes(), (ours / "G.fst").read_bytes()) == kaldilm_fst(arpa, tmp / f"k.{name}")


def test_a_context_that_is_no_n_gram_an_unknown_word_and_a_short_file_are_refused(tmp_path):
    good = [
        "\\data\\",
        "ngram 1=3",
        "ngram 2=1",
        "ngram 3=1",
        "",
        "\\1-grams:",
        "-1.0\t<s>\t-0.5",
        "-1.0\t</s>",
        "-1.0\ta\t-0.3",
        "",
        "\\2-grams:",
        "-0.5\t<s> a\t-0.1",
        "",
        "\\3-grams:",
        "-0.2\t<s> a </s>",
        "",
        "\\end\\",
    ]
    assert CompactArpa(write_text(tmp_path / "good.arpa", good)).size() == 5
    with pytest.raises(InputError, match="has a context that is no 2-gram"):
        CompactArpa(write_text(tmp_path / "bad.arpa", good[:14] + ["-0.2\ta a </s>"] + good[15:]))
    with pytest.raises(InputError, match="not an ARPA n-gram line"):
        CompactArpa(write_text(tmp_path / "unknown.arpa", good[:14] + ["-0.2\t<s> a b"] + good[15:]))
    with pytest.raises(InputError, match="truncated or malformed"):
        CompactArpa(write_text(tmp_path / "short.arpa", good[:-2]))
