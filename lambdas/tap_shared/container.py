"""Values computed once per Lambda container (settings, clients, the secret) and how to forget them.

Records in the Lambda code are typing.NamedTuple, not dataclasses: building a dataclass costs about
1.2 ms of cold start each (measured with `python -X importtime`), a NamedTuple a fifth of that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_CACHED: list[_lru_cache_wrapper[Any]] = []


def per_container(function: F) -> F:
    """Cache `function`'s results for the life of the container."""
    cached = cache(function)
    _CACHED.append(cached)
    return cached  # type: ignore[return-value]


def reset() -> None:
    """Forget every cached value: tests and the local emulator switch endpoints and environments."""
    for cached in _CACHED:
        cached.cache_clear()
