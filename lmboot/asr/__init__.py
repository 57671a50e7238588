"""Recognizers that measure an LM by WER (one interface), their speech and their WER statistics."""
