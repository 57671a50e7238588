"""Subcommands of the speech evaluation: test speech, pronunciations, PocketSphinx, Whisper and CTC WER, the
WER table."""

from __future__ import annotations

import json

from lmboot.cli.registry import THREADS, arg, command, required, section_arg

PART = arg("--part", choices=["dev", "test"], required=True, help="which asr.<part>_size applies")


@command(
    "synthesize",
    "speech for a seeded sample of the text (asr.voices, asr.snr_db)",
    required("--text", "--out-dir"),
    PART,
    section_arg("asr", "voices", "snr_db", "dev_size", "test_size", "random_seed"),
)
def cmd_synthesize(a):
    from lmboot.asr.speech import synthesize

    return synthesize(
        a.text, a.out_dir, a.asr["voices"], a.asr["snr_db"], a.asr[f"{a.part}_size"], a.asr["random_seed"]
    )


@command(
    "reuse-speech",
    "another run's speech and Whisper n-best lists of the same text",
    required("--text", "--from-dir", "--out-dir"),
    PART,
    section_arg("asr", "dev_size", "test_size", "random_seed"),
)
def cmd_reuse_speech(a):
    from lmboot.asr.speech import reuse_speech

    return reuse_speech(a.text, a.asr[f"{a.part}_size"], a.asr["random_seed"], a.from_dir, a.out_dir)


@command(
    "pronunciations",
    "PocketSphinx dictionary for an ARPA LM's words (cmudict + G2P)",
    required("--arpa", "--out"),
    section_arg("asr", "lexicon", "g2p_voice"),
)
def cmd_pronunciations(a):
    from lmboot.asr.pronounce import pronunciations

    return pronunciations(a.arpa, a.out, a.asr["lexicon"], a.asr["g2p_voice"])


@command(
    "recordings",
    "recorded speech from a manifest (audio, transcript) as the speech to decode",
    required("--manifest", "--out-dir"),
    arg("--lang", default="en", help="the transcripts' language"),
    section_arg("normalize", "lowercase", "strip_punctuation", "spoken_form"),
)
def cmd_recordings(a):
    from lmboot.asr.speech import recordings
    from lmboot.data.prepare import normalizer

    return recordings(a.manifest, a.out_dir, normalizer(a.normalize, a.lang))


@command(
    "sphinx-wer",
    "PocketSphinx with an LM: weight tuned on dev, test WER",
    required(
        "--arpa",
        "--dict",
        "--dev",
        "--test",
        "--out",
        help="ARPA LM, its dictionary, dev/test manifest.tsv, output JSON",
    ),
    section_arg("asr", "sphinx_lw", "sphinx_hmm"),
    THREADS,
)
def cmd_sphinx_wer(a):
    from lmboot.asr.sphinx import sphinx_wer

    return sphinx_wer(a.arpa, a.dict, a.dev, a.test, a.asr["sphinx_lw"], a.out, a.threads, a.asr["sphinx_hmm"])


@command(
    "whisper-nbest",
    "Whisper n-best lists of the utterances of a manifest",
    required("--manifest", "--out"),
    section_arg("asr", "whisper_model", "whisper_beam", "whisper_nbest", "device"),
    THREADS,
)
def cmd_whisper_nbest(a):
    from lmboot.asr.whisper import whisper_nbest

    return whisper_nbest(
        a.manifest,
        a.out,
        a.asr["whisper_model"],
        a.asr["whisper_beam"],
        a.asr["whisper_nbest"],
        a.asr["device"],
        a.threads,
    )


@command(
    "whisper-wer",
    "Whisper n-best rescored with an LM: alpha/beta tuned on dev, test WER",
    required("--lm", "--dev-nbest", "--test-nbest", "--dev", "--test", "--out"),
    section_arg("asr", "alpha", "beta"),
)
def cmd_whisper_wer(a):
    from lmboot.asr.whisper import whisper_wer

    return whisper_wer(a.lm, a.dev_nbest, a.test_nbest, a.dev, a.test, a.asr["alpha"], a.asr["beta"], a.out)


ONNX_CTC = arg(
    "--onnx-ctc",
    type=json.loads,
    default=None,
    help="a team's CTC model (the asr.onnx_ctc object, JSON) in place of hama's (asr.ctc_model)",
)


@command(
    "ctc-emissions",
    "a CTC acoustic model's log-probabilities for the utterances of a manifest",
    required("--manifest", "--out"),
    section_arg("asr", "ctc_model"),
    ONNX_CTC,
)
def cmd_ctc_emissions(a):
    from lmboot.asr.ctc import acoustic_model, emissions

    return emissions(a.manifest, a.out, acoustic_model(a.asr["ctc_model"], a.onnx_ctc))


@command(
    "ctc-lexicon",
    "an LM's words spelled in the CTC model's tokens (asr.ctc_lexicon, then G2P or units)",
    required("--arpa", "--out"),
    section_arg("asr", "ctc_model", "ctc_lexicon", "ctc_cache_dir"),
    ONNX_CTC,
    THREADS,
)
def cmd_ctc_lexicon(a):
    from lmboot.asr.ctc import acoustic_model, lexicon

    return lexicon(
        a.arpa,
        a.out,
        acoustic_model(a.asr["ctc_model"], a.onnx_ctc),
        a.asr["ctc_lexicon"],
        a.asr["ctc_cache_dir"],
        a.threads,
    )


@command(
    "ctc-wer",
    "CTC lexicon beam search with the LM in the beam: LM weight and word score on dev, test WER",
    required(
        "--lm",
        "--lexicon",
        "--dev-emissions",
        "--test-emissions",
        "--dev",
        "--test",
        "--out",
        help="KenLM binary, its CTC lexicon, dev/test emissions (.npz) and manifest.tsv, output JSON",
    ),
    section_arg("asr", "ctc_lm_weight", "ctc_word_score", "ctc_beam", "ctc_beam_tokens", "ctc_beam_threshold"),
    THREADS,
)
def cmd_ctc_wer(a):
    from lmboot.asr.ctc import ctc_wer

    return ctc_wer(a.lm, a.lexicon, a.dev_emissions, a.test_emissions, a.dev, a.test, a.asr, a.out, a.threads)


@command(
    "export",
    "an LM in the forms its consumers load (ARPA, KenLM binary, CTC lexicon and tokens, "
    "unigrams, words.txt and G.fst, an entropy-pruned ARPA chosen on dev)",
    required(
        "--arpa",
        "--bin",
        "--lexicon",
        "--dev",
        "--out-dir",
        help="the LM (ARPA, KenLM binary), its CTC lexicon, dev text, output directory",
    ),
    section_arg("export", "prune_thresholds", "max_ppl_increase"),
    section_arg("asr", "ctc_model"),
)
def cmd_export(a):
    from lmboot.asr.ctc import HamaCTC
    from lmboot.lm.export import export

    return export(
        a.arpa,
        a.bin,
        a.lexicon,
        HamaCTC(a.asr["ctc_model"]).tokens,
        a.dev,
        a.out_dir,
        a.export["prune_thresholds"],
        a.export["max_ppl_increase"],
    )


@command(
    "wer-table",
    "WER of each LM with bootstrap CIs and paired tests vs the first row",
    arg("--rows", required=True, help='JSON list of {"label", "sphinx": json, "whisper": json, "ctc": json}'),
    arg("--out", required=True),
    section_arg("asr", "bootstrap"),
)
def cmd_wer_table(a):
    from lmboot.asr.wer import wer_table

    return wer_table(json.loads(a.rows), a.out, a.asr["bootstrap"])
