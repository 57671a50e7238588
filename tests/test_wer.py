"""WER: normalization of references and recognizer output, error counts, bootstrap intervals."""

import json

import numpy as np
import pytest

from lmboot.asr.wer import bootstrap_ci, corpus_errors, errors, normalize_text, paired_bootstrap, wer, wer_table


@pytest.mark.parametrize(
    "raw, spoken",
    [
        ("Wake me up at 7:30 a.m.", "wake me up at seven thirty am"),
        ("It's 7:05 PM", "it's seven oh five pm"),
        ("Set an alarm for 6:00", "set an alarm for six"),
        ("the 3rd of May and the 21st", "the third of may and the twenty first"),
        ("$1,250 and 50% off", "one thousand two hundred and fifty dollars and fifty percent off"),
        (
            "Rock & roll in 1990, 2005 and 2.5 hours",
            "rock and roll in nineteen ninety two thousand and five and two point five hours",
        ),
        ("I have 101 dogs.", "i have one hundred and one dogs"),
    ],
)
def test_normalization_speaks_numbers_and_symbols(raw, spoken):
    assert normalize_text(raw) == spoken


def test_errors_count_substitutions_deletions_insertions():
    assert errors("a b c", "a x c d") == (2, 3)  # b->x, +d
    assert errors("a b c", "") == (3, 3)
    assert errors("a b c", "a b c") == (0, 3)


def test_corpus_errors_normalize_both_sides():
    counts = corpus_errors(["wake me at seven thirty"], ["Wake me at 7:30."])
    assert counts.tolist() == [[0, 5]]


def test_bootstrap_interval_of_a_known_case():
    # 2 utterances of 4 words: 2 errors and 0 errors. Resampled corpora have WER 0, 0.25 or 0.5 with
    # probabilities 1/4, 1/2, 1/4, so the 95 % interval is [0, 0.5] and the point estimate 0.25.
    ci = bootstrap_ci(np.array([[2, 4], [0, 4]]), samples=2000)
    assert ci["wer"] == 0.25 and ci["ci_low"] == 0.0 and ci["ci_high"] == 0.5


def test_bootstrap_interval_is_a_point_when_all_utterances_agree():
    ci = bootstrap_ci(np.array([[1, 10]] * 30))
    assert ci["ci_low"] == ci["ci_high"] == pytest.approx(0.1)


def test_paired_bootstrap_detects_a_consistent_improvement():
    base = np.array([[2, 5]] * 40)
    better = np.array([[1, 5]] * 30 + [[2, 5]] * 10)
    result = paired_bootstrap(better, base)
    assert result["delta"] == pytest.approx(wer(better) - wer(base)) and result["delta"] < 0
    assert result["ci_high"] < 0 and result["p_not_better"] == 0.0
    assert paired_bootstrap(base, base)["p_not_better"] == 1.0


def test_paired_bootstrap_refuses_different_references():
    with pytest.raises(ValueError, match="same references"):
        paired_bootstrap(np.array([[1, 5]]), np.array([[1, 6]]))


def test_wer_table_compares_rows_with_the_first(tmp_path):
    def result(name, counts):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"counts": counts, "test_wer_1best": 0.3, "test_wer_oracle": 0.1}))
        return str(path)

    rows = [
        {"label": "seed-only", "sphinx": result("s0", [[2, 4]] * 20), "whisper": result("w0", [[1, 4]] * 20)},
        {"label": "mixed", "sphinx": result("s1", [[1, 4]] * 20), "whisper": result("w1", [[1, 4]] * 20)},
    ]
    wer_table(rows, str(tmp_path / "wer.json"), samples=200)
    table = json.loads((tmp_path / "wer.json").read_text())["rows"]
    assert table[1]["sphinx"]["wer"] == 0.25 and table[1]["sphinx"]["vs_first"]["delta"] == -0.25
    md = (tmp_path / "wer.md").read_text()
    assert "| mixed | 25.0 [25.0, 25.0] | -50.0 % (p 0.00) |" in md and "oracle): 10.0 %" in md


def test_every_row_is_paired_with_the_best_baseline(tmp_path):
    """Rows marked as baselines: each row also gets the paired test against the baseline with the lowest WER
    (per recognizer), named in the table's note."""

    def result(name, counts):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"counts": counts, "test_wer_1best": 0.3, "test_wer_oracle": 0.1}))
        return str(path)

    rows = [
        {"label": "seed-only", "sphinx": result("s0", [[3, 4]] * 20)},
        {"label": "weak baseline", "sphinx": result("s1", [[2, 4]] * 20), "kind": "baseline"},
        {"label": "strong baseline", "sphinx": result("s2", [[1, 4]] * 10 + [[2, 4]] * 10), "kind": "baseline"},
        {"label": "configured", "sphinx": result("s3", [[1, 4]] * 20)},
    ]
    wer_table(rows, str(tmp_path / "wer.json"), samples=200)
    table = json.loads((tmp_path / "wer.json").read_text())["rows"]
    assert {row["sphinx"]["vs_best_baseline"]["label"] for row in table} == {"strong baseline"}
    assert table[3]["sphinx"]["vs_best_baseline"]["delta"] == pytest.approx(0.25 - 0.375)
    assert table[2]["sphinx"]["vs_best_baseline"]["delta"] == 0
    md = (tmp_path / "wer.md").read_text()
    assert "| configured | 25.0 [25.0, 25.0] | -66.7 % (p 0.00) | -33.3 % (p 0.00) |" in md
    assert "vs best baseline: paired against PocketSphinx: strong baseline." in md


def test_the_table_states_whether_the_recognizers_rank_the_rows_alike(tmp_path):
    def result(name, errors_per_utterance):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"counts": [[errors_per_utterance, 4]] * 10}))
        return str(path)

    sphinx, ctc = [3, 2, 1, 0], [2, 3, 1, 0]  # one swap among four rows: Spearman's rho 0.8
    rows = [
        {"label": f"row {i}", "sphinx": result(f"s{i}", s), "ctc": result(f"c{i}", c)}
        for i, (s, c) in enumerate(zip(sphinx, ctc))
    ]
    wer_table(rows, str(tmp_path / "wer.json"), samples=100)
    md = (tmp_path / "wer.md").read_text()
    assert "Spearman's rho over 4 rows): PocketSphinx / CTC beam search 0.80." in md
    assert "CTC beam search WER % [95 % CI]" in md and "Whisper" not in md.splitlines()[0]
