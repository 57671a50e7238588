"""The built-in demo data (templates and lexicon of a small es-en assistant domain)."""
