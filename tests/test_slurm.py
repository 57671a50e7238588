"""The Slurm profile on a real single-node Slurm cluster started on this machine (slow; marked slurm)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, snakemake_cmd
from test_workflow import CHUNKS, POOL_NBEST, read_nbest, same_nbest

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


def test_chunked_translation_runs_as_slurm_jobs(tiny_run, slurm_cluster, tmp_path):
    """The smallest DAG that still goes through Slurm: a copy of the finished tiny run (conftest.tiny_run)
    without its pool n-best lists, remade in 3 chunks (nmt.chunks): each chunk is a Slurm job that completes,
    and the gathered n-best lists equal the ones the run made in one job."""
    work = tmp_path / "run"
    shutil.copytree(tiny_run, work, symlinks=True, ignore=shutil.ignore_patterns(".snakemake", "again"))
    translated = work / "data/tiny/selected/translate"
    whole = read_nbest(work / POOL_NBEST)
    for path in translated.glob("r1.pool.*nbest.json*"):
        path.unlink()
    (work / "chunks.yaml").write_text(CHUNKS)
    env = dict(
        os.environ,
        SLURM_CONF=slurm_cluster["SLURM_CONF"],
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )
    cmd, _ = snakemake_cmd(work, str(work / "chunks.yaml"), "--rerun-triggers", "mtime")
    cmd += ["--workflow-profile", str(ROOT / "workflow/profiles/slurm-localhost"), "--", POOL_NBEST]
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert same_nbest(read_nbest(work / POOL_NBEST), whole)
    # each job ran in Slurm: the plugin keeps a log per rule and job id
    # (.snakemake/slurm_logs/rule_<rule>/[<wildcards>/]<jobid>.log); the job completion log tells the end
    completed = (slurm_cluster["state"] / "log/jobcomp.txt").read_text()
    states = dict(re.findall(r"JobId=(\d+) .*?JobState=(\S+)", completed))
    job_ids = [log.stem for log in (work / ".snakemake/slurm_logs").glob("rule_translate/**/*.log")]
    assert len(job_ids) == 3, job_ids  # one Slurm job a chunk
    assert all(states.get(job) == "COMPLETED" for job in job_ids), (job_ids, states)
