"""Subcommands of the translator: sentencepiece, training and self-training, pretrained models, n-best
translation (chunked), rescoring."""

from __future__ import annotations

from lmboot import config as cfg
from lmboot.cli.registry import THREADS, arg, command, criterion_args, criterion_of, name_path, required, section_arg
from lmboot.errors import InputError

SEED = arg("--seed", type=int, default=cfg.default("split.random_seed"), help="split.random_seed")


def without_examples(scores: dict) -> dict:
    return {k: v for k, v in scores.items() if k != "examples"}


# The nmt keys each command reads (section_arg): what a 1-best translation of dev reads (checkpoint choice,
# guards), and what training reads besides; nbest, chunks, vocab_size, self-training's pseudo-pair settings
# and the round count are other rules' business, so changing them re-trains nothing.
DEV_TRANSLATION = ("translator", "beam", "batch_size", "max_len_a", "max_len_b", "device")
TRAINING = (
    "arch",
    "layers",
    "embed_dim",
    "ffn_dim",
    "hidden_dim",
    "heads",
    "dropout",
    "label_smoothing",
    "lr",
    "warmup_updates",
    "max_tokens",
    "max_updates",
    "stop_time_hours",
    "validate_every",
    "keep_checkpoints",
    "checkpoint_choice",
    "average_last",
    "patience",
    "self_training_keep",
    *DEV_TRANSLATION,
)


@command(
    "spm",
    "train the joint sentencepiece model and fairseq dictionary",
    arg("--inputs", nargs="+", required=True),
    arg("--out", required=True),
    arg("--vocab-size", type=int, default=cfg.default("nmt.vocab_size")),
    arg(
        "--max-sentences",
        type=int,
        default=cfg.default("nmt.spm_max_sentences"),
        help="train on a random sample of at most this many lines (nmt.spm_max_sentences)",
    ),
    THREADS,
)
def cmd_spm(a):
    from lmboot.translation.nmt import train_spm

    train_spm(a.inputs, a.out, a.vocab_size, a.threads, a.max_sentences)
    return {"spm": f"{a.out}/spm.model"}


@command(
    "train",
    "train or fine-tune the translator; scores it on dev",
    required("--train-src", "--train-tgt", "--dev-src", "--dev-tgt", "--spm-dir", "--out"),
    section_arg("nmt", *TRAINING),
    criterion_args(),
    arg("--restore", help="checkpoint to fine-tune from"),
    arg("--max-updates", type=int),
    SEED,
    THREADS,
)
def cmd_train(a):
    from lmboot.translation.selftrain import train_round

    return without_examples(
        train_round(
            a.train_src,
            a.train_tgt,
            a.dev_src,
            criterion_of(a, 2),
            a.spm_dir,
            a.out,
            a.nmt,
            a.threads,
            restore=a.restore,
            max_updates=a.max_updates,
            seed=a.seed,
        )
    )


@command(
    "pretrained",
    "install an existing translator as round 0; scores it on dev",
    required("--spm-model", "--spm-dir", "--out", "--dev-src", "--dev-tgt"),
    arg("--checkpoint", help="fairseq checkpoint (with --dict)"),
    arg("--dict", help="fairseq dictionary shared by source and target"),
    arg("--ct2-model", help="CTranslate2 model directory (instead of --checkpoint)"),
    section_arg("nmt", *DEV_TRANSLATION),
    criterion_args(),
    THREADS,
)
def cmd_pretrained(a):
    from lmboot.translation.decode import dev_scores
    from lmboot.translation.pretrained import use_pretrained, use_pretrained_ct2

    if bool(a.checkpoint) == bool(a.ct2_model) or (a.checkpoint and not a.dict):
        raise InputError("lmboot pretrained: give --checkpoint with --dict (fairseq) or --ct2-model (CTranslate2)")
    if a.ct2_model:
        model = use_pretrained_ct2(a.ct2_model, a.spm_model, a.spm_dir, a.out)
    else:
        model = use_pretrained(a.checkpoint, a.spm_model, a.dict, a.spm_dir, a.out)
    return without_examples(
        dev_scores(model, a.spm_dir, a.dev_src, criterion_of(a, 2), f"{a.out}/dev_scores.json", a.nmt, a.threads)
    )


