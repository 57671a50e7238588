"""lmboot export: each file loaded by the consumer it is written for (KenLM, flashlight-text, pyctcdecode,
kaldifst) and the pruned ARPA chosen on dev."""

import json

import kenlm
import numpy as np
import pytest
from conftest import make_lm, write_text
from test_ctc import ASR, SHOPPING, SONGS, SPELLINGS, frames, write_lexicon

from lmboot.asr.ctc import Decoder, HamaCTC
from lmboot.errors import InputError
from lmboot.lm.export import export
from lmboot.lm.kenlm import arpa_ngram_count, arpa_vocabulary, perplexity

TOKENS = HamaCTC().tokens


@pytest.fixture
def exported(tmp_path):
    words = sorted(SPELLINGS)
    lm = make_lm(tmp_path, (SONGS + SHOPPING) * 4 + [" ".join(words)], "lm")
    dev = write_text(tmp_path / "dev.txt", ["play the song by adele", "buy milk and bread"])
    stats = export(
        f"{lm}.arpa",
        f"{lm}.bin",
        write_lexicon(tmp_path / "lexicon", words),
        TOKENS,
        dev,
        tmp_path / "export",
        [1e-6, 1e-3, 0.5],
        0.05,
    )
    return tmp_path / "export", lm, dev, stats


def test_every_file_is_written_and_named_in_export_json(exported):
    out, lm, _, _ = exported
    record = json.loads((out / "export.json").read_text())
    assert set(record["files"]) | {"export.json"} == {p.name for p in out.iterdir()}
    assert (out / "lm.arpa").read_bytes() == lm.with_suffix(".arpa").read_bytes()
    assert (out / "unigrams.txt").read_text().split() == arpa_vocabulary(f"{lm}.arpa")
    assert (out / "tokens.txt").read_text().splitlines() == TOKENS


def test_the_binary_lexicon_and_tokens_load_in_flashlight(exported):
    out, _, _, _ = exported
    tokens = (out / "tokens.txt").read_text().splitlines()
    decoder = Decoder(tokens, out / "lexicon.txt", out / "lm.bin", ASR)
    assert decoder.decode([frames("play the song by adele".split()), frames(["buy", "milk"])], 2.0, 0.0) == [
        "play the song by adele",
        "buy milk",
    ]


def test_the_arpa_and_unigrams_load_in_pyctcdecode(exported):
    from pyctcdecode import build_ctcdecoder

    out, _, _, _ = exported
    labels = [""] + list("abcdefghijklmnopqrstuvwxyz") + [" "]
    decoder = build_ctcdecoder(
        labels, kenlm_model_path=str(out / "lm.arpa"), unigrams=(out / "unigrams.txt").read_text().split()
    )
    text = "buy milk and bread"
    probs = np.full((2 * len(text), len(labels)), 1e-4)
    for i, char in enumerate(text):
        probs[2 * i, labels.index(char)], probs[2 * i + 1, 0] = 1, 1
    assert decoder.decode(np.log(probs / probs.sum(1, keepdims=True))) == text


def test_g_fst_reads_back_with_kaldifst_over_words_txt(exported):
    import kaldifst

    out, lm, _, _ = exported
    fst = kaldifst.StdVectorFst.read(str(out / "G.fst"))
    symbols = dict(line.split() for line in (out / "words.txt").read_text().splitlines())
    assert set(arpa_vocabulary(f"{lm}.arpa")) <= set(symbols) and "#0" in symbols
    labels = {
        arc.olabel
        for state in kaldifst.StateIterator(fst)
        for arc in kaldifst.ArcIterator(fst, state.value if hasattr(state, "value") else state)
    }
    assert {int(symbols[w]) for w in ("adele", "milk", "buy")} <= labels
    assert int(symbols["#0"]) in {
        arc.ilabel
        for state in kaldifst.StateIterator(fst)
        for arc in kaldifst.ArcIterator(fst, state.value if hasattr(state, "value") else state)
    }


def test_the_pruned_arpa_is_the_largest_threshold_within_the_dev_tolerance(exported):
    out, lm, dev, stats = exported
    pruning = json.loads((out / "export.json").read_text())["pruning"]
    assert pruning["grid"] == ["0", "1e-06", "0.001", "0.5"] and pruning["criterion"] == "dev_ppl"
    whole = pruning["measure"]["0"]
    within = [t for t in pruning["grid"][1:] if pruning["measure"][t] <= whole * 1.05]
    assert pruning["choice"] == (within[-1] if within else "0")
    assert pruning["ngrams"]["0.5"] < pruning["ngrams"]["0"]  # a large threshold does prune
    model = kenlm.Model(str(out / "pruned.arpa"))
    assert arpa_ngram_count(out / "pruned.arpa") == pruning["ngrams"][pruning["choice"]]
    sentences = dev.read_text().splitlines()
    assert perplexity(out / "pruned.arpa", sentences)["ppl"] == pytest.approx(pruning["measure"][pruning["choice"]])
    assert model.order == 3 and set(arpa_vocabulary(out / "pruned.arpa")) == set(arpa_vocabulary(f"{lm}.arpa"))


def test_a_file_that_is_not_an_arpa_is_refused(tmp_path):
    with pytest.raises(InputError, match="not an ARPA file"):
        arpa_ngram_count(write_text(tmp_path / "x.arpa", ["hello world"]))
