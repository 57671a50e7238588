"""The config reference (docs/config.md), written from the JSON schema: every key with its type, default
and description, so that the reference cannot drift from what the validator accepts."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from lmboot.data.corpus import atomic_write
from lmboot.schema import SCHEMA

HEADER = """# Config reference

Written by `lmboot config-doc --out docs/config.md` from `lmboot/config.schema.yaml`
(a test fails when the two differ). Every run validates its config against that schema: an unknown key or
a wrong type stops it with one line naming the field, and missing keys get the defaults below.
"""


def type_of(node: dict) -> str:
    if "$ref" in node:
        return f"{node['$ref'].rsplit('/', 1)[-1]} (see its definition below)"
    if "enum" in node:
        return " | ".join(json.dumps(v) for v in node["enum"])
    if "const" in node:
        return json.dumps(node["const"])
    if "oneOf" in node:
        return " | ".join(type_of(option) for option in node["oneOf"])
    kind = node.get("type", "")
    if kind == "array" and "items" in node:
        return f"list of {type_of(node['items'])}"
    return " | ".join(kind) if isinstance(kind, list) else kind


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def rows(properties: dict, prefix: str = "") -> list[str]:
    """One table line per key, nested objects' keys after their parent's (dotted)."""
    lines = []
    for key, node in properties.items():
        default = json.dumps(node["default"], ensure_ascii=False) if "default" in node else ""
        kind = type_of(node)
        lines.append(f"| `{prefix}{key}` | {cell(kind)} | {cell(default)} | {cell(node.get('description', ''))} |")
        if node.get("type") == "object" and "properties" in node:
            lines += rows(node["properties"], f"{prefix}{key}.")
        items = node.get("items", {})
        if node.get("type") == "array" and "properties" in items:
            lines += rows(items["properties"], f"{prefix}{key}[].")
    return lines


def table(properties: dict, prefix: str = "") -> str:
    return "\n".join(["| key | type | default | meaning |", "|---|---|---|---|", *rows(properties, prefix)]) + "\n"


def reference(schema_path: str | Path = SCHEMA) -> str:
    """The Markdown reference: one section per top-level key, then the shared definitions ($ref)."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    parts = [HEADER, f"Required: {', '.join(f'`{k}`' for k in schema.get('required', []))}.\n"]
    for key, node in schema["properties"].items():
        parts.append(f"## `{key}`\n")
        if "properties" in node:
            if node.get("description"):
                parts.append(cell(node["description"]) + "\n")
            parts.append(table(node["properties"], f"{key}."))
        else:
            parts.append(table({key: node}))
    for name, node in schema.get("definitions", {}).items():
        parts.append(f"## definition `{name}`\n")
        if node.get("description"):
            parts.append(cell(node["description"]) + "\n")
        parts.append(table(node.get("properties", {})))
    return "\n".join(parts)


def write_reference(out: str | Path, schema_path: str | Path = SCHEMA) -> dict:
    text = reference(schema_path)
    with atomic_write(out) as f:
        f.write(text)
    return {"out": str(out), "lines": text.count("\n")}
