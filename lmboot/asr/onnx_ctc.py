"""A team's own CTC acoustic model, exported to ONNX: the same interface as ctc.HamaCTC (tokens, log_probs)
plus the spelling of words in its tokens, for the lexicon beam search of ctc.Decoder.

Two kinds of models: over characters (wav2vec2 / MMS: tokens like `<pad> <s> </s> <unk> | E T A ...`, blank
`<pad>`, word separator `|`), spelled letter by letter; and over sentencepiece pieces (pieces like `▁the`,
blank e.g. `<blk>`, no separator token: a piece starting with `▁` begins a word), spelled by the team's
sentencepiece model. The graph takes the waveform (float32 [1, samples], optionally its int64 length) and
gives logits or log-probabilities ([1, frames, tokens] or [frames, tokens]); models over features (NeMo,
icefall, sherpa-onnx exports: their mel front end is not in the graph) are refused."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np

from lmboot.errors import InputError
from lmboot.schema import default

BLANKS = ("<blank>", "<blk>", "<pad>", "<eps>", "[PAD]")  # the first found is the blank, unless given
SEPARATOR = "|"  # wav2vec2's word delimiter
WORD_START = "▁"  # sentencepiece's word-start mark


def read_tokens(path: str | Path) -> list[str]:
    """A model's tokens in id order: a Hugging Face vocab.json ({token: id}; an added_tokens.json beside it
    is read too) or a text file of one token a line, optionally followed by its id (sherpa / k2 tokens.txt:
    `<blk> 0`). Ids must be 0..n-1 without gaps or repeats; tokens must be distinct."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: tokens file not found")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise InputError(f"{path}: empty tokens file")
    if path.suffix == ".json":
        pairs = _json_pairs(path, text)
        added = path.with_name("added_tokens.json")
        if added.is_file():
            pairs += _json_pairs(added, added.read_text(encoding="utf-8"))
    else:
        pairs = _text_pairs(path, text)
    tokens: dict[int, str] = {}
    for where, token, index in pairs:
        if token in tokens.values():
            raise InputError(f"{where}: duplicate token {token!r}")
        if index in tokens:
            raise InputError(f"{where}: id {index} given to both {tokens[index]!r} and {token!r}")
        tokens[index] = token
    missing = sorted(set(range(len(tokens))) - set(tokens))
    if missing:
        raise InputError(f"{path}: token ids must be 0..{len(tokens) - 1} without gaps (no id {missing[0]})")
    return [tokens[i] for i in range(len(tokens))]


def _json_pairs(path: Path, text: str) -> list[tuple[str, str, int]]:
    try:
        vocab = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON ({e})") from None
    if not isinstance(vocab, dict) or not vocab:
        raise InputError(f"{path}: expected a {{token: id}} object")
    if all(isinstance(v, dict) for v in vocab.values()):
        raise InputError(
            f"{path}: one vocabulary per language ({len(vocab)}, as MMS's vocab.json): "
            f"write the target language's {{token: id}} to its own file"
        )
    for token, index in vocab.items():
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise InputError(f"{path}: token {token!r} has id {index!r}, not a non-negative integer")
    return [(str(path), token, index) for token, index in vocab.items()]


def _text_pairs(path: Path, text: str) -> list[tuple[str, str, int]]:
    pairs, with_ids = [], None
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            raise InputError(f"{path}:{n}: empty line (a token a line)")
        if len(fields) > 2 or (len(fields) == 2 and not fields[1].isdigit()):
            raise InputError(f"{path}:{n}: expected `token` or `token id`, got {line.strip()!r}")
        if with_ids is None:
            with_ids = len(fields) == 2
        if with_ids != (len(fields) == 2):
            raise InputError(f"{path}:{n}: every line or none must give an id")
        pairs.append((f"{path}:{n}", fields[0], int(fields[1]) if with_ids else n - 1))
    return pairs


def wav_rate(path: str | Path) -> int:
    """A wav file's sample rate (Hz)."""
    try:
        with wave.open(str(path)) as w:
            return w.getframerate()
    except (OSError, EOFError, wave.Error) as e:
        raise InputError(f"{path}: not a readable wav file ({e})") from None


