"""HTTP plumbing: requests parsed from HTTP API v2 events (IAM and JWT), bodies, JSON responses."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tap_api.http import MAX_BODY_BYTES, ApiError, Request, caller_of, error_response, parse_event, response
from tests.lambdas.conftest import ALICE, CAROL, api_event, load_fixture


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
