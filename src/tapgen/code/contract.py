"""The Lambda contract (`lambdas/tap_shared/contract.py`), loaded by path: the one place that names functions.

`load_contract` runs that file and hands back a `LambdaContract`: exactly what tapgen reads from it, typed and
checked once, so a contract that lacks something is one `ContractError` naming the file and what it lacks,
never an AttributeError deep inside a builder.
"""

from __future__ import annotations

import importlib.util
import re
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
class Route:
    """One route of the API, as the contract's `ROUTES` gives it."""

    name: str  # the stem of its logical ids: CreateFile → CreateFileRoute
    method: str  # upper case: GET, POST...
    path: str  # `/files/{id}`: a `{name}` segment is a path parameter
    open: bool  # True: no authorisation; every other route is authorised
    query: tuple[str, ...]  # its optional query-string parameters
    body: bool  # takes a JSON body

    @property
    def key(self) -> str:
        """`GET /files/{id}`: the HTTP API's route key."""
        return f"{self.method} {self.path}"

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))

    @property
    def path_parameters(self) -> tuple[str, ...]:
        """The names of its `{name}` segments, in order."""
        return tuple(s[1:-1] for s in self.segments if s.startswith("{"))

    def path_for(self, **parameters: str) -> str:
        """The concrete path, each `{name}` segment replaced by `parameters[name]`: `/files/abc`."""
        return "/" + "/".join(parameters[s[1:-1]] if s.startswith("{") else s for s in self.segments)

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` is one of this route's paths (`{}` when it has none); else None."""
        have = tuple(path.strip("/").split("/"))
        if len(have) != len(self.segments):
            return None
        found: dict[str, str] = {}
        for want, segment in zip(self.segments, have, strict=True):
            if want.startswith("{") and segment:
                found[want[1:-1]] = segment
            elif want != segment:
                return None
        return found


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
    # The API's routes, in order.
    ROUTES: tuple[Route, ...]

    @property
    def open_routes(self) -> frozenset[tuple[str, str]]:
        """(method, path) of every route that needs no authorisation: {("GET", "/health")}."""
        return frozenset((route.method, route.path) for route in self.ROUTES if route.open)

    def route(self, name: str) -> Route:
        """The route called `name` (`GetFile`); KeyError naming the routes there are otherwise."""
        for route in self.ROUTES:
            if route.name == name:
                return route
        raise KeyError(f"no route {name!r} in {self.source}; its routes are {[r.name for r in self.ROUTES]}")

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
    values["ROUTES"] = _routes(values["ROUTES"], problems)
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


HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
PATH_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_-]*|\{[a-z][a-zA-Z0-9]*\}")


def _routes(value: object, problems: list[str]) -> tuple[Route, ...]:
    """The Routes of `ROUTES`; each problem noted (a bad name, method or path, a route given twice)."""
    if not isinstance(value, tuple | list):
        problems.append(f"ROUTES must be a tuple of routes, not {type(value).__name__}")
        return ()
    found: list[Route] = []
    for entry in value:
        name, method, path = (getattr(entry, a, None) for a in ("name", "method", "path"))
        is_open, query, body = (getattr(entry, a, None) for a in ("open", "query", "body"))
        label = f"ROUTES: route {name!r}"
        if not isinstance(name, str) or not name.isidentifier() or not name[:1].isupper():
            problems.append(f"{label} needs a capitalised identifier as its name (the stem of its logical ids)")
        elif method not in HTTP_METHODS:
            problems.append(f"{label} needs one of {', '.join(HTTP_METHODS)} as its method, not {method!r}")
        elif (
            not isinstance(path, str)
            or not path.startswith("/")
            or not all(PATH_SEGMENT.fullmatch(s) for s in path.split("/")[1:])
        ):
            problems.append(f"{label} needs a path of lower-case segments and {{name}} parameters, not {path!r}")
        elif not isinstance(is_open, bool) or not isinstance(body, bool):
            problems.append(f"{label}: open and body must be True or False")
        elif not isinstance(query, tuple | list) or not all(isinstance(q, str) and q for q in query):
            problems.append(f"{label}: query must be a tuple of parameter names")
        else:
            found.append(Route(name, method, path, is_open, tuple(query), body))
    for what, keys in (("names", [r.name for r in found]), ("methods and paths", [r.key for r in found])):
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            problems.append(f"ROUTES: route {what} must be unique; given twice: {', '.join(twice)}")
    return tuple(found)
