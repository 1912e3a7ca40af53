"""tox's inline plugin for this project: find each environment's Python where people keep it.

tox (through tox-uv, uv's discovery) finds interpreters on PATH. pyenv users usually have several
Pythons installed but only one selected, so `python3.13` on PATH is a shim that refuses to run. For such an
environment this asks pyenv-inspect (the discovery library behind virtualenv-pyenv and tox-pyenv-redux) for
the newest installed matching version and hands tox its absolute path. Where neither finds it, the run
stops with one line naming the interpreter and how to get it: the Lambda runtime's tests never skip silently.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tox.plugin import impl
from tox.report import HandledError

if TYPE_CHECKING:
    from tox.config.sets import EnvConfigSet
    from tox.session.state import State

_VERSION_SPEC = re.compile(r"^(?:python|py|cpython)?(?P<major>3)\.?(?P<minor>\d+)$")


def _runs(executable: str) -> bool:
    """Whether `executable` names a Python that starts (a pyenv shim of an unselected version does not)."""
    try:
        done = subprocess.run([executable, "-c", ""], capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _from_pyenv(version: str) -> Path | None:
    """The newest pyenv-installed CPython `version` (e.g. 3.13), selected or not."""
    try:
        from pyenv_inspect import find_pyenv_python_executable
        from pyenv_inspect.exceptions import PathError
    except ImportError:  # tox.ini's `requires` brings it; without it only PATH counts
        return None
    try:
        return find_pyenv_python_executable(version)
    except PathError:  # no pyenv on this machine
        return None


def _definition(env_conf: EnvConfigSet, key: str) -> Any:
    return next(definition for definition in env_conf.get_configs() if key in definition.keys)


@impl
def tox_add_env_config(env_conf: EnvConfigSet, state: State) -> None:
    if "base_python" not in env_conf or env_conf.env_name == ".tox":
        return
    specs: list[str] = env_conf["base_python"]
    wanted = [match for spec in specs if (match := _VERSION_SPEC.match(spec))]
    if len(wanted) != len(specs) or not wanted:
        return  # a path, an implementation or a plain "python": left to tox
    for match in wanted:
        name = f"python{match['major']}.{match['minor']}"
        if _runs(name):
            return  # on PATH and working: tox finds it the ordinary way
        if (found := _from_pyenv(f"{match['major']}.{match['minor']}")) is not None:
            _definition(env_conf, "base_python").overwrite([str(found)])
            return
    msg = (
        f"{env_conf.env_name}: {' or '.join(specs)} not found on PATH nor installed by pyenv;"
        f" install it (e.g. `pyenv install {wanted[0]['major']}.{wanted[0]['minor']}`) and run tox again"
    )
    raise HandledError(msg)
