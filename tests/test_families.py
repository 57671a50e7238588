"""Pretrained translator families (lmboot.translation.families) on tiny random models built here: sentencepiece
models trained on made-up sentences, transformers models saved as Hugging Face directories and converted by
CTranslate2. The checks are of behaviour (tags, prefixes, decoding, n-best shape, conversion once, errors), not of
quality."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil

import ctranslate2
import pytest
import sentencepiece as spm

from lmboot.errors import InputError
from lmboot.translation import families
from lmboot.translation.families import FAMILIES, check_family, decode, language_code, translate_family

os.environ["HF_HUB_OFFLINE"] = "1"
CFG = {"beam": 4, "batch_size": 8, "max_len_a": 1.0, "max_len_b": 4, "device": "cpu"}
WORDS = "el gato come pescado la casa es grande un perro corre the cat eats fish house is big a dog runs".split()
SOURCES = ["el gato come pescado", "un perro corre", "la casa es grande y el perro come"]
LAYERS = {
    "d_model": 32,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "max_position_embeddings": 64,
}


def train_spm(root, name, **kwargs):
    rng = random.Random(0)
    corpus = root / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(60)))
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(root / name),
        vocab_size=100,
        hard_vocab_limit=False,
        minloglevel=2,
        **kwargs,
    )
    return root / f"{name}.model"


def build_marian(root, model, tags):
    import torch
    import transformers

    torch.manual_seed(0)
    model.mkdir()
    for name in ("source.spm", "target.spm"):
        shutil.copy(root / "unigram.model", model / name)
    sp = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1, **{t: 2 + i for i, t in enumerate(tags)}}
    for i in range(sp.get_piece_size()):
        if not (sp.is_control(i) or sp.is_unknown(i)):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (model / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = transformers.MarianTokenizer(
        source_spm=str(model / "source.spm"), target_spm=str(model / "target.spm"), vocab=str(model / "vocab.json")
    )
    # CTranslate2 drops the trailing <pad> row: the model's vocab_size is the tokenizer's, <pad> included.
    config = transformers.MarianConfig(
        vocab_size=len(tokenizer.get_vocab()),
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        **LAYERS,
    )
    transformers.MarianMTModel(config).save_pretrained(model)
    tokenizer.save_pretrained(model)


def build_m2m100(root, model):
    import torch
    import transformers

    torch.manual_seed(1)
    model.mkdir()
    shutil.copy(root / "bpe.model", model / "sentencepiece.bpe.model")
    sp = spm.SentencePieceProcessor(model_file=str(model / "sentencepiece.bpe.model"))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(sp.get_piece_size()):
        if not (sp.is_control(i) or sp.is_unknown(i)):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    (model / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = transformers.M2M100Tokenizer(
        vocab_file=str(model / "vocab.json"), spm_file=str(model / "sentencepiece.bpe.model")
    )
    # As facebook/m2m100_*: the dictionary, then the 100 language tokens, then 8 made-up words.
    size = len(vocab) + len(tokenizer.lang_token_to_id) + tokenizer.num_madeup_words
    config = transformers.M2M100Config(
        vocab_size=size, pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, **LAYERS
    )
    transformers.M2M100ForConditionalGeneration(config).save_pretrained(model)
    tokenizer.save_pretrained(model)


def build_nllb(root, model):
    import torch
    import transformers

    torch.manual_seed(2)
    model.mkdir()
    shutil.copy(root / "bpe.model", model / "sentencepiece.bpe.model")
    tokenizer = transformers.NllbTokenizer.from_pretrained(
        str(model), extra_special_tokens=["spa_Latn", "eng_Latn", "deu_Latn"]
    )
    config = transformers.M2M100Config(
        vocab_size=len(tokenizer), pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, **LAYERS
    )
    transformers.M2M100ForConditionalGeneration(config).save_pretrained(model)
    tokenizer.save_pretrained(model)


def build_t5(root, model):
    import torch
    import transformers

    torch.manual_seed(3)
    model.mkdir()
    shutil.copy(root / "t5.model", model / "spiece.model")
    tokenizer = transformers.T5Tokenizer.from_pretrained(str(model), extra_ids=0)
    config = transformers.T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    transformers.T5ForConditionalGeneration(config).save_pretrained(model)
    tokenizer.save_pretrained(model)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Hugging Face directories by name: marian (multi-target: >>eng<< and >>deu<< in its vocabulary),
    marian-bilingual (no tags), m2m100, nllb, t5."""
    root = tmp_path_factory.mktemp("families")
    train_spm(root, "unigram")
    train_spm(root, "bpe", model_type="bpe")
    train_spm(root, "t5", user_defined_symbols=["<2en>", "<2es>", "<2de>"], pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    build_marian(root, root / "marian", [">>eng<<", ">>deu<<"])
    build_marian(root, root / "marian-bilingual", [])
    build_m2m100(root, root / "m2m100")
    build_nllb(root, root / "nllb")
    build_t5(root, root / "t5")
    return {p.name: p for p in root.iterdir() if p.is_dir()}


class Spy:
    """ctranslate2.Translator, recording each translate_batch's arguments and raw results."""

    calls: list = []
    Translator = ctranslate2.Translator

    def __init__(self, *args, **kwargs):
        self.translator = Spy.Translator(*args, **kwargs)

    def translate_batch(self, source, **kwargs):
        results = self.translator.translate_batch(source, **kwargs)
        Spy.calls.append({"source": source, **kwargs, "hypotheses": [r.hypotheses for r in results]})
        return results


@pytest.fixture
def spy(monkeypatch):
    Spy.calls = []
    monkeypatch.setattr(ctranslate2, "Translator", Spy)
    return Spy.calls


def spec(models, name, family=None, **codes):
    return {"name": name, "family": family or name.split("-")[0], "path": str(models[name]), **codes}


def pieces(model, name, text):
    return spm.SentencePieceProcessor(model_file=str(model / name)).encode(text, out_type=str)


# family model -> (source tag, target prefix) for es -> en; None: no tag.
EXPECTED = {
    "marian": (">>eng<<", None),
    "marian-bilingual": (None, None),
    "m2m100": ("__es__", "__en__"),
    "nllb": ("spa_Latn", "eng_Latn"),
    "t5": ("<2en>", None),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sources_are_tagged_and_nbest_records_have_their_shape(models, name, spy, tmp_path):
    tag, prefix = EXPECTED[name]
    hyps = translate_family(spec(models, name), "es", "en", SOURCES, 3, CFG, 1, str(tmp_path))
    sent = {tuple(s): (c, i) for c in spy for i, s in enumerate(c["source"])}
    family = FAMILIES[name.split("-")[0]]
    for src, nbest in zip(SOURCES, hyps):
        expected = ([tag] if tag else []) + pieces(models[name], family.tokenizer_files[0], src) + ["</s>"]
        call, i = sent[tuple(expected)]
        assert call["target_prefix"] == ([[prefix]] * len(call["source"]) if prefix else None)
        assert call["beam_size"] == 4 and call["num_hypotheses"] == 3 and call["return_scores"]
        assert call["max_decoding_length"] == int(len(expected) + 4) + (1 if prefix else 0)
        assert 1 <= len(nbest) <= 3
        for h, raw in zip(nbest, call["hypotheses"][i]):
            assert set(h) == {"text", "score", "tokens"}
            assert isinstance(h["text"], str) and "▁" not in h["text"] and "<" not in h["text"]
            assert isinstance(h["score"], float) and isinstance(h["tokens"], int)
            assert raw[:1] == ([prefix] if prefix else raw[:1])  # CTranslate2 returns the prefix; it is stripped
            assert h["tokens"] == len(raw) - (1 if prefix else 0) + 1


def test_results_do_not_depend_on_neighbours(models, tmp_path):
    alone = translate_family(spec(models, "nllb"), "es", "en", SOURCES[:1], 2, CFG, 1, str(tmp_path))
    together = translate_family(spec(models, "nllb"), "es", "en", SOURCES + SOURCES[:1], 2, CFG, 1, str(tmp_path))
    assert together[0] == together[-1] == alone[0] and len(together) == len(SOURCES) + 1


def test_decode_strips_the_prefix_and_tags_and_joins_pieces(models):
    sp = spm.SentencePieceProcessor(model_file=str(models["nllb"] / "sentencepiece.bpe.model"))
    tokens = ["eng_Latn", "▁el", "▁ga", "to", "spa_Latn", "<pad>"]
    assert decode(FAMILIES["nllb"], sp, tokens, ["eng_Latn"]) == "el gato"
    assert decode(FAMILIES["m2m100"], sp, ["__en__", "▁un", "madeupword3", "▁perro"], ["__en__"]) == "un perro"
    assert decode(FAMILIES["t5"], sp, ["▁el", "<2en>", "▁xyz▁q"], []) == "el xyz q"  # unknown pieces keep their text
    no_tags = dataclasses.replace(FAMILIES["nllb"], special="<pad>")  # the prefix alone is stripped
    assert decode(no_tags, sp, ["eng_Latn", "▁el", "▁eng_Latn"], ["eng_Latn"]) == "el eng_Latn"


def test_m2m100_conversion_keeps_the_language_tokens(models, tmp_path):
    translate_family(spec(models, "m2m100"), "es", "en", SOURCES[:1], 1, CFG, 1, str(tmp_path))
    vocab = json.loads((tmp_path / "ct2-model" / "shared_vocabulary.json").read_text())
    tokenizer_vocab = json.loads((models["m2m100"] / "vocab.json").read_text())
    assert len(vocab) == len(tokenizer_vocab) + 100 + 8
    assert vocab.index("__af__") == len(tokenizer_vocab) and vocab[-1] == "madeupword7"


def test_a_hugging_face_dir_is_converted_once_and_redone_when_newer(models, tmp_path, capsys):
    first = translate_family(spec(models, "t5"), "es", "en", SOURCES, 2, CFG, 1, str(tmp_path))
    mtime = (tmp_path / "ct2-model" / "model.bin").stat().st_mtime_ns
    second = translate_family(spec(models, "t5"), "es", "en", SOURCES, 2, CFG, 1, str(tmp_path))
    assert first == second and capsys.readouterr().err.count("CTranslate2 conversion of") == 1
    assert (tmp_path / "ct2-model" / "model.bin").stat().st_mtime_ns == mtime
    assert not (tmp_path / ".ct2-model.tmp").exists()
    config = models["t5"] / "config.json"
    later = (tmp_path / "ct2-model" / "model.bin").stat().st_mtime + 10
    os.utime(config, (later, later))
    try:
        translate_family(spec(models, "t5"), "es", "en", SOURCES[:1], 1, CFG, 1, str(tmp_path))
    finally:
        os.utime(config, (later - 20, later - 20))
    assert "CTranslate2 conversion of" in capsys.readouterr().err


def test_a_ctranslate2_dir_translates_directly(models, tmp_path, spy, capsys):
    converted = translate_family(spec(models, "marian"), "es", "en", SOURCES, 2, CFG, 1, str(tmp_path / "a"))
    ct2 = tmp_path / "ct2"
    shutil.copytree(tmp_path / "a" / "ct2-model", ct2)
    for name in ("source.spm", "target.spm"):
        shutil.copy(models["marian"] / name, ct2 / name)
    capsys.readouterr()
    direct = translate_family(
        {"name": "opus", "family": "marian", "path": str(ct2)}, "es", "en", SOURCES, 2, CFG, 1, str(tmp_path / "b")
    )
    assert direct == converted and "conversion" not in capsys.readouterr().err
    assert not (tmp_path / "b" / "ct2-model").exists()
    # A model converted by CTranslate2's own Marian converter adds </s> itself: it is not added twice.
    config = json.loads((ct2 / "config.json").read_text())
    (ct2 / "config.json").write_text(json.dumps({**config, "add_source_eos": True}))
    spy.clear()
    translate_family(
        {"name": "opus", "family": "marian", "path": str(ct2)}, "es", "en", SOURCES[:1], 1, CFG, 1, str(tmp_path / "b")
    )
    assert spy[0]["source"] == [[">>eng<<", *pieces(ct2, "source.spm", SOURCES[0])]]


def test_override_codes_are_used(models, spy, tmp_path):
    translate_family(spec(models, "nllb", target_code="deu_Latn"), "es", "xx", SOURCES[:1], 1, CFG, 1, str(tmp_path))
    assert spy[-1]["source"][0][0] == "spa_Latn" and spy[-1]["target_prefix"] == [["deu_Latn"]]
    translate_family(spec(models, "marian", target_code="deu"), "es", "en", SOURCES[:1], 1, CFG, 1, str(tmp_path))
    assert spy[-1]["source"][0][0] == ">>deu<<"
    with pytest.raises(InputError, match=r"translators\.nllb: .*has no 'xyz_Latn'"):
        translate_family(
            spec(models, "nllb", target_code="xyz_Latn"), "es", "en", SOURCES[:1], 1, CFG, 1, str(tmp_path)
        )


def test_language_codes():
    assert [language_code(f, "es") for f in FAMILIES] == ["spa", "es", "spa_Latn", "es"]
    assert language_code("nllb", "zh") == "zho_Hans" and language_code("marian", "pa") == "pan_Guru"
    for lang in "en es de fr it pt hi ar zh ja ru pa bn ta te mr ur nl pl tr".split():
        for family in ("marian", "nllb", "t5"):
            assert language_code(family, lang)
    assert language_code("nllb", "xx", "xxx_Latn") == "xxx_Latn" and language_code("t5", "en", "eng") == "eng"
    with pytest.raises(InputError, match=r"^no m2m100 code for language 'te'; set source_code/target_code$"):
        language_code("m2m100", "te")  # M2M-100 has no Telugu
    with pytest.raises(InputError, match="unknown translator family 'opus'"):
        language_code("opus", "en")


def test_check_family_errors_are_one_line_naming_the_entry(models, tmp_path):
    check_family(spec(models, "m2m100"), "es", "en")
    broken = tmp_path / "broken"
    shutil.copytree(models["marian"], broken)
    (broken / "target.spm").unlink()
    cases = [
        (
            {"name": "x", "family": "marian", "path": str(broken)},
            "es",
            "en",
            re.escape(f"translators.x.path: {broken}/target.spm: file not found"),
        ),
        (
            {"name": "x", "family": "nllb", "path": str(models["nllb"])},
            "es",
            "xx",
            r"^translators\.x: no nllb code for language 'xx'; set source_code/target_code$",
        ),
        ({"name": "x", "family": "m2m100", "path": str(models["m2m100"])}, "qq", "en", r"language 'qq'"),
        ({"name": "x", "family": "opus", "path": str(models["marian"])}, "es", "en", r"^translators\.x\.family"),
        ({"name": "x", "family": "t5", "path": str(tmp_path / "none")}, "es", "en", r"directory not found"),
        ({"name": "x", "family": "t5", "path": str(tmp_path)}, "es", "en", r"neither a CTranslate2 model"),
    ]
    for entry, source, target, message in cases:
        with pytest.raises(InputError, match=message) as error:
            check_family(entry, source, target)
        assert "\n" not in str(error.value) and "translators.x" in str(error.value)
    with pytest.raises(InputError, match="target.spm"):  # translate_family checks before any compute
        translate_family(
            {"name": "x", "family": "marian", "path": str(broken)}, "es", "en", SOURCES, 1, CFG, 1, str(tmp_path / "w")
        )
    assert not (tmp_path / "w").exists()


def test_each_family_is_declared_once_with_its_tokenizer_files():
    assert {n: f.tokenizer_files for n, f in FAMILIES.items()} == {
        "marian": ("source.spm", "target.spm"),
        "m2m100": ("sentencepiece.bpe.model",),
        "nllb": ("sentencepiece.bpe.model",),
        "t5": ("spiece.model",),
    }
    assert families.FAMILIES is FAMILIES


def test_lmboot_translate_with_a_model_family_writes_nbest_records(models, tmp_path):
    """The command the workflow runs (rule translate_with): a Hugging Face NLLB directory is converted once into
    the work directory, and the pool's n-best records come out in order with their scale and translator."""
    import json
    import subprocess

    source = tmp_path / "pool.src"
    source.write_text("el gato come\nla casa grande\n", encoding="utf-8")
    work, out = tmp_path / "work", tmp_path / "pool.nbest.jsonl"
    translator = json.dumps(
        {
            "name": "nllb",
            "family": "nllb",
            "path": str(models["nllb"]),
            "nbest": 2,
            "label": None,
            "source_code": None,
            "target_code": None,
        }
    )
    command = [
        "lmboot",
        "translate-with",
        "--translator",
        translator,
        "--languages",
        '{"source": "es", "target": "en"}',
        "--input",
        str(source),
        "--out",
        str(out),
        "--work-dir",
        str(work),
        "--nmt",
        '{"beam": 2, "batch_size": 8, "max_len_a": 1.0, "max_len_b": 3, "device": "cpu", "nbest": 5}',
    ]
    for _ in range(2):
        run = subprocess.run(command, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
    assert (work / "ct2-model" / "model.bin").is_file()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["src"] for r in records] == ["el gato come", "la casa grande"]
    assert all(
        r["score_scale"] == "ln_per_token" and r["translator"] == "nllb" and 1 <= len(r["hyps"]) <= 2 for r in records
    )
    stats = json.loads(out.with_suffix(".json").read_text())
    assert stats["family"] == "nllb" and stats["lines"] == 2
