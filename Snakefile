# lmboot: bootstrap a new language's n-gram LM by translating in-domain text (Punjabi et al., ASRU 2019).
# One run = one config = data/<run>, models/<run>, results/<run>. Stages live in workflow/rules/<stage>.smk
# and call `lmboot <stage>` (lmboot/<stage>.py). Targets: all (default: metrics of the configured pipeline),
# ablation (the paper's table: extra translators and variants, sharing what they can), wer (WER of the
# seed-only, configured and oracle LMs with each of asr.recognizers; in all when asr.enabled), export (the
# configured LM as its consumers load it; in all).
import json
import os
import sys

from snakemake.utils import min_version

from lmboot.numerics import isa_env
from lmboot.preflight import checked_config

min_version("9.0")

# The demo config only when no --configfile is given: Snakemake would otherwise merge the demo's keys
# (split sizes, demo_data, ...) into every real config.
if not config:

    configfile: "config/config.yaml"



report: "workflow/report/workflow.rst"


# lmboot's validator (JSON schema + defaults; the schema ships inside the package: lmboot/config.schema.yaml)
# and its preflight of every file the config names (lmboot/preflight.py: each corpus read through once per
# version, .xz/.gz streams whole): bad input stops here, before any job, as one line on stderr naming the
# config file or field and the file, exit 1. A job's own Snakemake (a cluster job) checks the fields only.
config.update(checked_config(config, workflow.configfiles, files=workflow.is_main_process))

# Rules call the lmboot CLI (and KenLM's tools) from the environment of the Python that runs Snakemake,
# whether or not that environment is activated.
os.environ.update(PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
# The CPU's numeric kernels pinned (numerics.cpu_isa, lmboot/numerics.py): the same figures on any x86-64 CPU.
os.environ.update(isa_env(config["numerics"]["cpu_isa"]))

RUN = config["run"]
DATA, MODELS, RESULTS = f"data/{RUN}", f"models/{RUN}", f"results/{RUN}"
LOGS, BENCH = f"logs/{RUN}", f"benchmarks/{RUN}"
NMT = config["nmt"]
ROUNDS = NMT["self_training_rounds"]


scattergather:
    chunk=NMT["chunks"],
    select_chunk=config["select"]["chunks"],


include: "workflow/rules/common.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/select.smk"
include: "workflow/rules/nmt.smk"
include: "workflow/rules/translators.smk"
include: "workflow/rules/entities.smk"
include: "workflow/rules/rescore.smk"
include: "workflow/rules/lm_filter.smk"
include: "workflow/rules/topk.smk"
include: "workflow/rules/lm.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/asr.smk"
include: "workflow/rules/wer.smk"
include: "workflow/rules/export.smk"


rule all:
    input:
        f"{RESULTS}/metrics.json",
        f"{RESULTS}/dev_curves.png",
        [f"{RESULTS}/wer.json"] if config["asr"]["enabled"] else [],
        f"{RESULTS}/export",
