"""Environment settings: `tapgen.toml` parsed into frozen, typed, validated dataclasses.

All validation happens here, at the edge: builders receive settings that are already known
to be good. The schema is the dataclasses themselves; each field's `check` metadata says what
values it allows, and a class may add cross-field rules in `problems()`.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from tapgen.files import FileTooLarge, os_error_reason, read_bounded
from tapgen.settings.names import MAX_SUFFIX_LENGTH, longest_names

DEFAULT_CONFIG = Path("tapgen.toml")
LAMBDAS_DIR = "lambdas"  # beside tapgen.toml
# A settings file is a few kilobytes; these bound what a wrong or hostile file can cost.
CONFIG_BYTES_LIMIT = 1024 * 1024
CONFIG_DEPTH_LIMIT = 16

# Values CloudFormation accepts for AWS::Logs::LogGroup RetentionInDays: troposphere's list, copied so that loading
# settings never imports troposphere (a test keeps the two equal).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
SUPPORTED_RUNTIMES = ("python3.13", "python3.14")
ENV_NAME_PATTERN = rf"^[a-z][a-z0-9-]{{0,{MAX_SUFFIX_LENGTH - 1}}}$"
REGION_PATTERN = r"[a-z]{2}(-gov)?-[a-z]{1,12}-[0-9]{1,2}"
# S3's bucket-name rule, as the ArtifactBucket parameter and --bucket take it.
BUCKET_NAME_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
RESERVED_TAG_KEYS = ("Project", "Environment", "ManagedBy")
MAX_TAGS_PER_RESOURCE = 50  # every taggable AWS resource tapgen creates
MAX_JWT_AUDIENCES = 50  # HTTP API: audiences per authorizer
# How long API Gateway may wait for an integration, by API flavour.
INTEGRATION_TIMEOUT_CAP_MS = {"http": 30000, "rest": 29000}
ALARM_PERIOD_SECONDS = 300  # every alarm judges one period of this length
UNRESERVED_CONCURRENCY_MINIMUM = 100  # Lambda keeps this much of the account's concurrency unreserved
# Lambda waits 1 minute before an asynchronous event's first retry and 2 more before its second:
# the total wait, indexed by retry_attempts.
ASYNC_RETRY_WAITS_SECONDS = (0, 60, 180)
SHOWN_VALUE_CHARACTERS = 60

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
    # Compiled on first use (re caches it): most settings' patterns never meet a value in a given render.
    return lambda v: None if re.fullmatch(pattern, v) else f"{meaning} (pattern {pattern})"


def each(check: Check, at_most: int | None = None) -> Check:
    def check_all(values: tuple[Any, ...]) -> str | None:
        if at_most is not None and len(values) > at_most:
            return f"a list of at most {at_most} items"
        failures = [check(v) for v in values]
        return next((f"a list of {f}" for f in failures if f), None)

    return check_all


def setting(check: Check | None = None, default: Any = MISSING, default_factory: Any = MISSING) -> Any:
    """A dataclass field carrying its validation rule; on a table of free keys (a dict), `check` gets each
    (key, value) pair, so a problem names the entry."""
    return field(default=default, default_factory=default_factory, metadata={"check": check})


def fixed(why: str, default: Any = MISSING) -> Any:
    """A field tapgen sets itself; `why` tells a file that tries to set it."""
    return field(default=default, metadata={"toml": False, "why": why})


_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_LOCAL_PART = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_EMAIL_DOMAIN = rf"(?:{_DOMAIN_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
_ORIGIN = r"(https?)://([a-z0-9.-]{1,253})(?::([1-9][0-9]{0,4}))?"
_TAG_TEXT = r"[\w.:/=+@ -]"  # letters and digits of any script, space, and _ . : / = + @ -


def email_address(value: str) -> str | None:
    """An address as SNS accepts it: dot-atom local part (≤ 64), then a domain of labels and a letters TLD."""
    local, _, domain = value.rpartition("@")
    valid = (
        len(value) <= 254
        and 1 <= len(local) <= 64
        and len(domain) <= 253
        and re.fullmatch(_EMAIL_LOCAL_PART, local) is not None
        and re.fullmatch(_EMAIL_DOMAIN, domain) is not None
    )
    return None if valid else "an e-mail address such as ops@example.com"


def cors_origin(value: str) -> str | None:
    """'*' or an origin as a browser sends it: scheme, lower-case host name, a port from 1 to 65535."""
    match = re.fullmatch(_ORIGIN, value)
    valid = value == "*" or (
        match is not None
        and all(re.fullmatch(_DOMAIN_LABEL, label) for label in match[2].split("."))
        and (match[3] is None or int(match[3]) <= 65535)
    )
    return None if valid else "'*' or origins such as https://app.example.com or http://localhost:3000 (port 1-65535)"


def tag(entry: tuple[str, str]) -> str | None:
    """A tag every AWS service takes: key 1-128, value 0-256 characters, no aws: prefix, not one tapgen sets."""
    key, value = entry
    if key in RESERVED_TAG_KEYS:
        return f"a tag key other than {', '.join(RESERVED_TAG_KEYS)} (tapgen sets those)"
    if not re.fullmatch(f"{_TAG_TEXT}{{1,128}}", key) or key.lower().startswith("aws:"):
        return "a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:"
    if not re.fullmatch(f"{_TAG_TEXT}{{0,256}}", value) or value.lower().startswith("aws:"):
        return "a tag value of 0-256 letters, digits, spaces or _.:/=+-@, not starting with aws:"
    return None


class Problem(NamedTuple):
    """A rule across keys broken: `key` holds `value`, which must be `allowed`; `reads` names the other keys
    the rule depends on, so the problem is told against the table that set them."""

    key: str
    value: object
    allowed: str
    reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionSettings:
    """Size and concurrency of one Lambda function."""

    memory_mb: int = setting(between(128, 10240))
    timeout_seconds: int = setting(between(1, 900))
    reserved_concurrency: int = setting(between(1, 1000))


@dataclass(frozen=True)
class FunctionRoles:
    """The functions the Lambda contract names: the one behind the API and the processors of uploads."""

    api: str
    processors: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every function, in the contract's order."""
        return (self.api, *self.processors)


