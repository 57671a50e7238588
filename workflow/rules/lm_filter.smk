# lm_filter: drop improbable translations (seed-LM score, length ratio, repetition; the LM-score cut
# tuned on dev when configured); "unfiltered" keeps them all (lmboot/translation/lm_filter.py)

rule lm_filter:
    input:
        src=rules.prepare.output.pool,
        tgt=f"{DATA}/variants/{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.tgt",
        seed_lm=f"{MODELS}/lm/seed.bin",
        seed_arpa=f"{MODELS}/lm/seed.arpa",
        dev=rules.prepare.output.dev_tgt,
    output:
        text=f"{DATA}/variants/{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.{{filter}}.tgt",
        stats=f"{DATA}/variants/{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.{{filter}}.json",
    params:
        lm_filter=lambda wc: cli_section("lm-filter", "lm_filter") if wc.filter == "filtered" else json.dumps({"filters": []}),
        order=config["lm"]["order"],
        seed_weight=config["lm"]["seed_weight"],  # candidates are mixed with the seed LM as the final LM is
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/lm_filter.{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.{{filter}}.log",
    benchmark:
        f"{BENCH}/lm_filter.{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.{{filter}}.tsv"
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "lmboot lm-filter --src {input.src} --tgt {input.tgt} --seed-lm {input.seed_lm} --out {output.text}"
        " --seed-arpa {input.seed_arpa} --dev {input.dev} --order {params.order}"
        " --lm-filter {params.lm_filter:q} --seed-weight {params.seed_weight} > {log} 2>&1"
