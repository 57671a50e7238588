"""The config schema (lmboot/config.schema.yaml, package data): its defaults and the filling of them. A leaf
module: every stage's keyword defaults read the schema here (`default("lm.order")`), so that a default is
written only in the schema; lmboot.config validates whole configs against it."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import jsonschema
import yaml

from lmboot.errors import InputError

SCHEMA = Path(__file__).resolve().parent / "config.schema.yaml"  # package data: an installed lmboot validates too


@functools.cache
def _schema(path: str | Path = SCHEMA) -> dict:
    """The schema, read once per process (every section option and keyword default reads it)."""
    return yaml.safe_load(Path(path).read_text())


def default(key: str):
    """The schema's default of a dotted config key ("lm.order"): what a function's keyword argument defaults
    to where it takes a config setting, so that the value is written only in the schema."""
    node = _schema()
    for part in key.split("."):
        node = _resolve(node, _schema())["properties"][part]
    return copy.deepcopy(node["default"])


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def fill_defaults(config, schema: dict, root: dict):
    """Set every missing property that has a default, recursively (objects and arrays of objects, and the
    object branch of a oneOf / anyOf that the config's keys fit)."""
    schema = _resolve(schema, root)
    if isinstance(config, dict) and "properties" not in schema:
        branch = next(
            (
                b
                for b in map(lambda b: _resolve(b, root), schema.get("oneOf", []) + schema.get("anyOf", []))
                if fits(config, b)
            ),
            None,
        )
        return fill_defaults(config, branch, root) if branch else config
    if isinstance(config, dict):
        for key, node in schema.get("properties", {}).items():
            sub = _resolve(node, root)
            default = node.get("default", sub.get("default"))  # a default beside a $ref wins
            if key not in config and ("default" in node or "default" in sub):
                config[key] = copy.deepcopy(default)
            if key in config:
                fill_defaults(config[key], sub, root)
    elif isinstance(config, list) and "items" in schema:
        for item in config:
            fill_defaults(item, schema["items"], root)
    return config


def fits(config: dict, branch: dict) -> bool:
    """Whether an object has every key a schema branch requires and none it does not define."""
    keys = set(branch.get("properties", {}))
    return branch.get("type") == "object" and set(branch.get("required", [])) <= set(config) <= keys


def section_defaults(name: str, section: dict | None = None, schema_path: str | Path = SCHEMA) -> dict:
    """A validated copy of one config section with the schema's defaults filled in (as a validated config has
    them); InputError names the first bad field. The one way a stage gets a section outside a whole config."""
    schema = _schema(schema_path)
    node = schema["properties"][name]
    section = fill_defaults(copy.deepcopy(section or {}), node, schema)
    validator = jsonschema.Draft202012Validator({**node, "definitions": schema.get("definitions", {})})
    error = jsonschema.exceptions.best_match(validator.iter_errors(section))
    if error is not None:
        where = ".".join([name] + [str(p) for p in error.absolute_path])
        raise InputError(f"{where}: {error.message}")
    return section
