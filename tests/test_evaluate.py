import json

import kenlm
import pytest
from conftest import assistant_sentences, make_lm, news_sentences, write_text

from lmboot.errors import InputError
from lmboot.lm.kenlm import common_vocabulary, perplexity
from lmboot.report.evaluate import evaluate

TEST = ["play hello by adele", "set an alarm for noon in zanzibar", "turn on the flux capacitor"]


def test_perplexity_by_hand(tiny_lm):
    model = kenlm.Model(f"{tiny_lm}.bin")
    scores = [s for sent in TEST for s in model.full_scores(sent)]
    total, tokens = sum(p for p, _, _ in scores), len(scores)
    iv = [p for p, _, oov in scores if not oov]
    result = perplexity(f"{tiny_lm}.bin", TEST)
    assert tokens == 4 + 7 + 5 + 3
    assert result["ppl"] == pytest.approx(10 ** (-total / tokens), rel=1e-9)
    assert result["ppl_in_vocab"] == pytest.approx(10 ** (-sum(iv) / len(iv)), rel=1e-9)
    assert result["ppl_in_vocab"] < result["ppl"]
    assert result["words"] == 16 and result["sentences"] == 3
    assert result["oov_rate"] == pytest.approx(3 / 16)  # zanzibar, flux, capacitor


def test_perplexity_in_domain_lower(tiny_lm):
    assert (
        perplexity(f"{tiny_lm}.bin", assistant_sentences(20, seed=7))["ppl"]
        < perplexity(f"{tiny_lm}.bin", news_sentences(20, seed=7))["ppl"]
    )


def test_evaluate_writes_metrics(tmp_path, tiny_lm):
    other = make_lm(tmp_path, news_sentences(60), "news")
    test = write_text(tmp_path / "test.tgt", TEST + [""])
    stage = write_text(tmp_path / "sel.json", json.dumps({"kept": 3}))
    metrics = evaluate(
        {"seed": f"{tiny_lm}.bin", "news": f"{other}.bin"},
        test,
        tmp_path / "r" / "metrics.json",
        {"select": json.loads(stage.read_text())},
    )
    saved = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert saved == metrics and list(saved["lms"]) == ["seed", "news"]
    assert saved["stages"] == {"select": {"kept": 3}}
    seed, news = saved["lms"]["seed"], saved["lms"]["news"]
    assert seed["ppl_change_vs_seed"] == 0 and seed["sentences"] == 3
    assert seed == {**perplexity(f"{tiny_lm}.bin", TEST), "ppl_change_vs_seed": 0}
    assert news["ppl_change_vs_seed"] == pytest.approx((news["ppl"] - seed["ppl"]) / seed["ppl"])
    assert news["ppl_change_vs_seed"] > 0
    table = (tmp_path / "r" / "metrics.md").read_text().splitlines()
    assert len(table) == 4 and table[0].startswith("| LM |")
    assert table[2].startswith("| seed | ") and table[2].endswith("| +0.0 % |")
    assert table[3].startswith("| news | ") and f"{news['ppl']:.1f}" in table[3]


def test_evaluate_without_seed(tmp_path, tiny_lm):
    test = write_text(tmp_path / "test.tgt", TEST)
    metrics = evaluate({"mix": f"{tiny_lm}.bin"}, test, tmp_path / "m.json")
    assert metrics["lms"]["mix"]["ppl_change_vs_seed"] is None
    assert (tmp_path / "m.md").read_text().splitlines()[2].endswith("|  |")


def test_ablation_table_reads_each_rows_figures(tmp_path):
    from lmboot.report.evaluate import ablation

    seed = make_lm(tmp_path, assistant_sentences(60, seed=1), "seed")
    other = make_lm(tmp_path, news_sentences(60, seed=2), "news")
    test = write_text(tmp_path / "test.txt", assistant_sentences(20, seed=5))
    scores = write_text(tmp_path / "dev_scores.json", json.dumps({"bleu": 12.5, "chrf": 40.25}))
    mix = write_text(tmp_path / "mix.json", json.dumps({"weights": {"seed": 0.75, "translated": 0.25}}))
    kept = write_text(tmp_path / "filter.json", json.dumps({"kept": 7}))
    bitext = write_text(tmp_path / "bitext.src", ["a", "b", "c"])
    rows = [
        {"label": "seed-only", "lm": f"{seed}.bin"},
        {
            "label": "news",
            "lm": f"{other}.bin",
            "translator": str(scores),
            "mix": str(mix),
            "filter": str(kept),
            "bitext": str(bitext),
        },
    ]
    ablation(rows, test, tmp_path / "ablation.json")
    table = json.loads((tmp_path / "ablation.json").read_text())["rows"]
    assert table[0]["ppl_change_vs_first"] == 0 and table[1]["ppl"] > table[0]["ppl"]
    assert (table[1]["dev_bleu"], table[1]["dev_chrf"], table[1]["seed_weight"]) == (12.5, 40.25, 0.75)
    assert (table[1]["translations_kept"], table[1]["bitext_pairs"]) == (7, 3)
    md = (tmp_path / "ablation.md").read_text().splitlines()
    assert len(md) == 4 and md[3].startswith("| news |") and "| 12.5 | 40.2 | 0.75 | 3 | 7 |" in md[3]


