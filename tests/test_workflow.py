"""The whole Snakemake workflow on a tiny config: every stage runs, every output exists, metrics are finite."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lmboot.corpus import normalize

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "config" / "tiny.yaml"
STAGES = {"demo_data", "prepare", "select", "spm", "train", "pseudo_pairs", "translate", "rescore", "lm_filter",
          "lm", "mix", "evaluate"}


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
                           "--directory", str(workdir), "--configfile", str(TINY), *args],
                          env=env, capture_output=True, text=True)


def test_dry_run_lists_every_stage(tmp_path):
    run = snakemake(tmp_path, "-n", "--cores", "1")
    assert run.returncode == 0, run.stderr[-3000:]
    listed = {line.split()[0] for line in run.stdout.splitlines() if line.strip() and line.split()[-1].isdigit()}
    assert STAGES <= listed, STAGES - listed


def test_bad_config_is_one_clear_line(tmp_path):
    run = snakemake(tmp_path, "-n", "--cores", "1", "--config", "split={'seed_size': 'many'}")
    assert run.returncode != 0
    assert "split.seed_size: 'many' is not of type 'integer'" in run.stdout + run.stderr


@pytest.mark.slow
def test_workflow_end_to_end(tmp_path):
    run = snakemake(tmp_path, "--cores", "2", "all", "ablation")
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    metrics = json.loads((tmp_path / "results/tiny/metrics.json").read_text())
    assert set(metrics["lms"]) == {"seed", "translated", "mix-translated", "oracle", "mix-oracle"}
    for name, row in metrics["lms"].items():
        assert math.isfinite(row["ppl"]) and row["ppl"] > 1, name
        assert 0 <= row["oov_rate"] < 1, name
    weights = metrics["stages"]["mix"]["weights"]
    assert abs(weights["seed"] + weights["translated"] - 1) < 1e-9
    nbest = [json.loads(line) for line in (tmp_path / "data/tiny/selected/translate/r1.pool.nbest.jsonl").open()]
    pool = (tmp_path / "data/tiny/prepared/pool.src").read_text().splitlines()
    assert [r["src"] for r in nbest] == pool and all(1 <= len(r["hyps"]) <= 3 for r in nbest)
    assert len((tmp_path / "data/tiny/variants/selected.r1.rescored.tgt").read_text().splitlines()) == len(pool)
    assert (tmp_path / "results/tiny/metrics.md").read_text().count("\n") == 2 + len(metrics["lms"])
    assert assistant_share(tmp_path, kept=True) > 2 * assistant_share(tmp_path, kept=False)
    ablation = json.loads((tmp_path / "results/tiny/ablation.json").read_text())["rows"]
    assert [r["label"] for r in ablation] == ["seed-only", "+ raw translation", "+ embedding selection",
                                               "+ self-training", "+ n-best rescoring", "+ LM filtering (all)",
                                               "oracle (real pool text)"]
    assert all(math.isfinite(r["ppl"]) for r in ablation)
    assert ablation[1]["bitext_pairs"] > ablation[2]["bitext_pairs"]  # raw: the whole general corpus
    assert ablation[-2]["ppl"] == pytest.approx(metrics["lms"]["mix-translated"]["ppl"])
    assert ablation[4]["translations_kept"] == len(pool) >= ablation[5]["translations_kept"]
    # chunked translation (scatter/gather, 3 jobs) gives the same n-best file as one job
    pool_nbest = tmp_path / "data/tiny/selected/translate/r1.pool.nbest.jsonl"
    unchunked = pool_nbest.read_bytes()
    chunks = tmp_path / "chunks.yaml"
    chunks.write_text("nmt: {chunks: 3}\n")
    run = snakemake(tmp_path, "--cores", "2", "--rerun-triggers", "mtime", "--configfile", str(TINY), str(chunks),
                    "--", str(pool_nbest))
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert len(list((tmp_path / "data/tiny/selected/translate").glob("r1.pool.*-of-3.nbest.jsonl"))) == 3
    assert pool_nbest.read_bytes() == unchunked
    for rule in STAGES:  # every rule leaves a log and a benchmark
        assert list((tmp_path / "logs/tiny").glob(f"{rule}*.log")), rule
        assert list((tmp_path / "benchmarks/tiny").glob(f"{rule}*.tsv")), rule


def assistant_share(workdir: Path, kept: bool) -> float:
    """Share of the demo's assistant-like general sentences among the selected (or the unselected) rows."""
    rows = [line.split("\t") for line in (workdir / "resources/tiny/general.tsv").read_text().splitlines()[1:]]
    assistant = {normalize(eng) for origin, eng, _ in rows if origin == "demo-assistant"}
    general = (workdir / "data/tiny/prepared/general.tgt").read_text().splitlines()
    flags = [line.split("\t")[2] == "1" for line in (workdir / "data/tiny/select/distances.tsv").read_text().splitlines()[1:]]
    chosen = [text for text, flag in zip(general, flags) if flag == kept]
    return sum(text in assistant for text in chosen) / len(chosen)


def test_a_configfile_replaces_the_demo_config(tmp_path):
    from lmboot.demo_data import generate

    generate(tmp_path / "corpora", n_in_domain=300, n_general=300)
    own = tmp_path / "own.yaml"
    own.write_text(f"""run: own
languages: {{source: es, target: en}}
in_domain: {{format: jsonl, path: {tmp_path}/corpora/in_domain.jsonl, source_field: es, target_field: en}}
general: {{format: tsv, path: {tmp_path}/corpora/general.tsv, source_column: spa, target_column: eng}}
split: {{seed_size: 100, dev_size: 40, test_size: 60}}
""")
    run = subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory",
                          str(tmp_path), "--configfile", str(own), "-n", "-p", "--cores", "1"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "demo_data" not in run.stdout  # nothing of config/config.yaml leaks in
    assert '"seed_size": 100' in run.stdout and '"top_fraction": 0.5' in run.stdout  # own values, schema defaults
