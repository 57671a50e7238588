"""The whole Snakemake workflow on a tiny config: every stage runs, every output exists, metrics are finite.
The end-to-end checks (marked slow) share one finished run (conftest.tiny_run); those that only read it come
first, those that run more of the workflow in it after them; the longest (marked full) run in make test-full."""

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TINY, snakemake, snakemake_cmd
from test_plan import DEFAULT_ROWS

from lmboot.data.corpus import normalize

STAGES = {
    "demo_data",
    "prepare",
    "select_score",
    "select",
    "spm",
    "train",
    "pseudo_pairs",
    "translate",
    "rescore",
    "lm_filter",
    "lm",
    "lm_component",
    "topk",
    "mix",
    "evaluate",
    "entities",
    "restore_entities",
    "synthesize",
    "whisper_nbest",
    "pronunciations",
    "sphinx_wer",
    "whisper_wer",
    "wer",
    "select_cut",
    "choose_cut",
    "spm_from_general",
}


def test_dry_run_lists_every_stage(tmp_path):
    run = snakemake(tmp_path, "-n", "--cores", "1", "all", "ablation")
    assert run.returncode == 0, run.stderr[-3000:]
    listed = {line.split()[0] for line in run.stdout.splitlines() if line.strip() and line.split()[-1].isdigit()}
    assert STAGES <= listed, STAGES - listed


