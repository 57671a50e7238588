"""The README's team config (config/examples/team.yaml) is accepted as it stands: its paths filled with small
files, `lmboot check-config` and `snakemake -n` both pass, the recipe's entity protection off with a note."""

import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import yaml
from conftest import assistant_sentences

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config" / "examples" / "team.yaml"
NOTE = "entities.protect: off, the recipe's protect: true needs the source side's slot tags"


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A TSV (header first) or plain text file, xz-compressed when its name says so."""
    text = "".join("\t".join(cells) + "\n" for cells in ([header] if header else []) + rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lzma.compress(text.encode()) if path.suffix == ".xz" else text.encode())


def write_role(workdir: Path, spec: dict, lines: list[str]) -> None:
    """A role's file in its format: plain lines, a TSV column or a JSON-lines field."""
    path, fmt = workdir / spec["path"], spec.get("format", "plain")
    if fmt == "tsv":
        write_rows(path, [spec["column"]], [[line] for line in lines])
    elif fmt == "jsonl":
        write_rows(path, [], [[json.dumps({spec["field"]: line})] for line in lines])
    else:
        write_rows(path, [], [[line] for line in lines])


def write_recordings(manifest: Path, lines: list[str]) -> None:
    """A recordings manifest (audio<TAB>transcript) and its short silent 16 kHz wav files."""
    for i in range(len(lines)):
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(manifest.parent / f"{manifest.stem}.{i}.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000), w.writeframes(b"\0\0" * 1600)
    write_rows(manifest, ["audio", "transcript"], [[f"{manifest.stem}.{i}.wav", t] for i, t in enumerate(lines)])


def fill_example(workdir: Path) -> dict:
    """The example config copied into workdir, every file it names written there; returns the config."""
    shutil.copy(EXAMPLE, workdir / "team.yaml")
    config = yaml.safe_load(EXAMPLE.read_text())
    text = assistant_sentences(80)
    for i, (role, spec) in enumerate(config["roles"].items()):
        write_role(workdir, spec, text[i * 20 : (i + 1) * 20] if role != "seed" else text)
    general = config["general"]
    write_rows(
        workdir / general["path"],
        [general["source_column"], general["target_column"]],
        [[f"fuente {i}", line] for i, line in enumerate(text)],
    )
    for part, manifest in (config.get("asr") or {}).get("recordings", {}).items():
        write_recordings(workdir / manifest, text[:2])
    return config


def test_readme_shows_the_example():
    """README.md's YAML under "Your own language" is the example file's body, key for key and comment for comment."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Your own language\n.*?```yaml\n(.*?)```", readme, re.S).group(1)
    assert block in EXAMPLE.read_text()


def test_team_example_checks_and_dry_runs(tmp_path):
    """check-config exits 0 and notes the recipe's protection is off; the workflow's dry run plans the run."""
    config = fill_example(tmp_path)
    assert config["asr"]["recordings"] and "pool_tags" not in config["roles"]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    check = subprocess.run(
        [str(Path(sys.executable).parent / "lmboot"), "check-config", "--json", "team.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and NOTE in check.stderr, check.stderr[-2000:]
    assert '"protect": false' in check.stdout and '"run": "my-lang"' in check.stdout
    dry = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--directory",
            str(tmp_path),
            "-n",
            "--cores",
            "1",
            "all",
            "--configfile",
            "team.yaml",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0, (dry.stdout + dry.stderr)[-3000:]
    jobs = {line.split()[0] for line in dry.stdout.splitlines() if line.strip() and line.split()[-1].isdigit()}
    assert {"prepare", "recordings", "train", "evaluate", "export"} <= jobs, jobs
    assert "restore_entities" not in jobs  # protection off: no protected variant in the configured pipeline
