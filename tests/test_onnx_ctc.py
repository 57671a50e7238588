"""A team's CTC model in ONNX (lmboot/asr/onnx_ctc.py) on tiny models exported here with torch: its tokens files,
blank and separator, the checks made before any decoding, its log-probabilities and spellings, and decoding
with ctc.Decoder. The "level" models read a token off each 20 ms frame's mean amplitude (token k at level
k / V), so synthesized audio spells known text and the decode can be checked word for word."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from conftest import make_lm, write_text

from lmboot.asr.ctc import Decoder
from lmboot.asr.onnx_ctc import OnnxCTC, read_tokens
from lmboot.config import section_defaults
from lmboot.errors import InputError
from lmboot.lm.kenlm import arpa_vocabulary

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # torch's legacy exporter (dynamo=False)
    pytest.mark.filterwarnings("ignore:Constant folding:UserWarning"),
]
HOP, RATE, SCALE = 320, 16000, 2e4
ASR = section_defaults("asr", {})
CHARS = ["<pad>", "<s>", "</s>", "<unk>", "|"] + list("ETAOINSHRDLCUMWFGYPB'")  # no J, K, Q, V, X, Z
TEXT = ["the cat sat on the mat", "a cat ate the rat", "the rat sat", "that hat is mine", "a hat on a mat"]


class Level(torch.nn.Module):
    """Token k where a frame's mean sample is k / vocab; outputs [1, frames, vocab] logits (with lengths: two
    padding frames more, and the count of the real ones) or, flat, [frames, vocab] probabilities."""

    def __init__(self, vocab: int, lengths: bool = False, flat: bool = False):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 1, HOP, stride=HOP, bias=False)
        torch.nn.init.constant_(self.conv.weight, 1 / HOP)
        self.register_buffer("centers", torch.arange(vocab, dtype=torch.float32) / vocab)
        self.lengths, self.flat = lengths, flat

    def forward(self, wave, length=None):
        logits = -SCALE * (self.conv(wave.unsqueeze(1)).transpose(1, 2) - self.centers) ** 2
        if self.flat:
            return torch.softmax(logits[0], -1)
        return (torch.nn.functional.pad(logits, (0, 0, 0, 2)), length // HOP) if self.lengths else logits


class Random(torch.nn.Module):
    """A random conv front end and a linear layer to the vocabulary (wav2vec2's shape, not its weights)."""

    def __init__(self, vocab: int):
        super().__init__()
        torch.manual_seed(0)
        self.conv, self.out = torch.nn.Conv1d(1, 8, 400, stride=HOP), torch.nn.Linear(8, vocab)

    def forward(self, wave):
        return self.out(torch.relu(self.conv(wave.unsqueeze(1))).transpose(1, 2))


class Features(torch.nn.Module):
    """A model over [1, 80, frames] mel features (NeMo's export): its front end is outside the graph."""

    def __init__(self, vocab: int):
        super().__init__()
        self.out = torch.nn.Linear(80, vocab)

    def forward(self, features):
        return self.out(features.transpose(1, 2))


def export(module, path, lengths=False, dynamic_width=False, features=False):
    wave_ = torch.zeros(1, 80, 100) if features else torch.zeros(1, RATE)
    args = (wave_, torch.tensor([RATE], dtype=torch.int64)) if lengths else (wave_,)
    inputs, outputs = ["waveform", "lengths"][: len(args)], ["logits", "frames"][: 1 + lengths]
    axes = {"waveform": {1: "samples"}, "logits": {1: "frames", **({2: "vocab"} if dynamic_width else {})}}
    torch.onnx.export(
        module.eval(), args, str(path), input_names=inputs, output_names=outputs, dynamic_axes=axes, dynamo=False
    )
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    import sentencepiece as spm

    root = tmp_path_factory.mktemp("onnx")
    (root / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(CHARS)}))
    write_text(root / "corpus.txt", TEXT * 4)
    spm.SentencePieceTrainer.train(
        input=str(root / "corpus.txt"),
        model_prefix=str(root / "sp"),
        vocab_size=30,
        model_type="bpe",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(root / "sp.model"))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())] + ["<blk>"]  # NeMo: the blank last
    write_text(root / "tokens.txt", [f"{p} {i}" for i, p in enumerate(pieces)])
    return {
        "root": root,
        "pieces": pieces,
        "chars": export(Level(len(CHARS)), root / "chars.onnx", dynamic_width=True),
        "chars_lengths": export(Level(len(CHARS), lengths=True), root / "chars_lengths.onnx", lengths=True),
        "probs": export(Level(len(CHARS), flat=True), root / "probs.onnx"),
        "random": export(Random(len(CHARS)), root / "random.onnx"),
        "features": export(Features(len(CHARS)), root / "features.onnx", features=True),
        "pieces_model": export(Level(len(pieces)), root / "pieces.onnx"),
    }


