"""A PocketSphinx pronunciation dictionary for an LM's words: cmudict's first pronunciation, else
espeak-ng's phonemes mapped to the CMU phone set (G2P)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lmboot.data.corpus import read_lines, write_lines
from lmboot.lm.kenlm import arpa_vocabulary

IPA_TO_CMU = {  # espeak-ng en-us IPA, stress and length marks removed; longest match first
    "aɪ": "AY",
    "aʊ": "AW",
    "eɪ": "EY",
    "oʊ": "OW",
    "əʊ": "OW",
    "ɔɪ": "OY",
    "tʃ": "CH",
    "dʒ": "JH",
    "ɑ": "AA",
    "ɒ": "AA",
    "æ": "AE",
    "a": "AE",
    "ʌ": "AH",
    "ə": "AH",
    "ɐ": "AH",
    "ɚ": "ER",
    "ɜ": "ER",
    "ɔ": "AO",
    "ɛ": "EH",
    "e": "EH",
    "ɪ": "IH",
    "ᵻ": "IH",
    "i": "IY",
    "o": "OW",
    "ʊ": "UH",
    "u": "UW",
    "b": "B",
    "d": "D",
    "ð": "DH",
    "f": "F",
    "ɡ": "G",
    "g": "G",
    "h": "HH",
    "k": "K",
    "l": "L",
    "m": "M",
    "n": "N",
    "ŋ": "NG",
    "p": "P",
    "ɹ": "R",
    "r": "R",
    "s": "S",
    "ʃ": "SH",
    "t": "T",
    "θ": "TH",
    "v": "V",
    "w": "W",
    "j": "Y",
    "z": "Z",
    "ʒ": "ZH",
    "ɾ": "T",
    "ʔ": "T",
    "x": "K",
    "ɬ": "L",
    "ç": "HH",
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
    out = subprocess.run(
        ["espeak-ng", "-v", voice, "-q", "--ipa", "--sep=_", word], capture_output=True, text=True, check=True
    ).stdout
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


def pronunciations(
    arpa: str | Path, out_dict: str | Path, cmudict: str | Path | None = None, voice: str = "en-us"
) -> dict:
    """A PocketSphinx dictionary for every word of the LM: the lexicon's first pronunciation (asr.lexicon, a
    CMUdict-format file; None: PocketSphinx's cmudict), else G2P by espeak-ng's `voice` (asr.g2p_voice)."""
    known = read_cmudict(cmudict or sphinx_model_dir() / "cmudict-en-us.dict")
    lines, guessed, dropped = [], 0, []
    for word in arpa_vocabulary(arpa):
        phones = known.get(word)
        if phones is None:
            phones, guessed = g2p(word, voice), guessed + 1
        if phones:
            lines.append(f"{word} {' '.join(phones)}")
        else:
            dropped.append(word)
    write_lines(out_dict, lines)
    return {"words": len(lines), "g2p": guessed, "no_pronunciation": dropped[:50]}
