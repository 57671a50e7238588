"""`lmboot <stage>`: one subcommand per stage, each a thin call of the stage's function.

Section options (--select, --nmt, --lm-filter, ...) take the matching config section as inline JSON
or a config file path (whose section is then used), so a stage runs the same with or without Snakemake.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lmboot import config as cfg
from lmboot.errors import InputError


def section(name: str):
    """argparse type: a config section from inline JSON or from a whole config file, validated and with the
    schema's defaults filled in (an option left out is "{}": all defaults)."""
    def parse(value: str) -> dict:
        loaded = cfg.load(value)
        return cfg.section_defaults(name, loaded if value.lstrip().startswith("{") else loaded.get(name))
    parse.__name__ = f"{name} section"
    return parse


def cmd_demo_data(a):
    from lmboot.demo_data import generate
    return generate(a.out, seed=a.seed, n_in_domain=a.n_in_domain, n_general=a.n_general,
                    assistant_share=a.assistant_share)


def cmd_download(a):
    from lmboot.download import download
    return download(a.url, a.sha256, a.to, a.extract)


def cmd_prepare(a):
    from lmboot.prepare import prepare
    return prepare(cfg.load(a.config), a.out)


def cmd_select(a):
    from lmboot.embed import load_encoder
    from lmboot.select import select
    s = a.select
    encoder = None if s["method"] == "moore-lewis" else load_encoder(s["backend"], s["model"], s["batch_size"])
    return select(a.general_src, a.general_tgt, a.seed, a.out, encoder, s["keep"], s["method"], s["order"],
                  s["random_seed"], a.cache_dir, f"{s['backend']}:{s['model'] or 'default'}")


def cmd_select_cut(a):
    from lmboot.select import select_cut
    return select_cut(a.distances, a.general_src, a.general_tgt, json.loads(a.keep), a.out)


def cmd_choose_cut(a):
    from lmboot.select import choose_cut
    return choose_cut(json.loads(a.candidates), a.by, a.distances, a.out, a.report)


def cmd_spm(a):
    from lmboot.nmt import train_spm
    train_spm(a.inputs, a.out, a.vocab_size, a.threads)
    return {"spm": f"{a.out}/spm.model"}


def cmd_train(a):
    from lmboot.selftrain import train_round
    scores = train_round(a.train_src, a.train_tgt, a.dev_src, a.dev_tgt, a.spm_dir, a.out, a.nmt, a.threads,
                         restore=a.restore, max_updates=a.max_updates, seed=a.seed)
    return {k: v for k, v in scores.items() if k != "examples"}


def cmd_pretrained(a):
    from lmboot.pretrained import use_pretrained, use_pretrained_ct2
    from lmboot.translate import dev_scores
    if bool(a.checkpoint) == bool(a.ct2_model) or (a.checkpoint and not a.dict):
        raise InputError("lmboot pretrained: give --checkpoint with --dict (fairseq) or --ct2-model (CTranslate2)")
    if a.ct2_model:
        model = use_pretrained_ct2(a.ct2_model, a.spm_model, a.spm_dir, a.out)
    else:
        model = use_pretrained(a.checkpoint, a.spm_model, a.dict, a.spm_dir, a.out)
    scores = dev_scores(model, a.spm_dir, a.dev_src, a.dev_tgt, f"{a.out}/dev_scores.json", a.nmt, a.threads)
    return {k: v for k, v in scores.items() if k != "examples"}


def cmd_translate(a):
    from lmboot.translate import translate
    return {"translated": translate(a.checkpoint, a.spm_dir, a.input, a.out, a.nmt, a.threads, a.nbest)}


def cmd_split(a):
    from lmboot.translate import split_lines
    return {"sizes": split_lines(a.input, a.outputs)}


def cmd_gather(a):
    from lmboot.translate import gather_nbest
    return {"records": gather_nbest(a.inputs, a.out)}


def cmd_pseudo_pairs(a):
    from lmboot.selftrain import pseudo_pairs
    return pseudo_pairs(a.pool_src, a.nbest, a.bitext_src, a.bitext_tgt, a.out_prefix,
                        a.nmt["self_training_filters"], a.seed_lm, a.nmt["self_training_mix"], a.seed)


def cmd_rescore(a):
    from lmboot.rescore import rescore
    r = a.rescore
    return rescore(a.nbest, a.seed_lm, a.out, r["lambda"], a.dev_nbest, a.dev_refs, r["grid"])


