"""NMT: a joint sentencepiece model, fairseq training (round 0 on the selected bitext, then self-training
rounds fine-tuned on bitext + filtered pseudo-pairs), and n-best translation.

n-best records (one JSON object a line, input order):
  {"id": i, "src": ..., "score_scale": "log2_per_token", "hyps": [{"text", "score", "tokens"}, ...]}
where score is fairseq's length-normalized log2 probability per target token (incl. </s>).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lmboot.corpus import atomic_write, read_lines, write_json, write_lines
from lmboot.errors import InputError

SPECIALS = {"<unk>", "<s>", "</s>", "<pad>"}


def fairseq_env(threads: int) -> dict:
    """Environment for fairseq subprocesses: one BLAS/OpenMP thread per granted core, old-style
    checkpoint loading (torch >= 2.6 defaults to weights_only), no hub access."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1", HF_HUB_OFFLINE="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_tool(cmd: list[str], threads: int, **kwargs) -> subprocess.CompletedProcess:
    """Run a fairseq command; its log goes to our stderr (the rule's log file)."""
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, env=fairseq_env(threads), check=True, **kwargs)


def run_logged(cmd: list[str], threads: int) -> list[str]:
    """Run a command, copying its output to our stderr as it comes; returns the output lines."""
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    lines = []
    with subprocess.Popen(cmd, env=fairseq_env(threads), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        for line in proc.stdout:
            sys.stderr.write(line)
            lines.append(line)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return lines


def training_speed(log_lines: list[str]) -> dict:
    """Updates done and mean target words per second, from fairseq-train's simple-format log."""
    wps = [float(m) for line in log_lines if "train_inner" in line for m in re.findall(r"wps=([\d.]+)", line)]
    updates = [int(m) for line in log_lines for m in re.findall(r"num_updates[= ](\d+)", line)]
    return {"updates": max(updates, default=0), "words_per_second": round(sum(wps) / len(wps)) if wps else None}


def train_spm(texts: list[str | Path], out_dir: str | Path, vocab_size: int, threads: int = 1) -> None:
    """Joint unigram sentencepiece model out_dir/spm.model and the fairseq dictionary out_dir/dict.txt."""
    import sentencepiece as spm

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        joined = Path(tmp) / "text"
        write_lines(joined, (line for t in texts for line in read_lines(t) if line.strip()))
        spm.SentencePieceTrainer.train(input=str(joined), model_prefix=f"{tmp}/spm", vocab_size=vocab_size,
                                       model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
                                       num_threads=threads, minloglevel=2)
        pieces = [line.split("\t")[0] for line in read_lines(f"{tmp}/spm.vocab")]
        write_lines(out / "dict.txt", (f"{p} 1" for p in pieces if p not in SPECIALS))
        os.replace(f"{tmp}/spm.vocab", out / "spm.vocab")
        os.replace(f"{tmp}/spm.model", out / "spm.model")


def encode(spm_model: str | Path, lines: list[str]) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(spm_model))
    return [" ".join(p) for p in processor.encode(lines, out_type=str)]


def arch_args(cfg: dict) -> list[str]:
    """fairseq model arguments from the nmt config (sizes for encoder and decoder alike)."""
    dim, layers = str(cfg["embed_dim"]), str(cfg["layers"])
    if cfg["arch"] == "transformer":
        return ["--arch", "transformer", "--share-all-embeddings",
                "--encoder-layers", layers, "--decoder-layers", layers,
                "--encoder-embed-dim", dim, "--decoder-embed-dim", dim,
                "--encoder-ffn-embed-dim", str(cfg["ffn_dim"]), "--decoder-ffn-embed-dim", str(cfg["ffn_dim"]),
                "--encoder-attention-heads", str(cfg["heads"]), "--decoder-attention-heads", str(cfg["heads"])]
    if cfg["arch"] == "lstm":  # attentional RNN, as in the paper
        hidden = str(cfg.get("hidden_dim", cfg["embed_dim"]))
        return ["--arch", "lstm", "--share-all-embeddings", "--encoder-bidirectional",
                "--encoder-layers", layers, "--decoder-layers", layers,
                "--encoder-embed-dim", dim, "--decoder-embed-dim", dim, "--decoder-out-embed-dim", dim,
                "--encoder-hidden-size", hidden, "--decoder-hidden-size", hidden]
    raise InputError(f"nmt.arch: unknown architecture {cfg['arch']!r} (transformer or lstm)")


