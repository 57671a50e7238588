"""The tables: metrics, the ablation, seed sizes and the dev curves."""
