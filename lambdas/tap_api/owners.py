"""Who owns a file under IAM auth: the IAM user, or for an assumed role the role, never its session.

A role session's name is chosen by whoever assumes the role (unless the trust policy pins it), so it
proves nothing about the caller: owning files by session would let anyone who may assume the role read
another session's files by reusing its name. The role is what IAM grants, so the role is the tenant:
one role per tenant, and every session of a role deliberately shares that role's files.
"""

from __future__ import annotations

import re

# The principal ARNs API Gateway's IAM authorizer presents as `userArn`.
IAM_USER_OR_ROOT = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(?:root|user/[!-~]+)", re.ASCII)
ASSUMED_ROLE_SESSION = re.compile(r"(arn:aws[a-z-]*:sts::\d{12}:assumed-role/[\w+=,.@-]+)/[\w+=,.@-]+", re.ASCII)


class UnsupportedPrincipalError(ValueError):
    """An IAM principal that cannot own files, such as a federated user (its name is the caller's choice)."""


def iam_owner(user_arn: str) -> str:
    """The owner of the files of the IAM principal `user_arn`: an IAM user or root as itself, a role session
    as its role (`arn:aws:sts::111122223333:assumed-role/NAME`, the session name dropped)."""
    if IAM_USER_OR_ROOT.fullmatch(user_arn):
        return user_arn
    session = ASSUMED_ROLE_SESSION.fullmatch(user_arn)
    if session:
        return session[1]
    raise UnsupportedPrincipalError(
        f"the caller {user_arn[:200]} cannot own files: call as an IAM user or through an IAM role"
    )
