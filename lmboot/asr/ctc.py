"""CTC recognizer: the LM in the beam of a CTC acoustic model, as speech teams decode today.

A CTC model's per-frame log-probabilities over its tokens are computed once per audio set (`emissions`);
for each LM, a lexicon spells its words in the model's tokens (`lexicon`; pronunciations cached per word,
so LMs sharing words share the work) and flashlight-text's lexicon beam search decodes with the LM's KenLM
binary in the beam (`ctc_wer`: LM weight and word score chosen on dev, test WER) - the decoder torchaudio's
`ctc_decoder` wraps. The packaged model is hama's phoneme CTC model (IPA phones, a word-boundary token),
spelled by hama's own G2P in the same phones; a team's model and lexicon are config values."""

from __future__ import annotations

import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from lmboot.asr.recognize import setting_key, wer_of
from lmboot.asr.speech import SAMPLE_RATE, read_manifest, read_wav, references
from lmboot.asr.wer import corpus_errors, wer
from lmboot.data.corpus import atomic_write, read_lines, write_lines
from lmboot.errors import InputError
from lmboot.lm.kenlm import arpa_vocabulary

BLANK, SEPARATOR, UNK = "<blank>", "<wb>", "<unk>"


class HamaCTC:
    """hama's CTC phoneme recognizer (16 kHz waveform in; frames over IPA phones, `<wb>` and `<blank>`),
    its words spelled by hama's G2P. `weights`: a .hama weights file of the same architecture (None: the
    packaged model). The acoustic-model interface of this module: tokens, blank, separator, sample_rate,
    check_audio, log_probs, spell (lmboot.asr.onnx_ctc.OnnxCTC has the same)."""

    blank, separator, sample_rate = BLANK, SEPARATOR, SAMPLE_RATE

    def __init__(self, weights: str | Path | None = None):
        from hama import ASRModel

        if weights and not Path(weights).is_file():
            raise InputError(f"asr.ctc_model: {weights}: no such file")
        self.weights = weights
        self.asr = ASRModel(model_path=Path(weights) if weights else None)
        self.tokens = list(self.asr.decoder_tokens)

    def check_audio(self, wav: str | Path) -> None:
        """A one-line InputError when a wav is not at 16 kHz, the rate hama's model takes."""
        from lmboot.asr.onnx_ctc import wav_rate

        rate = wav_rate(wav)
        if rate != self.sample_rate:
            raise InputError(f"{wav}: sample rate {rate} Hz, but hama's CTC model takes {self.sample_rate} Hz")

    def spell(self, words: list[str], cache_dir: str | Path | None = None, threads: int = 1) -> dict:
        """hama's G2P of each word (cached per word in cache_dir), one spelling each."""
        model_id = f"hama-g2p-{Path(str(self.weights or 'packaged')).stem}"
        return {w: [p] for w, p in cached_g2p(words, cache_dir, model_id, threads).items()}

    def log_probs(self, samples: np.ndarray) -> np.ndarray:
        """(frames, tokens) float32 log-probabilities of 16 kHz int16 samples."""
        a = self.asr
        wave = (samples.astype(np.float32) / 32768.0).reshape(1, -1)
        probs, lengths = a.session.run(
            [a._log_probs_output_name, a._out_lengths_output_name],
            {a._waveform_input_name: wave, a._waveform_lengths_input_name: np.array([wave.shape[1]], dtype=np.int64)},
        )
        return np.ascontiguousarray(np.asarray(probs[0][: int(np.asarray(lengths).reshape(-1)[0])], dtype=np.float32))


_g2p = None


def _spell_one(word: str) -> tuple[str, list[str]]:
    global _g2p
    if _g2p is None:
        from hama import G2PModel

        _g2p = G2PModel()
    return word, [a.phoneme for a in _g2p.predict(word).alignments]


def g2p(words: list[str], threads: int = 1) -> dict[str, list[str]]:
    """hama's G2P of each word (its phones are the CTC model's), in `threads` processes."""
    if threads <= 1 or len(words) < 200:
        return dict(map(_spell_one, words))
    with Pool(threads) as pool:
        return dict(pool.map(_spell_one, words, chunksize=64))


def acoustic_model(weights: str | Path | None = None, onnx: dict | None = None):
    """The CTC acoustic model: a team's ONNX model (asr.onnx_ctc: lmboot.asr.onnx_ctc.OnnxCTC) or hama's
    (asr.ctc_model: a .hama weights file, None: the packaged one)."""
    if onnx:
        from lmboot.asr.onnx_ctc import OnnxCTC

        settings = {k: v for k, v in onnx.items() if not (k == "separator" and v == "auto")}  # auto: by its units
        return OnnxCTC(**settings)
    return HamaCTC(weights)


