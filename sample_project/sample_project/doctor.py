"""Namespace doctor: which folder wins a shared package name, who owns it, what it hides.

    python -m sample_project.doctor [--json] [NAME ...]

Inspects the environment of the interpreter that runs it, statically: it never
imports the packages it inspects (they may be broken or heavy), it reads
folders, ``__init__.py`` text, setuptools' editable finder modules and the
installed distributions' metadata. For each dotted package NAME (default: every
package name that more than one folder provides) it lists the folders that
provide it, follows Python's import rules to the one it picks, names what that
hides, and names the distribution that owns each folder. It also checks every
installed file against its distribution's RECORD: a file replaced by another
distribution's copy, or removed when another was uninstalled.

Exit status: 0 no collision, 1 collision (or overwritten files), 2 usage error.
Standard library only; Python 3.9+.
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

# Folders and files that could not be read during this run, with the reason.
UNREADABLE: dict[str, str] = {}


def _unreadable(path: Path, error: OSError) -> None:
    UNREADABLE.setdefault(str(path), error.strerror or type(error).__name__)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        _unreadable(path, error)
        return None


def _is(test, path: Path) -> bool:
    """``test(path)`` (Path.is_dir or Path.is_file), False where the parent folder cannot be read."""
    try:
        return test(path)
    except OSError as error:
        _unreadable(path.parent, error)
        return False


def _is_dir(path: Path) -> bool:
    return _is(Path.is_dir, path)


def _is_file(path: Path) -> bool:
    return _is(Path.is_file, path)


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as error:
        _unreadable(folder, error)
        return []


def _key(path: Path) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path)


# --- setuptools' editable finders ---------------------------------------------------------------


@dataclass
class EditableFinder:
    """One ``__editable___*_finder.py`` module of setuptools, read without importing it."""

    module: str
    file: Path
    mapping: dict[str, str]
    namespaces: dict[str, list[str]]
    placeholder: str | None


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string(node.left), _string(node.right)
        return None if left is None or right is None else left + right
    return None


def read_finder(file: Path) -> EditableFinder | None:
    text = _read(file)
    if text is None:
        return None
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    values: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            values[node.target.id] = node.value
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            values[node.targets[0].id] = node.value
    try:
        mapping = ast.literal_eval(values["MAPPING"]) if "MAPPING" in values else {}
        namespaces = ast.literal_eval(values["NAMESPACES"]) if "NAMESPACES" in values else {}
    except ValueError:
        return None
    placeholder = _string(values["PATH_PLACEHOLDER"]) if "PATH_PLACEHOLDER" in values else None
    return EditableFinder(file.stem, file, mapping, namespaces, placeholder)


def editable_finders(path: list[str]) -> list[EditableFinder]:
    """The editable finders installed in any path folder, in the order Python asks them."""
    found: dict[str, EditableFinder] = {}
    for entry in path:
        folder = Path(entry or os.curdir)
        if not _is_dir(folder):
            continue
        for file in _children(folder):
            if not (file.name.startswith("__editable___") and file.name.endswith("_finder.py")):
                continue
            finder = read_finder(file)
            if finder and finder.module not in found:
                found[finder.module] = finder
    asked = [getattr(f, "__module__", "") for f in sys.meta_path]
    return sorted(
        found.values(), key=lambda f: (asked.index(f.module) if f.module in asked else len(asked), f.module)
    )


# --- installed distributions ------------------------------------------------------------------


@dataclass
class Distribution:
    name: str
    editable_project: Path | None
    files: dict[str, tuple[Path, str | None]] = field(default_factory=dict)  # key -> (path, sha256)
    problem: str | None = None

    def describe(self) -> str:
        return f"{self.name} (editable)" if self.editable_project else self.name


def installed_distributions(path: list[str]) -> list[Distribution]:
    found: dict[str, Distribution] = {}
    for dist in metadata.distributions(path=[entry or os.curdir for entry in path]):
        name = dist.metadata["Name"] or "?"
        if name in found:
            continue  # shadowed by an earlier path entry, as importlib.metadata itself does
        editable = None
        raw = dist.read_text("direct_url.json")
        if raw:
            try:
                info = json.loads(raw)
                if info.get("dir_info", {}).get("editable"):
                    editable = Path(unquote(urlparse(info["url"]).path))
            except (ValueError, KeyError, AttributeError, TypeError):
                pass
        record = Distribution(name, editable)
        try:
            files = dist.files
        except Exception as error:  # a corrupt RECORD: csv errors, bad rows
            files, record.problem = None, f"its RECORD cannot be read ({type(error).__name__}: {error})"
        if files is None and record.problem is None:
            record.problem = "it has no RECORD, so its files cannot be checked"
        for file in files or ():
            try:
                located = Path(str(file.locate()))
            except Exception:
                continue
            digest = file.hash.value if file.hash is not None and file.hash.mode == "sha256" else None
            record.files[_key(located)] = (located, digest)
        found[name] = record
    return list(found.values())


# --- import resolution --------------------------------------------------------------------------


@dataclass
class Portion:
    """A folder (or module file) that provides a package name."""

    folder: str
    kind: str  # regular, pkgutil, namespace (PEP 420), module
    via: str
    owner: str | None = None


@dataclass
class Report:
    name: str
    portions: list[Portion]
    resolved: str  # regular, pkgutil, namespace, module, missing
    winner: str | None
    searched: list[str]  # the __path__ Python ends up with
    hidden: list[Portion]
    reason: str

    @property
    def collision(self) -> bool:
        return bool(self.hidden)


class Environment:
    def __init__(self, path: list[str] | None = None) -> None:
        UNREADABLE.clear()
        self.path = list(sys.path if path is None else path)
        self.finders = editable_finders(self.path)
        self.placeholders = {f.placeholder: f for f in self.finders if f.placeholder}
        self.distributions = installed_distributions(self.path)
        self._resolved: dict[str, tuple[str, str | None, list[str], str]] = {}

    # what one folder offers for a name
    def kind(self, folder: Path) -> str | None:
        init = folder / "__init__.py"
        if _is_file(init):
            text = _read(init) or ""
            return "pkgutil" if "extend_path" in text or "declare_namespace" in text else "regular"
        if _is_file(folder.with_suffix(".py")):
            return "module"
        return "namespace" if _is_dir(folder) else None

    def _extend_path(self, name: str, first: Path) -> list[str]:
        """pkgutil.extend_path: the package's own folder, then that name under every sys.path folder."""
        path = [str(first)]
        for entry in self.path:
            candidate = Path(entry or os.curdir, *name.split("."))
            if _is_dir(candidate) and _key(candidate) not in map(_key, map(Path, path)):
                path.append(str(candidate))
        return path

    def _path_finder(self, name: str, path: list[str]) -> tuple[str, str | None, list[str], str] | None:
        leaf = name.rpartition(".")[2]
        portions: list[str] = []
        for entry in path:
            finder = self.placeholders.get(entry)
            if finder is not None:
                if name in finder.namespaces:
                    portions += [*finder.namespaces[name], entry]
                continue
            folder = Path(entry or os.curdir, leaf)
            kind = self.kind(folder)
            if kind in ("regular", "pkgutil"):
                return self._package(
                    name, kind, folder, f"the first package with an __init__.py in {entry or os.curdir}"
                )
            if kind == "module":
                return "module", str(folder.with_suffix(".py")), [], f"a module, in {entry or os.curdir}"
            if kind == "namespace":
                portions.append(str(folder))
        if portions:
            return (
                "namespace",
                None,
                portions,
                "a namespace package (PEP 420): every portion above is searched",
            )
        return None

    def _package(
        self, name: str, kind: str, folder: Path, why: str
    ) -> tuple[str, str | None, list[str], str]:
        if kind == "regular":
            return kind, str(folder), [str(folder)], f"{why}; a regular package's __path__ is that one folder"
        why += "; pkgutil's extend_path adds this name's folders under sys.path entries, and nothing else"
        return kind, str(folder), self._extend_path(name, folder), why

    def resolve(self, name: str) -> tuple[str, str | None, list[str], str]:
        """(kind, winning folder, resulting __path__, why) as Python's import system would find ``name``."""
        if name in self._resolved:
            return self._resolved[name]
        parent, _, _ = name.rpartition(".")
        if parent:
            parent_kind, _, parent_path, _ = self.resolve(parent)
            path = parent_path if parent_kind not in ("module", "missing") else []
        else:
            path = self.path
        found = self._path_finder(name, path)
        if found is None:  # setuptools' editable finders come after the path finder
            for finder in self.finders:
                if name in finder.mapping:
                    folder = Path(finder.mapping[name])
                    kind = self.kind(folder)
                    if kind in ("regular", "pkgutil"):
                        found = self._package(
                            name, kind, folder, f"mapped by setuptools' editable finder {finder.module}"
                        )
                        break
                elif parent and parent in finder.mapping:
                    found = self._path_finder(name, [finder.mapping[parent]])
                    if found:
                        break
        result = found or ("missing", None, [], "nothing on the import path provides it")
        self._resolved[name] = result
        return result

    def portions(self, name: str) -> list[Portion]:
        """Every folder that provides ``name``, whether Python searches it or not."""
        parts = name.split(".")
        seen: dict[str, Portion] = {}

        def add(folder: Path, via: str) -> None:
            kind = self.kind(folder)
            if kind and _key(folder) not in seen:
                shown = folder.with_suffix(".py") if kind == "module" else folder
                seen[_key(folder)] = Portion(str(shown), kind, via)

        for entry in self.path:
            if entry in self.placeholders:
                continue
            add(Path(entry or os.curdir, *parts), f"path entry {entry or os.curdir}")
        for finder in self.finders:
            for key, folder in finder.mapping.items():
                if name == key or name.startswith(key + "."):
                    add(Path(folder, *name[len(key) :].split(".")[1:]), f"editable finder {finder.module}")
            for folder in finder.namespaces.get(name, []):
                add(Path(folder), f"editable finder {finder.module}")
        return list(seen.values())

    def owner(self, folder: Path) -> str | None:
        key = _key(folder)
        owners = []
        for dist in self.distributions:
            project = dist.editable_project
            if (project is not None and (key + os.sep).startswith(_key(project) + os.sep)) or any(
                path.startswith(key + os.sep) for path in dist.files
            ):
                owners.append(dist.describe())
        return ", ".join(owners) or None

    def report(self, name: str) -> Report:
        kind, winner, searched, reason = self.resolve(name)
        portions = self.portions(name)
        for portion in portions:  # owners only for what is reported: it reads every RECORD
            portion.owner = self.owner(Path(portion.folder))
        reachable = {_key(Path(p)) for p in searched if p not in self.placeholders}
        if winner:
            reachable.add(_key(Path(winner)))
        hidden = [p for p in portions if _key(Path(p.folder)) not in reachable]
        return Report(
            name, portions, kind, winner, [p for p in searched if p not in self.placeholders], hidden, reason
        )

    def shared_names(self) -> list[str]:
        """Every package name that more than one folder provides (top level first, then inside those)."""
        shared: list[str] = []
        pending = sorted(self._top_level_names())
        while pending:
            name = pending.pop(0)
            portions = self.portions(name)
            if len(portions) < 2:
                continue
            shared.append(name)
            children = set()
            for portion in portions:
                if portion.kind != "module":
                    children |= {
                        f"{name}.{c.name}" for c in _children(Path(portion.folder)) if _package_like(c)
                    }
            pending = sorted(children) + pending
        return shared

    def _top_level_names(self) -> set[str]:
        names = set()
        for entry in self.path:
            folder = Path(entry or os.curdir)
            if entry in self.placeholders or not _is_dir(folder):
                continue
            names |= {c.name for c in _children(folder) if _package_like(c)}
        for finder in self.finders:
            names |= {key.split(".")[0] for key in finder.mapping}
            names |= {key.split(".")[0] for key in finder.namespaces}
        return names

    def claims(self) -> dict[str, list[Distribution]]:
        """Each installed file (with a hash in some RECORD) and the distributions whose RECORD lists it."""
        claims: dict[str, list[Distribution]] = {}
        for dist in self.distributions:
            for key, (_, digest) in dist.files.items():
                if digest is not None:
                    claims.setdefault(key, []).append(dist)
        return claims

    def shared_files(self) -> list[dict]:
        """Files more than one installed distribution claims: uninstalling either removes them for both."""
        return [
            {"file": str(dists[0].files[key][0]), "distributions": sorted(d.name for d in dists)}
            for key, dists in sorted(self.claims().items())
            if len(dists) > 1
        ]

    def changed_files(self) -> list[dict]:
        """Installed files that are not what their distribution's RECORD says."""
        claims = self.claims()
        changed = []
        for dist in self.distributions:
            for key, (path, digest) in sorted(dist.files.items()):
                if digest is None:
                    continue
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    changed.append({"distribution": dist.name, "file": str(path), "state": "missing"})
                    continue
                except OSError:
                    continue
                actual = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                if actual != digest:
                    others = [d.name for d in claims[key] if d is not dist and d.files[key][1] == actual]
                    changed.append(
                        {
                            "distribution": dist.name,
                            "file": str(path),
                            "state": "replaced",
                            "by": others or None,
                        }
                    )
        return changed


