# topk: the top-k rescored hypotheses of the pipeline's pool translations as LM data (component "nbest"),
# filtered as the pipeline's 1-best was, k chosen on dev from lm.nbest_k (lmboot/translation/topk.py)

rule topk:
    input:
        nbest=lambda wc: translations(SimpleNamespace(**variant_parts(PLAN.full)), "pool"),
        src=rules.prepare.output.pool,
        seed_lm=f"{MODELS}/lm/seed.bin",
        seed_arpa=f"{MODELS}/lm/seed.arpa",
        dev=rules.prepare.output.dev_tgt,
        rescore=f"{DATA}/variants/selected.r{ROUNDS}.{PLAN.ents}.rescored.json",
        filter=f"{DATA}/variants/{PLAN.full}.json",
    output:
        text=f"{DATA}/variants/nbest.tgt",
        stats=f"{DATA}/variants/nbest.json",
    params:
        lm_filter=cli_section("topk", "lm_filter"),
        grid=" ".join(map(str, config["lm"]["nbest_k"])),
        order=config["lm"]["order"],
        seed_weight=config["lm"]["seed_weight"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/topk.log",
    benchmark:
        f"{BENCH}/topk.tsv"
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "lmboot topk --nbest {input.nbest} --src {input.src} --seed-lm {input.seed_lm} --seed-arpa {input.seed_arpa}"
        " --dev {input.dev} --rescore-stats {input.rescore} --filter-stats {input.filter} --lm-filter {params.lm_filter:q}"
        " --k {params.grid} --order {params.order} --seed-weight {params.seed_weight} --out {output.text} > {log} 2>&1"
