import os
from pathlib import Path

import pytest
from conftest import write_text

from lmboot import config
from lmboot.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def minimal():
    return {
        "run": "t",
        "languages": {"source": "es", "target": "en"},
        "in_domain": {"format": "jsonl", "path": "d.jsonl", "source_field": "es", "target_field": "en"},
        "general": {"format": "tsv", "path": "g.tsv", "source_column": "spa", "target_column": "eng"},
        "split": {"seed_size": 10},
    }


def test_validate_fills_defaults_without_touching_input():
    raw = minimal()
    cfg = config.validate(raw)
    assert cfg["nmt"]["layers"] == 2 and cfg["nmt"]["arch"] == "transformer"
    assert cfg["lm"] == {
        "order": 3,
        "seed_weight": "em",
        "oracle": True,
        "components": ["nbest", "general"],
        "vocab_min_count": [1, 2, 3],
        "component_max_ngrams": None,
        "nbest_k": [1, 2, 3, 4, 5],
    }
    assert cfg["split"]["min_seed_size"] == 50 and cfg["split"]["random_seed"] == 13
    assert cfg["select"]["keep"] == {"top_fraction": 0.5}
    assert cfg["in_domain"]["split_values"] == {"train": ["train"], "dev": ["valid"], "test": ["test"]}
    assert cfg["general"]["drop_test_overlap"] is True
    assert cfg["lm_filter"]["filters"][0] == {"type": "lm_score", "percentile": "tune"}
    assert "nmt" not in raw


def test_given_values_win_over_defaults():
    raw = minimal()
    raw["nmt"] = {"layers": 4}
    cfg = config.validate(raw)
    assert cfg["nmt"]["layers"] == 4 and cfg["nmt"]["heads"] == 4


def test_unknown_key_names_path():
    raw = minimal()
    raw["nmt"] = {"layerz": 3}
    with pytest.raises(InputError, match=r"nmt.*layerz") as e:
        config.validate(raw)
    assert str(e.value).startswith("config: nmt")


def test_unknown_top_level_key():
    raw = minimal()
    raw["bogus"] = 1
    with pytest.raises(InputError, match="bogus"):
        config.validate(raw)


def test_wrong_type_names_field():
    raw = minimal()
    raw["split"]["seed_size"] = "ten"
    with pytest.raises(InputError, match=r"split\.seed_size"):
        config.validate(raw)


def test_missing_required_corpus_field():
    raw = minimal()
    del raw["in_domain"]["source_field"]
    with pytest.raises(InputError, match=r"in_domain.*source_field"):
        config.validate(raw)


def test_repo_config_validates():
    cfg = config.load(ROOT / "config" / "config.yaml")
    assert cfg["run"] == "demo" and cfg["split"]["seed_size"] == 300
    assert cfg["select"]["keep"] == {"top_fraction": 0.4}
    assert cfg["nmt"]["dropout"] == 0.1


def test_load_missing_file(tmp_path):
    with pytest.raises(InputError, match="nope.yaml.*not found"):
        config.load(tmp_path / "nope.yaml")


def test_load_invalid_yaml(tmp_path):
    path = write_text(tmp_path / "bad.yaml", "run: [unclosed\nsplit: {seed_size: 3\n")
    with pytest.raises(InputError, match="bad.yaml.*not valid YAML"):
        config.load(path)


def test_load_non_mapping(tmp_path):
    path = write_text(tmp_path / "list.yaml", "- a\n- b\n")
    with pytest.raises(InputError, match="mapping"):
        config.load(path)


def test_load_names_file_in_validation_error(tmp_path):
    path = write_text(tmp_path / "c.yaml", "run: t\nlanguages: {source: es, target: en}\n")
    with pytest.raises(InputError, match=f"{path}: "):
        config.load(path)


def test_inline_json_section():
    assert config.load('{"lambda": 0.3}') == {"lambda": 0.3}


