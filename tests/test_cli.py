import json
import subprocess
import sys
from pathlib import Path

from conftest import assistant_sentences, news_sentences, write_text

LMBOOT = Path(sys.executable).parent / "lmboot"
EN = assistant_sentences(100, seed=11)


def run(*args, cwd):
    return subprocess.run([str(LMBOOT), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lmboot: error: "), result.stderr
    for fragment in fragments:
        assert str(fragment) in lines[0], (fragment, lines[0])
    return lines[0]


def corpus_files(tmp_path):
    """Plain in-domain pair files and a general TSV; returns the config dict and the input paths."""
    src = write_text(tmp_path / "in.es", [f"es {s}" for s in EN])
    tgt = write_text(tmp_path / "in.en", EN)
    gen = write_text(tmp_path / "gen.tsv", ["spa\teng"] + [f"es {s}\t{s}" for s in news_sentences(40)])
    config = {
        "run": "t",
        "languages": {"source": "es", "target": "en"},
        "in_domain": {"format": "plain", "source_path": str(src), "target_path": str(tgt)},
        "general": {"format": "tsv", "path": str(gen), "source_column": "spa", "target_column": "eng"},
        "split": {"seed_size": 40, "dev_size": 10, "test_size": 10, "min_seed_size": 20},
    }
    return config, [src, tgt, gen]


def write_config(tmp_path, config):
    return write_text(tmp_path / "config.yaml", json.dumps(config))


def snapshot(paths):
    return {p: p.read_bytes() for p in paths}


def test_prepare_ok(tmp_path):
    config, inputs = corpus_files(tmp_path)
    result = run("prepare", "--config", write_config(tmp_path, config), "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr.splitlines()[-1])["result"]["sizes"] == {
        "seed": 40,
        "pool": 40,
        "dev": 10,
        "test": 10,
    }
    assert len((tmp_path / "out" / "seed.tgt").read_text().splitlines()) == 40


def test_check_config_unknown_key(tmp_path):
    config, inputs = corpus_files(tmp_path)
    config["nmt"] = {"layers": 2, "dropuot": 0.3}
    path = write_config(tmp_path, config)
    before = snapshot(inputs + [path])
    assert_one_line_error(run("check-config", path, cwd=tmp_path), path, "nmt", "dropuot")
    assert snapshot(inputs + [path]) == before


def test_check_config_wrong_type(tmp_path):
    config, _ = corpus_files(tmp_path)
    config["split"]["seed_size"] = "ten"
    assert_one_line_error(run("check-config", write_config(tmp_path, config), cwd=tmp_path), "split.seed_size")


def test_prepare_missing_in_domain_file(tmp_path):
    config, _ = corpus_files(tmp_path)
    config["in_domain"]["target_path"] = str(tmp_path / "missing.en")
    result = run("prepare", "--config", write_config(tmp_path, config), "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(result, tmp_path / "missing.en", "not found")
    assert not (tmp_path / "out").exists()


def test_prepare_line_count_mismatch(tmp_path):
    config, inputs = corpus_files(tmp_path)
    write_text(inputs[1], EN[:-3])
    before = snapshot(inputs)
    result = run("prepare", "--config", write_config(tmp_path, config), "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(result, inputs[0], inputs[1], "100", "97")
    assert snapshot(inputs) == before and not (tmp_path / "out").exists()


def test_prepare_invalid_utf8(tmp_path):
    config, inputs = corpus_files(tmp_path)
    gen = inputs[2]
    gen.write_bytes(gen.read_bytes() + b"es mal\tbad \xe9 byte\n")
    before = snapshot(inputs)
    result = run("prepare", "--config", write_config(tmp_path, config), "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(result, f"{gen}:42", "UTF-8")
    assert snapshot(inputs) == before


def test_prepare_seed_too_small(tmp_path):
    config, inputs = corpus_files(tmp_path)
    config["split"].update(seed_size=10, min_seed_size=30)
    before = snapshot(inputs)
    result = run("prepare", "--config", write_config(tmp_path, config), "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(result, "split.seed_size", "min_seed_size=30")
    assert snapshot(inputs) == before


def test_missing_section_file(tmp_path):
    src = write_text(tmp_path / "a.src", ["a"])
    result = run(
        "lm-filter",
        "--src",
        src,
        "--tgt",
        src,
        "--seed-lm",
        "x.bin",
        "--out",
        tmp_path / "o.txt",
        "--lm-filter",
        tmp_path / "nope.yaml",
        cwd=tmp_path,
    )
    assert_one_line_error(result, tmp_path / "nope.yaml")


def test_main_in_process(tmp_path, capsys):
    from lmboot.cli import main

    config, _ = corpus_files(tmp_path)
    config["bogus"] = 1
    assert main(["check-config", str(write_config(tmp_path, config))]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("lmboot: error: ") and "bogus" in err[0]


def test_inline_sections_get_the_schema_defaults():
    from lmboot.cli import section

    asr = section("asr")('{"alpha": [0, 2]}')
    assert asr["alpha"] == [0, 2] and asr["sphinx_lw"] == [2, 3, 4.5, 6.5, 10] and asr["voices"][0] == "flite:slt"


def test_an_omitted_section_is_the_schema_defaults_and_a_bad_one_names_its_field(tmp_path):
    """Defaults live only in the schema: a stage run without its section option gets them all; an inline
    section is validated like a config file."""
    from lmboot.cli import build_parser
    from lmboot.config import section_defaults

    args = build_parser().parse_args(["rescore", "--nbest", "n", "--seed-lm", "s", "--out", "o", "--criterion", "chrf"])
    assert args.rescore == section_defaults("rescore") and args.rescore["grid"] == [0, 0.1, 0.25, 0.5, 1, 2]
    args = build_parser().parse_args(["lm-filter", "--src", "s", "--tgt", "t", "--seed-lm", "l", "--out", "o"])
    assert [f["type"] for f in args.lm_filter["filters"]] == ["lm_score", "length_ratio", "repetition"]
    src = write_text(tmp_path / "a.src", ["a"])
    result = run(
        "rescore",
        "--nbest",
        src,
        "--seed-lm",
        "x.bin",
        "--out",
        tmp_path / "o.txt",
        "--criterion",
        "chrf",
        "--rescore",
        '{"grid": "wide"}',
        cwd=tmp_path,
    )
    assert_one_line_error(result, "rescore.grid", "'wide'")


def test_mix_names_each_component_once(tmp_path, tiny_lm):
    """lmboot mix takes NAME=ARPA pairs, the seed first; a name given twice or a bad pair is one clear line,
    and nothing is written."""
    dev = write_text(tmp_path / "dev.txt", EN[:10])
    twice = run(
        "mix",
        "--lm",
        f"seed={tiny_lm}.arpa",
        f"seed={tiny_lm}.arpa",
        "--dev",
        dev,
        "--out-prefix",
        tmp_path / "m",
        cwd=tmp_path,
    )
    assert_one_line_error(twice, "mix --lm", "given twice")
    bad = run("mix", "--lm", f"{tiny_lm}.arpa", "--dev", dev, "--out-prefix", tmp_path / "m", cwd=tmp_path)
    assert bad.returncode == 2 and "NAME=PATH" in bad.stderr
    assert not list(tmp_path.glob("m.*"))
    ok = run(
        "mix",
        "--lm",
        f"seed={tiny_lm}.arpa",
        f"other={tiny_lm}.arpa",
        "--dev",
        dev,
        "--out-prefix",
        tmp_path / "m",
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    assert list(json.loads((tmp_path / "m.json").read_text())["weights"]) == ["seed", "other"]


def test_help_describes_lmboot_in_whole_sentences():
    """`lmboot --help` gives the module docstring's first paragraph whole, not its first line."""
    from lmboot.cli import build_parser

    described = " ".join(build_parser().description.split())
    assert described.endswith("speech.py).") and "declared with its arguments beside it" in described