def chars_model(models, key="chars", **kwargs):
    return OnnxCTC(models[key], models["root"] / "vocab.json", RATE, **kwargs)


def pieces_model(models, **kwargs):
    return OnnxCTC(
        models["pieces_model"],
        models["root"] / "tokens.txt",
        RATE,
        units="pieces",
        pieces=models["root"] / "sp.model",
        **kwargs,
    )


def speak(units: list[str], tokens: list[str], blank: str, repeat: int = 2) -> np.ndarray:
    """int16 audio the level models hear as `units`: each unit `repeat` frames, then a blank frame."""
    frames = [blank] + [f for unit in units for f in [unit] * repeat + [blank]]
    levels = np.repeat([tokens.index(f) / len(tokens) for f in frames], HOP)
    return np.round(levels * 32767).astype(np.int16)


def one_line_error(call, *words):
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and all(w in message for w in words), message
    return message


# tokens files


def test_tokens_files_of_each_format_read_in_id_order(tmp_path):
    (tmp_path / "vocab.json").write_text(json.dumps({"b": 1, "<pad>": 0, "c": 2}))
    assert read_tokens(tmp_path / "vocab.json") == ["<pad>", "b", "c"]
    (tmp_path / "added_tokens.json").write_text(json.dumps({"<s>": 3}))  # Hugging Face's added tokens
    assert read_tokens(tmp_path / "vocab.json") == ["<pad>", "b", "c", "<s>"]
    assert read_tokens(write_text(tmp_path / "tokens.txt", ["<blk> 0", "▁the 2", "s 1"])) == ["<blk>", "s", "▁the"]
    assert read_tokens(write_text(tmp_path / "plain.txt", ["<blk>", "a", "b"])) == ["<blk>", "a", "b"]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.txt", "\n", ["empty.txt", "empty tokens file"]),
        ("dup.txt", "<blk> 0\na 1\na 2\n", ["dup.txt:3", "duplicate token 'a'"]),
        ("gap.txt", "<blk> 0\na 2\n", ["gap.txt", "without gaps", "no id 1"]),
        ("mixed.txt", "<blk> 0\na\n", ["mixed.txt:2", "every line or none"]),
        ("bad.txt", "<blk> 0\na b c\n", ["bad.txt:2", "token id"]),
        ("gap.json", '{"<pad>": 0, "a": 2}', ["gap.json", "no id 1"]),
        ("same.json", '{"<pad>": 0, "a": 0}', ["same.json", "id 0 given to both"]),
        ("bad.json", '{"<pad>": 0', ["bad.json", "not JSON"]),
        ("mms.json", '{"eng": {"<pad>": 0}, "fra": {"<pad>": 0}}', ["mms.json", "one vocabulary per language"]),
    ],
)
def test_bad_tokens_files_are_one_line_errors(tmp_path, name, content, words):
    one_line_error(lambda: read_tokens(write_text(tmp_path / name, content)), *words)


# the checks made before decoding


def test_blank_and_separator_are_found_or_refused(models, tmp_path):
    chars, pieces = chars_model(models), pieces_model(models)
    assert (chars.blank, chars.separator, chars.sample_rate) == ("<pad>", "|", RATE)
    assert (pieces.blank, pieces.separator) == ("<blk>", None)
    assert chars_model(models, separator=None).separator is None
    one_line_error(lambda: chars_model(models, blank="<blank>"), "vocab.json", "no blank token '<blank>'")
    one_line_error(lambda: chars_model(models, separator="<wb>"), "vocab.json", "no word separator token '<wb>'")
    (tmp_path / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(["_"] + CHARS[1:])}))
    one_line_error(lambda: OnnxCTC(models["chars"], tmp_path / "vocab.json", RATE), "vocab.json", "no blank token")
    one_line_error(
        lambda: OnnxCTC(models["pieces_model"], models["root"] / "tokens.txt", RATE, units="pieces"),
        "sentencepiece model is needed",
    )


@pytest.mark.parametrize("key", ["chars", "random"])  # the width unknown in the graph (a run on zeros), then static
def test_an_output_wider_or_narrower_than_the_tokens_stops_before_decoding(models, tmp_path, key):
    (tmp_path / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(CHARS + ["Z"])}))
    one_line_error(
        lambda: OnnxCTC(models[key], tmp_path / "vocab.json", RATE),
        f"{key}.onnx",
        f"{len(CHARS)} scores a frame",
        f"{len(CHARS) + 1} tokens",
    )


