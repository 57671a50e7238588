# prepare: corpora -> normalized seed / pool / dev / test and general bitext (lmboot/data/prepare.py)


if "demo_data" in config:

    rule demo_data:
        output:
            in_domain=f"{config['demo_data']['out']}/in_domain.jsonl",
            general=f"{config['demo_data']['out']}/general.tsv",
        params:
            out=lambda wc, output: dirname(output.general),
            seed=config["demo_data"]["seed"],
            n_in_domain=config["demo_data"]["n_in_domain"],
            n_general=config["demo_data"]["n_general"],
            share=config["demo_data"]["assistant_share"],
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/demo_data.log",
        benchmark:
            f"{BENCH}/demo_data.tsv"
        resources:
            mem_mb=500,
            runtime=5,
        shell:
            "lmboot demo-data --out {params.out} --seed {params.seed} --n-in-domain {params.n_in_domain}"
            " --n-general {params.n_general} --assistant-share {params.share} > {log} 2>&1"


# downloads (config): one rule each, so that prepare waits only for the corpora it reads.
for i, spec in enumerate(config["downloads"]):
    extract = spec["extract"] if spec["extract"] is not None else is_archive(spec["url"])

    rule:
        name:
            f"download_{i}"
        output:
            directory(spec["to"]) if extract else spec["to"],
        params:
            url=spec["url"],
            check=f"--sha256 {spec['sha256']}" if spec["sha256"] else "",
            extract="--extract" if extract else "--no-extract",
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/download.{i}.log",
        benchmark:
            f"{BENCH}/download.{i}.tsv"
        resources:
            mem_mb=1000,
            runtime=120,
        shell:
            "lmboot download --url {params.url:q} {params.check} {params.extract} --to {output} > {log} 2>&1"


rule prepare:
    input:
        [f for spec in PLAN.in_domain_specs() for f in corpus_files(spec)] + corpus_files(config["general"]),
    output:
        seed=f"{DATA}/prepared/seed.tgt",
        pool=f"{DATA}/prepared/pool.src",
        oracle=f"{DATA}/prepared/pool.oracle.tgt",
        dev_src=f"{DATA}/prepared/dev.src",
        pool_tags=f"{DATA}/prepared/pool.tags",
        dev_tags=f"{DATA}/prepared/dev.tags",
        dev_tgt=f"{DATA}/prepared/dev.tgt",
        test=f"{DATA}/prepared/test.tgt",
        general_src=f"{DATA}/prepared/general.src",
        general_tgt=f"{DATA}/prepared/general.tgt",
        stats=f"{DATA}/prepared/prepare.json",
    params:
        config=json.dumps(prepare_config(), sort_keys=True),
        fingerprint=fingerprint(config, *PLAN.in_domain_specs(), config["general"]),
        out=lambda wc, output: dirname(output.stats),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/prepare.log",
    benchmark:
        f"{BENCH}/prepare.tsv"
    resources:
        mem_mb=4000,
        runtime=20,
    shell:
        "lmboot prepare --config {params.config:q} --out {params.out} > {log} 2>&1"
