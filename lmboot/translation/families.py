"""Pretrained translators of the families teams hold, run with CTranslate2: OPUS-MT (Marian), M2M-100, NLLB-200
and T5-style models such as MADLAD-400, from a CTranslate2 model directory or a Hugging Face one (converted once).

Each family is one `Family` entry in FAMILIES: its tokenizer files, its language codes (from the ISO 639-1 codes of
config `languages`), the tag put in front of the source pieces, the target prefix and the tokens that are never text.
Sources are encoded with the family's sentencepiece model, not with transformers' tokenizers: the tokens are
[tag] + pieces + ["</s>"] (CTranslate2 adds no </s> to Hugging Face conversions; it does to its own Marian ones).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from lmboot.ct2_device import ct2_device
from lmboot.errors import InputError

HF_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")
EOS = "</s>"
# ISO 639-1 -> ISO 639-3 (the Tatoeba OPUS-MT convention) and FLORES-200 (NLLB).
_ISO3 = {
    "en": "eng",
    "es": "spa",
    "de": "deu",
    "fr": "fra",
    "it": "ita",
    "pt": "por",
    "hi": "hin",
    "ar": "ara",
    "zh": "cmn_Hans",
    "ja": "jpn",
    "ru": "rus",
    "pa": "pan_Guru",
    "bn": "ben",
    "ta": "tam",
    "te": "tel",
    "mr": "mar",
    "ur": "urd",
    "nl": "nld",
    "pl": "pol",
    "tr": "tur",
    "ko": "kor",
    "vi": "vie",
    "id": "ind",
    "uk": "ukr",
    "fa": "fas",
    "gu": "guj",
    "kn": "kan",
    "ml": "mal",
    "ne": "nep",
    "sw": "swa",
    "ca": "cat",
    "cs": "ces",
    "el": "ell",
    "he": "heb",
    "ro": "ron",
    "sv": "swe",
    "fi": "fin",
    "da": "dan",
    "hu": "hun",
}
_FLORES = {
    "en": "eng_Latn",
    "es": "spa_Latn",
    "de": "deu_Latn",
    "fr": "fra_Latn",
    "it": "ita_Latn",
    "pt": "por_Latn",
    "hi": "hin_Deva",
    "ar": "arb_Arab",
    "zh": "zho_Hans",
    "ja": "jpn_Jpan",
    "ru": "rus_Cyrl",
    "pa": "pan_Guru",
    "bn": "ben_Beng",
    "ta": "tam_Taml",
    "te": "tel_Telu",
    "mr": "mar_Deva",
    "ur": "urd_Arab",
    "nl": "nld_Latn",
    "pl": "pol_Latn",
    "tr": "tur_Latn",
    "ko": "kor_Hang",
    "vi": "vie_Latn",
    "id": "ind_Latn",
    "uk": "ukr_Cyrl",
    "fa": "pes_Arab",
    "gu": "guj_Gujr",
    "kn": "kan_Knda",
    "ml": "mal_Mlym",
    "ne": "npi_Deva",
    "sw": "swh_Latn",
    "ca": "cat_Latn",
    "cs": "ces_Latn",
    "el": "ell_Grek",
    "he": "heb_Hebr",
    "ro": "ron_Latn",
    "sv": "swe_Latn",
    "fi": "fin_Latn",
    "da": "dan_Latn",
    "hu": "hun_Latn",
}
# M2M-100's 100 languages (it has no Telugu) and the ISO 639-1 languages of MADLAD-400 among lmboot's usual ones.
_M2M100 = (
    "af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl gu ha he hi hr "
    "ht hu hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml mn mr ms my ne nl no ns oc or "
    "pa pl ps pt ro ru sd si sk sl so sq sr ss su sv sw ta th tl tn tr uk ur uz vi wo xh yi yo zh zu"
).split()
_MADLAD = sorted(
    set(_FLORES)
    | {
        "af",
        "az",
        "be",
        "bg",
        "et",
        "eu",
        "ga",
        "gl",
        "hr",
        "hy",
        "is",
        "ka",
        "kk",
        "lt",
        "lv",
        "mk",
        "ms",
        "mn",
        "no",
        "si",
        "sk",
        "sl",
        "sq",
        "sr",
        "th",
        "tl",
    }
)


@dataclass(frozen=True)
class Family:
    """How one family tokenizes: `source_tag` and `target_prefix` are formats over {source} and {target} (the
    family's language codes); `special` matches output tokens that are never text (tags, padding)."""

    name: str
    tokenizer_files: tuple[str, ...]  # the first encodes the source, the last decodes the output
    codes: dict[str, str]  # ISO 639-1 -> the family's language code
    source_tag: str | None
    target_prefix: str | None
    special: str
    optional_tag: bool = False  # the tag only where the model's vocabulary holds it (multi-target OPUS-MT)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "marian",
            ("source.spm", "target.spm"),
            _ISO3,
            ">>{target}<<",
            None,
            r">>.+<<|<pad>|<s>|</s>",
            optional_tag=True,
        ),
        Family(
            "m2m100",
            ("sentencepiece.bpe.model",),
            {c: c for c in _M2M100},
            "__{source}__",
            "__{target}__",
            r"__[a-z]+__|madeupword\d+|<pad>|<s>|</s>",
        ),
        Family(
            "nllb",
            ("sentencepiece.bpe.model",),
            {**_FLORES},
            "{source}",
            "{target}",
            r"[a-z]{3}_[A-Z][a-z]{3}|<mask>|<pad>|<s>|</s>",
        ),
        Family(
            "t5", ("spiece.model",), {c: c for c in _MADLAD}, "<2{target}>", None, r"<2[^>]+>|<extra_id_\d+>|<pad>|</s>"
        ),
    )
}


