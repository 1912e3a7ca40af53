"""Deterministic Lambda zips: each function ships exactly the modules its handler imports.

The same bytes feed the template (their sha256 is in the S3 key) and the upload, so a
changed handler is a changed key in `templates/`, and unchanged code is never re-uploaded.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import io
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Protocol

CONTRACT_FILE = Path("tap_shared") / "contract.py"
KEY_PREFIX = "tapgen"
# A fixed timestamp and mode keep the zip independent of checkout time and umask.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16


class FunctionContract(Protocol):
    """The shape of `contract.FunctionContract` in `lambdas/tap_shared/contract.py`."""

    @property
    def name(self) -> str: ...
    @property
    def handler(self) -> str: ...
    @property
    def environment(self) -> tuple[str, ...]: ...


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
        return f"{KEY_PREFIX}/{self.name}/{self.sha256}.zip"


def load_contract(lambdas_dir: Path) -> ModuleType:
    """Load `lambdas/tap_shared/contract.py` by path: the handler and environment contract."""
    path = lambdas_dir / CONTRACT_FILE
    name = "_tapgen_lambda_contract"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FileNotFoundError(f"Lambda contract not found at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def build_artifacts(lambdas_dir: Path) -> dict[str, FunctionArtifact]:
    """Every function's artifact, keyed by function name, in contract order."""
    contract = load_contract(lambdas_dir)
    return {fn.name: build_artifact(lambdas_dir, fn.name, fn.handler) for fn in contract.FUNCTIONS}


def build_artifact(lambdas_dir: Path, name: str, handler: str) -> FunctionArtifact:
    module = handler.rsplit(".", 1)[0]
    files = module_closure(lambdas_dir, module)
    return FunctionArtifact(name, handler, files, deterministic_zip(lambdas_dir, files))


def module_closure(lambdas_dir: Path, module: str) -> tuple[str, ...]:
    """Relative paths of `module` and every module in `lambdas_dir` it imports, transitively."""
    found: set[str] = set()
    pending = [module]
    while pending:
        for name, path in _module_files(lambdas_dir, pending.pop()):
            relative = path.relative_to(lambdas_dir).as_posix()
            if relative not in found:
                found.add(relative)
                pending.extend(_imports(path, name, lambdas_dir))
    if not any(f.endswith(".py") and not f.endswith("__init__.py") for f in found):
        raise FileNotFoundError(f"handler module {module!r} not found under {lambdas_dir}")
    return tuple(sorted(found))


def _module_files(lambdas_dir: Path, module: str) -> list[tuple[str, Path]]:
    """(name, file) of the module and of each package on its path, as importing runs them all."""
    parts = module.split(".")
    candidates: list[tuple[str, Path]] = []
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        candidates.append((name, lambdas_dir.joinpath(*parts[:i], "__init__.py")))
    candidates.append((module, lambdas_dir.joinpath(*parts).with_suffix(".py")))
    return [(name, path) for name, path in candidates if path.is_file()]


def _imports(path: Path, module: str, lambdas_dir: Path) -> Iterable[str]:
    """Absolute names of the local modules that `path` imports."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if _is_local(lambdas_dir, alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(package, node.module, node.level)
            if _is_local(lambdas_dir, base):
                yield base
                yield from (f"{base}.{alias.name}" for alias in node.names)


def _absolute(package: str, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".")
    base = parts[: len(parts) - level + 1]
    return ".".join([*base, name] if name else base)


def _is_local(lambdas_dir: Path, module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    return bool(top) and ((lambdas_dir / top).is_dir() or (lambdas_dir / f"{top}.py").is_file())


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
