"""The whole workflow from what a team holds: seed, pool, dev and test as separate plain monolingual files,
no pool reference (no oracle), recordings manifests for dev and test; every choice made without test data and
without a dev source side."""

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import TINY, snakemake_cmd, write_text
from test_roles import speak

from lmboot.demo.data import generate

# Rules that may read test data: evaluation and WER only (a recognizer's weights are tuned inside sphinx_wer /
# whisper_wer on the dev manifest; tests/test_asr.py checks that).
TEST_READERS = {
    "evaluate",
    "ablation",
    "wer",
    "synthesize",
    "recordings",
    "whisper_nbest",
    "sphinx_wer",
    "whisper_wer",
    "ctc_emissions",
    "ctc_wer",
    "dev_curves",
    "all",
}


def team_layout(workdir: Path) -> Path:
    """Plain files per role from the tiny demo data, recordings for a few dev/test lines, and a config."""
    data = workdir / "team"
    generate(data, seed=7, n_in_domain=700, n_general=1200, assistant_share=0.2)
    rows = [json.loads(line) for line in (data / "in_domain.jsonl").read_text().splitlines()]
    parts = {
        "seed": [r["en"] for r in rows[:200]],
        "pool": [r["es"] for r in rows[200:450]],
        "dev": [r["en"] for r in rows[450:550]],
        "test": [r["en"] for r in rows[550:700]],
    }
    for role, lines in parts.items():
        write_text(data / f"{role}.txt", lines)
    for part, lines in (("dev", parts["dev"][:4]), ("test", parts["test"][:6])):
        manifest = ["audio\ttranscript"]
        for k, line in enumerate(lines):
            speak(line, data / f"{part}{k}.wav", 22050)
            manifest.append(f"{part}{k}.wav\t{line}")
        write_text(data / f"{part}.recordings.tsv", manifest)
    config = yaml.safe_load(TINY.read_text())
    for key in ("demo_data", "in_domain", "entities"):
        config.pop(key)
    config.update(
        run="team",
        roles={role: {"path": str(data / f"{role}.txt")} for role in parts},
        general={"format": "tsv", "path": str(data / "general.tsv"), "source_column": "spa", "target_column": "eng"},
        tuning={"pool_sample": 60},
    )
    config["asr"]["recordings"] = {part: str(data / f"{part}.recordings.tsv") for part in ("dev", "test")}
    return write_text(workdir / "team.yaml", yaml.safe_dump(config))


def run(workdir: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    cmd, env = snakemake_cmd(workdir, "--configfile", str(config), *args)
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


def test_no_choice_reads_test_data(tmp_path):
    """Every job of `all ablation` whose inputs hold test data is an evaluation or WER job."""
    config = team_layout(tmp_path)
    dry = run(tmp_path, config, "-n", "--cores", "1", "all", "ablation")
    assert dry.returncode == 0, dry.stderr[-3000:]
    readers = set()
    for block in re.split(r"\n(?=(?:local)?rule )", dry.stdout):
        name = re.match(r"(?:local)?rule (\w+):", block)
        inputs = re.search(r"input: (.*)", block)
        if name and inputs and re.search(r"test\.tgt|asr/test/|test\.recordings", inputs.group(1)):
            readers.add(name.group(1))
    assert readers and readers <= TEST_READERS, readers - TEST_READERS


def test_dev_wer_choices_decode_the_dev_recordings_and_nothing_of_test(tmp_path):
    """tuning.criterion dev_wer: every translator choice (checkpoint, guards, rescoring's λ) decodes the dev
    recordings with the CTC recognizer; none reads test data or a dev source side."""
    config = team_layout(tmp_path)
    changed = yaml.safe_load(config.read_text())
    changed["tuning"]["criterion"] = "dev_wer"
    config.write_text(yaml.safe_dump(changed))
    dry = run(tmp_path, config, "-n", "-p", "--cores", "1", "all")
    assert dry.returncode == 0, dry.stderr[-3000:]
    choosers = {}
    for block in re.split(r"\n(?=(?:local)?rule )", dry.stdout):
        name = re.match(r"(?:local)?rule (\w+):", block)
        if name and "--criterion" in block:
            choosers.setdefault(name.group(1), []).append(block)
    assert {"train", "rescore"} <= set(choosers), set(choosers)
    for name, blocks in choosers.items():
        for block in blocks:
            assert "--criterion dev_wer" in block and "asr/dev/ctc.emissions.npz" in block, name
            assert not re.search(r"test\.tgt|asr/test/|test\.recordings|dev_source", block), name


@pytest.mark.slow
@pytest.mark.full
def test_the_workflow_runs_from_monolingual_files_and_recordings(tmp_path):
    config = team_layout(tmp_path)
    done = run(tmp_path, config, "--cores", "2", "all")
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    prepared = json.loads((tmp_path / "data/team/prepared/prepare.json").read_text())
    assert prepared["tuning"]["criterion"] == "dev_ppl" and "pool_reference" not in prepared["roles"]
    pool = set((tmp_path / "data/team/prepared/pool.src").read_text().splitlines())
    assert set((tmp_path / "data/team/prepared/dev.src").read_text().splitlines()) <= pool
    # every translator choice and rescoring's lambda were made by dev perplexity
    for scores in (tmp_path / "models/team").glob("*/round*/dev_scores.json"):
        assert json.loads(scores.read_text())["criterion"] == "dev_ppl", scores
    choice = json.loads((tmp_path / "models/team/general/round0/choice.json").read_text())
    assert choice["criterion"] == "dev_ppl" and choice["better"] == "lower" and choice["choice"] in choice["measure"]
    rescored = next((tmp_path / "data/team/variants").glob("*.rescored.json"))
    assert json.loads(rescored.read_text())["tuning"]["criterion"] == "dev_ppl"
    # the recordings were decoded: WER against their transcripts, no oracle row
    wer = json.loads((tmp_path / "results/team/wer.json").read_text())
    labels = [row["label"] for row in wer["rows"]]
    assert not any("oracle" in label for label in labels)
    manifest = (tmp_path / "data/team/asr/test/manifest.tsv").read_text().splitlines()
    assert len(manifest) == 6 and all(line.split("\t")[1] == "recording" for line in manifest)
    metrics = json.loads((tmp_path / "results/team/metrics.json").read_text())
    assert "oracle" not in json.dumps(metrics)
