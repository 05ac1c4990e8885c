"""The installed files against their distributions' RECORDs, and installs out of date with their
projects: what was overwritten, removed or modified, a stale ``build/``, a stale editable finder.

Every function reads the installed distributions (installed.py) and the file
system (files.py); none looks at the import system.
"""

from __future__ import annotations

import os
from pathlib import Path

from .editables import EditableFinder
from .entries import loader_suffixes
from .files import Files
from .installed import Distribution, owner_of, sha256_of


def claims(distributions: list[Distribution]) -> dict[str, list[Distribution]]:
    """Each installed file (with a hash in some RECORD) and the distributions whose RECORD lists it."""
    found: dict[str, list[Distribution]] = {}
    for dist in distributions:
        for key, file in dist.files.items():
            if file.digest is not None:
                found.setdefault(key, []).append(dist)
    return found


def shared_files(claimed: dict[str, list[Distribution]]) -> list[dict]:
    """Files more than one installed distribution claims: uninstalling either removes them for both."""
    return [
        {"file": str(dists[0].files[key].path), "distributions": sorted(d.name for d in dists)}
        for key, dists in sorted(claimed.items())
        if len(dists) > 1
    ]


def changed_files(
    files: Files,
    distributions: list[Distribution],
    claimed: dict[str, list[Distribution]],
    everything: bool = False,
    shared: tuple[str, ...] = (),
) -> list[dict]:
    """Installed files that are not what their distribution's RECORD says.

    ``state``: ``replaced`` (``by`` names the distributions that ship the
    content now there; null when none does: a local modification),
    ``missing`` (gone from a folder that is still there) or ``deleted``.
    Every file is looked for, in its folder's listing; by default only the
    ones whose content can matter are read and hashed: files two
    distributions claim, ``.pth`` files, and files in the ``shared``
    folders (real paths); ``everything`` hashes every file. A file whose
    size differs from RECORD's, and that no other distribution claims, is
    changed without being read.
    """
    changed: list[dict] = []
    for dist in distributions:
        for key, file in sorted(dist.files.items()):
            if file.digest is None:
                continue
            folder, _, name = file.location.rpartition(os.sep)
            if name not in files.listdir(folder):
                # A file gone from a folder that is still there: deleted by hand, or by the
                # uninstall of another distribution that shipped it too (pip and uv remove
                # every file a RECORD lists). Nothing left tells which: that RECORD went
                # with its distribution. A whole folder gone, or a file outside the import
                # folder (a script in bin/), is a note.
                inside = ".." not in file.relative.split("/")
                state = "missing" if inside and files.is_dir(folder) else "deleted"
                changed.append(
                    {
                        "distribution": dist.name,
                        "file": file.location,
                        "relative": file.relative,
                        "state": state,
                    }
                )
                continue
            needed = (
                everything
                or len(claimed[key]) > 1
                or name.endswith(".pth")
                or any(key.startswith(folder + os.sep) for folder in shared)
            )
            if not needed:
                continue
            try:
                if (
                    file.size is not None
                    and os.stat(file.location).st_size != file.size
                    and len(claimed[key]) == 1
                ):
                    actual = None  # changed, and no other distribution's copy to compare with
                else:
                    actual = sha256_of(file.location)
            except OSError:
                continue
            if actual != file.digest:
                others = [d.name for d in claimed[key] if d is not dist and d.files[key].digest == actual]
                changed.append(
                    {
                        "distribution": dist.name,
                        "file": file.location,
                        "relative": file.relative,
                        "state": "replaced",
                        "by": others or None,
                    }
                )
    return changed


def stale_builds(files: Files, distributions: list[Distribution]) -> list[dict]:
    """``__init__.py`` files a regular install put in place that its source folder no longer has, but its build/lib still does.

    setuptools builds a wheel from build/lib, which it adds to but never
    empties (setuptools issue 1871): files deleted from the source come back.
    """
    stale = []
    for dist in distributions:
        if dist.source is None or not files.is_dir(dist.source / "build" / "lib"):
            continue
        for file in dist.files.values():
            relative = Path(file.relative)
            if relative.name != "__init__.py" or ".." in relative.parts:
                continue
            in_build = files.is_file(dist.source / "build" / "lib" / relative)
            in_source = _source_has(files, dist.source, relative)
            if in_build and not in_source:
                stale.append({"distribution": dist.name, "file": str(file.path), "source": str(dist.source)})
    return stale


def stale_finders(
    files: Files, finders: list[EditableFinder], distributions: list[Distribution]
) -> list[dict]:
    """setuptools editable finders whose recorded kinds no longer match the source tree: installed before an __init__.py came or went."""
    stale = []
    for finder in finders:
        problems = []
        for name, folder in sorted(finder.mapping.items()):
            has_init = files.is_file(Path(folder, "__init__.py"))
            is_module = any(files.is_file(Path(folder).with_suffix(s)) for s, _ in loader_suffixes())
            if not files.is_dir(folder) and not is_module:
                problems.append({"name": name, "folder": folder, "now": "gone"})
            elif files.is_dir(folder) and name not in finder.namespaces and not has_init and not is_module:
                problems.append({"name": name, "folder": folder, "now": "no-init"})
        for name, folders in sorted(finder.namespaces.items()):
            for folder in folders:
                if files.is_file(Path(folder, "__init__.py")):
                    problems.append({"name": name, "folder": folder, "now": "init"})
        if problems:
            owner = owner_of(distributions, finder.file)
            stale.append(
                {
                    "finder": str(finder.file),
                    "distribution": owner.name if owner else None,
                    "project": str(owner.editable_project) if owner and owner.editable_project else None,
                    "problems": problems,
                }
            )
    return stale


def _source_has(files: Files, source: Path, relative: Path) -> bool:
    """Whether the project folder has a file at a path ending in ``relative`` (any package-dir), outside what is not source.

    Not source: build/ and dist/, hidden folders (.git, .tox, .venv), any venv
    (a folder with a pyvenv.cfg, whatever its name), site-packages, *.egg-info
    and __pycache__: a venv inside the project holds the installed copy of the
    very file whose absence from the source makes a build stale.
    """
    if files.is_file(source / relative) or files.is_file(source / "src" / relative):
        return True
    parts = relative.parts
    try:
        for folder, dirs, names in os.walk(source, onerror=_raise):
            dirs[:] = [
                d
                for d in dirs
                if not (
                    d.startswith(".")
                    or d in ("build", "dist", "__pycache__", "site-packages")
                    or d.endswith(".egg-info")
                    or files.is_file(os.path.join(folder, d, "pyvenv.cfg"))
                )
            ]
            here = Path(folder).parts
            if parts[-1] in names and here[len(here) - len(parts) + 1 :] == parts[:-1]:
                return True
    except OSError as error:
        files.refused(source, error)
        return True  # cannot tell: say nothing rather than something wrong
    return False


def _raise(error: OSError) -> None:
    raise error