def device_args(cfg: dict) -> list[str]:
    device = cfg.get("device", "auto")
    if device == "cpu":
        return ["--cpu"]
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise InputError("nmt.device: cuda requested but torch sees no GPU")
    return [] if torch.cuda.is_available() else ["--cpu"]


def binarize(pairs: dict[str, tuple[str | Path, str | Path]], spm_dir: str | Path, dest: str | Path,
             threads: int) -> None:
    """Encode {"train": (src, tgt), "valid": (src, tgt)} with sentencepiece and run fairseq-preprocess."""
    dest, spm_dir = Path(dest), Path(spm_dir)
    text = dest / "text"
    text.mkdir(parents=True, exist_ok=True)
    for split, (src, tgt) in pairs.items():
        sources, targets = read_lines(src), read_lines(tgt)
        if len(sources) != len(targets):
            raise InputError(f"{src} has {len(sources)} lines but {tgt} has {len(targets)}")
        write_lines(text / f"{split}.src", encode(spm_dir / "spm.model", sources))
        write_lines(text / f"{split}.tgt", encode(spm_dir / "spm.model", targets))
    run_tool(["fairseq-preprocess", "--source-lang", "src", "--target-lang", "tgt",
              "--trainpref", str(text / "train"), "--validpref", str(text / "valid"),
              "--destdir", str(dest), "--srcdict", str(spm_dir / "dict.txt"), "--tgtdict", str(spm_dir / "dict.txt"),
              "--workers", str(threads)], threads)


def train(train_src, train_tgt, dev_src, dev_tgt, spm_dir, work_dir, cfg: dict, threads: int = 1,
          restore: str | Path | None = None, max_updates: int | None = None,
          seed: int = 13) -> tuple[Path, dict | None]:
    """Train (or fine-tune from `restore`) a fairseq model in work_dir, writing training.json (updates,
    words/s, time); returns checkpoint_best.pt, the checkpoint chosen on in-domain dev, and its dev scores
    when choosing measured them (choose_checkpoint)."""
    work = Path(work_dir)
    binarize({"train": (train_src, train_tgt), "valid": (dev_src, dev_tgt)}, spm_dir, work / "bin", threads)
    every = str(cfg.get("validate_every", 100))
    cmd = ["fairseq-train", str(work / "bin"), "--task", "translation", "-s", "src", "-t", "tgt",
           *arch_args(cfg), *device_args(cfg),
           "--dropout", str(cfg["dropout"]), "--criterion", "label_smoothed_cross_entropy",
           "--label-smoothing", str(cfg["label_smoothing"]), "--optimizer", "adam", "--adam-betas", "(0.9, 0.98)",
           "--lr", str(cfg["lr"]), "--lr-scheduler", "inverse_sqrt", "--warmup-updates", str(cfg["warmup_updates"]),
           "--max-tokens", str(cfg["max_tokens"]), "--max-update", str(max_updates or cfg["max_updates"]),
           "--seed", str(seed), "--save-dir", str(work), "--num-workers", "0",
           "--log-format", "simple", "--log-interval", "50", "--validate-interval-updates", every,
           "--save-interval-updates", every, "--keep-interval-updates", str(cfg.get("keep_checkpoints", 5)),
           "--keep-last-epochs", str(cfg.get("keep_checkpoints", 5)), "--no-progress-bar"]
    if cfg.get("stop_time_hours"):  # fairseq counts the restored checkpoint's training time in
        cmd += ["--stop-time-hours", str(cfg["stop_time_hours"] + trained_hours(restore))]
    if cfg.get("patience"):  # early stopping: validations without a lower dev loss
        cmd += ["--patience", str(cfg["patience"])]
    if restore:
        cmd += ["--restore-file", str(restore), "--reset-optimizer", "--reset-lr-scheduler",
                "--reset-dataloader", "--reset-meters"]
    fresh_start_unless_resuming(work, cmd)
    start = time.time()
    speed = training_speed(run_logged(cmd, threads))
    write_json(work / "training.json", {**speed, "seconds": round(time.time() - start, 1)})
    best, scores = choose_checkpoint(work, spm_dir, dev_src, dev_tgt, cfg, threads)
    for stale in saved_checkpoints(work):  # only the chosen (checkpoint_best.pt) and the last are kept
        stale.unlink()
    return best, scores


