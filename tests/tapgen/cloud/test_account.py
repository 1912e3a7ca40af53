"""The caller's account against the pin, and URLs built for the region's partition."""

from __future__ import annotations

import pytest

from tapgen.cloud.account import partition_of, require_account
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import stubbed

IDENTITY = {"UserId": "AIDAEXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/ci"}


@pytest.mark.parametrize(
    ("region", "arn_prefix", "url"),
    [
        ("us-east-1", "arn:aws:", "https://s3.us-east-1.amazonaws.com/b/k"),
        ("eu-west-1", "arn:aws:", "https://s3.eu-west-1.amazonaws.com/b/k"),
        ("cn-north-1", "arn:aws-cn:", "https://s3.cn-north-1.amazonaws.com.cn/b/k"),
        ("us-gov-west-1", "arn:aws-us-gov:", "https://s3.us-gov-west-1.amazonaws.com/b/k"),
    ],
)
def test_urls_and_arns_follow_the_partition(region: str, arn_prefix: str, url: str) -> None:
    partition = partition_of(region)
    assert partition.s3_url(region, "b", "k") == url
    assert partition.arn("s3", "", "", "b").startswith(arn_prefix)


def test_another_account_is_refused_naming_both() -> None:
    sts, stub = stubbed("sts")
    stub.add_response("get_caller_identity", IDENTITY)
    with stub, pytest.raises(DeployError, match=r"account 123456789012, but \[env.prod\] account is 111122223333") as e:
        require_account(sts, "111122223333", "[env.prod] account")
    assert e.value.exit_code == 2


def test_the_pinned_account_passes_and_no_pin_asks_nothing() -> None:
    sts, stub = stubbed("sts")
    stub.add_response("get_caller_identity", IDENTITY)
    with stub:
        require_account(sts, "123456789012", "[env.prod] account")
        require_account(sts, None, "[env.dev] account")  # a second call would find no stubbed response
    stub.assert_no_pending_responses()