def contract_roles(lambdas_dir: Path) -> FunctionRoles:
    """The function names of `lambdas_dir`'s contract, loaded by path as the builders load it."""
    from tapgen.code.contract import load_contract  # only when settings are read: the contract is in lambdas/

    contract = load_contract(lambdas_dir)
    return FunctionRoles(contract.API.name, tuple(fn.name for fn in contract.PROCESSORS))


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
    cors_origins: tuple[str, ...] = setting(each(cors_origin))
    throttling_rate: int = setting(between(1, 10000))
    throttling_burst: int = setting(between(1, 5000))
    upload_url_ttl_seconds: int = setting(between(60, 3600))
    download_url_ttl_seconds: int = setting(between(60, 3600))
    jwt_issuer: str | None = setting(matches(r"https://\S+", "an https:// issuer URL"), default=None)
    jwt_audience: tuple[str, ...] = setting(
        each(matches(r"\S{1,256}", "a non-empty audience"), at_most=MAX_JWT_AUDIENCES), default=()
    )
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

    def problems(self) -> Iterator[Problem]:
        yield from self._flavour_problems()
        yield from self._auth_problems()
        if self.throttling_burst < self.throttling_rate:
            yield Problem(
                "throttling_burst",
                self.throttling_burst,
                f"at least throttling_rate ({self.throttling_rate})",
                ("throttling_rate",),
            )
        if self.kind == "rest":
            yield from self._rest_problems()

    def _flavour_problems(self) -> Iterator[Problem]:
        """A setting of the other flavour is a mistake, not something to ignore."""
        other, unset = ("rest", REST_ONLY_SETTINGS) if self.kind == "http" else ("http", HTTP_ONLY_SETTINGS)
        for name, default in unset.items():
            value = getattr(self, name)
            if value != default:
                shown = list(value) if isinstance(value, tuple) else value
                allowed = f"left out: it applies only where api.kind = '{other}' (here '{self.kind}')"
                yield Problem(name, shown, allowed, ("kind",))

    def _auth_problems(self) -> Iterator[Problem]:
        if self.kind == "http" and self.auth == "cognito":
            allowed = "'iam' or 'jwt' for an HTTP API (a Cognito user pool is a JWT issuer: use 'jwt')"
            yield Problem("auth", self.auth, allowed, ("kind",))
        if self.kind == "rest" and self.auth == "jwt":
            allowed = (
                "'iam' or 'cognito' for a REST API: REST APIs have no native JWT authorizer "
                "(use 'cognito' with cognito_user_pool_arns)"
            )
            yield Problem("auth", self.auth, allowed, ("kind",))
        if self.auth == "jwt" and not (self.jwt_issuer and self.jwt_audience):
            allowed = "an issuer and at least one jwt_audience when auth = 'jwt'"
            yield Problem("jwt_issuer", self.jwt_issuer, allowed, ("auth", "jwt_audience"))
        if self.auth == "cognito" and not self.cognito_user_pool_arns:
            yield Problem("cognito_user_pool_arns", [], "at least one user pool ARN when auth = 'cognito'", ("auth",))
        if self.kind == "rest" and self.auth != "cognito" and self.cognito_user_pool_arns:
            pools = list(self.cognito_user_pool_arns)
            yield Problem("cognito_user_pool_arns", pools, "left out unless auth = 'cognito'", ("auth", "kind"))

    def _rest_problems(self) -> Iterator[Problem]:
        for name in USAGE_PLAN_SETTINGS:
            value = getattr(self, name)
            if self.api_keys and value is None:
                allowed = "set when api_keys = true (the usage plan the keys belong to)"
                yield Problem(name, value, allowed, ("api_keys",))
            if not self.api_keys and value is not None:
                allowed = "left out unless api_keys = true (usage plans meter API keys)"
                yield Problem(name, value, allowed, ("api_keys",))
        rate, burst = self.usage_plan_rate, self.usage_plan_burst
        if rate is not None and burst is not None and burst < rate:
            yield Problem("usage_plan_burst", burst, f"at least usage_plan_rate ({rate})", ("usage_plan_rate",))
        if self.waf and self.waf_rate_limit is None:
            yield Problem("waf_rate_limit", None, "requests per client IP per 5 minutes when waf = true", ("waf",))
        if not self.waf and self.waf_rate_limit is not None:
            yield Problem("waf_rate_limit", self.waf_rate_limit, "left out unless waf = true", ("waf",))


