"""The api entry point: unexpected errors are a 500 with a request id, every request one log line, and no
garbage request ever gets past a 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tap_api import handler
from tap_shared import contract, items
from tests.lambdas.conftest import (
    ALICE,
    BOB,
    CAROL,
    CORS_ORIGIN,
    DAVE,
    REQUEST_ID,
    TABLE,
    Aws,
    Caller,
    LambdaContext,
    api_event,
    log_lines,
    rest_event,
)


def test_a_route_raising_unexpectedly_is_a_500_without_internals(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: Any) -> None:
        raise KeyError("/var/task/tap_shared/items.py secret-table-name")

    monkeypatch.setattr(items, "get", broken)
    result = handler.handle(api_event("GET", f"/files/{'a' * 32}"), LambdaContext())
    assert result["statusCode"] == 500
    assert json.loads(result["body"]) == {
        "error": {"code": "internal_error", "message": "internal error; quote the request id", "requestId": REQUEST_ID}
    }
    assert "secret" not in result["body"] and "Traceback" not in result["body"]
    error, request = log_lines(capsys.readouterr().out)
    assert (error["level"], error["message"], error["error"], error["requestId"]) == (
        "ERROR",
        "unhandled error",
        "KeyError",
        REQUEST_ID,
    )
    assert "Traceback" in error["trace"]
    assert (request["status"], request["path"]) == (500, f"/files/{'a' * 32}")


def test_a_misconfigured_function_is_a_500(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(contract.ENV_ENVIRONMENT)
    assert handler.handle(api_event("GET", "/health"), LambdaContext())["statusCode"] == 500


@pytest.mark.parametrize("caller", [ALICE, CAROL], ids=["iam", "jwt"])
def test_one_json_log_line_per_request(aws: Aws, capsys: pytest.CaptureFixture[str], caller: Any) -> None:
    handler.handle(api_event("GET", "/files", caller=caller), LambdaContext())
    (line,) = log_lines(capsys.readouterr().out)
    assert {k: line[k] for k in ("level", "message", "requestId", "method", "path", "status")} == {
        "level": "INFO",
        "message": "request",
        "requestId": REQUEST_ID,
        "method": "GET",
        "path": "/files",
        "status": 200,
    }
    assert line["durationMs"] >= 0


def test_an_event_that_is_not_a_request_is_logged_without_method_or_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert handler.handle({"Records": []}, None)["statusCode"] == 400
    (line,) = log_lines(capsys.readouterr().out)
    assert (line["method"], line["path"], line["status"], line["requestId"]) == (None, None, 400, "local")


def _broken_rest_event() -> dict[str, Any]:
    event = rest_event("GET", "/health", headers={"Origin": CORS_ORIGIN})
    event["path"] = 7
    return event


# (id, a REST API event with an allowed Origin, the status it gets)
REST_ANSWERS = [
    ("ok", lambda: rest_event("GET", "/health", headers={"Origin": CORS_ORIGIN}), 200),
    ("not-found", lambda: rest_event("GET", "/nowhere", headers={"Origin": CORS_ORIGIN}), 404),
    ("not-a-request", _broken_rest_event, 400),
]


@pytest.mark.parametrize(("event", "status"), [c[1:] for c in REST_ANSWERS], ids=[c[0] for c in REST_ANSWERS])
def test_every_rest_answer_lets_an_allowed_origin_read_it(aws: Aws, event: Any, status: int) -> None:
    result = handler.handle(event(), LambdaContext())
    assert result["statusCode"] == status
    assert (result["headers"]["access-control-allow-origin"], result["headers"]["vary"]) == (CORS_ORIGIN, "Origin")


def test_a_misconfigured_functions_rest_answer_still_carries_cors(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(contract.ENV_ENVIRONMENT)
    result = handler.handle(rest_event("GET", "/health", headers={"Origin": CORS_ORIGIN}), LambdaContext())
    assert (result["statusCode"], result["headers"]["access-control-allow-origin"]) == (500, CORS_ORIGIN)


def test_http_api_answers_carry_no_cors_headers_of_the_functions(aws: Aws) -> None:
    result = handler.handle(api_event("GET", "/health", headers={"origin": CORS_ORIGIN}), LambdaContext())
    assert result["statusCode"] == 200
    assert not {"access-control-allow-origin", "vary"} & set(result["headers"])


PATHS = st.one_of(
    st.sampled_from(["/health", "/files", "/files/", f"/files/{'a' * 32}", f"/files/{'b' * 32}/download"]),
    st.builds(lambda tail: f"/files/{tail}", st.text(max_size=40)),
    st.builds(lambda tail: f"/files/{tail}/download", st.text(max_size=40)),
    st.text(max_size=60),
)
METHODS = st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"]), st.text(max_size=8))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
UPLOADS = st.fixed_dictionaries(
    {
        "filename": st.one_of(st.text(max_size=30), st.sampled_from(["a.png", "b.csv", "c.PDF", ".md"])),
        "contentType": st.one_of(st.text(max_size=20), st.sampled_from(["image/png", "text/csv", "application/pdf"])),
        "size": st.one_of(st.integers(), st.floats(), st.text(max_size=5)),
    }
)
BODIES = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.builds(json.dumps, JSON),
    st.builds(json.dumps, UPLOADS),
    st.integers(),
)
TEXT_MAPS = st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=4)
QUERIES = st.one_of(
    TEXT_MAPS,
    st.fixed_dictionaries({"limit": st.text(max_size=6)}, optional={"cursor": st.text(max_size=80)}),
)


@st.composite
def requests(draw: st.DrawFn) -> Any:
    caller = draw(st.sampled_from([ALICE, CAROL, None]))
    event: dict[str, Any] = api_event("GET", "/health", caller=caller)
    event["rawPath"] = event["requestContext"]["http"]["path"] = draw(PATHS)
    event["requestContext"]["http"]["method"] = draw(METHODS)
    event["queryStringParameters"] = draw(QUERIES)
    event["headers"] = draw(TEXT_MAPS)
    event["body"] = draw(BODIES)
    event["isBase64Encoded"] = draw(st.sampled_from([True, False, None, "yes"]))
    if draw(st.booleans()):  # and sometimes break the shape of the event itself
        broken = draw(st.sampled_from(["rawPath", "requestContext", "headers", "queryStringParameters"]))
        event[broken] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.none())))
    return event


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=st.one_of(requests(), JSON))
def test_garbage_requests_get_a_4xx_never_an_exception_or_5xx(aws: Aws, event: Any) -> None:
    result = handler.handle(event, LambdaContext())
    assert isinstance(result, dict)
    assert 200 <= result["statusCode"] < 500, result
    body = json.loads(result["body"])
    if result["statusCode"] >= 400:
        assert set(body["error"]) == {"code", "message", "requestId"}


@st.composite
def rest_requests(draw: st.DrawFn) -> Any:
    """REST API (1.0) events with hostile paths, methods, queries, headers, bodies and shapes."""
    event: dict[str, Any] = rest_event("GET", "/health", caller=draw(st.sampled_from([ALICE, CAROL, None])))
    event["path"] = draw(PATHS)
    event["httpMethod"] = draw(METHODS)
    event["queryStringParameters"] = draw(QUERIES)
    event["multiValueQueryStringParameters"] = draw(
        st.one_of(st.none(), st.dictionaries(st.text(max_size=6), st.lists(st.one_of(st.text(max_size=8), st.none()))))
    )
    event["headers"] = draw(TEXT_MAPS)
    event["multiValueHeaders"] = draw(st.one_of(st.none(), st.dictionaries(st.text(max_size=6), st.lists(JSON))))
    event["pathParameters"] = draw(st.one_of(st.none(), TEXT_MAPS))
    event["body"] = draw(BODIES)
    event["isBase64Encoded"] = draw(st.sampled_from([True, False, None, "yes"]))
    if draw(st.booleans()):
        broken = draw(st.sampled_from(["path", "httpMethod", "requestContext", "headers", "multiValueHeaders"]))
        event[broken] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.none())))
    return event


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=rest_requests())
def test_garbage_rest_requests_get_a_4xx_never_an_exception_or_5xx(aws: Aws, event: Any) -> None:
    result = handler.handle(event, LambdaContext())
    assert 200 <= result["statusCode"] < 500, result
    assert result["isBase64Encoded"] is False
    body = json.loads(result["body"])
    if result["statusCode"] >= 400:
        assert set(body["error"]) == {"code", "message", "requestId"}


def _both(method: str, path: str, caller: Caller | None, **request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The handler's answers to one request, sent as an HTTP API event and as a REST API event."""
    http = handler.handle(api_event(method, path, caller=caller, **request), LambdaContext())
    rest = handler.handle(rest_event(method, path, caller=caller, **request), LambdaContext())
    return http, rest


