# rescore: each n-best list's best hypothesis by nmt_score + lambda * seed-LM score, lambda tuned on the
# dev n-best lists when configured; "1best" keeps the translator's own best (lmboot/translation/rescore.py)


rule rescore:
    input:
        nbest=lambda wc: translations(wc, "pool"),
        dev_nbest=lambda wc: translations(wc, "dev"),
        **criterion_inputs(),
        seed_lm=f"{MODELS}/lm/seed.bin",
    output:
        text=f"{DATA}/variants/{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.tgt",
        stats=f"{DATA}/variants/{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.json",
    params:
        rescore=lambda wc: cli_section("rescore", "rescore") if wc.rescore == "rescored" else json.dumps({"lambda": 0}),
        criterion=criterion_args,
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/rescore.{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.log",
    benchmark:
        f"{BENCH}/rescore.{{corpus}}.r{{r}}.{{ents}}.{{rescore}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot rescore --nbest {input.nbest} --seed-lm {input.seed_lm} --out {output.text}"
        " --dev-nbest {input.dev_nbest} --dev-tgt {input.dev_tgt} {params.criterion} --rescore {params.rescore:q}"
        " > {log} 2>&1"
