"""Measurements that need a process or an emulated AWS of their own; benchmarks/run.py reports them."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

from tapgen.code.artifacts import build_artifacts

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


def package_seconds(fresh: bool) -> float:
    """Seconds to build every zip and upload what the bucket lacks, against an in-process moto S3.

    fresh=True starts from an empty bucket (everything uploads); False re-runs on a bucket that has it all.
    The S3 client is created beforehand: the measurement is tapgen's work, not boto3's start-up.
    """
    import boto3
    from moto import mock_aws

    from tapgen.code.package import upload_artifacts

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="tapgen-bench-artifacts")
        if not fresh:
            upload_artifacts(s3, "tapgen-bench-artifacts", build_artifacts(LAMBDAS))
        start = time.perf_counter()
        upload_artifacts(s3, "tapgen-bench-artifacts", build_artifacts(LAMBDAS))
        return time.perf_counter() - start


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def processor_bytes_read(object_size: int) -> int:
    """Bytes the image processor fetches from S3 to process one PNG of `object_size` bytes (moto in-process): the
    window, and for an object larger than the window its tail too."""
    import boto3
    from moto import mock_aws

    from tap_processors import image
    from tap_shared import container, contract, items
    from tap_shared.clients import client

    table, bucket, file_id = "bench-files", "bench-uploads", "0" * 32
    key = f"{contract.UPLOAD_PREFIX}{file_id}/picture.png"
    # A PNG whose chunks are whole (a walk of a small one reaches IEND): IHDR, a comment filling it out, IEND.
    header = _png_chunk(b"IHDR", (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + bytes((8, 2, 0, 0, 0)))
    start, end = b"\x89PNG\r\n\x1a\n" + header, _png_chunk(b"IEND", b"")
    png = start + _png_chunk(b"tEXt", b"c\x00".ljust(object_size - len(start) - len(end) - 12, b" ")) + end
    environment = {
        contract.ENV_ENVIRONMENT: "bench",
        contract.ENV_TABLE_NAME: table,
        contract.ENV_BUCKET_NAME: bucket,
        contract.ENV_MAX_UPLOAD_BYTES: str(1 << 30),  # above the largest object, so it is read, not refused
        contract.ENV_METRICS_NAMESPACE: "bench/processing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    os.environ.update(environment)
    container.reset()
    fetched: list[int] = []
    with mock_aws():
        s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=png)
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": contract.TABLE_PARTITION_KEY, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": contract.TABLE_PARTITION_KEY, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        items.create(table, {"fileId": file_id, "objectKey": key, "kind": image.KIND, "status": items.PENDING})
        client("s3").meta.events.register(
            "after-call.s3.GetObject", lambda parsed, **_: fetched.append(int(parsed.get("ContentLength", 0)))
        )
        record = {"bucket": {"name": bucket}, "object": {"key": key, "size": object_size, "sequencer": "01"}}
        with contextlib.redirect_stdout(io.StringIO()):  # the handler's JSON log lines
            result = image.handle(
                {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": record}]}, None
            )
        if result["records"][0]["status"] != items.PROCESSED:
            raise RuntimeError(f"benchmark object was not processed: {result}")
    container.reset()
    return sum(fetched)


# `tapgen diff` in a fresh interpreter, timing its AWS calls apart: the target is on the rest.
DIFF_PROBE = """
import sys, time
start = time.perf_counter()
import botocore.client
in_aws = 0.0
make_api_call = botocore.client.BaseClient._make_api_call
def timed_call(self, *args, **kwargs):
    global in_aws
    began = time.perf_counter()
    try:
        return make_api_call(self, *args, **kwargs)
    finally:
        in_aws += time.perf_counter() - began
botocore.client.BaseClient._make_api_call = timed_call
from tapgen.cli import main
try:
    main(sys.argv[2:])
except SystemExit as end:
    code = end.code
with open(sys.argv[1], "w") as report:
    report.write(f"{time.perf_counter() - start} {in_aws} {code}")
"""


class DeployedStack:
    """A moto server with the committed dev template deployed as a stack, for `tapgen diff` to compare with."""

    def __init__(self) -> None:
        from tapgen.local.emulator import create_bucket, running

        self._running = running("us-east-1")
        self.emulator = self._running.__enter__()
        create_bucket(self.emulator, "tapgen-bench-artifacts")
        command = [sys.executable, "-m", "tapgen", "deploy", "--env", "dev", "--suffix", "bench"]
        # A new stack broadens everything; this one is a fixture for diff, so the gate has nothing to protect.
        command += ["--bucket", "tapgen-bench-artifacts", "--yes", "--require-approval", "never"]
        command += ["--outputs-file", os.devnull]
        subprocess.run([*command, *self._target()], cwd=ROOT, env=self._env(), capture_output=True, check=True)

    def _target(self) -> list[str]:
        return ["--endpoint-url", self.emulator.endpoint_url]

    def _env(self) -> dict[str, str]:
        return {**os.environ, **self.emulator.environment()}

    def diff_seconds(self) -> tuple[float, float]:
        """(whole process, of which AWS calls) for `tapgen diff --env dev --exit-code` with nothing to show."""
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
            args = ["diff", "--env", "dev", "--suffix", "bench", "--exit-code", *self._target()]
            subprocess.run(
                [sys.executable, "-c", DIFF_PROBE, report.name, *args],
                cwd=ROOT,
                env=self._env(),
                stdout=subprocess.DEVNULL,
                check=True,
            )
            total, in_aws, code = report.read().split()
        if code != "0":
            raise RuntimeError(f"`tapgen diff` found differences or failed (exit {code}) on an unchanged stack")
        return float(total), float(in_aws)

    def close(self) -> None:
        self._running.__exit__(None, None, None)
