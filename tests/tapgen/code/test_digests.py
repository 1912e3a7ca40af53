"""The digests a render uses: always those of the zips `package` builds, whether cached or not."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tapgen.code import artifacts
from tapgen.code import digests as code_digests
from tapgen.code.artifacts import build_artifacts
from tapgen.code.digests import CACHE_FILE, CodeDigest, source_key
from tapgen.settings import Settings
from tapgen.synth.render import render
from tests.conftest import ROOT


@pytest.fixture
def lambdas(tmp_path: Path) -> Path:
    """A copy of the project's Lambda code, with no cache beside it yet."""
    target = tmp_path / "lambdas"
    shutil.copytree(ROOT / "lambdas", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def built(lambdas: Path) -> dict[str, CodeDigest]:
    return {name: CodeDigest(name, a.sha256) for name, a in build_artifacts(lambdas).items()}


def cache_of(lambdas: Path) -> Path:
    return lambdas.parent / CACHE_FILE


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records each time the zips are really built."""
    calls: list[Path] = []
    original = artifacts.build_artifacts

    def counting(lambdas_dir: Path) -> dict[str, artifacts.FunctionArtifact]:
        calls.append(lambdas_dir)
        return original(lambdas_dir)

    monkeypatch.setattr(artifacts, "build_artifacts", counting)
    return calls


def test_digests_are_those_of_the_built_zips_cold_and_cached(lambdas: Path, builds: list[Path]) -> None:
    expected = built(lambdas)
    assert code_digests.code_digests(lambdas) == expected
    assert code_digests.code_digests(lambdas) == expected
    assert len(builds) == 1
    assert json.loads(cache_of(lambdas).read_text())["key"] == source_key(lambdas)


def _edit_in_place_keeping_size_and_mtime(lambdas: Path) -> None:
    path = lambdas / "tap_api" / "handler.py"
    before = path.stat()
    data = path.read_bytes()
    index = data.index(b"def ")
    path.write_bytes(data[:index] + b"DEF " + data[index + 4 :])  # same length
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _add_a_module(lambdas: Path) -> None:
    (lambdas / "tap_shared" / "extra.py").write_text("X = 1\n")


def _import_a_new_module(lambdas: Path) -> None:
    (lambdas / "tap_shared" / "extra.py").write_text("X = 1\n")
    handler = lambdas / "tap_api" / "handler.py"
    handler.write_text("from tap_shared import extra  # noqa: F401\n" + handler.read_text())


def _change_line_endings(lambdas: Path) -> None:
    path = lambdas / "tap_shared" / "contract.py"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


@pytest.mark.parametrize(
    "change",
    [_edit_in_place_keeping_size_and_mtime, _add_a_module, _import_a_new_module, _change_line_endings],
)
def test_any_change_to_the_code_is_digested_again(
    lambdas: Path, builds: list[Path], change: Callable[[Path], None]
) -> None:
    first = code_digests.code_digests(lambdas)
    change(lambdas)
    assert code_digests.code_digests(lambdas) == built(lambdas)
    assert len(builds) == 2
    if change is _import_a_new_module:
        assert code_digests.code_digests(lambdas)["api"] != first["api"]


def test_a_change_to_the_zip_builder_is_digested_again(
    lambdas: Path, builds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code_digests.code_digests(lambdas)
    changed_builder = tmp_path / "artifacts.py"
    changed_builder.write_bytes(code_digests.ZIP_BUILDER.read_bytes() + b"\n# compresses differently\n")
    monkeypatch.setattr(code_digests, "ZIP_BUILDER", changed_builder)
    code_digests.code_digests(lambdas)
    assert len(builds) == 2


def _rewrite(change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def damage(cache: Path) -> None:
        document = json.loads(cache.read_text())
        change(document)
        cache.write_text(json.dumps(document))

    return damage


def _digests(document: dict[str, object]) -> dict[str, object]:
    digests = document["digests"]
    assert isinstance(digests, dict)
    return digests


DAMAGE = {
    "not JSON": lambda cache: cache.write_text("{not json"),
    "truncated": lambda cache: cache.write_bytes(cache.read_bytes()[:40]),
    "not UTF-8": lambda cache: cache.write_bytes(b"\xff\xfe" * 10),
    "a list": lambda cache: cache.write_text("[]"),
    "another format": _rewrite(lambda d: d.update(format=2)),
    "another key": _rewrite(lambda d: d.update(key="0" * 16)),
    "a digest that is not hex": _rewrite(lambda d: _digests(d).update(api="z" * 64)),
    "a digest of another length": _rewrite(lambda d: _digests(d).update(api="a" * 63)),
    "a digest that is not a string": _rewrite(lambda d: _digests(d).update(api=1)),
    "a function missing": _rewrite(lambda d: _digests(d).pop("api")),
    "a function the contract lacks": _rewrite(lambda d: _digests(d).update(extra="a" * 64)),
    "digests that are a list": _rewrite(lambda d: d.update(digests=[])),
    "far too large": lambda cache: cache.write_text(" " * (code_digests.CACHE_BYTES_LIMIT + 10) + "{}"),
    "a directory": lambda cache: (cache.unlink(), cache.mkdir()),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_cache_is_never_trusted(lambdas: Path, builds: list[Path], damage: Callable[[Path], None]) -> None:
    code_digests.code_digests(lambdas)
    damage(cache_of(lambdas))
    assert code_digests.code_digests(lambdas) == built(lambdas)
    assert len(builds) == 2


def test_digests_out_of_the_contracts_order_are_not_trusted(lambdas: Path, builds: list[Path]) -> None:
    code_digests.code_digests(lambdas)
    cache = cache_of(lambdas)
    document = json.loads(cache.read_text())
    document["digests"] = dict(reversed(list(document["digests"].items())))  # contract order matters
    cache.write_text(json.dumps(document))
    assert list(code_digests.code_digests(lambdas)) == list(built(lambdas))
    assert len(builds) == 2


def test_a_place_tapgen_cannot_write_only_means_no_cache(lambdas: Path, builds: list[Path]) -> None:
    (lambdas.parent / CACHE_FILE.parent).write_text("a file where the cache directory would be")
    assert code_digests.code_digests(lambdas) == built(lambdas)
    assert code_digests.code_digests(lambdas) == built(lambdas)
    assert len(builds) == 2
    assert not list(lambdas.parent.glob("*.tmp"))


def test_a_render_from_digests_is_byte_identical_to_one_from_built_zips(settings: Settings) -> None:
    assert render(settings) == render(settings, build_artifacts(settings.lambdas_dir))
