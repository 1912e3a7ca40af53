"""HTTP plumbing: requests parsed from HTTP API (2.0) and REST API (1.0) events, bodies, JSON responses."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tap_api.http import (
    MAX_BODY_BYTES,
    ApiError,
    Request,
    caller_of,
    cors_headers,
    error_response,
    in_format,
    parse_event,
    payload_format,
    response,
)
from tests.lambdas.conftest import ALICE, BOB, CAROL, CORS_ORIGIN, api_event, load_fixture, rest_event


def test_an_iam_event_parses_to_a_request() -> None:
    request = parse_event(api_event("get", "/files/abc", caller=ALICE, query={"limit": "5"}))
    assert request == Request(
        method="GET",
        path="/files/abc",
        query={"limit": "5"},
        headers=request.headers,
        body=b"",
        caller="iam:arn:aws:sts::123456789012:assumed-role/TapUploader",
    )
    assert request.headers["host"] == "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"


def test_header_names_are_lower_cased_and_non_text_values_dropped() -> None:
    event = api_event("GET", "/health", headers={"X-Custom": "Yes"})
    event["headers"]["x-number"] = 5
    headers = parse_event(event).headers
    assert headers["x-custom"] == "Yes"
    assert "x-number" not in headers


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("apigw_v2_iam", "iam:arn:aws:sts::123456789012:assumed-role/TapUploader"),
        ("apigw_v2_jwt", "jwt:0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"),
    ],
    ids=["iam", "jwt"],
)
def test_the_caller_comes_from_the_authorizer_context(fixture: str, expected: str) -> None:
    assert caller_of(load_fixture(fixture)) == expected
    assert CAROL.owner == "jwt:0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"


def _without(path: str) -> dict[str, Any]:
    event = load_fixture("apigw_v2_jwt" if "jwt" in path else "apigw_v2_iam")
    *parents, last = path.split(".")
    node = event
    for name in parents:
        node = node[name]
    node[last] = None if last in {"userArn", "sub"} else {}
    return event


@pytest.mark.parametrize(
    "event",
    [
        _without("requestContext.authorizer"),
        _without("requestContext.authorizer.iam"),
        _without("requestContext.authorizer.iam.userArn"),
        _without("requestContext.authorizer.jwt.claims"),
        _without("requestContext.authorizer.jwt.claims.sub"),
        {"requestContext": "not an object"},
        {},
    ],
    ids=["no-authorizer", "no-iam", "no-user-arn", "no-claims", "no-sub", "bad-context", "empty"],
)
def test_no_authenticated_caller(event: dict[str, Any]) -> None:
    assert caller_of(event) is None


# (id, event changes, expected body)
BODIES = [
    ("none", {}, b""),
    ("text", {"body": '{"a": "é"}', "isBase64Encoded": False}, '{"a": "é"}'.encode()),
    ("base64", {"body": base64.b64encode(b"\x00\xffbinary").decode(), "isBase64Encoded": True}, b"\x00\xffbinary"),
    ("lone-surrogate", {"body": "\ud800", "isBase64Encoded": False}, b"\xed\xa0\x80"),
]


@pytest.mark.parametrize(("changes", "body"), [c[1:] for c in BODIES], ids=[c[0] for c in BODIES])
def test_bodies(changes: dict[str, Any], body: bytes) -> None:
    assert parse_event({**api_event("POST", "/files"), **changes}).body == body


# (id, event, expected message)
BAD_EVENTS = [
    ("not-a-dict", ["GET", "/"], "not an HTTP API request"),
    ("no-method", {"rawPath": "/health"}, "not an HTTP API request"),
    ("relative-path", {**api_event("GET", "/health"), "rawPath": "health"}, "not an HTTP API request"),
    ("body-not-text", {**api_event("POST", "/files"), "body": {"a": 1}}, "body must be text"),
    ("bad-base64", {**api_event("POST", "/files"), "body": "!!!", "isBase64Encoded": True}, "not valid base64"),
]


@pytest.mark.parametrize(("event", "message"), [c[1:] for c in BAD_EVENTS], ids=[c[0] for c in BAD_EVENTS])
def test_events_that_are_not_requests_are_400(event: Any, message: str) -> None:
    with pytest.raises(ApiError, match=message) as raised:
        parse_event(event)
    assert (raised.value.status, raised.value.code) == (400, "invalid_request")


def test_path_falls_back_to_the_request_context() -> None:
    event = api_event("GET", "/health")
    del event["rawPath"]
    assert parse_event(event).path == "/health"


# (id, body, status, code)
JSON_BODIES = [
    ("empty", b"", 400, "invalid_request"),
    ("blank", b" \n\t", 400, "invalid_request"),
    ("invalid", b"{not json", 400, "invalid_json"),
    ("invalid-utf-8", b'{"a": "\xff"}', 400, "invalid_json"),
    ("deeply-nested", b"[" * 10_000, 400, "invalid_json"),
    ("oversized", b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}', 413, "payload_too_large"),
]


@pytest.mark.parametrize(("body", "status", "code"), [c[1:] for c in JSON_BODIES], ids=[c[0] for c in JSON_BODIES])
def test_json_body_errors(body: bytes, status: int, code: str) -> None:
    with pytest.raises(ApiError) as raised:
        Request("POST", "/files", body=body).json_body()
    assert (raised.value.status, raised.value.code) == (status, code)


def test_json_body() -> None:
    assert Request("POST", "/files", body=b'{"a": [1, null]}').json_body() == {"a": [1, None]}


def test_responses_are_compact_json_and_never_cached() -> None:
    result = response(201, {"b": 1, "a": "é"}, {"location": "/files/x"})
    assert result == {
        "statusCode": 201,
        "headers": {"content-type": "application/json", "cache-control": "no-store", "location": "/files/x"},
        "body": '{"a":"\\u00e9","b":1}',
    }


def test_error_responses_carry_code_message_and_request_id() -> None:
    error = ApiError(405, "method_not_allowed", "no", {"allow": "GET"})
    result = error_response(error, "req-1")
    assert result["statusCode"] == 405
    assert result["headers"]["allow"] == "GET"
    assert json.loads(result["body"]) == {
        "error": {"code": "method_not_allowed", "message": "no", "requestId": "req-1"}
    }


def test_a_rest_iam_event_parses_to_the_same_request_as_its_http_api_twin() -> None:
    query = {"limit": "5", "cursor": "abc"}
    rest = parse_event(rest_event("get", "/files", caller=ALICE, query=query))
    http = parse_event(api_event("get", "/files", caller=ALICE, query=query))
    assert (rest.method, rest.path, rest.query, rest.body, rest.caller) == (
        http.method,
        http.path,
        http.query,
        http.body,
        http.caller,
    )
    # The owner of a role session is its role (tap_api.owners): the session name is the caller's choice.
    assert rest.caller == "iam:arn:aws:sts::123456789012:assumed-role/TapUploader"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("apigw_v1_iam", "iam:arn:aws:sts::123456789012:assumed-role/TapUploader"),
        ("apigw_v1_cognito", "jwt:0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"),
    ],
    ids=["iam", "cognito"],
)
def test_the_rest_caller_comes_from_the_identity_or_the_cognito_claims(fixture: str, expected: str) -> None:
    event = load_fixture(fixture)
    assert caller_of(event) == expected
    request = parse_event(event)
    assert request.caller == expected and request.path == event["path"]
    assert request.headers["host"] == "k7x9q2w4e1.execute-api.us-east-1.amazonaws.com"


def test_a_cognito_caller_is_the_same_owner_as_the_same_jwt_subject_on_the_http_api() -> None:
    assert caller_of(rest_event("GET", "/files", caller=CAROL)) == caller_of(api_event("GET", "/files", caller=CAROL))


# (id, event, expected format)
FORMATS = [
    ("rest", load_fixture("apigw_v1_iam"), "1.0"),
    ("http-api", load_fixture("apigw_v2_iam"), "2.0"),
    ("http-api-v1", {**load_fixture("apigw_v1_iam"), "version": "1.0"}, "1.0"),
    ("version-wins", {**load_fixture("apigw_v2_iam"), "httpMethod": "GET"}, "2.0"),
    ("not-a-dict", ["GET", "/"], "2.0"),
    ("empty", {}, "2.0"),
]


@pytest.mark.parametrize(("event", "expected"), [c[1:] for c in FORMATS], ids=[c[0] for c in FORMATS])
def test_payload_format(event: Any, expected: str) -> None:
    assert payload_format(event) == expected


def test_identity_fields_of_the_other_format_are_ignored() -> None:
    """A 2.0 event never carries requestContext.identity; a 1.0 event never authorizer.iam."""
    http = api_event("GET", "/files", caller=None)
    http["requestContext"]["identity"] = {"userArn": BOB.identity}
    assert caller_of(http) is None
    rest = rest_event("GET", "/files", caller=None)
    rest["requestContext"]["authorizer"] = {"iam": {"userArn": BOB.identity}, "jwt": {"claims": {"sub": "x"}}}
    assert caller_of(rest) is None


def _rest_with(**changes: Any) -> dict[str, Any]:
    return {**rest_event("GET", "/files", query={"limit": "5"}), **changes}


# (id, event, expected caller, expected query, expected header subset)
HOSTILE = [
    ("no-request-context", _rest_with(requestContext=None), None, {"limit": "5"}, {}),
    ("context-not-an-object", _rest_with(requestContext="x"), None, {"limit": "5"}, {}),
    ("identity-not-an-object", _rest_with(requestContext={"identity": ["x"]}), None, {"limit": "5"}, {}),
    ("user-arn-not-text", _rest_with(requestContext={"identity": {"userArn": 7}}), None, {"limit": "5"}, {}),
    ("claims-not-an-object", _rest_with(requestContext={"authorizer": {"claims": "sub"}}), None, {"limit": "5"}, {}),
    ("null-headers", _rest_with(headers=None, multiValueHeaders=None), ALICE.owner, {"limit": "5"}, {}),
    (
        "multi-value-headers-win-and-join",
        _rest_with(headers={"Accept": "a"}, multiValueHeaders={"Accept": ["b", "c"], "accept": ["d"]}),
        ALICE.owner,
        {"limit": "5"},
        {"accept": "b,c,d"},
    ),
    (
        "multi-value-query-joins-like-http-api",
        _rest_with(queryStringParameters={"limit": "6"}, multiValueQueryStringParameters={"limit": ["5", "6"]}),
        ALICE.owner,
        {"limit": "5,6"},
        {},
    ),
    (
        "wrong-types-dropped",
        _rest_with(
            headers={"x-n": 5, "Accept": None},
            multiValueHeaders={"x-list": "not-a-list", "x-mixed": ["ok", 3, None]},
            queryStringParameters=["limit"],
            multiValueQueryStringParameters={"limit": "5"},
            pathParameters="garbage",
        ),
        ALICE.owner,
        {},
        {"x-mixed": "ok"},
    ),
]


@pytest.mark.parametrize(("event", "caller", "query", "headers"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_rest_events_parse_without_surprises(
    event: dict[str, Any], caller: str | None, query: dict[str, str], headers: dict[str, str]
) -> None:
    request = parse_event(event)
    assert request.caller == caller
    assert dict(request.query) == query
    assert {k: request.headers.get(k) for k in headers} == headers
    assert all(isinstance(v, str) for v in request.headers.values())


BAD_REST_EVENTS = [
    ("method-not-text", _rest_with(httpMethod=5)),
    ("method-null", _rest_with(httpMethod=None)),
    ("no-path", {k: v for k, v in _rest_with().items() if k != "path"}),
    ("relative-path", _rest_with(path="files")),
    ("path-not-text", _rest_with(path=["/files"])),
]


@pytest.mark.parametrize("event", [c[1] for c in BAD_REST_EVENTS], ids=[c[0] for c in BAD_REST_EVENTS])
def test_rest_events_that_are_not_requests_are_400(event: dict[str, Any]) -> None:
    with pytest.raises(ApiError, match="not an API Gateway proxy request") as raised:
        parse_event(event)
    assert (raised.value.status, raised.value.code) == (400, "invalid_request")


@pytest.mark.parametrize(("changes", "body"), [c[1:] for c in BODIES], ids=[c[0] for c in BODIES])
def test_rest_bodies(changes: dict[str, Any], body: bytes) -> None:
    assert parse_event({**rest_event("POST", "/files"), **changes}).body == body


ORIGINS = (CORS_ORIGIN, "http://localhost:3000")
ALLOWED = {"access-control-allow-origin": CORS_ORIGIN, "vary": "Origin"}


def test_responses_in_payload_one_say_the_body_is_not_base64_and_carry_cors_headers() -> None:
    result = response(200, {"a": 1})
    event = rest_event("GET", "/health", headers={"Origin": CORS_ORIGIN})
    assert in_format(result, event, ORIGINS) == {
        **result,
        "headers": {**result["headers"], **ALLOWED},
        "isBase64Encoded": False,
    }


def test_responses_in_payload_two_are_left_to_the_http_apis_cors() -> None:
    result = response(200, {"a": 1})
    assert in_format(result, api_event("GET", "/health", headers={"origin": CORS_ORIGIN}), ORIGINS) == result


# (id, headers, multiValueHeaders (None: as the fixture has them), origins allowed, CORS headers expected)
CORS_CASES: list[tuple[str, Any, Any, tuple[str, ...], dict[str, str]]] = [
    ("allowed", {"Origin": CORS_ORIGIN}, None, ORIGINS, ALLOWED),
    ("lower-case-name", {"origin": CORS_ORIGIN}, None, ORIGINS, ALLOWED),
    ("only-in-multi-value", {}, {"ORIGIN": [CORS_ORIGIN]}, ORIGINS, ALLOWED),
    ("other-origin", {"Origin": "https://evil.example"}, None, ORIGINS, {"vary": "Origin"}),
    ("origin-with-path", {"Origin": f"{CORS_ORIGIN}/"}, None, ORIGINS, {"vary": "Origin"}),
    ("case-differs", {"Origin": CORS_ORIGIN.upper()}, None, ORIGINS, {"vary": "Origin"}),
    ("two-origins", {}, {"Origin": [CORS_ORIGIN, "https://evil.example"]}, ORIGINS, {"vary": "Origin"}),
    ("no-origin", {}, {}, ORIGINS, {"vary": "Origin"}),
    ("origin-not-text", {"Origin": 5}, {"Origin": [5]}, ORIGINS, {"vary": "Origin"}),
    ("headers-not-maps", "Origin", ["Origin"], ORIGINS, {"vary": "Origin"}),
    ("any-origin", {"Origin": "https://evil.example"}, None, ("*",), {"access-control-allow-origin": "*"}),
    ("none-configured", {"Origin": CORS_ORIGIN}, None, (), {}),
]


@pytest.mark.parametrize(
    ("headers", "multi", "origins", "expected"), [c[1:] for c in CORS_CASES], ids=[c[0] for c in CORS_CASES]
)
def test_cors_headers_echo_only_an_allowed_origin(
    headers: Any, multi: Any, origins: tuple[str, ...], expected: dict[str, str]
) -> None:
    event = rest_event("GET", "/health")
    event["headers"], event["multiValueHeaders"] = (
        headers,
        (multi if multi is not None else {k: [v] for k, v in headers.items()}),
    )
    assert cors_headers(event, origins) == expected
