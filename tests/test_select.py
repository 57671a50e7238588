import json
import zlib

import numpy as np
import pytest

from conftest import assistant_sentences, news_sentences, write_text
from lmboot.corpus import read_lines
from lmboot.errors import InputError
from lmboot.select import centroid, cut, select


class HashEncoder:
    """Test double of the Encoder interface: bag of content words hashed into 1024 dims, unit length."""

    STOP = {"the", "a", "an", "of", "in", "on", "for", "at", "to", "by", "me", "my", "is", "it", "this", "last", "next"}

    def encode(self, texts):
        out = np.zeros((len(texts), 1024), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in set(text.split()) - self.STOP:
                out[i, zlib.crc32(w.encode()) % 1024] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


SEED = assistant_sentences(40, seed=3)
IN = [s for s in assistant_sentences(80, seed=4) if s not in SEED][:10]
NEWS = news_sentences(30, seed=5)
GENERAL = [s for pair in zip(NEWS[:10], IN) for s in pair] + NEWS[10:]  # 10 assistant lines among 40


@pytest.fixture
def files(tmp_path):
    return {"general_src": write_text(tmp_path / "g.src", [f"src {i}" for i in range(len(GENERAL))]),
            "general_tgt": write_text(tmp_path / "g.tgt", GENERAL),
            "seed": write_text(tmp_path / "seed.tgt", SEED), "out_dir": tmp_path / "sel"}


def test_top_k_keeps_in_domain_aligned(files):
    stats = select(**files, encoder=HashEncoder(), keep={"top_k": 10, "threshold": None})
    out = files["out_dir"]
    kept_src, kept_tgt = read_lines(out / "kept.src"), read_lines(out / "kept.tgt")
    assert set(kept_tgt) == set(IN)
    assert kept_src == [f"src {GENERAL.index(t)}" for t in kept_tgt]
    assert stats["general"] == 40 and stats["kept"] == 10 and stats["kept_fraction"] == 0.25
    rows = [line.split("\t") for line in read_lines(out / "distances.tsv")]
    assert rows[0] == ["row", "distance", "kept"] and len(rows) == 41
    assert [int(r[0]) for r in rows[1:]] == list(range(40))
    assert {GENERAL[int(r[0])] for r in rows[1:] if r[2] == "1"} == set(IN)
    assert max(float(r[1]) for r in rows[1:] if r[2] == "1") < min(float(r[1]) for r in rows[1:] if r[2] == "0")
    assert json.loads((out / "select.json").read_text())["kept"] == 10


def test_top_fraction(files):
    stats = select(**files, encoder=HashEncoder(), keep={"top_fraction": 0.25})
    assert stats["kept"] == 10 and set(read_lines(files["out_dir"] / "kept.tgt")) == set(IN)


def test_threshold(files):
    select(**files, encoder=HashEncoder(), keep={"top_k": 40})
    rows = [line.split("\t") for line in read_lines(files["out_dir"] / "distances.tsv")[1:]]
    d = {GENERAL[int(r[0])]: float(r[1]) for r in rows}
    threshold = (max(d[s] for s in IN) + min(d[s] for s in NEWS)) / 2
    stats = select(**files, encoder=HashEncoder(), keep={"threshold": threshold})
    assert set(read_lines(files["out_dir"] / "kept.tgt")) == set(IN)
    assert stats["max_kept_distance"] <= threshold


def test_centroid_is_unit_mean():
    enc = HashEncoder()
    c = centroid(enc, SEED)
    mean = enc.encode(SEED).mean(axis=0)
    assert np.allclose(c, mean / np.linalg.norm(mean), atol=1e-6)


def test_cut_rules():
    d = np.array([0.5, 0.1, 0.3, 0.9])
    assert cut(d, {"top_k": 2}).tolist() == [False, True, True, False]
    assert cut(d, {"top_fraction": 0.25}).tolist() == [False, True, False, False]
    assert cut(d, {"threshold": 0.5}).tolist() == [True, True, True, False]
    assert cut(d, {"top_k": 99}).all()
    for keep in ({}, {"top_k": 2, "threshold": 0.5}, {"top_k": None}):
        with pytest.raises(InputError, match="exactly one"):
            cut(d, keep)


def test_mismatched_general_files(files):
    write_text(files["general_src"], ["only one line"])
    with pytest.raises(InputError, match="g.src"):
        select(**files, encoder=HashEncoder(), keep={"top_k": 3})


def test_real_encoder_ranks_assistant_closer():
    from lmboot.embed import load_encoder

    enc = load_encoder("sentence-transformers")
    seed = ["set an alarm for seven am", "play some jazz music", "what is the weather tomorrow",
            "turn off the kitchen lights", "remind me to call mom at noon"]
    vecs = enc.encode(["wake me up at six thirty please", "the central bank raised interest rates by half a point"])
    assert vecs.shape == (2, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    sims = vecs @ centroid(enc, seed)
    assert sims[0] > sims[1] + 0.1


def test_multilingual_encoder_ranks_spanish_assistant_closer():
    from lmboot.embed import load_encoder

    enc = load_encoder("usem", batch_size=2)
    seed = ["pon una alarma a las siete", "pon música de jazz", "qué tiempo hará mañana",
            "apaga las luces de la cocina", "recuérdame llamar a mamá a mediodía"]
    vecs = enc.encode(["despiértame a las seis y media", "el banco central subió los tipos de interés medio punto",
                       "wake me up at six thirty"])
    assert vecs.shape == (3, 512) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    sims = vecs @ centroid(enc, seed)
    assert sims[0] > sims[1] + 0.1 and sims[2] > sims[1]  # across languages too


def test_unknown_backend():
    from lmboot.embed import load_encoder

    with pytest.raises(InputError, match="select.backend"):
        load_encoder("word2vec")


def test_threshold_keeping_nothing(files):
    with pytest.raises(InputError, match="select.keep.*keeps no line of .*g.tgt"):
        select(**files, encoder=HashEncoder(), keep={"threshold": 0.01})
    assert not (files["out_dir"] / "kept.tgt").exists()


def test_moore_lewis_ranks_in_domain_above_out_of_domain(tmp_path):
    from lmboot.select import moore_lewis_scores

    seed = write_text(tmp_path / "seed.txt", assistant_sentences(60, seed=1))
    in_domain, out_domain = assistant_sentences(20, seed=2), news_sentences(20, seed=3)
    general = write_text(tmp_path / "general.txt", [s for pair in zip(in_domain, out_domain) for s in pair])
    scores = moore_lewis_scores(general, seed)
    assert len(scores) == 40
    assert scores[0::2].max() < scores[1::2].min()  # every in-domain line ranks above every news line


@pytest.mark.parametrize("method", ["moore-lewis", "combined"])
def test_select_with_moore_lewis_and_combined(tmp_path, method):
    seed = write_text(tmp_path / "seed.txt", assistant_sentences(60, seed=1))
    tgt = assistant_sentences(10, seed=2) + news_sentences(30, seed=3)
    files = {"general_src": write_text(tmp_path / "g.src", [f"src {i}" for i in range(40)]),
             "general_tgt": write_text(tmp_path / "g.tgt", tgt), "seed": seed, "out_dir": tmp_path / method}
    stats = select(**files, encoder=HashEncoder(), keep={"top_k": 10}, method=method)
    assert stats["method"] == method and stats["kept"] == 10
    assert (tmp_path / method / "kept.src").read_text().splitlines() == [f"src {i}" for i in range(10)]
    assert (tmp_path / method / "histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
