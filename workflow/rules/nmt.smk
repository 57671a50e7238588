# nmt: sentencepiece, fairseq training on the selected bitext (round 0), self-training rounds
# (fine-tuned on bitext + guarded pool translations), n-best translation of the pool (lmboot/nmt.py)

rule spm:
    input:
        rules.select.output.src,
        rules.select.output.tgt,
    output:
        model=f"{MODELS}/spm/spm.model",
        dict=f"{MODELS}/spm/dict.txt",
    params:
        out=lambda wc, output: dirname(output.model),
        vocab=NMT["vocab_size"],
    threads: 1
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/spm.log",
    benchmark:
        f"{BENCH}/spm.tsv"
    resources:
        mem_mb=4000,
        runtime=30,
    shell:
        "lmboot spm --inputs {input} --out {params.out} --vocab-size {params.vocab}"
        " --threads {threads} > {log} 2>&1"


rule train:
    input:
        unpack(training_pairs),
        dev_src=rules.prepare.output.dev_src,
        dev_tgt=rules.prepare.output.dev_tgt,
        spm=rules.spm.output.model,
    output:
        checkpoint=f"{MODELS}/round{{r}}/checkpoint_best.pt",
        scores=f"{MODELS}/round{{r}}/dev_scores.json",
    params:
        nmt=as_json("nmt"),
        out=lambda wc, output: dirname(output.checkpoint),
        spm_dir=lambda wc, input: dirname(input.spm),
        seed=config["split"]["random_seed"],
        finetune=lambda wc, input: (
            f"--restore {input.restore} --max-updates {NMT['finetune_updates']}" if "restore" in input.keys() else ""
        ),
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/train.round{{r}}.log",
    benchmark:
        f"{BENCH}/train.round{{r}}.tsv"
    resources:
        mem_mb=8000,
        runtime=600,
    shell:
        "lmboot train --train-src {input.src} --train-tgt {input.tgt} --dev-src {input.dev_src}"
        " --dev-tgt {input.dev_tgt} --spm-dir {params.spm_dir} --out {params.out} --nmt {params.nmt:q}"
        " --seed {params.seed} --threads {threads} {params.finetune} > {log} 2>&1"


rule translate_for_selftraining:
    input:
        checkpoint=checkpoint_of("{r}"),
        pool=rules.prepare.output.pool,
        spm=rules.spm.output.model,
    output:
        f"{DATA}/selftrain/round{{r}}.pool.1best.jsonl",
    params:
        nmt=as_json("nmt"),
        spm_dir=lambda wc, input: dirname(input.spm),
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/translate_for_selftraining.round{{r}}.log",
    benchmark:
        f"{BENCH}/translate_for_selftraining.round{{r}}.tsv"
    resources:
        mem_mb=4000,
        runtime=240,
    shell:
        "lmboot translate --checkpoint {input.checkpoint} --spm-dir {params.spm_dir} --input {input.pool}"
        " --out {output} --nmt {params.nmt:q} --nbest 1 --threads {threads} > {log} 2>&1"


rule pseudo_pairs:
    input:
        pool=rules.prepare.output.pool,
        nbest=lambda wc: f"{DATA}/selftrain/round{int(wc.r) - 1}.pool.1best.jsonl",
        bitext_src=rules.select.output.src,
        bitext_tgt=rules.select.output.tgt,
        seed_lm=f"{MODELS}/lm/seed.bin",
    output:
        src=f"{DATA}/selftrain/round{{r}}.src",
        tgt=f"{DATA}/selftrain/round{{r}}.tgt",
        stats=f"{DATA}/selftrain/round{{r}}.json",
    params:
        nmt=as_json("nmt"),
        prefix=lambda wc, output: output.stats[: -len(".json")],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/pseudo_pairs.round{{r}}.log",
    benchmark:
        f"{BENCH}/pseudo_pairs.round{{r}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot pseudo-pairs --pool-src {input.pool} --nbest {input.nbest} --bitext-src {input.bitext_src}"
        " --bitext-tgt {input.bitext_tgt} --seed-lm {input.seed_lm} --out-prefix {params.prefix}"
        " --nmt {params.nmt:q} > {log} 2>&1"


rule translate:
    input:
        checkpoint=checkpoint_of(ROUNDS),
        source=lambda wc: rules.prepare.output.pool if wc.part == "pool" else rules.prepare.output.dev_src,
        spm=rules.spm.output.model,
    output:
        f"{DATA}/translate/{{part}}.nbest.jsonl",
    wildcard_constraints:
        part="pool|dev",
    params:
        nmt=as_json("nmt"),
        spm_dir=lambda wc, input: dirname(input.spm),
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/translate.{{part}}.log",
    benchmark:
        f"{BENCH}/translate.{{part}}.tsv"
    resources:
        mem_mb=4000,
        runtime=240,
    shell:
        "lmboot translate --checkpoint {input.checkpoint} --spm-dir {params.spm_dir} --input {input.source}"
        " --out {output} --nmt {params.nmt:q} --threads {threads} > {log} 2>&1"
