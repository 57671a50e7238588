"""The Slurm profile on a real single-node Slurm cluster started on this machine (slow; marked slurm)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "config" / "tiny.yaml"
pytestmark = [pytest.mark.slow, pytest.mark.slurm]


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    if os.geteuid() != 0 and not shutil.which("sudo"):
        pytest.skip("starting slurmd needs root (or sudo) on this machine")
    state = tmp_path_factory.mktemp("slurm")
    start = subprocess.run(
        [str(ROOT / "scripts/slurm_localhost.sh"), "start", str(state)], capture_output=True, text=True, timeout=600
    )
    if start.returncode != 0:
        pytest.skip(f"could not start a local Slurm cluster: {start.stderr.strip()[-500:]}")
    conf = re.search(r"export SLURM_CONF=(\S+)", start.stdout).group(1)
    yield {"SLURM_CONF": conf, "state": state}
    subprocess.run([str(ROOT / "scripts/slurm_localhost.sh"), "stop", str(state)], check=False)


def test_workflow_runs_through_slurm(tmp_path, slurm_cluster):
    env = dict(
        os.environ,
        SLURM_CONF=slurm_cluster["SLURM_CONF"],
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )
    lean = tmp_path / "lean.yaml"  # the stages that test_workflow covers in full are left out here
    lean.write_text("select: {tune: null, finetune_general: null, chunks: 2}\nasr: {enabled: false}\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--directory",
            str(tmp_path),
            "--configfile",
            str(TINY),
            str(lean),
            "--workflow-profile",
            str(ROOT / "workflow/profiles/slurm-localhost"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert (tmp_path / "results/tiny/metrics.json").is_file()
    # each rule ran as a Slurm job: the plugin names jobs by run id and keeps a log per rule and job id
    # (.snakemake/slurm_logs/rule_<rule>/[<wildcards>/]<jobid>.log); the job completion log tells the end
    completed = (slurm_cluster["state"] / "log/jobcomp.txt").read_text()
    states = dict(re.findall(r"JobId=(\d+) .*?JobState=(\S+)", completed))
    for rule in ("demo_data", "prepare", "select_score", "select", "train", "translate", "evaluate"):
        job_ids = [log.stem for log in (tmp_path / ".snakemake/slurm_logs").glob(f"rule_{rule}/**/*.log")]
        assert job_ids, f"no Slurm job for rule {rule}"
        assert all(states.get(job) == "COMPLETED" for job in job_ids), (rule, job_ids, states)
        assert rule != "select_score" or len(job_ids) == 2  # select.chunks: 2 scoring jobs
