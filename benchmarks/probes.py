"""Measurements that need a process or an emulated AWS of their own; benchmarks/run.py reports them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tapgen.artifacts import build_artifacts

ROOT = Path(__file__).resolve().parent.parent
LAMBDAS = ROOT / "lambdas"

# What the Lambda runtime has already paid for before our module loads: boto3 itself.
IMPORT_PROBE = """
import sys, time
import boto3, botocore.exceptions, botocore.config
start = time.perf_counter()
__import__(sys.argv[1])
print(time.perf_counter() - start)
"""


def handler_import_seconds(function: str) -> float:
    """Seconds to import a function's handler module from its own zip, as a cold Lambda does.

    The zip is unpacked fresh, with no bytecode cache, into an interpreter that has already imported boto3.
    """
    artifact = build_artifacts(LAMBDAS)[function]
    with tempfile.TemporaryDirectory() as task_root:
        zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).extractall(task_root)
        result = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE, artifact.handler.rsplit(".", 1)[0]],
            cwd=task_root,
            env={**os.environ, "PYTHONPATH": task_root, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            check=True,
        )
    return float(result.stdout.strip())
