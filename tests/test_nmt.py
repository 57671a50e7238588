import json
from pathlib import Path

import pytest
from conftest import write_text

from lmboot.choose import ChrF, DevPerplexity
from lmboot.config import section_defaults
from lmboot.errors import InputError
from lmboot.translation.decode import one_best, parse_interactive
from lmboot.translation.fairseq_run import device_args, fairseq_env
from lmboot.translation.nmt import arch_args
from lmboot.translation.selftrain import pseudo_pairs

INTERACTIVE = (
    "\n".join(
        [
            "2024-05-01 10:00:00 | INFO | fairseq_cli.interactive | "
            "NOTE: hypothesis and token scores are output in base 2",
            "S-0\t▁pon ▁la ▁canción",
            "W-0\t0.031\tseconds",
            "H-0\t-0.41234\tplay the song",
            "D-0\t-0.41234\tplay the song",
            "P-0\t-0.5000 -0.3000 -0.4000 -0.4494",
            "H-0\t-0.9876\tplay song",
            "D-0\t-0.9876\tplay song",
            "P-0\t-1.0000 -0.8000 -1.1628",
            "S-1\t▁hola",
            "W-1\t0.031\tseconds",
            "H-1\t-1.5\thello there",
            "D-1\t-1.5\thello there",
            "P-1\t-1.2 -1.8 -1.5",
            "H-1\t-2.25\t",
            "D-1\t-2.25\t",
            "P-1\t-2.25",
            "2024-05-01 10:00:01 | INFO | fairseq_cli.interactive | Total time: 0.5 seconds; translation time: 0.1",
        ]
    )
    + "\n"
)

CFG = {"embed_dim": 128, "layers": 3, "ffn_dim": 512, "heads": 4}


def test_parse_interactive():
    assert parse_interactive(INTERACTIVE) == {
        0: [
            {"text": "play the song", "score": -0.41234, "tokens": 4},
            {"text": "play song", "score": -0.9876, "tokens": 3},
        ],
        1: [{"text": "hello there", "score": -1.5, "tokens": 3}, {"text": "", "score": -2.25, "tokens": 1}],
    }


def test_parse_interactive_many_ids():
    lines = [f"H-{i}\t-{i}.5\tword{i}\nP-{i}\t-1 -2" for i in (10, 2)]
    assert parse_interactive("\n".join(lines)) == {
        10: [{"text": "word10", "score": -10.5, "tokens": 2}],
        2: [{"text": "word2", "score": -2.5, "tokens": 2}],
    }


def _value(args, flag):
    return args[args.index(flag) + 1]


def test_arch_args_transformer():
    args = arch_args({**CFG, "arch": "transformer"})
    assert _value(args, "--arch") == "transformer" and "--share-all-embeddings" in args
    assert [
        _value(args, f)
        for f in (
            "--encoder-layers",
            "--decoder-layers",
            "--encoder-embed-dim",
            "--decoder-ffn-embed-dim",
            "--decoder-attention-heads",
        )
    ] == ["3", "3", "128", "512", "4"]
    assert all(isinstance(a, str) for a in args)


def test_arch_args_lstm():
    args = arch_args({**CFG, "arch": "lstm", "hidden_dim": 256})
    assert _value(args, "--arch") == "lstm" and "--encoder-attention-heads" not in args
    assert [
        _value(args, f)
        for f in (
            "--encoder-layers",
            "--decoder-embed-dim",
            "--decoder-out-embed-dim",
            "--encoder-hidden-size",
            "--decoder-hidden-size",
        )
    ] == ["3", "128", "128", "256", "256"]
    from lmboot.config import section_defaults

    defaults = arch_args(section_defaults("nmt", {"arch": "lstm"}))  # the schema's sizes reach fairseq
    assert [_value(defaults, f) for f in ("--encoder-embed-dim", "--encoder-hidden-size")] == ["128", "256"]


def test_arch_args_unknown():
    with pytest.raises(InputError, match="nmt.arch.*'gru'"):
        arch_args({**CFG, "arch": "gru"})


def test_device_and_env():
    assert device_args({"device": "cpu"}) == ["--cpu"]
    env = fairseq_env(3)
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "3" and env["HF_HUB_OFFLINE"] == "1"


def nbest_record(i, src, texts):
    return {
        "id": i,
        "src": src,
        "score_scale": "log2_per_token",
        "hyps": [{"text": t, "score": -0.5 - k, "tokens": len(t.split()) + 1} for k, t in enumerate(texts)],
    }


