# lm_filter: drop improbable translations (seed-LM score, length ratio, repetition) (lmboot/lm_filter.py)


rule lm_filter:
    input:
        src=rules.prepare.output.pool,
        tgt=rules.rescore.output.text,
        seed_lm=f"{MODELS}/lm/seed.bin",
        seed_arpa=f"{MODELS}/lm/seed.arpa",
        dev=rules.prepare.output.dev_tgt,
    output:
        text=f"{DATA}/filtered.tgt",
        stats=f"{DATA}/filtered.json",
    params:
        lm_filter=as_json("lm_filter"),
        order=config["lm"]["order"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/lm_filter.log",
    benchmark:
        f"{BENCH}/lm_filter.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot lm-filter --src {input.src} --tgt {input.tgt} --seed-lm {input.seed_lm} --out {output.text}"
        " --seed-arpa {input.seed_arpa} --dev {input.dev} --order {params.order}"
        " --lm-filter {params.lm_filter:q} > {log} 2>&1"
