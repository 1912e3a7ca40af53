"""Environment settings: `tapgen.toml` parsed into frozen, typed, validated dataclasses.

All validation happens here, at the edge: builders receive settings that are already known
to be good. The schema is the dataclasses themselves; each field's `check` metadata says what
values it allows, and a class may add cross-field rules in `problems()`.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

DEFAULT_CONFIG = Path("tapgen.toml")

# Values CloudFormation accepts for AWS::Logs::LogGroup RetentionInDays: troposphere's list, copied so that loading
# settings never imports troposphere (a test keeps the two equal).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
SUPPORTED_RUNTIMES = ("python3.13", "python3.14")
ENV_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,19}$"
# S3's bucket-name rule, as the ArtifactBucket parameter and --bucket take it.
BUCKET_NAME_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
RESERVED_TAG_KEYS = ("Project", "Environment", "ManagedBy")

Check = Callable[[Any], str | None]
"""A check returns None when the value is allowed, else a description of what is allowed."""


class ConfigError(Exception):
    """Settings that cannot be used; `problems` holds one precise line per fault."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


def between(low: int, high: int) -> Check:
    return lambda v: None if low <= v <= high else f"an integer from {low} to {high}"


def one_of(*allowed: object) -> Check:
    shown = ", ".join(str(a) for a in allowed)
    return lambda v: None if v in allowed else f"one of {shown}"


def matches(pattern: str, meaning: str) -> Check:
    compiled = re.compile(pattern)
    return lambda v: None if compiled.fullmatch(v) else f"{meaning} (pattern {pattern})"


def each(check: Check) -> Check:
    def check_all(values: tuple[Any, ...]) -> str | None:
        failures = [check(v) for v in values]
        return next((f"a list of {f}" for f in failures if f), None)

    return check_all


def setting(check: Check | None = None, default: Any = MISSING, default_factory: Any = MISSING) -> Any:
    """A dataclass field carrying its validation rule."""
    return field(default=default, default_factory=default_factory, metadata={"check": check})


@dataclass(frozen=True)
class FunctionSettings:
    """Size and concurrency of one Lambda function."""

    memory_mb: int = setting(between(128, 10240))
    timeout_seconds: int = setting(between(1, 900))
    reserved_concurrency: int = setting(between(1, 1000))


@dataclass(frozen=True)
class FunctionsSettings:
    """One entry per function; the names match the Lambda contract."""

    api: FunctionSettings
    image: FunctionSettings
    document: FunctionSettings
    data: FunctionSettings

    def problems(self) -> Iterator[tuple[str, object, str]]:
        # HTTP API integrations time out after 30 s; a slower api function only burns money.
        if self.api.timeout_seconds > 29:
            yield "api.timeout_seconds", self.api.timeout_seconds, "at most 29 (HTTP API integration limit)"

    def by_name(self, name: str) -> FunctionSettings:
        value: FunctionSettings = getattr(self, name)
        return value


@dataclass(frozen=True)
class ProcessingSettings:
    """Asynchronous invocation of the processors."""

    retry_attempts: int = setting(between(0, 2))
    max_event_age_seconds: int = setting(between(60, 21600))
    read_window_bytes: int = setting(between(1024, 8 * 1024 * 1024))


COGNITO_USER_POOL_ARN = (
    r"arn:aws[a-z-]*:cognito-idp:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:userpool/[\w-]+_[0-9A-Za-z]+"
)

# Settings that only one API flavour has, with the value that means "not set".
REST_ONLY_SETTINGS: dict[str, object] = {
    "cognito_user_pool_arns": (),
    "api_keys": False,
    "usage_plan_rate": None,
    "usage_plan_burst": None,
    "usage_plan_quota": None,
    "usage_plan_quota_period": None,
    "waf": False,
    "waf_rate_limit": None,
    "execution_logging": "OFF",
}
HTTP_ONLY_SETTINGS: dict[str, object] = {"jwt_issuer": None, "jwt_audience": ()}
USAGE_PLAN_SETTINGS = ("usage_plan_rate", "usage_plan_burst", "usage_plan_quota", "usage_plan_quota_period")