@dataclass(frozen=True)
class AlarmSettings:
    """Thresholds of the API and processing alarms and where alarms are e-mailed."""

    api_5xx_threshold: int = setting(between(1, 100000))
    api_latency_p99_ms: int = setting(between(100, 30000))
    # Share of recorded processing results that are REJECTED or FAILED, sustained over the alarm's periods.
    processing_problem_percent: int = setting(between(1, 100))
    # REST APIs only: the share of requests answered 4XX (in %) that raises the alarm.
    api_4xx_rate_percent: int | None = setting(between(1, 100), default=None)
    email: str | None = setting(email_address, default=None)


@dataclass(frozen=True)
class Settings:
    """Everything that differs between environments. `name` is the environment's name."""

    name: str = fixed("an environment's name is the name of its table, [env.NAME]")
    project: str = setting(matches(r"[a-z][a-z0-9]{1,5}", "2-6 lower-case letters or digits (bucket names ≤ 63)"))
    region: str = setting(matches(REGION_PATTERN, "an AWS region such as eu-west-1"))
    runtime: str = setting(one_of(*SUPPORTED_RUNTIMES))
    architecture: Literal["arm64", "x86_64"] = setting(one_of("arm64", "x86_64"))
    log_retention_days: int = setting(one_of(*LOG_RETENTION_DAYS))
    noncurrent_version_expiry_days: int = setting(between(1, 3650))
    access_log_expiry_days: int = setting(between(1, 3650))
    max_upload_bytes: int = setting(between(1, 5 * 1024**3))
    retain_data: bool = setting()
    # One table per function of the Lambda contract, keyed by its name: exactly those, no more, no fewer.
    functions: dict[str, FunctionSettings] = setting()
    processing: ProcessingSettings = setting()
    api: ApiSettings = setting()
    alarms: AlarmSettings = setting()
    function_roles: FunctionRoles = fixed("the functions are the ones lambdas/tap_shared/contract.py names")
    account: str | None = setting(matches(r"[0-9]{12}", "a 12-digit AWS account id, quoted"), default=None)
    # Lambda's concurrency quota in this account and region (1000 unless raised): reservations must fit in it.
    account_concurrency_limit: int = setting(between(UNRESERVED_CONCURRENCY_MINIMUM, 1_000_000), default=1000)
    tags: dict[str, str] = setting(tag, default_factory=dict)
    lambdas_dir: Path = fixed("the Lambda code is always lambdas/ beside tapgen.toml", default=Path("lambdas"))

    @property
    def api_integration_timeout_ms(self) -> int:
        """How long the API waits for the api function: a little longer than it may run, up to the flavour's cap."""
        api_timeout = self.functions[self.function_roles.api].timeout_seconds
        return min((api_timeout + 1) * 1000, INTEGRATION_TIMEOUT_CAP_MS[self.api.kind])

    @property
    def _api_timeout_key(self) -> str:
        """The key that sets the api function's timeout, as problems name it."""
        return f"functions.{self.function_roles.api}.timeout_seconds"

    def problems(self) -> Iterator[Problem]:
        api_timeout = self.functions[self.function_roles.api].timeout_seconds
        # HTTP API integrations time out after 30 s; a slower api function only burns money.
        if api_timeout > 29:
            yield Problem(self._api_timeout_key, api_timeout, "at most 29 (HTTP API integration limit)")
        # A retained environment is pinned to its account, so no command can touch it in the wrong one.
        if self.retain_data and self.account is None:
            yield Problem(
                "account",
                self.account,
                "the environment's 12-digit AWS account id where retain_data = true",
                ("retain_data",),
            )
        if self.api.kind == "rest" and self.alarms.api_4xx_rate_percent is None:
            allowed = "the 4XX share (%) that raises the REST API's alarm"
            yield Problem("alarms.api_4xx_rate_percent", None, allowed, ("api.kind",))
        if self.api.kind == "http" and self.alarms.api_4xx_rate_percent is not None:
            yield Problem(
                "alarms.api_4xx_rate_percent",
                self.alarms.api_4xx_rate_percent,
                "left out: it applies only where api.kind = 'rest'",
                ("api.kind",),
            )
        if self.retain_data and "*" in self.api.cors_origins:
            yield Problem(
                "api.cors_origins",
                list(self.api.cors_origins),
                "explicit origins (no '*') where data is retained",
                ("retain_data",),
            )
        extra_tags = MAX_TAGS_PER_RESOURCE - len(RESERVED_TAG_KEYS)
        if len(self.tags) > extra_tags:
            yield Problem(
                "tags",
                f"{len(self.tags)} tags",
                f"at most {extra_tags} tags: AWS allows {MAX_TAGS_PER_RESOURCE} per resource and tapgen adds "
                f"{', '.join(RESERVED_TAG_KEYS)}",
            )
        yield from self._concurrency_problems()
        yield from self._timing_problems()
        yield from self._alarm_problems()
        yield from self._name_problems()

    @property
    def reserved_concurrency(self) -> dict[str, int]:
        """Each function's reserved concurrency, by function name."""
        return {name: function.reserved_concurrency for name, function in self.functions.items()}

    def _concurrency_problems(self) -> Iterator[Problem]:
        reserved = self.reserved_concurrency
        needed = sum(reserved.values()) + UNRESERVED_CONCURRENCY_MINIMUM
        if self.account_concurrency_limit < needed:
            shown = " + ".join(f"{name} {count}" for name, count in reserved.items())
            yield Problem(
                "account_concurrency_limit",
                self.account_concurrency_limit,
                f"at least {needed}: the functions reserve {shown} and Lambda keeps {UNRESERVED_CONCURRENCY_MINIMUM} "
                "unreserved (lower reserved_concurrency or raise the account's quota)",
                ("functions",),
            )

    def _timing_problems(self) -> Iterator[Problem]:
        retries = self.processing.retry_attempts
        longest = max(self.functions[name].timeout_seconds for name in self.function_roles.processors)
        needed = (retries + 1) * longest + ASYNC_RETRY_WAITS_SECONDS[retries]
        if self.processing.max_event_age_seconds < needed:
            yield Problem(
                "processing.max_event_age_seconds",
                self.processing.max_event_age_seconds,
                f"at least {needed}, so {retries + 1} attempt(s) of a {longest} s processor and Lambda's waits "
                "between them fit before the event expires",
                ("processing.retry_attempts", "functions"),
            )

    def _alarm_problems(self) -> Iterator[Problem]:
        """Thresholds the API could never reach would leave an alarm that never fires."""
        gateway_ms = self.api_integration_timeout_ms
        if self.alarms.api_latency_p99_ms >= gateway_ms:
            yield Problem(
                "alarms.api_latency_p99_ms",
                self.alarms.api_latency_p99_ms,
                f"below {gateway_ms}, the most a request can take (api timeout_seconds + 1 s): above it the "
                "alarm could never fire",
                (self._api_timeout_key,),
            )
        most_requests = self.api.throttling_rate * ALARM_PERIOD_SECONDS + self.api.throttling_burst
        if self.alarms.api_5xx_threshold > most_requests:
            yield Problem(
                "alarms.api_5xx_threshold",
                self.alarms.api_5xx_threshold,
                f"at most {most_requests}, the most requests throttling lets through in one "
                f"{ALARM_PERIOD_SECONDS} s alarm period: above it the alarm could never fire",
                ("api.throttling_rate", "api.throttling_burst"),
            )

    def _name_problems(self) -> Iterator[Problem]:
        for what, name, limit in longest_names(self.project, self.region, tuple(self.functions)):
            if len(name) > limit:
                yield Problem(
                    "region",
                    self.region,
                    f"short enough for the {what} name: {name} (the longest suffix) is {len(name)} characters, "
                    f"AWS allows {limit}",
                    ("project",),
                )
                return


