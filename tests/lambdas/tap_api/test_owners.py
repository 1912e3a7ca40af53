"""The owner model under IAM auth: a role's sessions share the role's files; other roles, users and
session names chosen to match never see them; principals that cannot own files are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tap_api import handler
from tap_api.http import caller_of
from tap_api.owners import UnsupportedPrincipalError, iam_owner
from tests.lambdas.conftest import Aws, Caller, LambdaContext, api_event, load_fixture

# (id, userArn from the authorizer, owner)
OWNERS = [
    ("iam-user", "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:user/bob"),
    ("iam-user-with-path", "arn:aws:iam::123456789012:user/ops/eu/bob", "arn:aws:iam::123456789012:user/ops/eu/bob"),
    ("account-root", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root"),
    (
        "role-session",
        "arn:aws:sts::123456789012:assumed-role/TapUploader/alice",
        "arn:aws:sts::123456789012:assumed-role/TapUploader",
    ),
    (
        "role-session-named-like-an-email",
        "arn:aws:sts::123456789012:assumed-role/TapUploader/alice@example.com",
        "arn:aws:sts::123456789012:assumed-role/TapUploader",
    ),
    (
        "sso-role-session",
        "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Uploader_0123456789abcdef/alice",
        "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Uploader_0123456789abcdef",
    ),
    (
        "china-partition",
        "arn:aws-cn:sts::123456789012:assumed-role/TapUploader/alice",
        "arn:aws-cn:sts::123456789012:assumed-role/TapUploader",
    ),
    ("govcloud-user", "arn:aws-us-gov:iam::123456789012:user/bob", "arn:aws-us-gov:iam::123456789012:user/bob"),
]


@pytest.mark.parametrize(("user_arn", "owner"), [c[1:] for c in OWNERS], ids=[c[0] for c in OWNERS])
def test_the_owner_of_an_iam_principal(user_arn: str, owner: str) -> None:
    assert iam_owner(user_arn) == owner


UNSUPPORTED = [
    ("federated-user", "arn:aws:sts::123456789012:federated-user/carol"),
    ("role-without-session", "arn:aws:sts::123456789012:assumed-role/TapUploader"),
    ("session-with-a-slash", "arn:aws:sts::123456789012:assumed-role/TapUploader/alice/extra"),
    ("iam-role-arn", "arn:aws:iam::123456789012:role/TapUploader"),
    ("short-account", "arn:aws:iam::12345:user/bob"),
    ("another-service", "arn:aws:s3:::tap-uploads"),
    ("not-an-arn", "alice"),
    ("non-ascii-role", "arn:aws:sts::123456789012:assumed-role/Täp/alice"),
]


@pytest.mark.parametrize("user_arn", [c[1] for c in UNSUPPORTED], ids=[c[0] for c in UNSUPPORTED])
def test_principals_that_cannot_own_files(user_arn: str) -> None:
    with pytest.raises(UnsupportedPrincipalError, match="cannot own files: call as an IAM user or through an IAM role"):
        iam_owner(user_arn)


@pytest.mark.parametrize(
    ("fixture", "owner"),
    [
        ("apigw_v2_iam", "iam:arn:aws:sts::123456789012:assumed-role/TapUploader"),
        ("apigw_v2_iam_user", "iam:arn:aws:iam::123456789012:user/bob"),
    ],
    ids=["role-session", "iam-user"],
)
def test_real_iam_events_name_their_owner(fixture: str, owner: str) -> None:
    assert caller_of(load_fixture(fixture)) == owner


def test_a_federated_user_is_a_403_naming_the_principal(aws: Aws) -> None:
    result = handler.handle(load_fixture("apigw_v2_iam_federated_user"), LambdaContext())
    error = json.loads(result["body"])["error"]
    assert (result["statusCode"], error["code"]) == (403, "unsupported_caller")
    assert error["message"].startswith("the caller arn:aws:sts::123456789012:federated-user/carol cannot own files")


# The unique ids IAM gives each role; a session's userId and callerId are the role id and the session name.
ROLE_IDS = {"TapUploader": "AROA2ZJZYVRE7Y3TUXHH6", "TenantB": "AROA5XKQ7N2WJ3PLMVTZA"}


def as_session(role: str, session: str, method: str, path: str, **request: Any) -> tuple[int, dict[str, Any]]:
    """The api's answer to the IAM fixture's request, sent by session `session` of role `role`."""
    arn = f"arn:aws:sts::123456789012:assumed-role/{role}/{session}"
    event = api_event(method, path, caller=Caller("iam", arn), **request)
    iam = event["requestContext"]["authorizer"]["iam"]
    iam["userId"] = iam["callerId"] = f"{ROLE_IDS[role]}:{session}"
    result = handler.handle(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def upload(role: str, session: str) -> str:
    status, body = as_session(
        role, session, "POST", "/files", body={"filename": "a.png", "contentType": "image/png", "size": 10}
    )
    assert status == 201, body
    file_id: str = body["fileId"]
    return file_id


def test_sessions_of_one_role_share_its_files(aws: Aws) -> None:
    first, second = upload("TapUploader", "alice"), upload("TapUploader", "ci-runner-42")
    status, listed = as_session("TapUploader", "someone-else", "GET", "/files")
    assert (status, {i["fileId"] for i in listed["items"]}) == (200, {first, second})
    assert as_session("TapUploader", "ci-runner-42", "GET", f"/files/{first}")[0] == 200
    page = as_session("TapUploader", "alice", "GET", "/files", query={"limit": "1"})[1]
    status, rest = as_session("TapUploader", "ci-runner-42", "GET", "/files", query={"cursor": page["cursor"]})
    assert (status, len(rest["items"])) == (200, 1)


@pytest.mark.parametrize("session", ["alice", "bob"], ids=["the-same-session-name", "another-session-name"])
def test_another_role_never_sees_the_files_whatever_its_session_name(aws: Aws, session: str) -> None:
    theirs = [upload("TapUploader", "alice") for _ in range(2)]
    page = as_session("TapUploader", "alice", "GET", "/files", query={"limit": "1"})[1]
    assert page["cursor"]
    assert as_session("TenantB", session, "GET", "/files")[1]["items"] == []
    for path in [f"/files/{file_id}{suffix}" for file_id in theirs for suffix in ("", "/download")]:
        status, body = as_session("TenantB", session, "GET", path)
        assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = as_session("TenantB", session, "GET", "/files", query={"cursor": page["cursor"]})
    assert (status, body["error"]["code"]) == (400, "invalid_cursor")


def test_an_iam_user_named_like_a_session_shares_nothing_with_the_role(aws: Aws) -> None:
    upload("TapUploader", "alice")
    event = api_event("GET", "/files", caller=Caller("iam", "arn:aws:iam::123456789012:user/alice"))
    assert json.loads(handler.handle(event, LambdaContext())["body"])["items"] == []
