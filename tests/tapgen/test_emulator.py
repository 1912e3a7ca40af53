"""The embedded emulator's failure modes that need no running server."""

from __future__ import annotations

import sys

import pytest

from tapgen.deploy.aws import DeployError
from tapgen.emulator import running


def test_without_moto_local_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # makes `import moto.server` fail as if not installed
    with pytest.raises(DeployError, match=r"pip install 'tapgen\[local\]'") as raised, running("us-east-1"):
        pass
    assert raised.value.exit_code == 2