def _package_like(child: Path) -> bool:
    name = child.name
    return name.isidentifier() and not name.startswith("__") and _is_dir(child)


# --- the verdict --------------------------------------------------------------------------------


def fixes(reports: list[Report]) -> list[str]:
    """Which ``__init__.py`` to delete, grouped by the distribution that ships it."""
    by_owner: dict[str, list[str]] = {}
    for report in reports:
        if report.collision:
            for portion in report.portions:
                if portion.kind in ("regular", "pkgutil"):
                    owner = portion.owner or "no installed distribution"
                    by_owner.setdefault(owner, []).append(str(Path(portion.folder, "__init__.py")))
    return [f"in {owner}: delete {', '.join(dict.fromkeys(files))}" for owner, files in by_owner.items()]


KINDS = {
    "regular": "regular package",
    "pkgutil": "pkgutil-style package",
    "namespace": "namespace portion (PEP 420)",
    "module": "module",
}


def render(env: Environment, reports: list[Report], changed: list[dict]) -> str:
    out = []
    for report in reports:
        out.append(f"{report.name}: {'COLLISION' if report.collision else 'ok'}")
        for number, portion in enumerate(report.portions, 1):
            mark = "hidden" if portion in report.hidden else "searched"
            out.append(f"  {number}. [{mark}] {portion.folder}")
            out.append(
                f"     {KINDS[portion.kind]}, via {portion.via}; owner: {portion.owner or 'none found'}"
            )
        if report.resolved in ("regular", "pkgutil", "module"):
            out.append(f"  Python imports {report.winner}: {report.reason}.")
        else:
            out.append(f"  Python makes it {report.reason}.")
    for entry in changed:
        if entry["state"] == "missing":
            out.append(
                f"{entry['file']}: installed by {entry['distribution']}, now missing (removed by uninstalling another distribution?)"
            )
        else:
            by = " and ".join(entry.get("by") or []) or "something else"
            out.append(
                f"{entry['file']}: installed by {entry['distribution']}, silently replaced by {by}'s copy"
            )
    for entry in env.shared_files():
        out.append(
            f"note: {entry['file']} is claimed by {' and '.join(entry['distributions'])}:"
            " uninstalling either removes it for both"
        )
    for dist in env.distributions:
        if dist.problem:
            out.append(f"note: {dist.name}: {dist.problem}")
    for folder, reason in sorted(UNREADABLE.items()):
        out.append(f"note: cannot read {folder} ({reason}): what it holds is not in this report")
    collisions = [r.name for r in reports if r.collision]
    if collisions or changed:
        out.append("")
        verdict = []
        if collisions:
            verdict.append(f"a regular package hides other portions of {', '.join(collisions)}")
        if changed:
            verdict.append(f"{len(changed)} installed file(s) differ from what their distribution shipped")
        out.append("VERDICT: collision: " + "; ".join(verdict) + ".")
        fix = fixes(reports)
        if fix:
            out.append(
                "FIX: make the shared levels PEP 420 namespace packages (no __init__.py in any distribution):"
            )
            out += [f"  {line}" for line in fix]
        elif changed:
            out.append(
                "FIX: stop shipping the same file in two distributions (PEP 420: no shared __init__.py), then reinstall."
            )
    else:
        out.append(
            "VERDICT: healthy: "
            + (
                "every portion is searched."
                if reports
                else "no package name is provided by more than one folder."
            )
        )
    return "\n".join(out)


