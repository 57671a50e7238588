# Helpers shared by the rule files (kept apart from rules, as snakemake --lint asks).
#
# Names used across rules:
#   {corpus}   which bitext a translator is trained on: "selected" (select stage), "general" (all of it) or
#              "cut{k}" (candidate k of select.tune, trained under the tuning budget)
#   {r}        self-training round of a translator (0 = trained on the bitext only)
#   {ents}     "protected" (entity spans copied through translation, entities.smk) or "plain"
#   {rescore}  "rescored" (n-best + seed LM, lambda per config) or "1best" (the translator's own best)
#   {filter}   "filtered" (lm_filter per config) or "unfiltered"
#   variant    "{corpus}.r{r}.{ents}.{rescore}.{filter}": one way of making the translated text; the
#              ablation rows are variants, so what two rows share (a translator, a translation) is made once.
import hashlib
import json
import os
import shlex
from pathlib import Path
from types import SimpleNamespace

from lmboot.cli import section_keys
from lmboot.config import tuning_criterion
from lmboot.corpus import hash_bytes
from lmboot.download import is_archive

wildcard_constraints:
    r=r"\d+",
    corpus=r"selected|general|cut\d+|x-[a-z][a-z0-9_]*|union",
    rescore="rescored|1best",
    filter="filtered|unfiltered",
    ents="plain|protected",
    part="pool|dev|pool-protected|dev-protected",


GPU = 0 if NMT["device"] == "cpu" else 1  # resources: gpu of training and translation (Slurm: --gpus)
SELECT_GPU = 0 if config["select"]["device"] == "cpu" or config["select"]["method"] == "moore-lewis" else 1
ENTS = "protected" if config["entities"]["protect"] else "plain"
FULL = f"selected.r{ROUNDS}.{ENTS}.rescored.filtered"  # the configured pipeline: every stage on
ABLATION = {  # the paper's cumulative rows
    "+ raw translation": "general.r0.plain.1best.unfiltered",
    "+ embedding selection": "selected.r0.plain.1best.unfiltered",
    "+ self-training": f"selected.r{ROUNDS}.plain.1best.unfiltered",
    "+ n-best rescoring": f"selected.r{ROUNDS}.plain.rescored.unfiltered",
    "+ LM filtering": f"selected.r{ROUNDS}.plain.rescored.filtered",
}
ROLES = config.get("roles")  # the in-domain data by role (roles.py), or None: in_domain is split
SOURCE_TAGS = (ROLES or {}).get("pool_tags") or (config.get("in_domain") or {}).get("source_tags_field")
PROTECTS = [name for name, on in (("entity protection", SOURCE_TAGS),
                                  ("code-switch copying", config["entities"]["code_switch"])) if on]
if PROTECTS:  # slot markup or code-switched words: the protected variant gets its row
    ABLATION[f"+ {' and '.join(PROTECTS)}"] = f"selected.r{ROUNDS}.protected.rescored.filtered"
# Translators a team brings (config translators; translators.smk): each one's pool translations, rescored
# and filtered as the pipeline's, are the variant x-<name>.r0.plain.rescored.filtered; the union of every
# translator's n-best lists (the pipeline's own included) is the variant union.r0.plain.rescored.filtered.
TRANSLATORS = {t["name"]: t for t in config["translators"]}
EXTERNAL = {name: f"x-{name}.r0.plain.rescored.filtered" for name in TRANSLATORS}
UNION = "union.r0.plain.rescored.filtered"
TOPK_ROW = "+ top-k translations (k on dev)"  # the pipeline's top-k hypotheses instead of its 1-best
ORACLE_ROW = "oracle (real pool text)" if not config.get("roles") else "+ ideal translation (real pool text)"