def test_pseudo_pairs_guards(tmp_path):
    pool = ["pon la canción", "apaga la luz", "qué hora es", "llama a mamá"]
    firsts = [
        "play the song",
        "turn off off off the light",
        "what time is it now in the city of madrid please",
        "call mom",
    ]
    records = [nbest_record(i, s, [t, "other"]) for i, (s, t) in enumerate(zip(pool, firsts))]
    nbest = write_text(tmp_path / "pool.nbest.jsonl", [json.dumps(r, ensure_ascii=False) for r in records])
    assert one_best(nbest) == firsts
    files = {
        "pool_src": write_text(tmp_path / "pool.src", pool),
        "nbest_jsonl": nbest,
        "bitext_src": write_text(tmp_path / "bi.src", ["hola", "adiós"]),
        "bitext_tgt": write_text(tmp_path / "bi.tgt", ["hello", "goodbye"]),
    }
    before = {k: v.read_bytes() for k, v in files.items()}
    specs = [{"type": "length_ratio", "max_ratio": 2.5}, {"type": "repetition", "max_repeats": 2}]
    stats = pseudo_pairs(**files, out_prefix=tmp_path / "st" / "train", filter_specs=specs)
    assert (tmp_path / "st" / "train.src").read_text().splitlines() == [
        "hola",
        "adiós",
        "pon la canción",
        "llama a mamá",
    ]
    assert (tmp_path / "st" / "train.tgt").read_text().splitlines() == ["hello", "goodbye", "play the song", "call mom"]
    assert stats == {
        "pseudo_pairs": 4,
        "kept": 2,
        "dropped_by": {"length_ratio": 1, "repetition": 1},
        "bitext_pairs": 2,
    }
    assert json.loads((tmp_path / "st" / "train.json").read_text()) == stats
    assert {k: v.read_bytes() for k, v in files.items()} == before


def test_pseudo_pairs_mix_samples_the_bitext_and_the_lm_guard_drops_the_improbable(tmp_path, tiny_lm):
    pool = ["pon la canción", "apaga la luz", "despiértame a las siete"]
    firsts = ["play the song", "the government announced new taxes", "wake me up at seven am"]
    nbest = write_text(
        tmp_path / "n.jsonl",
        [json.dumps(nbest_record(i, s, [t]), ensure_ascii=False) for i, (s, t) in enumerate(zip(pool, firsts))],
    )
    bitext = [f"frase {i}" for i in range(50)], [f"sentence {i}" for i in range(50)]
    args = (
        write_text(tmp_path / "pool.src", pool),
        nbest,
        write_text(tmp_path / "bi.src", bitext[0]),
        write_text(tmp_path / "bi.tgt", bitext[1]),
    )
    specs = [{"type": "lm_score", "threshold": -1.5}]  # log10 per word under the assistant-text seed LM
    stats = pseudo_pairs(*args, tmp_path / "a", specs, seed_lm=f"{tiny_lm}.bin", mix=2.0, seed=1)
    assert stats["kept"] == 2 and stats["dropped_by"] == {"lm_score": 1} and stats["bitext_pairs"] == 4
    src, tgt = (tmp_path / "a.src").read_text().splitlines(), (tmp_path / "a.tgt").read_text().splitlines()
    assert src[-2:] == ["pon la canción", "despiértame a las siete"]
    assert all(s.split()[1] == t.split()[1] for s, t in zip(src[:4], tgt[:4]))  # sampled as pairs
    again = pseudo_pairs(*args, tmp_path / "b", specs, seed_lm=f"{tiny_lm}.bin", mix=2.0, seed=1)
    assert again == stats and (tmp_path / "b.src").read_text() == (tmp_path / "a.src").read_text()
    assert pseudo_pairs(*args, tmp_path / "c", specs, seed_lm=f"{tiny_lm}.bin")["bitext_pairs"] == 50


