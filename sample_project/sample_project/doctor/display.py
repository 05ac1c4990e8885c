"""Paths and prose as the report shows them: paths shortened (relative, or under ``~``), kept whole
in prose, shell-quoted in commands; prose wrapped within 100 columns."""

from __future__ import annotations

import os
import shlex


def shown(path: str | os.PathLike[str]) -> str:
    """A path as the report shows it: relative to the current folder when at most two levels up, else under
    ``~``, else absolute."""
    path = os.path.abspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        relative = path
    beside = os.path.commonpath([path, os.getcwd()]) != os.path.dirname(os.sep)  # more in common than /
    if beside and relative != os.curdir and relative.split(os.sep)[:3] != [os.pardir] * 3:
        return relative
    home = os.path.expanduser("~")
    if home not in ("~", os.sep) and path.startswith(home + os.sep):
        return "~" + path[len(home) :]
    return path


# In prose, a path's spaces are no places to wrap a line: they are this until wrap has wrapped it.
UNBROKEN_SPACE = "\u00a0"


def said(path: str | os.PathLike[str]) -> str:
    """A path as prose shows it (shown), kept on one line by wrap."""
    return shown(path).replace(" ", UNBROKEN_SPACE)


def unbroken(text: str) -> str:
    """Prose with plain spaces again, as data (JSON) carries it."""
    return text.replace(UNBROKEN_SPACE, " ")


def pasted(path: str | os.PathLike[str]) -> str:
    """A path for a command line: shown (the current folder as ``.``), then quoted for a POSIX shell
    (``~/`` left out of the quotes)."""
    if os.path.abspath(path) == os.getcwd():
        return os.curdir
    text = shown(path)
    if text.startswith("~" + os.sep):
        return "~" + os.sep + shlex.quote(text[2:])
    return shlex.quote(text)


def wrap(text: str, indent: str = "  ") -> list[str]:
    """Prose within 100 columns, but for a path, which is never broken, nor left alone on a line when the
    words before it are few."""
    words = text.lstrip(" ")
    lines: list[str] = []
    line = text[: len(text) - len(words)]  # a leading indent stays
    for word in words.split(" "):
        if line.strip() and len(line) + 1 + len(word) > 100 and len(line) > len(indent) + 30:
            lines.append(line)
            line = indent + word
        else:
            line = f"{line} {word}" if line.strip() else line + word
    return [unbroken(entry) for entry in [*lines, line]]
