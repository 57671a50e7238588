# rescore: each n-best list's best hypothesis by nmt_score + lambda * seed-LM score (lmboot/rescore.py)


rule rescore:
    input:
        nbest=f"{DATA}/translate/pool.nbest.jsonl",
        seed_lm=f"{MODELS}/lm/seed.bin",
        dev_nbest=f"{DATA}/translate/dev.nbest.jsonl",
        dev_refs=rules.prepare.output.dev_tgt,
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
        " --dev-nbest {input.dev_nbest} --dev-refs {input.dev_refs} --rescore {params.rescore:q} > {log} 2>&1"