# LM components mixed with the seed LM (lm.components), declared once: the LM each one names
# (models/<run>/lm/<lm>.arpa), its label in tables, and what it is made of: translations (the ideal LM puts
# the real pool text in their place) or new-language text a team already holds (built by rule lm_component
# with a vocabulary cut chosen on dev, and a baseline of its own: seed + it, no translator). The text of a
# held component is looked up when rule lm_component needs it (component_text). A mixture is
# models/<run>/lm/mix-<lm>+<lm>...(seed first, implicit).
COMPONENTS = {
    "translated": {"lm": FULL, "label": "translations", "made_of": "translations"},
    "nbest": {"lm": "nbest", "label": "top-k translations", "made_of": "translations", "cut": True},
    "general": {"lm": "general", "label": "general text", "made_of": "held text", "cut": True},
    "selected": {"lm": "selected", "label": "selected text", "made_of": "held text", "cut": True},
    **{name: {"lm": EXTERNAL[name], "label": f"{spec['label'] or name} translations", "made_of": "translations"}
       for name, spec in TRANSLATORS.items()},
    **({"union": {"lm": UNION, "label": "every translator's n-best (union)", "made_of": "translations"}}
       if TRANSLATORS else {}),
}
TEXT_COMPONENTS = tuple(name for name, c in COMPONENTS.items() if c.get("cut"))  # rule lm_component
CONFIGURED_PARTS = [COMPONENTS[c] for c in config["lm"]["components"]]
CONFIGURED = "mix-" + "+".join(c["lm"] for c in CONFIGURED_PARTS)  # the LM lmboot ships
# The configured LM with the real pool text in place of its translations: what an ideal translator would give.
HELD_PARTS = [c for c in CONFIGURED_PARTS if c["made_of"] == "held text"]
IDEAL = "mix-" + "+".join(["oracle"] + [c["lm"] for c in HELD_PARTS]) if HELD_PARTS else None
BASELINES = {  # what a speech engineer tries first: the new-language text already held, no translator
    f"seed + {c['label']} (baseline)": f"mix-{c['lm']}" for c in COMPONENTS.values() if c["made_of"] == "held text"
}
# With translators a team brings, the configured LM without them (lmboot's own translator only) is a baseline too:
# what the translators add is measured against it.
OWN_PARTS = [c for c in config["lm"]["components"] if c not in TRANSLATORS and c != "union"]
if OWN_PARTS and OWN_PARTS != config["lm"]["components"] and len(OWN_PARTS) > 1:
    OWN_LABEL = " + ".join(["seed", *(COMPONENTS[c]["label"] for c in OWN_PARTS)])
    BASELINES[f"lmboot's translator alone: {OWN_LABEL} (baseline)"] = "mix-" + "+".join(COMPONENTS[c]["lm"] for c in OWN_PARTS)


# The oracle rows need the real new-language side of the pool: in_domain has it, roles only with pool_reference.
ORACLE = config["lm"]["oracle"] and (not ROLES or bool(ROLES.get("pool_reference")))

# The choices of the translator on dev (checkpoint, guards, rescoring lambda; lmboot/choose.py): chrf against
# the dev references, or dev_ppl (seed + an LM of the translations of a pool sample; no parallel text).
CRITERION = tuning_criterion(config)


def criterion_inputs():
    """The inputs of a choice on dev besides dev.src: the dev text, the seed LM for dev_ppl and dev_wer, the
    dev speech (CTC emissions, manifest) for dev_wer."""
    seed_arpa = {"seed_arpa": f"{MODELS}/lm/seed.arpa"} if CRITERION != "chrf" else {}
    speech = ({"dev_emissions": f"{DATA}/asr/dev/ctc.emissions.npz", "dev_manifest": f"{DATA}/asr/dev/manifest.tsv"}
              if CRITERION == "dev_wer" else {})
    return {"dev_tgt": rules.prepare.output.dev_tgt, **seed_arpa, **speech}


def criterion_args(wildcards, input):
    """The criterion options of lmboot train / pretrained / rescore (criterion_inputs)."""
    if CRITERION == "chrf":
        return "--criterion chrf"
    order, weight = config["lm"]["order"], config["lm"]["seed_weight"]
    args = f"--criterion {CRITERION} --seed-arpa {input.seed_arpa} --lm-order {order} --lm-seed-weight {weight}"
    if CRITERION == "dev_wer":
        asr = cli_section("train", "asr")  # train, pretrained and rescore read the same keys
        args += f" --dev-emissions {input.dev_emissions} --dev-manifest {input.dev_manifest} --asr {shlex.quote(asr)}"
    return args


TUNE = config["select"]["tune"]  # choose the selection's cut on dev (select.smk)
FINETUNE_GENERAL = config["select"]["finetune_general"]  # selected translator = general one fine-tuned


def cli_section(command, name, **override):
    """The keys of config section `name` that `lmboot <command>` reads (declared beside the command in
    lmboot/cli), as one JSON argument: a rule's params hold exactly these, so that changing any other setting
    re-runs nothing. override: values in place of the config's."""
    values = {**config[name], **override}
    return json.dumps({key: values[key] for key in section_keys(command, name)}, sort_keys=True)


