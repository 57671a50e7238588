"""NMT training: a joint sentencepiece model and fairseq training (round 0 on the bitext, later rounds
fine-tuned on bitext + pseudo-pairs, selftrain.py), the checkpoint chosen on dev by the tuning criterion
(lmboot.choose: dev chrF, or the dev perplexity of seed + an LM of its translations)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

from lmboot.data.corpus import count_lines, iter_lines, read_lines, write_json, write_lines
from lmboot.errors import InputError
from lmboot.schema import default
from lmboot.translation.fairseq_run import device_args, encoded_lines, run_logged, run_tool

SPECIALS = {"<unk>", "<s>", "</s>", "<pad>"}
SPM_SEED = 13


def training_speed(log_lines: list[str]) -> dict:
    """Updates done and mean target words per second, from fairseq-train's simple-format log."""
    wps = [float(m) for line in log_lines if "train_inner" in line for m in re.findall(r"wps=([\d.]+)", line)]
    updates = [int(m) for line in log_lines for m in re.findall(r"num_updates[= ](\d+)", line)]
    return {"updates": max(updates, default=0), "words_per_second": round(sum(wps) / len(wps)) if wps else None}


def sample_lines(texts: list[str | Path], limit: int, seed: int = SPM_SEED) -> list[str]:
    """The non-empty lines of the texts, or a random sample of `limit` of them (reservoir sampling, the same
    on every run) where they hold more: memory holds at most `limit` lines."""
    rng, sample, seen = random.Random(seed), [], 0
    for line in (line for t in texts for line in iter_lines(t) if line.strip()):
        if seen < limit:
            sample.append(line)
        elif (j := rng.randrange(seen + 1)) < limit:
            sample[j] = line
        seen += 1
    return sample


def train_spm(
    texts: list[str | Path],
    out_dir: str | Path,
    vocab_size: int,
    threads: int = 1,
    max_sentences: int = default("nmt.spm_max_sentences"),
) -> None:
    """Joint unigram sentencepiece model out_dir/spm.model and the fairseq dictionary out_dir/dict.txt, trained
    on at most max_sentences lines (a fixed random sample of longer texts: its time and memory stay bounded)."""
    import sentencepiece as spm

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        joined = Path(tmp) / "text"
        write_lines(joined, sample_lines(texts, max_sentences))
        spm.SentencePieceTrainer.train(
            input=str(joined),
            model_prefix=f"{tmp}/spm",
            vocab_size=vocab_size,
            model_type="unigram",
            character_coverage=1.0,
            hard_vocab_limit=False,
            num_threads=threads,
            minloglevel=2,
        )
        pieces = [line.split("\t")[0] for line in read_lines(f"{tmp}/spm.vocab")]
        write_lines(out / "dict.txt", (f"{p} 1" for p in pieces if p not in SPECIALS))
        os.replace(f"{tmp}/spm.vocab", out / "spm.vocab")
        os.replace(f"{tmp}/spm.model", out / "spm.model")


def arch_args(cfg: dict) -> list[str]:
    """fairseq model arguments from the nmt config (sizes for encoder and decoder alike)."""
    dim, layers = str(cfg["embed_dim"]), str(cfg["layers"])
    if cfg["arch"] == "transformer":
        return [
            "--arch",
            "transformer",
            "--share-all-embeddings",
            "--encoder-layers",
            layers,
            "--decoder-layers",
            layers,
            "--encoder-embed-dim",
            dim,
            "--decoder-embed-dim",
            dim,
            "--encoder-ffn-embed-dim",
            str(cfg["ffn_dim"]),
            "--decoder-ffn-embed-dim",
            str(cfg["ffn_dim"]),
            "--encoder-attention-heads",
            str(cfg["heads"]),
            "--decoder-attention-heads",
            str(cfg["heads"]),
        ]
    if cfg["arch"] == "lstm":  # attentional RNN, as in the paper
        hidden = str(cfg["hidden_dim"])
        return [
            "--arch",
            "lstm",
            "--share-all-embeddings",
            "--encoder-bidirectional",
            "--encoder-layers",
            layers,
            "--decoder-layers",
            layers,
            "--encoder-embed-dim",
            dim,
            "--decoder-embed-dim",
            dim,
            "--decoder-out-embed-dim",
            dim,
            "--encoder-hidden-size",
            hidden,
            "--decoder-hidden-size",
            hidden,
        ]
    raise InputError(f"nmt.arch: unknown architecture {cfg['arch']!r} (transformer or lstm)")


