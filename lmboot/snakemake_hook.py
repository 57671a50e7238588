"""A config file that is not valid YAML, named in one line under Snakemake too. Snakemake reads each
--configfile itself, before the Snakefile (and lmboot's preflight) runs, and reports a syntax error in two
lines that name neither the file nor the line. `make setup` puts a one-line .pth file into the venv that calls
install(): once Snakemake's config loader is imported, each config file it loads is first read by lmboot's
reader (lmboot.config.read_yaml), and one that is not valid YAML stops the run with lmboot's line
("lmboot: error: FILE:LINE: not valid YAML (...)"), exit 1. Any other file goes on to Snakemake's loader
unchanged; nothing is done where Snakemake's loader is not where this expects it."""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path

LOADER_MODULE = "snakemake.common.configfile"


def checked(load):
    """Snakemake's _load_configfile, with a YAML syntax error in a config file reported as one line."""

    def load_checked(configpath_or_obj, filetype="Config"):
        if filetype == "Config" and isinstance(configpath_or_obj, (str, Path)) and Path(configpath_or_obj).is_file():
            from lmboot.config import read_yaml
            from lmboot.errors import InputError

            try:
                read_yaml(Path(configpath_or_obj))
            except InputError as e:
                print(f"lmboot: error: {e}", file=sys.stderr)
                raise SystemExit(1) from None
        return load(configpath_or_obj, filetype)

    load_checked.lmboot_checked = True
    return load_checked


def wrap(module) -> None:
    load = getattr(module, "_load_configfile", None)
    if callable(load) and not getattr(load, "lmboot_checked", False):
        module._load_configfile = checked(load)


class _WrapOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: when Snakemake's config loader module is first imported, lets the normal finders
    find it and wraps its loader once the module has run."""

    def find_spec(self, name, path=None, target=None):
        if name != LOADER_MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            wrap(module)

        spec.loader.exec_module = exec_module
        return spec


def install() -> None:
    """Wrap Snakemake's config loader now if it is imported, else when it is."""
    if LOADER_MODULE in sys.modules:
        wrap(sys.modules[LOADER_MODULE])
    elif not any(isinstance(finder, _WrapOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WrapOnImport())
