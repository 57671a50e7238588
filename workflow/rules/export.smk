# export: the configured LM in the forms its consumers load (lmboot/lm/export.py): ARPA and KenLM binary, the
# CTC lexicon and tokens (flashlight-text's lexicon decoder), unigrams (pyctcdecode), words.txt and
# G.fst (Kaldi, k2, sherpa) and an entropy-pruned ARPA whose threshold is chosen on dev perplexity.


rule export:
    input:
        arpa=f"{MODELS}/lm/{PLAN.configured}.arpa",
        bin=f"{MODELS}/lm/{PLAN.configured}.bin",
        lexicon=f"{MODELS}/asr/{PLAN.configured}.ctc.lexicon",
        dev=rules.prepare.output.dev_tgt,
    output:
        directory(f"{RESULTS}/export"),
    params:
        export=cli_section("export", "export"),
        asr=cli_section("export", "asr"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/export.log",
    benchmark:
        f"{BENCH}/export.tsv"
    resources:
        mem_mb=8000,
        runtime=120,
    shell:
        "lmboot export --arpa {input.arpa} --bin {input.bin} --lexicon {input.lexicon} --dev {input.dev}"
        " --out-dir {output} --export {params.export:q} --asr {params.asr:q} > {log} 2>&1"