def _created(caller: Caller) -> str:
    upload = {"filename": "scan.pdf", "contentType": "application/pdf", "size": 10}
    result = handler.handle(api_event("POST", "/files", caller=caller, body=upload), LambdaContext())
    assert result["statusCode"] == 201, result
    file_id: str = json.loads(result["body"])["fileId"]
    return file_id


MISSING = "f" * 32
# (id, method, path with {own} for a file of ALICE's, caller, request extras)
SAME_REQUESTS = [
    ("health", "GET", "/health", None, {}),
    ("list-own", "GET", "/files", ALICE, {}),
    ("list-limit", "GET", "/files", ALICE, {"query": {"limit": "1"}}),
    ("list-bad-limit", "GET", "/files", ALICE, {"query": {"limit": "0"}}),
    ("list-tampered-cursor", "GET", "/files", ALICE, {"query": {"cursor": "bm90LWEtY3Vyc29y"}}),
    ("list-other-caller", "GET", "/files", BOB, {}),
    ("list-cognito-caller", "GET", "/files", DAVE, {}),
    ("list-anonymous", "GET", "/files", None, {}),
    ("get-own", "GET", "/files/{own}", ALICE, {}),
    ("get-someone-elses", "GET", "/files/{own}", BOB, {}),
    ("get-as-jwt-subject", "GET", "/files/{own}", CAROL, {}),
    ("get-missing", "GET", f"/files/{MISSING}", ALICE, {}),
    ("get-malformed-id", "GET", "/files/NOT-AN-ID", ALICE, {}),
    ("download-pending", "GET", "/files/{own}/download", ALICE, {}),
    ("download-someone-elses", "GET", "/files/{own}/download", BOB, {}),
    ("unknown-route", "GET", "/nothing/here", ALICE, {}),
    ("wrong-method", "DELETE", "/files", ALICE, {}),
    ("post-invalid-json", "POST", "/files", ALICE, {"body": "{not json"}),
    ("post-unsupported-type", "POST", "/files", ALICE, {"body": {"filename": "a.exe", "contentType": "x", "size": 1}}),
    (
        "post-too-large",
        "POST",
        "/files",
        ALICE,
        {"body": {"filename": "a.png", "contentType": "image/png", "size": 10**12}},
    ),
    ("post-anonymous", "POST", "/files", None, {"body": {"filename": "a.png", "contentType": "image/png", "size": 1}}),
    ("post-base64-garbage", "POST", "/files", ALICE, {"body": b"\xff\xfe", "base64_body": True}),
]


