"""Translators: training, self-training, pretrained and command translators, n-best decoding, rescoring, top-k
and the LM filter."""
