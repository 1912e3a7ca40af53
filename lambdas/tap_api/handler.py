"""Entry point of the api function (`tap_api.handler.handle`)."""

from __future__ import annotations

import time
import traceback
from typing import Any

from tap_api.http import ApiError, error_response, in_format, parse_event, response
from tap_api.routes import resolve
from tap_api.settings import allowed_origins
from tap_shared.log import log, request_id


def handle(event: Any, context: Any) -> dict[str, Any]:
    """Serve one API Gateway request (REST or HTTP API); client mistakes are 4xx, anything unexpected a logged 500."""
    rid, started = request_id(context), time.perf_counter()
    method = path = None
    try:
        request = parse_event(event)
        method, path = request.method, request.path
        route, file_id = resolve(request)
        result = route(request, file_id)
    except ApiError as error:
        result = error_response(error, rid)
    except Exception as error:
        log("ERROR", "unhandled error", rid, error=type(error).__name__, trace=traceback.format_exc())
        body = {
            "error": {"code": "internal_error", "message": "internal error; quote the request id", "requestId": rid}
        }
        result = response(500, body)
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    log("INFO", "request", rid, method=method, path=path, status=result["statusCode"], durationMs=duration_ms)
    return in_format(result, event, allowed_origins())