@pytest.mark.parametrize(
    ("method", "path", "caller", "request_extras"), [c[1:] for c in SAME_REQUESTS], ids=[c[0] for c in SAME_REQUESTS]
)
def test_the_same_request_gets_the_same_answer_in_both_payload_formats(
    aws: Aws, method: str, path: str, caller: Caller | None, request_extras: dict[str, Any]
) -> None:
    path = path.replace("{own}", _created(ALICE))
    http, rest = _both(method, path, caller, **request_extras)
    assert rest.pop("isBase64Encoded") is False
    assert rest["headers"].pop("vary") == "Origin"  # the HTTP API adds its CORS headers itself
    assert rest == http


def test_creating_a_file_answers_alike_and_records_the_same_owner(aws: Aws) -> None:
    upload = {"filename": "scan.pdf", "contentType": "application/pdf", "size": 10}
    http, rest = _both("POST", "/files", ALICE, body=upload)
    assert http["statusCode"] == rest["statusCode"] == 201
    http_body, rest_body = json.loads(http["body"]), json.loads(rest["body"])
    assert set(http_body) == set(rest_body)
    assert items.get(TABLE, rest_body["fileId"])[contract.OWNER_INDEX_PARTITION_KEY] == ALICE.owner
    listed = json.loads(handler.handle(rest_event("GET", "/files", caller=ALICE), LambdaContext())["body"])
    assert {i["fileId"] for i in listed["items"]} == {http_body["fileId"], rest_body["fileId"]}