@command(
    "translate",
    "n-best translation to JSON lines",
    required("--checkpoint", "--spm-dir", "--input", "--out"),
    section_arg("nmt", *DEV_TRANSLATION, "nbest"),
    arg("--nbest", type=int),
    THREADS,
)
def cmd_translate(a):
    from lmboot.translation.decode import translate

    return {"translated": translate(a.checkpoint, a.spm_dir, a.input, a.out, a.nmt, a.threads, a.nbest)}


@command(
    "split",
    "split a text file into contiguous chunks (for chunked translation)",
    arg("--input", required=True),
    arg("--outputs", nargs="+", required=True),
)
def cmd_split(a):
    from lmboot.translation.decode import split_lines

    return {"sizes": split_lines(a.input, a.outputs)}


@command(
    "gather",
    "concatenate chunked n-best files in order",
    arg("--inputs", nargs="+", required=True),
    arg("--out", required=True),
)
def cmd_gather(a):
    from lmboot.translation.decode import gather_nbest

    return {"records": gather_nbest(a.inputs, a.out)}


@command(
    "pseudo-pairs",
    "bitext + guarded pool translations for self-training",
    required("--pool-src", "--nbest", "--bitext-src", "--bitext-tgt", "--out-prefix"),
    arg("--seed-lm"),
    section_arg("nmt", "self_training_filters", "self_training_mix"),
    arg(
        "--seed",
        type=int,
        default=cfg.default("split.random_seed"),
        help="random seed of the bitext sample (self_training_mix)",
    ),
)
def cmd_pseudo_pairs(a):
    from lmboot.translation.selftrain import pseudo_pairs

    return pseudo_pairs(
        a.pool_src,
        a.nbest,
        a.bitext_src,
        a.bitext_tgt,
        a.out_prefix,
        a.nmt["self_training_filters"],
        a.seed_lm,
        a.nmt["self_training_mix"],
        a.seed,
    )


@command(
    "rescore",
    "pick each n-best list's best hypothesis with the seed LM",
    required("--nbest", "--seed-lm", "--out"),
    section_arg("rescore", "lambda", "grid"),
    arg("--dev-nbest", help="dev n-best lists, to tune lambda"),
    arg("--dev-tgt", help="to tune lambda: the dev references (chrf) or the new-language dev text (dev_ppl)"),
    criterion_args(),
)
def cmd_rescore(a):
    from lmboot.translation.rescore import rescore

    r = a.rescore
    criterion = criterion_of(a) if r["lambda"] == "tune" else None
    return rescore(a.nbest, a.seed_lm, a.out, r["lambda"], a.dev_nbest, criterion, r["grid"])


@command(
    "translate-with",
    "translate with a translator a team brings (config translators: a model family or a command)",
    required("--translator", "--languages", "--input", "--out"),
    section_arg("nmt", *DEV_TRANSLATION, "nbest"),
    section_arg("normalize", "lowercase", "strip_punctuation", "spoken_form"),
    arg("--work-dir", help="where a Hugging Face model's CTranslate2 conversion is kept (made once)"),
    THREADS,
)
def cmd_translate_with(a):
    import json

    from lmboot.translation.translators import translate_with

    spec, languages = json.loads(a.translator), json.loads(a.languages)
    return translate_with(spec, languages, a.input, a.out, a.nmt, a.threads, a.work_dir, a.normalize)


@command(
    "translator-scores",
    "a translator's dev scores from its dev n-best lists (1-best), by the criterion",
    required("--nbest", "--out", "--dev-tgt"),
    criterion_args(),
)
def cmd_translator_scores(a):
    from lmboot.translation.decode import one_best, score_translations

    return without_examples(score_translations(one_best(a.nbest), criterion_of(a, 2), a.out))


@command(
    "union-nbest",
    "one n-best list per source from every translator's (scores normalized per system)",
    arg("--nbest", nargs="+", required=True, type=name_path, help="NAME=n-best JSON lines, one per translator"),
    arg("--out", required=True),
)
def cmd_union_nbest(a):
    from lmboot.translation.translators import union_nbest

    return union_nbest(dict(a.nbest), a.out)
