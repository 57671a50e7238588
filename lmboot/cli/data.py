"""Subcommands that make, check and prepare the data: demo corpora, config, download, prepare, selection,
entity protection."""

from __future__ import annotations

import argparse
import json

from lmboot import config as cfg
from lmboot.cli.registry import arg, command, required, section_arg
from lmboot.errors import InputError


@command(
    "demo-data",
    "write the built-in demo corpora",
    arg("--out", required=True),
    arg("--seed", type=int, default=cfg.default("demo_data.seed")),
    arg("--n-in-domain", type=int, default=cfg.default("demo_data.n_in_domain")),
    arg("--n-general", type=int, default=cfg.default("demo_data.n_general")),
    arg("--assistant-share", type=float, default=cfg.default("demo_data.assistant_share")),
)
def cmd_demo_data(a):
    from lmboot.demo.data import generate

    return generate(
        a.out, seed=a.seed, n_in_domain=a.n_in_domain, n_general=a.n_general, assistant_share=a.assistant_share
    )


@command(
    "check-config",
    "validate a config file and check every file it names (lmboot/preflight.py); print a "
    "summary, or the config with its defaults",
    arg("config"),
    arg("--json", action="store_true", help="print the config with its defaults (JSON), not a summary"),
    arg("--fields-only", action="store_true", help="check the config's fields, not the files it names"),
)
def cmd_check_config(a):
    from lmboot.preflight import check_files, load_checked, notes_after_success

    with notes_after_success():  # a note (e.g. a recipe's setting turned off) only when nothing is wrong
        config = load_checked(a.config)
        report = {} if a.fields_only else check_files(config)
    files = sum(len(found) for found in report.values())
    checked = "fields only" if a.fields_only else f"fields and {files} files"
    print(
        json.dumps(config, indent=2, ensure_ascii=False)
        if a.json
        else f"{a.config}: ok ({checked} checked)\n" + summary(config, report),
        flush=True,
    )
    return {"config": a.config, "files_checked": files}


def summary(config: dict, report: dict) -> str:
    """check-config's report for a person: run, languages, the in-domain and general files with their line
    counts, recognizers, translators."""
    out = [
        f"run: {config['run']}",
        f"languages: {config['languages']['source']} (source) -> {config['languages']['target']} (new language)",
    ]
    for field, files in report.items():
        if field.startswith("asr."):
            continue
        out.append(f"{field}: " + "; ".join(file_summary(f) for f in files))
    asr = config.get("asr") or {}
    if asr.get("enabled"):
        recordings = [
            f"{field.split('.')[-1]} {f['path']} ({f['recordings']} recordings)"
            for field, files in report.items()
            if field.startswith("asr.")
            for f in files
        ]
        out.append(
            f"recognizers: {', '.join(asr['recognizers'])} on "
            + (
                "; ".join(recordings)
                or (f"the speech of {asr['speech_from']}" if asr.get("speech_from") else "synthesized speech")
            )
        )
    else:
        out.append("recognizers: none (asr.enabled: false)")
    own = f"lmboot's own ({config['nmt']['arch']}, decoded with {config['nmt']['translator']})"
    out.append("translators: " + ", ".join([own] + [f"{t['name']} ({t['family']})" for t in config["translators"]]))
    return "\n".join(out)


def file_summary(found: dict) -> str:
    if "made_by" in found:
        return f"{found['path']} (made by {found['made_by']})"
    text = f", {found['text']} with text" if "text" in found and found["text"] != found["lines"] else ""
    return f"{found['path']} ({found['lines']} lines{text})"


@command("config-doc", "write the config reference (Markdown) from the schema", arg("--out", required=True))
def cmd_config_doc(a):
    from lmboot.config_doc import write_reference

    return write_reference(a.out)


@command(
    "isa-env",
    "print the shell exports that pin the CPU's numeric kernels (numerics.cpu_isa; lmboot/numerics.py) for "
    'stages run without Snakemake: eval "$(lmboot isa-env)"',
    arg("--cpu-isa", choices=["avx2", "native"], default=cfg.default("numerics.cpu_isa")),
)
def cmd_isa_env(a):
    from lmboot.numerics import isa_exports

    print(isa_exports(a.cpu_isa), end="")
    return a.cpu_isa


@command(
    "download",
    "fetch a corpus from a URL, verify its sha256, unpack archives",
    arg("--url", required=True),
    arg("--sha256", help="expected sha256 (hex); without it the computed one is printed, to pin"),
    arg("--to", required=True, help="the file, or with --extract the directory, to write"),
    arg(
        "--extract",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="unpack the archive into --to (default: by the URL's suffix)",
    ),
)
def cmd_download(a):
    from lmboot.data.download import download

    return download(a.url, a.sha256, a.to, a.extract)


@command(
    "prepare",
    "normalize corpora and split seed/pool/dev/test",
    arg("--config", required=True, help="config file (or inline JSON of a whole config)"),
    arg("--out", required=True),
)
def cmd_prepare(a):
    from lmboot.data.prepare import prepare
    from lmboot.preflight import check_files, load_checked, notes_after_success

    with notes_after_success():  # bad input: its one line alone
        config = cfg.with_defaults(load_checked(a.config))
        check_files(config)  # every input file before anything is written (cached: a stat after the Snakefile's)
    return prepare(config, a.out)


