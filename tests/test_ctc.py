"""The CTC recognizer (lmboot/asr/ctc.py): lexicon beam search with the LM in the beam, lexicons, emissions and
WER on real recordings, and the exports (lmboot/lm/export.py) loaded by their consumers."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import make_lm, write_text

from lmboot.asr import ctc
from lmboot.asr.ctc import BLANK, SEPARATOR, Decoder, HamaCTC
from lmboot.asr.speech import DEBIAN_RECORDINGS, debian_recordings
from lmboot.config import section_defaults
from lmboot.errors import InputError

TOKENS = HamaCTC().tokens
ASR = section_defaults("asr", {})
# Two words spelled alike ("by" / "buy"), so only the LM can tell them apart.
SPELLINGS = {
    "play": "p l eɪ",
    "the": "ð ə",
    "song": "s ɔ ŋ",
    "by": "b aɪ",
    "buy": "b aɪ",
    "adele": "ə d ɛ l",
    "milk": "m ɪ l k",
    "please": "p l i z",
    "bread": "b ɹ ɛ d",
    "a": "ə",
    "and": "æ n d",
}
SONGS = ["play the song by adele", "play a song by adele", "please play the song by adele"]
SHOPPING = ["buy milk", "please buy bread", "buy milk and bread", "buy a song"]


def frames(words: list[str], spellings: dict = SPELLINGS) -> np.ndarray:
    """Log-probabilities of a clean utterance of `words`: each token two frames, a blank after it, the word
    boundary token between words."""
    sequence = []
    for word in words:
        for token in spellings[word].split():
            sequence += [token, token, BLANK]
        sequence += [SEPARATOR, BLANK]
    probs = np.full((len(sequence), len(TOKENS)), 0.02 / (len(TOKENS) - 1), dtype=np.float32)
    for i, token in enumerate(sequence):
        probs[i, TOKENS.index(token)] = 0.98
    return np.ascontiguousarray(np.log(probs))


def write_lexicon(path, words):
    return write_text(path, [f"{w} {SPELLINGS[w]} {SEPARATOR}" for w in words])


@pytest.fixture
def lms(tmp_path):
    words = sorted(SPELLINGS)
    return {
        name: make_lm(tmp_path, text * 3 + [" ".join(words)], name)
        for name, text in (("songs", SONGS), ("shopping", SHOPPING))
    }, write_lexicon(tmp_path / "lexicon.txt", words)


def test_the_lm_in_the_beam_picks_between_words_spelled_alike(lms):
    (models, lexicon) = lms
    utterance = frames("play the song by adele".split())
    hyps = {
        name: Decoder(TOKENS, lexicon, f"{prefix}.bin", ASR).decode([utterance], 2.0, 0.0)[0]
        for name, prefix in models.items()
    }
    assert hyps["songs"] == "play the song by adele"
    assert hyps["shopping"] == "play the song buy adele"  # the acoustics are the same; only the LM differs
    assert Decoder(TOKENS, lexicon, f"{models['shopping']}.bin", ASR).decode([frames(["buy", "milk"])], 2.0, 0.0) == [
        "buy milk"
    ]


def test_lexicon_reads_the_team_lexicon_first_and_caches_g2p(tmp_path, monkeypatch):
    prefix = make_lm(tmp_path, ["play the song", "the song by adele"], "lm")
    team = write_text(tmp_path / "team.txt", ["adele ə d ɛ l", "adele æ d ɛ l <wb>", "song s ɑ ŋ"])
    calls = []
    monkeypatch.setattr(
        ctc, "g2p", lambda words, threads=1: calls.append(list(words)) or {w: SPELLINGS[w].split() for w in words}
    )
    stats = ctc.lexicon(f"{prefix}.arpa", tmp_path / "out.lexicon", team_lexicon=team, cache_dir=tmp_path / "cache")
    lines = (tmp_path / "out.lexicon").read_text().splitlines()
    assert "adele ə d ɛ l <wb>" in lines and "adele æ d ɛ l <wb>" in lines and "song s ɑ ŋ <wb>" in lines
    assert "play p l eɪ <wb>" in lines and sorted(calls[0]) == ["by", "play", "the"]
    assert stats["from_lexicon"] == 2 and stats["words"] == 5
    ctc.lexicon(f"{prefix}.arpa", tmp_path / "again.lexicon", team_lexicon=team, cache_dir=tmp_path / "cache")
    assert len(calls) == 1  # every G2P spelling came from the cache
    assert (tmp_path / "again.lexicon").read_text() == (tmp_path / "out.lexicon").read_text()


def test_a_word_spelled_with_tokens_the_model_lacks_is_left_out(tmp_path):
    prefix = make_lm(tmp_path, ["play the song", "the song by adele"], "lm")
    team = write_text(
        tmp_path / "team.txt", [f"{w} {SPELLINGS[w]}" for w in ("play", "the", "by", "adele")] + ["song S AO NG"]
    )
    stats = ctc.lexicon(f"{prefix}.arpa", tmp_path / "out.lexicon", team_lexicon=team)
    assert stats["no_spelling"] == ["song"] and stats["words"] == 4
    assert not any(line.startswith("song ") for line in (tmp_path / "out.lexicon").read_text().splitlines())


def test_a_lexicon_line_without_tokens_names_the_line(tmp_path):
    bad = write_text(tmp_path / "team.txt", ["play p l eɪ", "song"])
    with pytest.raises(InputError, match=r"team.txt:2: a lexicon line needs a word and its tokens"):
        ctc.read_lexicon(bad)


def recordings_manifest(tmp_path) -> tuple[Path, list[str]]:
    """Debian pocketsphinx-testdata's 10 real recordings (librivox, cards) as a manifest.tsv."""
    rows = debian_recordings()
    manifest = write_text(
        tmp_path / "manifest.tsv", [f"{i}\trecording\t{wav}\t{text}" for i, (wav, text) in enumerate(rows)]
    )
    return manifest, [text for _, text in rows]