T = TypeVar("T")


def load_settings(env: str, path: Path = DEFAULT_CONFIG) -> Settings:
    """Read `path` and return the validated settings of environment `env`."""
    return _resolve_each([env], read_config(path), path)[0]


def load_all(path: Path = DEFAULT_CONFIG) -> list[Settings]:
    """Every environment defined in `path`, sorted by name."""
    document = read_config(path)
    environments = _resolve_each(environment_names(document), document, path)
    problems = list(_shared_account_problems(environments))
    if problems:
        raise ConfigError(str(path), problems)
    return environments


def _shared_account_problems(environments: list[Settings]) -> Iterator[str]:
    """Environments pinned to one account and region reserve concurrency from the same quota."""
    groups: dict[tuple[str, str], list[Settings]] = {}
    for settings in environments:
        if settings.account is not None:
            groups.setdefault((settings.account, settings.region), []).append(settings)
    for (account, region), sharing in groups.items():
        total = sum(sum(s.reserved_concurrency.values()) for s in sharing)
        limit = min(s.account_concurrency_limit for s in sharing)
        if len(sharing) > 1 and total > limit - UNRESERVED_CONCURRENCY_MINIMUM:
            tables = ", ".join(f"[env.{s.name}]" for s in sharing)
            yield (
                f"{tables} share account {account} in {region}: their reserved_concurrency adds up to {total}, but "
                f"account_concurrency_limit ({limit}) less the {UNRESERVED_CONCURRENCY_MINIMUM} Lambda keeps "
                f"unreserved allows {limit - UNRESERVED_CONCURRENCY_MINIMUM}"
            )


