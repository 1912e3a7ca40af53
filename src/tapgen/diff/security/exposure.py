"""Settings that expose a resource to callers outside IAM: function URLs without authentication, and the
public-access blocks and canned ACLs of buckets and access points."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tapgen.cfn.values import canonical
from tapgen.diff.model import SecurityChange
from tapgen.diff.security.resources import Resources, is_true, properties_of, resource_field, resource_ids
from tapgen.diff.security.statements import texts

FUNCTION_URL = "AWS::Lambda::Url"
BUCKET = "AWS::S3::Bucket"
ACCESS_POINT = "AWS::S3::AccessPoint"
PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
PUBLIC_ACLS = frozenset({"PublicRead", "PublicReadWrite", "AuthenticatedRead"})


def function_url_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """A function URL's authentication and the origins its CORS lets browsers call it from."""
    for logical_id in resource_ids(old, new, (FUNCTION_URL,)):
        before, after = _url(old, logical_id), _url(new, logical_id)
        if canonical(before) == canonical(after):
            continue
        action = "added" if before is None else "removed" if after is None else "modified"
        broadening, reasons = _url_reasons(before, after)
        statement = {"Before": before, "After": after}
        narrowing = not broadening and reasons[0] in URL_NARROWINGS
        yield SecurityChange(logical_id, FUNCTION_URL, "AuthType", action, statement, broadening, reasons, narrowing)


URL_NARROWINGS = ("public function URL removed", "authentication required")


def _url(resources: Resources, logical_id: str) -> dict[str, Any] | None:
    if logical_id not in resources:
        return None
    properties = properties_of(resources, logical_id)
    origins = properties.get("Cors", {}).get("AllowOrigins") if isinstance(properties.get("Cors"), dict) else None
    return {"AuthType": properties.get("AuthType", "AWS_IAM"), "AllowOrigins": sorted(texts(origins or []))}


def _url_reasons(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[bool, tuple[str, ...]]:
    if after is None:
        public = before is not None and before["AuthType"] == "NONE"
        return False, ("public function URL removed" if public else "function URL removed",)
    was_open = before is not None and before["AuthType"] == "NONE"
    if after["AuthType"] == "NONE" and not was_open:
        return True, ("function URL without authentication (AuthType NONE)",)
    if before is not None and was_open and after["AuthType"] != "NONE":
        return False, ("authentication required",)
    new_origins = set(after["AllowOrigins"]) - set(before["AllowOrigins"] if before else [])
    if new_origins:
        return True, (f"CORS allows more origins: {', '.join(sorted(new_origins))}",)
    return False, ("function URL requires IAM authentication",) if before is None else ("CORS origins narrowed",)


def public_access_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """Each public-access block switched off (broadening) or on (narrowing), and public canned ACLs."""
    for logical_id in resource_ids(old, new, (BUCKET, ACCESS_POINT)):
        kind = str(resource_field(new, logical_id, "Type") or resource_field(old, logical_id, "Type"))
        if logical_id in new:
            before, after = _block_states(old, new, logical_id, kind)
            yield from _block_changes(logical_id, kind, before, after)
        if kind == BUCKET:
            yield from _acl_changes(logical_id, old, new)


ALL_BLOCKED = dict.fromkeys(PUBLIC_ACCESS_FLAGS, True)


def _block_states(
    old: Resources, new: Resources, logical_id: str, kind: str
) -> tuple[dict[str, bool], dict[str, bool]]:
    """Each block's state before and after. A new bucket or access point blocks everything unless told otherwise
    (AWS's default since 2023); removing the configuration from an existing bucket deletes its block."""
    before, after = _configured(old, logical_id), _configured(new, logical_id)
    had_configuration = before is not None
    before = before or ALL_BLOCKED
    if after is None:
        after = dict.fromkeys(PUBLIC_ACCESS_FLAGS, False) if had_configuration and kind == BUCKET else before
    return before, after


def _configured(resources: Resources, logical_id: str) -> dict[str, bool] | None:
    configuration = properties_of(resources, logical_id).get("PublicAccessBlockConfiguration")
    if logical_id not in resources or not isinstance(configuration, dict):
        return None
    return {flag: is_true(configuration.get(flag)) for flag in PUBLIC_ACCESS_FLAGS}


def _block_changes(
    logical_id: str, kind: str, before: dict[str, bool], after: dict[str, bool]
) -> Iterator[SecurityChange]:
    for flag in PUBLIC_ACCESS_FLAGS:
        was = before[flag]
        if was == after[flag]:
            continue
        statement = {flag: {"Before": was, "After": after[flag]}}
        if after[flag]:
            yield SecurityChange(logical_id, kind, "PublicAccessBlockConfiguration", "modified", statement, False,
                                 (f"{flag} switched on",), True)  # fmt: skip
        else:
            reasons = (f"{flag} switched off",)
            yield SecurityChange(
                logical_id, kind, "PublicAccessBlockConfiguration", "modified", statement, True, reasons
            )


def _acl_changes(logical_id: str, old: Resources, new: Resources) -> Iterator[SecurityChange]:
    before = properties_of(old, logical_id).get("AccessControl") if logical_id in old else None
    after = properties_of(new, logical_id).get("AccessControl") if logical_id in new else None
    if before == after or (after is None and logical_id not in new):
        return
    statement = {"Before": before, "After": after}
    if after in PUBLIC_ACLS and before not in PUBLIC_ACLS:
        reasons = (f"canned ACL {after} makes objects public",)
        yield SecurityChange(logical_id, BUCKET, "AccessControl", "modified", statement, True, reasons)
    elif before in PUBLIC_ACLS and after not in PUBLIC_ACLS:
        yield SecurityChange(
            logical_id, BUCKET, "AccessControl", "modified", statement, False, ("public ACL removed",), True
        )
