"""Hypothesis strategies for the property tests: arbitrary bytes, and real files bent out of shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tap_processors.pipeline import Content, Inspector, Metadata, RejectedError
from tests.lambdas import samples

# Fast enough for CI on two CPUs; no deadline, since moto's first calls are slow.
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _mutate(seed: bytes, draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(("flip", "cut", "insert", "delete")))
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[position : position + draw(st.integers(1, 8))]
    return bytes(data)


def contents(seeds: Sequence[bytes], max_size: int = 2048) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, or one of `seeds` with a few bytes changed, cut, inserted or deleted."""
    mutated = st.composite(lambda draw: _mutate(draw(st.sampled_from(list(seeds))), draw))()
    return st.one_of(st.binary(max_size=max_size), mutated)


def read_whole_or_half(data: bytes, whole: bool) -> Content:
    """What a processor reads of `data` as a whole object, or with a window of half of it (head and tail)."""
    return samples.read(data, None if whole else len(data) // 2)


def metadata_or_rejection(inspect: Inspector, content: Content, extension: str) -> Metadata | None:
    """What an inspector makes of the content: metadata, or None for a rejection (which must give a reason).

    Any other exception fails the test: it would escape the handler and send the event to retries.
    """
    try:
        return inspect(content, extension)
    except RejectedError as rejection:
        assert str(rejection), "a rejection must say why"
        return None