@dataclass(frozen=True)
class ApiSettings:
    """The API in front of the api function: flavour (HTTP or REST API), auth, CORS, throttling, REST extras."""

    auth: Literal["iam", "jwt", "cognito"] = setting(one_of("iam", "jwt", "cognito"))
    cors_origins: tuple[str, ...] = setting(
        each(matches(r"\*|https?://[a-z0-9.-]+(:[0-9]{1,5})?", "'*' or an origin such as https://app.example.com"))
    )
    throttling_rate: int = setting(between(1, 10000))
    throttling_burst: int = setting(between(1, 5000))
    upload_url_ttl_seconds: int = setting(between(60, 3600))
    download_url_ttl_seconds: int = setting(between(60, 3600))
    jwt_issuer: str | None = setting(matches(r"https://\S+", "an https:// issuer URL"), default=None)
    jwt_audience: tuple[str, ...] = setting(each(matches(r"\S{1,256}", "a non-empty audience")), default=())
    kind: Literal["http", "rest"] = setting(one_of("http", "rest"), default="http")
    cognito_user_pool_arns: tuple[str, ...] = setting(
        each(matches(COGNITO_USER_POOL_ARN, "a Cognito user pool ARN")), default=()
    )
    api_keys: bool = setting(default=False)
    usage_plan_rate: int | None = setting(between(1, 10000), default=None)
    usage_plan_burst: int | None = setting(between(1, 5000), default=None)
    usage_plan_quota: int | None = setting(between(1, 1_000_000_000), default=None)
    usage_plan_quota_period: Literal["DAY", "MONTH"] | None = setting(one_of("DAY", "MONTH"), default=None)
    waf: bool = setting(default=False)
    # Requests per client IP in WAF's five-minute window (WAF allows 10 to 2e9).
    waf_rate_limit: int | None = setting(between(10, 2_000_000_000), default=None)
    execution_logging: Literal["OFF", "ERROR", "INFO"] = setting(one_of("OFF", "ERROR", "INFO"), default="OFF")

    def problems(self) -> Iterator[tuple[str, object, str]]:
        yield from self._flavour_problems()
        yield from self._auth_problems()
        if self.throttling_burst < self.throttling_rate:
            yield (
                "throttling_burst",
                self.throttling_burst,
                f"at least throttling_rate ({self.throttling_rate})",
            )
        if self.kind == "rest":
            yield from self._rest_problems()

    def _flavour_problems(self) -> Iterator[tuple[str, object, str]]:
        """A setting of the other flavour is a mistake, not something to ignore."""
        other, unset = ("rest", REST_ONLY_SETTINGS) if self.kind == "http" else ("http", HTTP_ONLY_SETTINGS)
        for name, default in unset.items():
            value = getattr(self, name)
            if value != default:
                shown = list(value) if isinstance(value, tuple) else value
                yield name, shown, f"left out: it applies only where api.kind = '{other}' (here '{self.kind}')"

    def _auth_problems(self) -> Iterator[tuple[str, object, str]]:
        if self.kind == "http" and self.auth == "cognito":
            yield "auth", self.auth, "'iam' or 'jwt' for an HTTP API (a Cognito user pool is a JWT issuer: use 'jwt')"
        if self.kind == "rest" and self.auth == "jwt":
            yield (
                "auth",
                self.auth,
                "'iam' or 'cognito' for a REST API: REST APIs have no native JWT authorizer "
                "(use 'cognito' with cognito_user_pool_arns)",
            )
        if self.auth == "jwt" and not (self.jwt_issuer and self.jwt_audience):
            yield "jwt_issuer", self.jwt_issuer, "an issuer and at least one jwt_audience when auth = 'jwt'"
        if self.auth == "cognito" and not self.cognito_user_pool_arns:
            yield "cognito_user_pool_arns", [], "at least one user pool ARN when auth = 'cognito'"
        if self.kind == "rest" and self.auth != "cognito" and self.cognito_user_pool_arns:
            yield "cognito_user_pool_arns", list(self.cognito_user_pool_arns), "left out unless auth = 'cognito'"

    def _rest_problems(self) -> Iterator[tuple[str, object, str]]:
        for name in USAGE_PLAN_SETTINGS:
            value = getattr(self, name)
            if self.api_keys and value is None:
                yield name, value, "set when api_keys = true (the usage plan the keys belong to)"
            if not self.api_keys and value is not None:
                yield name, value, "left out unless api_keys = true (usage plans meter API keys)"
        rate, burst = self.usage_plan_rate, self.usage_plan_burst
        if rate is not None and burst is not None and burst < rate:
            yield "usage_plan_burst", burst, f"at least usage_plan_rate ({rate})"
        if self.waf and self.waf_rate_limit is None:
            yield "waf_rate_limit", None, "requests per client IP per 5 minutes when waf = true"
        if not self.waf and self.waf_rate_limit is not None:
            yield "waf_rate_limit", self.waf_rate_limit, "left out unless waf = true"


