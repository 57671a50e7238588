# wer: results/<run>/wer.{json,md}, the WER of the seed-only, configured-pipeline and oracle LMs with both
# recognizers, bootstrap CIs and paired tests against seed-only (lmboot/wer.py). `snakemake wer`.

WER_LMS = {"seed-only": "seed", "seed + translated": f"mix-{FULL}"}
if config["lm"]["oracle"]:
    WER_LMS["seed + oracle"] = "mix-oracle"



rule wer:
    input:
        [path for row in wer_rows(WER_LMS) for key, path in row.items() if key != "label"],
    output:
        json=f"{RESULTS}/wer.json",
        md=report(f"{RESULTS}/wer.md", caption="../report/wer.rst", category="Results"),
    params:
        rows=json.dumps(wer_rows(WER_LMS)),
        asr=asr_section("bootstrap"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/wer.log",
    benchmark:
        f"{BENCH}/wer.tsv"
    resources:
        mem_mb=2000,
        runtime=10,
    shell:
        "lmboot wer-table --rows {params.rows:q} --out {output.json} --asr {params.asr:q} > {log} 2>&1"
