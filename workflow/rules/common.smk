# Input plumbing shared by the rule files, kept apart from rules as snakemake --lint asks; what needs the
# workflow's own rules or ancient(). What the config asks for (LM components, variants, ablation rows, the
# WER table's LMs, the recognizers, the config sections each command reads) is the plan: lmboot/plan.py.
#
# Wildcards (lmboot/plan.py names the files they make up):
#   {corpus}   which bitext a translator is trained on: "selected", "general", "cut{k}" (select.tune), or
#              "x-<name>" / "union" (translators a team brings: translators.smk)
#   {r}        self-training round of a translator (0 = trained on the bitext only)
#   {ents}     "protected" (entity spans copied through translation, entities.smk) or "plain"
#   {rescore}  "rescored" (n-best + seed LM, lambda per config) or "1best" (the translator's own best)
#   {filter}   "filtered" (lm_filter per config) or "unfiltered"
import json
import os
import shlex
from types import SimpleNamespace

from lmboot.data.download import is_archive
from lmboot.data.inputs import corpus_paths, download_for, fingerprint
from lmboot.plan import CORPUS_RE, VARIANT_RE, Plan, mix_part, row_files, variant_parts
from lmboot.asr.recognizers import CTC

CTC_KEYS = "|".join(CTC)  # the recognizers decoded by lmboot.asr.ctc (asr.smk's ctc_* rules)

wildcard_constraints:
    r=r"\d+",
    corpus=CORPUS_RE,
    rescore="rescored|1best",
    filter="filtered|unfiltered",
    ents="plain|protected",
    part="pool|dev|pool-protected|dev-protected",


PLAN = Plan(config)
cli_section, tuning_budget, prepare_config = PLAN.cli_section, PLAN.tuning_budget, PLAN.prepare_config
checkpoint_of, translator_model, one_best_translation = PLAN.checkpoint, PLAN.translator_model, PLAN.one_best_translation


def criterion_inputs():
    """The inputs of a choice on dev besides dev.src: the dev text, the seed LM for dev_ppl and dev_wer, the
    dev speech (CTC emissions, manifest) for dev_wer."""
    seed_arpa = {"seed_arpa": f"{MODELS}/lm/seed.arpa"} if PLAN.criterion != "chrf" else {}
    speech = ({"dev_emissions": f"{DATA}/asr/dev/ctc.emissions.npz", "dev_manifest": f"{DATA}/asr/dev/manifest.tsv"}
              if PLAN.criterion == "dev_wer" else {})
    return {"dev_tgt": rules.prepare.output.dev_tgt, **seed_arpa, **speech}


def criterion_args(wildcards, input):
    """The criterion options of lmboot train / pretrained / rescore (criterion_inputs)."""
    if PLAN.criterion == "chrf":
        return "--criterion chrf"
    order, weight = config["lm"]["order"], config["lm"]["seed_weight"]
    args = f"--criterion {PLAN.criterion} --seed-arpa {input.seed_arpa} --lm-order {order} --lm-seed-weight {weight}"
    if PLAN.criterion == "dev_wer":
        asr = cli_section("train", "asr")  # train, pretrained and rescore read the same keys
        args += f" --dev-emissions {input.dev_emissions} --dev-manifest {input.dev_manifest} --asr {shlex.quote(asr)}"
    return args


def dirname(path):
    return os.path.dirname(path)


def corpus_files(spec):
    """Input files of a corpus spec, judged by content, not time: a corpus copied again (new mtime, same
    bytes) re-makes nothing, while changed bytes re-run the rule through its fingerprint param. A path
    under a download's `to` waits for that download."""
    return [ancient((download_for(config, path) or {"to": path})["to"]) for path in corpus_paths(spec)]


def bitext(corpus):
    """The bitext a translator trains on: the selected pairs (the cut chosen on dev under select.tune), a
    tuning candidate's cut, or the whole general corpus."""
    if corpus == "selected":
        if PLAN.tune:
            return {"src": rules.choose_cut.output.src, "tgt": rules.choose_cut.output.tgt}
        return {"src": rules.select.output.src, "tgt": rules.select.output.tgt}
    if corpus.startswith("cut"):
        return {"src": f"{DATA}/select/{corpus}/kept.src", "tgt": f"{DATA}/select/{corpus}/kept.tgt"}
    return {"src": rules.prepare.output.general_src, "tgt": rules.prepare.output.general_tgt}


def training_pairs(wildcards):
    """Round 0 trains on the bitext (with select.finetune_general, the selected one fine-tunes the general
    translator on it); round r > 0 fine-tunes round r-1 on bitext + round r's pseudo-pairs."""
    r = int(wildcards.r)
    if r == 0 and wildcards.corpus == "selected" and PLAN.finetune_general:
        return {**bitext("selected"), "restore": checkpoint_of("general", 0)}
    if r == 0:
        return bitext(wildcards.corpus)
    return {"src": f"{DATA}/{wildcards.corpus}/selftrain/round{r}.src",
            "tgt": f"{DATA}/{wildcards.corpus}/selftrain/round{r}.tgt",
            "restore": checkpoint_of(wildcards.corpus, r - 1)}


def translations(wildcards, part):
    return PLAN.translations(wildcards.corpus, wildcards.r, wildcards.ents, wildcards.rescore, part)


def lm_text(wildcards):
    if wildcards.name == "seed":
        return rules.prepare.output.seed
    if wildcards.name == "oracle":
        return rules.prepare.output.oracle
    return f"{DATA}/variants/{wildcards.name}.tgt"


def component_text(wildcards):
    """The text of a component LM built with a vocabulary cut (rule lm_component)."""
    if wildcards.name == "general":
        return rules.prepare.output.general_tgt
    if wildcards.name == "selected":
        return bitext("selected")["tgt"]
    return f"{DATA}/variants/nbest.tgt"


def mix_inputs(wildcards):
    return PLAN.mix_inputs(wildcards.name)


def ablation_rows():
    return PLAN.ablation_rows(bitext)


def ablation_files():
    return row_files(ablation_rows())


def onnx_ctc(wildcards):
    """A team's CTC model (asr.onnx_ctc) for the onnx_ctc recognizer's jobs; hama's jobs name none."""
    if wildcards.ctc == "ctc":
        return ""
    return f" --onnx-ctc {shlex.quote(json.dumps(config['asr']['onnx_ctc'], sort_keys=True))}"
