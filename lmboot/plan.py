"""The pipeline's plan: what a validated config asks the workflow to make, as the rules and the reports need
it. `Plan(config)` holds the LM components (each one's LM, label, what it is made of, whether it gets a
vocabulary cut), the ways of making translated text (variants), the ablation rows, the LMs the WER table
decodes and the choices made on dev; the workflow (workflow/rules/common.smk) adds only what touches its
rules. Pure functions of the config: tests/test_plan.py checks them without Snakemake.

Names of the workflow's files:
  variant  "{corpus}.r{r}.{ents}.{rescore}.{filter}": one way of making the translated text, where
           corpus is "selected" (select stage), "general" (all of the bitext), "cut{k}" (candidate k of
           select.tune), "x-<name>" (a translator a team brings) or "union" (every translator's n-best);
           r the self-training round (0 = the bitext only); ents "protected" (entity spans copied through
           translation) or "plain"; rescore "rescored" (n-best + seed LM) or "1best"; filter "filtered"
           (lm_filter) or "unfiltered". The ablation rows are variants, so what two rows share is made once.
  LM       models/<run>/lm/<name>: seed, oracle, a variant, a text component (general, selected, nbest),
           or a mixture mix-<part>+<part>... (the seed first, implicit).
"""

from __future__ import annotations

import json

from lmboot.asr.recognizers import REGISTRY
from lmboot.components import BUILT_IN, Component
from lmboot.config import tuning_criterion

CORPUS_RE = r"selected|general|cut\d+|x-[a-z][a-z0-9_]*|union"
VARIANT_RE = rf"({CORPUS_RE})\.r\d+\.(plain|protected)\.(rescored|1best)\.(filtered|unfiltered)"
UNION = "union.r0.plain.rescored.filtered"
TOPK_ROW = "+ top-k translations (k on dev)"  # the pipeline's top-k hypotheses instead of its 1-best
TRANSLATOR_ROW = "+ {}"  # a translator alone with the seed (and the union of all)
# What a table's row is: seed-only; a baseline without translation; a way of making translated text (a method
# row); the configured LM; the oracle (the real pool text); the ideal (the configured LM with the real pool
# text in place of its translations). The reports take rows by kind, never by label.
KINDS = ("seed", "baseline", "method", "configured", "oracle", "ideal")


def mix_part() -> str:
    """What mix-<part>+<part>... may hold besides the seed: a built-in component's LM, the oracle, a variant."""
    return f"({'|'.join(name for name in BUILT_IN if name != 'translated')}|oracle|{VARIANT_RE})"


def variant_parts(variant: str) -> dict:
    corpus, r, ents, rescore, filter_ = variant.split(".")
    return {"corpus": corpus, "r": r[1:], "ents": ents, "rescore": rescore, "filter": filter_}