# What decides select's output (select.tune, finetune_general and cache_dir are the workflow's business).
SELECT = ("method", "backend", "model", "batch_size", "device", "keep", "order", "random_seed")


def _encoder(s: dict):
    """The sentence encoder select.method needs (None for Moore-Lewis)."""
    from lmboot.select.embed import load_encoder

    return (
        None if s["method"] == "moore-lewis" else load_encoder(s["backend"], s["model"], s["batch_size"], s["device"])
    )


def _encoder_id(s: dict) -> str:
    """What keys the embedding cache besides the text: the backend and model."""
    return f"{s['backend']}:{s['model'] or 'default'}"


def _scorer(a):
    from lmboot.select.scorers import build_scorer

    s = a.select
    return build_scorer(s["method"], a.seed, _encoder(s), a.cache_dir, s["order"], s["random_seed"], _encoder_id(s))


@command(
    "select-score",
    "score one chunk of the general corpus for select (scatter: select.chunks jobs)",
    required("--general-tgt", "--seed", "--chunk", "--out"),
    section_arg("select", *(key for key in SELECT if key != "keep")),  # the cut is select's: no re-scoring
    arg("--cache-dir", help="cache the chunk's embeddings here (select.cache_dir)"),
)
def cmd_select_score(a):
    from lmboot.select.selection import score_chunk

    chunk, _, chunks = a.chunk.partition("-of-")
    if not (chunk.isdigit() and chunks.isdigit()):
        raise InputError(f"--chunk: expected K-of-N, e.g. 2-of-8 (got {a.chunk!r})")
    return score_chunk(a.general_tgt, _scorer(a), int(chunk), int(chunks), a.out)


@command(
    "select",
    "keep general pairs close to the seed centroid",
    required("--general-src", "--general-tgt", "--seed", "--out"),
    section_arg("select", *SELECT),
    arg("--cache-dir", help="cache the general side's embeddings here (select.cache_dir)"),
    arg("--scores", nargs="+", help="the chunks' scores (select-score): gather them instead of scoring here"),
)
def cmd_select(a):
    from lmboot.select.selection import select

    s = a.select
    encoder = None if a.scores else _encoder(s)  # gathering needs none
    return select(
        a.general_src,
        a.general_tgt,
        a.seed,
        a.out,
        encoder,
        s["keep"],
        s["method"],
        s["order"],
        s["random_seed"],
        a.cache_dir,
        _encoder_id(s),
        a.scores,
    )


@command(
    "select-cut",
    "one cut of select's ranking (a select.tune candidate)",
    required("--distances", "--general-src", "--general-tgt", "--out"),
    arg("--keep", required=True, help='JSON: {"top_fraction": 0.5}, {"top_k": N} or {"threshold": D}'),
)
def cmd_select_cut(a):
    from lmboot.select.selection import select_cut

    return select_cut(a.distances, a.general_src, a.general_tgt, json.loads(a.keep), a.out)


@command(
    "choose-cut",
    "the select.tune candidate best on dev becomes the selection",
    required("--distances", "--out", "--report"),
    arg("--candidates", required=True, help='JSON list of {"dir", "scores", "mix"}'),
    arg("--by", choices=["chrf", "perplexity"], required=True, help="select.tune.by"),
)
def cmd_choose_cut(a):
    from lmboot.select.selection import choose_cut

    return choose_cut(json.loads(a.candidates), a.by, a.distances, a.out, a.report)


@command(
    "entities",
    "pool/dev sources with entity spans replaced by placeholders",
    required(
        "--pool",
        "--pool-tags",
        "--dev",
        "--dev-tags",
        "--out",
        help="prepare's pool.src, pool.tags, dev.src, dev.tags; output directory",
    ),
    section_arg("entities", "types", "placeholders", "code_switch"),
    arg("--seed", help="prepare's seed.tgt (entities.code_switch)"),
    arg("--dev-tgt", help="prepare's dev.tgt (entities.code_switch)"),
)
def cmd_entities(a):
    from lmboot.data.entities import copy_words, extract

    code_switch = a.entities["code_switch"]
    if code_switch and not (a.seed and a.dev_tgt):
        raise InputError("lmboot entities: entities.code_switch needs --seed and --dev-tgt")
    copied = copy_words(code_switch, a.seed, a.pool, a.dev, a.dev_tgt) if code_switch else []
    return extract(a.entities, {"pool": (a.pool, a.pool_tags), "dev": (a.dev, a.dev_tags)}, a.out, copied)


@command(
    "restore-entities",
    "put entities back into n-best lists of protected sources",
    required("--protected", "--plain", "--map", "--out"),
)
def cmd_restore_entities(a):
    from lmboot.data.entities import restore_nbest

    return restore_nbest(a.protected, a.plain, a.map, a.out)
