"""Spoken form: numbers, times, currencies, ordinals and symbols written out as a recognizer's lexicon
holds them, per language, by num2words (a maintained library: 50+ languages), then lmboot's one
normalization (lower case, punctuation to spaces). The same function puts every LM text (seed, pool, the
general bitext, dev, test) into spoken form at prepare and scores references and hypotheses for WER, so an
LM and its WER agree on what "5" is."""

from __future__ import annotations

import functools
import re

from lmboot.data.corpus import normalize
from lmboot.errors import InputError
from lmboot.schema import default

CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}
SYMBOLS = {
    "en": {"%": " percent ", "&": " and ", "+": " plus ", "°": " degrees ", "@": " at ", "#": " number "},
    "es": {"%": " por ciento ", "&": " y ", "+": " más ", "°": " grados ", "@": " arroba "},
    "de": {"%": " prozent ", "&": " und ", "+": " plus ", "°": " grad ", "@": " at "},
}
AM_PM = re.compile(r"\b([ap])\.\s?m\b\.?")
CLOCK = re.compile(r"\b(\d{1,2}):(\d\d)\b")
MONEY = re.compile(r"([$€£])\s?(\d[\d,]*)(?:\.(\d\d))?")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
ORDINAL = {
    "en": re.compile(r"\b(\d+)(st|nd|rd|th)\b"),
    "es": re.compile(r"\b(\d+)[ºª°]"),
    "de": re.compile(r"\b(\d+)\.(?=\s+[a-zäöü])"),
}
DECIMAL = re.compile(r"\b(\d+)[.,](\d+)\b")
DIGITS = re.compile(r"\d+")
POINT = {"en": "point", "es": "coma", "de": "komma"}


@functools.cache
def converter(lang: str):
    """num2words' converter for a language code (en, es, de-DE -> de); a one-line error when it has none."""
    from num2words import CONVERTER_CLASSES

    for code in (lang, lang.replace("-", "_"), lang.split("-")[0].split("_")[0]):
        if code in CONVERTER_CLASSES:
            return code
    raise InputError(
        f"normalize.spoken_form: num2words has no converter for language {lang!r} "
        f"(set normalize.spoken_form: false for it)"
    )


def words(n: int | float, lang: str, to: str = "cardinal") -> str:
    from num2words import num2words

    return f" {num2words(n, lang=converter(lang), to=to)} "


def year_or_number(digits: str, lang: str) -> str:
    """A digit string as spoken: four digits that read as a year are read as one (en: "1990" -> "nineteen
    ninety"), the rest as cardinals; a leading zero keeps each digit ("007" -> "zero zero seven")."""
    if len(digits) > 1 and digits.startswith("0"):
        return " ".join(words(int(d), lang) for d in digits)
    n = int(digits)
    if len(digits) == 4 and (1100 <= n <= 1999 or 2010 <= n <= 2099) and n % 100 != 0:
        return words(n, lang, "year")
    return words(n, lang)


def money(symbol: str, whole: str, cents: str | None, lang: str) -> str:
    """$20 -> twenty dollars, $1.50 -> one dollar fifty cents (num2words' currency names of the language;
    the ISO code where it has none)."""
    from num2words import CONVERTER_CLASSES

    code, amount = CURRENCY[symbol], int(whole.replace(",", ""))
    forms = getattr(CONVERTER_CLASSES[converter(lang)], "CURRENCY_FORMS", {}).get(code)
    unit, cent = (forms[0], forms[1]) if forms else ((code.lower(),) * 2, ("cent", "cents"))
    spoken = f"{words(amount, lang)} {unit[0] if amount == 1 else unit[-1]} "
    if cents and int(cents):
        spoken += f"{words(int(cents), lang)} {cent[0] if int(cents) == 1 else cent[-1]} "
    return spoken


def clock(hours: str, minutes: str, lang: str) -> str:
    """7:30 -> seven thirty, 7:05 -> seven oh five (en), 7:00 -> seven."""
    m = int(minutes)
    if m == 0:
        return words(int(hours), lang)
    oh = " oh " if lang.startswith("en") and m < 10 else " "
    return words(int(hours), lang) + oh + words(m, lang)


def spoken_form(
    text: str,
    lang: str,
    lowercase: bool = default("normalize.lowercase"),
    strip_punctuation: bool = default("normalize.strip_punctuation"),
) -> str:
    """text with its numbers, times, amounts, ordinals and symbols as words in `lang`, then normalized."""
    if any(c.isdigit() for c in text) or any(s in text for s in "%&+°@#$€£"):
        base = lang.split("-")[0].split("_")[0]
        text = AM_PM.sub(r"\1m", text.lower() if lowercase else text)
        text = CLOCK.sub(lambda m: clock(m[1], m[2], lang), text)
        text = MONEY.sub(lambda m: money(m[1], m[2], m[3], lang), text)
        text = THOUSANDS.sub("", text)
        if base in ORDINAL:
            text = ORDINAL[base].sub(lambda m: words(int(m[1]), lang, "ordinal"), text)
        point = POINT.get(base)
        if point:
            text = DECIMAL.sub(
                lambda m: f"{year_or_number(m[1], lang)} {point} " + " ".join(words(int(d), lang) for d in m[2]), text
            )
        text = DIGITS.sub(lambda m: year_or_number(m[0], lang), text)
        for symbol, word in SYMBOLS.get(base, {}).items():
            text = text.replace(symbol, word)
    return normalize(text, lowercase, strip_punctuation)
