"""Generated namespace layouts: 2 or 3 distributions sharing ``TOP.sub``, declared as data.

A layout is a few distributions, in install order. Each ships ``TOP/`` and
``TOP/sub/`` (each level of one kind) and one leaf package of its own,
``TOP/sub/leaf_NAME/``, and is put on the import path one way (a placement).
``plan()`` turns a layout into the files, links and path entries that
tests/lib/oracle.py writes and imports; setuptools' editable installs come from
setuptools' own PEP 660 hook (``build_editable``), its legacy ``-nspkg.pth``
lines from setuptools' own generator.

Like CPython's ``Lib/test/test_importlib/namespace_pkgs/``, each layout is plain
data, so a failing one reads as what it is.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# What one level's __init__ is (SHIPPED_BY tells whose copy Python used).
KINDS = (
    "regular",  # __init__.py
    "pkgutil",  # __path__ = extend_path(__path__, __name__)
    "pep420",  # no __init__ at all
    "pkg_resources",  # declare_namespace(__name__), nothing else
    "pkg_resources-fallback",  # declare_namespace, falling back to extend_path without pkg_resources
    "mentions",  # regular, but its comment and docstring mention extend_path
    "sourceless",  # a regular __init__.pyc and no source
    "pkgutil-bom",  # pkgutil-style, its __init__.py starting with a UTF-8 BOM (Python reads it fine)
)
# How a distribution is put on the import path.
PLACEMENTS = (
    "site",  # its files in site-packages, merging with others' (pip install, wheel)
    "target",  # its own folder on PYTHONPATH (pip install --target)
    "pth",  # its project folder on a .pth path line (setuptools compat, hatchling, flit, pdm, uv_build)
    "editable",  # setuptools' default editable mode: an import finder
    "editable-strict",  # setuptools' strict editable mode: a link tree on a .pth line
    "nspkg",  # site-packages with a legacy *-nspkg.pth (setuptools' namespace_packages; zope.interface 5.x)
    "zip",  # a zip archive on PYTHONPATH, a directory entry for each folder (an egg, a zipapp's dependencies)
    "zip-bare",  # a zip archive on PYTHONPATH without directory entries (zipimport finds no PEP 420 portion there)
    "pkgfile",  # a folder no path entry names, listed in site-packages' TOP.pkg (read by pkgutil.extend_path)
    "pth-hidden",  # its project folder on the line of a .pth whose name starts with a dot (skipped from 3.13 on)
    "pip",  # a wheel pip installs into the venv's site-packages: its RECORD, its bytecode compiled
    "uv",  # a wheel `uv pip install` installs there: its RECORD, no bytecode
)
# The placements that install a wheel into the venv's own site-packages (a doctor in a process of its own).
INSTALLED = ("pip", "uv")
# What happens to an installed (pip or uv) distribution's leaf module after the install.
AFTER_INSTALL = (
    "",  # nothing
    "deleted",  # deleted by hand: the doctor's removed (broken), and the module no longer imports
    "modified",  # edited in place: a local modification, a note
    "uninstalled",  # uninstalled after every install: the files it shared are gone for the others too
)
# What else a distribution leaves beside its packages.
STRAYS = (
    "",  # nothing
    "module",  # TOP.py beside the TOP/ folder (a stale module, as enum34's enum.py)
    "sub-module",  # TOP/sub.py beside TOP/sub/
)
# The three ways pkg_resources can be there (setuptools 80 and earlier ship it; 81 and later do not).
PKG_RESOURCES = ("absent", "importable", "imported")
# Who made the venv the program runs in: what it puts on sys.meta_path and in site-packages.
CREATORS = ("venv", "virtualenv", "uv")
# How the doctor is started: called by the program that imports (main.py after an ImportError),
# or in a process of its own at start-up: `python -m doctor` from a project folder, or a copied
# `doctor.pyz` run as a script. A process of its own has not imported pkg_resources.
LAUNCHES = ("in-process", "module", "script")
DIST_NAMES = ("da", "db", "dc")

INIT = {
    "regular": 'SHIPPED_BY = "{dist}"\n',
    "pkgutil": '__path__ = __import__("pkgutil").extend_path(__path__, __name__)\nSHIPPED_BY = "{dist}"\n',
    "pkg_resources": '__import__("pkg_resources").declare_namespace(__name__)\n',
    "pkg_resources-fallback": (
        "try:\n"
        '    __import__("pkg_resources").declare_namespace(__name__)\n'
        "except ImportError:\n"
        '    __path__ = __import__("pkgutil").extend_path(__path__, __name__)\n'
    ),
    "mentions": (
        '"""Not pkgutil-style: nothing here calls __path__ = extend_path(__path__, __name__)."""\n'
        "# from pkgutil import extend_path  (a comment, not code)\n"
        'SHIPPED_BY = "{dist}"\n'
    ),
    "sourceless": 'SHIPPED_BY = "{dist}"\n',
    "pkgutil-bom": '\ufeff__path__ = __import__("pkgutil").extend_path(__path__, __name__)\nSHIPPED_BY = "{dist}"\n',
}


@dataclass(frozen=True)
class Dist:
    name: str
    levels: tuple[str, str]  # the kind of TOP/ and of TOP/sub/
    placement: str
    stray: str = ""  # one of STRAYS
    after: str = ""  # one of AFTER_INSTALL (placements INSTALLED only)

    @property
    def declared(self) -> list[int]:
        """The levels a legacy nspkg install declares as namespace_packages (their __init__.py is not installed)."""
        if self.placement != "nspkg":
            return []
        return [level for level, kind in enumerate(self.levels) if kind.startswith("pkg_resources")]


@dataclass(frozen=True)
class Layout:
    dists: tuple[Dist, ...]  # in install order
    pkg_resources: str = "absent"  # one of PKG_RESOURCES
    creator: str = "venv"  # one of CREATORS
    launch: str = "in-process"  # one of LAUNCHES (a process of its own: never with pkg_resources imported)

    def __str__(self) -> str:
        parts = [
            f"{d.name}: {d.levels[0]}/{d.levels[1]} via {d.placement}"
            + (f" and a stray {d.stray}" if d.stray else "")
            + (
                ", uninstalled after install"
                if d.after == "uninstalled"
                else f", its leaf module {d.after} after install"
                if d.after
                else ""
            )
            for d in self.dists
        ]
        return "; ".join(
            [*parts, f"pkg_resources {self.pkg_resources}", f"{self.creator} venv", f"doctor {self.launch}"]
        )


def package_files(top: str, dist: Dist) -> list[dict]:
    """The package files of ``dist``, relative to the folder that holds ``TOP``."""
    files = []
    for level, kind in enumerate(dist.levels):
        folder = "/".join([top, "sub"][: level + 1])
        if kind != "pep420" and level not in dist.declared:
            entry = {"path": f"{folder}/__init__.py", "text": INIT[kind].format(dist=dist.name)}
            if kind == "sourceless":
                entry["compile"] = True
            files.append(entry)
    files.append({"path": f"{top}/sub/leaf_{dist.name}/__init__.py", "text": f'LEAF = "{dist.name}"\n'})
    if dist.placement in INSTALLED:  # the leaf module the test imports, the one changed after install
        files.append({"path": f"{top}/sub/leaf_{dist.name}/mod.py", "text": f'MOD = "{dist.name}"\n'})
    if dist.stray == "module":
        files.append({"path": f"{top}.py", "text": f'STRAY = "{dist.name}"\n'})
    elif dist.stray == "sub-module":
        files.append({"path": f"{top}/sub.py", "text": f'STRAY = "{dist.name}"\n'})
    return files


# --- setuptools, called as pip calls it ---------------------------------------------------------

CANON_TOP = "zzcanontop"


@cache
def _canon_root() -> Path:
    """Where setuptools builds each distribution shape once: made on first use, removed at exit."""
    root = Path(tempfile.mkdtemp(prefix="layouts-setuptools-")).resolve()
    atexit.register(shutil.rmtree, root, True)
    return root


PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "1.0"

[tool.setuptools.packages.find]
namespaces = true
"""


