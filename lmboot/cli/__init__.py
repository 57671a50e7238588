"""`lmboot <stage>`: one subcommand per stage, each a thin call of the stage's function, declared with its
arguments beside it (data.py, translation.py, lm.py, speech.py).

Section options (--select, --nmt, --lm-filter, ...) take the matching config section as inline JSON
or a config file path (whose section is then used), so a stage runs the same with or without Snakemake.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from lmboot.cli import data, lm, speech, translation  # noqa: F401, I001  (each registers its subcommands, in pipeline order)
from lmboot.cli.registry import add_commands, section, section_keys
from lmboot.errors import InputError

__all__ = ["build_parser", "main", "section", "section_keys"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmboot", description=" ".join(__doc__.split("\n\n")[0].split()))
    add_commands(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    start = time.time()
    try:  # section options are loaded while parsing, so bad input can surface there too
        args = build_parser().parse_args(argv)
        result = args.func(args)
    except InputError as e:
        print(f"lmboot: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a file a command was given that is not there or cannot be read: one line too
        if e.filename is None:
            raise
        print(f"lmboot: error: {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    print(
        json.dumps(
            {"command": args.command, "seconds": round(time.time() - start, 1), "result": result},
            ensure_ascii=False,
            default=str,
        ),
        file=sys.stderr,
    )
    return 0
