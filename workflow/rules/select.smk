# select: keep general pairs whose new-language side is close to the seed centroid (lmboot/select.py)


rule select:
    input:
        general_src=rules.prepare.output.general_src,
        general_tgt=rules.prepare.output.general_tgt,
        seed=rules.prepare.output.seed,
    output:
        src=f"{DATA}/select/kept.src",
        tgt=f"{DATA}/select/kept.tgt",
        distances=f"{DATA}/select/distances.tsv",
        stats=f"{DATA}/select/select.json",
        histogram=report(f"{DATA}/select/histogram.png", caption="../report/histogram.rst", category="Selection"),
    params:
        select=as_json("select"),
        out=lambda wc, output: dirname(output.stats),
    threads: 2
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/select.log",
    benchmark:
        f"{BENCH}/select.tsv"
    resources:
        mem_mb=4000,
        runtime=120,
    shell:
        "export OMP_NUM_THREADS={threads} MKL_NUM_THREADS={threads};"
        " lmboot select --general-src {input.general_src} --general-tgt {input.general_tgt}"
        " --seed {input.seed} --out {params.out} --select {params.select:q} > {log} 2>&1"
