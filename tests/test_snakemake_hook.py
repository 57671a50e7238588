"""lmboot/snakemake_hook.py: Snakemake's config loader, wrapped, stops on a config file that is not valid YAML
with lmboot's one line and passes every other file (and every schema) to the loader it wraps."""

from __future__ import annotations

import types

import pytest

from lmboot.snakemake_hook import wrap


def loader_module():
    calls = []

    def _load_configfile(configpath_or_obj, filetype="Config"):
        calls.append((str(configpath_or_obj), filetype))
        return {"loaded": True}

    return types.SimpleNamespace(_load_configfile=_load_configfile), calls


def test_a_file_that_is_not_yaml_stops_with_one_line(tmp_path, capsys):
    module, calls = loader_module()
    wrap(module)
    wrap(module)  # once only
    bad = tmp_path / "bad.yaml"
    bad.write_text("run: x\nlanguages: {source: es\n")
    with pytest.raises(SystemExit) as stop:
        module._load_configfile(str(bad))
    assert stop.value.code == 1 and calls == []
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"lmboot: error: {bad}:3: not valid YAML (")


def test_other_files_go_to_snakemakes_loader(tmp_path):
    module, calls = loader_module()
    wrap(module)
    good = tmp_path / "good.yaml"
    good.write_text("run: x\n")
    schema = tmp_path / "schema.yaml"
    schema.write_text("{not: [yaml\n")
    assert module._load_configfile(str(good)) == {"loaded": True}
    assert module._load_configfile(str(schema), "Schema") == {"loaded": True}  # not a config: not read here
    assert module._load_configfile(str(tmp_path / "absent.yaml")) == {"loaded": True}  # Snakemake says not found
    assert [c[1] for c in calls] == ["Config", "Schema", "Config"]
