"""Pagination cursors: signed for one caller; any change, replay by another caller or garbage is a 400."""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from collections.abc import Iterator

import pytest

from tap_api import cursor
from tap_api.http import ApiError
from tap_shared.clients import client
from tests.lambdas.conftest import ALICE, BOB, SECRET_STRING, Aws

POSITION = {"createdKey": "2024-03-12T19:05:02.482Z#0123", "fileId": "0" * 32, "ownerId": ALICE.owner}
ALPHABET = string.ascii_letters + string.digits + "-_"


@pytest.fixture
def signed(aws: Aws) -> Iterator[str]:
    yield cursor.encode(ALICE.owner, POSITION)


def assert_invalid(owner: str, text: str) -> None:
    with pytest.raises(ApiError) as raised:
        cursor.decode(owner, text)
    assert (raised.value.status, raised.value.code) == (400, "invalid_cursor")


def test_a_cursor_round_trips_for_its_owner(signed: str) -> None:
    assert cursor.decode(ALICE.owner, signed) == POSITION
    assert set(signed) <= set(ALPHABET + ".")  # safe in a query string as it is


def test_another_callers_cursor_is_rejected(signed: str) -> None:
    assert_invalid(BOB.owner, signed)


def _flips(text: str) -> Iterator[str]:
    """`text` with each base64 character in turn replaced by every other base64 character."""
    for index, char in enumerate(text):
        if char != ".":
            for other in ALPHABET.replace(char, ""):
                yield text[:index] + other + text[index + 1 :]


def test_every_changed_character_is_rejected(signed: str) -> None:
    accepted = []
    for tampered in _flips(signed):
        try:
            cursor.decode(ALICE.owner, tampered)
        except ApiError:
            continue
        accepted.append(tampered)
    assert accepted == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        ".",
        "no dot at all but long " * 3,
        "é.é",
        "%%%.%%%",
        "A" * 5 + "." + "B" * 5,
        "x" * (cursor.MAX_CURSOR_LENGTH + 1),
    ],
    ids=["empty", "garbage", "short", "two-dots", "dot", "spaces", "non-ascii", "symbols", "bad-padding", "too-long"],
)
def test_garbage_is_rejected(aws: Aws, text: str) -> None:
    assert_invalid(ALICE.owner, text)


def test_an_overly_long_cursor_is_rejected_before_any_work(signed: str) -> None:
    payload, signature = signed.split(".")
    assert_invalid(ALICE.owner, payload + "A" * cursor.MAX_CURSOR_LENGTH + "." + signature)


def _sign(owner: str, payload: bytes) -> str:
    signature = hmac.new(SECRET_STRING.encode(), owner.encode() + b"\0" + payload, hashlib.sha256).digest()
    return ".".join(base64.urlsafe_b64encode(part).decode().rstrip("=") for part in (payload, signature))


def test_a_cursor_signed_like_the_service_signs_is_accepted(aws: Aws) -> None:
    assert cursor.decode(ALICE.owner, _sign(ALICE.owner, b'{"fileId": "x"}')) == {"fileId": "x"}


@pytest.mark.parametrize(
    "payload",
    [b"[1, 2]", b'{"fileId": 5}', b'"text"'],
    ids=["array", "number-value", "string"],
)
def test_a_signed_payload_that_is_not_a_position_is_rejected(aws: Aws, payload: bytes) -> None:
    assert_invalid(ALICE.owner, _sign(ALICE.owner, payload))


def test_the_signing_key_is_fetched_once_per_container(aws: Aws) -> None:
    calls: list[str] = []
    client("secretsmanager").meta.events.register(
        "before-call.secrets-manager.GetSecretValue", lambda **_: calls.append("get")
    )
    for _ in range(3):
        cursor.decode(ALICE.owner, cursor.encode(ALICE.owner, POSITION))
    assert calls == ["get"]