class Plan:
    def __init__(self, config: dict):
        self.config, nmt = config, config["nmt"]
        run = config["run"]
        self.data, self.models, self.results = f"data/{run}", f"models/{run}", f"results/{run}"
        self.rounds = nmt["self_training_rounds"]
        self.roles = config.get("roles")  # the in-domain data by role (roles.py), or None: in_domain is split
        self.ents = "protected" if config["entities"]["protect"] else "plain"
        self.full = f"selected.r{self.rounds}.{self.ents}.rescored.filtered"  # the configured pipeline's variant
        self.gpu = 0 if nmt["device"] == "cpu" else 1  # resources: gpu of training and translation (Slurm: --gpus)
        self.select_gpu = 0 if config["select"]["device"] == "cpu" or config["select"]["method"] == "moore-lewis" else 1
        self.tune = config["select"]["tune"]  # choose the selection's cut on dev (select.smk)
        self.finetune_general = config["select"]["finetune_general"]  # selected translator = general one fine-tuned
        pretrained = nmt["pretrained"]
        self.ct2_pretrained = bool(pretrained and pretrained.get("ct2_model"))
        self.pretrained_corpus = pretrained["corpus"] if pretrained else None  # the translator it replaces
        # The choices of the translator on dev (lmboot/choose.py): chrf against the dev references, or dev_ppl
        # (seed + an LM of the translations of a pool sample; no parallel text), or dev_wer.
        self.criterion = tuning_criterion(config)
        # Translators a team brings (translators.smk): each one's pool translations, rescored and filtered as
        # the pipeline's, are the variant x-<name>.r0.plain.rescored.filtered; the union of every translator's
        # n-best lists (the pipeline's own included) is the variant union.r0.plain.rescored.filtered.
        self.translators = {t["name"]: t for t in config["translators"]}
        self.external = {name: f"x-{name}.r0.plain.rescored.filtered" for name in self.translators}
        self.components = self._components()
        self.text_components = tuple(name for name, c in self.components.items() if c.cut)  # rule lm_component
        self.configured_parts = [self.components[c] for c in config["lm"]["components"]]
        self.configured = "mix-" + "+".join(c.lm for c in self.configured_parts)  # the LM lmboot ships
        # The configured LM with the real pool text in place of its translations: what an ideal translator gives.
        self.held_parts = [c for c in self.configured_parts if c.made_of == "held text"]
        self.ideal = "mix-" + "+".join(["oracle"] + [c.lm for c in self.held_parts]) if self.held_parts else None
        self.baselines = self._baselines()
        # The oracle rows need the real new-language side of the pool: in_domain has it, roles only with
        # pool_reference.
        self.oracle = config["lm"]["oracle"] and (not self.roles or bool(self.roles.get("pool_reference")))
        self.oracle_row = "oracle (real pool text)" if not self.roles else "+ ideal translation (real pool text)"
        self.every_translator = "mix-" + "+".join(["nbest", *self.external.values()])
        self.translator_mixes = (
            [*(f"mix-{v}" for v in self.external.values()), f"mix-{UNION}", self.every_translator]
            if self.translators
            else []
        )
        self.recognizers = [REGISTRY[key] for key in config["asr"]["recognizers"]]

    def _components(self) -> dict[str, Component]:
        built_in = {
            name: Component(self.full if name == "translated" else name, label, made_of, cut)
            for name, (label, made_of, cut) in BUILT_IN.items()
        }
        return {
            **built_in,
            **{
                name: Component(self.external[name], f"{spec['label'] or name} translations", "translations")
                for name, spec in self.translators.items()
            },
            **(
                {"union": Component(UNION, "every translator's n-best (union)", "translations")}
                if self.translators
                else {}
            ),
        }

    def _baselines(self) -> dict[str, str]:
        """What a speech engineer tries first: the new-language text already held, no translator; with
        translators a team brings, also the configured LM without them (lmboot's own translator only), against
        which what the translators add is measured. Label -> LM."""
        baselines = {
            f"seed + {c.label} (baseline)": f"mix-{c.lm}" for c in self.components.values() if c.made_of == "held text"
        }
        parts = self.config["lm"]["components"]
        own = [c for c in parts if c not in self.translators and c != "union"]
        if own and own != parts and len(own) > 1:
            label = " + ".join(["seed", *(self.components[c].label for c in own)])
            baselines[f"lmboot's translator alone: {label} (baseline)"] = "mix-" + "+".join(
                self.components[c].lm for c in own
            )
        return baselines

    def cumulative(self) -> dict[str, str]:
        """The paper's cumulative rows: label -> variant (and the protected variant's, with slot markup or
        code-switched words)."""
        r = self.rounds
        rows = {
            "+ raw translation": "general.r0.plain.1best.unfiltered",
            "+ embedding selection": "selected.r0.plain.1best.unfiltered",
            "+ self-training": f"selected.r{r}.plain.1best.unfiltered",
            "+ n-best rescoring": f"selected.r{r}.plain.rescored.unfiltered",
            "+ LM filtering": f"selected.r{r}.plain.rescored.filtered",
        }
        tags = (self.roles or {}).get("pool_tags") or (self.config.get("in_domain") or {}).get("source_tags_field")
        protects = [
            name
            for name, on in (
                ("entity protection", tags),
                ("code-switch copying", self.config["entities"]["code_switch"]),
            )
            if on
        ]
        if protects:
            rows[f"+ {' and '.join(protects)}"] = f"selected.r{r}.protected.rescored.filtered"
        return rows

    def configured_label(self) -> str:
        return "configured: " + " + ".join(["seed", *(c.label for c in self.configured_parts)])

    def ideal_label(self) -> str:
        return "ideal: " + " + ".join(["seed", "real pool text", *(c.label for c in self.held_parts)])

    def kind_of(self, name: str) -> str:
        """The kind of a method row's LM: "configured" when it is the configured LM, else "method"."""
        return "configured" if name == self.configured else "method"

    def lm_row(self, label: str, name: str, kind: str = "", **extra) -> dict:
        """An LM row of a table: its kind (KINDS; a method row's by kind_of), the binary and ARPA model, its
        mixture weights when it is a mixture, each of asr.recognizers' results when asr is enabled."""
        row = {
            "label": label,
            "kind": kind or self.kind_of(name),
            "lm": f"{self.models}/lm/{name}.bin",
            "arpa": f"{self.models}/lm/{name}.arpa",
            **extra,
        }
        if name.startswith("mix-"):
            row["mix"] = f"{self.models}/lm/{name}.json"
        if self.config["asr"]["enabled"]:  # WER columns: asr.smk decodes each row's LM
            row.update(self.results_of(name))
        return row

    def ablation_rows(self, bitext) -> list[dict]:
        """Rows of the ablation table: seed-only, the baselines without translation, each cumulative variant
        interpolated with the seed, the top-k translations, the translators a team brings, the configured LM,
        the oracle. bitext(corpus): the {"src", "tgt"} a translator trains on (the workflow's files)."""
        rows = [self.lm_row("seed-only", "seed", "seed")]
        rows += [self.lm_row(label, name, "baseline") for label, name in self.baselines.items()]
        for label, variant in self.cumulative().items():
            v = variant_parts(variant)
            rows.append(
                self.lm_row(
                    label,
                    f"mix-{variant}",
                    translator=f"{self.models}/{v['corpus']}/round{v['r']}/dev_scores.json",
                    filter=f"{self.data}/variants/{variant}.json",
                    bitext=bitext(v["corpus"])["src"],
                )
            )
        rows.append(self.lm_row(TOPK_ROW, "mix-nbest", filter=f"{self.data}/variants/nbest.json"))
        rows += self.translator_rows()
        if self.configured not in (f"mix-{self.full}", "mix-nbest", *self.translator_mixes):
            rows.append(self.lm_row(self.configured_label(), self.configured))
        if self.oracle:  # the real new-language side of the pool: an ideal translation of the log
            rows.append(self.lm_row(self.oracle_row, "mix-oracle", "oracle"))
            if self.ideal:
                rows.append(self.lm_row(self.ideal_label(), self.ideal, "ideal"))
        return rows

    def translator_rows(self) -> list[dict]:
        """The rows of the translators a team brings: each alone with the seed, the union of every translator's
        n-best lists, and every translator's component together (the pipeline's top-k and each one's)."""
        if not self.translators:
            return []
        rows = [
            self.lm_row(
                TRANSLATOR_ROW.format(spec["label"] or name),
                f"mix-{self.external[name]}",
                translator=f"{self.data}/x-{name}/dev_scores.json",
                filter=f"{self.data}/variants/{self.external[name]}.json",
            )
            for name, spec in self.translators.items()
        ]
        rows.append(
            self.lm_row(
                TRANSLATOR_ROW.format("union of every translator's n-best"),
                f"mix-{UNION}",
                filter=f"{self.data}/variants/{UNION}.json",
            )
        )
        parts = " + ".join(["seed", "top-k translations", *(self.components[n].label for n in self.translators)])
        rows.append(self.lm_row(f"every translator: {parts}", self.every_translator))
        return rows

    def wer_lms(self) -> dict[str, tuple[str, str]]:
        """The LMs of the WER table (snakemake wer): seed-only, the baselines, the pipeline, the configured
        LM and the oracle. Label -> (LM, kind)."""
        lms = {"seed-only": ("seed", "seed"), **{label: (lm, "baseline") for label, lm in self.baselines.items()}}
        lms["seed + translated"] = (f"mix-{self.full}", self.kind_of(f"mix-{self.full}"))
        if self.configured != f"mix-{self.full}":
            lms[self.configured_label()] = (self.configured, "configured")
        if self.oracle:
            lms["seed + oracle"] = ("mix-oracle", "oracle")
        return lms

    def results_of(self, lm: str) -> dict[str, str]:
        """Each of asr.recognizers' result file for an LM, by recognizer key."""
        return {r.key: r.result(self.data, lm) for r in self.recognizers}

    def wer_rows(self, lms: dict[str, tuple[str, str]]) -> list[dict]:
        """Rows of a WER table: each LM's kind and its result from each of asr.recognizers (each row is also
        compared with the best of the baseline rows)."""
        return [{"label": label, "kind": kind, **self.results_of(lm)} for label, (lm, kind) in lms.items()]

    def eval_lms(self) -> dict[str, str]:
        """The LMs of results/<run>/metrics (rule evaluate): label -> LM."""
        lms = {
            "seed": "seed",
            "translated": self.full,
            "mix-translated": f"mix-{self.full}",
            "mix-general": "mix-general",
            "mix-selected": "mix-selected",
            "configured": self.configured,
        }
        if self.oracle:
            lms.update({"oracle": "oracle", "mix-oracle": "mix-oracle"})
        return lms

    def dev_choices(self) -> dict[str, str]:
        """The stats files holding the choice records of the configured pipeline (lmboot/choose.py), by stage."""
        data, models, r, parts = self.data, self.models, self.rounds, self.config["lm"]["components"]
        made = {
            "rescoring λ": f"{data}/variants/selected.r{r}.{self.ents}.rescored.json",
            "LM filter percentile": f"{data}/variants/{self.full}.json",
            "top-k": f"{data}/variants/nbest.json",
            **({"selected translator r0 guard": f"{models}/selected/round0/dev_scores.json"} if r else {}),
            "self-training guard"
            if r
            else "selected translator r0 guard": f"{models}/selected/round{r}/dev_scores.json",
            **{f"{c} vocabulary cut": f"{models}/lm/{c}.json" for c in parts if c in self.text_components},
            **{
                f"{c} rescoring λ, LM filter percentile": f"{data}/variants/{self.components[c].lm}.json"
                for c in parts
                if c in self.translators or c == "union"
            },
        }
        if self.config["asr"]["enabled"]:
            made.update(
                {
                    info.tuned: info.result(data, self.configured)
                    for info in REGISTRY.values()
                    if info in self.recognizers
                }
            )
        return made

    def checkpoint_choices(self) -> dict[str, str]:
        """The checkpoint choice of each translator (absent with checkpoint_choice: loss or a pre-trained model)."""
        rounds = [("general", 0)] * bool(self.finetune_general) + [("selected", r) for r in range(self.rounds + 1)]
        return {
            f"{corpus} translator r{r} checkpoint": f"{self.models}/{corpus}/round{r}/choice.json"
            for corpus, r in rounds
        }

    def tuning_budget(self, corpus: str) -> dict:
        """A select.tune candidate's translator trains under the tuning budget."""
        if not corpus.startswith("cut"):
            return {}
        return {"stop_time_hours": self.tune["stop_time_hours"], "max_updates": self.tune["max_updates"]}

    def checkpoint(self, corpus: str, r) -> str:
        return f"{self.models}/{corpus}/round{r}/checkpoint_best.pt"

    def translator_model(self, corpus: str, r) -> str:
        """What translates for a translator round: its fairseq checkpoint, or the installed CTranslate2 model
        directory when round 0 of this translator is a pre-trained CTranslate2 model."""
        if self.ct2_pretrained and corpus == self.pretrained_corpus and int(r) == 0:
            return f"{self.models}/{corpus}/round0/ct2-model"
        return self.checkpoint(corpus, r)

    def one_best_translation(self, corpus: str, r, part: str) -> str:
        """A translator's 1-best translation of the pool or dev, one job and nbest 1: what self-training and the
        1best variants read, so that nmt.nbest and nmt.chunks (the n-best lists' business) re-train nothing."""
        return f"{self.data}/{corpus}/translate/r{r}.{part}.1best.jsonl"

    def translations(self, corpus: str, r, ents: str, rescore: str, part: str) -> str:
        """The n-best lists a variant's rescoring reads: plain, or with entities protected and put back; a
        plain 1best variant reads the translator's 1-best translation; a translator a team brings, and the
        union of every translator's lists, have their own (translators.smk)."""
        if corpus.startswith("x-") or corpus == "union":
            return f"{self.data}/{corpus}/{part}.nbest.jsonl"
        if rescore == "1best" and ents == "plain":
            return self.one_best_translation(corpus, r, part)
        suffix = "-entities" if ents == "protected" else ""
        return f"{self.data}/{corpus}/translate/r{r}.{part}{suffix}.nbest.jsonl"

    def mix_inputs(self, name: str) -> list[str]:
        """The ARPA files a mixture mix-<name> (<a>+<b>...) is made of, the seed first."""
        return [f"{self.models}/lm/{part}.arpa" for part in ["seed", *name.split("+")]]

    def cli_section(self, command: str, name: str, **override) -> str:
        """The keys of config section `name` that `lmboot <command>` reads (declared beside the command in
        lmboot/cli), as one JSON argument: a rule's params hold exactly these, so that changing any other
        setting re-runs nothing. override: values in place of the config's."""
        from lmboot.cli import section_keys

        values = {**self.config[name], **override}
        return json.dumps({key: values[key] for key in section_keys(command, name)}, sort_keys=True)

    def prepare_config(self) -> dict:
        """What prepare reads (so that changing a later stage's settings does not re-make the data)."""
        config = self.config
        out = {k: config[k] for k in ("roles" if self.roles else "in_domain", "general", "normalize", "split")}
        if config["normalize"]["spoken_form"]:  # the spoken form is per language
            out["languages"] = config["languages"]
        if self.criterion != "chrf":  # what dev.src holds
            out["tuning"] = {"criterion": self.criterion, "pool_sample": config["tuning"]["pool_sample"]}
        return out

    def in_domain_specs(self) -> list[dict]:
        """The corpus specs prepare reads for in-domain data: in_domain, or the text of each role."""
        roles = self.roles
        return [roles[role] for role in sorted(roles) if roles[role]] if roles else [self.config["in_domain"]]


def row_files(rows: list[dict]) -> list[str]:
    """The files a table's rows read (every value but the label and the kind)."""
    return sorted({path for row in rows for key, path in row.items() if key not in ("label", "kind")})