def test_rules_find_the_cli_without_the_venv_on_path(tmp_path):
    """The venv's snakemake, run with a PATH that lacks the venv (not activated): the DAG is built and a real
    rule (demo_data, which calls `lmboot demo-data`) runs."""
    venv_bin = Path(sys.executable).parent
    path = os.pathsep.join(
        p
        for p in os.environ["PATH"].split(os.pathsep)
        if p and Path(p).resolve() != venv_bin.resolve() and not (Path(p) / "lmboot").exists()
    )
    env = dict(os.environ, PATH=path)
    base = [
        str(venv_bin / "snakemake"),
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(tmp_path),
        "--configfile",
        str(TINY),
        "--cores",
        "1",
    ]
    dry = subprocess.run(base + ["-n"], env=env, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr[-3000:]
    real = subprocess.run(base + ["resources/tiny/general.tsv"], env=env, capture_output=True, text=True)
    assert real.returncode == 0, (real.stdout + real.stderr)[-3000:]
    assert (tmp_path / "resources/tiny/in_domain.jsonl").stat().st_size > 0


def test_make_clean_removes_outputs_only(tmp_path):
    """make clean after a run: the run's outputs are gone and no tracked file is (benchmarks/*.py stay)."""
    tracked = ["Makefile", *(str(p.relative_to(ROOT)) for p in (ROOT / "benchmarks").glob("*.py"))]
    for name in tracked:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "tracked"]):
        subprocess.run(git + args, check=True)
    for output in ("benchmarks/tiny/train.tsv", "data/tiny/x", "models/tiny/x", "results/tiny/x", "logs/tiny/x.log"):
        (tmp_path / output).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / output).write_text("x")
    subprocess.run(["make", "-C", str(tmp_path), "clean"], check=True, capture_output=True)
    status = subprocess.run(git + ["status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True)
    assert status.stdout == "" and len(tracked) > 1


def test_snakemake_lint_is_clean(tmp_path):
    """Every rule has a log and a conda env, no file mixes rules and functions (snakemake --lint exits 1 on any)."""
    run = snakemake(tmp_path, "--lint")
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]


def test_a_pretrained_general_translator_is_installed_not_trained(tmp_path):
    """nmt.pretrained with corpus: general (another run's general translator): the DAG installs it, trains no
    general translator, and fine-tunes it on the selected pairs (select.finetune_general)."""
    for name in ("c.pt", "s.model", "d.txt"):
        (tmp_path / name).write_text("x")
    overlay = tmp_path / "general.yaml"
    overlay.write_text(f"""nmt: {{pretrained: {{corpus: general, checkpoint: {tmp_path}/c.pt,
      spm_model: {tmp_path}/s.model, dict: {tmp_path}/d.txt}}}}
""")
    run = snakemake(tmp_path, str(overlay), "-n", "--cores", "1", "all", "ablation")
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = re.split(r"\n(?=(?:local)?rule \w+:)", run.stdout)
    made_by = {
        path: job.split(":")[0].split()[-1]
        for job in jobs
        for line in job.splitlines()
        if line.strip().startswith("output:")
        for path in line.split(":", 1)[1].replace(",", " ").split()
    }
    assert made_by["models/tiny/general/round0/checkpoint_best.pt"] == "pretrained"
    assert made_by["models/tiny/selected/round0/checkpoint_best.pt"] == "train"
    assert made_by["models/tiny/selected/spm/spm.model"] == "spm_from_general"


def test_another_runs_speech_is_reused_not_made(tmp_path):
    """asr.speech_from (the seed-size runs of a pair): no synthesis, no Whisper decoding, the WER rules read
    what reuse_speech made from the other run's files."""
    for part in ("dev", "test"):
        (tmp_path / "other" / part).mkdir(parents=True)
        for name in ("manifest.tsv", "whisper.nbest.jsonl"):
            (tmp_path / "other" / part / name).write_text("x")
    overlay = tmp_path / "speech.yaml"
    overlay.write_text(f"asr: {{speech_from: {tmp_path}/other}}\n")
    run = snakemake(tmp_path, str(overlay), "-n", "--cores", "1", "all", "ablation")
    assert run.returncode == 0, run.stderr[-3000:]
    rules = re.findall(r"^(?:local)?rule (\w+):", run.stdout, re.M)
    assert rules.count("reuse_speech") == 2 and "sphinx_wer" in rules
    assert "synthesize" not in rules and "whisper_nbest" not in rules


def test_bad_config_is_one_clear_line(tmp_path):
    run = snakemake(tmp_path, "-n", "--cores", "1", "--config", "split={'seed_size': 'many'}")
    assert run.returncode != 0
    assert "split.seed_size: 'many' is not of type 'integer'" in run.stdout + run.stderr


@pytest.mark.slow
def test_every_stage_of_the_tiny_run_made_its_outputs(tiny_run):
    tmp_path = tiny_run
    metrics = json.loads((tmp_path / "results/tiny/metrics.json").read_text())
    assert set(metrics["lms"]) == {
        "seed",
        "translated",
        "mix-translated",
        "mix-general",
        "mix-selected",
        "configured",
        "oracle",
        "mix-oracle",
    }
    for name, row in metrics["lms"].items():
        assert math.isfinite(row["ppl"]) and row["ppl"] > 1, name
        assert 0 <= row["oov_rate"] < 1, name
    weights = metrics["stages"]["mix"]["weights"]
    assert list(weights) == ["seed", "selected.r1.plain.rescored.filtered"] and abs(sum(weights.values()) - 1) < 1e-9
    configured = metrics["stages"]["configured_mix"]["weights"]  # lm.components: nbest + general (default)
    assert list(configured) == ["seed", "nbest", "general"]
    assert abs(sum(configured.values()) - 1) < 1e-9 and min(configured.values()) > 0
    assert metrics["stages"]["general_lm"]["min_count"] in (1, 2, 3)  # the vocabulary cut chosen on dev
    nbest = [json.loads(line) for line in (tmp_path / "data/tiny/selected/translate/r1.pool.nbest.jsonl").open()]
    pool = (tmp_path / "data/tiny/prepared/pool.src").read_text().splitlines()
    assert [r["src"] for r in nbest] == pool and all(1 <= len(r["hyps"]) <= 3 for r in nbest)
    assert len((tmp_path / "data/tiny/variants/selected.r1.plain.rescored.tgt").read_text().splitlines()) == len(pool)
    table = [line for line in (tmp_path / "results/tiny/metrics.md").read_text().splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(metrics["lms"]) and table[0].endswith("| PPL, common vocabulary |")
    assert assistant_share(tmp_path, kept=True) > 2 * assistant_share(tmp_path, kept=False)
    ablation = json.loads((tmp_path / "results/tiny/ablation.json").read_text())["rows"]
    assert [r["label"] for r in ablation] == DEFAULT_ROWS
    assert [r["kind"] for r in ablation[:4]] == ["seed", "baseline", "baseline", "method"]
    assert [r["kind"] for r in ablation[-3:]] == ["configured", "oracle", "ideal"]
    assert ablation[-3]["ppl"] == pytest.approx(metrics["lms"]["configured"]["ppl"])
    assert ablation[-3]["oov_rate"] <= min(ablation[-4]["oov_rate"], ablation[1]["oov_rate"])  # the union of both
    assert ablation[-4]["translations_kept"] >= ablation[7]["translations_kept"]  # k >= 1 hypotheses each
    ideal = json.loads((tmp_path / "models/tiny/lm/mix-oracle+general.json").read_text())["weights"]
    assert set(ideal) == {"seed", "oracle", "general"}  # the configured LM with the real pool text for its translations
    assert all(math.isfinite(r["ppl"]) and math.isfinite(r["ppl_common"]) for r in ablation)
    assert len({r["common_vocabulary"] for r in ablation}) == 1  # one vocabulary for every row
    assert ablation[3]["bitext_pairs"] > ablation[4]["bitext_pairs"]  # raw: the whole general corpus
    assert ablation[7]["ppl"] == pytest.approx(metrics["lms"]["mix-translated"]["ppl"])  # protect: false
    assert ablation[6]["translations_kept"] == len(pool) >= ablation[7]["translations_kept"]
    for rule in STAGES:  # every rule leaves a log and a benchmark
        assert list((tmp_path / "logs/tiny").glob(f"{rule}*.log")), rule
        assert list((tmp_path / "benchmarks/tiny").glob(f"{rule}*.tsv")), rule


def pool_of(workdir: Path) -> list[str]:
    return (workdir / "data/tiny/prepared/pool.src").read_text().splitlines()


# The checks that read the finished run.
@pytest.mark.slow
def test_only_model_settings_retrain(tiny_run):
    check_only_model_settings_retrain(tiny_run)


@pytest.mark.slow
def test_the_cut_is_tuned_on_dev(tiny_run):
    check_select_tuning(tiny_run)


@pytest.mark.slow
def test_entities_are_protected_and_restored(tiny_run):
    check_entity_protection(tiny_run, pool_of(tiny_run))


@pytest.mark.slow
def test_every_ablation_row_has_its_wer(tiny_run):
    check_wer(tiny_run, json.loads((tiny_run / "results/tiny/ablation.json").read_text())["rows"])


@pytest.mark.slow
def test_fairseq_and_ctranslate2_agree(tiny_run):
    check_fairseq_and_ctranslate2_agree(tiny_run)


# The checks that run more of the workflow in the finished run's directory, after the readers.
@pytest.mark.slow
def test_chunked_translation_and_resume_after_kill(tiny_run):
    check_chunked_translation(tiny_run)
    check_resume_after_kill(tiny_run)


@pytest.mark.slow
def test_a_pretrained_ctranslate2_model(tiny_run):
    check_a_pretrained_ctranslate2_model(tiny_run)


@pytest.mark.slow
def test_a_second_translator(tiny_run):
    check_a_second_translator(tiny_run, pool_of(tiny_run))


@pytest.mark.slow
def test_a_teams_onnx_ctc_model(tiny_run):
    check_a_teams_onnx_ctc_model(tiny_run)


@pytest.mark.slow
@pytest.mark.full
def test_a_second_run_is_identical(tiny_run):
    check_a_second_run_is_identical(tiny_run)


# Settings no translator reads: changing one re-runs what reads it, never training. (lm.order and
# lm.seed_weight are left out: with select.tune by perplexity, as here, or tuning.criterion dev_ppl a choice
# made before training builds LMs with them.)
NO_MODEL_SETTINGS = {
    "nbest": "nmt: {nbest: 2}",
    "chunks": "nmt: {chunks: 2}",
    "lm": "lm: {components: [nbest], vocab_min_count: [1, 2], nbest_k: [1, 2], oracle: false}",
    "rescore": "rescore: {grid: [0, 0.5, 1]}",
    "lm_filter": "lm_filter: {grid: [0, 10], tune_on: ppl}",
    "asr": "asr: {sphinx_lw: [6.5], alpha: [0], beta: [0, 2], bootstrap: 100, ctc_lm_weight: [1, 2]}",
}


def scheduled(workdir: Path, name: str, overlay: str) -> dict[str, int]:
    """The jobs `snakemake -n all ablation` schedules on a finished run with overlay on the tiny config
    (default rerun triggers: modification times, params, input sets, code)."""
    (workdir / f"{name}.yaml").write_text(overlay + "\n")
    run = snakemake(workdir, "-n", "--configfile", str(TINY), str(workdir / f"{name}.yaml"), "--", "all", "ablation")
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    stats = (run.stdout + run.stderr).partition("Job stats:")[2].partition("\n\n")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)}


