"""The installed distributions on the path: their files as RECORD lists them (with hash and size),
where each came from (PEP 610's direct_url.json), and who installed it (INSTALLER)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import site
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from .files import key as _key


@dataclass
class InstalledFile:
    """One row of a RECORD."""

    location: str  # where the file is
    relative: str  # as RECORD lists it
    digest: str | None  # sha256, urlsafe base64
    size: int | None = None  # as RECORD lists it

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass
class Distribution:
    """One installed distribution, as its dist-info (or egg-info) folder describes it."""

    name: str
    editable_project: Path | None
    source: Path | None = None  # the folder a regular install was built from (direct_url.json)
    files: dict[str, InstalledFile] = field(default_factory=dict)  # realpath -> file
    problem: str | None = None
    # The folders its RECORD lists files in, as RECORD spells them.
    folders: set[str] = field(default_factory=set)
    installer: str | None = None  # its INSTALLER file: pip, uv, ...
    generator: str = ""  # the build backend that made its wheel (WHEEL's Generator: "hatchling 1.33.0")
    target: str | None = None  # the folder it was installed into, when that is no site-packages (--target)

    def describe(self) -> str:
        return f"{self.name} (editable)" if self.editable_project else self.name


def owner_of(distributions: list[Distribution], file: str | Path) -> Distribution | None:
    """The distribution whose RECORD lists ``file`` (an editable finder, a redirector module), if any."""
    return next((dist for dist in distributions if _key(file) in dist.files), None)


def _direct_url(dist: metadata.Distribution) -> tuple[Path | None, Path | None]:
    """(editable project, source folder of a regular install) from PEP 610's direct_url.json."""
    raw = dist.read_text("direct_url.json")
    if not raw:
        return None, None
    try:
        info = json.loads(raw)
        url = urlparse(info["url"])
        if url.scheme != "file" or "dir_info" not in info:
            return None, None
        folder = Path(unquote(url.path))
        return (folder, None) if info["dir_info"].get("editable") else (None, folder)
    except (ValueError, KeyError, AttributeError, TypeError):
        return None, None


def _record_rows(dist: metadata.Distribution) -> list[tuple[str, str | None, int | None]] | None:
    """(path as RECORD lists it, sha256 or None) for each row of the distribution's RECORD; None if it has none.

    An .egg-info has no RECORD: its files are what importlib.metadata lists, with no hash.

    Read here, not through ``Distribution.files``: since Python 3.12 that leaves
    out the files that no longer exist, which are what an uninstall of another
    distribution removed.
    """
    text = dist.read_text("RECORD")
    if text is None:  # an .egg-info: importlib.metadata lists installed-files.txt or SOURCES.txt, unhashed
        files = dist.files
        return None if files is None else [(str(file), None, None) for file in files]
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) > 3:
            raise ValueError(f"a row of {len(row)} fields: {row!r}")
        algorithm, _, value = (row[1] if len(row) > 1 else "").partition("=")
        size = int(row[2]) if len(row) > 2 and row[2].isdigit() else None
        rows.append((row[0], value if algorithm == "sha256" and value else None, size))
    return rows


def _real_folder(folder: str, known: dict[str, str]) -> str:
    """``os.path.realpath(folder)``, from its parent's when the folder itself is no symlink: RECORDs list
    thousands of folders, and a full realpath looks at every component of each."""
    if folder in known:
        return known[folder]
    parent, name = os.path.split(folder)
    if not name or name in (".", "..") or parent == folder or os.path.islink(folder):
        real = os.path.realpath(folder)
    else:
        real = os.path.join(_real_folder(parent, known), name)
    known[folder] = real
    return real


def _header(text: str, name: str) -> str:
    """An email-style header's value (METADATA, WHEEL), read up to the first blank line only."""
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line
        key, colon, value = line.partition(":")
        if colon and not key[:1].isspace() and key.strip().lower() == name:
            return value.strip()
    return ""


def _metadata_name(dist: metadata.Distribution) -> str:
    """The ``Name`` header of a distribution's METADATA (or PKG-INFO), as ``dist.metadata["Name"]`` gives it,
    without parsing the whole file: its description can run to thousands of lines."""
    return _header(dist.read_text("METADATA") or dist.read_text("PKG-INFO") or "", "name") or "?"


def installed_distributions(path: list[str]) -> list[Distribution]:
    found: dict[str, Distribution] = {}
    known: dict[str, str] = {}  # each folder's real path, computed once
    # Where installers put distributions; any other folder holding one is a --target folder.
    sites = {_key(folder) for folder in [*site.getsitepackages(), site.getusersitepackages()]}
    for dist in metadata.distributions(path=[entry or os.curdir for entry in path]):
        name = _metadata_name(dist)
        if name in found:
            continue  # shadowed by an earlier path entry, as importlib.metadata itself does
        record = Distribution(name, *_direct_url(dist))
        record.installer = (dist.read_text("INSTALLER") or "").strip() or None
        record.generator = _header(dist.read_text("WHEEL") or "", "generator")
        try:
            rows = _record_rows(dist)
        except Exception as error:  # a corrupt RECORD: csv errors, bad rows, undecodable bytes
            rows, record.problem = None, f"its RECORD cannot be read ({type(error).__name__}: {error})"
        if rows is None and record.problem is None:
            record.problem = "it has no RECORD, so its files cannot be checked"
        # A dist-info folder's files are relative to the folder holding it (PathDistribution.locate_file):
        # joined as strings, since RECORDs list tens of thousands of files.
        base = str(dist.locate_file("")) if isinstance(dist, metadata.PathDistribution) else None
        if base is not None and _key(base) not in sites:
            record.target = base
        prefix = base.rstrip(os.sep) + os.sep if base is not None else None
        for relative, digest, size in rows or ():
            try:
                if prefix is not None:
                    located = prefix + (relative if os.sep == "/" else relative.replace("/", os.sep))
                else:
                    located = str(dist.locate_file(relative))
            except Exception:
                continue
            folder, _, file_name = located.rpartition(os.sep)
            key = _real_folder(folder, known) + os.sep + file_name
            record.files[key] = InstalledFile(located, relative, digest, size)
            record.folders.add(relative.rpartition("/")[0])
        found[name] = record
    return list(found.values())


def sha256_of(path: str) -> str:
    """A file's sha256 as RECORD spells it, read in chunks (a CUDA wheel's files run to gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
