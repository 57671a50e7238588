# lm: KenLM models of the seed, of each translated variant and of the oracle; the text components
# (general / selected new-language text, top-k translations) with a vocabulary cut chosen on dev
# (lmboot/component_lm.py); the seed mixed with any number of them into one ARPA, weights by EM on dev
# (lmboot/lm/mix.py): mix-<a>+<b>...

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


rule lm_component:
    input:
        text=component_text,
        seed=f"{MODELS}/lm/seed.arpa",
        dev=rules.prepare.output.dev_tgt,
    output:
        arpa=f"{MODELS}/lm/{{name}}.arpa",
        binary=f"{MODELS}/lm/{{name}}.bin",
        stats=f"{MODELS}/lm/{{name}}.json",
    wildcard_constraints:
        name="|".join(PLAN.text_components),
    params:
        prefix=lambda wc, output: output.arpa[: -len(".arpa")],
        order=config["lm"]["order"],
        min_count=lambda wc: " ".join(map(str, [1] if wc.name == "nbest" else config["lm"]["vocab_min_count"])),
        max_ngrams=lambda wc: f" --max-ngrams {config['lm']['component_max_ngrams']}"
        if config["lm"]["component_max_ngrams"] and wc.name in ("general", "selected") else "",
        seed_weight=config["lm"]["seed_weight"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/lm_component.{{name}}.log",
    benchmark:
        f"{BENCH}/lm_component.{{name}}.tsv"
    resources:
        mem_mb=8000,
        runtime=60,
    shell:
        "lmboot lm-component --text {input.text} --out-prefix {params.prefix} --order {params.order}"
        " --min-count {params.min_count} --seed-arpa {input.seed} --dev {input.dev}{params.max_ngrams}"
        " --seed-weight {params.seed_weight} > {log} 2>&1"


rule mix:
    input:
        arpas=mix_inputs,
        dev=rules.prepare.output.dev_tgt,
    output:
        arpa=f"{MODELS}/lm/mix-{{name}}.arpa",
        binary=f"{MODELS}/lm/mix-{{name}}.bin",
        weights=f"{MODELS}/lm/mix-{{name}}.json",
    wildcard_constraints:
        name=f"{mix_part()}(\\+{mix_part()})*",
    params:
        prefix=lambda wc, output: output.arpa[: -len(".arpa")],
        lms=lambda wc, input: " ".join(f"{name}={path}" for name, path in zip(["seed"] + wc.name.split("+"), input.arpas)),
        weight=config["lm"]["seed_weight"],
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/mix.{{name}}.log",
    benchmark:
        f"{BENCH}/mix.{{name}}.tsv"
    resources:
        mem_mb=8000,
        runtime=60,
    shell:
        "lmboot mix --lm {params.lms} --dev {input.dev} --out-prefix {params.prefix} --seed-weight {params.weight}"
        " > {log} 2>&1"
