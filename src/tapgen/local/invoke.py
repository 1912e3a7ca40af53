"""`tapgen invoke`: events to send (a file, or a sample made from the deployed stack), and running one function.

Remotely the function runs on Lambda (Invoke with LogType=Tail). With `--local` it runs in this process from
its deployment zip (moto cannot run Lambda without Docker), as the smoke test does, and its log lines go to
the function's log group in the emulator, as the Lambda runtime would put them, so `tapgen logs` reads them.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tapgen.cloud.logs import log_group_of
from tapgen.code.contract import LambdaContract, Route
from tapgen.errors import EXIT_USAGE, TapgenError
from tapgen.files import os_error_line
from tapgen.local.smoke import ApiFlavour, InProcessLambda, api_event, rest_event, s3_event

TAIL_LINES = 20


@dataclass(frozen=True)
class Invocation:
    """What an invocation answered: the response, whether the function failed, its request id and log lines."""

    response: Any
    failed: bool
    request_id: str
    log_lines: tuple[str, ...]


def read_event(path: Path) -> dict[str, Any]:
    """The event in a JSON file: an object, or a usage error naming what is wrong."""
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise TapgenError(f"--event {path}: not UTF-8 text", EXIT_USAGE) from None
    except OSError as error:
        raise TapgenError(f"--event: {os_error_line(error)}", EXIT_USAGE) from None
    except ValueError as error:
        raise TapgenError(f"--event {path}: not JSON ({error})", EXIT_USAGE) from None
    if not isinstance(event, dict):
        raise TapgenError(f"--event {path}: a Lambda event must be a JSON object, not {type(event).__name__}")
    return event


def api_sample(routes: Sequence[Route], flavour: ApiFlavour, route_name: str) -> dict[str, Any]:
    """A request of the stack's API flavour for one route of the contract (`Health` by default)."""
    by_name = {route.name.lower(): route for route in routes}
    route = by_name.get(route_name.lower())
    if route is None or route.body or route.path_parameters:
        usable = ", ".join(r.name for r in routes if not r.body and not r.path_parameters)
        raise TapgenError(f"--sample {route_name}: not a route to sample; one of: {usable}", EXIT_USAGE)
    make = rest_event if flavour.kind == "rest" else api_event
    return make(routes, route.method, route.path, flavour.auth)


def processor_sample(s3: Any, contract: LambdaContract, kind: str, bucket: str) -> dict[str, Any]:
    """An S3 put of the uploads bucket: the contract's sample file of this kind, uploaded under uploads/."""
    filename, body = contract.SMOKE_SAMPLES[kind]
    key = f"uploads/sample-{uuid.uuid4().hex[:12]}/{filename}"
    content_type = contract.CONTENT_TYPES[contract.extension_of(filename)][0]
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)
    return s3_event(bucket, key, s3.head_object(Bucket=bucket, Key=key))


def invoke_remote(lambda_client: Any, function_name: str, event: Mapping[str, Any]) -> Invocation:
    """Invoke on Lambda and keep the tail of its log (the last 4 KB Lambda returns)."""
    answer = lambda_client.invoke(FunctionName=function_name, Payload=json.dumps(event).encode(), LogType="Tail")
    payload = answer["Payload"].read()
    try:
        response = json.loads(payload) if payload else None
    except ValueError:
        response = payload.decode("utf-8", "replace")
    tail = base64.b64decode(answer.get("LogResult", "")).decode("utf-8", "replace")
    request_id = str(answer.get("ResponseMetadata", {}).get("RequestId", ""))
    lines = tuple(tail.splitlines()[-TAIL_LINES:])
    return Invocation(response, bool(answer.get("FunctionError")), request_id, lines)


def invoke_in_process(
    runner: InProcessLambda, logs_client: Any, function: str, function_name: str, event: Mapping[str, Any]
) -> Invocation:
    """Run the handler here; its stdout lines become log events of the function's group in the emulator."""
    request_id = str(uuid.uuid4())
    runner.logs = io.StringIO()
    failed = False
    try:
        response = runner.invoke(function, event, request_id)
    except Exception as error:  # what Lambda reports as a function error, reported the same way
        failed = True
        response = {"errorType": type(error).__name__, "errorMessage": str(error)}
        line = {"level": "ERROR", "message": "unhandled exception", "errorType": type(error).__name__}
        runner.logs.write(json.dumps({**line, "requestId": request_id}) + "\n")
    lines = tuple(line for line in runner.logs.getvalue().splitlines() if line.strip())
    write_log_lines(logs_client, log_group_of(function_name), lines)
    return Invocation(response, failed, request_id, lines[-TAIL_LINES:])


def write_log_lines(logs_client: Any, group: str, lines: Sequence[str]) -> None:
    """Put the lines into a new stream of `group` (created when missing), as the Lambda runtime would."""
    if not lines:
        return
    with contextlib.suppress(logs_client.exceptions.ResourceAlreadyExistsException):
        logs_client.create_log_group(logGroupName=group)
    stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    logs_client.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now + i, "message": line} for i, line in enumerate(lines)]  # a millisecond apart: in order
    logs_client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
