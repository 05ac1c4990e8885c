"""Installed trees, laid out as installers lay them out, for the doctor's tests: a distribution's files
with its dist-info and RECORD (as ``pip install --target`` leaves them), and zip archives on the path."""

from __future__ import annotations

import zipfile
from pathlib import Path

from oracle import record_row

PKGUTIL = '__path__ = __import__("pkgutil").extend_path(__path__, __name__)\n'


def install_tree(folder: Path, name: str, files: dict[str, str], record: str | None = "") -> Path:
    """Lay out a distribution in ``folder`` as ``pip install --target`` does: its files and a dist-info with RECORD.

    ``record=None`` leaves RECORD out; any other string replaces the computed RECORD's text when not empty.
    """
    rows = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        rows.append(record_row(relative, text.encode()))
    info = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if record is not None:
        (info / "RECORD").write_text(record or "\n".join([*rows, f"{info.name}/RECORD,,"]) + "\n")
    return folder


def pkgutil_top_with_regular_sub(folder: Path) -> Path:
    """ns/ pkgutil-style, ns/sub/ a regular package: a common real-world shape."""
    files = {"ns/__init__.py": PKGUTIL, "ns/sub/__init__.py": "", "ns/sub/x.py": "VALUE = 'x'\n"}
    return install_tree(folder, "shape-pkgutil", files)


def pep420_portion(folder: Path, name: str = "shape-pep420", module: str = "y") -> Path:
    """ns/sub/MODULE.py with no __init__.py anywhere: a PEP 420 portion of ns and ns.sub."""
    return install_tree(folder, name, {f"ns/sub/{module}.py": f"VALUE = '{module}'\n"})


def zip_tree(archive: Path, files: dict[str, str], folders: bool = True) -> Path:
    """A zip archive holding ``files``, with a directory entry for each folder (as ``zip -r`` and ``shutil.make_archive`` write) or not."""
    with zipfile.ZipFile(archive, "w") as opened:
        if folders:
            for folder in sorted({str(Path(name).parent) for name in files} - {"."}):
                parts = Path(folder).parts
                for depth in range(1, len(parts) + 1):
                    entry = "/".join(parts[:depth]) + "/"
                    if entry not in opened.namelist():
                        opened.writestr(entry, "")
        for name, text in files.items():
            opened.writestr(name, text)
    return archive
