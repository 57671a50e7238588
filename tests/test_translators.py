"""Translators a team brings: a line-in/line-out command (its output checked line by line), the n-best records
they write, the union of several translators' n-best lists, and their config checks."""

import json
import shutil
import subprocess

import pytest
from conftest import write_text

from lmboot.cli import main
from lmboot.config import validate
from lmboot.errors import InputError
from lmboot.translation.rescore import best_hypothesis, nmt_score
from lmboot.translation.translators import translate_with, union_nbest

SOURCES = ["pon una alarma", "apaga las luces", "qué tiempo hace", "llama a mamá", "sube el volumen"]
LANGS = {"source": "es", "target": "en"}
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def command(cmd, batch_lines=1000):
    return {"name": "mycmd", "family": "command", "command": cmd, "batch_lines": batch_lines}


@pytest.fixture
def source(tmp_path):
    return write_text(tmp_path / "pool.src", SOURCES)


def records(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_command_translates_each_line_in_batches(tmp_path, source):
    out = tmp_path / "pool.nbest.jsonl"
    stats = translate_with(command("tr a-z A-Z", batch_lines=2), LANGS, source, out, {"nbest": 5})
    got = records(out)
    assert [r["hyps"][0]["text"] for r in got] == [s.translate(ASCII_UPPER) for s in SOURCES]  # tr: bytes
    assert [r["src"] for r in got] == SOURCES and [r["id"] for r in got] == list(range(5))
    assert all(r["score_scale"] == "none" and len(r["hyps"]) == 1 and r["translator"] == "mycmd" for r in got)
    assert stats["lines"] == 5 and stats["empty"] == 0
    assert json.loads(out.with_suffix(".json").read_text())["family"] == "command"
    assert nmt_score(got[0]["hyps"][0], "none") == 0.0


def test_translations_are_normalized_as_the_new_language(tmp_path, source):
    out = tmp_path / "pool.nbest.jsonl"
    norm = {"lowercase": True, "strip_punctuation": True, "spoken_form": True}
    translate_with(command("sed 's/^p/P/; s/$/, 2 veces./'"), LANGS, source, out, {"nbest": 5}, norm=norm)
    assert records(out)[0]["hyps"][0]["text"] == "pon una alarma two veces"  # spoken form in the new language
    translate_with(command("sed 's/^p/P/; s/$/./'"), LANGS, source, out, {"nbest": 5})
    assert records(out)[0]["hyps"][0]["text"] == "Pon una alarma."  # no normalize section: as printed


def test_command_empty_outputs_are_reported(tmp_path, source):
    out = tmp_path / "pool.nbest.jsonl"
    stats = translate_with(command("sed 's/.*luces.*//'"), LANGS, source, out, {"nbest": 5})
    assert stats["empty"] == 1 and stats["first_empty_lines"] == [2]
    assert records(out)[1]["hyps"][0]["text"] == ""


@pytest.mark.parametrize(
    "cmd, batch, message",
    [
        ("sed '3d'", 1000, r"translators\.mycmd: input line 3 \('qué tiempo hace'\): the batch's output"),
        ("sed 'N;s/\\n/ /'", 1000, r"translators\.mycmd: input line 1 \('pon una alarma'\): the batch's output"),
        ("cat >/dev/null", 1000, r"translators\.mycmd: input line 1 .*printed 0 lines for it, not one"),
        ("grep -v volumen", 2, r"translators\.mycmd: input line 5 \('sube el volumen'\): .*exited with status 1"),
        ("cat; exit 3", 1000, r"translators\.mycmd: input line 1 .*exited with status 3"),
        (
            "no-such-translator-here",
            1000,
            r"translators\.mycmd\.command: 'no-such-translator-here' is not found on PATH",
        ),
        ("sh -c 'exit 127'", 1000, r"translators\.mycmd: `sh -c 'exit 127'`: command not found"),
    ],
)
def test_bad_command_output_is_one_line_naming_the_first_bad_line(tmp_path, source, cmd, batch, message):
    out = tmp_path / "pool.nbest.jsonl"
    with pytest.raises(InputError, match=message) as e:
        translate_with(command(cmd, batch), LANGS, source, out, {"nbest": 5})
    assert "\n" not in str(e.value)
    assert not out.exists() and not out.with_suffix(".json").exists()


def test_command_error_through_the_cli_is_one_line(tmp_path, source, capsys):
    out = tmp_path / "out.jsonl"
    spec = json.dumps(command("sed '2d'"))
    assert (
        main(
            [
                "translate-with",
                "--translator",
                spec,
                "--languages",
                json.dumps(LANGS),
                "--input",
                str(source),
                "--out",
                str(out),
            ]
        )
        != 0
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "translators.mycmd: input line 2" in err
    assert not out.exists()


@pytest.mark.skipif(
    not shutil.which("apertium"), reason="apertium is not installed (make setup installs apertium-eng-spa)"
)
def test_apertium_one_utterance_per_line(tmp_path):
    src = write_text(tmp_path / "pool.src", ["pon una alarma para las siete", "qué hora es", "enciende las luces"])
    out = tmp_path / "pool.nbest.jsonl"
    spec = {"name": "apertium", "family": "command", "command": "apertium -u -f line spa-eng", "batch_lines": 1000}
    translate_with(spec, LANGS, src, out, {"nbest": 5})
    texts = [r["hyps"][0]["text"].lower() for r in records(out)]
    assert len(texts) == 3 and "alarm" in texts[0] and "hour" in texts[1] and "lights" in texts[2]


def nbest_file(path, lists, scale):
    with open(path, "w", encoding="utf-8") as f:
        for i, hyps in enumerate(lists):
            f.write(
                json.dumps(
                    {
                        "id": i,
                        "src": f"s{i}",
                        "score_scale": scale,
                        "hyps": [{"text": t, "score": s, "tokens": 3} for t, s in hyps],
                    }
                )
                + "\n"
            )
    return path


def test_union_normalizes_each_system_and_merges_texts(tmp_path):
    own = nbest_file(tmp_path / "own.jsonl", [[("a b", -1.0), ("a c", -3.0)], [("x", -2.0)]], "log2_per_token")
    cmd = nbest_file(tmp_path / "cmd.jsonl", [[("a c", 0.0)], [("y", 0.0)]], "none")
    out = tmp_path / "union.jsonl"
    assert union_nbest({"own": own, "cmd": cmd}, out) == {"records": 2, "hypotheses": 4, "translators": ["own", "cmd"]}
    first, second = records(out)
    texts = {h["text"]: h for h in first["hyps"]}
    # own's best reads 0, its second -2 bits = -2 ln 2; "a c" is also the command's only one (0): it keeps 0
    assert texts["a b"]["score"] == pytest.approx(0.0) and texts["a c"]["score"] == pytest.approx(0.0)
    assert texts["a c"]["systems"] == ["cmd", "own"] and texts["a b"]["systems"] == ["own"]
    assert first["score_scale"] == "ln_per_token"
    assert [h["text"] for h in second["hyps"]] == ["x", "y"]  # ties keep the inputs' order
    assert best_hypothesis(second, None, 0)["text"] == "x"


def test_union_refuses_lists_of_other_lengths(tmp_path):
    own = nbest_file(tmp_path / "own.jsonl", [[("a", -1.0)], [("b", -1.0)]], "ln_per_token")
    cmd = nbest_file(tmp_path / "cmd.jsonl", [[("a", 0.0)]], "none")
    with pytest.raises(InputError, match="differ in length"):
        union_nbest({"own": own, "cmd": cmd}, tmp_path / "u.jsonl")
    assert not (tmp_path / "u.jsonl").exists()


BASE = {
    "run": "t",
    "languages": LANGS,
    "general": {"format": "tsv", "path": "g.tsv", "source_column": "s", "target_column": "t"},
    "split": {"seed_size": 10},
    "in_domain": {"format": "tsv", "path": "d.tsv", "source_column": "s", "target_column": "t"},
}


def test_config_translators_and_components():
    config = validate(
        {
            **BASE,
            "translators": [{"name": "apertium", "family": "command", "command": "apertium"}],
            "lm": {"components": ["nbest", "apertium", "union", "general"]},
        }
    )
    assert config["translators"][0]["batch_lines"] == 1000 and config["translators"][0]["label"] is None
    with pytest.raises(InputError, match=r"lm\.components\.1: 'apertium' is no LM component"):
        validate({**BASE, "lm": {"components": ["nbest", "apertium"]}})
    with pytest.raises(InputError, match=r"translators\.0\.name: 'general' is a built-in"):
        validate({**BASE, "translators": [{"name": "general", "family": "command", "command": "x"}]})
    with pytest.raises(InputError, match=r"translators\.1\.name: 'a' is given twice"):
        validate(
            {
                **BASE,
                "translators": [
                    {"name": "a", "family": "command", "command": "x"},
                    {"name": "a", "family": "command", "command": "y"},
                ],
            }
        )
    with pytest.raises(InputError, match="translators.0"):
        validate({**BASE, "translators": [{"name": "m", "family": "nllb"}]})  # a model family needs its path
    with pytest.raises(InputError, match="translators.0"):
        validate({**BASE, "translators": [{"name": "c", "family": "command"}]})  # a command needs its line


def test_translate_with_cli_writes_records(tmp_path, source):
    out = tmp_path / "out.jsonl"
    run = subprocess.run(
        [
            "lmboot",
            "translate-with",
            "--translator",
            json.dumps(command("rev")),
            "--languages",
            json.dumps(LANGS),
            "--input",
            str(source),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert [r["hyps"][0]["text"] for r in records(out)] == [s[::-1] for s in SOURCES]


def test_translators_are_checked_before_the_workflow_runs(tmp_path):
    """Snakefile's check_files: a model directory without its tokenizer file, a language without a code in the
    family's map and a command that is not installed stop with one line naming the translator."""
    from lmboot.preflight import check_files

    model = tmp_path / "opus"
    model.mkdir()
    (model / "model.bin").write_bytes(b"")
    (model / "source.spm").write_bytes(b"")
    cases = [
        (
            {"name": "opus", "family": "marian", "path": str(model)},
            LANGS,
            r"translators\.opus\.path: .*target\.spm: file not found",
        ),
        (
            {"name": "nllb", "family": "nllb", "path": str(model)},
            LANGS,
            r"translators\.nllb\.path: .*sentencepiece\.bpe\.model: file not found",
        ),
        ({"name": "opus", "family": "marian", "path": str(model)}, {"source": "es", "target": "xx"}, None),
        (
            {"name": "cmd", "family": "command", "command": "no-such-mt-client --to en"},
            LANGS,
            r"translators\.cmd\.command: 'no-such-mt-client' is not found on PATH",
        ),
    ]
    (model / "target.spm").write_bytes(b"")  # the marian files are there for the language case
    cases[0] = (
        {"name": "opus", "family": "marian", "path": str(tmp_path / "missing")},
        LANGS,
        r"translators\.opus\.path: .*missing: directory not found",
    )
    for spec, languages, message in cases:
        with pytest.raises(InputError, match=message or r"translators\.opus: no marian code for language 'xx'") as e:
            check_files({"translators": [spec], "languages": languages})
        assert "\n" not in str(e.value)