def test_models_that_cannot_run_on_a_waveform_are_refused(models, tmp_path):
    one_line_error(lambda: chars_model({**models, "chars": tmp_path / "none.onnx"}), "none.onnx", "no such")
    (tmp_path / "junk.onnx").write_bytes(b"not a model")
    one_line_error(lambda: chars_model({**models, "chars": tmp_path / "junk.onnx"}), "junk.onnx", "cannot load")
    one_line_error(lambda: chars_model(models, "features"), "features.onnx", "features, not a waveform")


def test_audio_at_another_sample_rate_is_refused(models, tmp_path):
    model = chars_model(models)
    for rate in (8000, RATE):
        with wave.open(str(tmp_path / f"{rate}.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(b"\0\0" * rate)
    model.check_audio(tmp_path / f"{RATE}.wav")
    model.check_audio(RATE)
    one_line_error(lambda: model.check_audio(tmp_path / "8000.wav"), "8000.wav", "8000 Hz", f"{RATE} Hz")
    one_line_error(lambda: model.check_audio(22050), "22050 Hz", f"{RATE} Hz")


# log-probabilities and spellings


def test_log_probs_are_frames_by_tokens_log_probabilities(models):
    rng = np.random.default_rng(0)
    samples = (rng.standard_normal(RATE + 100) * 3000).astype(np.int16)
    model = chars_model(models, "random")
    lp = model.log_probs(samples)
    assert lp.dtype == np.float32 and lp.shape == ((len(samples) - 400) // HOP + 1, len(CHARS))
    assert np.allclose(np.exp(lp).sum(1), 1, atol=1e-4)
    assert np.allclose(model.log_probs(samples // 4 + 500), lp, atol=1e-3)  # normalized: gain and offset do not matter
    assert not np.allclose(chars_model(models, "random", normalize=False).log_probs(samples // 4), lp, atol=1e-3)
    # a lengths input and output (padding frames trimmed); a graph giving [frames, vocab] probabilities
    spoken = speak(list("CAT"), CHARS, "<pad>")
    with_lengths = chars_model(models, "chars_lengths", normalize=False).log_probs(spoken)
    assert with_lengths.shape == (len(spoken) // HOP, len(CHARS))
    assert [CHARS[i] for i in with_lengths.argmax(1)] == ["<pad>"] + [f for c in "CAT" for f in (c, c, "<pad>")]
    probs = chars_model(models, "probs", normalize=False).log_probs(spoken)
    assert np.allclose(probs, np.maximum(with_lengths, np.log(1e-30)), atol=1e-2)  # the log of probabilities


def test_chars_are_spelled_in_the_tokens_case_and_unknown_letters_leave_the_word_out(models):
    spelled = chars_model(models).spell(["the", "Cat's", "jazz", "hat"])
    assert spelled == {"the": [["T", "H", "E"]], "Cat's": [["C", "A", "T", "'", "S"]], "hat": [["H", "A", "T"]]}


def test_pieces_are_the_sentencepiece_encoding(models):
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(models["root"] / "sp.model"))
    spelled = pieces_model(models).spell(["cat", "mat", "The", "zebra"])
    assert spelled["cat"] == [sp.encode("cat", out_type=str)] and spelled["The"] == [sp.encode("the", out_type=str)]
    assert spelled["mat"][0][0].startswith("▁") and "".join(spelled["mat"][0]) == "▁mat"
    assert "zebra" not in spelled  # z is not a piece


# decoding with the LM in the beam


def decode(
    model, tmp_path, utterances: list[str], separator: str | None, repeat: int = 2, tokens: list[str] | None = None
) -> list[str]:
    prefix = make_lm(tmp_path, TEXT * 3, "lm")
    words = arpa_vocabulary(f"{prefix}.arpa")
    spelled = model.spell(words)
    assert set(spelled) == set(words)
    write_text(
        tmp_path / "lexicon.txt",
        [f"{w} {' '.join(s)}" + (f" {separator}" if separator else "") for w in words for s in spelled[w]],
    )
    audio = []
    for text in utterances:
        units = [u for w in text.split() for u in spelled[w][0] + ([separator] if separator else [])]
        audio.append(model.log_probs(speak(units, model.tokens, model.blank, repeat)))
    decoder = Decoder(
        tokens or model.tokens,
        tmp_path / "lexicon.txt",
        f"{prefix}.bin",
        ASR,
        blank=model.blank,
        separator=model.separator,
    )
    return decoder.decode(audio, 1.0, 0.0)


def test_a_chars_model_decodes_with_the_lm_in_the_beam(models, tmp_path):
    model = chars_model(models, normalize=False)
    utterances = ["the cat sat on the mat", "a hat"]
    assert decode(model, tmp_path, utterances, "|") == utterances
    no_unk = ["[UNK]" if t == "<unk>" else t for t in model.tokens]  # a model without hama's <unk> token
    assert decode(model, tmp_path / "no_unk", utterances, "|", tokens=no_unk) == utterances


def test_a_pieces_model_without_a_separator_decodes_with_the_lm_in_the_beam(models, tmp_path):
    # Pieces as peaky CTC models emit them, one frame then blanks: without a separator the blank stands for
    # flashlight's silence, so a word's last piece held over more frames would be scored as blank frames.
    model = pieces_model(models, normalize=False)
    assert model.separator is None and "<unk>" in model.tokens
    utterances = ["the rat sat", "a cat ate the rat"]
    assert decode(model, tmp_path, utterances, None, repeat=1) == utterances


# the onnx_ctc recognizer through lmboot's commands (what the workflow's ctc_* rules run for it)


def write_speech(folder: Path, name: str, model, texts: list[str], rate: int = RATE) -> Path:
    """Wavs the level model hears as `texts` (rate: the header's rate) and their manifest."""
    rows = []
    for i, text in enumerate(texts):
        units = [u for w in text.split() for u in [*model.fold(w), "|"]]
        path = folder / f"{name}{i}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
            w.writeframes(speak(units, model.tokens, model.blank).tobytes())
        rows.append(f"{i}\trecording\t{path}\t{text}")
    return write_text(folder / f"{name}.tsv", rows)


def test_the_onnx_ctc_recognizer_runs_through_lmboots_commands(models, tmp_path, capsys):
    from lmboot.cli import main

    model = chars_model(models, normalize=False)
    team = json.dumps(
        {
            "model": str(models["chars"]),
            "tokens": str(models["root"] / "vocab.json"),
            "sample_rate": RATE,
            "units": "chars",
            "pieces": None,
            "blank": None,
            "separator": "auto",
            "normalize": False,
        }
    )
    dev, test = (
        write_speech(tmp_path, part, model, texts)
        for part, texts in (
            ("dev", ["the cat sat", "a hat on a mat"]),
            ("test", ["the rat sat on the mat", "that hat"]),
        )
    )
    prefix = make_lm(tmp_path, TEXT * 3, "lm")
    for part, manifest in (("dev", dev), ("test", test)):
        assert (
            main(
                [
                    "ctc-emissions",
                    "--manifest",
                    str(manifest),
                    "--out",
                    str(tmp_path / f"{part}.npz"),
                    "--onnx-ctc",
                    team,
                ]
            )
            == 0
        )
    assert (
        main(["ctc-lexicon", "--arpa", f"{prefix}.arpa", "--out", str(tmp_path / "lexicon"), "--onnx-ctc", team]) == 0
    )
    assert "the T H E |" in (tmp_path / "lexicon").read_text().splitlines()
    asr = json.dumps({**ASR, "ctc_lm_weight": [0.5, 1], "ctc_word_score": [0]})
    assert (
        main(
            [
                "ctc-wer",
                "--lm",
                f"{prefix}.bin",
                "--lexicon",
                str(tmp_path / "lexicon"),
                "--dev-emissions",
                str(tmp_path / "dev.npz"),
                "--test-emissions",
                str(tmp_path / "test.npz"),
                "--dev",
                str(dev),
                "--test",
                str(test),
                "--out",
                str(tmp_path / "wer.json"),
                "--asr",
                asr,
            ]
        )
        == 0
    )
    result = json.loads((tmp_path / "wer.json").read_text())
    assert result["test_wer"] == 0 and result["hyps"] == ["the rat sat on the mat", "that hat"]
    assert set(result["dev_wer"]) == {"0.5 0", "1 0"} and result["choice"]["choice"] in result["dev_wer"]
    # audio at another rate than the model's: one line naming the wav, before any utterance is decoded
    slow = write_speech(tmp_path, "slow", model, ["the cat sat"], rate=8000)
    capsys.readouterr()
    assert (
        main(["ctc-emissions", "--manifest", str(slow), "--out", str(tmp_path / "slow.npz"), "--onnx-ctc", team]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "slow0.wav: sample rate 8000 Hz" in err and "16000 Hz" in err, err
    assert not (tmp_path / "slow.npz").exists()
