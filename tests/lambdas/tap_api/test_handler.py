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
from tests.lambdas.conftest import ALICE, CAROL, REQUEST_ID, Aws, LambdaContext, api_event, log_lines


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