def trained_hours(checkpoint: str | Path | None) -> float:
    """Training time already in a checkpoint (fairseq adds it to the time that --stop-time-hours caps)."""
    if not checkpoint:
        return 0.0
    import torch

    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    return round((state.get("extra_state") or {}).get("previous_training_time", 0.0) / 3600, 4)


def fresh_start_unless_resuming(work: Path, cmd: list[str]) -> None:
    """fairseq resumes from work/checkpoint_last.pt (a killed run goes on where it stopped, its wall-clock
    budget included); checkpoints left by a different command (another config) or by a run that finished
    (training.json written; Snakemake re-runs it because its inputs changed) are removed first."""
    record, finished = work / "command.json", work / "training.json"
    if finished.is_file() or (record.is_file() and json.loads(record.read_text()) != cmd):
        for old in work.glob("checkpoint*.pt"):
            old.unlink()
        finished.unlink(missing_ok=True)
    write_json(record, cmd)


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


def choose_checkpoint(work: Path, spm_dir, dev_src, dev_tgt, cfg: dict, threads: int) -> tuple[Path, dict | None]:
    """Make work/checkpoint_best.pt the candidate with the best in-domain dev chrF (`checkpoint_choice:
    chrf`; `loss` keeps fairseq's lowest-dev-loss one). Candidates: the last `keep_checkpoints` epoch and
    interval checkpoints, the last, the lowest-loss one and, with `average_last: N`, the average of the
    last N of those. Their chrF goes to work/choice.json; returns checkpoint_best.pt and the chosen one's
    dev scores (None with `loss`: nothing was scored)."""
    best = work / "checkpoint_best.pt"
    if cfg.get("checkpoint_choice", "chrf") == "loss":
        return best, None
    interval = saved_checkpoints(work)[-cfg.get("keep_checkpoints", 5):]
    candidates = {p.stem: p for p in [*interval, work / "checkpoint_last.pt", best] if p.is_file()}
    if cfg.get("average_last", 0) >= 2 and len(interval) >= 2:
        candidates["average"] = average_checkpoints(interval[-cfg["average_last"]:], work / "checkpoint_average.pt")
    scores = {}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        for name, path in candidates.items():
            scores[name] = dev_scores(path, spm_dir, dev_src, dev_tgt, f"{tmp}/{name}.json", cfg, threads)
            shutil.rmtree(path.parent / f"ct2-{path.stem}", ignore_errors=True)
    chosen = max(scores, key=lambda name: (scores[name]["chrf"], name == "checkpoint_best"))
    if candidates[chosen] != best:
        shutil.copyfile(candidates[chosen], work / ".chosen.pt")
        os.replace(work / ".chosen.pt", best)
    (work / "checkpoint_average.pt").unlink(missing_ok=True)
    write_json(work / "choice.json", {"chosen": chosen, "dev_chrf": {k: v["chrf"] for k, v in scores.items()}})
    return best, scores[chosen]


