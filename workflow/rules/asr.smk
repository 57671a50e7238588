# asr: dev/test speech (recordings, synthesized once per config, or another run's: asr.speech_from;
# lmboot/asr/speech.py), then each LM's WER with each of asr.recognizers, its settings tuned on dev: PocketSphinx
# with the LM in its first pass (its dictionary: lmboot/asr/pronounce.py) and Whisper n-best lists rescored by the
# LM (lmboot/asr/sphinx.py, whisper.py); a CTC model with the LM in the beam (emissions once per part, a lexicon per LM:
# lmboot/asr/ctc.py). {name}: an LM of models/<run>/lm (seed, mix-<variant>, mix-oracle).


SPEECH_TEXT = {"test": rules.prepare.output.test, "dev": rules.prepare.output.dev_tgt}
SPEECH_FROM = config["asr"]["speech_from"]  # another run's speech of the same dev/test text
RECORDED = {part: path for part, path in config["asr"]["recordings"].items() if path}  # a team's recordings
SYNTHESIZED = "|".join(part for part in ("dev", "test") if part not in RECORDED) or "(?!)"

if RECORDED:

    rule recordings:
        input:
            lambda wc: RECORDED[wc.speech],
        output:
            f"{DATA}/asr/{{speech}}/manifest.tsv",
        wildcard_constraints:
            speech="|".join(RECORDED),
        params:
            lang=config["languages"]["target"],
            normalize=cli_section("recordings", "normalize"),
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/recordings.{{speech}}.log",
        benchmark:
            f"{BENCH}/recordings.{{speech}}.tsv"
        resources:
            mem_mb=1000,
            runtime=60,
        shell:
            "lmboot recordings --manifest {input} --out-dir $(dirname {output}) --lang {params.lang}"
            " --normalize {params.normalize:q} > {log} 2>&1"


if SPEECH_FROM:

    rule reuse_speech:
        input:
            text=lambda wc: SPEECH_TEXT[wc.speech],
            manifest=f"{SPEECH_FROM}/{{speech}}/manifest.tsv",
            nbest=f"{SPEECH_FROM}/{{speech}}/whisper.nbest.jsonl",
        output:
            manifest=f"{DATA}/asr/{{speech}}/manifest.tsv",
            nbest=f"{DATA}/asr/{{speech}}/whisper.nbest.jsonl",
        wildcard_constraints:
            speech="dev|test",
        params:
            asr=cli_section("reuse-speech", "asr"),
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/reuse_speech.{{speech}}.log",
        benchmark:
            f"{BENCH}/reuse_speech.{{speech}}.tsv"
        shell:
            "lmboot reuse-speech --text {input.text} --from-dir {SPEECH_FROM}/{wildcards.speech}"
            " --out-dir $(dirname {output.manifest}) --part {wildcards.speech} --asr {params.asr:q} > {log} 2>&1"

else:

    rule synthesize:
        input:
            lambda wc: SPEECH_TEXT[wc.speech],
        output:
            f"{DATA}/asr/{{speech}}/manifest.tsv",
        wildcard_constraints:
            speech=SYNTHESIZED,
        params:
            asr=cli_section("synthesize", "asr"),
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/synthesize.{{speech}}.log",
        benchmark:
            f"{BENCH}/synthesize.{{speech}}.tsv"
        resources:
            mem_mb=1000,
            runtime=60,
        shell:
            "lmboot synthesize --text {input} --out-dir $(dirname {output}) --part {wildcards.speech}"
            " --asr {params.asr:q} > {log} 2>&1"

    rule whisper_nbest:
        input:
            f"{DATA}/asr/{{speech}}/manifest.tsv",
        output:
            f"{DATA}/asr/{{speech}}/whisper.nbest.jsonl",
        params:
            asr=cli_section("whisper-nbest", "asr"),
        threads: 2
        conda:
            "../../envs/lmboot.yaml"
        log:
            f"{LOGS}/whisper_nbest.{{speech}}.log",
        benchmark:
            f"{BENCH}/whisper_nbest.{{speech}}.tsv"
        resources:
            mem_mb=2000,
            runtime=120,
        shell:
            "lmboot whisper-nbest --manifest {input} --out {output} --asr {params.asr:q} --threads {threads}"
            " > {log} 2>&1"


