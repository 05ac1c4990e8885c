"""The command line: which import path to diagnose (the vantage point), the options, the output."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .causes import Cause
from .diagnosis import UsageError, examine
from .display import pasted, said, wrap
from .mermaid import picture
from .render import legend, payload, render
from .version import SCHEMA, VERSION

# The doctor as the README names it: what its help says to run when it was not started as a program.
MODULE = "sample_project.doctor"
FORMATS = ("text", "json", "mermaid")


def startup_folder(started: bool) -> str | None:
    """The entry Python put first on sys.path for the doctor's own start (``python -m``: the current folder;
    ``python doctor.pyz``: the archive), or None when there is none: the doctor imported by a program
    (whose path is the program's, ``started`` false), ``-I`` or ``-P``."""
    if not started or sys.flags.isolated or getattr(sys.flags, "safe_path", False) or not sys.path:
        return None
    return sys.path[0]


def import_path(start: str | None = None, started: bool = False) -> tuple[list[str], str | None]:
    """The import path to diagnose, and the start-up entry left out of it.

    A program of this interpreter sees sys.path with its own start-up folder first
    (a script's folder, or the current one for ``python -m``), a console script
    none. The doctor diagnoses the path as every program sees it, without its own
    start-up entry, unless ``start`` names the folder a program starts from.
    """
    own = startup_folder(started)
    rest = sys.path[1:] if own is not None else list(sys.path)
    if start is not None:
        return [os.path.abspath(start), *rest], own
    return rest, own


def _vantage(path: list[str], start: str | None, left_out: str | None, verbose: bool) -> list[str]:
    """The last note: whose import path was diagnosed, and what was left out of it."""
    note = f"note: diagnosed the import path of {said(sys.executable)} ({len(path)} entries)"
    if start is not None:
        note += f", as a program started from {said(path[0])} sees it"
    if left_out is not None:
        own = os.path.abspath(left_out or os.curdir)
        what = "archive" if os.path.isfile(own) else "start-up folder"
        note += f", without the doctor's own {what} {said(own)}"
    return wrap(note) + ([f"  {entry}" for entry in path] if verbose else [])  # paths: not wrapped


def diagnose(
    names: list[str] | None = None,
    output: str = "text",
    start: str | None = None,
    all_files: bool = False,
    accepting: tuple[str, ...] = (),
    verbose: bool = False,
    quiet: bool = False,
    started: bool = False,
    command: str | None = None,
) -> tuple[str, int]:
    """The report for ``names`` (default: every shared name) and the exit status it deserves.

    ``output``: text, json or mermaid. ``start``: diagnose as a program started from that folder sees
    the environment. ``all_files``: hash every installed file, not only those that can decide an import.
    ``accepting``: --accept patterns (CAUSE or CAUSE:GLOB): those findings no longer fail the run.
    ``started``: the doctor is the program (its own start-up entry is left out of the path).
    ``command``: how to run this doctor again (a stopgap's help ends with it).
    """
    path, left_out = import_path(start, started)
    command = command or f"{pasted(sys.executable)} -m {MODULE}"
    d = examine(names, path, all_files=all_files, accepting=accepting, command=command)
    if output == "json":
        return json.dumps(payload(d, path, left_out), indent=2), d.status
    if output == "mermaid":
        return picture(d), d.status
    text = render(d, verbose, quiet)
    if quiet:
        return text, d.status
    return "\n".join([text, *_vantage(path, start, left_out, verbose)]), d.status


def main(argv: list[str] | None = None, prog: str | None = None, command: str | None = None) -> int:
    """``python -m sample_project.doctor``: ``prog`` and ``command`` say how the doctor was started, when it
    is the program (its __main__ passes them); called by another program, it diagnoses that one's path."""
    started = prog is not None
    parser = argparse.ArgumentParser(
        prog=prog or f"python -m {MODULE}",
        description="Find the package that shadows another's namespace portion, and its distribution.",
        epilog=legend(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="dotted package names (default: every shared one)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION} (JSON schema {SCHEMA})")
    shown_as = parser.add_mutually_exclusive_group()
    shown_as.add_argument("--json", action="store_true", help="print the report as JSON (--format json)")
    shown_as.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default); json; mermaid: a flowchart of the search for each shared name",
    )
    shown_as.add_argument("--quiet", "-q", action="store_true", help="print the verdict line only")
    shown_as.add_argument(
        "--verbose", "-v", action="store_true", help="also how Python finds each folder, and the import path"
    )
    parser.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="CAUSE[:GLOB]",
        help="a known, harmless finding that must not fail the run: its cause (see below), and the name or"
        " file it is about (a glob; a path matches by its end too). Repeatable",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="FOLDER",
        help="diagnose as a program started from FOLDER sees the environment (a script's folder, or the"
        " current one for python -m); by default, as every program does: without the doctor's own"
        " start-up folder",
    )
    parser.add_argument(
        "--all-files",
        action="store_true",
        help="hash every installed file against its RECORD (default: every file is looked for, and only"
        " the files two distributions claim, __init__ and .pth files are hashed)",
    )
    options = parser.parse_args(argv)
    if options.start is not None and not os.path.isdir(options.start):
        parser.error(f"--from {options.start}: not a folder")
    causes = {cause.value for cause in Cause}
    unknown = [p for p in options.accept if p.partition(":")[0] not in causes]
    if unknown:
        parser.error(f"--accept {unknown[0]}: no such cause (the causes are listed in --help)")
    try:
        text, status = diagnose(
            options.names,
            "json" if options.json else options.format,
            options.start,
            options.all_files,
            tuple(options.accept),
            options.verbose,
            options.quiet,
            started,
            command,
        )
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `| head` read what it wanted: the verdict's exit status still holds
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so exit's flush is quiet
    return status