def case_of(symbols: list[str]):
    """The case a token set spells words in: str.upper or str.lower when all its cased letters are
    (wav2vec2 English vocabularies are upper case), else the identity."""
    letters = "".join(s for s in symbols if not (s[:1] in "<[" and s[-1:] in ">]"))
    cased = [c for c in letters if c.lower() != c.upper()]
    if cased and all(c.isupper() for c in cased):
        return str.upper
    if cased and all(c.islower() for c in cased):
        return str.lower
    return str


class OnnxCTC:
    """A CTC model in an ONNX file. tokens: its tokens file (read_tokens); sample_rate: the rate it was
    trained at (wavs of other rates are refused: check_audio); blank: None for the first of BLANKS found;
    separator: the word-boundary token (default: `|` if present for chars, None for pieces); units "chars"
    or "pieces" (then `pieces`: the sentencepiece model); normalize: zero mean, unit variance per utterance,
    as wav2vec2's feature extractor does."""

    def __init__(
        self,
        model: str | Path,
        tokens: str | Path,
        sample_rate: int,
        blank: str | None = None,
        separator: str | None = ...,
        units: str = default("asr.onnx_ctc.units"),
        pieces: str | Path | None = None,
        normalize: bool = default("asr.onnx_ctc.normalize"),
    ):
        self.model, self.sample_rate, self.units, self.normalize = Path(model), int(sample_rate), units, normalize
        self.tokens = read_tokens(tokens)
        known = set(self.tokens)
        if units not in ("chars", "pieces"):
            raise InputError(f"units: {units!r} is not one of chars, pieces")
        if self.sample_rate <= 0:
            raise InputError(f"sample_rate: {sample_rate} is not a positive rate")
        self.blank = blank if blank is not None else next((b for b in BLANKS if b in known), None)
        if self.blank not in known:
            wanted = repr(blank) if blank else f"(none of {' '.join(BLANKS)})"
            raise InputError(f"{tokens}: no blank token {wanted}")
        if separator is ...:
            separator = SEPARATOR if units == "chars" and SEPARATOR in known else None
        if separator is not None and separator not in known:
            raise InputError(f"{tokens}: no word separator token {separator!r}")
        self.separator = separator
        self.sp = self._load_pieces(pieces) if units == "pieces" else None
        self.fold = case_of([t.replace(WORD_START, "") for t in self.tokens])
        self._load_session()

    def _load_pieces(self, pieces: str | Path | None):
        import sentencepiece

        if not pieces or not Path(pieces).is_file():
            raise InputError(f"pieces: {pieces or 'no file given'}: a sentencepiece model is needed with units pieces")
        try:
            sp = sentencepiece.SentencePieceProcessor(model_file=str(pieces))
        except (OSError, RuntimeError) as e:
            raise InputError(f"{pieces}: not a sentencepiece model ({str(e).splitlines()[0]})") from None
        if not {sp.id_to_piece(i) for i in range(sp.get_piece_size())} & set(self.tokens):
            raise InputError(f"{pieces}: none of its pieces are among the model's tokens")
        return sp

    def _load_session(self) -> None:
        """The onnxruntime session, its inputs (the waveform, an optional length) and output, checked."""
        import onnxruntime

        if not self.model.is_file():
            raise InputError(f"{self.model}: no such ONNX model file")
        try:
            self.session = onnxruntime.InferenceSession(str(self.model), providers=["CPUExecutionProvider"])
        except Exception as e:  # noqa: BLE001 (onnxruntime's exceptions derive from Exception only)
            raise InputError(f"{self.model}: onnxruntime cannot load it ({str(e).splitlines()[0][:200]})") from None
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        floats = [i for i in inputs if i.type in ("tensor(float)", "tensor(float16)")]
        if len(inputs) not in (1, 2) or len(floats) != 1:
            raise InputError(
                f"{self.model}: expected a waveform input and optionally its length, got "
                + ", ".join(f"{i.name} {i.type} {i.shape}" for i in inputs)
            )
        self.wave_input, extra = floats[0], [i for i in inputs if i is not floats[0]]
        if len(self.wave_input.shape) == 3:
            raise InputError(
                f"{self.model}: its input {self.wave_input.name} {self.wave_input.shape} is features, "
                f"not a waveform (export the model with its front end)"
            )
        self.length_input = extra[0] if extra else None
        self.output = outputs[0].name
        lengths = [o.name for o in outputs[1:] if len(o.shape) == 1 and "int" in o.type]
        self.length_output = lengths[0] if lengths else None
        width = outputs[0].shape[-1] if outputs[0].shape else None
        if not isinstance(width, int):  # not static in the graph: run it once on 1 s of silence
            try:
                width = self._run(np.zeros(self.sample_rate, dtype=np.int16)).shape[-1]
            except Exception as e:  # noqa: BLE001
                raise InputError(f"{self.model}: fails on 1 s of silence ({str(e).splitlines()[0][:200]})") from None
        if width != len(self.tokens):
            raise InputError(
                f"{self.model}: its output has {width} scores a frame, but its tokens file has "
                f"{len(self.tokens)} tokens"
            )

    def _run(self, samples: np.ndarray) -> np.ndarray:
        """The graph's raw output over int16 samples: (frames, width)."""
        wave_ = samples.astype(np.float32) / 32768.0
        if self.normalize:
            wave_ = (wave_ - wave_.mean()) / np.sqrt(wave_.var() + 1e-7)
        feed = {
            self.wave_input.name: (wave_.reshape(1, -1) if len(self.wave_input.shape) != 1 else wave_).astype(
                np.float16 if self.wave_input.type == "tensor(float16)" else np.float32
            )
        }
        if self.length_input is not None:
            dtype = np.int32 if self.length_input.type == "tensor(int32)" else np.int64
            # a [batch] length, or a [batch, samples] attention mask (Hugging Face exports)
            feed[self.length_input.name] = (
                np.ones((1, len(wave_)), dtype) if len(self.length_input.shape) == 2 else np.array([len(wave_)], dtype)
            )
        names = [self.output] + ([self.length_output] if self.length_output else [])
        result = self.session.run(names, feed)
        out = np.asarray(result[0], dtype=np.float32)
        out = out[0] if out.ndim == 3 else out
        return out[: int(np.asarray(result[1]).reshape(-1)[0])] if self.length_output else out

    def check_audio(self, path_or_rate: str | Path | int) -> None:
        """A one-line InputError when a wav (or a given rate) is not at the model's sample rate."""
        if isinstance(path_or_rate, (int, np.integer)):
            name, rate = "audio", int(path_or_rate)
        else:
            name, rate = str(path_or_rate), wav_rate(path_or_rate)
        if rate != self.sample_rate:
            raise InputError(
                f"{name}: sample rate {rate} Hz, but the CTC model {self.model} takes "
                f"{self.sample_rate} Hz (resample the audio or set the model's rate)"
            )

    def log_probs(self, samples: np.ndarray) -> np.ndarray:
        """(frames, tokens) float32 log-probabilities of int16 samples at sample_rate: the graph's output,
        log-softmaxed unless its rows already are log-probabilities (or log taken of probabilities)."""
        out = self._run(samples)
        if not len(out):
            return np.zeros((0, len(self.tokens)), dtype=np.float32)
        if out.min() >= 0 and np.allclose(out.sum(1), 1, atol=1e-3):
            out = np.log(np.maximum(out, 1e-30))
        peak = out.max(1, keepdims=True)
        lse = peak + np.log(np.exp(out - peak).sum(1, keepdims=True))
        if not np.allclose(lse, 0, atol=1e-3):
            out = out - lse
        return np.ascontiguousarray(out, dtype=np.float32)

    def spell(self, words: list[str], cache_dir=None, threads: int = 1) -> dict[str, list[list[str]]]:
        """Each word's spellings in the model's tokens, without the separator (the lexicon writer appends
        it): its characters (in the tokens' case) or its sentencepiece encoding. A word needing a unit the
        model lacks is absent: it cannot be recognized (the caller reports it). cache_dir, threads: as
        HamaCTC.spell takes them (the acoustic models' one interface); spelling by units needs neither."""
        known = set(self.tokens) - {self.blank, self.separator}
        spelled = {}
        for word in words:
            if self.sp is not None:
                ids = self.sp.encode(self.fold(word))
                units = [self.sp.id_to_piece(i) for i in ids] if self.sp.unk_id() not in ids else []
            else:
                units = list(self.fold(word))
            if units and set(units) <= known:
                spelled[word] = [units]
        return spelled