def keep_if_improved(finetuned: Path, previous: Path, scores: dict, previous_scores: dict) -> dict:
    """Guarded self-training: keep the fine-tuned checkpoint only if its dev chrF beats the checkpoint it
    was fine-tuned from; otherwise put the previous one in its place. Returns the scores that now hold."""
    kept = scores["chrf"] > previous_scores["chrf"]
    guard = {"kept": kept, "finetuned_chrf": scores["chrf"], "previous_chrf": previous_scores["chrf"]}
    if not kept:
        shutil.copyfile(previous, finetuned.with_name(".previous.pt"))
        os.replace(finetuned.with_name(".previous.pt"), finetuned)
        scores = {k: v for k, v in previous_scores.items() if k not in ("training", "self_training")}
    return {**scores, "self_training": guard}


def parse_interactive(stdout: str) -> dict[int, list[dict]]:
    """n-best lists from fairseq-interactive output (H- and P- lines), by input id."""
    hyps: dict[int, list[dict]] = {}
    for line in stdout.splitlines():
        tag, _, rest = line.partition("\t")
        if tag.startswith("H-"):
            score, _, text = rest.partition("\t")
            hyps.setdefault(int(tag[2:]), []).append({"text": text.strip(), "score": float(score)})
        elif tag.startswith("P-"):
            hyps[int(tag[2:])][-1]["tokens"] = len(rest.split())
    return hyps


