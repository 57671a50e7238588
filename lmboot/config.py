"""Config loading and JSON-schema validation with defaults filled in; errors are one line naming the field."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import jsonschema
import yaml

from lmboot.components import BUILT_IN, RESERVED_NAMES, UNION
from lmboot.errors import InputError
from lmboot.schema import SCHEMA, _schema, default, fill_defaults, section_defaults  # noqa: F401 (lmboot.config.*)

PROJECT = Path(__file__).resolve().parent.parent  # a checkout's root (config/recipes/... in a checkout)


def merged(base: dict, over: dict) -> dict:
    """base with over's keys on top, mappings merged key by key (lists and values replaced)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def with_recipe(config: dict, source: str) -> dict:
    """The config on top of the recipe it names (`recipe:` a YAML file of shared settings, its path relative
    to the working directory, to the config file's folder or one above it, or to the checkout lmboot runs
    from), so that a pair's file holds only what differs."""
    name = config.get("recipe")
    if not name:
        return config
    path = Path(name)
    if not path.is_absolute():
        folders = Path(source).resolve().parents if Path(source).is_file() else []
        path = next((p for p in (path, *(folder / name for folder in folders), PROJECT / name) if p.is_file()), path)
    if not path.is_file():
        raise InputError(f"{source}: recipe: {name}: file not found")
    recipe = read_yaml(path)
    if not isinstance(recipe, dict) or "recipe" in recipe:
        raise InputError(f"{source}: recipe: {name}: must be a YAML mapping that names no recipe itself")
    out = merged(recipe, config)
    drop_recipe_protection(out, config, source)
    return out


def source_tags(config: dict):
    """The source side's slot tags: in_domain.source_tags_field or roles.pool_tags (None without them)."""
    return (config.get("in_domain") or {}).get("source_tags_field") or (config.get("roles") or {}).get("pool_tags")


def drop_recipe_protection(config: dict, own: dict, source: str) -> None:
    """A recipe's entities.protect: true is turned off, with a note on stderr, where the config gives neither
    slot tags nor entities.code_switch (a config that sets protect: true itself without them: check_roles)."""
    entities, mine = config.get("entities"), own.get("entities")
    if not isinstance(entities, dict) or not entities.get("protect") or (isinstance(mine, dict) and "protect" in mine):
        return
    if not (source_tags(config) or entities.get("code_switch")):
        entities["protect"] = False
        print(
            f"note: {source}: entities.protect: off, the recipe's protect: true needs the source side's slot tags "
            "(in_domain.source_tags_field or roles.pool_tags) or entities.code_switch",
            file=sys.stderr,
            flush=True,
        )


def validate(config: dict, schema_path: str | Path = SCHEMA, source: str = "config") -> dict:
    """A validated copy of config (on top of its recipe) with defaults; InputError names the first bad field."""
    schema = _schema(schema_path)
    config = fill_defaults(with_recipe(copy.deepcopy(config), source), schema, schema)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(config))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        hint = (
            f" ({error.schema['description']})" if error.validator == "oneOf" and "description" in error.schema else ""
        )
        raise InputError(f"{source}: {where}: {error.message}{hint}")
    fill_tune_budget(config)
    check_together(config, source)
    return config


def parallel_dev(config: dict) -> bool:
    """Whether the config gives an in-domain dev with its source side (in_domain's dev rows, roles.dev_source)."""
    return "in_domain" in config or bool((config.get("roles") or {}).get("dev_source"))


def tuning_criterion(config: dict) -> str:
    """The criterion of the translator's choices on dev: tuning.criterion, auto resolved (chrf with a
    parallel dev, else dev_ppl)."""
    name = config["tuning"]["criterion"]
    if name == "auto":
        return "chrf" if parallel_dev(config) else "dev_ppl"
    return name


def check_roles(config: dict, source: str) -> None:
    """In-domain data: one corpus to split (in_domain) or one file per role (roles), and what needs which."""
    if ("in_domain" in config) == ("roles" in config):
        raise InputError(
            f"{source}: in_domain / roles: give exactly one: in_domain (one parallel corpus split into "
            "seed, pool, dev, test) or roles (seed, pool, dev, test from their own files)"
        )
    entities = config.get("entities") or {}
    if entities.get("protect") and not (source_tags(config) or entities.get("code_switch")):
        raise InputError(
            f"{source}: entities.protect: needs the source side's slot tags (in_domain.source_tags_field "
            "or roles.pool_tags) or entities.code_switch"
        )
    criterion = tuning_criterion(config)
    if criterion == "chrf" and not parallel_dev(config):
        raise InputError(
            f"{source}: tuning.criterion: chrf needs a parallel dev (roles.dev_source); use dev_ppl or auto"
        )
    if ((config.get("select") or {}).get("tune") or {}).get("by") == "chrf" and criterion != "chrf":
        raise InputError(
            f"{source}: select.tune.by: chrf needs a parallel dev, which tuning.criterion "
            f"{criterion} does not read: use by: perplexity"
        )
    if entities.get("code_switch") and criterion != "chrf":
        raise InputError(
            f"{source}: entities.code_switch: its words are chosen against a parallel dev, which "
            f"tuning.criterion {criterion} does not read (give roles.dev_source, or turn code_switch off)"
        )


