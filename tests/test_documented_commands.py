"""Every command README.md, docs/*.md and the config files' comments show works as written: the ones in
```sh blocks, in inline `...` spans and after `Run:` (or alone) in a YAML comment that start with snakemake,
lmboot, make or python (with or without .venv/bin/). Each is checked without running it: a workflow command
is dry-run from the checkout's root (-n added; --unlock and --lint in a scratch copy of the checkout, which
they would otherwise change or read; one whose config names inputs that are absent here is skipped, saying
which), `lmboot X ...` as `lmboot X --help`, `make T` as `make -n T`, a Python script as `script --help`.
`pytest tests/test_documented_commands.py -rA` prints how many ran and were skipped."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lmboot.config import merged

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROGRAM = r"(?:\.venv/bin/)?(?:snakemake|lmboot|python)|make"
STARTS = re.compile(rf"(?:{PROGRAM})(?=\s|$)")
IN_COMMENT = re.compile(rf"(?:^\s*|\b[Rr]un[\w ]{{0,20}}:\s+)((?:{PROGRAM})\s[^()]*)")
INPUT = re.compile(r"(\.\./|data/|models/|results/)")  # config values naming files a run reads
SCRATCH_MODES = ("--unlock", "--lint")  # they unlock or lint the working directory itself
NEEDS_A_RUN = ("--report",)  # reads a finished run's outputs
RESULTS: dict[str, list[str]] = {"ran": [], "skipped": []}


def joined(lines: list[str]) -> list[str]:
    """Lines with their backslash continuations joined."""
    out, head = [], ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            head += line.rstrip()[:-1].strip() + " "
        else:
            out.append(head + line.strip())
            head = ""
    return out


def from_markdown(text: str):
    """Lines of ```sh blocks (their trailing comments cut) and inline code spans."""
    for block in re.findall(r"^```(?:sh|bash|shell)\n(.*?)^```", text, re.S | re.M):
        yield from (re.sub(r"\s+#.*", "", line) for line in joined(block.splitlines()))
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    yield from (span.strip() for span in re.findall(r"`([^`\n]+)`", prose))


def from_comments(text: str):
    """Commands in a YAML file's comment lines: a line that is one, or what follows `Run:` up to a parenthesis."""
    comments = [line.split("#", 1)[1] for line in text.splitlines() if line.lstrip().startswith("#")]
    for line in joined(comments):
        yield from (m.group(1).rstrip(" .;,") for m in IN_COMMENT.finditer(line))


def is_command(tokens: list[str]) -> bool:
    """A runnable command, not a name in prose (`lmboot`, `lmboot <stage>`, `lmboot/cli/`)."""
    name, args = tokens[0].rsplit("/", 1)[-1], tokens[1:]
    if name == "lmboot":
        return bool(args) and re.fullmatch(r"-[-\w]+|[a-z][a-z0-9-]*", args[0]) is not None
    if name == "python":
        return bool(args) and args[0].endswith(".py")
    return True


def documented() -> dict[str, str]:
    """Each distinct command (.venv/bin/ dropped, spaces collapsed) and the first file showing it."""
    sources = [(p, from_markdown) for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]]
    sources += [(p, from_comments) for p in sorted((ROOT / "config").rglob("*.yaml"))]
    found = {}
    for path, extract in sources:
        for text in extract(path.read_text(encoding="utf-8")):
            if STARTS.match(text) and is_command(tokens := shlex.split(text)):
                key = " ".join([tokens[0].removeprefix(".venv/bin/"), *tokens[1:]])
                found.setdefault(key, str(path.relative_to(ROOT)))
    return found


COMMANDS = documented()


def absent_inputs(args: list[str]) -> list[str]:
    """The files the --configfile list (merged in order) names that are absent from the checkout's root."""
    rest = args[args.index("--configfile") + 1 :] if "--configfile" in args else []
    files = rest[: next((i for i, a in enumerate(rest) if a.startswith("-")), len(rest))]
    config = {}
    for name in files:
        if (ROOT / name).is_file():
            config = merged(config, yaml.safe_load((ROOT / name).read_text(encoding="utf-8")) or {})
    return sorted(v for v in strings(config) if INPUT.match(v) and not (ROOT / v).exists())


def strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def check_of(command: str) -> tuple[list[str], str | None]:
    """The argv that checks a command, or the reason it is skipped."""
    tokens = shlex.split(command)
    name, args = tokens[0], [t for t in tokens[1:] if t != "..."]
    if name == "lmboot":
        return [str(BIN / "lmboot"), *args[: 1 if not args[0].startswith("-") else 0], "--help"], None
    if name == "python":
        return [sys.executable, args[0], "--help"], None
    if name == "make":
        return ["make", "-n", *args], None
    if any(flag in args for flag in NEEDS_A_RUN):
        return [], f"{' '.join(f for f in NEEDS_A_RUN if f in args)} reads a finished run's outputs"
    missing = absent_inputs(args)
    if missing:
        return [], f"its config's inputs are absent here: {', '.join(missing[:3])}"
    return [str(BIN / "snakemake"), "-n", *args], None


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A working directory that sees the checkout's workflow, configs and venv, but has its own .snakemake."""
    work = tmp_path_factory.mktemp("checkout")
    for name in ("Snakefile", "workflow", "config", ".venv"):
        (work / name).symlink_to(ROOT / name)
    return work


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_documented_command_works(command, scratch):
    argv, skip = check_of(command)
    if skip:
        RESULTS["skipped"].append(command)
        pytest.skip(f"{command} ({COMMANDS[command]}): {skip}")
    cwd = scratch if any(flag in argv for flag in SCRATCH_MODES) else ROOT
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    run = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"{COMMANDS[command]}: {command}\n{(run.stdout + run.stderr)[-2000:]}"
    RESULTS["ran"].append(command)


def test_the_extraction_finds_commands_where_they_are_written():
    markdown = (
        "x `lmboot check-config FILE` and `lmboot/cli/`, `lmboot`\n```sh\n.venv/bin/snakemake a \\\n  b  # c\n```\n"
    )
    assert list(filter(STARTS.match, from_markdown(markdown))) == [
        ".venv/bin/snakemake a b",
        "lmboot check-config FILE",
        "lmboot",
    ]  # not lmboot/cli/, a path
    assert not is_command(["lmboot"]) and not is_command(["lmboot", "<stage>"]) and is_command(["make", "demo"])
    comments = "# Data: x. Run: snakemake --cores 2 --configfile a.yaml (perplexity only)\n#   make demo\nrun: x\n"
    assert list(from_comments(comments)) == ["snakemake --cores 2 --configfile a.yaml", "make demo"]
    assert absent_inputs(["all", "--configfile", "config/es-en.yaml", "config/seed/es-en.seed500.yaml"]) == [
        p
        for p in [
            "data/es-en/asr",
            "models/es-en/general/round0/checkpoint_best.pt",
            "models/es-en/general/spm/dict.txt",
            "models/es-en/general/spm/spm.model",
        ]
        if not (ROOT / p).exists()
    ]


def test_how_many_commands_ran():
    """Printed with -rA: how many documented commands were checked and skipped (after the tests above)."""
    if not RESULTS["ran"] + RESULTS["skipped"]:
        pytest.skip("run with test_documented_command_works")
    print(f"{len(COMMANDS)} documented commands: {len(RESULTS['ran'])} checked, {len(RESULTS['skipped'])} skipped")
    assert len(COMMANDS) >= 50 and len(RESULTS["ran"]) >= 25  # without ../shared/data most workflow ones skip
