"""The ``.pth`` files site processed at start-up, and the ``import`` lines of theirs that failed.

site.addpackage runs each line of a site folder's .pth file that starts with
"import"; a line that raises is reported on stderr, and start-up goes on
without what it installs (an editable install's finder, say). A module such a
line imports that is not in sys.modules did not import.
"""

from __future__ import annotations

import ast
import importlib.util
import locale
import os
import site
import stat
import sys

from .files import Files
from .legacy import text_as_open_reads_it


def site_folders(files: Files) -> list[str]:
    """The folders site.main reads .pth files from (none under python -S)."""
    if sys.flags.no_site:
        return []
    folders = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return [folder for folder in dict.fromkeys(folders) if files.is_dir(folder)]


def pth_lines(data: bytes) -> list[str]:
    """A .pth file's lines as site.addpackage reads them.

    Python 3.13 and later decode UTF-8, with or without a BOM, and fall back to the
    locale's encoding; earlier ones read it in the locale's encoding, so a BOM stays
    and a first ``import`` line is not one (CPython Lib/site.py, addpackage).
    """
    if sys.version_info >= (3, 13):
        try:
            return data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            return data.decode(locale.getencoding(), errors="replace").splitlines()
    return text_as_open_reads_it(data)


def pth_files(files: Files, folder: str) -> list[str]:
    """The .pth files site.addsitedir processes in ``folder``, in its order.

    Python 3.13 and later skip names starting with a dot and files flagged hidden;
    earlier ones process every ``*.pth`` (CPython Lib/site.py, addsitedir and addpackage).
    """
    names = sorted(name for name in files.listdir(folder) if name.endswith(".pth"))
    if sys.version_info < (3, 13):
        return [os.path.join(folder, name) for name in names]
    found = []
    for name in names:
        file = os.path.join(folder, name)
        try:
            flags = os.lstat(file)
        except OSError:
            continue
        hidden = (getattr(flags, "st_flags", 0) & getattr(stat, "UF_HIDDEN", 0)) or (
            getattr(flags, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)
        )
        if not name.startswith(".") and not hidden:
            found.append(file)
    return found


def _missing_imports(files: Files, file: str) -> list[str]:
    """The top-level modules ``file`` imports that no finder finds now (what made it fail, likely)."""
    try:
        tree = ast.parse(files.read_bytes(file) or b"")
    except (SyntaxError, ValueError):
        return []
    names = [
        alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        if alias.name and not (isinstance(node, ast.ImportFrom) and node.level)
    ]
    return [
        name
        for name in dict.fromkeys(names)
        if name not in sys.modules and importlib.util.find_spec(name) is None
    ]


def failed_path_lines(files: Files) -> list[dict]:
    """Each ``import`` line of a .pth file that did not import at start-up: the file, the line, what it lacks."""
    failed = []
    for folder in site_folders(files):
        for file in pth_files(files, folder):
            for line in pth_lines(files.read_bytes(file) or b""):
                if not line.startswith(("import ", "import\t")):
                    continue
                try:
                    statement = ast.parse(line).body
                except SyntaxError:
                    continue
                modules = [a.name for node in statement if isinstance(node, ast.Import) for a in node.names]
                missing = [module for module in modules if module not in sys.modules]
                if missing:
                    spec = importlib.util.find_spec(missing[0].split(".")[0])
                    lacks = _missing_imports(files, spec.origin) if spec and spec.origin else []
                    failed.append({"file": file, "line": line, "module": missing[0], "lacks": lacks})
    return failed