rule pronunciations:
    input:
        f"{MODELS}/lm/{{name}}.arpa",
    output:
        f"{MODELS}/asr/{{name}}.dict",
    params:
        asr=cli_section("pronunciations", "asr"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/pronunciations.{{name}}.log",
    benchmark:
        f"{BENCH}/pronunciations.{{name}}.tsv"
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        "lmboot pronunciations --arpa {input} --out {output} --asr {params.asr:q} > {log} 2>&1"


rule sphinx_wer:
    input:
        arpa=f"{MODELS}/lm/{{name}}.arpa",
        dict=rules.pronunciations.output,
        dev=f"{DATA}/asr/dev/manifest.tsv",
        test=f"{DATA}/asr/test/manifest.tsv",
    output:
        f"{DATA}/asr/sphinx/{{name}}.json",
    params:
        asr=cli_section("sphinx-wer", "asr"),
    threads: 2
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/sphinx_wer.{{name}}.log",
    benchmark:
        f"{BENCH}/sphinx_wer.{{name}}.tsv"
    resources:
        mem_mb=4000,
        runtime=120,
    shell:
        "lmboot sphinx-wer --arpa {input.arpa} --dict {input.dict} --dev {input.dev} --test {input.test}"
        " --out {output} --asr {params.asr:q} --threads {threads} > {log} 2>&1"


rule whisper_wer:
    input:
        lm=f"{MODELS}/lm/{{name}}.bin",
        dev_nbest=f"{DATA}/asr/dev/whisper.nbest.jsonl",
        test_nbest=f"{DATA}/asr/test/whisper.nbest.jsonl",
        dev=f"{DATA}/asr/dev/manifest.tsv",
        test=f"{DATA}/asr/test/manifest.tsv",
    output:
        f"{DATA}/asr/whisper/{{name}}.json",
    params:
        asr=cli_section("whisper-wer", "asr"),
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/whisper_wer.{{name}}.log",
    benchmark:
        f"{BENCH}/whisper_wer.{{name}}.tsv"
    resources:
        mem_mb=2000,
        runtime=30,
    shell:
        "lmboot whisper-wer --lm {input.lm} --dev-nbest {input.dev_nbest} --test-nbest {input.test_nbest}"
        " --dev {input.dev} --test {input.test} --out {output} --asr {params.asr:q} > {log} 2>&1"


rule ctc_emissions:
    input:
        f"{DATA}/asr/{{speech}}/manifest.tsv",
    output:
        f"{DATA}/asr/{{speech}}/{{ctc}}.emissions.npz",
    wildcard_constraints:
        speech="dev|test",
        ctc=CTC_KEYS,
    params:
        asr=cli_section("ctc-emissions", "asr"),
        model=onnx_ctc,
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/{{ctc}}_emissions.{{speech}}.log",
    benchmark:
        f"{BENCH}/{{ctc}}_emissions.{{speech}}.tsv"
    resources:
        mem_mb=2000,
        runtime=60,
    shell:
        "lmboot ctc-emissions --manifest {input} --out {output} --asr {params.asr:q}{params.model} > {log} 2>&1"


rule ctc_lexicon:
    input:
        f"{MODELS}/lm/{{name}}.arpa",
    output:
        f"{MODELS}/asr/{{name}}.{{ctc}}.lexicon",
    wildcard_constraints:
        ctc=CTC_KEYS,
    params:
        asr=cli_section("ctc-lexicon", "asr"),
        model=onnx_ctc,
    threads: 2
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/{{ctc}}_lexicon.{{name}}.log",
    benchmark:
        f"{BENCH}/{{ctc}}_lexicon.{{name}}.tsv"
    resources:
        mem_mb=2000,
        runtime=60,
    shell:
        "lmboot ctc-lexicon --arpa {input} --out {output} --asr {params.asr:q}{params.model} --threads {threads}"
        " > {log} 2>&1"


rule ctc_wer:
    input:
        lm=f"{MODELS}/lm/{{name}}.bin",
        lexicon=rules.ctc_lexicon.output,
        dev_emissions=f"{DATA}/asr/dev/{{ctc}}.emissions.npz",
        test_emissions=f"{DATA}/asr/test/{{ctc}}.emissions.npz",
        dev=f"{DATA}/asr/dev/manifest.tsv",
        test=f"{DATA}/asr/test/manifest.tsv",
    output:
        f"{DATA}/asr/{{ctc}}/{{name}}.json",
    wildcard_constraints:
        ctc=CTC_KEYS,
    params:
        asr=cli_section("ctc-wer", "asr"),
    threads: 2
    conda:
        "../../envs/lmboot.yaml"
    log:
        f"{LOGS}/{{ctc}}_wer.{{name}}.log",
    benchmark:
        f"{BENCH}/{{ctc}}_wer.{{name}}.tsv"
    resources:
        mem_mb=4000,
        runtime=30,
    shell:
        "lmboot ctc-wer --lm {input.lm} --lexicon {input.lexicon} --dev-emissions {input.dev_emissions}"
        " --test-emissions {input.test_emissions} --dev {input.dev} --test {input.test} --out {output}"
        " --asr {params.asr:q} --threads {threads} > {log} 2>&1"