def test_keep_if_improved_restores_the_previous_round(tmp_path):
    from lmboot.translation.selftrain import keep_if_improved

    previous, finetuned = write_text(tmp_path / "r0.pt", "round0"), write_text(tmp_path / "r1.pt", "round1")
    chrf = ChrF(write_text(tmp_path / "refs", ["a"]))
    unused = lambda model: pytest.fail("chrf compares the recorded scores")  # noqa: E731
    worse = keep_if_improved(
        finetuned, previous, {"chrf": 30.0, "bleu": 5.0}, {"chrf": 31.0, "bleu": 6.0}, chrf, unused
    )
    assert finetuned.read_text() == "round0" and worse["chrf"] == 31.0 and worse["bleu"] == 6.0
    guard = worse["self_training"]
    assert (guard["kept"], guard["finetuned_chrf"], guard["previous_chrf"]) == (False, 30.0, 31.0)
    assert guard["choice"]["criterion"] == "chrf" and guard["choice"]["choice"] == "previous"
    finetuned.write_text("round1")
    better = keep_if_improved(finetuned, previous, {"chrf": 33.0}, {"chrf": 31.0}, chrf, unused)
    assert finetuned.read_text() == "round1" and better["chrf"] == 33.0 and better["self_training"]["kept"]


def test_keep_if_improved_by_dev_perplexity_measures_both_models(tmp_path, tiny_lm):
    """Without a parallel dev the guard translates with both models and keeps the one whose translations,
    mixed with the seed LM, give the lower dev perplexity."""
    from lmboot.translation.selftrain import keep_if_improved

    previous, finetuned = write_text(tmp_path / "r0.pt", "round0"), write_text(tmp_path / "r1.pt", "round1")
    dev = write_text(tmp_path / "dev.tgt", ["set an alarm for noon", "set an alarm for seven", "set a timer"])
    outputs = {"round0": ["zebra quartz vapor"] * 3, "round1": ["set an alarm for noon", "set a timer", "an alarm"]}
    translations = lambda model: outputs[Path(model).read_text()]  # noqa: E731
    kept = keep_if_improved(finetuned, previous, {}, {}, DevPerplexity(f"{tiny_lm}.arpa", dev), translations)
    assert kept["self_training"]["kept"] and finetuned.read_text() == "round1"
    assert kept["dev_ppl"] == kept["self_training"]["finetuned_dev_ppl"] < kept["self_training"]["previous_dev_ppl"]
    outputs["round0"], outputs["round1"] = outputs["round1"], outputs["round0"]
    rejected = keep_if_improved(finetuned, previous, {}, {}, DevPerplexity(f"{tiny_lm}.arpa", dev), translations)
    assert not rejected["self_training"]["kept"] and finetuned.read_text() == "round0"


def test_average_checkpoints_means_float_parameters(tmp_path):
    import torch

    from lmboot.translation.nmt import average_checkpoints

    for i, value in enumerate([1.0, 2.0, 6.0]):
        torch.save(
            {"model": {"w": torch.full((2,), value), "steps": torch.tensor([i])}, "cfg": i}, tmp_path / f"c{i}.pt"
        )
    out = average_checkpoints([tmp_path / f"c{i}.pt" for i in range(3)], tmp_path / "avg.pt")
    state = torch.load(out, weights_only=False)
    assert state["model"]["w"].tolist() == [3.0, 3.0] and state["model"]["steps"].tolist() == [2]
    assert state["cfg"] == 2


def test_training_speed_reads_fairseq_logs():
    from lmboot.translation.nmt import training_speed

    log = [
        "2026 | INFO | train_inner | epoch 001:     50 / 99 loss=9.1, wps=8000.5, ups=2, num_updates=50\n",
        "2026 | INFO | train_inner | epoch 001:    100 / 99 loss=8.1, wps=9000.5, ups=2, num_updates=100\n",
        "2026 | INFO | valid | epoch 001 | valid on 'valid' subset | loss 7.9 | num_updates 100\n",
        "2026 | INFO | train | epoch 002 | loss 8.0 | wps 100 | ups 2 | num_updates 130 | lr 0.001\n",
    ]
    assert training_speed(log) == {"updates": 130, "words_per_second": 8500}


def test_pseudo_pairs_count_mismatch(tmp_path):
    nbest = write_text(tmp_path / "n.jsonl", [json.dumps(nbest_record(0, "hola", ["hello"]))])
    pool = write_text(tmp_path / "pool.src", ["hola", "adiós"])
    bitext = write_text(tmp_path / "bi.txt", ["x"])
    with pytest.raises(InputError, match="pool.src has 2 lines but .*n.jsonl has 1"):
        pseudo_pairs(pool, nbest, bitext, bitext, tmp_path / "st", [{"type": "repetition"}])
    assert not (tmp_path / "st.src").exists()