def _family(family: str) -> Family:
    if family not in FAMILIES:
        raise InputError(f"unknown translator family {family!r} (one of {', '.join(FAMILIES)})")
    return FAMILIES[family]


def language_code(family: str, lang: str, override: str | None = None) -> str:
    """The family's code for ISO 639-1 `lang` (nllb: spa_Latn; m2m100 and t5: es; marian: spa); override wins."""
    codes = _family(family).codes
    if override:
        return override
    if lang not in codes:
        raise InputError(f"no {family} code for language {lang!r}; set source_code/target_code")
    return codes[lang]


def _is_hf_dir(path: Path) -> bool:
    return (path / "config.json").is_file() and any((path / w).is_file() for w in HF_WEIGHTS)


def check_family(spec: dict, source_lang: str, target_lang: str) -> None:
    """Check a pretrained translator's entry (name, family, path, optional source_code/target_code) before any
    compute: a model directory with the family's tokenizer files, and language codes for both sides."""
    where = f"translators.{spec.get('name', '?')}"
    try:
        family = _family(spec.get("family", ""))
    except InputError as e:
        raise InputError(f"{where}.family: {e}") from None
    path = Path(spec.get("path", ""))
    if not path.is_dir():
        raise InputError(f"{where}.path: {path}: directory not found")
    if not (path / "model.bin").is_file() and not _is_hf_dir(path):
        raise InputError(
            f"{where}.path: {path}: neither a CTranslate2 model directory (model.bin) nor a Hugging Face "
            f"one (config.json and {' or '.join(HF_WEIGHTS[:2])})"
        )
    for name in family.tokenizer_files:
        if not (path / name).is_file():
            raise InputError(f"{where}.path: {path / name}: file not found (the {family.name} tokenizer)")
    try:
        language_code(family.name, source_lang, spec.get("source_code"))
        language_code(family.name, target_lang, spec.get("target_code"))
    except InputError as e:
        raise InputError(f"{where}: {e}") from None