def read_config(path: Path) -> dict[str, Any]:
    """Parse the TOML file and check its top-level shape."""
    source = str(path)
    try:
        data = read_bounded(path, CONFIG_BYTES_LIMIT)
    except FileNotFoundError:
        raise ConfigError(source, ["file not found"]) from None
    except FileTooLarge as error:
        raise ConfigError(source, [f"is {error.strerror} (a settings file is a few kilobytes)"]) from None
    except OSError as error:
        raise ConfigError(source, [f"cannot be read: {os_error_reason(error)}"]) from None
    document = _parse(source, data)
    problems = [
        f"unknown top-level table [{_key(k)}]; allowed: [defaults], [env.NAME]"
        for k in document
        if k not in ("defaults", "env")
    ]
    for table in ("defaults", "env"):
        if not isinstance(document.get(table, {}), dict):
            problems.append(f"[{table}] must be a table")
    if not document.get("env"):
        problems.append("no environments: add at least one [env.NAME] table")
    if problems:
        raise ConfigError(source, problems)
    return document


def _parse(source: str, data: bytes) -> dict[str, Any]:
    """TOML text to a document no deeper than CONFIG_DEPTH_LIMIT; every failure is one ConfigError line."""
    if data.startswith(b"\xef\xbb\xbf"):
        bom = "starts with a UTF-8 byte-order mark (BOM), which TOML does not allow: save the file as UTF-8 "
        raise ConfigError(source, [bom + f"without BOM, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' {source}`"])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(source, ["is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            source, [f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}): save it as UTF-8"]
        ) from None
    long_key_line = _line_with_long_dotted_key(text)
    if long_key_line is not None:  # tomllib's cost grows with the square of a dotted key's parts
        raise ConfigError(source, [f"line {long_key_line} has a key of more than {CONFIG_DEPTH_LIMIT} dotted parts"])
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(source, [f"is not valid TOML: {error}"]) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(source, [f"an array or table nests deeper than {CONFIG_DEPTH_LIMIT} levels"]) from None
    too_deep = _too_deep(document)
    if too_deep is not None:
        raise ConfigError(source, [f"{_short(too_deep)} nests deeper than {CONFIG_DEPTH_LIMIT} levels"])
    return document


