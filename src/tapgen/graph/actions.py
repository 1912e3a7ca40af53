"""Summarise IAM actions into what they let a principal do: read, write, encrypt-decrypt, invoke, ..."""

from __future__ import annotations

from collections.abc import Iterable

READ = "read"
WRITE = "write"
CRYPTO = "encrypt-decrypt"
INVOKE = "invoke"
ASSUME = "assume"
EVERYTHING = "all actions"
CATEGORIES = (READ, WRITE, CRYPTO, INVOKE, ASSUME, EVERYTHING)

CRYPTO_VERBS = ("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey")
READ_VERBS = ("Get", "List", "Describe", "Query", "Scan", "BatchGet", "Receive", "Head")


def category(action: str) -> str:
    """The category of one action (`s3:GetObject` → read); whatever changes state is a write."""
    verb = action.split(":", 1)[-1]
    if verb == "*":
        return EVERYTHING
    if action.startswith("kms:") and verb.startswith(CRYPTO_VERBS):
        return CRYPTO
    if verb.startswith("Invoke"):
        return INVOKE
    if verb.startswith("AssumeRole"):
        return ASSUME
    if verb.startswith(READ_VERBS):
        return READ
    return WRITE


def summary(actions: Iterable[str]) -> str:
    """`read / write`: the categories of `actions`, in a fixed order."""
    found = {category(action) for action in actions}
    return " / ".join(name for name in CATEGORIES if name in found)
