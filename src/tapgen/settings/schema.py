"""The schema of an environment's settings: frozen dataclasses whose fields say what they allow, and the rules
across keys in each class's `problems()`. The [api] table has a module of its own, api_settings.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tapgen.settings.api_settings import ApiSettings
from tapgen.settings.checks import (
    SettingProblem,
    between,
    email_address,
    fixed,
    matches,
    one_of,
    region_list,
    setting,
    tag,
)
from tapgen.settings.limits import (
    ALARM_PERIOD_SECONDS,
    ASYNC_RETRY_WAITS_SECONDS,
    INTEGRATION_TIMEOUT_CAP_MS,
    LOG_RETENTION_DAYS,
    MAX_REGIONS,
    MAX_TAGS_PER_RESOURCE,
    REGION_PATTERN,
    RESERVED_TAG_KEYS,
    SUPPORTED_RUNTIMES,
    UNRESERVED_CONCURRENCY_MINIMUM,
)
from tapgen.settings.names import longest_names


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


@dataclass(frozen=True)
class ProcessingSettings:
    """Asynchronous invocation of the processors."""

    retry_attempts: int = setting(between(0, 2))
    max_event_age_seconds: int = setting(between(60, 21600))
    read_window_bytes: int = setting(between(1024, 8 * 1024 * 1024))


@dataclass(frozen=True)
class AlarmSettings:
    """Thresholds of the API and processing alarms and where alarms are e-mailed."""

    api_5xx_threshold: int = setting(between(1, 100000))
    api_latency_p99_ms: int = setting(between(100, 30000))
    # Share of recorded processing results that are REJECTED or FAILED, sustained over the alarm's periods.
    processing_problem_percent: int = setting(between(1, 100))
    # Fewer files than this with a recorded result in a period: the share does not alarm (1 failed of 1 is 100%).
    processing_min_files: int = setting(between(1, 1_000_000), default=10)
    # REST APIs only: the share of requests answered 4XX (in %) that raises the alarm.
    api_4xx_rate_percent: int | None = setting(between(1, 100), default=None)
    email: str | None = setting(email_address, default=None)


@dataclass(frozen=True)
class Settings:
    """Everything that differs between environments. `name` is the environment's name."""

    name: str = fixed("an environment's name is the name of its table, [env.NAME]")
    project: str = setting(matches(r"[a-z][a-z0-9]{1,5}", "2-6 lower-case letters or digits (bucket names ≤ 63)"))
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
    # Where the environment runs: `region` is a list of one; `regions` replaces a `region` it inherits (and the
    # other way round); one table setting both is an error. Either fills the other (`region`: the first region,
    # the canary of a rollout, for code that acts on one region). Defaults here only so either may be left out.
    region: str = setting(matches(REGION_PATTERN, "an AWS region such as eu-west-1"), default="")
    regions: tuple[str, ...] = setting(region_list, default=())
    # How many regions a rollout deploys at once after the first (the canary) has succeeded alone. One by default,
    # retained or not: a failure then stops the rollout with every region not yet started untouched. Raise it
    # where a faster rollout is worth a failure reaching the rest of its wave.
    max_parallel_regions: int = setting(between(1, MAX_REGIONS), default=1)

    @property
    def parallel_regions(self) -> int:
        """Regions deployed at once after the canary."""
        return self.max_parallel_regions

    def __post_init__(self) -> None:
        if not self.regions and self.region:
            object.__setattr__(self, "regions", (self.region,))
        elif self.regions and not self.region:
            object.__setattr__(self, "region", self.regions[0])

    @property
    def api_integration_timeout_ms(self) -> int:
        """How long the API waits for the api function: a little longer than it may run, up to the flavour's cap."""
        api_timeout = self.functions[self.function_roles.api].timeout_seconds
        return min((api_timeout + 1) * 1000, INTEGRATION_TIMEOUT_CAP_MS[self.api.kind])

    @property
    def _api_timeout_key(self) -> str:
        """The key that sets the api function's timeout, as problems name it."""
        return f"functions.{self.function_roles.api}.timeout_seconds"

    def problems(self) -> Iterator[SettingProblem]:
        api_timeout = self.functions[self.function_roles.api].timeout_seconds
        # HTTP API integrations time out after 30 s; a slower api function only burns money.
        if api_timeout > 29:
            yield SettingProblem(self._api_timeout_key, api_timeout, "at most 29 (HTTP API integration limit)")
        # A retained environment is pinned to its account, so no command can touch it in the wrong one.
        if self.retain_data and self.account is None:
            yield SettingProblem(
                "account",
                self.account,
                "the environment's 12-digit AWS account id where retain_data = true",
                ("retain_data",),
            )
        if self.api.kind == "rest" and self.alarms.api_4xx_rate_percent is None:
            allowed = "the 4XX share (%) that raises the REST API's alarm"
            yield SettingProblem("alarms.api_4xx_rate_percent", None, allowed, ("api.kind",))
        if self.api.kind == "http" and self.alarms.api_4xx_rate_percent is not None:
            yield SettingProblem(
                "alarms.api_4xx_rate_percent",
                self.alarms.api_4xx_rate_percent,
                "left out: it applies only where api.kind = 'rest'",
                ("api.kind",),
            )
        if self.retain_data and "*" in self.api.cors_origins:
            yield SettingProblem(
                "api.cors_origins",
                list(self.api.cors_origins),
                "explicit origins (no '*') where data is retained",
                ("retain_data",),
            )
        extra_tags = MAX_TAGS_PER_RESOURCE - len(RESERVED_TAG_KEYS)
        if len(self.tags) > extra_tags:
            yield SettingProblem(
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

    def _concurrency_problems(self) -> Iterator[SettingProblem]:
        reserved = self.reserved_concurrency
        needed = sum(reserved.values()) + UNRESERVED_CONCURRENCY_MINIMUM
        if self.account_concurrency_limit < needed:
            shown = " + ".join(f"{name} {count}" for name, count in reserved.items())
            yield SettingProblem(
                "account_concurrency_limit",
                self.account_concurrency_limit,
                f"at least {needed}: the functions reserve {shown} and Lambda keeps {UNRESERVED_CONCURRENCY_MINIMUM} "
                "unreserved (lower reserved_concurrency or raise the account's quota)",
                ("functions",),
            )

    def _timing_problems(self) -> Iterator[SettingProblem]:
        retries = self.processing.retry_attempts
        longest = max(self.functions[name].timeout_seconds for name in self.function_roles.processors)
        needed = (retries + 1) * longest + ASYNC_RETRY_WAITS_SECONDS[retries]
        if self.processing.max_event_age_seconds < needed:
            yield SettingProblem(
                "processing.max_event_age_seconds",
                self.processing.max_event_age_seconds,
                f"at least {needed}, so {retries + 1} attempt(s) of a {longest} s processor and Lambda's waits "
                "between them fit before the event expires",
                ("processing.retry_attempts", "functions"),
            )

    def _alarm_problems(self) -> Iterator[SettingProblem]:
        """Thresholds the API could never reach would leave an alarm that never fires."""
        gateway_ms = self.api_integration_timeout_ms
        if self.alarms.api_latency_p99_ms >= gateway_ms:
            yield SettingProblem(
                "alarms.api_latency_p99_ms",
                self.alarms.api_latency_p99_ms,
                f"below {gateway_ms}, the most a request can take (api timeout_seconds + 1 s): above it the "
                "alarm could never fire",
                (self._api_timeout_key,),
            )
        most_requests = self.api.throttling_rate * ALARM_PERIOD_SECONDS + self.api.throttling_burst
        if self.alarms.api_5xx_threshold > most_requests:
            yield SettingProblem(
                "alarms.api_5xx_threshold",
                self.alarms.api_5xx_threshold,
                f"at most {most_requests}, the most requests throttling lets through in one "
                f"{ALARM_PERIOD_SECONDS} s alarm period: above it the alarm could never fire",
                ("api.throttling_rate", "api.throttling_burst"),
            )

    def _name_problems(self) -> Iterator[SettingProblem]:
        key, value = ("regions", list(self.regions)) if len(self.regions) > 1 else ("region", self.region)
        for what, name, limit in longest_names(self.project, self.regions, tuple(self.functions)):
            if len(name) > limit:
                yield SettingProblem(
                    key,
                    value,
                    f"short enough for the {what} name: {name} (the longest suffix) is {len(name)} characters, "
                    f"AWS allows {limit}",
                    ("project",),
                )
                return
