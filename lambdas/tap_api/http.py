"""HTTP plumbing: the request parsed from an API Gateway v2 event, JSON responses, API errors."""

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


def caller_of(event: dict[str, Any]) -> str | None:
    """The authenticated caller as a file owner: an IAM user or role (iam auth) or a JWT subject (jwt auth)."""
    authorizer = _mapping(_mapping(event.get("requestContext")).get("authorizer"))
    user_arn = _mapping(authorizer.get("iam")).get("userArn")
    if isinstance(user_arn, str) and user_arn:
        try:
            return f"iam:{iam_owner(user_arn)}"
        except UnsupportedPrincipalError as error:
            raise ApiError(403, "unsupported_caller", str(error)) from None
    subject = _mapping(_mapping(authorizer.get("jwt")).get("claims")).get("sub")
    if isinstance(subject, str) and subject:
        return f"jwt:{subject}"
    return None


def parse_event(event: Any) -> Request:
    """A Request from an HTTP API v2 event; anything that is not one is a 400."""
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
