"""The Lambda contract (`lambdas/tap_shared/contract.py`), loaded by path: the one place that names functions.

`load_contract` runs that file and hands back a `LambdaContract`: exactly what tapgen reads from it, typed and
checked once, so a contract that lacks something is one `ContractError` naming the file and what it lacks,
never an AttributeError deep inside a builder.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import ModuleType
from typing import Any

from tapgen.errors import TapgenError

CONTRACT_FILE = Path("tap_shared") / "contract.py"


class ContractError(TapgenError, ValueError):
    """The Lambda contract lacks something tapgen needs, or holds it in the wrong shape."""


@dataclass(frozen=True)
class FunctionContract:
    """What a function's deployment must provide: its handler and the variables it reads."""

    name: str
    handler: str
    environment: tuple[str, ...]

    @property
    def module(self) -> str:
        """The dotted module that holds the handler."""
        return self.handler.rsplit(".", 1)[0]


@dataclass(frozen=True)
class LambdaContract:
    """What tapgen reads of `lambdas/tap_shared/contract.py`, under the names that file gives it."""

    source: Path
    # The functions: every one, in order; the one behind the API; the processors of uploads.
    FUNCTIONS: tuple[FunctionContract, ...]
    API: FunctionContract
    PROCESSORS: tuple[FunctionContract, ...]
    # Environment variable names set by the template and read by the functions.
    ENV_ENVIRONMENT: str
    ENV_APP_VERSION: str
    ENV_TABLE_NAME: str
    ENV_OWNER_INDEX: str
    ENV_BUCKET_NAME: str
    ENV_SECRET_ARN: str
    ENV_MAX_UPLOAD_BYTES: str
    ENV_UPLOAD_URL_TTL: str
    ENV_DOWNLOAD_URL_TTL: str
    ENV_READ_WINDOW_BYTES: str
    ENV_METRICS_NAMESPACE: str
    ENV_CORS_ORIGINS: str
    # The metadata table's keys and index.
    TABLE_PARTITION_KEY: str
    OWNER_INDEX_NAME: str
    OWNER_INDEX_PARTITION_KEY: str
    OWNER_INDEX_SORT_KEY: str
    # Upload routing: the prefix, each processor's suffixes, each suffix's content types, the smoke samples.
    UPLOAD_PREFIX: str
    KIND_SUFFIXES: Mapping[str, tuple[str, ...]]
    CONTENT_TYPES: Mapping[str, tuple[str, ...]]
    SMOKE_SAMPLES: Mapping[str, tuple[str, bytes]]
    extension_of: Callable[[str], str]
    # Processing metrics.
    METRIC_KIND_DIMENSION: str
    OUTCOME_METRICS: Mapping[str, str]
    METRIC_BYTES_READ: str
    METRIC_PROCESSING_DELAY: str

    @property
    def environment_names(self) -> tuple[str, ...]:
        """Every `ENV_*` name, in the order above."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name.startswith("ENV_"))


# What each field must be, checked when the contract is loaded (FUNCTIONS, API and PROCESSORS are checked apart).
_STRING_FIELDS = tuple(
    f.name
    for f in fields(LambdaContract)
    if f.name.startswith(("ENV_", "TABLE_", "OWNER_", "METRIC_")) or f.name == "UPLOAD_PREFIX"
)
_MAPPING_FIELDS = ("KIND_SUFFIXES", "CONTENT_TYPES", "SMOKE_SAMPLES", "OUTCOME_METRICS")
_FUNCTION_FIELDS = ("FUNCTIONS", "API", "PROCESSORS")


def load_contract(lambdas_dir: Path) -> LambdaContract:
    """Load `lambdas/tap_shared/contract.py` by path and check it has all that tapgen reads of it."""
    path = lambdas_dir / CONTRACT_FILE
    return read_contract(_run(path), path)


def _run(path: Path) -> ModuleType:
    name = "_tapgen_lambda_contract"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FileNotFoundError(f"Lambda contract not found at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def read_contract(module: ModuleType, path: Path) -> LambdaContract:
    """The typed contract of a loaded contract module; ContractError lists everything it lacks or gets wrong."""
    wanted = [f.name for f in fields(LambdaContract) if f.name != "source"]
    missing = [name for name in wanted if not hasattr(module, name)]
    if missing:
        raise ContractError(f"the Lambda contract {path} does not define {', '.join(missing)}")
    problems: list[str] = []
    values: dict[str, Any] = {name: getattr(module, name) for name in wanted}
    for name in _STRING_FIELDS:
        if not isinstance(values[name], str) or not values[name]:
            problems.append(f"{name} must be a non-empty string, not {values[name]!r}")
    for name in _MAPPING_FIELDS:
        if not isinstance(values[name], Mapping):
            problems.append(f"{name} must be a mapping, not {type(values[name]).__name__}")
    if not callable(values["extension_of"]):
        problems.append("extension_of must be a function")
    functions = {name: _functions(name, values[name], problems) for name in _FUNCTION_FIELDS}
    if not problems:
        api, processors = functions["API"][0], functions["PROCESSORS"]
        if functions["FUNCTIONS"] != (api, *processors):
            problems.append("FUNCTIONS must be API followed by the PROCESSORS")
        names = [fn.name for fn in functions["FUNCTIONS"]]
        if len(set(names)) != len(names):
            problems.append(f"function names must be unique: {names}")
    if problems:
        raise ContractError(f"the Lambda contract {path} is malformed: {'; '.join(problems)}")
    values.update(FUNCTIONS=functions["FUNCTIONS"], API=functions["API"][0], PROCESSORS=functions["PROCESSORS"])
    return LambdaContract(source=path, **values)


def _functions(field: str, value: object, problems: list[str]) -> tuple[FunctionContract, ...]:
    """FunctionContracts of one entry (API) or a tuple of them (FUNCTIONS, PROCESSORS); problems noted."""
    entries = (value,) if field == "API" else value
    if not isinstance(entries, tuple | list):
        problems.append(f"{field} must be a tuple of functions, not {type(value).__name__}")
        return ()
    found = []
    for entry in entries:
        name, handler, environment = (getattr(entry, a, None) for a in ("name", "handler", "environment"))
        if not isinstance(name, str) or not name:
            problems.append(f"{field}: a function needs a name, not {name!r}")
        elif not isinstance(handler, str) or "." not in handler.strip("."):
            problems.append(f"{field}: function {name!r} needs a handler `module.function`, not {handler!r}")
        elif not isinstance(environment, tuple | list) or not all(isinstance(v, str) for v in environment):
            problems.append(f"{field}: function {name!r} needs its environment as a tuple of names")
        else:
            found.append(FunctionContract(name, handler, tuple(environment)))
    return tuple(found)
