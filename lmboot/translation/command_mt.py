"""A command as a translator: any line-in/line-out program (`apertium -u -f line spa-eng`, a team's client of
its own MT service). Each utterance is one line in and must be one line out; the lines go in batches of
`batch_lines` to one run of the command (a shell command line), and every batch's output is checked: the
command must exit 0 and print exactly one line per input line. A batch that fails is translated again one
line at a time, so that the error names the first input line that goes wrong (dropped, merged with its
neighbour, split, or moved): one line, naming the translator, before anything is written."""

from __future__ import annotations

import subprocess

from lmboot.errors import InputError


def _shown(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def run_batch(command: str, lines: list[str]) -> tuple[int, list[str], str]:
    """One run of the command over the lines: its exit status, its output lines and the last line of its stderr."""
    run = subprocess.run(
        command,
        shell=True,
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    out = run.stdout.split("\n")
    if out and out[-1] == "":
        out.pop()  # the final newline
    err = run.stderr.strip().splitlines()
    return run.returncode, out, err[-1] if err else ""


def first_bad_line(
    name: str, command: str, lines: list[str], start: int, outputs: list[str], status: int, err: str
) -> str:
    """Why a batch failed, naming its first bad line (1-based over the whole input): each line is translated
    alone and compared with the batch's output in its place."""
    for i, line in enumerate(lines):
        alone_status, alone, alone_err = run_batch(command, [line])
        where = f"translators.{name}: input line {start + i + 1} ({_shown(line)})"
        if alone_status != 0:
            return f"{where}: `{command}` exited with status {alone_status}" + (f": {alone_err}" if alone_err else "")
        if len(alone) != 1:
            return f"{where}: `{command}` printed {len(alone)} lines for it, not one"
        if status == 0 and (i >= len(outputs) or outputs[i] != alone[0]):
            return (
                f"{where}: the batch's output line {start + i + 1} is not its translation (the command "
                f"moves text across lines: {len(outputs)} lines for {len(lines)}; try batch_lines: 1)"
            )
    if status != 0:
        return (
            f"translators.{name}: input lines {start + 1}-{start + len(lines)}: `{command}` exited with status "
            f"{status}" + (f": {err}" if err else "")
        )
    return (
        f"translators.{name}: input lines {start + 1}-{start + len(lines)}: `{command}` printed "
        f"{len(outputs)} lines for {len(lines)}"
    )


def translate_command(name: str, command: str, sources: list[str], batch_lines: int) -> list[str]:
    """The command's translation of each source line, in order; InputError (one line) if any batch fails."""
    outputs: list[str] = []
    for start in range(0, len(sources), batch_lines):
        batch = sources[start : start + batch_lines]
        status, out, err = run_batch(command, batch)
        if status == 127:
            raise InputError(f"translators.{name}: `{command}`: command not found" + (f" ({err})" if err else ""))
        if status != 0 or len(out) != len(batch):
            raise InputError(first_bad_line(name, command, batch, start, out, status, err))
        outputs.extend(line.strip() for line in out)
    if sources and not any(outputs):
        raise InputError(f"translators.{name}: `{command}` printed only empty lines for {len(sources)} inputs")
    return outputs