def check_only_model_settings_retrain(workdir: Path) -> None:
    """Each rule's params hold only the settings its command reads: changing nmt.nbest, nmt.chunks, lm.*,
    rescore.*, lm_filter.* or asr.* re-runs what reads them and trains nothing; nmt.max_updates re-trains."""
    assert scheduled(workdir, "same", "{}") == {}  # the finished run is up to date
    for name, overlay in NO_MODEL_SETTINGS.items():
        jobs = scheduled(workdir, name, overlay)
        assert jobs and not {"train", "spm", "select", "prepare"} & set(jobs), (name, jobs)
    assert "train" in scheduled(workdir, "updates", "nmt: {max_updates: 301}")


POOL_NBEST = "data/tiny/selected/translate/r1.pool.nbest.jsonl"  # relative to the workflow's --directory
CHUNKS = "nmt: {chunks: 3}\n"


def read_nbest(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def same_nbest(a: list[dict], b: list[dict]) -> bool:
    """Same sources, same hypotheses in the same order, scores equal up to float rounding of batched
    matrix products (about 1e-7: a batch's size changes the order of summation)."""
    return len(a) == len(b) and all(
        (x["id"], x["src"]) == (y["id"], y["src"])
        and [h["text"] for h in x["hyps"]] == [h["text"] for h in y["hyps"]]
        and all(abs(h["score"] - g["score"]) < 1e-5 for h, g in zip(x["hyps"], y["hyps"]))
        for x, y in zip(a, b)
    )


def check_select_tuning(workdir: Path) -> None:
    """tiny.yaml tunes the cut on dev perplexity between two candidates: the winner's pairs are what the
    selected translator trained on, and its translators trained under the tuning budget."""
    tuning = json.loads((workdir / "data/tiny/select/chosen/tuning.json").read_text())
    assert tuning["by"] == "perplexity" and len(tuning["candidates"]) == 2
    ppl = [c["dev_perplexity"] for c in tuning["candidates"]]
    best = tuning["candidates"][ppl.index(min(ppl))]
    assert tuning["chosen"] == best["keep"] and best["kept"] > 0
    assert tuning["candidates"][0]["kept"] < tuning["candidates"][1]["kept"]  # 40 % and 80 % of the ranking
    chosen = (workdir / "data/tiny/select/chosen/kept.tgt").read_text()
    assert (
        chosen
        == (Path(best["dir"]) if Path(best["dir"]).is_absolute() else workdir / best["dir"])
        .joinpath("kept.tgt")
        .read_text()
    )
    assert all(c["updates"] <= 100 for c in tuning["candidates"])  # select.tune.max_updates
    assert (workdir / "results/tiny/select_tuning.md").read_text().count("(chosen)") == 1
    general = json.loads((workdir / "models/tiny/general/round0/dev_scores.json").read_text())
    selected = json.loads((workdir / "models/tiny/selected/round0/dev_scores.json").read_text())
    assert selected["self_training"]["previous_chrf"] == general["chrf"]  # select.finetune_general: 60
    assert selected["chrf"] >= general["chrf"]  # kept only if it improved on the general translator
    spm = [(workdir / f"models/tiny/{c}/spm/spm.model").read_bytes() for c in ("general", "selected")]
    assert spm[0] == spm[1]


def check_entity_protection(workdir: Path, pool: list[str]) -> None:
    """Protected sources carry placeholders where the pool had names; the restored n-best lists have the
    names back (or the plain hypotheses) and never a stray placeholder of that sentence."""
    stats = json.loads((workdir / "data/tiny/entities/entities.json").read_text())
    assert stats["pool"]["with_entities"] > 0
    maps = [json.loads(line) for line in (workdir / "data/tiny/entities/pool.map.jsonl").open()]
    protected = (workdir / "data/tiny/entities/pool.src").read_text().splitlines()
    for text, source, mapping in zip(protected, pool, maps):
        assert " ".join(mapping.get(w, w) for w in text.split()) == source
    restored = [
        json.loads(line) for line in (workdir / "data/tiny/selected/translate/r1.pool-entities.nbest.jsonl").open()
    ]
    counts = json.loads((workdir / "data/tiny/selected/translate/r1.pool-entities.nbest.json").read_text())
    assert counts["restored"] + counts["fell_back"] == counts["with_entities"] == stats["pool"]["with_entities"]
    plain = [json.loads(line) for line in (workdir / "data/tiny/selected/translate/r1.pool.nbest.jsonl").open()]
    for record, plain_record, mapping in zip(restored, plain, maps):
        names_back = all(f" {name} " in f" {h['text']} " for h in record["hyps"] for name in mapping.values())
        assert names_back or record["hyps"] == plain_record["hyps"]


def check_wer(workdir: Path, ablation: list[dict]) -> None:
    """Every ablation row has both recognizers' WER with an interval around it; wer.md has the three LMs."""
    for row in ablation:
        for recognizer in ("sphinx", "whisper"):
            w = row[recognizer]
            assert 0 <= w["ci_low"] <= w["wer"] <= w["ci_high"] and w["utterances"] == 10, (row["label"], recognizer)
    assert ablation[0]["sphinx"]["vs_first"]["delta"] == 0
    baselines = [row for row in ablation if row["kind"] == "baseline"]
    best = min(baselines, key=lambda row: row["sphinx"]["wer"])  # each row is also paired with the best baseline
    assert all(row["sphinx"]["vs_best_baseline"]["label"] == best["label"] for row in ablation)
    assert best["sphinx"]["vs_best_baseline"]["delta"] == 0
    table = (workdir / "results/tiny/wer.md").read_text()
    assert all(
        label in table
        for label in (
            "seed-only",
            "seed + general text (baseline)",
            "seed + translated",
            "configured: seed + top-k translations + general text",
            "seed + oracle",
        )
    )
    assert "vs best baseline" in table
    manifest = (workdir / "data/tiny/asr/test/manifest.tsv").read_text().splitlines()
    assert len(manifest) == 10 and {line.split("\t")[1] for line in manifest} == {"flite:slt", "espeak-ng:en-us"}


def check_chunked_translation(workdir: Path) -> None:
    """The self-trained translator's pool n-best lists made again in 3 chunks (scatter/gather, one job
    each) equal the one-job translation; only the missing file is remade (--rerun-triggers mtime)."""
    unchunked = read_nbest(workdir / POOL_NBEST)
    (workdir / POOL_NBEST).unlink()
    (workdir / "chunks.yaml").write_text(CHUNKS)
    run = snakemake(
        workdir,
        "--cores",
        "2",
        "--rerun-triggers",
        "mtime",
        "--configfile",
        str(TINY),
        str(workdir / "chunks.yaml"),
        "--",
        POOL_NBEST,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert len(list((workdir / "data/tiny/selected/translate").glob("r1.pool.*-of-3.nbest.jsonl"))) == 3
    assert same_nbest(read_nbest(workdir / POOL_NBEST), unchunked)


def check_resume_after_kill(workdir: Path) -> None:
    """Kill -9 the workflow (and its jobs) while it translates the second of 3 chunks; after --unlock,
    --rerun-incomplete translates only the two unfinished chunks and gives the same result."""
    complete = read_nbest(workdir / POOL_NBEST)
    translate_dir, logs = workdir / "data/tiny/selected/translate", workdir / "logs/tiny"
    for path in [
        workdir / POOL_NBEST,
        *translate_dir.glob("r1.pool.*-of-3.nbest.jsonl"),
        *logs.glob("translate.selected.r1.pool.*-of-3.log"),
    ]:
        path.unlink()
    cmd, env = snakemake_cmd(
        workdir, str(workdir / "chunks.yaml"), "--cores", "1", "--rerun-triggers", "mtime", "--", POOL_NBEST
    )
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:  # one job at a time: a second chunk's log appears once the first chunk is done and recorded
        deadline = time.monotonic() + 300
        while len(list(logs.glob("translate.selected.r1.pool.*-of-3.log"))) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "the workflow ended before a chunk was done"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done = list(translate_dir.glob("r1.pool.*-of-3.nbest.jsonl"))
    assert len(done) == 1 and not (workdir / POOL_NBEST).exists(), done
    first = done[0].stat().st_mtime_ns
    assert snakemake(workdir, "--unlock", "--cores", "1").returncode == 0
    run = snakemake(
        workdir,
        "--cores",
        "2",
        "--rerun-incomplete",
        "--rerun-triggers",
        "mtime",
        "--configfile",
        str(TINY),
        str(workdir / "chunks.yaml"),
        "--",
        POOL_NBEST,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert re.search(r"^translate\s+2$", run.stdout + run.stderr, re.M), (run.stdout + run.stderr)[-3000:]
    assert done[0].stat().st_mtime_ns == first  # the finished chunk was kept
    assert same_nbest(read_nbest(workdir / POOL_NBEST), complete)


def check_fairseq_and_ctranslate2_agree(workdir: Path) -> None:
    """The fairseq-interactive path gives (mostly) the same 1-best as CTranslate2 on the same checkpoint,
    and its log2 scores are CTranslate2's ln scores once rescaled."""
    from lmboot.config import section_defaults
    from lmboot.translation.decode import translate

    cfg = section_defaults("nmt", {"translator": "fairseq", "beam": 3, "nbest": 3, "device": "cpu"})
    models = workdir / "models/tiny/selected"
    translate(
        models / "round1/checkpoint_best.pt",
        models / "spm",
        workdir / "data/tiny/prepared/pool.src",
        workdir / "fairseq.jsonl",
        cfg,
        threads=2,
    )
    ours, theirs = read_nbest(workdir / "fairseq.jsonl"), read_nbest(workdir / POOL_NBEST)
    same = [(x, y) for x, y in zip(ours, theirs) if x["hyps"][0]["text"] == y["hyps"][0]["text"]]
    assert len(same) >= 0.8 * len(theirs), len(same)  # fairseq caps output length per batch, not per sentence
    assert {x["score_scale"] for x in ours} == {"log2_per_token"} and theirs[0]["score_scale"] == "ln_per_token"
    gaps = sorted(abs(x["hyps"][0]["score"] * math.log(2) - y["hyps"][0]["score"]) for x, y in same)
    assert gaps[len(gaps) // 2] < 1e-3 and gaps[-1] < 0.05, gaps[-5:]  # padded batches shift a few a little


def check_a_second_run_is_identical(workdir: Path) -> None:
    """The same config and seed, run again in another directory, give byte-identical ARPA files (training
    is deterministic on CPU when its budget is in updates, not wall-clock time)."""
    again = workdir / "again"
    run = snakemake(again, "--cores", "2", "results/tiny/metrics.json")  # the LMs (WER is not re-measured)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    arpas = sorted(p.relative_to(again) for p in (again / "models/tiny/lm").glob("*.arpa"))
    assert len(arpas) >= 4, arpas
    for path in arpas:
        assert (again / path).read_bytes() == (workdir / path).read_bytes(), path


def check_a_pretrained_ctranslate2_model(workdir: Path) -> None:
    """Round 0's translator, as the CTranslate2 model directory it was converted to, given as a pre-trained
    translator of another run: the workflow runs through to its metrics, and scores it on dev as the first run
    did."""
    models = workdir / "models/tiny/selected"
    overlay = workdir / "ct2.yaml"
    overlay.write_text(f"""run: tiny-ct2
select: {{tune: null, finetune_general: null}}
nmt: {{self_training_rounds: 0, translator: ctranslate2,
      pretrained: {{ct2_model: {models}/round0/ct2-checkpoint_best, spm_model: {models}/spm/spm.model}}}}
""")
    run = snakemake(
        workdir, "--cores", "2", "--configfile", str(TINY), str(overlay), "--", "results/tiny-ct2/metrics.json"
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    ours = json.loads((workdir / "models/tiny-ct2/selected/round0/dev_scores.json").read_text())
    first = json.loads((models / "round0/dev_scores.json").read_text())
    assert (ours["bleu"], ours["chrf"]) == (first["bleu"], first["chrf"])
    assert (workdir / "results/tiny-ct2/metrics.json").is_file()
    assert not (workdir / "models/tiny-ct2/selected/round0/checkpoint_best.pt").exists()  # nothing trained


TRANSLATOR_OVERLAY = (
    "translators: [{name: apertium, label: Apertium, family: command, "
    'command: "apertium -u -f line spa-eng"}]\n'
    "lm: {components: [nbest, apertium, general]}\n"
)


def check_a_second_translator(workdir: Path, pool: list[str]) -> None:
    """A translator a team brings (a command: Debian's Apertium) beside lmboot's own: it translates pool and dev
    and trains nothing; its rescored, filtered translations are an LM component of its name, the union of both
    translators' n-best lists another; the ablation table gets a row for each and for both together."""
    (workdir / "apertium.yaml").write_text(TRANSLATOR_OVERLAY)
    jobs = scheduled(workdir, "apertium", TRANSLATOR_OVERLAY)
    assert (
        jobs["translate_with"] == 2
        and jobs["union_nbest"] == 2
        and not {"train", "spm", "select", "prepare"} & set(jobs)
    )
    run = snakemake(
        workdir, "--cores", "2", "--configfile", str(TINY), str(workdir / "apertium.yaml"), "--", "all", "ablation"
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    stats = json.loads((workdir / "data/tiny/x-apertium/pool.nbest.json").read_text())
    assert stats["lines"] == len(pool) and stats["family"] == "command"
    union = read_nbest(workdir / "data/tiny/union/pool.nbest.jsonl")
    assert len(union) == len(pool) and any("apertium" in h["systems"] for r in union for h in r["hyps"])
    assert any("lmboot" in h["systems"] for r in union for h in r["hyps"])
    ablation = json.loads((workdir / "results/tiny/ablation.json").read_text())["rows"]
    labels = [r["label"] for r in ablation]
    own = "lmboot's translator alone: seed + top-k translations + general text (baseline)"
    assert labels[1:4] == ["seed + general text (baseline)", "seed + selected text (baseline)", own]
    assert ablation[3]["kind"] == "baseline"  # what the second translator adds is measured against lmboot's own
    assert labels[11:15] == [
        "+ Apertium",
        "+ union of every translator's n-best",
        "every translator: seed + top-k translations + Apertium translations",
        "configured: seed + top-k translations + Apertium translations + general text",
    ]
    assert ablation[11]["dev_chrf"] > 0 and "sphinx" in ablation[14]
    weights = json.loads(
        (workdir / "models/tiny/lm/mix-nbest+x-apertium.r0.plain.rescored.filtered+general.json").read_text()
    )["weights"]
    assert list(weights) == ["seed", "nbest", "x-apertium.r0.plain.rescored.filtered", "general"]


def onnx_overlay(workdir: Path) -> Path:
    """A team's CTC model over characters (a tiny random wav2vec2-shaped ONNX model made here, its vocab.json)
    as a fourth recognizer beside hama's."""
    import torch
    from test_onnx_ctc import CHARS, Random, export

    (workdir / "team").mkdir(exist_ok=True)
    (workdir / "team/vocab.json").write_text(json.dumps({t: i for i, t in enumerate(CHARS)}))
    with torch.no_grad():
        export(Random(len(CHARS)), workdir / "team/ctc.onnx")
    overlay = workdir / "onnx.yaml"
    overlay.write_text(
        "asr: {recognizers: [ctc, onnx_ctc], onnx_ctc: {model: team/ctc.onnx, tokens: team/vocab.json, "
        "sample_rate: 16000}}\n"
    )
    return overlay


def check_a_teams_onnx_ctc_model(workdir: Path) -> None:
    """The onnx_ctc recognizer end to end: its own emissions (once per audio set), a lexicon per LM spelled in
    its characters, the LM weight and word score tuned on dev, a WER column in wer.md beside hama's."""
    overlay = onnx_overlay(workdir)
    run = snakemake(workdir, "--cores", "2", "--configfile", str(TINY), str(overlay), "--", "wer")
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    rows = json.loads((workdir / "results/tiny/wer.json").read_text())["rows"]
    assert all({"ctc", "onnx_ctc"} <= set(row) for row in rows)
    result = json.loads((workdir / "data/tiny/asr/onnx_ctc/seed.json").read_text())
    assert len(result["hyps"]) == 10 and result["choice"]["criterion"] == "dev_wer"
    assert "team's CTC model WER % [95 % CI]" in (workdir / "results/tiny/wer.md").read_text().splitlines()[0]
    lexicon = (workdir / "models/tiny/asr/seed.onnx_ctc.lexicon").read_text().splitlines()
    assert lexicon and all(line.endswith(" |") for line in lexicon)


def assistant_share(workdir: Path, kept: bool) -> float:
    """Share of the demo's assistant-like general sentences among the selected (or the unselected) rows."""
    rows = [line.split("\t") for line in (workdir / "resources/tiny/general.tsv").read_text().splitlines()[1:]]
    assistant = {normalize(eng) for origin, eng, _ in rows if origin == "demo-assistant"}
    general = (workdir / "data/tiny/prepared/general.tgt").read_text().splitlines()
    flags = [
        line.split("\t")[2] == "1" for line in (workdir / "data/tiny/select/distances.tsv").read_text().splitlines()[1:]
    ]
    chosen = [text for text, flag in zip(general, flags) if flag == kept]
    return sum(text in assistant for text in chosen) / len(chosen)


def test_a_teams_onnx_ctc_model_gets_its_own_jobs(tmp_path):
    """asr.recognizers [ctc, onnx_ctc]: the team's model gets its own emissions, lexicons and WER jobs, each
    naming the model (--onnx-ctc); hama's jobs are as before."""
    overlay = onnx_overlay(tmp_path)
    run = snakemake(tmp_path, "-n", "-p", "--configfile", str(TINY), str(overlay), "--", "wer")
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    stats = (run.stdout + run.stderr).partition("Job stats:")[2].partition("\n\n")[0]
    jobs = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)}
    assert jobs["ctc_emissions"] == 4 and jobs["ctc_lexicon"] == jobs["ctc_wer"] == 2 * 6  # 6 LMs in wer.md
    commands = [line for line in run.stdout.splitlines() if "lmboot ctc-" in line]
    team = [line for line in commands if "--onnx-ctc" in line]
    assert len(team) == 2 + 6 and all("team/ctc.onnx" in line for line in team)
    assert all("onnx_ctc" in line for line in team) and not any(
        "--onnx-ctc" in line for line in commands if "onnx_ctc" not in line
    )


def test_a_configfile_replaces_the_demo_config(tmp_path):
    from lmboot.demo.data import generate

    generate(tmp_path / "corpora", n_in_domain=300, n_general=300)
    own = tmp_path / "own.yaml"
    own.write_text(f"""run: own
languages: {{source: es, target: en}}
in_domain: {{format: jsonl, path: {tmp_path}/corpora/in_domain.jsonl, source_field: es, target_field: en}}
general: {{format: tsv, path: {tmp_path}/corpora/general.tsv, source_column: spa, target_column: eng}}
split: {{seed_size: 100, dev_size: 40, test_size: 60}}
""")
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
            str(own),
            "-n",
            "-p",
            "--cores",
            "1",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "demo_data" not in run.stdout  # nothing of config/config.yaml leaks in
    assert '"seed_size": 100' in run.stdout and '"top_fraction": 0.5' in run.stdout  # own values, schema defaults


def test_each_gpu_rule_has_its_slurm_resources():
    """Every rule that asks for a GPU (resources gpu=PLAN.gpu) is set in both Slurm profiles: its GPU partition,
    and no GPU on the single-node test cluster (a rule left out asks the test cluster for a GPU it lacks)."""
    import yaml

    rules = re.findall(
        r"^\s*rule (\w+):((?:\n(?!\s*rule ).*)*)",
        "\n".join(p.read_text() for p in sorted((ROOT / "workflow/rules").glob("*.smk"))),
        re.M,
    )
    gpu_rules = {name for name, body in rules if re.search(r"^\s+gpu=PLAN\.(select_)?gpu,", body, re.M)}
    assert {"train", "translate", "translate_1best", "pretrained", "select_score"} <= gpu_rules
    for profile in ("slurm", "slurm-localhost"):
        resources = yaml.safe_load((ROOT / f"workflow/profiles/{profile}/config.yaml").read_text())["set-resources"]
        assert gpu_rules <= set(resources), (profile, gpu_rules - set(resources))