# Strings and comments (whose dots are not key separators), and floats (whose one dot is not either).
_NOT_KEY_DOTS = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
    r"|(?<![\w.])[+-]?[0-9][0-9_]*\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?(?![\w.])"
)


def _line_with_long_dotted_key(text: str) -> int | None:
    """The first line with more dots outside strings, comments and floats than a key of CONFIG_DEPTH_LIMIT parts
    has; a key cannot span lines, so this bounds every key before tomllib sees it."""
    stripped = _NOT_KEY_DOTS.sub(lambda match: "\n" * match.group().count("\n"), text)
    return next(
        (number for number, line in enumerate(stripped.split("\n"), 1) if line.count(".") >= CONFIG_DEPTH_LIMIT), None
    )


def _too_deep(document: dict[str, Any]) -> str | None:
    """The first key whose value nests deeper than CONFIG_DEPTH_LIMIT, found without recursion."""
    pending: list[tuple[str, object, int]] = [(_key(k), v, 1) for k, v in document.items()]
    while pending:
        key, value, depth = pending.pop()
        if depth > CONFIG_DEPTH_LIMIT:
            return key
        if isinstance(value, dict):
            pending.extend((f"{key}.{_key(k)}", v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((key, v, depth + 1) for v in value)
    return None


def environment_names(document: Mapping[str, Any]) -> list[str]:
    return sorted(document.get("env", {}))


def _resolve_each(envs: list[str], document: Mapping[str, Any], path: Path) -> list[Settings]:
    """The settings of each environment in `envs`; a problem inherited from [defaults] is reported once."""
    names = environment_names(document)
    unknown = [env for env in envs if env not in names]
    if unknown:
        known = ", ".join(_short(_key(n)) for n in names)
        raise ConfigError(str(path), [f"unknown environment {_short(repr(e))}; defined: {known}" for e in unknown])
    roles = _roles_beside(path)
    defaults = document.get("defaults", {})
    problems: list[str] = []
    # [defaults] alone: what no environment may inherit
    _Reader(None, problems, entries=_function_entries(roles)).build(Settings, defaults, "")
    resolved = [_resolve(env, defaults, document["env"][env], path, roles, problems) for env in envs]
    if problems:
        raise ConfigError(str(path), list(dict.fromkeys(problems)))
    return [settings for settings in resolved if settings is not None]


def _roles_beside(path: Path) -> FunctionRoles:
    """The functions of the Lambda contract in lambdas/ beside the settings file."""
    try:
        return contract_roles(path.parent / LAMBDAS_DIR)
    except OSError as error:
        problem = f"its functions must be the Lambda contract's, which cannot be read: {os_error_reason(error)}"
        raise ConfigError(str(path), [problem]) from None
    except Exception as error:  # the contract is Python: any error in it leaves the functions unknown
        where = path.parent / LAMBDAS_DIR / "tap_shared" / "contract.py"
        problem = f"its functions must be the Lambda contract's, but {where} fails: {type(error).__name__}: {error}"
        raise ConfigError(str(path), [problem]) from None


def _function_entries(roles: FunctionRoles) -> dict[str, tuple[tuple[str, ...], str]]:
    return {"functions": (roles.names, "the Lambda contract's functions")}


def _resolve(
    env: str, defaults: Mapping[str, Any], overrides: object, path: Path, roles: FunctionRoles, problems: list[str]
) -> Settings | None:
    table = f"[env.{_short(_key(env))}]"
    if not re.fullmatch(ENV_NAME_PATTERN, env):
        problems.append(
            f"{table} environment name {_short(repr(env))}: must match {ENV_NAME_PATTERN} (the stack suffix)"
        )
    if not isinstance(overrides, dict):
        problems.append(f"{table} must be a table")
        return None
    overridden, defaulted = frozenset(_dotted_keys(overrides)), frozenset(_dotted_keys(defaults))
    reader = _Reader(env, problems, overridden, defaulted, _function_entries(roles))
    preset = {"name": env, "lambdas_dir": path.parent / LAMBDAS_DIR, "function_roles": roles}
    return reader.build(Settings, _deep_merge(defaults, overrides), "", preset)


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _dotted_keys(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Every key a table sets, nested ones dotted (`api.auth`), as problems name them."""
    for key, value in table.items():
        dotted = prefix + _key(key)
        yield dotted
        if isinstance(value, dict):
            yield from _dotted_keys(value, f"{dotted}.")


@dataclass
class _Reader:
    """Turns one table into dataclasses, collecting every problem against the table that set the value.

    With `env` None it reads [defaults] alone: keys may be missing, and rules across keys wait for the merge.
    """

    env: str | None
    problems: list[str]
    overridden: frozenset[str] = frozenset()  # keys the environment's own table sets
    defaulted: frozenset[str] = frozenset()  # keys [defaults] sets
    # The entries a table of named settings (`functions`) must hold, by its key, with where the names come from.
    entries: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)

    def table(self, keys: tuple[str, ...]) -> str:
        """[defaults] when it set these keys and the environment set none of them (nor anything inside)."""
        if self.env is None:
            return "[defaults]"
        # `overridden` holds every table on the way to a key, so a key inside `key` means `key` is in it too.
        inherited = not any(key in self.overridden for key in keys) and any(key in self.defaulted for key in keys)
        return "[defaults]" if inherited else f"[env.{_short(_key(self.env))}]"

    def fail(self, key: str, value: object, allowed: str, reads: tuple[str, ...] = ()) -> None:
        self.problems.append(f"{self.table((key, *reads))} {key} = {_show(value)}: must be {allowed}")

    def build(
        self, cls: type[T], table: Mapping[str, Any], prefix: str, preset: Mapping[str, Any] | None = None
    ) -> T | None:
        """Build `cls` from `table` (and `preset`, the fields tapgen sets); None when anything was wrong."""
        before = len(self.problems)
        settings_class: type = cls
        hints = _field_types(settings_class)
        spec = [f for f in fields(cls) if f.metadata.get("toml", True)]  # type: ignore[arg-type]
        fixed_fields = {f.name: f.metadata["why"] for f in fields(cls) if not f.metadata.get("toml", True)}  # type: ignore[arg-type]
        known = {f.name for f in spec}
        for key in sorted(set(table) - known):
            shown = prefix + _short(_key(key))
            where = self.table((prefix + _key(key),))
            if key in fixed_fields:
                self.problems.append(f"{where} {shown} cannot be set: {fixed_fields[key]}")
            else:
                self.problems.append(f"{where} unknown key {shown}; allowed: {', '.join(sorted(known))}")
        values: dict[str, Any] = dict(preset or {})
        for f in spec:
            if f.name in table:
                values[f.name] = self.value(hints[f.name], table[f.name], prefix + f.name, f.metadata.get("check"))
            elif f.default is MISSING and f.default_factory is MISSING and self.env is not None:
                self.problems.append(f"{self.table((prefix + f.name,))} missing key {prefix}{f.name}")
        if len(self.problems) > before or self.env is None:
            return None
        built = cls(**values)
        for problem in getattr(built, "problems", tuple)():
            reads = tuple(prefix + key for key in problem.reads)
            self.fail(prefix + problem.key, problem.value, problem.allowed, reads)
        return built if len(self.problems) == before else None

    def value(self, hint: Any, raw: Any, key: str, check: Check | None) -> Any:
        converted = self.convert(hint, raw, key)
        if converted is _BAD or check is None or converted is None:
            return converted
        if isinstance(converted, dict):  # a table of free keys: each entry is checked, and named, on its own
            bad = [(k, v, allowed) for k, v in converted.items() if (allowed := check((k, v)))]
            for entry, entry_value, allowed in bad:
                self.fail(f"{key}.{_short(_key(entry))}", entry_value, allowed)
            return _BAD if bad else converted
        allowed = check(converted)
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
        elif origin is dict and is_dataclass(args[1]):
            expected, convert = dict, lambda table: self.convert_entries(args[1], table, key)
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
        """The items as `item_type`; the first wrong one is reported (a list of thousands gets one line)."""
        converted = []
        for item in items:
            converted.append(self.convert(item_type, item, key))
            if converted[-1] is _BAD:
                return None
        return tuple(converted)

    def convert_entries(self, cls: type[T], table: dict[str, Any], key: str) -> dict[str, T] | None:
        """One `cls` per entry, for exactly the entries `self.entries[key]` names, in that order."""
        names, source = self.entries[key]
        before = len(self.problems)
        for entry in sorted(set(table) - set(names)):
            dotted = f"{key}.{_key(entry)}"
            self.problems.append(f"{self.table((dotted,))} unknown key {_short(dotted)}; {source}: {', '.join(names)}")
        converted = {}
        for name in names:
            dotted = f"{key}.{_key(name)}"
            if name in table:
                converted[name] = self.convert(cls, table[name], dotted)
            elif self.env is not None:
                self.problems.append(f"{self.table((dotted,))} missing key {dotted} (one of {source})")
        return None if len(self.problems) > before else converted

    def convert_strings(self, table: dict[str, Any], key: str) -> dict[str, str] | None:
        wrong = [(k, v) for k, v in table.items() if not isinstance(v, str)]
        for entry, value in wrong:
            self.fail(f"{key}.{_short(_key(entry))}", value, "of type string")
        return None if wrong else dict(sorted(table.items()))


_BAD = object()
_BARE_KEY = r"[A-Za-z0-9_-]+"


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """The evaluated annotations of a settings class: read twice per environment, evaluated once."""
    return typing.get_type_hints(cls)


def _toml_type(python_type: type) -> str:
    names = {int: "integer", bool: "boolean", str: "string", float: "float", dict: "table", list: "array"}
    return names.get(python_type, python_type.__name__)


def _key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    return key if re.fullmatch(_BARE_KEY, key) else _quoted(key)


def _quoted(text: str) -> str:
    """A TOML basic string whose every character is visible: line breaks of any script stay escaped."""
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
        for c in json.dumps(text, ensure_ascii=False)
    )


def _show(value: object) -> str:
    """A value as it would be written in TOML, so the message quotes what the user wrote; shortened if long."""
    if isinstance(value, str) and len(value) > SHOWN_VALUE_CHARACTERS:
        return f"{_toml(value[:SHOWN_VALUE_CHARACTERS])}… ({len(value):,} characters)"
    return _short(_toml(value))


def _toml(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return value.isoformat() if isinstance(value, datetime | date | time) else repr(value)


def _short(text: str) -> str:
    """`text`, or its start and its length when it is too long to quote whole in a one-line error."""
    if len(text) <= SHOWN_VALUE_CHARACTERS + 20:
        return text
    return f"{text[:SHOWN_VALUE_CHARACTERS]}… ({len(text):,} characters)"