@cache
def setuptools_editable(dist: Dist, mode: str) -> tuple[tuple[dict, ...], tuple[dict, ...], tuple[dict, ...]]:
    """What ``pip install -e`` writes for ``dist`` (setuptools' build_editable, ``mode`` default or strict).

    Returns (site-packages files, link-tree folders, link-tree links), with the
    project's folder as ``{root}/proj-NAME`` and the top-level name as ``{top}``.
    Built once per distribution shape, in a canonical folder, then renamed.
    """
    from setuptools import build_meta

    base = _canon_root() / f"{dist.name}-{'-'.join(dist.levels)}-{mode}"
    project = base / f"proj-{dist.name}"
    shutil.rmtree(base, ignore_errors=True)
    for entry in package_files(CANON_TOP, dist):
        path = project / entry["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if entry.get("compile"):  # setuptools sees no __init__.py: only that matters to it
            path.with_suffix(".pyc").write_bytes(b"")
        else:
            path.write_text(entry["text"], encoding="utf-8")
    (project / "pyproject.toml").write_text(PYPROJECT.format(name=dist.name))
    out = base / "wheel"
    out.mkdir()
    settings = {"editable_mode": "strict"} if mode == "editable-strict" else None
    cwd = os.getcwd()
    try:
        os.chdir(project)
        # What pip shows of a build: nothing, unless it fails.
        logging.disable(logging.INFO)
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            wheel = build_meta.build_editable(str(out), settings)
    finally:
        logging.disable(logging.NOTSET)
        os.chdir(cwd)

    def rename(text: str) -> str:
        return text.replace(str(base), "{root}").replace(CANON_TOP, "{top}")

    with zipfile.ZipFile(out / wheel) as archive:
        site_files = tuple(
            {"path": name, "text": rename(archive.read(name).decode())}
            for name in archive.namelist()
            if "/" not in name  # the .pth and the finder module; not the dist-info
        )
    folders, links = [], []
    for tree in (project / "build").glob("__editable__.*"):
        for path in sorted(tree.rglob("*")):
            relative = rename(str(path.relative_to(base)))
            if path.is_symlink():
                links.append({"path": relative, "target": rename(os.path.relpath(os.readlink(path), base))})
            elif path.is_dir():
                folders.append(relative)
    return site_files, tuple(folders), tuple(links)


def nspkg_lines(dist: Dist, top: str) -> str:
    """The ``*-nspkg.pth`` a legacy ``setup.py install`` wrote for the declared levels (setuptools' namespaces.Installer)."""
    from setuptools.namespaces import Installer

    declared = {".".join([top, "sub"][: level + 1]) for level in dist.declared}
    names = sorted(
        {".".join(name.split(".")[:i]) for name in declared for i in (1, 2) if i <= name.count(".") + 1}
    )
    return "".join(Installer()._gen_nspkg_line(name) for name in names)


def plan(layout: Layout, top: str) -> dict:
    """The files, links and path entries tests/lib/oracle.py lays out for ``layout``, under the top-level name ``top``."""
    files: list[dict] = []
    folders: list[str] = []
    links: list[dict] = []
    pythonpath: list[str] = []
    zips: list[dict] = []
    wheels: list[dict] = []
    pkgfile_lines: list[str] = []

    def put(prefix: str, entries) -> None:
        files.extend({**entry, "path": f"{prefix}/{entry['path']}"} for entry in entries)

    for dist in layout.dists:
        package = package_files(top, dist)
        if dist.placement in ("site", "nspkg"):
            put("site", package)
            if dist.placement == "nspkg":
                files.append({"path": f"site/{dist.name}-1.0-nspkg.pth", "text": nspkg_lines(dist, top)})
        elif dist.placement == "target":
            put(f"target-{dist.name}", package)
            pythonpath.append(f"target-{dist.name}")
        elif dist.placement in ("pth", "pth-hidden"):
            put(f"proj-{dist.name}", package)
            hidden = "." if dist.placement == "pth-hidden" else ""
            files.append({"path": f"site/{hidden}_{dist.name}.pth", "text": f"{{root}}/proj-{dist.name}\n"})
        elif dist.placement in ("zip", "zip-bare"):
            archive = f"{dist.name}.zip"
            zips.append({"path": archive, "files": package, "folders": dist.placement == "zip"})
            pythonpath.append(archive)
        elif dist.placement in INSTALLED:
            wheels.append(
                {
                    "name": f"{top}-{dist.name}",
                    "files": package,
                    "after": dist.after,
                    "installer": dist.placement,
                }
            )
        elif dist.placement == "pkgfile":
            put(f"pkg-{dist.name}", package)
            pkgfile_lines.append(f"{{root}}/pkg-{dist.name}/{top}\n")
        else:
            put(f"proj-{dist.name}", package)
            site_files, tree_folders, tree_links = setuptools_editable(dist, dist.placement)
            for entry in site_files:
                files.append({"path": f"site/{entry['path']}", "text": entry["text"].replace("{top}", top)})
            folders += [folder.replace("{top}", top) for folder in tree_folders]
            links += [
                {"path": link["path"].replace("{top}", top), "target": link["target"].replace("{top}", top)}
                for link in tree_links
            ]
    if pkgfile_lines:
        files.append({"path": f"site/{top}.pkg", "text": "".join(pkgfile_lines)})
    folders.append("site")
    return {
        "top": top,
        "files": files,
        "folders": folders,
        "links": links,
        "zips": zips,
        "wheels": wheels,
        "pythonpath": pythonpath,
        "site": "site",
        "shared": [top, f"{top}.sub"],
        "leaves": [
            f"{top}.sub.leaf_{dist.name}" + (".mod" if dist.placement in INSTALLED else "")
            for dist in layout.dists
        ],
        # Leaves that only a .pth line puts on sys.path: site may skip the file (a dot-named one
        # from 3.13 on), and then that distribution is not installed as far as Python can tell.
        "via_pth": {
            f"{top}.sub.leaf_{dist.name}": f"proj-{dist.name}"
            for dist in layout.dists
            if dist.placement in ("pth", "pth-hidden")
        },
    }