def tuning_budget(corpus):
    """A select.tune candidate's translator trains under the tuning budget."""
    return {"stop_time_hours": TUNE["stop_time_hours"], "max_updates": TUNE["max_updates"]} if corpus.startswith("cut") else {}


def prepare_config():
    """What prepare reads (so that changing a later stage's settings does not re-make the data)."""
    keys = ("roles" if ROLES else "in_domain", "general", "normalize", "split")
    out = {k: config[k] for k in keys}
    if config["normalize"]["spoken_form"]:  # the spoken form is per language
        out["languages"] = config["languages"]
    if CRITERION != "chrf":  # what dev.src holds
        out["tuning"] = {"criterion": CRITERION, "pool_sample": config["tuning"]["pool_sample"]}
    return out


def in_domain_specs():
    """The corpus specs prepare reads for in-domain data: in_domain, or the text of each role."""
    return [ROLES[role] for role in sorted(ROLES) if ROLES[role]] if ROLES else [config["in_domain"]]


def dirname(path):
    return os.path.dirname(path)


def corpus_paths(spec):
    """The paths a corpus spec names (files or directories)."""
    if "source_path" in spec:  # format plain: two aligned files
        return [spec["source_path"], spec["target_path"]]
    return [spec["path"]] if isinstance(spec["path"], str) else spec["path"]


def download_for(path):
    """The configured download whose `to` holds path, or None."""
    for spec in config["downloads"]:
        to = os.path.normpath(spec["to"])
        if os.path.normpath(path) == to or os.path.normpath(path).startswith(to + os.sep):
            return spec
    return None


def corpus_files(spec):
    """Input files of a corpus spec, judged by content, not time: a corpus copied again (new mtime, same
    bytes) re-makes nothing, while changed bytes re-run the rule through its fingerprint param. A path
    under a download's `to` waits for that download."""
    return [ancient((download_for(path) or {"to": path})["to"]) for path in corpus_paths(spec)]


def made_here(path):
    """What makes a corpus file inside this workflow (a download, the demo data), as text; None if given."""
    download = download_for(path)
    if download:
        return f"{download['url']}\t{download['sha256']}"
    demo = config.get("demo_data")
    if demo and os.path.normpath(path).startswith(os.path.normpath(demo["out"]) + os.sep):
        return json.dumps(demo, sort_keys=True)
    return None


def fingerprint(*specs):
    """sha256 over the names, sizes and bytes of a corpus's files (directories: every file in them); a
    corpus this workflow makes (a download, the demo data) counts by what makes it: it may not be there
    when the DAG is built, and must not look changed once it is."""
    digest = hashlib.sha256()
    for spec in specs:
        for path in map(Path, corpus_paths(spec)):
            maker = made_here(path)
            if maker is not None:
                digest.update(f"{path}\t{maker}\n".encode())
                continue
            files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
            for f in files:
                if not f.exists():
                    continue  # a missing input is Snakemake's to report (or a rule's to make)
                digest.update(f"{f.name}\t{f.stat().st_size}\n".encode())
                hash_bytes(f, digest)
    return digest.hexdigest()[:16]


def bitext(corpus):
    """The bitext a translator trains on: the selected pairs (the cut chosen on dev under select.tune), a
    tuning candidate's cut, or the whole general corpus."""
    if corpus == "selected":
        if TUNE:
            return {"src": rules.choose_cut.output.src, "tgt": rules.choose_cut.output.tgt}
        return {"src": rules.select.output.src, "tgt": rules.select.output.tgt}
    if corpus.startswith("cut"):
        return {"src": f"{DATA}/select/{corpus}/kept.src", "tgt": f"{DATA}/select/{corpus}/kept.tgt"}
    return {"src": rules.prepare.output.general_src, "tgt": rules.prepare.output.general_tgt}


def checkpoint_of(corpus, r):
    return f"{MODELS}/{corpus}/round{r}/checkpoint_best.pt"


CT2_PRETRAINED = bool(NMT["pretrained"] and NMT["pretrained"].get("ct2_model"))
PRETRAINED_CORPUS = NMT["pretrained"]["corpus"] if NMT["pretrained"] else None  # the translator it replaces


def translator_model(corpus, r):
    """What translates for a translator round: its fairseq checkpoint, or the installed CTranslate2 model
    directory when round 0 of this translator is a pre-trained CTranslate2 model."""
    if CT2_PRETRAINED and corpus == PRETRAINED_CORPUS and int(r) == 0:
        return f"{MODELS}/{corpus}/round0/ct2-model"
    return checkpoint_of(corpus, r)