@pytest.mark.skipif(
    not DEBIAN_RECORDINGS.is_dir(), reason="Debian's pocketsphinx-testdata is not installed (make setup)"
)
def test_real_recordings_decode_with_the_lm_in_the_beam(tmp_path):
    manifest, texts = recordings_manifest(tmp_path)
    stats = ctc.emissions(manifest, tmp_path / "emissions.npz")
    assert stats["utterances"] == 10
    units, emitted = ctc.load_emissions(tmp_path / "emissions.npz")
    assert units == {"tokens": TOKENS, "blank": "<blank>", "separator": "<wb>"}
    assert all(e.shape[1] == len(TOKENS) for e in emitted)
    assert np.allclose(np.exp(emitted[0]).sum(1), 1, atol=1e-3)
    # an LM of the transcripts themselves against one of unrelated text with the same words
    words = sorted({w for t in texts for w in t.split()})
    rng = np.random.default_rng(0)
    shuffled = [" ".join(rng.permutation(words)[:8]) for _ in range(40)]
    matched = make_lm(tmp_path, texts + shuffled[:5], "matched")
    scrambled = make_lm(tmp_path, shuffled, "scrambled")
    lexicon = ctc.lexicon(f"{matched}.arpa", tmp_path / "lexicon", cache_dir=tmp_path / "cache")
    assert lexicon["words"] == len(words)
    result = {}
    for name, prefix in (("matched", matched), ("scrambled", scrambled)):
        ctc.ctc_wer(
            f"{prefix}.bin",
            tmp_path / "lexicon",
            tmp_path / "emissions.npz",
            tmp_path / "emissions.npz",
            manifest,
            manifest,
            dict(ASR, ctc_lm_weight=[0.5, 2], ctc_word_score=[0]),
            tmp_path / f"{name}.json",
            threads=2,
        )
        result[name] = json.loads((tmp_path / f"{name}.json").read_text())
    assert result["matched"]["test_wer"] < 0.05 and result["matched"]["test_wer"] < result["scrambled"]["test_wer"]
    assert result["matched"]["choice"]["criterion"] == "dev_wer" and len(result["matched"]["dev_wer"]) == 2
    assert len(result["matched"]["hyps"]) == 10 and np.array(result["matched"]["counts"]).shape == (10, 2)


def test_emissions_that_do_not_match_the_manifest_stop(tmp_path, lms):
    (models, lexicon) = lms
    with open(tmp_path / "e.npz", "wb") as f:
        np.savez(f, tokens=np.array(TOKENS), u00000=frames(["buy", "milk"]))
    manifest = write_text(tmp_path / "m.tsv", ["0\trecording\ta.wav\tbuy milk", "1\trecording\tb.wav\tbuy bread"])
    with pytest.raises(InputError, match="do not match their manifests"):
        ctc.ctc_wer(
            f"{models['songs']}.bin",
            lexicon,
            tmp_path / "e.npz",
            tmp_path / "e.npz",
            manifest,
            manifest,
            ASR,
            tmp_path / "out.json",
        )
    assert not (tmp_path / "out.json").exists()


def test_dev_wer_prefers_the_translations_that_decode_the_dev_speech_better(tmp_path):
    from lmboot.choose import make_criterion

    utterances = ["play the song by adele", "please play the song by adele"]
    with open(tmp_path / "dev.npz", "wb") as f:
        np.savez(f, tokens=np.array(TOKENS), **{f"u{i:05d}": frames(u.split()) for i, u in enumerate(utterances)})
    manifest = write_text(tmp_path / "dev.tsv", [f"{i}\trecording\t{i}.wav\t{u}" for i, u in enumerate(utterances)])
    seed = make_lm(tmp_path, [" ".join(sorted(SPELLINGS))] + ["play the song", "please play"], "seed")
    dev = write_text(tmp_path / "dev.txt", utterances)
    asr = dict(
        ASR,
        ctc_lexicon=str(write_lexicon(tmp_path / "team.lexicon", sorted(SPELLINGS))),
        ctc_cache_dir=None,
        ctc_lm_weight=[1.0, 2.0],
        ctc_word_score=[0.0],
    )
    criterion = make_criterion(
        "dev_wer",
        dev,
        f"{seed}.arpa",
        seed_weight=0.1,  # the candidate's LM decides
        speech={"emissions": tmp_path / "dev.npz", "manifest": manifest, "asr": asr},
    )
    measures = criterion.measure({"songs": SONGS * 3, "shopping": SHOPPING * 3})
    assert measures["songs"] == 0 < measures["shopping"]
    assert criterion.best(measures) == "songs" and criterion.name == "dev_wer"
    with pytest.raises(InputError, match="dev_wer needs the dev text, the seed LM's ARPA and the dev speech"):
        make_criterion("dev_wer", dev, f"{seed}.arpa")


def test_tuning_searches_weights_then_word_scores_and_keeps_every_point():
    calls = []

    def decode(lw, ws):  # half right at weight 2, right only at (2, -1)
        calls.append((lw, ws))
        return ["x y" if (lw, ws) == (2, -1) else "x z" if lw == 2 else "z z"]

    grid, choice = ctc.tune(decode, ["x y"], [1, 2, 3], [-2, -1, 0, 1])
    assert calls == [(1, 0), (2, 0), (3, 0), (2, -2), (2, -1), (2, 1)]  # (2, 0) measured once
    assert choice == "2 -1" and grid["2 -1"] == 0 and len(grid) == 6
