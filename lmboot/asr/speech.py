"""Speech for the dev/test text: a seeded sample of utterances spoken by flite / espeak-ng voices in turn,
resampled by sox to 16 kHz with seeded white noise, listed in a manifest; or another run's speech reused; or
a team's own recordings from a manifest (audio, transcript), converted by sox to 16 kHz mono."""

from __future__ import annotations

import random
import re
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from lmboot.data.corpus import atomic_write, read_lines, write_lines
from lmboot.errors import InputError

SAMPLE_RATE = 16000

DEFAULT_VOICES = ["flite:slt", "flite:rms", "flite:awb", "espeak-ng:en-us"]


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


def synthesize(
    text: str | Path, out_dir: str | Path, voices: list[str], snr_db: float | None, size: int | None, seed: int
) -> dict:
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
            subprocess.run(
                [
                    "sox",
                    "-R",
                    str(raw),
                    "-r",
                    str(SAMPLE_RATE),
                    "-c",
                    "1",
                    "-b",
                    "16",
                    str(resampled),
                    "pad",
                    "0.25",
                    "0.25",
                ],
                check=True,
                capture_output=True,
            )
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
        raise InputError(
            f"asr.speech_from: {from_dir / 'manifest.tsv'} is not the speech of {text} "
            f"({len(rows)} vs {len(wanted)} utterances, first difference at utterance {first})"
        )
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


def references(manifest: str | Path) -> list[str]:
    """The transcripts of a manifest's utterances: the WER references."""
    return [r["text"] for r in read_manifest(manifest)]


DEBIAN_RECORDINGS = Path("/usr/share/pocketsphinx/test/data")  # apt: pocketsphinx-testdata


def debian_recordings() -> list[tuple[str, str]]:
    """(wav, transcript) of the 10 real recordings Debian's pocketsphinx-testdata holds (5 LibriVox
    sentences, 5 card names), transcripts as their transcription files give them."""
    rows = []
    for folder, name in (("librivox", "transcription"), ("cards", "cards.transcription")):
        for line in read_lines(DEBIAN_RECORDINGS / folder / name):
            text, uid = re.match(r"<s> (.*) </s> \((.*)\)", line.strip()).groups()
            rows.append((str(DEBIAN_RECORDINGS / folder / f"{uid}.wav"), " ".join(text.split())))
    return rows


def read_recordings(manifest: str | Path) -> list[dict]:
    """A recordings manifest (asr.recordings): TSV with a header naming the columns `audio` (a file sox reads,
    relative to the manifest's folder or absolute) and `transcript`. Every row is checked before any audio is
    read: a missing, unreadable or empty audio file or an empty transcript is a one-line error naming
    manifest:line."""
    from lmboot.data.corpus import iter_lines

    manifest = Path(manifest)
    lines = iter_lines(manifest)
    header = next(lines, None)
    columns = (header or "").split("\t")
    if header is None or "audio" not in columns or "transcript" not in columns:
        raise InputError(
            f"{manifest}:1: a recordings manifest needs a header line with the columns audio and transcript"
        )
    a, t = columns.index("audio"), columns.index("transcript")
    rows = []
    for number, line in enumerate(lines, 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise InputError(f"{manifest}:{number}: {len(cells)} columns, the header has {len(columns)}")
        audio = Path(cells[a]) if Path(cells[a]).is_absolute() else manifest.parent / cells[a]
        if not cells[t].strip():
            raise InputError(f"{manifest}:{number}: no transcript for {cells[a]}")
        if not audio.is_file():
            raise InputError(f"{manifest}:{number}: audio file {audio} not found")
        try:
            with open(audio, "rb") as f:
                empty = not f.read(1)
        except OSError as e:
            raise InputError(f"{manifest}:{number}: audio file {audio} is unreadable ({e.strerror})") from None
        if empty:
            raise InputError(f"{manifest}:{number}: audio file {audio} is empty")
        rows.append({"audio": audio, "transcript": cells[t], "line": number})
    if not rows:
        raise InputError(f"{manifest}: no recordings listed")
    return rows


def recordings(manifest: str | Path, out_dir: str | Path, normalize_text) -> dict:
    """The recordings of a manifest (read_recordings) as the speech the recognizers decode: each converted by
    sox to 16 kHz mono 16-bit out_dir/NNNNN.wav, its transcript normalized as the LM texts are (spoken
    form); out_dir/manifest.tsv (id, "recording", wav, text) last, as synthesize writes it."""
    rows, out_dir = read_recordings(manifest), Path(out_dir)
    for row in rows:  # every file probed before any is converted: a bad one stops the rule with nothing written
        probe = subprocess.run(["sox", "--i", "-r", str(row["audio"])], capture_output=True, text=True)
        if probe.returncode:
            message = probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "no message"
            raise InputError(f"{manifest}:{row['line']}: sox cannot read audio file {row['audio']} ({message})")
    out_dir.mkdir(parents=True, exist_ok=True)
    lines, seconds = [], 0.0
    for k, row in enumerate(rows):
        wav, tmp = out_dir / f"{k:05d}.wav", out_dir / f".{k:05d}.tmp.wav"
        subprocess.run(
            ["sox", "-R", str(row["audio"]), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(tmp)],
            check=True,
            capture_output=True,
        )
        tmp.replace(wav)
        seconds += len(read_wav(wav)) / SAMPLE_RATE
        lines.append(f"{k}\trecording\t{wav.name}\t{normalize_text(row['transcript'])}")
    write_lines(out_dir / "manifest.tsv", lines)
    return {"utterances": len(lines), "audio_seconds": round(seconds, 1), "manifest": str(manifest)}
