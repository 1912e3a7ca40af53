"""The [api] table: the API in front of the api function, with the rules across its keys (flavour, auth,
usage plans, WAF)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from tapgen.settings.checks import SettingProblem, between, cors_origin, each, matches, one_of, setting
from tapgen.settings.limits import COGNITO_USER_POOL_ARN, MAX_JWT_AUDIENCES

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

    def problems(self) -> Iterator[SettingProblem]:
        yield from self._flavour_problems()
        yield from self._auth_problems()
        if self.throttling_burst < self.throttling_rate:
            yield SettingProblem(
                "throttling_burst",
                self.throttling_burst,
                f"at least throttling_rate ({self.throttling_rate})",
                ("throttling_rate",),
            )
        if self.kind == "rest":
            yield from self._rest_problems()

    def _flavour_problems(self) -> Iterator[SettingProblem]:
        """A setting of the other flavour is a mistake, not something to ignore."""
        other, unset = ("rest", REST_ONLY_SETTINGS) if self.kind == "http" else ("http", HTTP_ONLY_SETTINGS)
        for name, default in unset.items():
            value = getattr(self, name)
            if value != default:
                shown = list(value) if isinstance(value, tuple) else value
                allowed = f"left out: it applies only where api.kind = '{other}' (here '{self.kind}')"
                yield SettingProblem(name, shown, allowed, ("kind",))

    def _auth_problems(self) -> Iterator[SettingProblem]:
        if self.kind == "http" and self.auth == "cognito":
            allowed = "'iam' or 'jwt' for an HTTP API (a Cognito user pool is a JWT issuer: use 'jwt')"
            yield SettingProblem("auth", self.auth, allowed, ("kind",))
        if self.kind == "rest" and self.auth == "jwt":
            allowed = (
                "'iam' or 'cognito' for a REST API: REST APIs have no native JWT authorizer "
                "(use 'cognito' with cognito_user_pool_arns)"
            )
            yield SettingProblem("auth", self.auth, allowed, ("kind",))
        if self.auth == "jwt" and not (self.jwt_issuer and self.jwt_audience):
            allowed = "an issuer and at least one jwt_audience when auth = 'jwt'"
            yield SettingProblem("jwt_issuer", self.jwt_issuer, allowed, ("auth", "jwt_audience"))
        if self.auth == "cognito" and not self.cognito_user_pool_arns:
            yield SettingProblem(
                "cognito_user_pool_arns", [], "at least one user pool ARN when auth = 'cognito'", ("auth",)
            )
        if self.kind == "rest" and self.auth != "cognito" and self.cognito_user_pool_arns:
            pools = list(self.cognito_user_pool_arns)
            yield SettingProblem("cognito_user_pool_arns", pools, "left out unless auth = 'cognito'", ("auth", "kind"))

    def _rest_problems(self) -> Iterator[SettingProblem]:
        for name in USAGE_PLAN_SETTINGS:
            value = getattr(self, name)
            if self.api_keys and value is None:
                allowed = "set when api_keys = true (the usage plan the keys belong to)"
                yield SettingProblem(name, value, allowed, ("api_keys",))
            if not self.api_keys and value is not None:
                allowed = "left out unless api_keys = true (usage plans meter API keys)"
                yield SettingProblem(name, value, allowed, ("api_keys",))
        rate, burst = self.usage_plan_rate, self.usage_plan_burst
        if rate is not None and burst is not None and burst < rate:
            yield SettingProblem("usage_plan_burst", burst, f"at least usage_plan_rate ({rate})", ("usage_plan_rate",))
        if self.waf and self.waf_rate_limit is None:
            yield SettingProblem(
                "waf_rate_limit", None, "requests per client IP per 5 minutes when waf = true", ("waf",)
            )
        if not self.waf and self.waf_rate_limit is not None:
            yield SettingProblem("waf_rate_limit", self.waf_rate_limit, "left out unless waf = true", ("waf",))