def training_pairs(wildcards):
    """Round 0 trains on the bitext (with select.finetune_general, the selected one fine-tunes the general
    translator on it); round r > 0 fine-tunes round r-1 on bitext + round r's pseudo-pairs."""
    r = int(wildcards.r)
    if r == 0 and wildcards.corpus == "selected" and FINETUNE_GENERAL:
        return {**bitext("selected"), "restore": checkpoint_of("general", 0)}
    if r == 0:
        return bitext(wildcards.corpus)
    return {"src": f"{DATA}/{wildcards.corpus}/selftrain/round{r}.src",
            "tgt": f"{DATA}/{wildcards.corpus}/selftrain/round{r}.tgt",
            "restore": checkpoint_of(wildcards.corpus, r - 1)}


def variant_parts(variant):
    corpus, r, ents, rescore, filter_ = variant.split(".")
    return {"corpus": corpus, "r": r[1:], "ents": ents, "rescore": rescore, "filter": filter_}


VARIANT_RE = r"(selected|general|cut\d+|x-[a-z][a-z0-9_]*|union)\.r\d+\.(plain|protected)\.(rescored|1best)\.(filtered|unfiltered)"
MIX_PART = f"(general|selected|nbest|oracle|{VARIANT_RE})"  # what mix-<part>+<part>... may hold besides the seed


def translations(wildcards, part):
    """The n-best lists a variant rescoring reads: plain, or with entities protected and put back; a plain
    1best variant reads the translator's 1-best translation (rule translate_1best); a translator a team
    brings, and the union of every translator's lists, have their own (translators.smk)."""
    if wildcards.corpus.startswith("x-") or wildcards.corpus == "union":
        return f"{DATA}/{wildcards.corpus}/{part}.nbest.jsonl"
    if wildcards.rescore == "1best" and wildcards.ents == "plain":
        return one_best_translation(wildcards.corpus, wildcards.r, part)
    suffix = "-entities" if wildcards.ents == "protected" else ""
    return f"{DATA}/{wildcards.corpus}/translate/r{wildcards.r}.{part}{suffix}.nbest.jsonl"


def one_best_translation(corpus, r, part):
    """A translator's 1-best translation of the pool or dev, one job and nbest 1: what self-training and the
    1best variants read, so that nmt.nbest and nmt.chunks (the n-best lists' business) re-train nothing."""
    return f"{DATA}/{corpus}/translate/r{r}.{part}.1best.jsonl"


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
    """The ARPA files a mixture mix-<a>+<b>... is made of, the seed first."""
    return [f"{MODELS}/lm/{part}.arpa" for part in ["seed", *wildcards.name.split("+")]]


def configured_label():
    return "configured: " + " + ".join(["seed", *(c["label"] for c in CONFIGURED_PARTS)])


def ideal_label():
    return "ideal: " + " + ".join(["seed", "real pool text", *(c["label"] for c in HELD_PARTS)])


def lm_row(label, name, **extra):
    """An LM row of a table: the binary and ARPA model, its mixture weights when it is a mixture."""
    row = {"label": label, "lm": f"{MODELS}/lm/{name}.bin", "arpa": f"{MODELS}/lm/{name}.arpa", **extra}
    if name.startswith("mix-"):
        row["mix"] = f"{MODELS}/lm/{name}.json"
    return row


def ablation_rows():
    """Rows of the ablation table: seed-only, the baselines without translation, each cumulative variant
    interpolated with the seed, the top-k translations, the configured LM, the oracle."""
    rows = [lm_row("seed-only", "seed")]
    rows += [lm_row(label, name, baseline=True) for label, name in BASELINES.items()]
    for label, variant in ABLATION.items():
        v = variant_parts(variant)
        rows.append(lm_row(label, f"mix-{variant}",
                           translator=f"{MODELS}/{v['corpus']}/round{v['r']}/dev_scores.json",
                           filter=f"{DATA}/variants/{variant}.json", bitext=bitext(v["corpus"])["src"]))
    rows.append(lm_row(TOPK_ROW, "mix-nbest", filter=f"{DATA}/variants/nbest.json"))
    rows += translator_rows()
    if CONFIGURED not in (f"mix-{FULL}", "mix-nbest", *TRANSLATOR_MIXES):
        rows.append(lm_row(configured_label(), CONFIGURED))
    if ORACLE:  # the real new-language side of the pool: an ideal translation of the log
        rows.append(lm_row(ORACLE_ROW, "mix-oracle"))
        if IDEAL:
            rows.append(lm_row(ideal_label(), IDEAL))
    if config["asr"]["enabled"]:  # WER columns: asr.smk decodes each row's LM
        for row in rows:
            name = os.path.basename(row["lm"])[: -len(".bin")]
            row.update({k: v for k, v in wer_rows({"": name})[0].items() if k != "label"})
    return rows


