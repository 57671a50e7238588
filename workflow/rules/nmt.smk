# nmt: sentencepiece, fairseq training on a bitext (round 0; lmboot/translation/nmt.py), self-training rounds
# (fine-tuned on bitext + guarded pool translations, kept if dev chrF rose; lmboot/translation/selftrain.py), n-best
# translation of pool and dev (lmboot/translation/decode.py), pre-trained translators (lmboot/translation/pretrained.py)


rule spm:
    input:
        unpack(lambda wc: bitext(wc.corpus)),
    output:
        model=f"{MODELS}/{{corpus}}/spm/spm.model",
        dict=f"{MODELS}/{{corpus}}/spm/dict.txt",
    params:
        out=lambda wc, output: dirname(output.model),
        vocab=NMT["vocab_size"],
        max_sentences=NMT["spm_max_sentences"],
    threads: 1
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/spm.{{corpus}}.log",
    benchmark:
        f"{BENCH}/spm.{{corpus}}.tsv"
    resources:
        mem_mb=4000,
        runtime=30,
    shell:
        "lmboot spm --inputs {input.src} {input.tgt} --out {params.out} --vocab-size {params.vocab}"
        " --max-sentences {params.max_sentences} --threads {threads} > {log} 2>&1"


rule train:
    input:
        unpack(training_pairs),
        **criterion_inputs(),
        dev_src=rules.prepare.output.dev_src,
        spm=f"{MODELS}/{{corpus}}/spm/spm.model",
    output:
        checkpoint=f"{MODELS}/{{corpus}}/round{{r}}/checkpoint_best.pt",
        scores=f"{MODELS}/{{corpus}}/round{{r}}/dev_scores.json",
    params:
        nmt=lambda wc: cli_section("train", "nmt", **tuning_budget(wc.corpus)),
        out=lambda wc, output: dirname(output.checkpoint),
        spm_dir=lambda wc, input: dirname(input.spm),
        seed=config["split"]["random_seed"],
        criterion=criterion_args,
        finetune=lambda wc, input: (
            f"--restore {input.restore} --max-updates {PLAN.finetune_general if wc.r == '0' else NMT['finetune_updates']}"
            if "restore" in input.keys()
            else ""
        ),
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/train.{{corpus}}.round{{r}}.log",
    benchmark:
        f"{BENCH}/train.{{corpus}}.round{{r}}.tsv"
    resources:
        mem_mb=8000,
        runtime=600,
        gpu=PLAN.gpu,
    shell:
        "lmboot train --train-src {input.src} --train-tgt {input.tgt} --dev-src {input.dev_src}"
        " --dev-tgt {input.dev_tgt} {params.criterion} --spm-dir {params.spm_dir} --out {params.out}"
        " --nmt {params.nmt:q} --seed {params.seed} --threads {threads} {params.finetune} > {log} 2>&1"


