"""In-domain data by role (lmboot/data/roles.py, config `roles`) and recordings manifests: what a team holds, no
in-domain parallel text; bad input stops with a one-line error naming the file before anything is written."""

import json
import subprocess

import pytest
from conftest import assistant_sentences, news_sentences, write_text

from lmboot.asr.speech import read_recordings, recordings
from lmboot.config import section_defaults, validate
from lmboot.data.corpus import read_lines
from lmboot.data.prepare import prepare
from lmboot.errors import InputError
from lmboot.preflight import check_files

EN = assistant_sentences(120, seed=3) + news_sentences(80, seed=5)


def role_files(tmp_path, pool_reference=True):
    """Plain files per role: seed, dev, test in English (one seed line repeats a test line), a Spanish pool."""
    seed = EN[:80] + [EN[150]]
    files = {
        "seed": write_text(tmp_path / "seed.txt", [s.capitalize() + "." for s in seed]),
        "pool": write_text(tmp_path / "pool.txt", [f"por favor {s}" for s in EN[80:120]]),
        "dev": write_text(tmp_path / "dev.txt", EN[120:150]),
        "test": write_text(tmp_path / "test.txt", EN[150:180]),
    }
    if pool_reference:
        files["pool_reference"] = write_text(tmp_path / "pool.ref", EN[80:120])
    write_text(tmp_path / "gen.tsv", ["spa\teng"] + [f"es {i}\t{s}" for i, s in enumerate(news_sentences(60))])
    return files


def roles_config(tmp_path, files, **over):
    return validate(
        {
            "run": "r",
            "languages": {"source": "es", "target": "en"},
            "roles": {role: {"path": str(path)} for role, path in files.items()},
            "general": {
                "format": "tsv",
                "path": str(tmp_path / "gen.tsv"),
                "source_column": "spa",
                "target_column": "eng",
            },
            "split": {"seed_size": 60, "min_seed_size": 10},
            "tuning": {"pool_sample": 15},
            **over,
        }
    )


def test_prepare_from_role_files_without_parallel_text(tmp_path):
    files = role_files(tmp_path)
    out = tmp_path / "out"
    stats = prepare(roles_config(tmp_path, files), out)
    assert stats["sizes"] == {"seed": 60, "pool": 40, "dev": 30, "test": 30}
    assert stats["overlap_removed"]["seed_in_test"] == 1 and stats["test_in_seed"] == 0
    assert stats["tuning"]["criterion"] == "dev_ppl"
    seed, pool, dev_src = (read_lines(out / n) for n in ("seed.tgt", "pool.src", "dev.src"))
    assert set(seed) <= set(EN[:80]) and EN[150] not in seed  # normalized; the test line left the seed
    # what the choices translate is a sample of the pool, not a dev source side (there is none)
    assert len(dev_src) == 15 and set(dev_src) <= set(pool)
    assert read_lines(out / "dev.tgt") == EN[120:150] and read_lines(out / "pool.oracle.tgt") == EN[80:120]


def test_without_a_pool_reference_the_oracle_is_empty(tmp_path):
    out = tmp_path / "out"
    prepare(roles_config(tmp_path, role_files(tmp_path, pool_reference=False)), out)
    assert read_lines(out / "pool.oracle.tgt") == []


