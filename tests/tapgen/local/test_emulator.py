"""The embedded emulator's failure modes that need no running server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tapgen.errors import DeployError
from tapgen.local.emulator import (
    DUMMY_CREDENTIALS,
    find_running,
    isolated_environ,
    region_environment,
    running,
    running_environments,
    state_file,
)


def test_without_moto_local_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # makes `import moto.server` fail as if not installed
    with pytest.raises(DeployError, match=r"pip install 'tapgen\[local\]'") as raised, running("us-east-1"):
        pass
    assert raised.value.exit_code == 2


def test_isolation_hides_every_aws_setting_and_restores_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/deployer")
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)
    with isolated_environ("eu-west-1"):
        aws = {name: value for name, value in os.environ.items() if name.startswith("AWS_")}
        assert aws == {**DUMMY_CREDENTIALS, **region_environment("eu-west-1")}
        assert aws["AWS_CONFIG_FILE"] == os.devnull and aws["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert os.environ["AWS_PROFILE"] == "work"
    assert os.environ["AWS_ROLE_ARN"].endswith("role/deployer")
    assert "AWS_DEFAULT_PROFILE" not in os.environ


def test_state_files_are_one_per_environment(tmp_path: Path) -> None:
    config = tmp_path / "tapgen.toml"
    assert state_file(config, "dev") != state_file(config, "staging")
    state_file(config, "staging").parent.mkdir()
    state_file(config, "staging").write_text("{}")
    assert running_environments(config) == ["staging"]
    assert find_running(state_file(config, "dev")) is None
