# rescore: each n-best list's best hypothesis by nmt_score + lambda * seed-LM score (lmboot/rescore.py)


rule rescore:
    input:
        nbest=rules.translate.output[0],
        seed_lm=f"{MODELS}/lm/seed.bin",
    output:
        text=f"{DATA}/rescored.tgt",
        stats=f"{DATA}/rescored.json",
    params:
        rescore=as_json("rescore"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/rescore.log",
    benchmark:
        f"{BENCH}/rescore.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot rescore --nbest {input.nbest} --seed-lm {input.seed_lm} --out {output.text}"
        " --rescore {params.rescore:q} > {log} 2>&1"