def test_ablation_table_gets_wer_columns(tmp_path):
    from lmboot.report.evaluate import ablation

    seed = make_lm(tmp_path, assistant_sentences(60, seed=1), "seed")
    test = write_text(tmp_path / "test.txt", assistant_sentences(20, seed=5))

    def wer_json(name, errors):
        return str(write_text(tmp_path / f"{name}.json", json.dumps({"counts": [[e, 5] for e in errors], "lw": 10})))

    rows = [
        {
            "label": "seed-only",
            "lm": f"{seed}.bin",
            "sphinx": wer_json("s0", [2] * 20),
            "whisper": wer_json("w0", [1] * 20),
        },
        {
            "label": "better",
            "lm": f"{seed}.bin",
            "sphinx": wer_json("s1", [1] * 20),
            "whisper": wer_json("w1", [1] * 20),
        },
    ]
    ablation(rows, test, tmp_path / "ablation.json", samples=200)
    table = json.loads((tmp_path / "ablation.json").read_text())["rows"]
    assert table[1]["sphinx"]["wer"] == 0.2 and table[1]["sphinx"]["vs_first"]["p_not_better"] == 0.0
    assert table[1]["whisper"]["vs_first"]["delta"] == 0 and table[1]["sphinx"]["lw"] == 10
    md = (tmp_path / "ablation.md").read_text().splitlines()
    assert "PocketSphinx WER % [95 % CI]" in md[0] and md[1].count("|") == md[0].count("|")
    assert md[3].endswith("| 20.0 [20.0, 20.0] | -50.0 % (p 0.00) | 20.0 [20.0, 20.0] | +0.0 % (p 1.00) |")