class UsageError(Exception):
    """A NAME that is not a dotted package name, or that nothing provides."""


def with_shared_ancestors(env: Environment, names: list[str]) -> list[str]:
    """``names``, each preceded by its ancestors that more than one folder provides.

    A package is searched only through its parent's __path__: when a shared
    parent is a regular package, fixing the child alone fixes nothing.
    """
    expanded: list[str] = []
    for name in names:
        parts = name.split(".")
        ancestors = [".".join(parts[:i]) for i in range(1, len(parts))]
        expanded += [a for a in ancestors if len(env.portions(a)) > 1] + [name]
    return list(dict.fromkeys(expanded))


def diagnose(names: list[str] | None = None, as_json: bool = False) -> tuple[str, int]:
    """The report for ``names`` (default: every shared name) and the exit status it deserves."""
    bad = [name for name in names or () if not all(part.isidentifier() for part in name.split("."))]
    if bad:
        raise UsageError(f"not a dotted package name: {', '.join(bad)}")
    env = Environment()
    inspected = with_shared_ancestors(env, names) if names else env.shared_names()
    reports = [env.report(name) for name in inspected]
    missing = [report.name for report in reports if not report.portions]
    if missing:
        raise UsageError(f"nothing on this interpreter's import path provides {', '.join(missing)}")
    changed = env.changed_files()
    status = 1 if any(report.collision for report in reports) or changed else 0
    if not as_json:
        return render(env, reports, changed), status
    payload = {
        "collision": bool(status),
        "reports": [asdict(report) for report in reports],
        "changed": changed,
        "shared_files": env.shared_files(),
        "distribution_problems": {d.name: d.problem for d in env.distributions if d.problem},
        "unreadable": dict(sorted(UNREADABLE.items())),
    }
    return json.dumps(payload, indent=2), status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_project.doctor",
        description="Find the package that shadows another's namespace portion, and its distribution.",
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="dotted package names (default: every shared one)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    options = parser.parse_args(argv)
    try:
        text, status = diagnose(options.names, options.json)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
