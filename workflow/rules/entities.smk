# entities: entity spans of the in-domain source (slot markup) replaced by placeholders before
# translation and put back into the n-best lists after it: variants with {ents} = "protected"
# (lmboot/data/entities.py). Spans: slot markup (in_domain.source_tags_field) and code-switched words
# (entities.code_switch).


rule entities:
    input:
        pool=rules.prepare.output.pool,
        pool_tags=rules.prepare.output.pool_tags,
        dev=rules.prepare.output.dev_src,
        dev_tags=rules.prepare.output.dev_tags,
        seed=rules.prepare.output.seed,
        dev_tgt=rules.prepare.output.dev_tgt,
    output:
        pool=f"{DATA}/entities/pool.src",
        dev=f"{DATA}/entities/dev.src",
        pool_map=f"{DATA}/entities/pool.map.jsonl",
        dev_map=f"{DATA}/entities/dev.map.jsonl",
        stats=f"{DATA}/entities/entities.json",
    params:
        entities=cli_section("entities", "entities"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/entities.log",
    benchmark:
        f"{BENCH}/entities.tsv"
    resources:
        mem_mb=2000,
        runtime=20,
    shell:
        "lmboot entities --entities {params.entities:q} --pool {input.pool} --pool-tags {input.pool_tags}"
        " --dev {input.dev} --dev-tags {input.dev_tags} --seed {input.seed} --dev-tgt {input.dev_tgt}"
        " --out $(dirname {output.stats}) > {log} 2>&1"


rule restore_entities:
    input:
        protected=f"{DATA}/{{corpus}}/translate/r{{r}}.{{base}}-protected.nbest.jsonl",
        plain=f"{DATA}/{{corpus}}/translate/r{{r}}.{{base}}.nbest.jsonl",
        map=f"{DATA}/entities/{{base}}.map.jsonl",
    output:
        f"{DATA}/{{corpus}}/translate/r{{r}}.{{base}}-entities.nbest.jsonl",
    wildcard_constraints:
        base="pool|dev",
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/restore_entities.{{corpus}}.r{{r}}.{{base}}.log",
    benchmark:
        f"{BENCH}/restore_entities.{{corpus}}.r{{r}}.{{base}}.tsv"
    resources:
        mem_mb=2000,
        runtime=10,
    shell:
        "lmboot restore-entities --protected {input.protected} --plain {input.plain} --map {input.map}"
        " --out {output} > {log} 2>&1"
