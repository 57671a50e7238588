# wer: results/<run>/wer.{json,md}, the WER of the seed-only LM, the baselines without translation (seed +
# general / selected new-language text), the pipeline, the configured LM and the oracle with both
# recognizers, bootstrap CIs and paired tests against seed-only and the best baseline (lmboot/asr/wer.py).

WER_ROWS = PLAN.wer_rows(PLAN.wer_lms())  # label, kind, each recognizer's result


rule wer:
    input:
        row_files(WER_ROWS),
    output:
        json=f"{RESULTS}/wer.json",
        md=report(f"{RESULTS}/wer.md", caption="../report/wer.rst", category="Results"),
    params:
        rows=json.dumps(WER_ROWS),
        asr=cli_section("wer-table", "asr"),
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