def check_together(config: dict, source: str) -> None:
    """Rules between fields that the schema cannot say."""
    nmt = config["nmt"]
    pretrained = nmt["pretrained"] or {}
    replaces = pretrained.get("corpus")
    if (config.get("select") or {}).get("finetune_general") and pretrained:
        if replaces == "selected":
            raise InputError(
                f"{source}: select.finetune_general: cannot fine-tune the general translator when "
                "nmt.pretrained replaces the selected one"
            )
        if pretrained.get("ct2_model"):
            raise InputError(
                f"{source}: select.finetune_general: a CTranslate2 model (nmt.pretrained.ct2_model) "
                "cannot be fine-tuned: set 0, or give nmt.pretrained.checkpoint instead"
            )
    if nmt["arch"] == "lstm" and nmt["translator"] == "ctranslate2":
        raise InputError(
            f"{source}: nmt.translator: CTranslate2 cannot convert fairseq's lstm; use translator: fairseq"
        )
    if pretrained.get("ct2_model"):
        if nmt["translator"] != "ctranslate2":
            raise InputError(
                f"{source}: nmt.translator: a CTranslate2 model (nmt.pretrained.ct2_model) needs "
                "translator: ctranslate2"
            )
        if nmt["self_training_rounds"] and replaces == "selected":
            raise InputError(
                f"{source}: nmt.self_training_rounds: a CTranslate2 model cannot be fine-tuned (no "
                "fairseq weights): set 0, or give nmt.pretrained.checkpoint instead"
            )
    check_translators(config, source)
    check_roles(config, source)
    asr = config.get("asr") or {}
    if "onnx_ctc" in (asr.get("recognizers") or []) and asr.get("enabled") and not asr.get("onnx_ctc"):
        raise InputError(
            f"{source}: asr.recognizers: onnx_ctc needs asr.onnx_ctc (the model, its tokens and sample rate)"
        )
    onnx = asr.get("onnx_ctc") or {}
    if onnx.get("units") == "pieces" and not onnx.get("pieces"):
        raise InputError(f"{source}: asr.onnx_ctc.pieces: units pieces needs the model's sentencepiece model")
    if asr.get("speech_from") and any((asr.get("recordings") or {}).values()):
        raise InputError(f"{source}: asr.recordings: cannot be used with asr.speech_from (another run's speech)")


def check_translators(config: dict, source: str) -> None:
    """translators' names are unique and no built-in component's; lm.components names only known components."""
    names = [t["name"] for t in config.get("translators") or []]
    for i, name in enumerate(names):
        if name in RESERVED_NAMES or name in names[:i]:
            why = "a built-in LM component's name" if name in RESERVED_NAMES else "given twice"
            raise InputError(f"{source}: translators.{i}.name: {name!r} is {why}")
    known = (*BUILT_IN, *names, *((UNION,) if names else ()))
    for i, part in enumerate((config.get("lm") or {}).get("components") or []):
        if part not in known:
            raise InputError(f"{source}: lm.components.{i}: {part!r} is no LM component (known: {', '.join(known)})")


TUNE_HOURS, TUNE_UPDATES = 0.25, 20000  # a select.tune candidate's budget when its block sets neither


def fill_tune_budget(config: dict) -> None:
    """select.tune's candidates train under whichever of stop_time_hours and max_updates the block sets
    (both: the first reached); neither set, TUNE_HOURS of wall clock. A default that depends on another
    field, so the schema cannot give it."""
    tune = config["select"]["tune"]
    if tune is None:
        return
    if tune["stop_time_hours"] is None and tune["max_updates"] is None:
        tune["stop_time_hours"] = TUNE_HOURS
    tune["max_updates"] = tune["max_updates"] or TUNE_UPDATES


def with_defaults(config: dict) -> dict:
    """A copy of part of a validated config (the sections a stage reads, as the workflow passes them) with
    the schema's defaults of the sections it leaves out."""
    return fill_defaults(copy.deepcopy(config), _schema(), _schema())


def load(path_or_json: str | Path) -> dict:
    """A config from a YAML/JSON file (validated) or an inline JSON object (a section, not validated)."""
    text = str(path_or_json)
    if text.lstrip().startswith("{"):
        return json.loads(text)
    path = Path(text)
    if not path.is_file():
        raise InputError(f"{path}: config file not found")
    config = read_yaml(path)
    if not isinstance(config, dict):
        raise InputError(f"{path}: a config must be a YAML mapping")
    return validate(config, source=str(path))


def read_yaml(path: Path):
    """A YAML file's content; bad YAML is one line naming file:line (and the column), bad UTF-8 the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        column = f", column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        start = getattr(e, "context_mark", None)  # where what went wrong began ("while parsing a flow sequence")
        if start and getattr(e, "context", None) and mark and start.line != mark.line:
            column += f"; {e.context} from line {start.line + 1}"
        raise InputError(f"{where}: not valid YAML ({problem}{column})") from None
