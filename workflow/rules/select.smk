# select: keep general pairs whose new-language side is close to the seed centroid (lmboot/select/selection.py). The
# corpus is scored in select.chunks jobs (select_score, scatter) whose scores one job gathers and cuts (select).


rule select_score:
    input:
        general_tgt=rules.prepare.output.general_tgt,
        seed=rules.prepare.output.seed,
    output:
        f"{DATA}/select/scores/{{chunk}}.npz",
    wildcard_constraints:
        chunk=r"\d+-of-\d+",
    params:
        select=cli_section("select-score", "select"),
        cache=f" --cache-dir {config['select']['cache_dir']}" if config["select"]["cache_dir"] else "",
    threads: 2
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/select_score.{{chunk}}.log",
    benchmark:
        f"{BENCH}/select_score.{{chunk}}.tsv"
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=PLAN.select_gpu,
    shell:
        "export OMP_NUM_THREADS={threads} MKL_NUM_THREADS={threads};"
        " lmboot select-score --general-tgt {input.general_tgt} --seed {input.seed} --chunk {wildcards.chunk}"
        " --out {output} --select {params.select:q}{params.cache} > {log} 2>&1"


rule select:
    input:
        general_src=rules.prepare.output.general_src,
        general_tgt=rules.prepare.output.general_tgt,
        seed=rules.prepare.output.seed,
        scores=gather.select_chunk(f"{DATA}/select/scores/{{scatteritem}}.npz"),
    output:
        src=f"{DATA}/select/kept.src",
        tgt=f"{DATA}/select/kept.tgt",
        distances=f"{DATA}/select/distances.tsv",
        stats=f"{DATA}/select/select.json",
        histogram=report(f"{DATA}/select/histogram.png", caption="../report/histogram.rst", category="Selection"),
    params:
        select=cli_section("select", "select"),
        out=lambda wc, output: dirname(output.stats),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/select.log",
    benchmark:
        f"{BENCH}/select.tsv"
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "lmboot select --general-src {input.general_src} --general-tgt {input.general_tgt}"
        " --seed {input.seed} --out {params.out} --select {params.select:q} --scores {input.scores} > {log} 2>&1"


# select.tune: the cut chosen on dev. Each candidate cut of select's ranking is its own corpus cut{k}, whose
# translator (nmt.smk, under select.tune's budget) is scored on dev; the best becomes the "selected" corpus.
if PLAN.tune:

    rule select_cut:
        input:
            distances=rules.select.output.distances,
            general_src=rules.prepare.output.general_src,
            general_tgt=rules.prepare.output.general_tgt,
        output:
            src=f"{DATA}/select/cut{{k}}/kept.src",
            tgt=f"{DATA}/select/cut{{k}}/kept.tgt",
            stats=f"{DATA}/select/cut{{k}}/cut.json",
        wildcard_constraints:
            k=r"\d+",
        params:
            keep=lambda wc: json.dumps(PLAN.tune["candidates"][int(wc.k)]),
            out=lambda wc, output: dirname(output.stats),
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/select_cut.{{k}}.log",
        benchmark:
            f"{BENCH}/select_cut.{{k}}.tsv"
        resources:
            mem_mb=2000,
            runtime=10,
        shell:
            "lmboot select-cut --distances {input.distances} --general-src {input.general_src}"
            " --general-tgt {input.general_tgt} --keep {params.keep:q} --out {params.out} > {log} 2>&1"

    rule choose_cut:
        input:
            distances=rules.select.output.distances,
            cuts=expand(f"{DATA}/select/cut{{k}}/cut.json", k=range(len(PLAN.tune["candidates"]))),
            scores=expand(f"{MODELS}/cut{{k}}/round0/dev_scores.json", k=range(len(PLAN.tune["candidates"]))),
            mixes=expand(f"{MODELS}/lm/mix-cut{{k}}.r0.plain.1best.unfiltered.json",
                         k=range(len(PLAN.tune["candidates"]))) if PLAN.tune["by"] == "perplexity" else [],
        output:
            src=f"{DATA}/select/chosen/kept.src",
            tgt=f"{DATA}/select/chosen/kept.tgt",
            tuning=f"{DATA}/select/chosen/tuning.json",
            histogram=report(f"{DATA}/select/chosen/histogram.png", caption="../report/histogram.rst",
                             category="Selection"),
            report=f"{RESULTS}/select_tuning.md",
        params:
            candidates=lambda wc, input: json.dumps([
                {"dir": dirname(cut), "scores": scores, "mix": input.mixes[k] if input.mixes else None}
                for k, (cut, scores) in enumerate(zip(input.cuts, input.scores))
            ]),
            by=PLAN.tune["by"],
            out=lambda wc, output: dirname(output.src),
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/choose_cut.log",
        benchmark:
            f"{BENCH}/choose_cut.tsv"
        resources:
            mem_mb=2000,
            runtime=10,
        shell:
            "lmboot choose-cut --candidates {params.candidates:q} --by {params.by} --distances {input.distances}"
            " --out {params.out} --report {output.report} > {log} 2>&1"
