"""The translator under a budget, and what its translations do to the LM, in one run: runs the workflow
for a config (its translator, self-training, rescoring, filtering and LMs) and prints words/s, updates,
dev BLEU/chrF of each round (sacrebleu), test perplexity of seed-only / seed+translated / seed+oracle
LMs and the fraction of the seed -> seed+oracle perplexity gap that the translations close (KenLM's own
perplexity, and the one over the LMs' common vocabulary).

    .venv/bin/python benchmarks/translator.py --configfile config/es-en.yaml
    .venv/bin/python benchmarks/translator.py --configfile config/es-en.yaml my-recipe.yaml --general
        # overlay files change the recipe (give the overlay its own `run:` name);
        # --general also trains the same budget on the whole general corpus, to show what selection earns
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml
from snakemake.utils import update_config

from lmboot.config import validate
from lmboot.report.evaluate import gap_closed


def summary(cfg: dict, general: bool) -> dict:
    run, rounds = cfg["run"], cfg["nmt"]["self_training_rounds"]
    models, metrics = Path("models") / run, json.loads((Path("results") / run / "metrics.json").read_text())
    translators = {}
    for name, path in [(f"selected round {r}", models / f"selected/round{r}") for r in range(rounds + 1)] + (
        [("general round 0", models / "general/round0")] if general else []
    ):
        scores = json.loads((path / "dev_scores.json").read_text())
        training = scores.get("training") or {}
        translators[name] = {
            "bleu": scores["bleu"],
            "chrf": scores["chrf"],
            "updates": training.get("updates"),
            "words_per_second": training.get("words_per_second"),
            "train_seconds": training.get("seconds"),
            "self_training": scores.get("self_training"),
        }
    lms = metrics["lms"]
    result = {"run": run, "translators": translators}
    for key, suffix in (("ppl", ""), ("ppl_common", "_common_vocabulary")):
        if "mix-oracle" in lms and key in lms["seed"]:
            ppl = {
                "seed": lms["seed"][key],
                "seed+translated": lms["mix-translated"][key],
                "seed+oracle": lms["mix-oracle"][key],
            }
            result[f"test_ppl{suffix}"] = ppl
            result[f"gap_closed{suffix}"] = gap_closed(*({"ppl": v} for v in ppl.values()))
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--configfile", nargs="+", required=True, help="config, then optional overlays")
    p.add_argument("--general", action="store_true", help="also the same budget on the whole general corpus")
    p.add_argument("--cores", default="2")
    a = p.parse_args()
    cfg = {}
    for path in a.configfile:  # as Snakemake merges them (overlays win)
        update_config(cfg, yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    cfg = validate(cfg)
    targets = [f"results/{cfg['run']}/metrics.json"] + (
        [f"models/{cfg['run']}/general/round0/dev_scores.json"] if a.general else []
    )
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", a.cores, "--configfile", *a.configfile, "--", *targets]
    )
    if run.returncode:
        return run.returncode
    result = summary(cfg, a.general)
    out = Path("results") / cfg["run"] / "translator_benchmark.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    for name, t in result["translators"].items():
        print(
            f"{name:<17} dev BLEU {t['bleu']:5.1f}  chrF {t['chrf']:5.1f}  updates {t['updates']}  "
            f"words/s {t['words_per_second']}  train {t['train_seconds']} s  {t['self_training'] or ''}"
        )
    for suffix, name in (("", "test PPL"), ("_common_vocabulary", "test PPL, common vocabulary")):
        if f"test_ppl{suffix}" in result:
            ppl = result[f"test_ppl{suffix}"]
            print(
                f"{name}: seed-only {ppl['seed']:.1f}  seed+translated {ppl['seed+translated']:.1f}  "
                f"seed+oracle {ppl['seed+oracle']:.1f}  gap closed {100 * result[f'gap_closed{suffix}']:.1f} %"
            )
    print(f"(written to {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
