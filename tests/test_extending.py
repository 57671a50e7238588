"""docs/extending.md's five recipes, each done here the way the page says, in a temporary module or config,
and run: a filter, a selection scorer, an LM component, a recognizer and a translator. Beside them, the
checks that keep each registry and the schema's enum of its names in step."""

import json
import sys

import numpy as np
import pytest
import yaml
from conftest import make_lm, write_text
from test_plan import ROOT, bitext

from lmboot.asr.recognize import best_of, wer_of
from lmboot.asr.recognizers import REGISTRY, RecognizerInfo
from lmboot.asr.wer import wer_table
from lmboot.components import BUILT_IN
from lmboot.config import load, validate
from lmboot.plan import Plan, mix_part
from lmboot.schema import SCHEMA
from lmboot.select.scorers import SCORERS, Scorer, build_scorer
from lmboot.translation.lm_filter import FILTERS, Filter, apply_filters, build_filters

SCHEMA_TREE = yaml.safe_load(SCHEMA.read_text())


def test_each_registry_is_the_schemas_enum():
    assert SCHEMA_TREE["definitions"]["filter"]["properties"]["type"]["enum"] == list(FILTERS)
    assert SCHEMA_TREE["properties"]["select"]["properties"]["method"]["enum"] == list(SCORERS)
    assert SCHEMA_TREE["properties"]["asr"]["properties"]["recognizers"]["items"]["enum"] == list(REGISTRY)


# 1. a filter: a class in lmboot/translation/lm_filter.py, its name in FILTERS and in the schema's filter enum


class MinWords(Filter):
    """Drop translations shorter than min_words words."""

    name = "min_words"

    def __init__(self, min_words: int = 2):
        self.min_words = min_words

    def accept(self, src, tgt):
        return len(tgt.split()) >= self.min_words


def test_a_new_filter_is_composed_by_config(monkeypatch):
    monkeypatch.setitem(FILTERS, MinWords.name, MinWords)
    filters = build_filters([{"type": "min_words", "min_words": 2}, {"type": "repetition", "max_repeats": 1}])
    pairs = [("hola", "hello"), ("pon música", "play music"), ("sí sí", "yes yes yes"), ("dime", "tell me")]
    keep, dropped = apply_filters(pairs, filters)
    assert keep.tolist() == [False, True, False, True] and dropped == {"min_words": 1, "repetition": 1}


# 2. a selection scorer: a Scorer in lmboot/select/scorers.py, a maker in SCORERS, its name in the schema


class ShortFirst(Scorer):
    """Shorter general sentences closer (a toy: the score is the word count)."""

    name, label = "short-first", "words"

    def raw(self, general_tgt, start, stop):
        lines = open(general_tgt).read().splitlines()[start:stop]
        return np.array([[len(line.split())] for line in lines], dtype=np.float64)


def test_a_new_scorer_is_looked_up_by_select_method(monkeypatch, tmp_path):
    monkeypatch.setitem(SCORERS, ShortFirst.name, lambda *args: ShortFirst())
    general = write_text(tmp_path / "general.tgt", ["a b c", "a", "a b"])
    scorer = build_scorer("short-first", tmp_path / "seed.tgt", None)
    assert scorer.scores(general).tolist() == [3.0, 1.0, 2.0]


# 3. an LM component: its name, label, kind of text and cut in lmboot/components.py (BUILT_IN); where its
#    text is, in workflow/rules/common.smk (component_text)


def test_a_new_lm_component_gets_its_rows_and_is_built_with_a_cut_on_dev(monkeypatch, tmp_path):
    from lmboot.component_lm import build_component

    monkeypatch.setitem(BUILT_IN, "transcripts", ("earlier transcripts", "held text", True))
    config = load(ROOT / "config/config.yaml")
    config["lm"]["components"] = ["nbest", "transcripts"]
    plan = Plan(validate(config, source="config.yaml"))
    rows = {row["label"]: row for row in plan.ablation_rows(bitext)}
    assert rows["seed + earlier transcripts (baseline)"]["kind"] == "baseline"
    assert (
        rows["configured: seed + top-k translations + earlier transcripts"]["lm"]
        == "models/demo/lm/mix-nbest+transcripts.bin"
    )
    assert "transcripts" in plan.text_components and "transcripts" in mix_part()
    seed = make_lm(tmp_path, ["play some music", "turn on the light"] * 3, "seed")
    text = write_text(tmp_path / "transcripts.txt", ["play the music", "turn off the light", "play music"] * 5)
    dev = write_text(tmp_path / "dev.txt", ["play music", "turn the light on"])
    stats = build_component(text, tmp_path / "transcripts", 3, [1, 2], f"{seed}.arpa", dev)
    assert (tmp_path / "transcripts.bin").exists() and stats["choice"]["choice"] in ("1", "2")


