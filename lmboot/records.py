"""The one record of every choice lmboot makes on dev (a checkpoint, a guard, rescoring's λ, an LM weight...):
which criterion, which way is better, the grid, each point's measure and the choice. A leaf module: the
stages that choose (lmboot.choose, the recognizers, export's pruning) and the reports that read the records
(lmboot.report.evaluate) all import it."""

from __future__ import annotations


def choice_record(criterion, better: str, measures: dict, choice, **extra) -> dict:
    """The one record of a choice made on dev; criterion: its name, or a criterion with a `name`."""
    name = criterion if isinstance(criterion, str) else criterion.name
    return {
        "criterion": name,
        "better": better,
        "grid": [str(k) for k in measures],
        "measure": {str(k): v for k, v in measures.items()},
        "choice": str(choice),
        **extra,
    }
