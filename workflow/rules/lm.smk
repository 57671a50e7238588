# lm: KenLM models of the seed, of each translated variant and of the oracle; seed + other interpolated
# into one ARPA with weights by EM on dev (lmboot/lm.py)

rule lm:
    input:
        lm_text,
    output:
        arpa=f"{MODELS}/lm/{{name}}.arpa",
        binary=f"{MODELS}/lm/{{name}}.bin",
    wildcard_constraints:
        name=f"seed|oracle|{VARIANT_RE}",
    params:
        prefix=lambda wc, output: output.arpa[: -len(".arpa")],
        order=config["lm"]["order"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/lm.{{name}}.log",
    benchmark:
        f"{BENCH}/lm.{{name}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot lm --text {input} --out-prefix {params.prefix} --order {params.order} > {log} 2>&1"


rule mix:
    input:
        seed=f"{MODELS}/lm/seed.arpa",
        other=f"{MODELS}/lm/{{name}}.arpa",
        dev=rules.prepare.output.dev_tgt,
    output:
        arpa=f"{MODELS}/lm/mix-{{name}}.arpa",
        binary=f"{MODELS}/lm/mix-{{name}}.bin",
        weights=f"{MODELS}/lm/mix-{{name}}.json",
    wildcard_constraints:
        name=f"oracle|{VARIANT_RE}",
    params:
        prefix=lambda wc, output: output.arpa[: -len(".arpa")],
        weight=config["lm"]["seed_weight"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/mix.{{name}}.log",
    benchmark:
        f"{BENCH}/mix.{{name}}.tsv"
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "lmboot mix --seed-arpa {input.seed} --other-arpa {input.other} --dev {input.dev}"
        " --out-prefix {params.prefix} --seed-weight {params.weight} > {log} 2>&1"
