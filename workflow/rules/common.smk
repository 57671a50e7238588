# Helpers shared by the rule files (kept apart from rules, as snakemake --lint asks).
import json
import os

wildcard_constraints:
    r=r"\d+",


def as_json(section):
    """A config section as one JSON argument for the lmboot CLI."""
    return json.dumps(config[section], sort_keys=True)


def dirname(path):
    return os.path.dirname(path)


def corpus_files(spec):
    """Input files of a corpus spec (a path, a list of paths or a directory)."""
    if spec["format"] == "plain":
        return [spec["source_path"], spec["target_path"]]
    return [spec["path"]] if isinstance(spec["path"], str) else spec["path"]


def checkpoint_of(r):
    return f"{MODELS}/round{r}/checkpoint_best.pt"


def training_pairs(wildcards):
    """Round 0 trains on the selected bitext; round r > 0 on bitext + round r's pseudo-pairs."""
    r = int(wildcards.r)
    if r == 0:
        return {"src": rules.select.output.src, "tgt": rules.select.output.tgt}
    return {"src": f"{DATA}/selftrain/round{r}.src", "tgt": f"{DATA}/selftrain/round{r}.tgt",
            "restore": checkpoint_of(r - 1)}