def translate(checkpoint, spm_dir, input_text, out_jsonl, cfg: dict, threads: int = 1, nbest: int | None = None) -> int:
    """Translate input_text (one sentence a line) into n-best records with fairseq or CTranslate2
    (config `translator`); returns the count."""
    if Path(checkpoint).is_dir() and cfg.get("translator", "fairseq") != "ctranslate2":
        raise InputError(f"{checkpoint}: a CTranslate2 model directory translates only with translator: ctranslate2")
    spm_dir = Path(spm_dir)
    nbest = nbest or cfg["nbest"]
    sources = read_lines(input_text)
    pieces = encode(spm_dir / "spm.model", sources)
    if cfg.get("translator", "fairseq") == "ctranslate2":
        hyps, scale = translate_ct2(checkpoint, spm_dir, pieces, cfg, threads, nbest), "ln_per_token"
    else:
        hyps, scale = translate_fairseq(checkpoint, spm_dir, pieces, cfg, threads, nbest), "log2_per_token"
    if len(hyps) != len(sources):
        raise RuntimeError(f"the translator returned {len(hyps)} n-best lists for {len(sources)} inputs")
    with atomic_write(out_jsonl) as f:
        for i, src in enumerate(sources):
            record = {"id": i, "src": src, "score_scale": scale, "hyps": hyps[i]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(sources)


def data_dir_for(spm_dir: Path, tmp: str) -> str:
    """A data dir holding dict.src.txt and dict.tgt.txt, as fairseq tools expect."""
    for side in ("src", "tgt"):
        shutil.copy(spm_dir / "dict.txt", Path(tmp) / f"dict.{side}.txt")
    return tmp


def translate_fairseq(checkpoint, spm_dir: Path, pieces: list[str], cfg: dict, threads: int, nbest: int):
    with tempfile.TemporaryDirectory() as tmp:
        write_lines(Path(tmp) / "input", pieces)
        run = run_tool(["fairseq-interactive", data_dir_for(spm_dir, tmp), "--path", str(checkpoint),
                        "--task", "translation", "-s", "src", "-t", "tgt", "--input", str(Path(tmp) / "input"),
                        *device_args(cfg), "--beam", str(max(cfg["beam"], nbest)), "--nbest", str(nbest),
                        # output length bound (tokens): a*source + b, against runaway repetition
                        "--max-len-a", str(cfg.get("max_len_a", 1.5)), "--max-len-b", str(cfg.get("max_len_b", 10)),
                        "--batch-size", str(cfg.get("batch_size", 64)), "--buffer-size", "1024",
                        "--post-process", "sentencepiece", "--no-progress-bar"],
                       threads, capture_output=True, text=True)
    return parse_interactive(run.stdout)


def convert_ct2(checkpoint, spm_dir: Path, threads: int) -> Path:
    """The CTranslate2 conversion of a fairseq checkpoint, made once beside it (ct2-<checkpoint name>/)."""
    checkpoint = Path(checkpoint)
    out = checkpoint.parent / f"ct2-{checkpoint.stem}"
    if (out / "model.bin").is_file() and (out / "model.bin").stat().st_mtime >= checkpoint.stat().st_mtime:
        return out
    tmp_out = checkpoint.parent / f".{out.name}.tmp"
    from ctranslate2.converters import FairseqConverter  # in-process: fairseq is imported once, not per call

    with tempfile.TemporaryDirectory() as tmp:
        print(f"+ CTranslate2 conversion of {checkpoint}", file=sys.stderr, flush=True)
        FairseqConverter(str(checkpoint), data_dir_for(spm_dir, tmp), source_lang="src", target_lang="tgt",
                         unsafe_deserialization=True).convert(str(tmp_out), force=True)
    shutil.rmtree(out, ignore_errors=True)
    tmp_out.rename(out)
    return out


def translate_ct2(checkpoint, spm_dir: Path, pieces: list[str], cfg: dict, threads: int, nbest: int):
    """n-best with CTranslate2 (from a fairseq checkpoint, converted once, or a CTranslate2 model
    directory); scores are its length-normalized natural-log probabilities."""
    import ctranslate2
    import sentencepiece as spm

    device = "cuda" if cfg.get("device", "auto") != "cpu" and ctranslate2.get_cuda_device_count() else "cpu"
    model = checkpoint if Path(checkpoint).is_dir() else convert_ct2(checkpoint, spm_dir, threads)
    translator = ctranslate2.Translator(str(model), device=device, intra_threads=threads)
    decoder = spm.SentencePieceProcessor(model_file=str(spm_dir / "spm.model"))
    tokens = [p.split() for p in pieces]
    batch_size = cfg.get("batch_size", 64)
    # Batches of equal-length sources (no padding), so that each sentence's output length cap and its
    # result do not depend on its neighbours: chunked and unchunked translation agree byte for byte.
    by_length: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        by_length.setdefault(len(t), []).append(i)
    hyps = {}
    for length, rows in sorted(by_length.items()):
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            cap = int(cfg.get("max_len_a", 1.5) * length + cfg.get("max_len_b", 10))
            results = translator.translate_batch([tokens[i] for i in batch], beam_size=max(cfg["beam"], nbest),
                                                 num_hypotheses=nbest, return_scores=True, max_decoding_length=cap)
            for i, result in zip(batch, results):
                hyps[i] = [{"text": decoder.decode_pieces(h), "score": s, "tokens": len(h) + 1}
                           for h, s in zip(result.hypotheses, result.scores)]
    return hyps


def split_lines(text: str | Path, outputs: list[str | Path]) -> list[int]:
    """Split a text file into len(outputs) contiguous chunks of near-equal size; returns their sizes."""
    lines, n = read_lines(text), len(outputs)
    bounds = [round(i * len(lines) / n) for i in range(n + 1)]
    for out, start, end in zip(outputs, bounds, bounds[1:]):
        write_lines(out, lines[start:end])
    return [end - start for start, end in zip(bounds, bounds[1:])]


def gather_nbest(chunks: list[str | Path], out_jsonl: str | Path) -> int:
    """Concatenate chunked n-best files in order, numbering the records afresh."""
    count = 0
    with atomic_write(out_jsonl) as f:
        for chunk in chunks:
            for line in read_lines(chunk):
                f.write(json.dumps({**json.loads(line), "id": count}, ensure_ascii=False) + "\n")
                count += 1
    return count


def one_best(nbest_jsonl: str | Path) -> list[str]:
    return [json.loads(line)["hyps"][0]["text"] for line in read_lines(nbest_jsonl)]


def dev_scores(checkpoint, spm_dir, dev_src, dev_tgt, out_json, cfg: dict, threads: int = 1) -> dict:
    """BLEU and chrF (sacrebleu) of the 1-best translation of dev against its references."""
    import sacrebleu

    with tempfile.TemporaryDirectory() as tmp:
        translate(checkpoint, spm_dir, dev_src, f"{tmp}/dev.jsonl", cfg, threads, nbest=1)
        hyps = one_best(f"{tmp}/dev.jsonl")
    refs = [read_lines(dev_tgt)]
    scores = {"bleu": round(sacrebleu.corpus_bleu(hyps, refs).score, 2),
              "chrf": round(sacrebleu.corpus_chrf(hyps, refs).score, 2), "sentences": len(hyps),
              "examples": [{"hyp": h, "ref": r} for h, r in list(zip(hyps, refs[0]))[:5]]}
    write_json(out_json, scores)
    return scores


def use_pretrained(checkpoint, spm_model, dictionary, spm_dir, round_dir) -> Path:
    """Install an existing fairseq translator (checkpoint, joint sentencepiece model, joint dictionary)
    where lmboot's own round-0 training would put it; returns the checkpoint's new path."""
    for path, what in ((checkpoint, "checkpoint"), (spm_model, "spm_model"), (dictionary, "dict")):
        if not Path(path).is_file():
            raise InputError(f"nmt.pretrained.{what}: {path}: file not found")
    spm_dir, round_dir = Path(spm_dir), Path(round_dir)
    for src, dst in ((spm_model, spm_dir / "spm.model"), (dictionary, spm_dir / "dict.txt"),
                     (checkpoint, round_dir / "checkpoint_best.pt")):
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
    return round_dir / "checkpoint_best.pt"


def use_pretrained_ct2(ct2_model, spm_model, spm_dir, round_dir) -> Path:
    """Install an existing CTranslate2 model directory (and its sentencepiece model) as round 0's
    translator, round_dir/ct2-model; returns that directory."""
    if not (Path(ct2_model) / "model.bin").is_file():
        raise InputError(f"nmt.pretrained.ct2_model: {ct2_model}: not a CTranslate2 model directory (no model.bin)")
    if not Path(spm_model).is_file():
        raise InputError(f"nmt.pretrained.spm_model: {spm_model}: file not found")
    spm_dir, out = Path(spm_dir), Path(round_dir) / "ct2-model"
    spm_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(spm_model, spm_dir / ".spm.model.tmp")
    os.replace(spm_dir / ".spm.model.tmp", spm_dir / "spm.model")
    tmp = out.with_name(".ct2-model.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(ct2_model, tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def pseudo_pairs(pool_src, nbest_jsonl, bitext_src, bitext_tgt, out_prefix, filter_specs: list[dict],
                 seed_lm: str | Path | None = None, mix: float | None = None, seed: int = 13) -> dict:
    """Self-training data: the pool's 1-best translations that pass the guard filters, mixed with the
    bitext: all of it (mix None) or a random sample of `mix` bitext pairs per kept pseudo-pair."""
    import random

    from lmboot.lm_filter import apply_filters, build_filters

    sources, translations = read_lines(pool_src), one_best(nbest_jsonl)
    if len(sources) != len(translations):
        raise InputError(f"{pool_src} has {len(sources)} lines but {nbest_jsonl} has {len(translations)} n-best records")
    pairs = list(zip(sources, translations))
    keep, dropped = apply_filters(pairs, build_filters(filter_specs, seed_lm))
    kept = [p for p, k in zip(pairs, keep) if k]
    bitext = list(zip(read_lines(bitext_src), read_lines(bitext_tgt)))
    if mix is not None and round(mix * len(kept)) < len(bitext):
        bitext = random.Random(seed).sample(bitext, round(mix * len(kept)))
    write_lines(f"{out_prefix}.src", [s for s, _ in bitext + kept])
    write_lines(f"{out_prefix}.tgt", [t for _, t in bitext + kept])
    stats = {"pseudo_pairs": len(pairs), "kept": len(kept), "dropped_by": dropped, "bitext_pairs": len(bitext)}
    write_json(f"{out_prefix}.json", stats)
    return stats