# 4. a recognizer: a class with decode / tune / fields / extra (lmboot/asr/recognize.py), its key, title
#    and tuned setting in lmboot/asr/recognizers.py (REGISTRY) and the schema's enum; its rules in asr.smk


class EchoRecognizer:
    """A toy: at LM weight >= 1 it 'hears' the references, below it the first word only."""

    name = "echo"

    def __init__(self, refs: dict[str, list[str]], weights: list[float]):
        self.refs, self.weights = refs, weights

    def decode(self, part, setting):
        return [ref if setting[0] >= 1 else ref.split()[0] for ref in self.refs[part]]

    def tune(self, measure):
        return best_of([(w,) for w in self.weights], measure)

    def fields(self, setting):
        return {"lm_weight": setting[0]}

    def extra(self, test_hyps, test_refs):
        return {}


def test_a_new_recognizer_is_tuned_on_dev_and_gets_its_wer_column(monkeypatch, tmp_path):
    refs = {"dev": ["play some music", "turn on the light"], "test": ["what time is it", "set an alarm"]}
    result = wer_of(EchoRecognizer(refs, [0.5, 1.0]), "lm.bin", refs["dev"], refs["test"], tmp_path / "echo.json")
    assert result["lm_weight"] == 1.0 and result["test_wer"] == 0
    record = json.loads((tmp_path / "echo.json").read_text())
    assert record["dev_wer"] == {"0.5": pytest.approx(5 / 7), "1.0": 0.0} and record["choice"]["choice"] == "1.0"
    monkeypatch.setitem(REGISTRY, "echo", RecognizerInfo("echo", "Echo", "Echo LM weight"))
    monkeypatch.setattr("lmboot.asr.wer.RECOGNIZERS", {key: info.title for key, info in REGISTRY.items()})
    config = load(ROOT / "config/config.yaml")
    config["asr"]["recognizers"] = ["echo"]
    plan = Plan(config)  # a validated config names only the schema's recognizers: here added to the copy
    rows = plan.wer_rows({"seed-only": ("seed", "seed")})
    assert rows == [{"label": "seed-only", "kind": "seed", "echo": "data/demo/asr/echo/seed.json"}]
    wer_table([{"label": "seed-only", "kind": "seed", "echo": str(tmp_path / "echo.json")}], tmp_path / "wer.json", 100)
    assert "Echo WER % [95 % CI]" in (tmp_path / "wer.md").read_text().splitlines()[0]


# 5. a translator: a config entry (translators:) naming a command, or a family in lmboot/translation/families.py


def test_a_command_translator_is_a_config_entry(tmp_path):
    from lmboot.cli import main

    script = write_text(
        tmp_path / "upper.py", ["import sys", "for line in sys.stdin:", "    print(line.strip().upper(), flush=True)"]
    )
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    config["translators"] = [{"name": "upper", "family": "command", "command": f"{sys.executable} {script}"}]
    spec = validate(config, source="config.yaml")["translators"][0]
    source = write_text(tmp_path / "pool.src", ["pon música", "apaga la luz"])
    out = tmp_path / "pool.nbest.jsonl"
    assert (
        main(
            [
                "translate-with",
                "--translator",
                json.dumps(spec),
                "--languages",
                json.dumps({"source": "es", "target": "en"}),
                "--input",
                str(source),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["hyps"][0]["text"] for r in records] == ["pon música", "apaga la luz"]  # normalized: lowercased
    assert json.loads((tmp_path / "pool.nbest.json").read_text())["lines"] == 2