def as_model(model=None):
    """An acoustic model, or hama's of the weights file given (None: the packaged one)."""
    return model if hasattr(model, "log_probs") else HamaCTC(model)


def emissions(manifest: str | Path, out_npz: str | Path, model=None) -> dict:
    """Each utterance's log-probabilities (u00000, u00001, ... in manifest order), the model's tokens, blank
    and word separator, in one .npz; the acoustic model runs once per audio set, whatever the number of LMs
    decoded. Every wav is checked against the model's sample rate before any is decoded."""
    model, rows = as_model(model), read_manifest(manifest)
    for row in rows:
        model.check_audio(row["wav"])
    arrays, audio, start = {}, 0.0, time.perf_counter()
    for i, row in enumerate(rows):
        samples = read_wav(row["wav"])
        audio += len(samples) / model.sample_rate
        arrays[f"u{i:05d}"] = model.log_probs(samples)
    seconds = time.perf_counter() - start
    with atomic_write(out_npz, "wb") as f:
        np.savez_compressed(
            f,
            tokens=np.array(model.tokens),
            blank=np.array(model.blank),
            separator=np.array(model.separator or ""),
            **arrays,
        )
    return {"utterances": len(rows), "audio_s": audio, "rtf": seconds / max(audio, 1e-9)}


def load_emissions(npz: str | Path) -> tuple[dict, list[np.ndarray]]:
    """An audio set's emissions: {"tokens", "blank", "separator" (None: the model has none)} and one array
    per utterance (files made before blank and separator were kept are hama's)."""
    with np.load(npz) as data:
        names = sorted(k for k in data.files if k.startswith("u"))
        units = {
            "tokens": data["tokens"].tolist(),
            "blank": str(data["blank"]) if "blank" in data.files else BLANK,
            "separator": (str(data["separator"]) or None) if "separator" in data.files else SEPARATOR,
        }
        return units, [np.ascontiguousarray(data[k], dtype=np.float32) for k in names]


def speech_set(npz: str | Path, manifest: str | Path) -> tuple[dict, list[np.ndarray], list[str]]:
    """An audio set's emissions (its units: tokens, blank, separator; one array per utterance) and its
    manifest's references, checked to hold the same utterances."""
    units, emitted = load_emissions(npz)
    refs = references(manifest)
    if len(emitted) != len(refs):
        raise InputError(
            f"{npz}: emissions do not match their manifests ({len(emitted)} utterances for the "
            f"{len(refs)} of {manifest})"
        )
    return units, emitted, refs


def read_lexicon(path: str | Path) -> dict[str, list[list[str]]]:
    """A lexicon file: `word token token ...` a line (a word may have several lines: several spellings)."""
    spellings: dict[str, list[list[str]]] = {}
    for n, line in enumerate(read_lines(path), 1):
        word, *tokens = line.split()
        if not tokens:
            raise InputError(f"{path}:{n}: a lexicon line needs a word and its tokens")
        spellings.setdefault(word, []).append(tokens)
    return spellings


def cached_g2p(words: list[str], cache_dir: str | Path | None, model_id: str, threads: int) -> dict[str, list[str]]:
    """G2P through a per-word cache (cache_dir/<model_id>.tsv; appended under a lock, so rules decoding
    other LMs at the same time share it)."""
    if not cache_dir:
        return g2p(words, threads)
    from filelock import FileLock

    path = Path(cache_dir) / f"{model_id}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{path}.lock"):
        known = dict(line.split("\t", 1) for line in read_lines(path)) if path.exists() else {}
        missing = [w for w in words if w not in known]
        for start in range(0, len(missing), 2000):  # appended as it goes: an interrupted run keeps its work
            new = g2p(missing[start : start + 2000], threads)
            with open(path, "a", encoding="utf-8") as f:
                f.writelines(f"{w}\t{' '.join(p)}\n" for w, p in new.items())
            known.update({w: " ".join(p) for w, p in new.items()})
    return {w: known[w].split() for w in words}


