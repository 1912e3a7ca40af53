"""`deploy --watch`: a round of deploying on each save under the watched paths, one line per round, until Ctrl-C."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from tapgen.errors import TapgenError

DEBOUNCE_MS = 400  # saves closer together than this are one round (editors write several files at once)


def relevant(path: str) -> bool:
    """Source files, not what running them leaves behind (bytecode, caches, editor swap files)."""
    name = Path(path).name
    return not ("__pycache__" in Path(path).parts or name.endswith((".pyc", ".swp", "~")) or name.startswith(".#"))


def round_line(started: datetime, changed: int, outcome: str, seconds: float) -> str:
    return f"[{started:%H:%M:%S}] {changed} file(s) changed: {outcome} ({seconds:.1f}s)"


def watch(
    paths: Sequence[Path],
    run_round: Callable[[], str],
    say: Callable[[str], None],
    changes: Iterable[Collection[object]] | None = None,
) -> int:
    """Run `run_round` after each debounced batch of changes; the number of rounds, once Ctrl-C stops it.

    A round's failure is its line, not the end of watching: the next save tries again.
    """
    if changes is None:
        import watchfiles

        changes = watchfiles.watch(
            *paths, debounce=DEBOUNCE_MS, watch_filter=lambda _, path: relevant(path), raise_interrupt=False
        )
    say(f"watching {', '.join(str(p) for p in paths)}: each save redeploys; Ctrl-C stops")
    rounds = 0
    try:
        for batch in changes:
            started, clock = datetime.now(), time.monotonic()
            try:
                outcome = run_round()
            except TapgenError as error:
                outcome = f"failed: {error}"
            rounds += 1
            say(round_line(started, len(batch), outcome, time.monotonic() - clock))
    except KeyboardInterrupt:
        pass
    say(f"stopped watching after {rounds} round(s)")
    return rounds