rule split_source:
    input:
        lambda wc: {"pool": rules.prepare.output.pool, "dev": rules.prepare.output.dev_src}.get(
            wc.part, f"{DATA}/entities/{wc.part.split('-')[0]}.src"  # pool-protected, dev-protected
        ),
    output:
        scatter.chunk(f"{DATA}/chunks/{{{{part}}}}.{{scatteritem}}.src"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/split_source.{{part}}.log",
    benchmark:
        f"{BENCH}/split_source.{{part}}.tsv"
    resources:
        mem_mb=2000,
        runtime=10,
    shell:
        "lmboot split --input {input} --outputs {output} > {log} 2>&1"


rule translate:
    input:
        checkpoint=lambda wc: translator_model(wc.corpus, wc.r),
        source=f"{DATA}/chunks/{{part}}.{{chunk}}.src",
        spm=f"{MODELS}/{{corpus}}/spm/spm.model",
    output:
        f"{DATA}/{{corpus}}/translate/r{{r}}.{{part}}.{{chunk}}.nbest.jsonl",
    wildcard_constraints:
        chunk=r"\d+-of-\d+",
    params:
        nmt=cli_section("translate", "nmt"),
        spm_dir=lambda wc, input: dirname(input.spm),
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/translate.{{corpus}}.r{{r}}.{{part}}.{{chunk}}.log",
    benchmark:
        f"{BENCH}/translate.{{corpus}}.r{{r}}.{{part}}.{{chunk}}.tsv"
    resources:
        mem_mb=4000,
        runtime=240,
        gpu=PLAN.gpu,
    shell:
        "lmboot translate --checkpoint {input.checkpoint} --spm-dir {params.spm_dir} --input {input.source}"
        " --out {output} --nmt {params.nmt:q} --threads {threads} > {log} 2>&1"


rule translate_1best:
    input:
        checkpoint=lambda wc: translator_model(wc.corpus, wc.r),
        source=lambda wc: rules.prepare.output.pool if wc.part == "pool" else rules.prepare.output.dev_src,
        spm=f"{MODELS}/{{corpus}}/spm/spm.model",
    output:
        f"{DATA}/{{corpus}}/translate/r{{r}}.{{part}}.1best.jsonl",
    wildcard_constraints:
        part="pool|dev",
    params:
        nmt=cli_section("translate", "nmt", nbest=1),
        spm_dir=lambda wc, input: dirname(input.spm),
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/translate_1best.{{corpus}}.r{{r}}.{{part}}.log",
    benchmark:
        f"{BENCH}/translate_1best.{{corpus}}.r{{r}}.{{part}}.tsv"
    resources:
        mem_mb=4000,
        runtime=240,
        gpu=PLAN.gpu,
    shell:
        "lmboot translate --checkpoint {input.checkpoint} --spm-dir {params.spm_dir} --input {input.source}"
        " --out {output} --nmt {params.nmt:q} --threads {threads} > {log} 2>&1"


rule gather_translations:
    input:
        gather.chunk(f"{DATA}/{{{{corpus}}}}/translate/r{{{{r}}}}.{{{{part}}}}.{{scatteritem}}.nbest.jsonl"),
    output:
        f"{DATA}/{{corpus}}/translate/r{{r}}.{{part}}.nbest.jsonl",
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/gather_translations.{{corpus}}.r{{r}}.{{part}}.log",
    benchmark:
        f"{BENCH}/gather_translations.{{corpus}}.r{{r}}.{{part}}.tsv"
    resources:
        mem_mb=2000,
        runtime=10,
    shell:
        "lmboot gather --inputs {input} --out {output} > {log} 2>&1"


rule pseudo_pairs:
    input:
        unpack(lambda wc: bitext(wc.corpus)),
        pool=rules.prepare.output.pool,
        nbest=lambda wc: one_best_translation(wc.corpus, int(wc.r) - 1, "pool"),
        seed_lm=f"{MODELS}/lm/seed.bin",
    output:
        src=f"{DATA}/{{corpus}}/selftrain/round{{r}}.src",
        tgt=f"{DATA}/{{corpus}}/selftrain/round{{r}}.tgt",
        stats=f"{DATA}/{{corpus}}/selftrain/round{{r}}.json",
    params:
        nmt=cli_section("pseudo-pairs", "nmt"),
        prefix=lambda wc, output: output.stats[: -len(".json")],
        seed=config["split"]["random_seed"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/pseudo_pairs.{{corpus}}.round{{r}}.log",
    benchmark:
        f"{BENCH}/pseudo_pairs.{{corpus}}.round{{r}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot pseudo-pairs --pool-src {input.pool} --nbest {input.nbest} --bitext-src {input.src}"
        " --bitext-tgt {input.tgt} --seed-lm {input.seed_lm} --out-prefix {params.prefix}"
        " --nmt {params.nmt:q} --seed {params.seed} > {log} 2>&1"


if PLAN.finetune_general:  # the selected translator continues the general one: same vocabulary

    ruleorder: spm_from_general > spm

    rule spm_from_general:
        input:
            model=f"{MODELS}/general/spm/spm.model",
            dict=f"{MODELS}/general/spm/dict.txt",
        output:
            model=f"{MODELS}/selected/spm/spm.model",
            dict=f"{MODELS}/selected/spm/dict.txt",
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/spm_from_general.log",
        benchmark:
            f"{BENCH}/spm_from_general.tsv"
        shell:
            "(cp {input.model} {output.model}.tmp && mv {output.model}.tmp {output.model}"
            " && cp {input.dict} {output.dict}.tmp && mv {output.dict}.tmp {output.dict}) > {log} 2>&1"


if NMT["pretrained"]:  # an existing translator as round 0 of the selected or the general one (nmt.py use_pretrained*)
    # a fairseq checkpoint (+ dictionary; fine-tuning continues it) or a CTranslate2 model directory
    # (translate-only: no fairseq weights to fine-tune)
    PRETRAINED_FILES = (
        {"ct2_model": NMT["pretrained"]["ct2_model"]}
        if PLAN.ct2_pretrained
        else {"checkpoint": NMT["pretrained"]["checkpoint"], "dict": NMT["pretrained"]["dict"]}
    )
    PRETRAINED_OUTPUTS = (
        {"model": directory(f"{MODELS}/{PLAN.pretrained_corpus}/round0/ct2-model")}
        if PLAN.ct2_pretrained
        else {"dict": f"{MODELS}/{PLAN.pretrained_corpus}/spm/dict.txt", "model": checkpoint_of(PLAN.pretrained_corpus, 0)}
    )

    ruleorder: pretrained > spm
    ruleorder: pretrained > train

    rule pretrained:
        input:
            **PRETRAINED_FILES,
            spm_model=NMT["pretrained"]["spm_model"],
            **criterion_inputs(),
            dev_src=rules.prepare.output.dev_src,
        output:
            **PRETRAINED_OUTPUTS,
            spm=f"{MODELS}/{PLAN.pretrained_corpus}/spm/spm.model",
            scores=f"{MODELS}/{PLAN.pretrained_corpus}/round0/dev_scores.json",
        params:
            nmt=cli_section("pretrained", "nmt"),
            given=" ".join(f"--{key.replace('_', '-')} {path}" for key, path in PRETRAINED_FILES.items()),
            spm_dir=lambda wc, output: dirname(output.spm),
            out=lambda wc, output: dirname(output.scores),
            criterion=criterion_args,
        threads: NMT["threads"]
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/pretrained.log",
        benchmark:
            f"{BENCH}/pretrained.tsv"
        resources:
            mem_mb=4000,
            runtime=60,
            gpu=PLAN.gpu,
        shell:
            "lmboot pretrained {params.given} --spm-model {input.spm_model} --spm-dir {params.spm_dir}"
            " --out {params.out} --dev-src {input.dev_src} --dev-tgt {input.dev_tgt} {params.criterion}"
            " --nmt {params.nmt:q}"
            " --threads {threads} > {log} 2>&1"
