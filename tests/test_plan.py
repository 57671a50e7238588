"""The pipeline's plan (lmboot/plan.py): what a config asks the workflow to make, without Snakemake; the
schema's enums against the registries (recognizers, LM components) that the plan and the tables read."""

import json
import re
from pathlib import Path

import pytest
import yaml

from lmboot.asr.recognizers import REGISTRY
from lmboot.components import BUILT_IN
from lmboot.config import load, validate
from lmboot.errors import InputError
from lmboot.plan import UNION, VARIANT_RE, Plan, mix_part, row_files, variant_parts
from lmboot.schema import SCHEMA

ROOT = Path(__file__).resolve().parent.parent


def plan_of(*files: str, **over) -> Plan:
    config = {}
    for name in files:
        config.update(yaml.safe_load((ROOT / name).read_text()))
    config.update(over)
    return Plan(validate(config, source=" + ".join(files)))


def labels(rows: list[dict]) -> list[str]:
    return [row["label"] for row in rows]


def bitext(corpus):
    return {"src": f"bitext/{corpus}.src", "tgt": f"bitext/{corpus}.tgt"}


def test_the_schemas_enums_are_the_registries():
    schema = yaml.safe_load(SCHEMA.read_text())
    asr = schema["properties"]["asr"]["properties"]
    assert asr["recognizers"]["items"]["enum"] == list(REGISTRY)
    assert set(asr["recognizers"]["default"]) <= set(REGISTRY)
    assert set(Plan(load(ROOT / "config/config.yaml")).components) == set(BUILT_IN)


def test_lm_components_outside_the_registry_are_refused():
    with pytest.raises(InputError, match=r"lm\.components\.1: 'bigram' is no LM component \(known: translated, nbest"):
        load_with(lm={"components": ["nbest", "bigram"]})


def load_with(**over):
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    config.update(over)
    return validate(config, source="config.yaml")


# The ablation rows of the default recipe with entity protection (the demo's, the tiny workflow test's).
DEFAULT_ROWS = [
    "seed-only",
    "seed + general text (baseline)",
    "seed + selected text (baseline)",
    "+ raw translation",
    "+ embedding selection",
    "+ self-training",
    "+ n-best rescoring",
    "+ LM filtering",
    "+ entity protection",
    "+ top-k translations (k on dev)",
    "configured: seed + top-k translations + general text",
    "oracle (real pool text)",
    "ideal: seed + real pool text + general text",
]


def test_the_demos_ablation_rows():
    plan = Plan(load(ROOT / "config/config.yaml"))
    rows = plan.ablation_rows(bitext)
    assert labels(rows) == DEFAULT_ROWS
    assert (plan.configured_label(), plan.ideal_label()) == (DEFAULT_ROWS[-3], DEFAULT_ROWS[-1])
    assert [row["kind"] for row in rows] == ["seed", "baseline", "baseline"] + ["method"] * 7 + [
        "configured",
        "oracle",
        "ideal",
    ]
    assert plan.full == "selected.r1.plain.rescored.filtered"  # entity protection: its own row, not configured
    raw = rows[3]
    assert raw["lm"] == "models/demo/lm/mix-general.r0.plain.1best.unfiltered.bin"
    assert raw["translator"] == "models/demo/general/round0/dev_scores.json" and raw["bitext"] == "bitext/general.src"
    assert rows[0] == {
        "label": "seed-only",
        "kind": "seed",
        "lm": "models/demo/lm/seed.bin",
        "arpa": "models/demo/lm/seed.arpa",
    }
    assert all(row["mix"] == row["lm"][: -len(".bin")] + ".json" for row in rows[1:])
    assert "models/demo/lm/seed.arpa" in row_files(rows) and not {"seed-only", "seed"} & set(row_files(rows))


def test_every_lm_a_row_names_is_a_name_the_lm_rules_accept():
    plan = plan_of("config/es-en.yaml")
    for row in plan.ablation_rows(bitext):
        name = Path(row["lm"]).stem
        assert name in ("seed",) or re.fullmatch(f"mix-{mix_part()}(\\+{mix_part()})*", name), name
    assert variant_parts(plan.full) == {
        "corpus": "selected",
        "r": "1",
        "ents": "protected",
        "rescore": "rescored",
        "filter": "filtered",
    }
    assert re.fullmatch(VARIANT_RE, UNION) and re.fullmatch(VARIANT_RE, "x-apertium.r0.plain.rescored.filtered")


