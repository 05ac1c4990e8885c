"""Reading the file system as the import system does: folders, files, and zip archives on the path.

One ``Files`` serves one diagnosis. What it cannot read it records (``unreadable``:
the path and why) and answers as if the path were absent, so a locked folder
becomes a note in the report, never a traceback.

zipimporter serves a path entry that is a zip archive, or a folder inside one
(CPython Lib/zipimport.py): it reads the archive's directory once. ``Files``
does the same, and reads a member file in place.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path


def split_archive(path: str) -> tuple[str | None, str]:
    """(the zip archive, the member path inside it with "/" separators) for a path inside an archive, else (None, "")."""
    archive, inner = path, list[str]()
    while archive and not os.path.isdir(archive):
        if os.path.isfile(archive):
            return (archive, "/".join(reversed(inner))) if zipfile.is_zipfile(archive) else (None, "")
        parent, tail = os.path.split(archive)
        if parent == archive:
            break
        archive, inner = parent, [*inner, tail]
    return None, ""


def in_zip_archive(entry: str) -> bool:
    """zipimporter accepts an archive path, or a path inside one."""
    return split_archive(entry)[0] is not None


def key(path: Path | str) -> str:
    """A path's identity: its real path (symlinks resolved), or the path itself where that fails."""
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path)


class Files:
    """Folders, files and zip archives, read once each where it matters; what cannot be read is recorded."""

    def __init__(self) -> None:
        self.unreadable: dict[str, str] = {}  # a path -> why it could not be read
        self._zip_names: dict[str, frozenset[str] | None] = {}
        self._listings: dict[str, frozenset[str]] = {}

    def refused(self, path: Path | str, error: OSError) -> None:
        self.unreadable.setdefault(str(path), error.strerror or type(error).__name__)

    # --- files and folders -----------------------------------------------------------------------

    def read_bytes(self, path: Path | str) -> bytes | None:
        """A file's bytes; a file inside a zip archive on the path (``archive.zip/ns/__init__.py``) too."""
        path = Path(path)
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError) as error:
            archive, member = split_archive(str(path))
            if archive is not None and member:
                names = self.zip_names(archive)
                if names is not None and member in names:
                    try:
                        with zipfile.ZipFile(archive) as opened:
                            return opened.read(member)
                    except (OSError, zipfile.BadZipFile, KeyError) as zip_error:
                        self.refused(path, OSError(str(zip_error)))
                        return None
            self.refused(path, error)
            return None
        except OSError as error:
            self.refused(path, error)
            return None

    def _is(self, test, path: Path) -> bool:
        """``test(path)`` (Path.is_dir or Path.is_file), False where the parent folder cannot be read."""
        try:
            return test(path)
        except OSError as error:
            self.refused(path.parent, error)
            return False

    def is_dir(self, path: Path | str) -> bool:
        return self._is(Path.is_dir, Path(path))

    def is_file(self, path: Path | str) -> bool:
        return self._is(Path.is_file, Path(path))

    def children(self, folder: Path) -> list[Path]:
        """What a folder holds; a folder inside a zip archive on the path too."""
        try:
            return sorted(folder.iterdir())
        except (FileNotFoundError, NotADirectoryError) as error:
            if in_zip_archive(str(folder)):
                return sorted(folder / name for name in self.zip_listing(str(folder)))
            self.refused(folder, error)
            return []
        except OSError as error:
            self.refused(folder, error)
            return []

    def listdir(self, folder: str) -> frozenset[str]:
        """The names in a folder (FileFinder._fill_cache), empty where there is no such folder: listed once
        a diagnosis, as FileFinder lists a path entry once (every name is looked up in every entry)."""
        if folder not in self._listings:
            try:
                self._listings[folder] = frozenset(os.listdir(folder))
            except (FileNotFoundError, NotADirectoryError):
                self._listings[folder] = frozenset()
            except OSError as error:
                self.refused(folder, error)
                self._listings[folder] = frozenset()
        return self._listings[folder]

    # --- zip archives ----------------------------------------------------------------------------

    def zip_names(self, archive: str) -> frozenset[str] | None:
        """The names an archive's directory lists (as zipimport reads them, once), or None if it cannot be read."""
        if archive not in self._zip_names:
            try:
                with zipfile.ZipFile(archive) as opened:
                    self._zip_names[archive] = frozenset(opened.namelist())
            except (OSError, zipfile.BadZipFile) as error:
                self.refused(archive, OSError(str(error)))
                self._zip_names[archive] = None
        return self._zip_names[archive]

    def zip_listing(self, entry: str) -> set[str]:
        """What a zip path entry holds at its top: the first part of each name below its prefix."""
        archive, prefix = split_archive(entry)
        names = self.zip_names(archive) if archive else None
        start = f"{prefix}/" if prefix else ""
        return {
            name[len(start) :].split("/")[0]
            for name in names or ()
            if name.startswith(start) and name != start
        }

    def is_zip_folder(self, folder: Path | str) -> bool:
        """A folder of a zip archive with a directory entry (what zipimport takes for a namespace portion)."""
        archive, member = split_archive(str(folder))
        return archive is not None and bool(member) and f"{member}/" in (self.zip_names(archive) or ())

    def holds_files(self, folder: Path | str) -> bool:
        """Whether a folder (or a zip archive's folder) holds a file anywhere below it, bytecode caches aside.

        pip and uv remove what a RECORD lists but may leave its folders behind, empty or holding only
        empty folders and ``__pycache__``: such a folder offers Python nothing to import.
        """
        folder = str(folder)
        if self.is_dir(folder):
            try:
                for where, _, names in os.walk(folder, onerror=self._raise):
                    # In a __pycache__, a file that is not bytecode is a file too: the help deletes
                    # such a folder whole (rm -r), and must not take anything else with it.
                    cache = os.path.basename(where) == "__pycache__"
                    if any(not (cache and name.endswith(".pyc")) for name in names):
                        return True
            except OSError as error:
                self.refused(folder, error)
                return True  # cannot tell: say nothing rather than something wrong
            return False
        archive, member = split_archive(folder)
        listed = (self.zip_names(archive) or frozenset()) if archive else frozenset()
        prefix = f"{member}/" if member else ""
        return any(
            n.startswith(prefix) and not n.endswith("/") and "/__pycache__/" not in f"/{n[len(prefix) :]}"
            for n in listed
        )

    @staticmethod
    def _raise(error: OSError) -> None:
        raise error

    def folder_or_zip_folder(self, folder: Path | str) -> bool:
        return self.is_dir(str(folder)) or self.is_zip_folder(folder)

    def package_like(self, child: Path) -> bool:
        """A folder (or a zip folder holding files) whose name could be a package's."""
        name = child.name
        if not name.isidentifier() or name.startswith("__"):
            return False
        if self.is_dir(child):
            return True
        archive, member = split_archive(str(child))
        return archive is not None and any(n.startswith(f"{member}/") for n in self.zip_names(archive) or ())
