"""Preflight (lmboot/preflight.py): bad input stops `snakemake -n` and `lmboot check-config` with one line naming
the file (and field or line), exit 1 / 2, nothing written; a file read through once is not read again."""

import gzip
import json
import lzma
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_examples import fill_example

from lmboot import preflight
from lmboot.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))}


@pytest.fixture
def team(tmp_path):
    """The README's team config filled with small files in work/; the preflight cache outside it."""
    work = tmp_path / "work"
    work.mkdir()
    fill_example(work)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", LMBOOT_CACHE_DIR=str(tmp_path / "cache"))
    return work, env


def check_config(work: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "lmboot"), "check-config", "team.yaml", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def dry_run(work: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--directory",
            str(work),
            "-n",
            "--cores",
            "1",
            "all",
            "--configfile",
            "team.yaml",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def console(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def add_key(work: Path) -> None:
    with open(work / "team.yaml", "a") as f:
        f.write("nmt: {layers: 2, dropuot: 0.3}\n")


def bad_yaml(work: Path) -> None:
    text = (work / "team.yaml").read_text().replace("run: my-lang", "run: [my-lang")
    (work / "team.yaml").write_text(text)


BREAKS = {  # what breaks the filled example, and what the one line says
    "missing role file": (lambda w: (w / "data/my/dev.txt").unlink(), r"roles\.dev: data/my/dev\.txt: file not found"),
    "empty seed": (
        lambda w: (w / "data/my/seed.txt").write_text("\n \n"),
        r"roles\.seed: data/my/seed\.txt: empty \(no text\)",
    ),
    "truncated general xz": (
        lambda w: truncate(w / "data/general.es-en.tsv.xz"),
        r"general: data/general\.es-en\.tsv\.xz: truncated or corrupt xz file after line \d+",
    ),
    "truncated role xz": (
        lambda w: truncate(w / "logs/other-product.es.txt.xz"),
        r"roles\.pool: logs/other-product\.es\.txt\.xz: truncated or corrupt xz file",
    ),
    "missing audio": (
        lambda w: (w / "data/my/test.recordings.1.wav").unlink(),
        r"asr\.recordings\.test: data/my/test\.recordings\.tsv:3: audio file .*test\.recordings\.1\.wav "
        "not found",
    ),
    "unknown key": (add_key, r"team\.yaml: nmt: Additional properties are not allowed \('dropuot' was unexpected\)"),
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_bad_input_is_one_line_before_any_job(team, case):
    work, env = team
    breaking, message = BREAKS[case]
    breaking(work)
    before = tree(work)
    check = check_config(work, env)
    assert check.returncode == 2 and len(console(check)) == 1, check.stdout + check.stderr
    assert check.stdout == "" and check.stderr.startswith("lmboot: error: ")
    assert re.search(message, check.stderr), check.stderr
    dry = dry_run(work, env)
    assert dry.returncode == 1 and console(dry) == console(check), dry.stdout + dry.stderr
    assert tree(work) == before  # no data/, results/, .snakemake/: nothing written


def test_yaml_syntax_error_names_file_and_line(team):
    """check-config and Snakemake (which reads --configfile itself, before the Snakefile runs: make setup's
    lmboot_snakemake_hook.pth has lmboot read it first) both say file:line in one line; nothing is written."""
    work, env = team
    bad_yaml(work)
    line = next(n for n, text in enumerate((work / "team.yaml").read_text().splitlines(), 1) if "[my-lang" in text)
    before = tree(work)
    check = check_config(work, env)
    assert check.returncode == 2 and console(check) == [check.stderr.strip()], check.stderr
    assert check.stderr.startswith(f"lmboot: error: team.yaml:{line + 1}: not valid YAML ("), check.stderr
    assert check.stderr.rstrip().endswith(f"while parsing a flow sequence from line {line})")
    dry = dry_run(work, env)
    assert dry.returncode == 1 and console(dry) == console(check), dry.stdout + dry.stderr
    assert tree(work) == before


def test_a_recipes_yaml_syntax_error_is_one_line_under_snakemake_too(team):
    work, env = team
    (work / "recipe.yaml").write_text("nmt:\n  layers: 2\n   heads: 4\n")
    (work / "team.yaml").write_text(
        (work / "team.yaml").read_text().replace("config/recipes/massive.yaml", "recipe.yaml")
    )
    for run in (check_config(work, env), dry_run(work, env)):
        assert run.returncode in (1, 2) and len(console(run)) == 1, run.stdout + run.stderr
        assert "recipe.yaml:3: not valid YAML (" in run.stderr, run.stderr


def test_check_config_prints_a_summary_or_the_json(team):
    work, env = team
    check = check_config(work, env)
    assert check.returncode == 0, check.stderr
    out = check.stdout.splitlines()
    assert out[0] == "team.yaml: ok (fields and 7 files checked)" and "run: my-lang" in out
    assert "roles.seed: data/my/seed.txt (80 lines)" in out and "general: data/general.es-en.tsv.xz (81 lines)" in out
    assert any(
        line.startswith("recognizers: ctc, whisper on dev data/my/dev.recordings.tsv (2 recordings)") for line in out
    ), out
    assert "translators: lmboot's own (transformer, decoded with ctranslate2)" in out
    assert "entities.protect: off" in check.stderr  # the recipe's note, when nothing is wrong
    full = check_config(work, env, "--json")
    assert full.returncode == 0 and json.loads(full.stdout)["entities"]["protect"] is False
    config = yaml.safe_load((work / "team.yaml").read_text())
    config["translators"] = [{"name": "rev", "family": "command", "command": "rev"}]
    (work / "team.yaml").write_text(yaml.safe_dump(config))
    assert (
        "translators: lmboot's own (transformer, decoded with ctranslate2), rev (command)"
        in check_config(work, env).stdout
    )


def test_a_file_is_read_through_once_per_version(team, tmp_path, monkeypatch):
    work, _ = team
    monkeypatch.chdir(work)
    config = preflight.validate(yaml.safe_load((work / "team.yaml").read_text()), source="team.yaml")
    cache = tmp_path / "cache.json"
    first = preflight.check_files(config, preflight.Cache(cache))

    def no_read(*args):
        raise AssertionError("read again")

    monkeypatch.setattr(preflight, "scan", no_read)
    monkeypatch.setattr(preflight, "count_text", no_read)
    assert preflight.check_files(config, preflight.Cache(cache)) == first
    general = work / "data/general.es-en.tsv.xz"
    os.utime(general, ns=(general.stat().st_atime_ns, general.stat().st_mtime_ns + 1))
    with pytest.raises(AssertionError, match="read again"):
        preflight.check_files(config, preflight.Cache(cache))


def test_corpora_files_workflow_made_and_model_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.es").write_text("uno\ndos\n")
    (tmp_path / "a.en").write_text("one\n")
    (tmp_path / "g.tsv.gz").write_bytes(gzip.compress(b"spa\teng\nhola\thello\n"))
    (tmp_path / "g.tsv.xz").write_bytes(lzma.compress(b"spa\teng\nhola\thello\xff\n"))
    cache = preflight.Cache(tmp_path / "cache.json")
    plain = {"format": "plain", "source_path": "a.es", "target_path": "a.en"}
    tsv = {"format": "tsv", "path": "g.tsv.gz", "source_column": "spa", "target_column": "en"}
    cases = [
        (plain, r"in_domain: a\.es has 2 lines but a\.en has 1"),
        (tsv, r"in_domain: g\.tsv\.gz: no column 'en'"),
        ({**tsv, "path": "g.tsv.xz", "target_column": "eng"}, r"in_domain: g\.tsv\.xz:2: invalid UTF-8"),
        ({**tsv, "path": "nope.tsv"}, r"in_domain: nope\.tsv: file not found"),
    ]
    for spec, message in cases:
        with pytest.raises(InputError, match=message):
            preflight.check_corpus(spec, "in_domain", cache)
    downloaded = {"downloads": [{"to": "dl"}], "general": {**tsv, "path": "dl/g.tsv"}}
    assert preflight.check_spec(downloaded, downloaded["general"], "general", cache, preflight.check_corpus) == [
        {"path": "dl/g.tsv", "made_by": "a download"}
    ]
    with pytest.raises(InputError, match=r"asr\.ctc_lexicon: lex\.txt: file not found"):
        preflight.check_models({"asr": {"ctc_lexicon": "lex.txt"}})
    with pytest.raises(InputError, match=r"nmt\.pretrained\.ct2_model: ct2: directory not found"):
        preflight.check_models({"nmt": {"pretrained": {"ct2_model": "ct2", "spm_model": "a.es"}}})


def test_prepare_checks_every_file_before_writing(team):
    """`lmboot prepare` (what the prepare rule runs) checks the files too: a truncated corpus stops it with
    one line before its output folder exists."""
    work, env = team
    truncate(work / "data/general.es-en.tsv.xz")
    run = subprocess.run(
        [str(BIN / "lmboot"), "prepare", "--config", "team.yaml", "--out", "out"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2 and len(console(run)) == 1, run.stderr
    assert "general: data/general.es-en.tsv.xz: truncated or corrupt xz file" in run.stderr
    assert not (work / "out").exists()


def test_an_empty_audio_file_and_a_missing_file_of_any_command_are_one_line(tmp_path, capsys):
    from lmboot.asr.speech import read_recordings
    from lmboot.cli import main

    (tmp_path / "a.wav").write_bytes(b"")
    (tmp_path / "dev.tsv").write_text("audio\ttranscript\na.wav\thello\n")
    with pytest.raises(InputError, match=r"dev\.tsv:2: audio file .*a\.wav is empty"):
        read_recordings(tmp_path / "dev.tsv")
    missing = tmp_path / "nope" / "cut.json"
    candidates = json.dumps([{"dir": str(missing.parent), "scores": str(missing), "mix": None}])
    assert (
        main(
            [
                "choose-cut",
                "--distances",
                str(tmp_path / "d.npz"),
                "--out",
                str(tmp_path / "o"),
                "--report",
                str(tmp_path / "r.json"),
                "--candidates",
                candidates,
                "--by",
                "perplexity",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("lmboot: error: ") and str(missing.parent) in err[0], err


def test_a_language_without_a_spoken_form_is_one_line_naming_the_field(team):
    """normalize.spoken_form with a language num2words cannot speak: check-config stops on languages.<side>
    (a field check: --fields-only too), before any file is read."""
    work, env = team
    text = (work / "team.yaml").read_text()
    (work / "team.yaml").write_text(text + "normalize: {spoken_form: true}\n")
    config = yaml.safe_load((work / "team.yaml").read_text())
    config["languages"]["target"] = "xx"
    (work / "team.yaml").write_text(yaml.safe_dump(config))
    for args in ((), ("--fields-only",)):
        check = check_config(work, env, *args)
        assert check.returncode == 2 and len(console(check)) == 1, check.stdout + check.stderr
        assert (
            "team.yaml: languages.target: normalize.spoken_form: num2words has no converter for language 'xx'"
            in check.stderr
        ), check.stderr