def test_pretrained_is_a_fairseq_checkpoint_or_a_ctranslate2_model():
    fairseq = {"checkpoint": "c.pt", "spm_model": "s.model", "dict": "d.txt"}
    ct2 = {"ct2_model": "ct2/", "spm_model": "s.model"}
    # the default of the branch the object fits is filled in (fill_defaults through oneOf)
    assert config.validate(dict(minimal(), nmt={"pretrained": fairseq}))["nmt"]["pretrained"] == {
        **fairseq,
        "corpus": "selected",
    }
    ok = config.validate(
        dict(minimal(), nmt={"pretrained": ct2, "translator": "ctranslate2", "self_training_rounds": 0})
    )
    assert ok["nmt"]["pretrained"] == {**ct2, "corpus": "selected"}
    with pytest.raises(InputError, match=r"nmt.pretrained: .* is not valid .*\(use an existing translator"):
        config.validate(dict(minimal(), nmt={"pretrained": {"checkpoint": "c.pt", "spm_model": "s.model"}}))
    with pytest.raises(InputError, match="nmt.translator: a CTranslate2 model .* needs translator: ctranslate2"):
        config.validate(dict(minimal(), nmt={"pretrained": ct2, "self_training_rounds": 0}))
    with pytest.raises(InputError, match="nmt.self_training_rounds: a CTranslate2 model cannot be fine-tuned"):
        config.validate(dict(minimal(), nmt={"pretrained": ct2, "translator": "ctranslate2"}))


def test_pretrained_general_translator_is_fine_tuned_only_from_fairseq_weights():
    fairseq = {"checkpoint": "c.pt", "spm_model": "s.model", "dict": "d.txt", "corpus": "general"}
    ct2 = {"ct2_model": "ct2/", "spm_model": "s.model", "corpus": "general"}
    ok = config.validate(dict(minimal(), nmt={"pretrained": fairseq}, select={"finetune_general": 100}))
    assert ok["nmt"]["pretrained"]["corpus"] == "general"
    with pytest.raises(InputError, match="select.finetune_general: cannot fine-tune .* replaces the selected one"):
        config.validate(
            dict(minimal(), nmt={"pretrained": dict(fairseq, corpus="selected")}, select={"finetune_general": 100})
        )
    with pytest.raises(InputError, match="select.finetune_general: a CTranslate2 model .* cannot be fine-tuned"):
        config.validate(
            dict(minimal(), nmt={"pretrained": ct2, "translator": "ctranslate2"}, select={"finetune_general": 100})
        )
    # the selected translator trains (and self-trains) on its own when the general one is a CTranslate2 model
    config.validate(dict(minimal(), nmt={"pretrained": ct2, "translator": "ctranslate2", "self_training_rounds": 1}))
    with pytest.raises(InputError, match=r"nmt.pretrained: .* is not valid"):
        config.validate(dict(minimal(), nmt={"pretrained": dict(fairseq, corpus="oracle")}))


def test_a_tuning_block_trains_its_candidates_under_the_budget_it_sets():
    def budget(**tune):
        cfg = config.validate(dict(minimal(), select={"tune": {"candidates": [{"top_k": 5}, {"top_k": 9}], **tune}}))
        return {k: cfg["select"]["tune"][k] for k in ("stop_time_hours", "max_updates")}

    assert budget(max_updates=900) == {"stop_time_hours": None, "max_updates": 900}  # no hidden time cap
    assert budget(stop_time_hours=0.5) == {"stop_time_hours": 0.5, "max_updates": config.TUNE_UPDATES}
    assert budget(stop_time_hours=0.5, max_updates=900) == {"stop_time_hours": 0.5, "max_updates": 900}
    assert budget() == {"stop_time_hours": config.TUNE_HOURS, "max_updates": config.TUNE_UPDATES}
    with pytest.raises(InputError, match="select.tune.max_updates: 0 is less than the minimum of 1"):
        budget(max_updates=0)


