import json
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import assistant_sentences, news_sentences, write_text

from lmboot.data.corpus import read_lines
from lmboot.errors import InputError
from lmboot.select.scorers import centroid
from lmboot.select.selection import choose_cut, cut, read_distances, select, select_cut


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
    return {
        "general_src": write_text(tmp_path / "g.src", [f"src {i}" for i in range(len(GENERAL))]),
        "general_tgt": write_text(tmp_path / "g.tgt", GENERAL),
        "seed": write_text(tmp_path / "seed.tgt", SEED),
        "out_dir": tmp_path / "sel",
    }


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
    from lmboot.select.embed import load_encoder

    enc = load_encoder("sentence-transformers", None, 64)
    seed = [
        "set an alarm for seven am",
        "play some jazz music",
        "what is the weather tomorrow",
        "turn off the kitchen lights",
        "remind me to call mom at noon",
    ]
    vecs = enc.encode(["wake me up at six thirty please", "the central bank raised interest rates by half a point"])
    assert vecs.shape == (2, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    sims = vecs @ centroid(enc, seed)
    assert sims[0] > sims[1] + 0.1


def test_multilingual_encoder_ranks_spanish_assistant_closer():
    from lmboot.select.embed import load_encoder

    enc = load_encoder("usem", None, 2)
    seed = [
        "pon una alarma a las siete",
        "pon música de jazz",
        "qué tiempo hará mañana",
        "apaga las luces de la cocina",
        "recuérdame llamar a mamá a mediodía",
    ]
    vecs = enc.encode(
        [
            "despiértame a las seis y media",
            "el banco central subió los tipos de interés medio punto",
            "wake me up at six thirty",
        ]
    )
    assert vecs.shape == (3, 512) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    sims = vecs @ centroid(enc, seed)
    assert sims[0] > sims[1] + 0.1 and sims[2] > sims[1]  # across languages too


def test_unknown_backend():
    from lmboot.select.embed import load_encoder

    with pytest.raises(InputError, match="select.backend"):
        load_encoder("word2vec", None, 64)


def test_threshold_keeping_nothing(files):
    with pytest.raises(InputError, match="select.keep.*keeps no line of .*g.tgt"):
        select(**files, encoder=HashEncoder(), keep={"threshold": 0.01})
    assert not (files["out_dir"] / "kept.tgt").exists()


def test_moore_lewis_ranks_in_domain_above_out_of_domain(tmp_path):
    from lmboot.select.scorers import moore_lewis_scores

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
    files = {
        "general_src": write_text(tmp_path / "g.src", [f"src {i}" for i in range(40)]),
        "general_tgt": write_text(tmp_path / "g.tgt", tgt),
        "seed": seed,
        "out_dir": tmp_path / method,
    }
    stats = select(**files, encoder=HashEncoder(), keep={"top_k": 10}, method=method)
    assert stats["method"] == method and stats["kept"] == 10
    assert (tmp_path / method / "kept.src").read_text().splitlines() == [f"src {i}" for i in range(10)]
    assert (tmp_path / method / "histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_select_cut_reuses_the_ranking(files, tmp_path):
    select(**files, encoder=HashEncoder(), keep={"top_k": 10})
    distances = read_distances(files["out_dir"] / "distances.tsv")
    assert len(distances) == len(GENERAL)
    stats = select_cut(
        files["out_dir"] / "distances.tsv",
        files["general_src"],
        files["general_tgt"],
        {"top_fraction": 0.5},
        tmp_path / "cut0",
    )
    kept = read_lines(tmp_path / "cut0/kept.tgt")
    assert stats["kept"] == len(kept) == 20
    assert set(IN) <= set(kept)  # the in-domain lines rank first
    assert kept == [g for g in GENERAL if g in set(kept)]  # corpus order, sides aligned
    assert read_lines(tmp_path / "cut0/kept.src") == [f"src {GENERAL.index(g)}" for g in kept]


def test_select_cut_needs_a_ranking_of_this_corpus(files, tmp_path):
    select(**files, encoder=HashEncoder(), keep={"top_k": 10})
    short = write_text(tmp_path / "short.src", ["a", "b"])
    with pytest.raises(InputError, match="scores 40 pairs but .*short.src has 2"):
        select_cut(files["out_dir"] / "distances.tsv", short, short, {"top_k": 1}, tmp_path / "cut")
    with pytest.raises(InputError, match="not a distances.tsv"):
        select_cut(short, short, short, {"top_k": 1}, tmp_path / "cut")


def candidate(tmp_path, k, lines, chrf, ppl):
    d = tmp_path / f"cut{k}"
    write_text(d / "kept.src", [f"s{line}" for line in lines])
    write_text(d / "kept.tgt", lines)
    (d / "cut.json").write_text(
        json.dumps(
            {"keep": {"top_k": len(lines)}, "kept": len(lines), "kept_fraction": 0.5, "max_kept_distance": 0.1 * k}
        )
    )
    (d / "scores.json").write_text(json.dumps({"bleu": chrf / 2, "chrf": chrf, "training": {"updates": 10}}))
    (d / "mix.json").write_text(json.dumps({"weights": {}, "dev_perplexity": ppl}))
    return {"dir": str(d), "scores": str(d / "scores.json"), "mix": str(d / "mix.json")}


@pytest.mark.parametrize("by, chosen", [("chrf", 1), ("perplexity", 0)])
def test_choose_cut_takes_the_best_on_dev(tmp_path, by, chosen):
    lines = [["a b", "c d"], ["e f", "g h", "i j"]]
    cands = [
        candidate(tmp_path, 0, lines[0], chrf=30.0, ppl=80.0),
        candidate(tmp_path, 1, lines[1], chrf=35.0, ppl=90.0),
    ]
    distances = write_text(tmp_path / "distances.tsv", ["row\tdistance\tkept"] + [f"{i}\t0.{i}\t1" for i in range(5)])
    result = choose_cut(cands, by, distances, tmp_path / "chosen", tmp_path / "tuning.md")
    assert result["chosen"] == {"top_k": len(lines[chosen])}
    assert read_lines(tmp_path / "chosen/kept.tgt") == lines[chosen]
    assert read_lines(tmp_path / "chosen/kept.src") == [f"s{line}" for line in lines[chosen]]
    assert (tmp_path / "chosen/histogram.png").stat().st_size > 0
    table = (tmp_path / "tuning.md").read_text()
    assert f"top_k {len(lines[chosen])} (chosen)" in table and table.count("(chosen)") == 1


def test_choose_cut_by_perplexity_needs_it(tmp_path):
    cands = [candidate(tmp_path, k, ["a"], 30.0, 80.0) for k in (0, 1)]
    Path(cands[1]["mix"]).write_text(json.dumps({"weights": {}}))
    distances = write_text(tmp_path / "distances.tsv", ["row\tdistance\tkept", "0\t0.1\t1"])
    with pytest.raises(InputError, match="no dev_perplexity"):
        choose_cut(cands, "perplexity", distances, tmp_path / "chosen", tmp_path / "t.md")
    assert not (tmp_path / "chosen/kept.tgt").exists()


class CountingEncoder(HashEncoder):
    def __init__(self):
        self.lines = 0

    def encode(self, texts):
        self.lines += len(texts)
        return super().encode(texts)


def test_cached_embeddings_give_the_same_selection(files, tmp_path):
    first, second = CountingEncoder(), CountingEncoder()
    select(**files, encoder=first, keep={"top_k": 10}, cache_dir=tmp_path / "cache", encoder_id="hash")
    distances = (files["out_dir"] / "distances.tsv").read_text()
    assert first.lines == len(SEED) + len(GENERAL) and len(list((tmp_path / "cache").glob("*.npy"))) == 1
    select(
        **{**files, "out_dir": tmp_path / "again"},
        encoder=second,
        keep={"top_k": 10},
        cache_dir=tmp_path / "cache",
        encoder_id="hash",
    )
    assert second.lines == len(SEED)  # the general side came from the cache
    assert (tmp_path / "again/distances.tsv").read_text() == distances
    other = CountingEncoder()  # another model: its own cache entry
    select(
        **{**files, "out_dir": tmp_path / "other"},
        encoder=other,
        keep={"top_k": 10},
        cache_dir=tmp_path / "cache",
        encoder_id="another model",
    )
    assert other.lines == len(SEED) + len(GENERAL) and len(list((tmp_path / "cache").glob("*.npy"))) == 2
    assert not list((tmp_path / "cache").glob(".*"))  # no temporary left


def test_no_cache_gives_the_same_distances(files, tmp_path):
    select(**files, encoder=HashEncoder(), keep={"top_k": 10})
    select(
        **{**files, "out_dir": tmp_path / "cached"},
        encoder=HashEncoder(),
        keep={"top_k": 10},
        cache_dir=tmp_path / "cache",
    )
    assert (tmp_path / "cached/distances.tsv").read_text() == (files["out_dir"] / "distances.tsv").read_text()


def test_scorers_share_one_interface_and_combined_sums_the_standardized_parts(tmp_path):
    """select.method builds a scorer; combined is the sum of the centroid and Moore-Lewis scores, each
    standardized; only the centroid scorer has the seed's own scores; an unknown method is one clear line."""
    from lmboot.select.scorers import CentroidScorer, MooreLewisScorer, build_scorer, standardize

    seed = write_text(tmp_path / "seed.txt", assistant_sentences(60, seed=1))
    general = write_text(tmp_path / "g.tgt", assistant_sentences(10, seed=2) + news_sentences(30, seed=3))
    parts = [CentroidScorer(HashEncoder(), seed), MooreLewisScorer(seed)]
    combined = build_scorer("combined", seed, HashEncoder())
    assert np.allclose(
        combined.scores(general), standardize(parts[0].scores(general)) + standardize(parts[1].scores(general))
    )
    assert len(parts[0].seed_scores) == 60 and parts[1].seed_scores is None and combined.seed_scores is None
    assert [build_scorer(m, seed, HashEncoder()).name for m in ("centroid", "moore-lewis")] == [
        "centroid",
        "moore-lewis",
    ]
    with pytest.raises(InputError, match="select.method: unknown selection method 'bm25'"):
        build_scorer("bm25", seed, HashEncoder())


def test_an_encoder_refuses_what_it_cannot_honor():
    """select.model and select.device: usem has one packaged model and runs on the CPU; cuda without a GPU
    stops with one line."""
    import torch

    from lmboot.select.embed import load_encoder

    with pytest.raises(InputError, match="select.model: the usem backend has one packaged model"):
        load_encoder("usem", "/models/my-encoder", 8)
    with pytest.raises(InputError, match="select.device: the usem backend runs on the CPU only"):
        load_encoder("usem", None, 8, "cuda")
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="select.device: cuda requested but torch sees no GPU"):
            load_encoder("sentence-transformers", None, 8, "cuda")
        assert str(load_encoder("sentence-transformers", None, 8, "auto").model.device) == "cpu"


@pytest.mark.parametrize("method", ["centroid", "moore-lewis", "combined"])
def test_chunked_scores_gathered_select_what_one_job_selects(files, tmp_path, method):
    """select.chunks: each chunk's job scores its lines (Moore-Lewis LMs from the whole corpus's sample, the
    combined scores standardized only after gathering) and select cuts the gathered scores: the same
    distances, kept pairs and histogram statistics as one job; each chunk's embeddings cached on their own."""
    from lmboot.select.scorers import build_scorer
    from lmboot.select.selection import score_chunk

    select(**files, encoder=HashEncoder(), keep={"top_k": 10}, method=method)
    encoder = CountingEncoder()
    scorer = build_scorer(method, files["seed"], encoder, tmp_path / "cache", encoder_id="hash")
    chunks = [tmp_path / f"scores/{k}-of-3.npz" for k in (3, 1, 2)]  # any order
    ranges = [score_chunk(files["general_tgt"], scorer, int(p.name[0]), 3, p)["lines"] for p in chunks]
    assert sorted(ranges) == [[0, 13], [13, 26], [26, 40]]
    stats = select(
        **{**files, "out_dir": tmp_path / "gathered"},
        encoder=None,
        keep={"top_k": 10},
        method=method,
        chunk_scores=chunks,
    )
    assert (tmp_path / "gathered/distances.tsv").read_text() == (files["out_dir"] / "distances.tsv").read_text()
    assert read_lines(tmp_path / "gathered/kept.src") == read_lines(files["out_dir"] / "kept.src")
    assert stats["chunks"] == 3 and stats["kept"] == 10
    if method != "moore-lewis":
        assert encoder.lines == len(SEED) + len(GENERAL) and len(list((tmp_path / "cache").glob("*.npy"))) == 3
        assert stats["seed_median_distance"] is not None or method == "combined"
    with pytest.raises(InputError, match=r"2-of-3\.npz: scores lines 13-26 of 40, but .* \(next: line 0\)"):
        select(
            **{**files, "out_dir": tmp_path / "gap"},
            encoder=None,
            keep={"top_k": 10},
            method=method,
            chunk_scores=chunks[2:],
        )
    with pytest.raises(InputError, match=r"the chunks score 26 of the 40 lines"):
        select(
            **{**files, "out_dir": tmp_path / "short"},
            encoder=None,
            keep={"top_k": 10},
            method=method,
            chunk_scores=chunks[1:],
        )
    assert not (tmp_path / "gap").exists() and not (tmp_path / "short").exists()
    other = "centroid" if method != "centroid" else "moore-lewis"
    with pytest.raises(InputError, match=rf"3-of-3\.npz: scored by select.method {method}, not {other}"):
        select(
            **{**files, "out_dir": tmp_path / "other"},
            encoder=None,
            keep={"top_k": 10},
            method=other,
            chunk_scores=chunks,
        )
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"broken\.npz: not a select-score file"):
        select(
            **{**files, "out_dir": tmp_path / "broken"},
            encoder=None,
            keep={"top_k": 10},
            method=method,
            chunk_scores=[tmp_path / "broken.npz"],
        )