def cmd_lm_filter(a):
    from lmboot.lm_filter import lm_filter
    f = a.lm_filter
    return lm_filter(a.src, a.tgt, a.seed_lm, a.out, f["filters"], a.seed_arpa, a.dev, f["grid"], a.order,
                     a.seed_weight, f["tune_on"])


def cmd_lm(a):
    from lmboot.lm import build_lm
    build_lm(a.text, a.out_prefix, a.order)
    return {"arpa": f"{a.out_prefix}.arpa", "binary": f"{a.out_prefix}.bin"}


def seed_weight(value: str):
    """argparse type: 'em' or a number in [0, 1]."""
    if value == "em":
        return value
    try:
        weight = float(value)
    except ValueError:
        weight = -1.0
    if not 0 <= weight <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is neither 'em' nor a number in [0, 1]")
    return weight


def name_path(value: str) -> tuple[str, str]:
    """argparse type: NAME=PATH."""
    name, sep, path = value.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=PATH")
    return name, path


def cmd_mix(a):
    from lmboot.lm_mix import build_mix
    components = dict(a.lm)
    if len(components) != len(a.lm):
        raise InputError(f"mix --lm: a component name is given twice ({' '.join(name for name, _ in a.lm)})")
    return build_mix(components, a.dev, a.out_prefix, a.seed_weight)


def cmd_topk(a):
    from lmboot.topk import topk_text
    return topk_text(a.nbest, a.src, a.seed_lm, a.seed_arpa, a.dev, a.rescore_stats, a.filter_stats,
                     a.lm_filter["filters"], a.k, a.out, a.order, a.seed_weight)


def cmd_lm_component(a):
    from lmboot.lm_vocab import build_component
    return build_component(a.text, a.out_prefix, a.order, a.min_count, a.seed_arpa, a.dev, a.seed_weight)


def cmd_evaluate(a):
    from lmboot.evaluate import evaluate
    models = dict(a.lm)
    stats = {name: json.loads(Path(path).read_text()) for name, path in a.stats}
    return evaluate(models, a.test, a.out, stats, a.vocabulary_from)


def cmd_ablation(a):
    from lmboot.evaluate import ablation
    return ablation(json.loads(a.rows), a.test, a.out, a.bootstrap)


def cmd_seed_sizes(a):
    from lmboot.evaluate import seed_sizes
    ablations = {}
    for size, path in a.ablation:
        if not size.isdigit():
            raise InputError(f"--ablation {size}={path}: the seed size must be a whole number")
        ablations[int(size)] = path
    return seed_sizes(ablations, a.out)


def cmd_dev_curves(a):
    from lmboot.evaluate import dev_curves
    return dev_curves(a.rescore, a.filter, a.choice, a.out)


def cmd_entities(a):
    from lmboot.entities import extract
    return extract(cfg.load(a.config), a.pool, a.dev, a.out)


def cmd_restore_entities(a):
    from lmboot.entities import restore_nbest
    return restore_nbest(a.protected, a.plain, a.map, a.out)


def cmd_synthesize(a):
    from lmboot.speech import synthesize
    return synthesize(a.text, a.out_dir, a.asr["voices"], a.asr["snr_db"], a.asr[f"{a.part}_size"],
                      a.asr["random_seed"])


def cmd_reuse_speech(a):
    from lmboot.speech import reuse_speech
    return reuse_speech(a.text, a.asr[f"{a.part}_size"], a.asr["random_seed"], a.from_dir, a.out_dir)


def cmd_pronunciations(a):
    from lmboot.pronounce import pronunciations
    return pronunciations(a.arpa, a.out)


def cmd_sphinx_wer(a):
    from lmboot.asr import sphinx_wer
    return sphinx_wer(a.arpa, a.dict, a.dev, a.test, a.asr["sphinx_lw"], a.out, a.threads)


def cmd_whisper_nbest(a):
    from lmboot.asr import whisper_nbest
    return whisper_nbest(a.manifest, a.out, a.asr["whisper_model"], a.asr["whisper_beam"], a.asr["whisper_nbest"],
                         a.device, a.threads)


def cmd_whisper_wer(a):
    from lmboot.asr import whisper_wer
    return whisper_wer(a.lm, a.dev_nbest, a.test_nbest, a.dev, a.test, a.asr["alpha"], a.asr["beta"], a.out)