def ct2_model(path: str | Path, work_dir: str | Path) -> Path:
    """A CTranslate2 model directory: `path` itself, or its conversion (a Hugging Face directory), made once into
    work_dir/ct2-model and redone when older than the Hugging Face files or made from another directory."""
    path = Path(path)
    if (path / "model.bin").is_file():
        return path
    out = Path(work_dir) / "ct2-model"
    source = str(path.resolve())
    newest = max(f.stat().st_mtime for f in path.iterdir() if f.is_file())
    if (
        (out / "model.bin").is_file()
        and (out / "model.bin").stat().st_mtime >= newest
        and (out / "source.txt").is_file()
        and (out / "source.txt").read_text() == source
    ):
        return out
    tmp = out.with_name(".ct2-model.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    print(f"+ CTranslate2 conversion of {path} into {out}", file=sys.stderr, flush=True)
    _converter(str(path)).convert(str(tmp), force=True)
    (tmp / "source.txt").write_text(source)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def _converter(path: str):
    """CTranslate2's TransformersConverter, with M2M-100's language tokens put back in the vocabulary: under
    transformers 5 its tokenizer's get_vocab() lacks them, so the converter's vocabulary came out too short."""
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            langs, vocab = getattr(tokenizer, "lang_token_to_id", None) or {}, tokenizer.get_vocab()
            if not set(langs) <= set(vocab):
                tokenizer.get_vocab = lambda: {**vocab, **langs}
            return tokenizer

    return Converter(path)


def _model_vocabulary(model: Path, side: str) -> set[str] | None:
    """The source or target vocabulary of a CTranslate2 model directory (None where it has none this reads)."""
    for name in ("shared_vocabulary", f"{side}_vocabulary"):
        if (model / f"{name}.json").is_file():
            return set(json.loads((model / f"{name}.json").read_text(encoding="utf-8")))
        if (model / f"{name}.txt").is_file():
            return set((model / f"{name}.txt").read_text(encoding="utf-8").split("\n"))
    return None


def _tags(family: Family, model: Path, where: str, codes: dict, lang: str) -> tuple[str | None, list[str]]:
    """The source tag (None for none) and the target prefix, checked against the model's vocabulary."""
    tag = family.source_tag.format(**codes) if family.source_tag else None
    prefix = [family.target_prefix.format(**codes)] if family.target_prefix else []
    vocab, target_vocab = _model_vocabulary(model, "source"), _model_vocabulary(model, "target")
    if family.optional_tag:  # OPUS-MT: >>spa<< (Tatoeba models) or >>es<< (older multi-target ones)
        tags = [tag, family.source_tag.format(source=lang, target=lang)]
        return next((t for t in tags if vocab is not None and t in vocab), None), prefix
    for token, known in ([(tag, vocab)] if tag else []) + [(p, target_vocab) for p in prefix]:
        if known is not None and token not in known:
            raise InputError(f"{where}: {model}: the model's vocabulary has no {token!r}; set source_code/target_code")
    return tag, prefix


def encode_sources(spec: dict, source_lang: str, target_lang: str, sources: list[str], model: Path) -> tuple:
    """The source tokens of each line (tag + pieces + </s>) and the target prefix (a list, maybe empty)."""
    import sentencepiece as spm

    family, where = FAMILIES[spec["family"]], f"translators.{spec['name']}"
    codes = {
        "source": language_code(family.name, source_lang, spec.get("source_code")),
        "target": language_code(family.name, target_lang, spec.get("target_code")),
    }
    tag, prefix = _tags(family, model, where, codes, target_lang)
    config = json.loads((model / "config.json").read_text()) if (model / "config.json").is_file() else {}
    eos = [] if config.get("add_source_eos") else [EOS]
    encoder = spm.SentencePieceProcessor(model_file=str(Path(spec["path"]) / family.tokenizer_files[0]))
    return [([tag] if tag else []) + encoder.encode(s, out_type=str) + eos for s in sources], prefix


def decode(family: Family, decoder, tokens: list[str], prefix: list[str]) -> str:
    """Output tokens as text: the target prefix stripped, tags dropped, sentencepiece-decoded (a piece the
    target model lacks keeps its text, its '▁' read as a space)."""
    if prefix and tokens[: len(prefix)] == prefix:
        tokens = tokens[len(prefix) :]
    special = re.compile(family.special)
    text = decoder.decode_pieces([t for t in tokens if not special.fullmatch(t)])
    return " ".join(text.replace("▁", " ").split())


def translate_family(
    spec: dict,
    source_lang: str,
    target_lang: str,
    sources: list[str],
    nbest: int,
    cfg: dict,
    threads: int,
    work_dir: str,
) -> list[list[dict]]:
    """n-best lists of a pretrained translator, in source order: {"text", "score" (CTranslate2's
    length-normalized natural-log probability, scale ln_per_token), "tokens" (output tokens + 1 for </s>)}."""
    import ctranslate2
    import sentencepiece as spm

    check_family(spec, source_lang, target_lang)
    family = FAMILIES[spec["family"]]
    model = ct2_model(spec["path"], work_dir)
    tokens, prefix = encode_sources(spec, source_lang, target_lang, sources, model)
    decoder = spm.SentencePieceProcessor(model_file=str(Path(spec["path"]) / family.tokenizer_files[-1]))
    translator = ctranslate2.Translator(
        str(model), device=ct2_device(cfg["device"], "nmt.device"), intra_threads=threads
    )
    # Batches of equal-length sources (no padding), as translate_ct2: a sentence's output length cap and its
    # result do not depend on its neighbours. The cap counts the target prefix, so it is added to it.
    by_length: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        by_length.setdefault(len(t), []).append(i)
    hyps: list[list[dict]] = [[] for _ in sources]
    for length, rows in sorted(by_length.items()):
        for start in range(0, len(rows), cfg["batch_size"]):
            batch = rows[start : start + cfg["batch_size"]]
            cap = int(cfg["max_len_a"] * length + cfg["max_len_b"]) + len(prefix)
            results = translator.translate_batch(
                [tokens[i] for i in batch],
                target_prefix=[prefix] * len(batch) if prefix else None,
                beam_size=max(cfg["beam"], nbest),
                num_hypotheses=nbest,
                return_scores=True,
                max_decoding_length=cap,
            )
            for i, result in zip(batch, results):
                hyps[i] = [
                    {"text": decode(family, decoder, h, prefix), "score": float(s), "tokens": len(h) - len(prefix) + 1}
                    for h, s in zip(result.hypotheses, result.scores)
                ]
    return hyps