def test_split_and_gather_round_trip(tmp_path):
    from lmboot.translation.decode import gather_nbest, split_lines

    lines = [f"frase {i}" for i in range(10)]
    text = write_text(tmp_path / "pool.src", lines)
    chunks = [tmp_path / f"c{i}.src" for i in range(3)]
    assert split_lines(text, chunks) == [3, 4, 3]
    assert [line for c in chunks for line in c.read_text().splitlines()] == lines
    nbest = []
    for i, c in enumerate(chunks):
        records = [
            {"id": j, "src": src, "hyps": [{"text": src.upper(), "score": -1.0}]}
            for j, src in enumerate(c.read_text().splitlines())
        ]
        nbest.append(write_text(tmp_path / f"c{i}.jsonl", [json.dumps(r) for r in records]))
    assert gather_nbest(nbest, tmp_path / "all.jsonl") == 10
    gathered = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [r["id"] for r in gathered] == list(range(10)) and [r["src"] for r in gathered] == lines


def test_use_pretrained_installs_the_translator(tmp_path):
    from lmboot.translation.pretrained import use_pretrained

    files = {name: write_text(tmp_path / "given" / name, [name]) for name in ("ckpt.pt", "sp.model", "dict.txt")}
    ckpt = use_pretrained(files["ckpt.pt"], files["sp.model"], files["dict.txt"], tmp_path / "spm", tmp_path / "round0")
    assert ckpt == tmp_path / "round0" / "checkpoint_best.pt" and ckpt.read_text() == "ckpt.pt\n"
    assert (tmp_path / "spm" / "spm.model").read_text() == "sp.model\n"
    assert (tmp_path / "spm" / "dict.txt").read_text() == "dict.txt\n"
    with pytest.raises(InputError, match="nmt.pretrained.checkpoint: .*missing.pt: file not found"):
        use_pretrained(tmp_path / "missing.pt", files["sp.model"], files["dict.txt"], tmp_path / "s2", tmp_path / "r2")


def test_ctranslate2_model_directories_need_their_translator(tmp_path):
    from lmboot.translation.decode import translate
    from lmboot.translation.pretrained import use_pretrained_ct2

    model, spm = tmp_path / "ct2", write_text(tmp_path / "sp.model", "x")
    model.mkdir()
    with pytest.raises(InputError, match="nmt.pretrained.ct2_model: .*ct2: not a CTranslate2 model directory"):
        use_pretrained_ct2(model, spm, tmp_path / "spm", tmp_path / "round0")
    write_text(model / "model.bin", "weights")
    write_text(model / "shared_vocabulary.json", "[]")
    out = use_pretrained_ct2(model, spm, tmp_path / "spm", tmp_path / "round0")
    assert (out / "model.bin").read_text() == "weights" and (tmp_path / "spm/spm.model").read_text() == "x"
    assert (model / "model.bin").is_file()  # the input is copied, never moved
    src = write_text(tmp_path / "in.txt", ["hola"])
    with pytest.raises(InputError, match="a CTranslate2 model directory translates only with translator: ctranslate2"):
        translate(
            out, tmp_path / "spm", src, tmp_path / "out.jsonl", section_defaults("nmt", {"translator": "fairseq"})
        )


def test_trained_hours_reads_the_checkpoint(tmp_path):
    import torch

    from lmboot.translation.nmt import trained_hours

    torch.save({"model": {}, "extra_state": {"previous_training_time": 1800.0}}, tmp_path / "c.pt")
    assert trained_hours(tmp_path / "c.pt") == 0.5 and trained_hours(None) == 0.0


def test_a_changed_training_command_starts_afresh(tmp_path):
    from lmboot.translation.nmt import fresh_start_unless_resuming

    fresh_start_unless_resuming(tmp_path, ["fairseq-train", "--lr", "0.001"])
    write_text(tmp_path / "checkpoint_last.pt", "weights")
    fresh_start_unless_resuming(tmp_path, ["fairseq-train", "--lr", "0.001"])  # same: resume
    assert (tmp_path / "checkpoint_last.pt").is_file()
    fresh_start_unless_resuming(tmp_path, ["fairseq-train", "--lr", "0.002"])  # another config: afresh
    assert not (tmp_path / "checkpoint_last.pt").exists()
    write_text(tmp_path / "checkpoint_last.pt", "weights")
    write_text(tmp_path / "training.json", "{}")  # that run finished: a re-run (new inputs) starts afresh
    fresh_start_unless_resuming(tmp_path, ["fairseq-train", "--lr", "0.002"])
    assert not (tmp_path / "checkpoint_last.pt").exists() and not (tmp_path / "training.json").exists()