def test_seed_size_table_reads_each_runs_ablation(tmp_path):
    from lmboot.report.evaluate import seed_sizes

    def row(label, ppl, wer, delta, kind="method"):
        return {
            "label": label,
            "kind": kind,
            "ppl": ppl,
            "sphinx": {
                "wer": wer,
                "ci_low": wer - 0.02,
                "ci_high": wer + 0.02,
                "vs_first": {"delta": delta, "p_not_better": 0.01},
            },
        }

    paths = {}
    for size, full in ((500, 80.0), (2000, 90.0)):  # rows taken by kind: the configured one need not be last
        rows = [
            row("seed-only", 100.0, 0.40, 0.0, "seed"),
            row("+ raw translation", 85.0, 0.30, -0.10),
            row("+ LM filtering", full, 0.36, -0.04, "configured"),
            row("+ top-k", 70.0, 0.50, 0.10),
            row("oracle (real pool text)", 60.0, 0.20, -0.20, "oracle"),
            row("ideal", 50.0, 0.1, -0.3, "ideal"),
        ]
        paths[size] = tmp_path / f"{size}.json"
        paths[size].write_text(json.dumps({"rows": rows}))
    seed_sizes(paths, tmp_path / "sizes.md")
    lines = (tmp_path / "sizes.md").read_text().splitlines()
    assert lines[2].startswith(
        "| 500 | 100.0 | 80.0 | 60.0 | 50 % | 40.0 [38.0, 42.0] | 36.0 [34.0, 38.0] | -10.0 % (p 0.01) |"
    )
    assert lines[2].endswith("| + raw translation: -25.0 % (p 0.01) |")
    assert lines[3].startswith("| 2,000 | 100.0 | 90.0 | 60.0 | 25 % |")
    (tmp_path / "bad.json").write_text(json.dumps({"rows": [row("seed-only", 100.0, 0.4, 0.0, "seed")]}))
    with pytest.raises(InputError, match="bad.json: not an ablation table with a seed-only, a configured and an"):
        seed_sizes({1000: tmp_path / "bad.json"}, tmp_path / "x.md")
    unkinded = [{k: v for k, v in r.items() if k != "kind"} for r in rows]  # a table made before row kinds
    (tmp_path / "old.json").write_text(json.dumps({"rows": unkinded}))
    with pytest.raises(InputError, match="old.json: .*run snakemake ablation again"):
        seed_sizes({1000: tmp_path / "old.json"}, tmp_path / "x.md")
    common = [{**r, "ppl_common": c} for r, c in zip(rows, (300.0, 200.0, 180.0, 150.0, 100.0, 90.0))]
    (tmp_path / "common.json").write_text(json.dumps({"rows": common}))
    seed_sizes({2000: tmp_path / "common.json"}, tmp_path / "common.md")
    lines = (tmp_path / "common.md").read_text().splitlines()
    assert "common vocabulary" in lines[0]
    assert lines[2].startswith("| 2,000 | 100.0 | 90.0 | 60.0 | 25 % | 300.0 → 180.0 (100.0) | 60 % |")
    rows[1] = {**rows[1], "kind": "baseline"}  # with a baseline row, the configured LM is also paired with it
    rows[2]["sphinx"]["vs_best_baseline"] = {"label": rows[1]["label"], "delta": 0.06, "p_not_better": 0.99}
    (tmp_path / "baseline.json").write_text(json.dumps({"rows": rows}))
    seed_sizes({2000: tmp_path / "baseline.json"}, tmp_path / "baseline.md")
    lines = (tmp_path / "baseline.md").read_text().splitlines()
    assert "| vs seed-only (paired p) | vs best baseline (paired p) | oracle |" in lines[0]
    assert "| 36.0 [34.0, 38.0] | -10.0 % (p 0.01) | +20.0 % (p 0.99) | 20.0 [18.0, 22.0] |" in lines[2]


def unigram_arpa(path, logprobs: dict[str, float]):
    """An ARPA file whose words have the given log10 probabilities whatever the context (KenLM needs a
    bigram section: one, "</s> </s>", that no sentence reaches)."""
    entries = {"<s>": -99.0, **logprobs}
    lines = ["\\data\\", f"ngram 1={len(entries)}", "ngram 2=1", "", "\\1-grams:"]
    lines += [f"{p}\t{w}\t0" for w, p in entries.items()]
    lines += ["", "\\2-grams:", "-0.1\t</s> </s>", "", "\\end\\"]
    return write_text(path, lines)


def test_common_vocabulary_perplexity_by_hand(tmp_path):
    """A common word an LM lacks costs p(<unk>) / (number of common words it lacks); words outside the
    common vocabulary count for no LM."""
    import math

    small = unigram_arpa(tmp_path / "small.arpa", {"<unk>": -1.0, "</s>": -0.5, "a": -0.5, "b": -1.0})
    large = unigram_arpa(
        tmp_path / "large.arpa", {"<unk>": -2.0, "</s>": -0.5, "a": -0.5, "b": -1.0, "c": -1.0, "d": -1.5}
    )
    vocabulary = {"a", "b", "c", "d"}
    test = ["a c", "z"]  # c: lacked by small (which lacks c and d); z: outside the common vocabulary
    s, lg = (perplexity(path, test, vocabulary) for path in (small, large))
    assert s["ppl_common"] == pytest.approx(10 ** ((0.5 + 1.0 + math.log10(2) + 0.5 + 0.5) / 4))
    assert lg["ppl_common"] == pytest.approx(10 ** ((0.5 + 1.0 + 0.5 + 0.5) / 4))
    assert s["ppl"] == pytest.approx(10 ** ((0.5 + 1.0 + 0.5 + 1.0 + 0.5) / 5))  # KenLM's own: z and c as <unk>
    assert s["common_oov_rate"] == lg["common_oov_rate"] == pytest.approx(1 / 3)
    assert "ppl_common" not in perplexity(small, test)