def binarize(
    pairs: dict[str, tuple[str | Path, str | Path]], spm_dir: str | Path, dest: str | Path, threads: int
) -> None:
    """Encode {"train": (src, tgt), "valid": (src, tgt)} with sentencepiece and run fairseq-preprocess."""
    dest, spm_dir = Path(dest), Path(spm_dir)
    text = dest / "text"
    text.mkdir(parents=True, exist_ok=True)
    for split, (src, tgt) in pairs.items():
        n_src, n_tgt = count_lines(src), count_lines(tgt)
        if n_src != n_tgt:
            raise InputError(f"{src} has {n_src} lines but {tgt} has {n_tgt}")
    for split, (src, tgt) in pairs.items():
        for side, path in (("src", src), ("tgt", tgt)):
            write_lines(text / f"{split}.{side}", encoded_lines(spm_dir / "spm.model", iter_lines(path)))
    run_tool(
        [
            "fairseq-preprocess",
            "--source-lang",
            "src",
            "--target-lang",
            "tgt",
            "--trainpref",
            str(text / "train"),
            "--validpref",
            str(text / "valid"),
            "--destdir",
            str(dest),
            "--srcdict",
            str(spm_dir / "dict.txt"),
            "--tgtdict",
            str(spm_dir / "dict.txt"),
            "--workers",
            str(threads),
        ],
        threads,
    )


RESET_FLAGS = ("--reset-optimizer", "--reset-lr-scheduler", "--reset-dataloader", "--reset-meters")


def train(
    train_src,
    train_tgt,
    dev_src,
    criterion,
    spm_dir,
    work_dir,
    cfg: dict,
    threads: int = 1,
    restore: str | Path | None = None,
    max_updates: int | None = None,
    seed: int = default("split.random_seed"),
) -> tuple[Path, dict | None]:
    """Train (or fine-tune from `restore`) a fairseq model in work_dir, writing training.json (updates,
    words/s, time); returns checkpoint_best.pt, the checkpoint chosen on in-domain dev, and its dev scores
    when choosing measured them (choose_checkpoint)."""
    work = Path(work_dir)
    binarize(
        {"train": (train_src, train_tgt), "valid": valid_pairs(train_src, train_tgt, dev_src, criterion, work)},
        spm_dir,
        work / "bin",
        threads,
    )
    every = str(cfg["validate_every"])
    cmd = [
        "fairseq-train",
        str(work / "bin"),
        "--task",
        "translation",
        "-s",
        "src",
        "-t",
        "tgt",
        *arch_args(cfg),
        *device_args(cfg),
        "--dropout",
        str(cfg["dropout"]),
        "--criterion",
        "label_smoothed_cross_entropy",
        "--label-smoothing",
        str(cfg["label_smoothing"]),
        "--optimizer",
        "adam",
        "--adam-betas",
        "(0.9, 0.98)",
        "--lr",
        str(cfg["lr"]),
        "--lr-scheduler",
        "inverse_sqrt",
        "--warmup-updates",
        str(cfg["warmup_updates"]),
        "--max-tokens",
        str(cfg["max_tokens"]),
        "--max-update",
        str(max_updates or cfg["max_updates"]),
        "--seed",
        str(seed),
        "--save-dir",
        str(work),
        "--num-workers",
        "0",
        "--log-format",
        "simple",
        "--log-interval",
        "50",
        "--validate-interval-updates",
        every,
        "--save-interval-updates",
        every,
        "--keep-interval-updates",
        str(cfg["keep_checkpoints"]),
        "--keep-last-epochs",
        str(cfg["keep_checkpoints"]),
        "--no-progress-bar",
    ]
    if cfg.get("stop_time_hours"):  # fairseq counts the restored checkpoint's training time in
        cmd += ["--stop-time-hours", str(cfg["stop_time_hours"] + trained_hours(restore))]
    if cfg.get("patience"):  # early stopping: validations without a lower dev loss
        cmd += ["--patience", str(cfg["patience"])]
    if restore:
        cmd += ["--restore-file", str(restore), *RESET_FLAGS]
    cmd = fresh_start_unless_resuming(work, cmd)
    start = time.time()
    speed = training_speed(run_logged(cmd, threads))
    write_json(work / "training.json", {**speed, "seconds": round(time.time() - start, 1)})
    best, scores = choose_checkpoint(work, spm_dir, dev_src, criterion, cfg, threads)
    for stale in saved_checkpoints(work):  # only the chosen (checkpoint_best.pt) and the last are kept
        stale.unlink()
    return best, scores


VALID_PAIRS = 1000  # fairseq's validation loss without a parallel dev: the bitext's last pairs