def cmd_wer_table(a):
    from lmboot.wer import wer_table
    return wer_table(json.loads(a.rows), a.out, a.asr["bootstrap"])


def cmd_check_config(a):
    return cfg.load(a.config)


def cmd_config_doc(a):
    from lmboot.config_doc import write_reference
    return write_reference(a.out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lmboot", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    def add(name, func, help_text):
        s = sub.add_parser(name, help=help_text)
        s.set_defaults(func=func)
        return s

    s = add("demo-data", cmd_demo_data, "write the built-in demo corpora")
    s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=13)
    s.add_argument("--n-in-domain", type=int, default=3000)
    s.add_argument("--n-general", type=int, default=8000)
    s.add_argument("--assistant-share", type=float, default=0.15)

    s = add("check-config", cmd_check_config, "validate a config file and print it with defaults")
    s.add_argument("config")

    s = add("config-doc", cmd_config_doc, "write the config reference (Markdown) from the schema")
    s.add_argument("--out", required=True)

    s = add("download", cmd_download, "fetch a corpus from a URL, verify its sha256, unpack archives")
    s.add_argument("--url", required=True)
    s.add_argument("--sha256", help="expected sha256 (hex); without it the computed one is printed, to pin")
    s.add_argument("--to", required=True, help="the file, or with --extract the directory, to write")
    s.add_argument("--extract", action=argparse.BooleanOptionalAction, default=None,
                   help="unpack the archive into --to (default: by the URL's suffix)")

    s = add("prepare", cmd_prepare, "normalize corpora and split seed/pool/dev/test")
    s.add_argument("--config", required=True, help="config file (or inline JSON of a whole config)")
    s.add_argument("--out", required=True)

    s = add("select", cmd_select, "keep general pairs close to the seed centroid")
    for arg in ("--general-src", "--general-tgt", "--seed", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--select", type=section("select"), default="{}")
    s.add_argument("--cache-dir", help="cache the general side's embeddings here (select.cache_dir)")

    s = add("select-cut", cmd_select_cut, "one cut of select's ranking (a select.tune candidate)")
    for arg in ("--distances", "--general-src", "--general-tgt", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--keep", required=True, help='JSON: {"top_fraction": 0.5}, {"top_k": N} or {"threshold": D}')

    s = add("choose-cut", cmd_choose_cut, "the select.tune candidate best on dev becomes the selection")
    for arg in ("--distances", "--out", "--report"):
        s.add_argument(arg, required=True)
    s.add_argument("--candidates", required=True, help='JSON list of {"dir", "scores", "mix"}')
    s.add_argument("--by", choices=["chrf", "perplexity"], default="chrf")

    s = add("spm", cmd_spm, "train the joint sentencepiece model and fairseq dictionary")
    s.add_argument("--inputs", nargs="+", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--vocab-size", type=int, default=4000)
    s.add_argument("--threads", type=int, default=1)

    s = add("train", cmd_train, "train or fine-tune the translator; scores it on dev")
    for arg in ("--train-src", "--train-tgt", "--dev-src", "--dev-tgt", "--spm-dir", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--nmt", type=section("nmt"), default="{}")
    s.add_argument("--restore", help="checkpoint to fine-tune from")
    s.add_argument("--max-updates", type=int)
    s.add_argument("--seed", type=int, default=13)
    s.add_argument("--threads", type=int, default=1)

    s = add("pretrained", cmd_pretrained, "install an existing translator as round 0; scores it on dev")
    for arg in ("--spm-model", "--spm-dir", "--out", "--dev-src", "--dev-tgt"):
        s.add_argument(arg, required=True)
    s.add_argument("--checkpoint", help="fairseq checkpoint (with --dict)")
    s.add_argument("--dict", help="fairseq dictionary shared by source and target")
    s.add_argument("--ct2-model", help="CTranslate2 model directory (instead of --checkpoint)")
    s.add_argument("--nmt", type=section("nmt"), default="{}")
    s.add_argument("--threads", type=int, default=1)

    s = add("translate", cmd_translate, "n-best translation to JSON lines")
    for arg in ("--checkpoint", "--spm-dir", "--input", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--nmt", type=section("nmt"), default="{}")
    s.add_argument("--nbest", type=int)
    s.add_argument("--threads", type=int, default=1)

    s = add("split", cmd_split, "split a text file into contiguous chunks (for chunked translation)")
    s.add_argument("--input", required=True)
    s.add_argument("--outputs", nargs="+", required=True)

    s = add("gather", cmd_gather, "concatenate chunked n-best files in order")
    s.add_argument("--inputs", nargs="+", required=True)
    s.add_argument("--out", required=True)

    s = add("pseudo-pairs", cmd_pseudo_pairs, "bitext + guarded pool translations for self-training")
    for arg in ("--pool-src", "--nbest", "--bitext-src", "--bitext-tgt", "--out-prefix"):
        s.add_argument(arg, required=True)
    s.add_argument("--seed-lm")
    s.add_argument("--nmt", type=section("nmt"), default="{}")
    s.add_argument("--seed", type=int, default=13, help="random seed of the bitext sample (self_training_mix)")

    s = add("rescore", cmd_rescore, "pick each n-best list's best hypothesis with the seed LM")
    for arg in ("--nbest", "--seed-lm", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--rescore", type=section("rescore"), default="{}")
    s.add_argument("--dev-nbest", help="dev n-best lists, to tune lambda")
    s.add_argument("--dev-refs", help="dev references, to tune lambda")

    s = add("lm-filter", cmd_lm_filter, "drop improbable translations")
    for arg in ("--src", "--tgt", "--seed-lm", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--lm-filter", type=section("lm_filter"), default="{}")
    s.add_argument("--seed-arpa", help="seed LM as ARPA, to tune the lm_score percentile")
    s.add_argument("--dev", help="dev text, to tune the lm_score percentile")
    s.add_argument("--order", type=int, default=3, help="n-gram order of the LMs built while tuning")
    s.add_argument("--seed-weight", type=seed_weight, default="em", help="how the LMs built while tuning are mixed (lm.seed_weight)")

    s = add("lm", cmd_lm, "build an ARPA + binary KenLM model from text")
    s.add_argument("--text", required=True)
    s.add_argument("--out-prefix", required=True)
    s.add_argument("--order", type=int, default=3)

    s = add("mix", cmd_mix, "interpolate the seed LM with any number of others into one ARPA")
    s.add_argument("--lm", nargs="+", type=name_path, required=True, metavar="NAME=ARPA",
                   help="the LMs to mix, the seed first")
    for arg in ("--dev", "--out-prefix"):
        s.add_argument(arg, required=True)
    s.add_argument("--seed-weight", type=seed_weight, default="em", help="'em' (all weights by EM on dev) or the seed's weight in [0, 1]")

    s = add("topk", cmd_topk, "the top-k rescored hypotheses of each pool n-best list as LM data, k chosen on dev")
    for arg in ("--nbest", "--src", "--seed-lm", "--seed-arpa", "--dev", "--rescore-stats", "--filter-stats", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--lm-filter", type=section("lm_filter"), default="{}")
    s.add_argument("--k", type=int, nargs="+", required=True, help="candidate k (lm.nbest_k)")
    s.add_argument("--order", type=int, default=3)
    s.add_argument("--seed-weight", type=seed_weight, default="em")

    s = add("lm-component", cmd_lm_component, "an LM of a text component, its vocabulary cut chosen on dev")
    for arg in ("--text", "--out-prefix"):
        s.add_argument(arg, required=True)
    s.add_argument("--order", type=int, required=True)
    s.add_argument("--min-count", type=int, nargs="+", required=True, help="candidate cuts (lm.vocab_min_count)")
    s.add_argument("--seed-arpa", help="seed LM as ARPA, to choose the cut")
    s.add_argument("--dev", help="dev text, to choose the cut")
    s.add_argument("--seed-weight", type=seed_weight, default="em", help="how candidates are mixed (lm.seed_weight)")

    s = add("evaluate", cmd_evaluate, "test perplexity and OOV rate of each LM")
    s.add_argument("--lm", nargs="+", type=name_path, required=True, metavar="NAME=PATH")
    s.add_argument("--test", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--stats", nargs="*", type=name_path, default=[], metavar="NAME=JSON",
                   help="stage statistics (JSON files) to record beside the metrics")
    s.add_argument("--vocabulary-from", nargs="*", default=None, metavar="ARPA",
                   help="the LMs as ARPA files: also the perplexity over their common vocabulary")

    s = add("ablation", cmd_ablation, "the ablation table: test perplexity of each row's LM with its stage figures")
    s.add_argument("--rows", required=True, help="JSON list of rows (see lmboot.evaluate.ablation)")
    s.add_argument("--test", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--bootstrap", type=int, default=1000, help="resamples of the WER confidence intervals")

    s = add("seed-sizes", cmd_seed_sizes, "one table over seed sizes from their runs' ablation tables")
    s.add_argument("--ablation", nargs="+", type=name_path, required=True, metavar="SIZE=ABLATION_JSON")
    s.add_argument("--out", required=True, help="Markdown table")

    s = add("entities", cmd_entities, "pool/dev sources with entity spans replaced by placeholders")
    s.add_argument("--config", required=True, help="config file (or inline JSON of a whole config)")
    for arg in ("--pool", "--dev", "--out"):
        s.add_argument(arg, required=True, help="prepared pool.src, dev.src, output directory")

    s = add("restore-entities", cmd_restore_entities, "put entities back into n-best lists of protected sources")
    for arg in ("--protected", "--plain", "--map", "--out"):
        s.add_argument(arg, required=True)

    s = add("synthesize", cmd_synthesize, "speech for a seeded sample of the text (asr.voices, asr.snr_db)")
    for arg in ("--text", "--out-dir"):
        s.add_argument(arg, required=True)
    s.add_argument("--part", choices=["dev", "test"], required=True, help="which asr.<part>_size applies")
    s.add_argument("--asr", type=section("asr"), default="{}")

    s = add("reuse-speech", cmd_reuse_speech, "another run's speech and Whisper n-best lists of the same text")
    for arg in ("--text", "--from-dir", "--out-dir"):
        s.add_argument(arg, required=True)
    s.add_argument("--part", choices=["dev", "test"], required=True, help="which asr.<part>_size applies")
    s.add_argument("--asr", type=section("asr"), default="{}")

    s = add("pronunciations", cmd_pronunciations, "PocketSphinx dictionary for an ARPA LM's words (cmudict + G2P)")
    s.add_argument("--arpa", required=True)
    s.add_argument("--out", required=True)

    s = add("sphinx-wer", cmd_sphinx_wer, "PocketSphinx with an LM: weight tuned on dev, test WER")
    for arg in ("--arpa", "--dict", "--dev", "--test", "--out"):
        s.add_argument(arg, required=True, help="ARPA LM, its dictionary, dev/test manifest.tsv, output JSON")
    s.add_argument("--asr", type=section("asr"), default="{}")
    s.add_argument("--threads", type=int, default=1)

    s = add("whisper-nbest", cmd_whisper_nbest, "Whisper n-best lists of the utterances of a manifest")
    s.add_argument("--manifest", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--asr", type=section("asr"), default="{}")
    s.add_argument("--device", default="auto", help="cpu, cuda or auto")
    s.add_argument("--threads", type=int, default=1)

    s = add("whisper-wer", cmd_whisper_wer, "Whisper n-best rescored with an LM: alpha/beta tuned on dev, test WER")
    for arg in ("--lm", "--dev-nbest", "--test-nbest", "--dev", "--test", "--out"):
        s.add_argument(arg, required=True)
    s.add_argument("--asr", type=section("asr"), default="{}")

    s = add("wer-table", cmd_wer_table, "WER of each LM with bootstrap CIs and paired tests vs the first row")
    s.add_argument("--rows", required=True, help='JSON list of {"label", "sphinx": json, "whisper": json}')
    s.add_argument("--out", required=True)
    s.add_argument("--asr", type=section("asr"), default="{}")

    s = add("dev-curves", cmd_dev_curves, "plot the choices made on dev (lambda, filter cut, checkpoint)")
    for arg in ("--rescore", "--filter", "--out"):
        s.add_argument(arg, required=True, help="rescore stats JSON, lm_filter stats JSON, output PNG")
    s.add_argument("--choice", help="the translator's choice.json (dev chrF of each checkpoint candidate)")
    return p


def main(argv: list[str] | None = None) -> int:
    start = time.time()
    try:  # section options are loaded while parsing, so bad input can surface there too
        args = build_parser().parse_args(argv)
        result = args.func(args)
    except InputError as e:
        print(f"lmboot: error: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"command": args.command, "seconds": round(time.time() - start, 1), "result": result},
                     ensure_ascii=False, default=str), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