def test_a_translator_a_team_brings_gets_its_rows_and_a_baseline_without_it():
    plan = plan_of("config/es-en.yaml")
    rows = plan.ablation_rows(bitext)
    own = "lmboot's translator alone: seed + top-k translations + general text (baseline)"
    assert own in plan.baselines and plan.baselines[own] == "mix-nbest+general"
    assert labels(rows)[-6:] == [
        "+ Apertium",
        "+ union of every translator's n-best",
        "every translator: seed + top-k translations + Apertium translations",
        "configured: seed + top-k translations + Apertium translations + general text",
        "oracle (real pool text)",
        "ideal: seed + real pool text + general text",
    ]
    assert plan.configured == "mix-nbest+x-apertium.r0.plain.rescored.filtered+general"
    apertium = rows[labels(rows).index("+ Apertium")]
    assert apertium["translator"] == "data/es-en/x-apertium/dev_scores.json"
    # each recognizer's result per row, from the registry (es-en: asr enabled, the default recognizers)
    assert apertium["ctc"] == "data/es-en/asr/ctc/mix-x-apertium.r0.plain.rescored.filtered.json"
    assert [k for k in apertium if k in REGISTRY] == ["ctc", "whisper"] and "sphinx" not in apertium


def test_the_wer_tables_lms_and_the_choices_on_dev():
    plan = plan_of("config/es-en.yaml", asr={"enabled": True, "recognizers": ["ctc"]})
    lms = plan.wer_lms()
    assert list(lms) == [
        "seed-only",
        "seed + general text (baseline)",
        "seed + selected text (baseline)",
        "lmboot's translator alone: seed + top-k translations + general text (baseline)",
        "seed + translated",
        plan.configured_label(),
        "seed + oracle",
    ]
    rows = plan.wer_rows(lms)
    assert [row["kind"] for row in rows] == [
        "seed",
        "baseline",
        "baseline",
        "baseline",
        "method",
        "configured",
        "oracle",
    ]
    assert set(rows[0]) == {"label", "kind", "ctc"}
    choices = plan.dev_choices()
    assert choices["CTC LM weight, word score"] == f"data/es-en/asr/ctc/{plan.configured}.json"
    assert "PocketSphinx LM weight" not in choices
    assert (
        choices["apertium rescoring λ, LM filter percentile"]
        == "data/es-en/variants/x-apertium.r0.plain.rescored.filtered.json"
    )


def test_a_team_layout_has_no_oracle_without_the_pools_reference(tmp_path):
    plan = plan_of("config/examples/team.yaml")
    assert not plan.oracle and plan.oracle_row == "+ ideal translation (real pool text)"
    assert "seed + oracle" not in plan.wer_lms()
    assert not any("oracle" in row["lm"] for row in plan.ablation_rows(bitext))
    assert plan.prepare_config()["roles"] == plan.config["roles"]
    assert plan.in_domain_specs() == [
        plan.config["roles"][r] for r in sorted(plan.config["roles"]) if plan.config["roles"][r]
    ]


def test_a_section_holds_only_the_keys_its_command_reads():
    plan = Plan(load(ROOT / "config/config.yaml"))
    asr = json.loads(plan.cli_section("ctc-wer", "asr"))
    assert "ctc_lm_weight" in asr and "sphinx_lw" not in asr
    assert json.loads(plan.cli_section("ctc-wer", "asr", ctc_beam=7))["ctc_beam"] == 7


def test_a_method_row_that_is_the_configured_lm_is_of_kind_configured():
    config = load(ROOT / "config/config.yaml")
    config["lm"]["components"] = ["nbest"]
    rows = Plan(config).ablation_rows(bitext)
    kinds = {row["label"]: row["kind"] for row in rows}
    assert kinds["+ top-k translations (k on dev)"] == "configured"
    assert list(kinds.values()).count("configured") == 1 and not any(k.startswith("configured:") for k in kinds)


def test_the_onnx_ctc_recognizer_needs_its_model():
    with pytest.raises(InputError, match=r"config.yaml: asr.recognizers: onnx_ctc needs asr.onnx_ctc"):
        load_with(asr={"enabled": True, "recognizers": ["ctc", "onnx_ctc"]})
    with pytest.raises(InputError, match=r"asr.onnx_ctc.pieces: units pieces needs the model's sentencepiece"):
        load_with(
            asr={
                "enabled": True,
                "recognizers": ["onnx_ctc"],
                "onnx_ctc": {"model": "m.onnx", "tokens": "tokens.txt", "sample_rate": 16000, "units": "pieces"},
            }
        )
    config = load_with(
        asr={
            "enabled": True,
            "recognizers": ["onnx_ctc"],
            "onnx_ctc": {"model": "m.onnx", "tokens": "vocab.json", "sample_rate": 16000},
        }
    )
    assert config["asr"]["onnx_ctc"]["separator"] == "auto" and config["asr"]["onnx_ctc"]["units"] == "chars"
    plan = Plan(config)
    assert plan.results_of("seed") == {"onnx_ctc": "data/demo/asr/onnx_ctc/seed.json"}
    assert (
        plan.dev_choices()["team's CTC model LM weight, word score"] == f"data/demo/asr/onnx_ctc/{plan.configured}.json"
    )
