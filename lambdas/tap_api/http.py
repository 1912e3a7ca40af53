"""HTTP plumbing: the request parsed from an API Gateway proxy event, JSON responses, API errors.

Two payload formats reach the function: 2.0 from the HTTP API, 1.0 from the REST API (and from HTTP APIs
configured for it). Both become the same Request; the response goes back in the caller's format.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from tap_api.owners import UnsupportedPrincipalError, iam_owner

MAX_BODY_BYTES = 16 * 1024
EMPTY: Mapping[str, str] = MappingProxyType({})
PAYLOAD_V1, PAYLOAD_V2 = "1.0", "2.0"
JSON_HEADERS = {"content-type": "application/json", "cache-control": "no-store"}


class ApiError(Exception):
    """A client mistake (4xx) with a stable machine code and a human message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class Request(NamedTuple):
    method: str
    path: str
    query: Mapping[str, str] = EMPTY
    headers: Mapping[str, str] = EMPTY
    body: bytes = b""
    caller: str | None = None

    def json_body(self) -> Any:
        if len(self.body) > MAX_BODY_BYTES:
            raise ApiError(413, "payload_too_large", f"request body exceeds {MAX_BODY_BYTES} bytes")
        if not self.body.strip():
            raise ApiError(400, "invalid_request", "request body must be a JSON object")
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser's stack
            raise ApiError(400, "invalid_json", "request body is not valid JSON") from None


def payload_format(event: Any) -> str:
    """1.0 for REST API proxy events (they carry `httpMethod`), else 2.0, the HTTP API's."""
    if not isinstance(event, dict) or event.get("version") == PAYLOAD_V2:
        return PAYLOAD_V2
    return PAYLOAD_V1 if "httpMethod" in event or event.get("version") == PAYLOAD_V1 else PAYLOAD_V2


def in_format(result: dict[str, Any], event: Any, origins: tuple[str, ...]) -> dict[str, Any]:
    """A response in the event's payload format. 1.0 (the REST API) also says that the body is not base64, and
    carries the CORS headers: the REST API passes a proxy response through as it is, while the HTTP API adds
    its own from its CORS configuration (and drops the function's)."""
    if payload_format(event) != PAYLOAD_V1:
        return result
    headers = {**result.get("headers", {}), **cors_headers(event, origins)}
    return {**result, "headers": headers, "isBase64Encoded": False}


def cors_headers(event: dict[str, Any], origins: tuple[str, ...]) -> dict[str, str]:
    """What lets a browser read the response: `*` when any origin may, else the request's Origin echoed when it
    is one of `origins` (nothing when it is not), and `Vary: Origin` so that caches keep the answers apart."""
    if not origins:
        return {}
    if "*" in origins:
        return {"access-control-allow-origin": "*"}
    origin = _joined(event.get("headers"), event.get("multiValueHeaders"), lower=True).get("origin")
    allowed = {"access-control-allow-origin": origin} if origin in origins else {}
    return {**allowed, "vary": "Origin"}


def response(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {**JSON_HEADERS, **(headers or {})},
        "body": json.dumps(body, sort_keys=True, separators=(",", ":")),
    }


def error_response(error: ApiError, request: str) -> dict[str, Any]:
    body = {"error": {"code": error.code, "message": error.message, "requestId": request}}
    return response(error.status, body, error.headers)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> dict[str, str]:
    return {str(k): v for k, v in _mapping(value).items() if isinstance(v, str)}


def _joined(single: Any, multi: Any, lower: bool = False) -> dict[str, str]:
    """1.0 carries each header and query parameter twice: last value only, and every value in a list.

    Every value, comma-joined as the 2.0 format does, so both formats give the same request; names that
    differ only in case (headers) are one name.
    """
    lists: dict[str, list[str]] = {}
    for name, values in sorted(_mapping(multi).items(), key=lambda item: str(item[0])):
        if isinstance(values, list):
            key = str(name).lower() if lower else str(name)
            lists.setdefault(key, []).extend(v for v in values if isinstance(v, str))
    found = {name: ",".join(values) for name, values in lists.items() if values}
    for name, value in _strings(single).items():
        found.setdefault(name.lower() if lower else name, value)
    return found


def _body(event: dict[str, Any]) -> bytes:
    raw = event.get("body")
    if raw is None:
        return b""
    if not isinstance(raw, str):
        raise ApiError(400, "invalid_request", "request body must be text")
    if event.get("isBase64Encoded") is True:
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "invalid_request", "request body is not valid base64") from None
    return raw.encode("utf-8", "surrogatepass")


def principal_of(event: dict[str, Any]) -> tuple[Any, Any]:
    """(IAM user ARN, JWT or Cognito subject) where the event's payload format carries them."""
    context = _mapping(event.get("requestContext"))
    authorizer = _mapping(context.get("authorizer"))
    if payload_format(event) == PAYLOAD_V1:
        return _mapping(context.get("identity")).get("userArn"), _mapping(authorizer.get("claims")).get("sub")
    return _mapping(authorizer.get("iam")).get("userArn"), _mapping(_mapping(authorizer.get("jwt")).get("claims")).get(
        "sub"
    )


def caller_of(event: dict[str, Any]) -> str | None:
    """The authenticated caller as a file owner: an IAM user or role (iam auth) or a subject (jwt or cognito)."""
    user_arn, subject = principal_of(event)
    if isinstance(user_arn, str) and user_arn:
        try:
            return f"iam:{iam_owner(user_arn)}"
        except UnsupportedPrincipalError as error:
            raise ApiError(403, "unsupported_caller", str(error)) from None
    if isinstance(subject, str) and subject:
        return f"jwt:{subject}"
    return None


def parse_event(event: Any) -> Request:
    """A Request from an API Gateway proxy event (payload 1.0 or 2.0); anything that is not one is a 400."""
    if payload_format(event) == PAYLOAD_V1:
        return _parse_v1(event)
    if not isinstance(event, dict):
        raise ApiError(400, "invalid_request", "event is not an HTTP API request")
    http = _mapping(_mapping(event.get("requestContext")).get("http"))
    method, path = http.get("method"), event.get("rawPath") or http.get("path")
    if not isinstance(method, str) or not isinstance(path, str) or not path.startswith("/"):
        raise ApiError(400, "invalid_request", "event is not an HTTP API request")
    return Request(
        method=method.upper(),
        path=path,
        query=_strings(event.get("queryStringParameters")),
        headers={k.lower(): v for k, v in _strings(event.get("headers")).items()},
        body=_body(event),
        caller=caller_of(event),
    )


def _parse_v1(event: dict[str, Any]) -> Request:
    """A Request from a REST API proxy event: the path as requested, not the resource template."""
    method, path = event.get("httpMethod"), event.get("path")
    if not isinstance(method, str) or not isinstance(path, str) or not path.startswith("/"):
        raise ApiError(400, "invalid_request", "event is not an API Gateway proxy request")
    return Request(
        method=method.upper(),
        path=path,
        query=_joined(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters")),
        headers=_joined(event.get("headers"), event.get("multiValueHeaders"), lower=True),
        body=_body(event),
        caller=caller_of(event),
    )