def test_a_killed_fine_tune_resumes_from_its_last_checkpoint_not_its_parent(tmp_path):
    from lmboot.translation.nmt import RESET_FLAGS, fresh_start_unless_resuming

    cmd = ["fairseq-train", "bin", "--restore-file", "parent.pt", *RESET_FLAGS, "--lr", "0.001"]
    assert fresh_start_unless_resuming(tmp_path, cmd) == cmd  # first start: from the parent model
    write_text(tmp_path / "checkpoint_last.pt", "weights")  # killed midway
    assert fresh_start_unless_resuming(tmp_path, cmd) == ["fairseq-train", "bin", "--lr", "0.001"]
    assert json.loads((tmp_path / "command.json").read_text()) == cmd  # the record keeps the full command


def test_an_lstm_trains_and_translates(tmp_path):
    """The attentional RNN (bidirectional encoder) trains a few updates and is scored on dev with fairseq."""
    from conftest import assistant_sentences

    from lmboot.translation.nmt import train, train_spm

    tgt = assistant_sentences(100, seed=1)
    src = [" ".join(reversed(s.split())) for s in tgt]  # a "language" whose word order is reversed
    files = {
        name: write_text(tmp_path / name, lines)
        for name, lines in [("train.src", src), ("train.tgt", tgt), ("dev.src", src[:20]), ("dev.tgt", tgt[:20])]
    }
    train_spm([files["train.src"], files["train.tgt"]], tmp_path / "spm", 120)
    cfg = {
        "arch": "lstm",
        "layers": 1,
        "embed_dim": 32,
        "hidden_dim": 32,
        "dropout": 0.1,
        "label_smoothing": 0.1,
        "lr": 0.005,
        "warmup_updates": 5,
        "max_tokens": 1000,
        "max_updates": 20,
        "validate_every": 10,
        "keep_checkpoints": 2,
        "translator": "fairseq",
        "beam": 2,
        "nbest": 2,
        "batch_size": 16,
        "max_len_a": 1.5,
        "max_len_b": 5,
        "device": "cpu",
        "checkpoint_choice": "chrf",
        "average_last": 0,
    }
    best, scores = train(
        files["train.src"],
        files["train.tgt"],
        files["dev.src"],
        ChrF(files["dev.tgt"], 2),
        tmp_path / "spm",
        tmp_path / "model",
        cfg,
    )
    assert best.is_file() and scores is not None and scores["sentences"] == 20
    assert json.loads((tmp_path / "model/training.json").read_text())["updates"] == 20


def test_lstm_cannot_go_through_ctranslate2():
    from lmboot.config import check_together

    with pytest.raises(InputError, match="nmt.translator: CTranslate2 cannot convert fairseq's lstm"):
        check_together({"nmt": section_defaults("nmt", {"arch": "lstm", "translator": "ctranslate2"})}, "config")


def test_sentencepiece_trains_on_a_bounded_sample(tmp_path):
    """nmt.spm_max_sentences: sentencepiece trains on a fixed random sample of at most that many lines (the
    same on every run), so a corpus of millions of pairs trains it in bounded time and memory; a text with
    fewer lines is taken whole, in order."""
    import sentencepiece as spm
    from conftest import assistant_sentences

    from lmboot.translation.nmt import sample_lines, train_spm

    lines = [s for seed in range(30) for s in assistant_sentences(50, seed=seed)]
    text = write_text(tmp_path / "text", lines[:700] + [""] + lines[700:])
    sample = sample_lines([text], 1000)
    assert len(sample) == 1000 and set(sample) <= set(lines) and sample != lines[:1000]
    assert sample_lines([text], 1000) == sample and sample_lines([text], 5000) == lines
    train_spm([text], tmp_path / "spm", 200, max_sentences=1000)
    train_spm([write_text(tmp_path / "sample", sample)], tmp_path / "whole", 200)
    assert (tmp_path / "spm/spm.vocab").read_text() == (tmp_path / "whole/spm.vocab").read_text()
    model = spm.SentencePieceProcessor(model_file=str(tmp_path / "spm/spm.model"))
    assert model.decode(model.encode("set an alarm for noon")) == "set an alarm for noon"
