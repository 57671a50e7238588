"""Spoken form (lmboot/data/spoken.py): numbers, times, amounts, ordinals and symbols as words, per language,
by num2words; the one normalizer of LM text and WER scoring."""

import pytest

from lmboot.asr.wer import normalize_text
from lmboot.data.spoken import spoken_form
from lmboot.errors import InputError


@pytest.mark.parametrize(
    "lang, raw, spoken",
    [
        ("en", "Set a timer for 5 minutes", "set a timer for five minutes"),
        ("en", "transfer $20.05 to Bob", "transfer twenty dollars five cents to bob"),
        ("en", "$1 please", "one dollar please"),
        ("en", "agent 007", "agent zero zero seven"),
        ("en", "the 2nd of May 1990", "the second of may nineteen ninety"),
        ("en", "what's 12 + 7", "what's twelve plus seven"),
        ("es", "pon una alarma a las 7:30", "pon una alarma a las siete treinta"),
        ("es", "cuesta €25", "cuesta veinticinco euros"),
        ("de", "Weck mich um 7 Uhr", "weck mich um sieben uhr"),
        ("de-DE", "das 3. Kapitel", "das dritte kapitel"),
    ],
)
def test_spoken_form_per_language(lang, raw, spoken):
    assert spoken_form(raw, lang) == spoken


def test_text_without_digits_or_symbols_is_only_normalized():
    assert spoken_form("Hello, World!", "en") == "hello world"


def test_a_language_num2words_lacks_is_a_one_line_error():
    with pytest.raises(InputError, match="normalize.spoken_form: num2words has no converter for language 'xx'"):
        spoken_form("call 5", "xx")


def test_wer_scores_with_the_same_normalizer():
    assert normalize_text("Set a timer for 5 minutes") == spoken_form("set a timer for five minutes", "en")
