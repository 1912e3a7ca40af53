"""The smoke test's events: the deployed API's flavour decides their shape; the caller is the same either way."""

from __future__ import annotations

import pytest

from tap_api.http import parse_event, payload_format
from tapgen.code.contract import Route
from tapgen.local.smoke import ApiFlavour, api_event, flavour_of, rest_event, samples
from tests.conftest import CONTRACT, ROOT, settings_for


@pytest.mark.parametrize(
    ("env", "expected"),
    [("dev", ApiFlavour("http", "iam")), ("prod", ApiFlavour("http", "jwt")), ("partner", ApiFlavour("rest", "iam"))],
)
def test_each_environment_is_smoke_tested_with_its_own_flavour(env: str, expected: ApiFlavour) -> None:
    assert flavour_of(settings_for(env)) == expected


@pytest.mark.parametrize(("rest_auth", "http_auth"), [("iam", "iam"), ("cognito", "jwt")])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/health", None), ("POST", "/files", {"filename": "a.png"}), ("GET", f"/files/{'a' * 32}/download", None)],
)
def test_rest_events_are_the_same_requests_as_http_api_events(
    rest_auth: str, http_auth: str, method: str, path: str, body: dict[str, str] | None
) -> None:
    rest = rest_event(CONTRACT.ROUTES, method, path, rest_auth, body)
    http = api_event(CONTRACT.ROUTES, method, path, http_auth, body)
    assert (payload_format(rest), payload_format(http)) == ("1.0", "2.0")
    parsed_rest, parsed_http = parse_event(rest), parse_event(http)
    assert (parsed_rest.method, parsed_rest.path, parsed_rest.body, parsed_rest.caller) == (
        parsed_http.method,
        parsed_http.path,
        parsed_http.body,
        parsed_http.caller,
    )
    assert rest["resource"] in {"/health", "/files", "/files/{id}/download"}


@pytest.mark.parametrize("route", CONTRACT.ROUTES, ids=lambda r: r.name)
def test_events_name_the_contracts_route_and_its_path_parameters(route: Route) -> None:
    values = {name: f"{name}-value" for name in route.path_parameters}
    path = route.path_for(**values)
    http, rest = (
        api_event(CONTRACT.ROUTES, route.method, path, "iam"),
        rest_event(CONTRACT.ROUTES, route.method, path, "iam"),
    )
    assert (http["routeKey"], http["requestContext"]["routeKey"], rest["resource"]) == (
        route.key,
        route.key,
        route.path,
    )
    assert http["pathParameters"] == rest["pathParameters"] == (values or None)


def test_one_sample_per_processor_routed_to_it_in_the_contracts_order() -> None:
    files = samples(ROOT / "lambdas")
    assert [f.kind for f in files] == [fn.name for fn in CONTRACT.PROCESSORS]
    for f in files:
        assert CONTRACT.extension_of(f.filename) in CONTRACT.KIND_SUFFIXES[f.kind]
        assert f.content_type in CONTRACT.CONTENT_TYPES[CONTRACT.extension_of(f.filename)]
        assert f.body
