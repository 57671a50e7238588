# translators: the translators a team brings (config translators: a pretrained model of a CTranslate2 family
# or any line-in/line-out command; lmboot/translation/translators.py) translate pool and dev into n-best lists, scored on
# dev like lmboot's own; the union of every translator's n-best lists (the pipeline's own included). Their
# lists go through rescore and lm_filter as variants x-<name>.r0.plain.rescored.filtered and union.r0....


rule translate_with:
    input:
        source=lambda wc: rules.prepare.output.pool if wc.part == "pool" else rules.prepare.output.dev_src,
        model=lambda wc: [PLAN.translators[wc.name]["path"]] if PLAN.translators[wc.name].get("path") else [],
    output:
        nbest=f"{DATA}/x-{{name}}/{{part}}.nbest.jsonl",
        stats=f"{DATA}/x-{{name}}/{{part}}.nbest.json",
    wildcard_constraints:
        name="|".join(PLAN.translators) or "(?!)",
        part="pool|dev",
    params:
        spec=lambda wc: json.dumps(PLAN.translators[wc.name], sort_keys=True),
        languages=json.dumps(config["languages"], sort_keys=True),
        nmt=cli_section("translate-with", "nmt"),
        normalize=cli_section("translate-with", "normalize"),
        work=lambda wc: f"{MODELS}/translators/{wc.name}",
    threads: NMT["threads"]
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/translate_with.{{name}}.{{part}}.log",
    benchmark:
        f"{BENCH}/translate_with.{{name}}.{{part}}.tsv"
    resources:
        mem_mb=8000,
        runtime=240,
        gpu=lambda wc: 0 if PLAN.translators[wc.name]["family"] == "command" else PLAN.gpu,
    shell:
        "lmboot translate-with --translator {params.spec:q} --languages {params.languages:q} --input {input.source}"
        " --out {output.nbest} --nmt {params.nmt:q} --normalize {params.normalize:q} --work-dir {params.work}"
        " --threads {threads} > {log} 2>&1"


rule translator_scores:
    input:
        nbest=f"{DATA}/x-{{name}}/dev.nbest.jsonl",
        **criterion_inputs(),
    output:
        f"{DATA}/x-{{name}}/dev_scores.json",
    wildcard_constraints:
        name="|".join(PLAN.translators) or "(?!)",
    params:
        criterion=criterion_args,
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/translator_scores.{{name}}.log",
    benchmark:
        f"{BENCH}/translator_scores.{{name}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot translator-scores --nbest {input.nbest} --dev-tgt {input.dev_tgt} {params.criterion}"
        " --out {output} > {log} 2>&1"


rule union_nbest:
    input:
        own=lambda wc: translations(SimpleNamespace(**variant_parts(PLAN.full)), wc.part),
        others=lambda wc: [f"{DATA}/x-{name}/{wc.part}.nbest.jsonl" for name in PLAN.translators],
    output:
        f"{DATA}/union/{{part}}.nbest.jsonl",
    wildcard_constraints:
        part="pool|dev",
    params:
        lists=lambda wc, input: " ".join(
            f"{name}={path}" for name, path in zip(["lmboot", *PLAN.translators], [input.own, *input.others])
        ),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/union_nbest.{{part}}.log",
    benchmark:
        f"{BENCH}/union_nbest.{{part}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot union-nbest --nbest {params.lists} --out {output} > {log} 2>&1"