@dataclass(frozen=True)
class AlarmSettings:
    """Thresholds of the API and processing alarms and where alarms are e-mailed."""

    api_5xx_threshold: int = setting(between(1, 100000))
    api_latency_p99_ms: int = setting(between(100, 30000))
    # Share of recorded processing results that are REJECTED or FAILED, sustained over the alarm's periods.
    processing_problem_percent: int = setting(between(1, 100))
    # REST APIs only: the share of requests answered 4XX (in %) that raises the alarm.
    api_4xx_rate_percent: int | None = setting(between(1, 100), default=None)
    email: str | None = setting(matches(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", "an e-mail address"), default=None)


@dataclass(frozen=True)
class Settings:
    """Everything that differs between environments. `name` is the environment's name."""

    name: str = setting()
    project: str = setting(matches(r"[a-z][a-z0-9]{1,5}", "2-6 lower-case letters or digits (bucket names ≤ 63)"))
    region: str = setting(matches(r"[a-z]{2}(-gov)?-[a-z]+-[0-9]", "an AWS region such as eu-west-1"))
    runtime: str = setting(one_of(*SUPPORTED_RUNTIMES))
    architecture: Literal["arm64", "x86_64"] = setting(one_of("arm64", "x86_64"))
    log_retention_days: int = setting(one_of(*LOG_RETENTION_DAYS))
    noncurrent_version_expiry_days: int = setting(between(1, 3650))
    access_log_expiry_days: int = setting(between(1, 3650))
    max_upload_bytes: int = setting(between(1, 5 * 1024**3))
    retain_data: bool = setting()
    functions: FunctionsSettings = setting()
    processing: ProcessingSettings = setting()
    api: ApiSettings = setting()
    alarms: AlarmSettings = setting()
    account: str | None = setting(matches(r"[0-9]{12}", "a 12-digit AWS account id, quoted"), default=None)
    tags: dict[str, str] = setting(default_factory=dict)
    lambdas_dir: Path = field(default=Path("lambdas"), metadata={"toml": False})

    def problems(self) -> Iterator[tuple[str, object, str]]:
        # A retained environment is pinned to its account, so no command can touch it in the wrong one.
        if self.retain_data and self.account is None:
            yield "account", self.account, "the environment's 12-digit AWS account id where retain_data = true"
        if self.api.kind == "rest" and self.alarms.api_4xx_rate_percent is None:
            yield "alarms.api_4xx_rate_percent", None, "the 4XX share (%) that raises the REST API's alarm"
        if self.api.kind == "http" and self.alarms.api_4xx_rate_percent is not None:
            yield (
                "alarms.api_4xx_rate_percent",
                self.alarms.api_4xx_rate_percent,
                "left out: it applies only where api.kind = 'rest'",
            )
        if self.retain_data and "*" in self.api.cors_origins:
            yield (
                "api.cors_origins",
                list(self.api.cors_origins),
                "explicit origins (no '*') where data is retained",
            )
        for key, value in self.tags.items():
            if key in RESERVED_TAG_KEYS or key.startswith("aws:") or not re.fullmatch(r"[\w.:/=+@ -]{1,128}", key):
                yield (
                    f"tags.{key}",
                    value,
                    f"a tag key of up to 128 characters, not aws:* or {RESERVED_TAG_KEYS}",
                )
            elif len(value) > 256:
                yield f"tags.{key}", value, "a tag value of at most 256 characters"


T = TypeVar("T")


def load_settings(env: str, path: Path = DEFAULT_CONFIG) -> Settings:
    """Read `path` and return the validated settings of environment `env`."""
    return _resolve(env, read_config(path), path)


def load_all(path: Path = DEFAULT_CONFIG) -> list[Settings]:
    """Every environment defined in `path`, sorted by name."""
    document = read_config(path)
    settings: list[Settings] = []
    problems: list[str] = []
    for name in environment_names(document):
        try:
            settings.append(_resolve(name, document, path))
        except ConfigError as error:
            problems.extend(error.problems)
    if problems:
        raise ConfigError(str(path), problems)
    return settings


def read_config(path: Path) -> dict[str, Any]:
    """Parse the TOML file and check its top-level shape."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), [f"cannot be read: {error}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [f"is not valid TOML: {error}"]) from None
    problems = [
        f"unknown top-level table [{k}]; allowed: [defaults], [env.NAME]"
        for k in document
        if k not in ("defaults", "env")
    ]
    for table in ("defaults", "env"):
        if not isinstance(document.get(table, {}), dict):
            problems.append(f"[{table}] must be a table")
    if not document.get("env"):
        problems.append("no environments: add at least one [env.NAME] table")
    if problems:
        raise ConfigError(str(path), problems)
    return document


def environment_names(document: Mapping[str, Any]) -> list[str]:
    return sorted(document.get("env", {}))


def _resolve(env: str, document: Mapping[str, Any], path: Path) -> Settings:
    names = environment_names(document)
    if env not in names:
        raise ConfigError(str(path), [f"unknown environment {env!r}; defined: {', '.join(names)}"])
    problems: list[str] = []
    if not re.fullmatch(ENV_NAME_PATTERN, env):
        problems.append(f"[env.{env}] environment name {env!r}: must match {ENV_NAME_PATTERN} (it is the stack suffix)")
    overrides = document["env"][env]
    if not isinstance(overrides, dict):
        raise ConfigError(str(path), [f"[env.{env}] must be a table"])
    merged = _deep_merge(document.get("defaults", {}), overrides)
    merged["name"] = env
    reader = _Reader(env, problems)
    settings = reader.build(Settings, merged, "")
    if problems or settings is None:
        raise ConfigError(str(path), problems)
    return replace(settings, lambdas_dir=path.parent / "lambdas")


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass
class _Reader:
    """Turns one merged environment table into dataclasses, collecting every problem."""

    env: str
    problems: list[str]

    def fail(self, key: str, value: object, allowed: str) -> None:
        self.problems.append(f"[env.{self.env}] {key} = {_show(value)}: must be {allowed}")

    def build(self, cls: type[T], table: Mapping[str, Any], prefix: str) -> T | None:
        """Build `cls` from `table`; None when anything in it was wrong (and recorded)."""
        before = len(self.problems)
        hints = typing.get_type_hints(cls)
        spec = [f for f in fields(cls) if f.metadata.get("toml", True)]  # type: ignore[arg-type]
        known = {f.name for f in spec}
        for key in sorted(set(table) - known):
            allowed = ", ".join(sorted(known - {"name"}))
            self.problems.append(f"[env.{self.env}] unknown key {prefix}{key}; allowed: {allowed}")
        values: dict[str, Any] = {}
        for f in spec:
            if f.name in table:
                values[f.name] = self.value(hints[f.name], table[f.name], prefix + f.name, f.metadata.get("check"))
            elif f.default is MISSING and f.default_factory is MISSING:
                self.problems.append(f"[env.{self.env}] missing key {prefix}{f.name}")
        if len(self.problems) > before:
            return None
        built = cls(**values)
        for key, value, allowed in getattr(built, "problems", tuple)():
            self.fail(prefix + key, value, allowed)
        return built if len(self.problems) == before else None

    def value(self, hint: Any, raw: Any, key: str, check: Check | None) -> Any:
        converted = self.convert(hint, raw, key)
        if converted is _BAD:
            return _BAD
        allowed = check(converted) if check and converted is not None else None
        if allowed:
            self.fail(key, raw, allowed)
            return _BAD
        return converted

    def convert(self, hint: Any, raw: Any, key: str) -> Any:
        """`raw` as the type `hint` names, or _BAD (with the problem recorded)."""
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (types.UnionType, typing.Union):  # `X | None`: absent or X
            return self.convert(next(a for a in args if a is not type(None)), raw, key)
        expected: type
        convert: Callable[[Any], Any]
        if is_dataclass(hint):
            expected, convert = dict, lambda table: self.build(hint, table, f"{key}.")  # type: ignore[arg-type]
        elif origin is tuple:
            expected, convert = list, lambda items: self.convert_list(args[0], items, key)
        elif origin is dict:
            expected, convert = dict, lambda table: self.convert_strings(table, key)
        else:
            expected, convert = (str if origin is Literal else hint), lambda value: value
        if type(raw) is not expected:  # exact: a bool is not an int, an int is not a float
            self.fail(key, raw, f"of type {_toml_type(expected)}")
            return _BAD
        converted = convert(raw)
        return _BAD if converted is None else converted

    def convert_list(self, item_type: Any, items: list[Any], key: str) -> tuple[Any, ...] | None:
        converted = [self.convert(item_type, item, key) for item in items]
        return None if _BAD in converted else tuple(converted)

    def convert_strings(self, table: dict[str, Any], key: str) -> dict[str, str] | None:
        if not all(isinstance(v, str) for v in table.values()):
            self.fail(key, table, "a table of string values")
            return None
        return dict(sorted(table.items()))


_BAD = object()


def _toml_type(python_type: type) -> str:
    names = {int: "integer", bool: "boolean", str: "string", float: "float", dict: "table", list: "array"}
    return names.get(python_type, python_type.__name__)


def _show(value: object) -> str:
    """A value as it would be written in TOML, so the message quotes what the user wrote."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    return repr(value)