def lexicon(
    arpa: str | Path,
    out: str | Path,
    model=None,
    team_lexicon: str | Path | None = None,
    cache_dir: str | Path | None = None,
    threads: int = 1,
) -> dict:
    """The CTC lexicon of an LM's words (flashlight / torchaudio format: `word token ... <separator>`): the
    team's lexicon (asr.ctc_lexicon, its spellings with or without the final separator) first, the model's
    own spelling for the rest (hama: its G2P, cached per word; an ONNX model: characters or pieces); a word
    spelled with a token the model lacks is left out (it cannot be recognized) and reported."""
    model = as_model(model)
    tokens, end = set(model.tokens), model.separator
    words = arpa_vocabulary(arpa)
    given = {
        word: [s[:-1] if end and s[-1] == end else s for s in spellings]  # with or without the separator
        for word, spellings in (read_lexicon(team_lexicon) if team_lexicon else {}).items()
    }
    missing = [w for w in words if w not in given]
    guessed = model.spell(missing, cache_dir, threads)
    lines, dropped = [], []
    for word in words:
        spellings = [s for s in given.get(word, guessed.get(word, [])) if s and set(s) <= tokens]
        if spellings:
            lines += [" ".join([word, *s, *([end] if end else [])]) for s in spellings]
        else:
            dropped.append(word)
    write_lines(out, lines)
    return {
        "words": len(words) - len(dropped),
        "g2p": len(guessed),
        "from_lexicon": len(given.keys() & set(words)),
        "no_spelling": dropped[:50],
        "no_spelling_count": len(dropped),
    }


class Decoder:
    """flashlight-text's lexicon beam search over one LM (its KenLM binary) and its lexicon. beam: the asr
    section's ctc_beam (hypotheses kept), ctc_beam_tokens (tokens tried per frame) and ctc_beam_threshold
    (score distance from the best hypothesis). blank, separator: the model's blank and word-boundary tokens;
    separator None: the model has none (sentencepiece pieces: a word ends where the next begins), the blank
    then stands where flashlight needs a silence index (the trie's root, the decoder's silence), as
    torchaudio's ctc_decoder is set up for piece models."""

    def __init__(
        self,
        tokens: list[str],
        lexicon_path: str | Path,
        lm_path: str | Path,
        beam: dict,
        blank: str = BLANK,
        separator: str | None = SEPARATOR,
    ):
        from flashlight.lib.text.decoder import SmearingMode, Trie
        from flashlight.lib.text.decoder.kenlm import KenLM
        from flashlight.lib.text.dictionary import Dictionary, create_word_dict

        self.tokens, self.beam, self.blank = Dictionary(), beam, blank
        for token in tokens:
            self.tokens.add_entry(token)
        spellings = read_lexicon(lexicon_path)
        spellings[UNK] = [[UNK]]
        self.words = create_word_dict(spellings)
        self.lm = KenLM(str(lm_path), self.words)
        self.silence = self.tokens.get_index(blank if separator is None else separator)
        self.trie = Trie(len(tokens), self.silence)
        start = self.lm.start(False)
        for word, spelled in spellings.items():
            index = self.words.get_index(word)
            _, score = self.lm.score(start, index)
            for spelling in spelled if word != UNK or UNK in tokens else []:  # a model without <unk>
                self.trie.insert([self.tokens.get_index(t) for t in spelling], index, score)
        self.trie.smear(SmearingMode.MAX)

    def decode(self, emitted: list[np.ndarray], lm_weight: float, word_score: float) -> list[str]:
        from flashlight.lib.text.decoder import CriterionType, LexiconDecoder, LexiconDecoderOptions

        n = self.tokens.index_size()
        options = LexiconDecoderOptions(
            beam_size=self.beam["ctc_beam"],
            beam_size_token=min(n, self.beam["ctc_beam_tokens"]),
            beam_threshold=float(self.beam["ctc_beam_threshold"]),
            lm_weight=lm_weight,
            word_score=word_score,
            unk_score=float("-inf"),
            sil_score=0.0,
            log_add=False,
            criterion_type=CriterionType.CTC,
        )
        decoder = LexiconDecoder(
            options,
            self.trie,
            self.lm,
            self.silence,
            self.tokens.get_index(self.blank),
            self.words.get_index(UNK),
            [],
            False,
        )
        hyps = []
        for e in emitted:
            best = decoder.decode(e.ctypes.data, e.shape[0], e.shape[1])[0] if len(e) else None
            hyps.append(" ".join(self.words.get_entry(i) for i in best.words if i >= 0) if best else "")
        return hyps


_worker: Decoder | None = None


def _start(args: tuple) -> None:
    global _worker
    _worker = Decoder(*args)


def _decode(job: tuple) -> list[str]:
    return _worker.decode(*job)


