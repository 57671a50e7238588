"""Script conversion: Devanagari normalization, transliteration schemes, coverage of a reference, scheme choice.
indic_transliteration is a dependency: without it these tests fail at import, they are not skipped."""

import pytest

from lmboot.data.script import SCHEMES, choose_scheme, normalize_devanagari, transliterate, vocabulary_coverage
from lmboot.errors import InputError

WORDS = ["नमस्ते", "घंटे", "अलार्म", "करो", "के", "लिए", "मिनट", "याद", "शाम", "ज्ञान", "कृपया", "छोटा"]
EXPECTED = {
    "itrans": "namaste ghaMTe alArma karo ke lie minaTa yAda shAma j~nAna kRRipayA ChoTA",
    "hk": "namaste ghaMTe alArma karo ke lie minaTa yAda zAma jJAna kRpayA choTA",
    "optitrans": "namaste ghaMTe alArma karo ke lie minaTa yAda shAma jnAna kRpayA ChoTA",
    "colloquial": "namaste ghante alarm karo ke liye minat yaad shaam gyaan kripya chota",
}
# precomposed nukta letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) -> their base letters
NUKTA = {
    "\u0958": "\u0915",
    "\u0959": "\u0916",
    "\u095a": "\u0917",
    "\u095b": "\u091c",
    "\u095c": "\u0921",
    "\u095d": "\u0922",
    "\u095e": "\u092b",
    "\u095f": "\u092f",
}


def test_schemes_are_the_documented_ones():
    assert list(SCHEMES) == ["itrans", "hk", "optitrans", "colloquial"]


@pytest.mark.parametrize("scheme", list(EXPECTED))
def test_hand_checked_words(scheme):
    assert [transliterate(word, scheme) for word in WORDS] == EXPECTED[scheme].split()


@pytest.mark.parametrize(
    "word, typed",
    [
        ("में", "me"),
        ("हैं", "hai"),
        ("नहीं", "nahi"),  # a word-final nasal vowel is typed without the nasal
        ("का", "ka"),
        ("न", "na"),
        ("आज", "aaj"),
        ("रात", "raat"),  # long a doubled only in a closed monosyllable
        ("करना", "karna"),
        ("समझते", "samajhte"),
        ("लड़का", "ladka"),
        ("कमल", "kamal"),
        ("सुबह", "subah"),  # schwas
        ("गए", "gaye"),
        ("चाहिए", "chahiye"),
        ("वाला", "wala"),
        ("डॉक्टर", "doktar"),
        ("ऑफ़", "of"),
    ],
)
def test_colloquial_is_hindi_as_typed(word, typed):
    assert transliterate(word, "colloquial") == typed


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_non_devanagari_passes_through(scheme):
    assert transliterate("alarm 5 set", scheme) == "alarm 5 set"
    assert transliterate("Wake me up, OK? 9:30 am!", scheme) == "Wake me up, OK? 9:30 am!"


def test_mixed_text_only_devanagari_words_change():
    assert transliterate("Alarm को 5 बजे set करो!", "colloquial") == "Alarm ko 5 baje set karo!"
    assert transliterate("Alarm को 5 बजे set करो!", "itrans") == "Alarm ko 5 baje set karo!"


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_no_devanagari_is_left(scheme):
    text = "डॉक्टर ऑफ़िस कॅ ऩ डि़ ज़रूरत"  # candra O/E, NNNA, a nukta after a vowel sign
    assert not any("\u0900" <= c <= "\u097f" for c in transliterate(text, scheme))


def test_nukta_spellings_normalize_alike():
    for precomposed, base in NUKTA.items():
        assert normalize_devanagari(precomposed) == normalize_devanagari(base + "\u093c") == base + "\u093c"
    assert normalize_devanagari("\u095bरूरत") == normalize_devanagari("\u091c\u093cरूरत")
    for scheme in SCHEMES:
        assert transliterate("\u0958िला", scheme) == transliterate("\u0915\u093cिला", scheme)


def test_normalization_removes_zero_width_characters():
    assert normalize_devanagari("\ufeffक्\u200dष\u200cत्र\u200bिय") == "क्षत्रिय"
    assert normalize_devanagari("cafe\u0301 \ufb01 \u0928\u093c") == "caf\u00e9 \ufb01 \u0929"  # NFC, not NFKC


def test_danda_becomes_a_space_and_digits_ascii():
    assert normalize_devanagari("नमस्ते।आप कैसे हैं॥") == "नमस्ते आप कैसे हैं "
    assert normalize_devanagari("०१२३४५६७८९ बजे") == "0123456789 बजे"
    assert transliterate("९ बजे।ठीक", "colloquial") == "9 baje thik"


def test_unknown_scheme_is_an_input_error():
    message = r"^general\.target_script: unknown scheme 'x' \(itrans, hk, optitrans, colloquial\)$"
    with pytest.raises(InputError, match=message):
        transliterate("नमस्ते", "x")
    with pytest.raises(InputError, match="unknown scheme 'x'"):
        choose_scheme(["नमस्ते"], ["namaste"], schemes=["itrans", "x"])
    with pytest.raises(InputError, match="no scheme"):
        choose_scheme(["नमस्ते"], ["namaste"], schemes=[])


def test_vocabulary_coverage_counts_reference_tokens():
    devanagari = ["दो घंटे के लिए।", "अलार्म"]
    # colloquial vocabulary: do ghante ke liye alarm; reference tokens lower-cased, punctuation stripped
    assert vocabulary_coverage(devanagari, ["Do ghante ke liye alarm set kardo !"], "colloquial") == 5 / 7
    assert vocabulary_coverage(devanagari, ["ghante ke liye"], "itrans") == 1 / 3  # ghamte, lie
    assert vocabulary_coverage(devanagari, ["ke KE ke xyz"], "hk") == 3 / 4  # tokens, not types
    assert vocabulary_coverage(devanagari, [], "itrans") == 0.0


def test_choose_scheme_picks_the_best_match():
    devanagari = ["दो घंटे के लिए अलार्म सेट करो", "शाम को याद दिलाना"]
    result = choose_scheme(devanagari, ["do ghante ke liye alarm set karo", "shaam ko yaad dilana"])
    assert result["scheme"] == "colloquial"
    assert set(result["coverage"]) == set(SCHEMES)
    assert result["coverage"]["colloquial"] == 1.0
    assert result["coverage"]["colloquial"] > max(v for k, v in result["coverage"].items() if k != "colloquial")
    assert choose_scheme(["शाम"], ["zama"])["scheme"] == "hk"  # HK writes श as z
    assert choose_scheme(iter(["शाम"]), iter(["shama"]), schemes=["hk", "optitrans", "itrans"]) == {
        "scheme": "optitrans",
        "coverage": {"hk": 0.0, "optitrans": 1.0, "itrans": 1.0},
    }  # a tie: the first