def test_in_domain_under_dev_ppl_never_writes_the_dev_source_side(tmp_path):
    """A parallel corpus with tuning.criterion dev_ppl: the dev rows' source side is withheld; the choices
    translate a pool sample."""
    rows = [
        {"es": f"es {i} {s}", "en": s, "part": "train" if i < 150 else "valid" if i < 175 else "test"}
        for i, s in enumerate(EN)
    ]
    write_text(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    role_files(tmp_path)
    config = validate(
        {
            "run": "m",
            "languages": {"source": "es", "target": "en"},
            "in_domain": {
                "format": "jsonl",
                "path": str(tmp_path / "in.jsonl"),
                "source_field": "es",
                "target_field": "en",
                "split_field": "part",
            },
            "general": {
                "format": "tsv",
                "path": str(tmp_path / "gen.tsv"),
                "source_column": "spa",
                "target_column": "eng",
            },
            "split": {"seed_size": 50, "min_seed_size": 10},
            "tuning": {"criterion": "dev_ppl", "pool_sample": 20},
        }
    )
    out = tmp_path / "out"
    prepare(config, out)
    dev_sources = {f"es {i} {s}" for i, s in enumerate(EN) if 150 <= i < 175}
    dev_src = read_lines(out / "dev.src")
    assert len(dev_src) == 20 and set(dev_src) <= set(read_lines(out / "pool.src")) and not set(dev_src) & dev_sources


@pytest.mark.parametrize(
    "breaking, message",
    [
        (lambda files: files["dev"].unlink(), "roles.dev: .*dev.txt: file not found"),
        (lambda files: files["pool"].write_text("\n\n"), "roles.pool: .*pool.txt: empty"),
        (
            lambda files: files["pool_reference"].write_text("one\ntwo\n"),
            "roles.pool_reference: .* has 2 lines but roles.pool",
        ),
    ],
)
def test_bad_role_files_stop_before_anything_is_written(tmp_path, breaking, message):
    files = role_files(tmp_path)
    config = roles_config(tmp_path, files)
    breaking(files)
    with pytest.raises(InputError, match=message):
        prepare(config, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    if "pool_reference" not in message:
        with pytest.raises(InputError, match=message):
            check_files(config)


def test_exactly_one_of_in_domain_and_roles(tmp_path):
    config = {
        "run": "x",
        "languages": {"source": "es", "target": "en"},
        "split": {"seed_size": 5},
        "general": {"format": "tsv", "path": "g.tsv", "source_column": "a", "target_column": "b"},
    }
    with pytest.raises(InputError, match="in_domain / roles: give exactly one"):
        validate(config)
    with pytest.raises(InputError, match="tuning.criterion: chrf needs a parallel dev"):
        roles_config(tmp_path, role_files(tmp_path), tuning={"criterion": "chrf"})


def speak(text: str, path, rate: int = 22050):
    """Real speech in another rate and format than the recognizers take (espeak-ng, then sox)."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", str(rate), str(path)], check=True, capture_output=True)
    raw.unlink()
    return path


def test_recordings_are_converted_and_their_transcripts_put_in_spoken_form(tmp_path):
    speak("set a timer for five minutes", tmp_path / "a.flac", 22050)
    speak("call mom", tmp_path / "b.wav", 8000)
    manifest = write_text(
        tmp_path / "dev.tsv", ["audio\ttranscript", "a.flac\tSet a timer for 5 minutes.", "b.wav\tcall mom"]
    )
    from lmboot.data.prepare import normalizer

    stats = recordings(
        manifest, tmp_path / "out", normalizer(section_defaults("normalize", {"spoken_form": True}), "en")
    )
    rows = [line.split("\t") for line in read_lines(tmp_path / "out/manifest.tsv")]
    assert stats["utterances"] == 2 and [r[3] for r in rows] == ["set a timer for five minutes", "call mom"]
    for r in rows:
        info = subprocess.run(["sox", "--i", str(tmp_path / "out" / r[2])], capture_output=True, text=True).stdout
        assert "16000" in info and "Channels       : 1" in info


@pytest.mark.parametrize(
    "rows, message",
    [
        (["a.wav\thello", "missing.wav\thi"], r"dev.tsv:3: audio file .*missing.wav not found"),
        (["a.wav\t "], r"dev.tsv:2: no transcript for a.wav"),
        (["a.wav"], r"dev.tsv:2: 1 columns, the header has 2"),
        (["a.wav\thello", "junk.wav\thi"], r"dev.tsv:3: sox cannot read audio file .*junk.wav"),
    ],
)
def test_bad_manifest_rows_stop_with_nothing_written(tmp_path, rows, message):
    speak("hello", tmp_path / "a.wav", 16000)
    write_text(tmp_path / "junk.wav", "not audio at all")
    manifest = write_text(tmp_path / "dev.tsv", ["audio\ttranscript", *rows])
    with pytest.raises(InputError, match=message):
        recordings(manifest, tmp_path / "out", str)
    assert not (tmp_path / "out").exists()
    if "sox" not in message:
        with pytest.raises(InputError, match=message):
            read_recordings(manifest)


def test_prepare_reads_the_rules_slice_of_the_config(tmp_path):
    """What the prepare rule passes (common.smk prepare_config): no languages when spoken_form is off."""
    files = role_files(tmp_path)
    full = roles_config(tmp_path, files, normalize={"spoken_form": False})
    sliced = {k: full[k] for k in ("roles", "general", "normalize", "split")}
    sliced["tuning"] = {"criterion": "dev_ppl", "pool_sample": 15}
    stats = prepare(sliced, tmp_path / "out")
    assert stats["sizes"]["seed"] == 60 and stats["tuning"]["criterion"] == "dev_ppl"
