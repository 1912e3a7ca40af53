"""The Lambda contract (`lambdas/tap_shared/contract.py`), loaded by path: the one place that names functions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Protocol

CONTRACT_FILE = Path("tap_shared") / "contract.py"


class FunctionContract(Protocol):
    """The shape of `contract.FunctionContract` in `lambdas/tap_shared/contract.py`."""

    @property
    def name(self) -> str: ...
    @property
    def handler(self) -> str: ...
    @property
    def environment(self) -> tuple[str, ...]: ...


def load_contract(lambdas_dir: Path) -> ModuleType:
    """Load `lambdas/tap_shared/contract.py` by path: the handler and environment contract."""
    path = lambdas_dir / CONTRACT_FILE
    name = "_tapgen_lambda_contract"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FileNotFoundError(f"Lambda contract not found at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module
