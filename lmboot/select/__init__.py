"""Selecting the general bitext's pairs near the seed (sentence embeddings, scorers)."""
