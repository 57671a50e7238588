# evaluate: test perplexity and OOV of every LM -> results/<run>/metrics.{json,md}; the ablation table
# (snakemake ablation) -> results/<run>/ablation.{json,md} (lmboot/report/evaluate.py)

EVAL_LMS = PLAN.eval_lms()  # label -> LM
STAGE_STATS = {
    "prepare": rules.prepare.output.stats,
    "select": rules.select.output.stats,
    "rescore": f"{DATA}/variants/selected.r{ROUNDS}.{PLAN.ents}.rescored.json",
    "lm_filter": f"{DATA}/variants/{PLAN.full}.json",
    "mix": f"{MODELS}/lm/mix-{PLAN.full}.json",
    "configured_mix": f"{MODELS}/lm/{PLAN.configured}.json",
    "general_lm": f"{MODELS}/lm/general.json",
    "translator": f"{MODELS}/selected/round{ROUNDS}/dev_scores.json",
    "translator_round0": f"{MODELS}/selected/round0/dev_scores.json",
}


rule evaluate:
    input:
        lms=[f"{MODELS}/lm/{name}.bin" for name in EVAL_LMS.values()],
        arpas=[f"{MODELS}/lm/{name}.arpa" for name in EVAL_LMS.values()],
        test=rules.prepare.output.test,
        stats=list(STAGE_STATS.values()),
    output:
        json=f"{RESULTS}/metrics.json",
        md=report(f"{RESULTS}/metrics.md", caption="../report/metrics.rst", category="Results"),
    params:
        lms=" ".join(f"{label}={MODELS}/lm/{name}.bin" for label, name in EVAL_LMS.items()),
        stats=" ".join(f"{name}={path}" for name, path in STAGE_STATS.items()),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/evaluate.log",
    benchmark:
        f"{BENCH}/evaluate.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot evaluate --lm {params.lms} --test {input.test} --out {output.json}"
        " --stats {params.stats} --vocabulary-from {input.arpas} > {log} 2>&1"


rule ablation:
    input:
        files=ablation_files(),
        test=rules.prepare.output.test,
    output:
        json=f"{RESULTS}/ablation.json",
        md=report(f"{RESULTS}/ablation.md", caption="../report/ablation.rst", category="Results"),
    params:
        rows=json.dumps(ablation_rows()),
        bootstrap=config["asr"]["bootstrap"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/ablation.log",
    benchmark:
        f"{BENCH}/ablation.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot ablation --rows {params.rows:q} --test {input.test} --out {output.json}"
        " --bootstrap {params.bootstrap} > {log} 2>&1"


rule dev_curves:
    input:
        list(PLAN.dev_choices().values()),
        checkpoint=translator_model("selected", ROUNDS),
    output:
        report(f"{RESULTS}/dev_curves.png", caption="../report/dev_curves.rst", category="Tuning on dev"),
    params:
        records=" ".join(shlex.quote(f"{label}={path}") for label, path in {**PLAN.checkpoint_choices(), **PLAN.dev_choices()}.items()),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/dev_curves.log",
    benchmark:
        f"{BENCH}/dev_curves.tsv"
    resources:
        mem_mb=1000,
        runtime=10,
    shell:
        "lmboot dev-curves --records {params.records} --out {output} > {log} 2>&1"