def test_a_config_goes_on_top_of_its_recipe(tmp_path):
    """recipe: the shared settings underneath; mappings merge key by key, lists and values are replaced;
    a missing recipe or one that names a recipe itself is one line naming the field."""
    recipe = write_text(
        tmp_path / "recipe.yaml",
        "nmt: {layers: 3, embed_dim: 256, self_training_filters: "
        "[{type: repetition, max_repeats: 2}]}\nlm: {order: 4}\n",
    )
    cfg = config.validate({**minimal(), "recipe": str(recipe), "nmt": {"embed_dim": 64, "self_training_filters": []}})
    assert (cfg["nmt"]["layers"], cfg["nmt"]["embed_dim"], cfg["nmt"]["self_training_filters"]) == (3, 64, [])
    assert cfg["lm"]["order"] == 4 and cfg["lm"]["seed_weight"] == "em"  # the schema's defaults still fill in
    with pytest.raises(InputError, match="c.yaml: recipe: nowhere.yaml: file not found"):
        config.validate({**minimal(), "recipe": "nowhere.yaml"}, source="c.yaml")
    nested = write_text(tmp_path / "nested.yaml", f"recipe: {recipe}\n")
    with pytest.raises(InputError, match="names no recipe itself"):
        config.validate({**minimal(), "recipe": str(nested)})


def test_a_recipes_entity_protection_needs_tags(tmp_path, capsys):
    """A recipe's entities.protect: true is off, with a note, for a config without slot tags or code_switch;
    on with the tags; a config that sets protect: true itself without them is a one-line error."""
    recipe = write_text(tmp_path / "recipe.yaml", "entities: {protect: true, types: [person]}\n")
    cfg = config.validate({**minimal(), "recipe": str(recipe)}, source="c.yaml")
    assert cfg["entities"]["protect"] is False and cfg["entities"]["types"] == ["person"]
    assert "note: c.yaml: entities.protect: off, the recipe's protect: true" in capsys.readouterr().err
    tagged = minimal()
    tagged["in_domain"]["source_tags_field"] = "es_tags"
    assert config.validate({**tagged, "recipe": str(recipe)})["entities"]["protect"] is True
    assert capsys.readouterr().err == ""
    with pytest.raises(InputError, match="c.yaml: entities.protect: needs the source side's slot tags"):
        config.validate({**minimal(), "recipe": str(recipe), "entities": {"protect": True}}, source="c.yaml")


@pytest.mark.parametrize("pair", ["es-en", "de-en", "en-es", "en-de"])
def test_pair_configs_hold_only_what_differs(pair, monkeypatch, tmp_path):
    """Each pair's file is short and names the shared recipe, whose path resolves from any directory."""
    path = ROOT / "config" / f"{pair}.yaml"
    assert len(path.read_text().splitlines()) <= 25
    monkeypatch.chdir(tmp_path)
    cfg = config.load(path)
    assert cfg["recipe"] == "config/recipes/massive.yaml" and cfg["run"] == pair
    assert cfg["nmt"]["vocab_size"] == 8000 and cfg["select"]["finetune_general"] == 800  # from the recipe
    assert cfg["asr"]["enabled"] == pair.endswith("-en")


def test_an_installed_lmboot_checks_a_config_from_another_directory(tmp_path):
    """pip install . (not editable) carries the schema: check-config works outside the checkout, the recipe
    found beside the config file (its fields only: the corpora it names are relative to the checkout)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(root),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    assert (site / "lmboot" / "config.schema.yaml").is_file()
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = (
        "import sys, lmboot; from lmboot.cli import main; print(lmboot.__file__); "
        "sys.argv = ['lmboot', 'check-config', '--fields-only', '--json', sys.argv[1]]; sys.exit(main())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(root / "config" / "es-en.yaml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[0].startswith(str(site))
    printed = run.stdout + run.stderr  # the CLI's JSON report
    assert '"max_updates": 4118' in printed and '"keep_checkpoints": 5' in printed  # the pair and its recipe
