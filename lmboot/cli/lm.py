"""Subcommands of the language models: the translation filter, building, mixing, top-k and text components,
and the evaluation tables."""

from __future__ import annotations

import json
from pathlib import Path

from lmboot import config as cfg
from lmboot.cli.registry import arg, command, name_path, required, section_arg, seed_weight
from lmboot.errors import InputError

ORDER = arg("--order", type=int, default=cfg.default("lm.order"), help="n-gram order (lm.order)")
SEED_WEIGHT = arg(
    "--seed-weight",
    type=seed_weight,
    default=cfg.default("lm.seed_weight"),
    help="'em' (all weights by EM on dev) or the seed's weight in [0, 1] (lm.seed_weight)",
)


@command(
    "lm-filter",
    "drop improbable translations",
    required("--src", "--tgt", "--seed-lm", "--out"),
    section_arg("lm_filter", "filters", "grid", "tune_on"),
    arg("--seed-arpa", help="seed LM as ARPA, to tune the lm_score percentile"),
    arg("--dev", help="dev text, to tune the lm_score percentile"),
    ORDER,
    SEED_WEIGHT,
)
def cmd_lm_filter(a):
    from lmboot.translation.lm_filter import lm_filter

    f = a.lm_filter
    return lm_filter(
        a.src,
        a.tgt,
        a.seed_lm,
        a.out,
        f["filters"],
        a.seed_arpa,
        a.dev,
        f["grid"],
        a.order,
        a.seed_weight,
        f["tune_on"],
    )


@command("lm", "build an ARPA + binary KenLM model from text", required("--text", "--out-prefix"), ORDER)
def cmd_lm(a):
    from lmboot.lm.kenlm import build_lm

    build_lm(a.text, a.out_prefix, a.order)
    return {"arpa": f"{a.out_prefix}.arpa", "binary": f"{a.out_prefix}.bin"}


@command(
    "mix",
    "interpolate the seed LM with any number of others into one ARPA",
    arg("--lm", nargs="+", type=name_path, required=True, metavar="NAME=ARPA", help="the LMs to mix, the seed first"),
    required("--dev", "--out-prefix"),
    SEED_WEIGHT,
)
def cmd_mix(a):
    from lmboot.lm.mix import build_mix

    components = dict(a.lm)
    if len(components) != len(a.lm):
        raise InputError(f"mix --lm: a component name is given twice ({' '.join(name for name, _ in a.lm)})")
    return build_mix(components, a.dev, a.out_prefix, a.seed_weight)


@command(
    "topk",
    "the top-k rescored hypotheses of each pool n-best list as LM data, k chosen on dev",
    required("--nbest", "--src", "--seed-lm", "--seed-arpa", "--dev", "--rescore-stats", "--filter-stats", "--out"),
    section_arg("lm_filter", "filters"),
    arg("--k", type=int, nargs="+", required=True, help="candidate k (lm.nbest_k)"),
    ORDER,
    SEED_WEIGHT,
)
def cmd_topk(a):
    from lmboot.translation.topk import topk_text

    return topk_text(
        a.nbest,
        a.src,
        a.seed_lm,
        a.seed_arpa,
        a.dev,
        a.rescore_stats,
        a.filter_stats,
        a.lm_filter["filters"],
        a.k,
        a.out,
        a.order,
        a.seed_weight,
    )


@command(
    "lm-component",
    "an LM of a text component, its vocabulary cut chosen on dev",
    required("--text", "--out-prefix"),
    arg("--order", type=int, required=True),
    arg("--min-count", type=int, nargs="+", required=True, help="candidate cuts (lm.vocab_min_count)"),
    arg("--seed-arpa", help="seed LM as ARPA, to choose the cut"),
    arg("--dev", help="dev text, to choose the cut"),
    arg("--max-ngrams", type=int, help="count-prune each cut to at most this many n-grams (lm.component_max_ngrams)"),
    SEED_WEIGHT,
)
def cmd_lm_component(a):
    from lmboot.component_lm import build_component

    return build_component(a.text, a.out_prefix, a.order, a.min_count, a.seed_arpa, a.dev, a.seed_weight, a.max_ngrams)


@command(
    "evaluate",
    "test perplexity and OOV rate of each LM",
    arg("--lm", nargs="+", type=name_path, required=True, metavar="NAME=PATH"),
    required("--test", "--out"),
    arg(
        "--stats",
        nargs="*",
        type=name_path,
        default=[],
        metavar="NAME=JSON",
        help="stage statistics (JSON files) to record beside the metrics",
    ),
    arg(
        "--vocabulary-from",
        nargs="*",
        default=None,
        metavar="ARPA",
        help="the LMs as ARPA files: also the perplexity over their common vocabulary",
    ),
)
def cmd_evaluate(a):
    from lmboot.report.evaluate import evaluate

    stats = {name: json.loads(Path(path).read_text()) for name, path in a.stats}
    return evaluate(dict(a.lm), a.test, a.out, stats, a.vocabulary_from)


@command(
    "ablation",
    "the ablation table: test perplexity of each row's LM with its stage figures",
    arg("--rows", required=True, help="JSON list of rows (see lmboot.report.evaluate.ablation)"),
    required("--test", "--out"),
    arg(
        "--bootstrap", type=int, default=cfg.default("asr.bootstrap"), help="resamples of the WER confidence intervals"
    ),
)
def cmd_ablation(a):
    from lmboot.report.evaluate import ablation

    return ablation(json.loads(a.rows), a.test, a.out, a.bootstrap)


@command(
    "seed-sizes",
    "one table over seed sizes from their runs' ablation tables",
    arg("--ablation", nargs="+", type=name_path, required=True, metavar="SIZE=ABLATION_JSON"),
    arg("--out", required=True, help="Markdown table"),
)
def cmd_seed_sizes(a):
    from lmboot.report.evaluate import seed_sizes

    ablations = {}
    for size, path in a.ablation:
        if not size.isdigit():
            raise InputError(f"--ablation {size}={path}: the seed size must be a whole number")
        ablations[int(size)] = path
    return seed_sizes(ablations, a.out)


@command(
    "dev-curves",
    "plot every choice made on dev (the choice records in the given files)",
    arg(
        "--records", nargs="+", type=name_path, required=True, help="LABEL=JSON: a stage's stats holding choice records"
    ),
    arg("--out", required=True, help="output PNG"),
)
def cmd_dev_curves(a):
    from lmboot.report.evaluate import dev_curves

    return dev_curves(dict(a.records), a.out)
