"""Shared helpers: text files, generated assistant/news sentences, tiny KenLM models, and the one tiny run
of the whole workflow that the end-to-end checks share."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "config" / "tiny.yaml"
VENV_BIN = ROOT / ".venv" / "bin"
os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"

ASSISTANT_TEMPLATES = [
    "play {song} by {artist}",
    "set an alarm for {time}",
    "what is the weather in {city}",
    "turn off the lights in the {room}",
    "turn on the lights in the {room}",
    "remind me to {task} at {time}",
    "what time is it in {city}",
    "add {task} to my list",
    "play some music in the {room}",
    "wake me up at {time}",
    "will it rain in {city} tomorrow",
    "call {artist} please",
]
NEWS_TEMPLATES = [
    "the government announced new taxes on {thing} this {period}",
    "the minister said the economy of {country} grew last {period}",
    "officials in {country} reported higher prices for {thing}",
    "the parliament of {country} debated the budget for {thing}",
    "analysts expect the central bank to raise rates next {period}",
    "exports of {thing} from {country} fell sharply last {period}",
]
SLOTS = {
    "song": ["yesterday", "hello", "thriller", "imagine", "halo", "let it be", "hey jude", "wonderwall"],
    "artist": ["adele", "mom", "john", "the band", "my sister", "shakira"],
    "time": ["seven am", "noon", "six thirty", "ten pm", "eight fifteen", "midnight"],
    "city": ["paris", "madrid", "boston", "tokyo", "london", "lima"],
    "room": ["kitchen", "bedroom", "living room", "garage", "office"],
    "task": ["buy milk", "call john", "feed the cat", "water the plants", "pay the rent"],
    "thing": ["fuel", "steel", "grain", "housing", "coffee"],
    "country": ["france", "brazil", "japan", "kenya", "chile"],
    "period": ["year", "quarter", "month", "week"],
}


def fill(template: str, rng: random.Random) -> str:
    return template.format(**{k: rng.choice(v) for k, v in SLOTS.items()})


def sentences(templates: list[str], n: int, seed: int = 0) -> list[str]:
    """n distinct sentences from the templates (deterministic)."""
    rng, out = random.Random(seed), []
    for attempt in range(100 * n):
        s = fill(templates[attempt % len(templates)], rng)
        if s not in out:
            out.append(s)
            if len(out) == n:
                return out
    raise ValueError(f"cannot make {n} distinct sentences")


def assistant_sentences(n: int = 60, seed: int = 0) -> list[str]:
    return sentences(ASSISTANT_TEMPLATES, n, seed)


def news_sentences(n: int = 60, seed: int = 0) -> list[str]:
    return sentences(NEWS_TEMPLATES, n, seed)


def write_text(path: str | Path, lines: list[str] | str, encoding: str = "utf-8") -> Path:
    """Write lines (one a line) or a raw string; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = lines if isinstance(lines, str) else "".join(line + "\n" for line in lines)
    path.write_bytes(text.encode(encoding))
    return path


def make_lm(directory: str | Path, lines: list[str], name: str = "lm", order: int = 3) -> Path:
    """Build directory/name.{arpa,bin} from lines with lmboot.lm.kenlm.build_lm; returns the prefix."""
    from lmboot.lm.kenlm import build_lm

    prefix = Path(directory) / name
    build_lm(write_text(f"{prefix}.txt", lines), prefix, order)
    return prefix


@pytest.fixture(autouse=True, scope="session")
def preflight_cache(tmp_path_factory):
    """The preflight cache (lmboot/preflight.py) of every test and the workflows they start: a session folder,
    not the user's ~/.cache/lmboot."""
    os.environ.setdefault("LMBOOT_CACHE_DIR", str(tmp_path_factory.mktemp("preflight-cache")))


@pytest.fixture
def tiny_lm(tmp_path) -> Path:
    """Prefix of a trigram KenLM model (.arpa, .bin) built from 60 assistant sentences."""
    return make_lm(tmp_path / "tiny_lm", assistant_sentences(60))


def snakemake_cmd(workdir: Path, *args: str) -> tuple[list[str], dict]:
    """The command line (tiny config first) and environment (the venv's tools on PATH) of a workflow run."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(TINY),
        *args,
    ], env


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    cmd, env = snakemake_cmd(workdir, *args)
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """The working directory of one finished `snakemake --cores 2 all ablation` on tests/config/tiny.yaml,
    shared by every check that reads a finished run (tests/test_workflow.py, tests/test_slurm.py). Checks that
    run more of the workflow there come after the ones that only read it (pytest keeps a file's order)."""
    workdir = tmp_path_factory.mktemp("tiny")
    run = snakemake(workdir, "--cores", "2", "all", "ablation")
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    return workdir
