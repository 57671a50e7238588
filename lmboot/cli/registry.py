"""The subcommand registry: each handler is declared with its arguments beside it (`@command`), and the
argument types the section and model options share."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from lmboot import config as cfg

COMMANDS: list[tuple[str, str, Callable, tuple]] = []


def arg(*flags: str, **kwargs) -> tuple:
    """One argument: argparse's flags and keywords."""
    return flags, kwargs


def required(*flags: str, **kwargs) -> list[tuple]:
    """Several required arguments that share the same keywords."""
    return [((flag,), {"required": True, **kwargs}) for flag in flags]


def command(name: str, help_text: str, *arguments):
    """Register the decorated handler as `lmboot <name>` with its arguments (arg or required items)."""

    def register(func: Callable) -> Callable:
        COMMANDS.append((name, help_text, func, arguments))
        return func

    return register


def add_commands(sub) -> None:
    for name, help_text, func, arguments in COMMANDS:
        parser = sub.add_parser(name, help=help_text)
        parser.set_defaults(func=func)
        for item in arguments:
            for flags, kwargs in item if isinstance(item, list) else [item]:
                parser.add_argument(*flags, **kwargs)


def section(name: str, keys: tuple[str, ...] = ()):
    """argparse type: a config section from inline JSON or from a whole config file, validated and with the
    schema's defaults filled in (an option left out is "{}": all defaults). With keys, only those: what the
    command reads, so that reading any other is a KeyError rather than a default it was never given."""

    def parse(value: str) -> dict:
        loaded = cfg.load(value)
        full = cfg.section_defaults(name, loaded if value.lstrip().startswith("{") else loaded.get(name))
        return {key: full[key] for key in keys} if keys else full

    parse.__name__ = f"{name} section"
    parse.section, parse.keys = name, keys
    return parse


def section_arg(name: str, *keys: str) -> tuple:
    """The option that takes config section `name` (--nmt, --lm-filter, ...) and the keys of it the command
    reads: all it gets, and all the workflow gives it (section_keys), so that a rule re-runs only when one of
    them changes."""
    if not keys:
        raise ValueError(f"section_arg({name!r}): name the keys the command reads")
    return arg(f"--{name.replace('_', '-')}", type=section(name, keys), default="{}")


def section_keys(command_name: str, name: str) -> tuple[str, ...]:
    """The keys of config section `name` that `lmboot <command_name>` reads (declared by its section_arg)."""
    for registered, _, _, arguments in COMMANDS:
        if registered != command_name:
            continue
        for item in arguments:
            for _, kwargs in item if isinstance(item, list) else [item]:
                if getattr(kwargs.get("type"), "section", None) == name:
                    return kwargs["type"].keys
        raise KeyError(f"lmboot {command_name} takes no --{name.replace('_', '-')} section")
    raise KeyError(f"no command lmboot {command_name}")


# The asr keys of CTC decoding with an LM (lmboot.asr.ctc.ctc_wer; the dev_wer criterion decodes the same way).
CTC_DECODING = (
    "ctc_model",
    "ctc_lexicon",
    "ctc_cache_dir",
    "ctc_lm_weight",
    "ctc_word_score",
    "ctc_beam",
    "ctc_beam_tokens",
    "ctc_beam_threshold",
)


def criterion_args() -> list[tuple]:
    """The options of a choice made on dev (lmboot.choose): the criterion and what it reads."""
    from lmboot.choose import CRITERIA

    return [
        arg(
            "--criterion",
            choices=CRITERIA,
            required=True,
            help="chrf: against the dev references (--dev-tgt); dev_ppl: dev perplexity of seed + an LM of "
            "the translations (--dev-tgt: the new-language dev text, --seed-arpa); dev_wer: that LM's "
            "dev WER with the CTC recognizer (also --dev-emissions, --dev-manifest, --asr)",
        ),
        arg("--seed-arpa", help="dev_ppl: the seed LM's ARPA"),
        arg("--lm-order", type=int, default=cfg.default("lm.order"), help="dev_ppl: order of the translations' LM"),
        arg(
            "--lm-seed-weight",
            type=seed_weight,
            default=cfg.default("lm.seed_weight"),
            help="dev_ppl: the seed's weight in the mixture",
        ),
        arg("--dev-emissions", help="dev_wer: the dev speech's CTC emissions (.npz)"),
        arg("--dev-manifest", help="dev_wer: the dev speech's manifest.tsv (the references)"),
        section_arg("asr", *CTC_DECODING),
    ]


def criterion_of(a, digits: int | None = None):
    """The criterion the criterion_args options name."""
    from lmboot.choose import make_criterion

    speech = {"emissions": a.dev_emissions, "manifest": a.dev_manifest, "asr": a.asr}
    return make_criterion(a.criterion, a.dev_tgt, a.seed_arpa, a.lm_order, a.lm_seed_weight, digits, speech)


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


THREADS = arg("--threads", type=int, default=1)
