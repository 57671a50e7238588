"""In-domain and general corpora: reading, normalizing, splitting by role, entity spans, downloads."""
