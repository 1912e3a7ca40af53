"""What a template needs of each function's code: the SHA-256 of its zip, which names the zip's S3 key.

Building the zips (an import scan and a level-9 deflate of each handler's closure) was most of a cold
render's own work. The digests depend only on the Python files under `lambdas/` and on the code and
zlib that build the zips, so rendering keeps them in `.tapgen/code-digests.json` under a hash of
exactly those bytes and reuses them while it matches, as Python reuses a hash-checked `.pyc`.
Only rendering reads this cache: `package` and `deploy` always build the bytes they upload, and check
the template against them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, Protocol, TypeGuard

from tapgen.code.contract import load_contract
from tapgen.code.keys import artifact_s3_key

CACHE_FILE = Path(".tapgen") / "code-digests.json"  # beside lambdas/, as tapgen.toml is
CACHE_FORMAT = 1
CACHE_BYTES_LIMIT = 64 * 1024
# The code whose output the digests are: a change to it must not reuse digests it did not compute.
ZIP_BUILDER = Path(__file__).with_name("artifacts.py")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class CodeAddress(Protocol):
    """What the builders use of a function's code: a built artifact or a digest both have it."""

    @property
    def sha256(self) -> str: ...
    @property
    def s3_key(self) -> str: ...


class CodeDigest(NamedTuple):
    """A function's zip, known by its SHA-256 (hex) alone."""

    name: str
    sha256: str

    @property
    def s3_key(self) -> str:
        return artifact_s3_key(self.name, self.sha256)


def code_digests(lambdas_dir: Path) -> dict[str, CodeDigest]:
    """Every function's digest, in contract order: from the cache when it matches `lambdas/`, else built."""
    cache = lambdas_dir.parent / CACHE_FILE
    try:
        key = source_key(lambdas_dir)
    except OSError:
        key = None  # an unreadable file: the build below reports it
    cached = _read_cache(cache, key, lambdas_dir) if key else None
    if cached is not None:
        return cached
    from tapgen.code.artifacts import build_artifacts  # zipfile and ast load only when the code changed

    digests = {name: CodeDigest(name, artifact.sha256) for name, artifact in build_artifacts(lambdas_dir).items()}
    if key:
        _write_cache(cache, key, digests)
    return digests


def source_key(lambdas_dir: Path) -> str:
    """A hash of every Python file under `lambdas_dir` (path and bytes) and of what builds and compresses the zips."""
    parts = [ZIP_BUILDER.read_bytes(), zlib.ZLIB_RUNTIME_VERSION.encode(), sys.version.encode()]
    for path in sorted(lambdas_dir.rglob("*.py")):
        data = path.read_bytes()
        parts.append(f"{path.relative_to(lambdas_dir).as_posix()}\0{len(data)}\0".encode() + data)
    return importlib.util.source_hash(b"\0".join(parts)).hex()


def _read_cache(cache: Path, key: str, lambdas_dir: Path) -> dict[str, CodeDigest] | None:
    """The cached digests when the file holds exactly `key` and the contract's functions; None otherwise."""
    try:
        with cache.open("rb") as stream:
            document = json.loads(stream.read(CACHE_BYTES_LIMIT + 1))
    except (OSError, ValueError):  # missing, unreadable, truncated or not JSON: build instead
        return None
    if not isinstance(document, dict) or document.get("format") != CACHE_FORMAT or document.get("key") != key:
        return None
    digests = document.get("digests")
    names = [function.name for function in load_contract(lambdas_dir).FUNCTIONS]
    if not _well_formed(digests) or list(digests) != names:
        return None
    return {name: CodeDigest(name, sha256) for name, sha256 in digests.items()}


def _well_formed(digests: object) -> TypeGuard[dict[str, str]]:
    return isinstance(digests, dict) and all(
        isinstance(sha256, str) and SHA256_HEX.fullmatch(sha256) for sha256 in digests.values()
    )


def _write_cache(cache: Path, key: str, digests: Mapping[str, CodeDigest]) -> None:
    """Replace the cache in one step; a directory tapgen may not write to just means no cache."""
    document = {"format": CACHE_FORMAT, "key": key, "digests": {name: d.sha256 for name, d in digests.items()}}
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        partial.replace(cache)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
