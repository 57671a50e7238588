"""Putting Devanagari text into the Latin script a new language is typed in (Hindi as romanized "Hinglish"):
Unicode normalization of Devanagari, transliteration by a scheme (ITRANS, Harvard-Kyoto, OPTITRANS from
indic_transliteration, or "colloquial": Hindi the way people type it in Latin letters), and the choice of the
scheme whose output covers most of the new language's dev text."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from indic_transliteration import sanscript

from lmboot.data.corpus import normalize
from lmboot.errors import InputError

# scheme name -> the indic_transliteration scheme it starts from ("colloquial" rewrites ITRANS)
SCHEMES = {
    "itrans": sanscript.ITRANS,
    "hk": sanscript.HK,
    "optitrans": sanscript.OPTITRANS,
    "colloquial": sanscript.ITRANS,
}

# zero-width characters and BOM removed, danda and double danda (sentence ends) to spaces, digits to ASCII
_NORMALIZE = {
    0x200B: None,
    0x200C: None,
    0x200D: None,
    0xFEFF: None,
    0x0964: " ",
    0x0965: " ",
    **{0x0966 + d: str(d) for d in range(10)},
}
# letters the schemes leave in Devanagari: candra O/E (English loans: डॉक्टर, ऑफ़) as O/E, ऩ as न
_FALLBACK = str.maketrans({"ऑ": "ओ", "ॉ": "ो", "ऍ": "ए", "ॅ": "े", "ऩ": "न"})
_WORD = re.compile("[\u0900-\u097f]+")
_VIRAMA = "\u094d"
# an akshara-like piece: a consonant (with nukta) or an independent vowel, then a vowel sign or virama,
# then a nasal (candrabindu, anusvara) or visarga
_PIECE = re.compile(
    "([\u0915-\u0939]\u093c?|[\u0904-\u0914\u0960\u0961])([\u093e-\u094d\u0962\u0963]?[\u0901-\u0903]?)"
)
# ITRANS -> plain lower-case letters, in this order (j~n: ज्ञ as typed, "gyan"; v -> w: "wala", "wo")
_PLAIN = [
    ("j~n", "gy"),
    ("~N", "n"),
    ("~n", "n"),
    ("RRi", "ri"),
    ("RRI", "ri"),
    ("LLi", "li"),
    ("LLI", "li"),
    ("Ch", "ch"),
    ("Sh", "sh"),
    (".D", "d"),
    (".N", "n"),
    (".a", ""),
    ("M", "n"),
    ("H", "h"),
    ("q", "k"),
    ("K", "kh"),
    ("G", "g"),
    ("v", "w"),
]


def normalize_devanagari(text: str) -> str:
    """NFC (a nukta letter, precomposed U+0958-U+095F or not, comes out as base + U+093C: NFC's form, those
    being composition exclusions), without ZWJ/ZWNJ/ZWSP/BOM, dandas as spaces, Devanagari digits as 0-9."""
    return unicodedata.normalize("NFC", text.translate(_NORMALIZE))


def check_scheme(scheme: str) -> str:
    """`scheme` if it is one of SCHEMES, else an InputError naming the field."""
    if scheme not in SCHEMES:
        raise InputError(f"general.target_script: unknown scheme {scheme!r} ({', '.join(SCHEMES)})")
    return scheme


def transliterate(text: str, scheme: str) -> str:
    """`text` (after normalize_devanagari) with each Devanagari word in Latin letters by `scheme`; all else
    (Latin words, digits, punctuation, spaces) unchanged."""
    check_scheme(scheme)
    return _WORD.sub(lambda m: _word(m[0], scheme), normalize_devanagari(text))


@functools.lru_cache(maxsize=1 << 17)
def _word(word: str, scheme: str) -> str:
    word = word.translate(_FALLBACK)
    if scheme != "colloquial":  # a nukta that no letter of the scheme takes (ट़, after a vowel sign) is dropped
        latin = sanscript.transliterate(word, sanscript.DEVANAGARI, SCHEMES[scheme])
        return latin.replace("\u093c", "")
    word = word[:1] + word[1:].replace("ए", "ये")  # a glide between vowels: लिए -> liye, गए -> gaye
    # a word-final vowel's nasalization is not typed: में -> me, हैं -> hai, नहीं -> nahi (घंटे -> ghante)
    word = re.sub("(?<=[\u093e-\u094c\u0904-\u0914])[\u0901\u0902]$", "", word)
    return _plain(sanscript.transliterate(_drop_schwas(word), sanscript.DEVANAGARI, sanscript.ITRANS))


def _drop_schwas(word: str) -> str:
    """Hindi schwa deletion, as viramas: the word-final inherent "a" when the word has another vowel
    (अलार्म -> alarm, but न -> na), and, right to left, one between a vowel + consonant and a consonant + vowel
    (Ohala's rule: करना -> karna, समझते -> samajhte, लड़का -> ladka). A word with other signs is left as it is."""
    pieces = [[letter, sign] for letter, sign in _PIECE.findall(word)]
    if "".join(letter + sign for letter, sign in pieces) != word:
        return word

    def schwa(i: int) -> bool:  # a consonant with its inherent vowel, not nasalized
        return pieces[i][1] == "" and _consonant(pieces[i][0])

    def voiced(i: int) -> bool:  # the piece has a vowel: no virama
        return not pieces[i][1].startswith(_VIRAMA)

    if schwa(len(pieces) - 1) and sum(map(voiced, range(len(pieces)))) > 1:
        pieces[-1][1] = _VIRAMA
    for i in range(len(pieces) - 2, 0, -1):
        if schwa(i) and voiced(i - 1) and _consonant(pieces[i + 1][0]) and voiced(i + 1):
            pieces[i][1] = _VIRAMA
    return "".join(letter + sign for letter, sign in pieces)


def _consonant(letter: str) -> bool:
    return "\u0915" <= letter[0] <= "\u0939"


def _plain(itrans: str) -> str:
    """ITRANS as plain lower-case letters: long vowels and retroflexes unmarked (A -> a, T -> t), nasals as n,
    visarga as h; long a doubled only in a closed one-syllable word (आज -> aaj, याद -> yaad, but का -> ka)."""
    for old, new in _PLAIN:
        itrans = itrans.replace(old, new)
    if len(re.findall("[aeiouAIU]+", itrans)) == 1:
        itrans = re.sub("A(?=[^aeiouAIU])", "aa", itrans)
    return re.sub("[^a-z]", "", itrans.lower())


def _tokens(line: str) -> list[str]:
    return normalize(line).split()  # lower-cased, punctuation stripped


def vocabulary_coverage(devanagari_lines: Iterable[str], reference_lines: Iterable[str], scheme: str) -> float:
    """Share of the reference tokens (lower-cased, punctuation stripped) that are words of the Devanagari lines
    transliterated by `scheme`; 0.0 without reference tokens."""
    vocabulary = {word for line in devanagari_lines for word in _tokens(transliterate(line, scheme))}
    tokens = [token for line in reference_lines for token in _tokens(line)]
    return sum(token in vocabulary for token in tokens) / len(tokens) if tokens else 0.0


def choose_scheme(
    devanagari_lines: Iterable[str], reference_lines: Iterable[str], schemes: Iterable[str] | None = None
) -> dict:
    """{"scheme": the scheme with the highest vocabulary_coverage (the first one on a tie),
    "coverage": {scheme: share}} over `schemes` (default: all). The reference is the new language's dev text,
    never its test."""
    names = [check_scheme(name) for name in (SCHEMES if schemes is None else schemes)]
    if not names:
        raise InputError("general.target_script: no scheme to choose from")
    devanagari, reference = list(devanagari_lines), list(reference_lines)
    coverage = {name: vocabulary_coverage(devanagari, reference, name) for name in names}
    return {"scheme": max(names, key=coverage.__getitem__), "coverage": coverage}


def to_seed_script(records: list[dict], scheme: str, dev_targets: list[str]) -> dict:
    """Put the new-language side ("tgt") of bitext records into the seed's script in place, by `scheme` or,
    with "tune", by the scheme choose_scheme finds best on the dev targets; returns the choice."""
    if scheme == "tune":
        choice = choose_scheme((r["tgt"] for r in records), dev_targets)
    else:
        choice = {"scheme": check_scheme(scheme)}
    for r in records:
        r["tgt"] = transliterate(r["tgt"], choice["scheme"])
    return choice