class ParallelDecoder:
    """A Decoder in each of `threads` processes, each decoding its share of the utterances."""

    def __init__(self, threads: int, *args):
        self.threads = max(1, threads)
        self.pool = Pool(self.threads, _start, (args,)) if self.threads > 1 else None
        self.local = None if self.pool else Decoder(*args)

    def decode(self, emitted: list[np.ndarray], lm_weight: float, word_score: float) -> list[str]:
        if self.local:
            return self.local.decode(emitted, lm_weight, word_score)
        size = -(-len(emitted) // self.threads)
        parts = self.pool.map(
            _decode, [(emitted[i : i + size], lm_weight, word_score) for i in range(0, len(emitted), size)]
        )
        return [hyp for part in parts for hyp in part]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool:
            self.pool.terminate()


def coordinate_search(measure, lm_weights: list[float], word_scores: list[float]) -> tuple:
    """Every LM weight at the word score nearest 0, then every word score at the best weight; the measured
    (weight, score) with the lowest measure (the first of equals)."""
    seen: dict[tuple, float] = {}

    def measured(setting: tuple) -> float:
        if setting not in seen:
            seen[setting] = measure(setting)
        return seen[setting]

    first = min(word_scores, key=abs)
    weight = min(lm_weights, key=lambda lw: measured((lw, first)))
    for ws in word_scores:
        measured((weight, ws))
    return min(seen, key=seen.get)


def tune(decode, refs: list[str], lm_weights: list[float], word_scores: list[float]) -> tuple[dict, str]:
    """Dev WER by coordinate search (the dev_wer criterion: lmboot.choose). Returns each measured point's
    WER ("weight score") and the lowest one."""
    grid: dict[str, float] = {}

    def measure(setting: tuple) -> float:
        grid[setting_key(setting)] = wer(corpus_errors(refs, decode(*setting)))
        return grid[setting_key(setting)]

    return grid, setting_key(coordinate_search(measure, lm_weights, word_scores))


class CTC:
    """The CTC recognizer (lmboot.asr.recognize): the LM in flashlight-text's lexicon beam search over an audio
    set's emissions; (LM weight, word score) tuned on dev by coordinate search (asr.ctc_lm_weight,
    asr.ctc_word_score). Use as a context manager (its decoders run in `threads` processes)."""

    name = "ctc"

    def __init__(
        self, units: dict, emitted: dict[str, list[np.ndarray]], lexicon_path, lm_path, asr: dict, threads: int = 1
    ):
        self.emitted, self.asr = emitted, asr
        self.decoder = ParallelDecoder(
            threads, units["tokens"], lexicon_path, lm_path, asr, units["blank"], units["separator"]
        )
        self.start = time.perf_counter()

    def decode(self, part: str, setting: tuple) -> list[str]:
        return self.decoder.decode(self.emitted[part], *setting)

    def tune(self, measure) -> tuple:
        return coordinate_search(measure, self.asr["ctc_lm_weight"], self.asr["ctc_word_score"])

    def fields(self, setting: tuple) -> dict:
        return {
            "lm_weight": float(setting[0]),
            "word_score": float(setting[1]),
            "beam": {k: self.asr[k] for k in ("ctc_beam", "ctc_beam_tokens", "ctc_beam_threshold")},
        }

    def extra(self, test_hyps: list[str], test_refs: list[str]) -> dict:
        return {"decode_s": time.perf_counter() - self.start}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.decoder.__exit__(*exc)


def ctc_wer(
    lm_path: str | Path,
    lexicon_path: str | Path,
    dev_npz: str | Path,
    test_npz: str | Path,
    dev_manifest: str | Path,
    test_manifest: str | Path,
    asr: dict,
    out_json: str | Path,
    threads: int = 1,
) -> dict:
    """The CTC recognizer's WER with an LM (lmboot.asr.recognize.wer_of): tuned on dev, test decoded."""
    units, dev, dev_refs = speech_set(dev_npz, dev_manifest)
    test_units, test, test_refs = speech_set(test_npz, test_manifest)
    if units != test_units:
        raise InputError(f"{dev_npz}, {test_npz}: emissions of two models (their tokens differ)")
    with CTC(units, {"dev": dev, "test": test}, lexicon_path, lm_path, asr, threads) as recognizer:
        result = wer_of(recognizer, lm_path, dev_refs, test_refs, out_json)
    return {k: result[k] for k in ("lm_weight", "word_score", "test_wer", "decode_s")}