def valid_pairs(train_src, train_tgt, dev_src, criterion, work: Path) -> tuple:
    """The pairs fairseq computes its validation loss on: the parallel dev (source, references) under the
    chrf criterion; without one, the training bitext's last VALID_PAIRS pairs (a loss to watch, not a
    held-out set: the choices are made by the criterion)."""
    if criterion.name == "chrf":
        return dev_src, criterion.refs_path
    src, tgt = read_lines(train_src)[-VALID_PAIRS:], read_lines(train_tgt)[-VALID_PAIRS:]
    write_lines(work / "valid.src", src)
    write_lines(work / "valid.tgt", tgt)
    return work / "valid.src", work / "valid.tgt"


def trained_hours(checkpoint: str | Path | None) -> float:
    """Training time already in a checkpoint (fairseq adds it to the time that --stop-time-hours caps)."""
    if not checkpoint:
        return 0.0
    import torch

    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    return round((state.get("extra_state") or {}).get("previous_training_time", 0.0) / 3600, 4)


def fresh_start_unless_resuming(work: Path, cmd: list[str]) -> list[str]:
    """The command to run: fairseq resumes from work/checkpoint_last.pt (a killed run goes on where it
    stopped, its wall-clock budget included), a killed fine-tune too, from there instead of its parent model;
    checkpoints left by a different command (another config) or by a run that finished (training.json
    written; Snakemake re-runs it because its inputs changed) are removed first."""
    record, finished = work / "command.json", work / "training.json"
    if finished.is_file() or (record.is_file() and json.loads(record.read_text()) != cmd):
        for old in work.glob("checkpoint*.pt"):
            old.unlink()
        finished.unlink(missing_ok=True)
    write_json(record, cmd)
    if "--restore-file" not in cmd or not (work / "checkpoint_last.pt").is_file():
        return cmd
    at = cmd.index("--restore-file")
    return [arg for arg in cmd[:at] + cmd[at + 2 :] if arg not in RESET_FLAGS]


def saved_checkpoints(work: Path) -> list[Path]:
    """The epoch and interval checkpoints fairseq kept in work (checkpointE.pt, checkpoint_E_U.pt), oldest first."""
    found = [p for p in work.glob("checkpoint*.pt") if p.stem.replace("checkpoint", "").replace("_", "").isdigit()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)


def average_checkpoints(paths: list[Path], out: Path) -> Path:
    """A checkpoint whose parameters are the mean of those of `paths` (the rest from the last one)."""
    import torch

    states = [torch.load(p, map_location="cpu", weights_only=False) for p in paths]
    merged = states[-1]
    for name, tensor in merged["model"].items():
        if tensor.is_floating_point():
            merged["model"][name] = (sum(s["model"][name].double() for s in states) / len(states)).to(tensor.dtype)
    torch.save(merged, out)
    return out


def choose_checkpoint(work: Path, spm_dir, dev_src, criterion, cfg: dict, threads: int) -> tuple[Path, dict | None]:
    """Make work/checkpoint_best.pt the candidate the criterion (lmboot.choose: dev chrF, or the dev
    perplexity of seed + an LM of its translations) prefers; `checkpoint_choice: loss` keeps fairseq's
    lowest-dev-loss one. Candidates: the last `keep_checkpoints` epoch and interval checkpoints, the last,
    the lowest-loss one and, with `average_last: N`, the average of the last N of those. The choice record
    goes to work/choice.json; returns checkpoint_best.pt and the chosen one's dev scores (None with `loss`:
    nothing was scored)."""
    from lmboot.choose import choose
    from lmboot.translation.decode import dev_translations, scores_of

    best = work / "checkpoint_best.pt"
    if cfg["checkpoint_choice"] == "loss":
        return best, None
    interval = saved_checkpoints(work)[-cfg["keep_checkpoints"] :]
    candidates = {p.stem: p for p in [*interval, work / "checkpoint_last.pt", best] if p.is_file()}
    if cfg["average_last"] >= 2 and len(interval) >= 2:
        candidates["average"] = average_checkpoints(interval[-cfg["average_last"] :], work / "checkpoint_average.pt")
    hyps = {}
    for name, path in candidates.items():
        hyps[name] = dev_translations(path, spm_dir, dev_src, cfg, threads)
        shutil.rmtree(path.parent / f"ct2-{path.stem}", ignore_errors=True)
    prefer = ["checkpoint_best", *(k for k in candidates if k != "checkpoint_best")]  # ties: fairseq's best
    chosen, record = choose(criterion, hyps, prefer=prefer)
    if candidates[chosen] != best:
        shutil.copyfile(candidates[chosen], work / ".chosen.pt")
        os.replace(work / ".chosen.pt", best)
    (work / "checkpoint_average.pt").unlink(missing_ok=True)
    write_json(work / "choice.json", {"chosen": chosen, **record})
    return best, scores_of(criterion, hyps[chosen], record["measure"][chosen])
