"""The security changes between two templates, as `cdk diff` shows them, each one broadening, narrowing or
neutral, with the reason.

Policy statements (IAM roles, users, groups and policies, key policies, bucket, queue and topic policies, Lambda
permissions as the statements they amount to) are compared by content: an edited statement is one removed and
one added. An added Allow is a broadening unless a statement of the old template already allowed all of it; a
removed Deny is a broadening unless a new Deny still forbids all of it. API routes and methods are compared by
their authorization settings; function URLs by their authentication and CORS origins; security group rules by
what they open; buckets by their public-access blocks and canned ACLs.
"""

from __future__ import annotations

from tapgen.cfn.values import canonical
from tapgen.diff.model import SecurityChange
from tapgen.diff.security.api import authorizer_changes, route_changes
from tapgen.diff.security.exposure import function_url_changes, public_access_changes
from tapgen.diff.security.network import security_group_changes
from tapgen.diff.security.policies import boundary_changes, granting_list_changes, statement_changes
from tapgen.diff.security.resources import Resources

__all__ = ["security_changes"]


def security_changes(old: Resources, new: Resources) -> tuple[SecurityChange, ...]:
    """Every security change from `old` to `new` (their `Resources`), in resource order."""
    changes = [
        *statement_changes(old, new),
        *granting_list_changes(old, new),
        *boundary_changes(old, new),
        *route_changes(old, new),
        *authorizer_changes(old, new),
        *function_url_changes(old, new),
        *security_group_changes(old, new),
        *public_access_changes(old, new),
    ]
    return tuple(sorted(changes, key=lambda c: (c.resource, c.policy, c.action != "removed", canonical(c.statement))))
