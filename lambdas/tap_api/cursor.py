"""Opaque pagination cursors, signed with the app secret so callers cannot forge or alter them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from tap_api.http import ApiError
from tap_api.settings import api_settings
from tap_shared.clients import client
from tap_shared.container import per_container

MAX_CURSOR_LENGTH = 2048


@per_container
def signing_key() -> bytes:
    """The app secret, fetched from Secrets Manager once per container."""
    secret = client("secretsmanager").get_secret_value(SecretId=api_settings().secret_arn)
    return str(secret["SecretString"]).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(owner: str, payload: bytes) -> bytes:
    # The owner is signed in, so one caller's cursor is worthless to another.
    return hmac.new(signing_key(), owner.encode() + b"\0" + payload, hashlib.sha256).digest()


def encode(owner: str, position: dict[str, str]) -> str:
    payload = json.dumps(position, sort_keys=True, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_signature(owner, payload))}"


def decode(owner: str, cursor: str) -> dict[str, str]:
    """The position a cursor encodes; any cursor this service did not issue to this caller is a 400."""
    invalid = ApiError(400, "invalid_cursor", "cursor is malformed or was not issued to you")
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise invalid
    try:
        payload_text, signature_text = cursor.split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except (binascii.Error, ValueError):
        raise invalid from None
    # Decoding ignores a final character's spare bits and stray characters: only the form we issue is ours.
    if (_b64(payload), _b64(signature)) != (payload_text, signature_text):
        raise invalid
    if not hmac.compare_digest(signature, _signature(owner, payload)):
        raise invalid
    position = json.loads(payload)
    if not isinstance(position, dict) or not all(isinstance(v, str) for v in position.values()):
        raise invalid
    return position
