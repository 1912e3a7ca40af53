"""Deterministic Lambda zips: each function ships exactly the modules its handler imports.

The same bytes feed the template (their sha256 is in the S3 key) and the upload, so a
changed handler is a changed key in `templates/`, and unchanged code is never re-uploaded.
"""

from __future__ import annotations

import ast
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tapgen.code.contract import ContractError, load_contract
from tapgen.code.keys import artifact_s3_key

# A fixed timestamp and mode keep the zip independent of checkout time and umask.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16
# A line starting an import statement, with a parenthesised list or backslash continuations.
IMPORT_LINE = re.compile(rb"^[ \t]*(?:import|from)[ \t][^\n(\\]*(?:\([^)]*\)|(?:\\\r?\n[^\n\\]*)+)?[^\n]*", re.M)


@dataclass(frozen=True)
class FunctionArtifact:
    """One function's deployment package."""

    name: str
    handler: str
    files: tuple[str, ...]
    zip_bytes: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.zip_bytes).hexdigest()

    @property
    def s3_key(self) -> str:
        return artifact_s3_key(self.name, self.sha256)


def build_artifacts(lambdas_dir: Path) -> dict[str, FunctionArtifact]:
    """Every function's artifact, keyed by function name, in contract order."""
    contract = load_contract(lambdas_dir)
    graph = ImportGraph(lambdas_dir)
    return {fn.name: build_artifact(lambdas_dir, fn.name, fn.handler, graph) for fn in contract.FUNCTIONS}


def build_artifact(lambdas_dir: Path, name: str, handler: str, graph: ImportGraph | None = None) -> FunctionArtifact:
    """The zip of the handler's module and all it imports; the module must exist and define the handler."""
    module, _, attribute = handler.rpartition(".")
    if not module or not attribute.isidentifier():
        raise ContractError(f"function {name!r}: handler {handler!r} is not `module.function`")
    graph = graph or ImportGraph(lambdas_dir)
    files = graph.closure(module)
    source = graph.module_file(module)
    names = top_level_names(source.read_bytes())
    if names is not None and attribute not in names:
        raise ContractError(
            f"function {name!r}: handler {handler!r} names {attribute}, which {source} does not define at its top level"
        )
    return FunctionArtifact(name, handler, files, deterministic_zip(lambdas_dir, files))


def top_level_names(source: bytes) -> set[str] | None:
    """The names a module binds when it is imported: its defs, classes, assignments and imports, also those
    under a top-level `if`, `try` or `with` (never those inside a def or class). None when it does not parse:
    zipping is no syntax check (the handler's tests are), so the zip of such a module is built as before."""
    try:
        pending: list[ast.stmt] = list(ast.parse(source).body)
    except SyntaxError:
        return None
    names: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name))
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, field, []))
    return names


class ImportGraph:
    """The local imports of the modules under one directory; each file is parsed at most once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tops = {p.name.removesuffix(".py") for p in root.iterdir() if p.is_dir() or p.suffix == ".py"}
        self._imports: dict[Path, tuple[str, ...]] = {}

    def closure(self, module: str) -> tuple[str, ...]:
        """Relative paths of `module` and every module under the root it imports, transitively."""
        self.module_file(module)
        found: set[str] = set()
        seen: set[str] = set()
        pending = [module]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for owner, path in self._module_files(name):
                relative = path.relative_to(self.root).as_posix()
                if relative not in found:
                    found.add(relative)
                    pending.extend(self._local_imports(path, owner))
        return tuple(sorted(found))

    def module_file(self, module: str) -> Path:
        """The file that is `module`: `a/b.py` or `a/b/__init__.py`; FileNotFoundError when there is neither."""
        plain = self.root.joinpath(*module.split(".")).with_suffix(".py")
        package = self.root.joinpath(*module.split("."), "__init__.py")
        for path in (plain, package):
            if path.is_file():
                return path
        raise FileNotFoundError(
            f"handler module {module!r} not found under {self.root}: neither {plain} nor {package} exists"
        )

    def _module_files(self, module: str) -> list[tuple[str, Path]]:
        """(name, file) of the module and of each package on its path, as importing runs them all."""
        parts = module.split(".")
        candidates = [
            (".".join(parts[:i]), self.root.joinpath(*parts[:i], "__init__.py")) for i in range(1, len(parts) + 1)
        ]
        candidates.append((module, self.root.joinpath(*parts).with_suffix(".py")))
        return [(name, path) for name, path in candidates if path.is_file()]

    def _local_imports(self, path: Path, module: str) -> tuple[str, ...]:
        if path not in self._imports:
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            names = imported_names(path.read_bytes(), package)
            self._imports[path] = tuple(n for n in names if n.split(".", 1)[0] in self._tops)
        return self._imports[path]


def _import_statements(source: bytes) -> Iterator[ast.stmt]:
    """The import statements of `source`, at any nesting depth.

    Parsing only the lines that start an import (with their parenthesised or backslash
    continuations) is ~10x faster than parsing whole files, which made render slow. A line in a
    string that happens to parse as an import can only add a file to a zip, never drop one.
    """
    for match in IMPORT_LINE.finditer(source):
        try:
            yield from ast.parse(match.group().strip()).body
        except SyntaxError:
            continue  # prose such as "from the start" inside a docstring


def imported_names(source: bytes, package: str) -> Iterator[str]:
    """Absolute names of the modules `source` imports (for `from a import b`, both a and a.b)."""
    for node in _import_statements(source):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(package, node.module, node.level)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _absolute(package: str, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".")
    base = parts[: len(parts) - level + 1]
    return ".".join([*base, name] if name else base)


def deterministic_zip(root: Path, files: Iterable[str]) -> bytes:
    """Zip `files` (relative to `root`) so the same sources give the same bytes on any machine."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for relative in sorted(files):
            info = zipfile.ZipInfo(relative, date_time=ZIP_EPOCH)
            info.external_attr = FILE_MODE
            info.create_system = 3  # Unix, whichever system builds it
            info.compress_type = zipfile.ZIP_DEFLATED
            # Normalise line endings so a Windows checkout (autocrlf) yields the same hash.
            data = (root / relative).read_bytes().replace(b"\r\n", b"\n")
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
