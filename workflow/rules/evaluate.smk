# evaluate: test perplexity and OOV of every LM -> results/<run>/metrics.{json,md} (lmboot/evaluate.py)

EVAL_LMS = ["seed", "translated", "mix-translated"] + (["oracle", "mix-oracle"] if config["lm"]["oracle"] else [])
STAGE_STATS = {
    "prepare": rules.prepare.output.stats,
    "select": rules.select.output.stats,
    "rescore": rules.rescore.output.stats,
    "lm_filter": rules.lm_filter.output.stats,
    "mix": f"{MODELS}/lm/mix-translated.json",
    "translator": f"{MODELS}/round{ROUNDS}/dev_scores.json",
    "translator_round0": f"{MODELS}/round0/dev_scores.json",
}


rule evaluate:
    input:
        lms=[f"{MODELS}/lm/{name}.bin" for name in EVAL_LMS],
        test=rules.prepare.output.test,
        stats=list(STAGE_STATS.values()),
    output:
        json=f"{RESULTS}/metrics.json",
        md=f"{RESULTS}/metrics.md",
    params:
        lms=" ".join(f"{name}={MODELS}/lm/{name}.bin" for name in EVAL_LMS),
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
        " --stats {params.stats} > {log} 2>&1"
