"""Defaults live only in the schema (lmboot/config.schema.yaml): no config key's default is written again in
lmboot/ or workflow/, where it could drift from the schema's."""

import ast
import re
from pathlib import Path

import yaml

from lmboot.config import SCHEMA, default

ROOT = Path(__file__).resolve().parent.parent


def schema_defaults() -> dict[str, list]:
    """Each key name the schema gives a default, with its defaults (one per place the name occurs)."""
    schema = yaml.safe_load(SCHEMA.read_text())
    found: dict[str, list] = {}

    def walk(node, name):
        while isinstance(node, dict) and "$ref" in node:
            node = schema["definitions"][node["$ref"].split("/")[-1]]
        if not isinstance(node, dict):
            return
        if "default" in node and name:
            found.setdefault(name, []).append(node["default"])
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, key)
        for branch in node.get("oneOf", []) + node.get("anyOf", []):
            walk(branch, name)

    walk(schema, "")
    return found


DEFAULTS = schema_defaults()
# Names that are a job's resources, not settings: --threads and threads= are the cores Snakemake gives a job.
NOT_SETTINGS = {"threads"}


def literal(node):
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None, False
    return (list(value) if isinstance(value, tuple) else value), True


def restated(tree: ast.AST) -> list[str]:
    """The places in a module that write a schema default again: `.get("<key>", <anything>)` (a validated
    section has every key), a CLI option `--<key>` with a default, a parameter named <key> whose default is
    a literal equal to the schema's."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in DEFAULTS
        ):
            found.append(f"{node.lineno}: .get({node.args[0].value!r}, ...)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "arg":
            flags = [a.value for a in node.args if isinstance(a, ast.Constant) and str(a.value).startswith("--")]
            keywords = {k.arg: k.value for k in node.keywords}
            for flag in flags:
                key = flag[2:].replace("-", "_")
                value, ok = literal(keywords["default"]) if "default" in keywords else (None, False)
                if key in DEFAULTS and key not in NOT_SETTINGS and ok and value is not None:
                    found.append(f"{node.lineno}: {flag} default={value!r}")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            positional = node.args.posonlyargs + node.args.args
            pairs = list(zip(positional[len(positional) - len(node.args.defaults) :], node.args.defaults))
            pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None]
            for argument, value_node in pairs:
                value, ok = literal(value_node)
                if (
                    ok
                    and value is not None
                    and argument.arg in DEFAULTS
                    and argument.arg not in NOT_SETTINGS
                    and value in DEFAULTS[argument.arg]
                ):
                    found.append(f"{node.lineno}: {node.name}({argument.arg}={value!r})")
    return sorted(found, key=lambda place: int(place.split(":")[0]))


def test_no_schema_default_is_written_again():
    places = []
    for path in sorted((ROOT / "lmboot").rglob("*.py")):
        places += [f"{path.relative_to(ROOT)}:{where}" for where in restated(ast.parse(path.read_text()))]
    get = re.compile(r"\.get\(\s*[\"'](\w+)[\"']\s*,")  # the rule files are not Python; their .get calls
    for path in [ROOT / "Snakefile", *sorted((ROOT / "workflow").rglob("*.smk"))]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            places += [
                f"{path.relative_to(ROOT)}:{n}: .get({m[1]!r}, ...)" for m in get.finditer(line) if m[1] in DEFAULTS
            ]
    assert not places, "schema defaults written again:\n" + "\n".join(places)


def test_the_check_finds_each_kind_of_restatement():
    """Each pattern the test looks for is found, and a default taken from the schema is not."""
    code = """
x = cfg.get("order", 3)
OPT = arg("--vocab-size", type=int, default=4000)
def build(text, order=3, seed_weight="em", other=7):
    pass
def fine(text, order=default("lm.order"), threads=1):
    pass
"""
    found = restated(ast.parse(code))
    assert [f.split(": ", 1)[1] for f in found] == [
        ".get('order', ...)",
        "--vocab-size default=4000",
        "build(order=3)",
        "build(seed_weight='em')",
    ]


def test_default_reads_the_schema():
    schema = yaml.safe_load(SCHEMA.read_text())["properties"]
    assert default("lm.order") == schema["lm"]["properties"]["order"]["default"]
    assert default("rescore.grid") == schema["rescore"]["properties"]["grid"]["default"]
    assert default("rescore.grid") is not default("rescore.grid")  # a copy: a caller may change its own