EVERY_TRANSLATOR = "mix-" + "+".join(["nbest", *EXTERNAL.values()])  # seed + each translator's own component
TRANSLATOR_ROW = "+ {}"  # a translator alone with the seed (and the union of all)
TRANSLATOR_MIXES = [*(f"mix-{v}" for v in EXTERNAL.values()), f"mix-{UNION}", EVERY_TRANSLATOR] if TRANSLATORS else []


def translator_rows():
    """The rows of the translators a team brings: each alone with the seed, the union of every translator's
    n-best lists, and every translator's component together (the pipeline's top-k and each one's)."""
    if not TRANSLATORS:
        return []
    rows = [lm_row(TRANSLATOR_ROW.format(spec["label"] or name), f"mix-{EXTERNAL[name]}",
                   translator=f"{DATA}/x-{name}/dev_scores.json", filter=f"{DATA}/variants/{EXTERNAL[name]}.json")
            for name, spec in TRANSLATORS.items()]
    rows.append(lm_row(TRANSLATOR_ROW.format("union of every translator's n-best"), f"mix-{UNION}", filter=f"{DATA}/variants/{UNION}.json"))
    parts = " + ".join(["seed", "top-k translations", *(COMPONENTS[name]["label"] for name in TRANSLATORS)])
    rows.append(lm_row(f"every translator: {parts}", EVERY_TRANSLATOR))
    return rows


def wer_rows(lms, baselines=()):
    """Rows of a WER table: each LM's result from each of asr.recognizers (asr.smk); labels in baselines are
    marked as baseline rows (each row is also compared with the best of them)."""
    return [{"label": label, **{key: f"{DATA}/asr/{key}/{name}.json" for key in config["asr"]["recognizers"]},
             **({"baseline": True} if label in baselines else {})}
            for label, name in lms.items()]


def row_files(rows):
    """The files a table's rows read (every value but the label and the baseline flag)."""
    return sorted({path for row in rows for key, path in row.items() if key not in ("label", "baseline")})


def ablation_files():
    return row_files(ablation_rows())


def dev_choices():
    """The stats files holding the choice records of the configured pipeline (lmboot/choose.py), by stage."""
    made = {
        "rescoring λ": f"{DATA}/variants/selected.r{ROUNDS}.{ENTS}.rescored.json",
        "LM filter percentile": f"{DATA}/variants/{FULL}.json",
        "top-k": f"{DATA}/variants/nbest.json",
        **({"selected translator r0 guard": f"{MODELS}/selected/round0/dev_scores.json"} if ROUNDS else {}),
        "self-training guard" if ROUNDS else "selected translator r0 guard": f"{MODELS}/selected/round{ROUNDS}/dev_scores.json",
        **{f"{c} vocabulary cut": f"{MODELS}/lm/{c}.json" for c in config["lm"]["components"] if c in TEXT_COMPONENTS},
        **{f"{c} rescoring λ, LM filter percentile": f"{DATA}/variants/{COMPONENTS[c]['lm']}.json"
           for c in config["lm"]["components"] if c in TRANSLATORS or c == "union"},
    }
    if config["asr"]["enabled"]:
        recognizers = {"sphinx": "PocketSphinx LM weight", "whisper": "Whisper α β", "ctc": "CTC LM weight, word score"}
        made.update({title: f"{DATA}/asr/{key}/{CONFIGURED}.json" for key, title in recognizers.items()
                     if key in config["asr"]["recognizers"]})
    return made


def checkpoint_choices():
    """The checkpoint choice of each translator (absent with checkpoint_choice: loss or a pre-trained model)."""
    rounds = [("general", 0)] * bool(FINETUNE_GENERAL) + [("selected", r) for r in range(ROUNDS + 1)]
    return {f"{corpus} translator r{r} checkpoint": f"{MODELS}/{corpus}/round{r}/choice.json" for corpus, r in rounds}