def test_ablation_adds_common_vocabulary_columns(tmp_path):
    from lmboot.report.evaluate import ablation

    small = unigram_arpa(tmp_path / "small.arpa", {"<unk>": -0.3, "</s>": -0.5, "a": -0.5})
    large = unigram_arpa(tmp_path / "large.arpa", {"<unk>": -3.0, "</s>": -0.5, "a": -0.5, "b": -0.4, "c": -0.4})
    test = write_text(tmp_path / "test.txt", ["a b", "a c", "a"])
    rows = [{"label": "seed-only", "lm": small, "arpa": small}, {"label": "big", "lm": large, "arpa": large}]
    ablation(rows, test, tmp_path / "ablation.json")
    table = json.loads((tmp_path / "ablation.json").read_text())["rows"]
    # KenLM's own perplexity flatters the small LM (an OOV costs it only p(<unk>) = 0.5); shared among
    # the two common words it lacks, its OOVs cost more than the large LM's real probabilities.
    assert table[0]["ppl"] < table[1]["ppl"] and table[0]["ppl_common"] > table[1]["ppl_common"]
    assert table[1]["ppl_common_change_vs_first"] == pytest.approx(table[1]["ppl_common"] / table[0]["ppl_common"] - 1)
    md = (tmp_path / "ablation.md").read_text()
    assert "PPL, common vocabulary" in md.splitlines()[0] and "over the 3 words of all these LMs" in md
    rows_without = [{k: v for k, v in row.items() if k != "arpa"} for row in rows]
    ablation(rows_without, test, tmp_path / "plain.json")
    assert "ppl_common" not in json.loads((tmp_path / "plain.json").read_text())["rows"][0]


def test_ablation_tests_perplexity_over_sentences_against_seed_only_and_the_best_baseline(tmp_path):
    from lmboot.report.evaluate import ablation

    small = unigram_arpa(tmp_path / "small.arpa", {"<unk>": -0.3, "</s>": -0.5, "a": -0.5})
    weak = unigram_arpa(tmp_path / "weak.arpa", {"<unk>": -3.0, "</s>": -0.6, "a": -0.6, "b": -0.5, "c": -0.5})
    large = unigram_arpa(tmp_path / "large.arpa", {"<unk>": -3.0, "</s>": -0.5, "a": -0.5, "b": -0.4, "c": -0.4})
    test = write_text(tmp_path / "test.txt", ["a b", "a c", "a"] * 10)
    rows = [
        {"label": "seed-only", "lm": small, "arpa": small},
        {"label": "weak text", "lm": weak, "arpa": weak, "kind": "baseline"},
        {"label": "big", "lm": large, "arpa": large},
    ]
    ablation(rows, test, tmp_path / "ablation.json", samples=200)
    table = json.loads((tmp_path / "ablation.json").read_text())["rows"]
    big = table[2]["ppl_test"]
    assert big["measure"] == "ppl_common" and big["ci_low"] <= table[2]["ppl_common"] <= big["ci_high"]
    assert big["vs_first"]["p_not_better"] == 0.0  # lower or equal on every sentence, lower on most
    assert big["vs_best_baseline"]["label"] == "weak text" and big["vs_best_baseline"]["p_not_better"] == 0.0
    assert 10 ** big["vs_best_baseline"]["delta"] - 1 == pytest.approx(
        table[2]["ppl_common"] / table[1]["ppl_common"] - 1
    )
    assert table[1]["ppl_test"]["vs_best_baseline"]["p_not_better"] == 1.0  # the baseline against itself
    md = (tmp_path / "ablation.md").read_text().splitlines()
    assert "| PPL, common vocabulary [95 % CI] | vs seed-only (paired p) | vs best baseline (paired p) |" in md[0]
    assert md[1].count("|") == md[0].count("|") == md[4].count("|") and "paired against weak text" in md[-1]


def test_evaluate_over_the_common_vocabulary_of_its_arpas(tmp_path, tiny_lm):
    other = make_lm(tmp_path, news_sentences(60), "news")
    test = write_text(tmp_path / "test.tgt", TEST)
    arpas = [f"{tiny_lm}.arpa", f"{other}.arpa"]
    metrics = evaluate({"seed": f"{tiny_lm}.bin", "news": f"{other}.bin"}, test, tmp_path / "m.json", arpas=arpas)
    vocabulary = common_vocabulary(arpas)
    assert metrics["lms"]["news"]["ppl_common"] == perplexity(f"{other}.bin", TEST, vocabulary)["ppl_common"]
    assert metrics["lms"]["seed"]["common_vocabulary"] == len(vocabulary)
    md = (tmp_path / "m.md").read_text()
    assert md.splitlines()[0].endswith("| PPL, common vocabulary |") and f"over the {len(vocabulary):,} words" in md
