"""The one contract between tapgen's builders and the Lambda code.

Handler entry points, environment variable names, table key names and the upload
routing live here once. The Lambda code imports this module; tapgen loads the same
file by path when it builds the template. Standard library only, no side effects.
"""

from __future__ import annotations

from typing import NamedTuple

# Environment variable names set by the template and read by the functions.
ENV_ENVIRONMENT = "TAP_ENVIRONMENT"
ENV_APP_VERSION = "TAP_APP_VERSION"
ENV_TABLE_NAME = "TAP_TABLE_NAME"
ENV_OWNER_INDEX = "TAP_OWNER_INDEX"
ENV_BUCKET_NAME = "TAP_BUCKET_NAME"
ENV_SECRET_ARN = "TAP_SECRET_ARN"
ENV_MAX_UPLOAD_BYTES = "TAP_MAX_UPLOAD_BYTES"
ENV_UPLOAD_URL_TTL = "TAP_UPLOAD_URL_TTL_SECONDS"
ENV_DOWNLOAD_URL_TTL = "TAP_DOWNLOAD_URL_TTL_SECONDS"
ENV_READ_WINDOW_BYTES = "TAP_READ_WINDOW_BYTES"
ENV_METRICS_NAMESPACE = "TAP_METRICS_NAMESPACE"
ENV_CORS_ORIGINS = "TAP_CORS_ORIGINS"

# Metadata table layout: one item per file, a global index lists a caller's files newest first.
TABLE_PARTITION_KEY = "fileId"
OWNER_INDEX_NAME = "byOwner"
OWNER_INDEX_PARTITION_KEY = "ownerId"
OWNER_INDEX_SORT_KEY = "createdKey"

# Uploads land under this prefix as uploads/{fileId}/{safe-name}; processors are routed by suffix.
UPLOAD_PREFIX = "uploads/"
# Per processor (its kind): the suffixes routed to it, each with the content types a caller may declare for it
# (the presigned POST then pins the one declared).
UPLOAD_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "image": {
        ".jpg": ("image/jpeg",),
        ".jpeg": ("image/jpeg",),
        ".png": ("image/png",),
        ".gif": ("image/gif",),
        ".webp": ("image/webp",),
    },
    "document": {
        ".pdf": ("application/pdf",),
        ".txt": ("text/plain",),
        ".md": ("text/markdown", "text/plain"),
    },
    "data": {
        ".csv": ("text/csv", "application/csv"),
        ".json": ("application/json",),
        ".jsonl": ("application/jsonl", "application/x-ndjson", "application/json"),
    },
}
KIND_SUFFIXES: dict[str, tuple[str, ...]] = {kind: tuple(types) for kind, types in UPLOAD_TYPES.items()}
CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    suffix: content_types for types in UPLOAD_TYPES.values() for suffix, content_types in types.items()
}
# Per processor: a small file it must record as PROCESSED, which the smoke test of a deployment uploads.
SMOKE_SAMPLES: dict[str, tuple[str, bytes]] = {
    "image": (
        "pixel.png",  # a 1x1 PNG: signature, IHDR, IDAT, IEND
        bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d494441"
            "5478da6364f8cf500f00038601805a347d6b0000000049454e44ae426082"
        ),
    ),
    "document": ("notes.txt", b"TAP smoke test\nsecond line\n"),
    "data": ("table.csv", b"name,size\npixel,1\nnotes,2\n"),
}


# Processing metrics (CloudWatch Embedded Metric Format): one data point per recorded result, per kind
# (dimension `Kind`) and for all kinds together (no dimension), so alarms need no metric math per kind.
METRIC_KIND_DIMENSION = "Kind"
OUTCOME_METRICS: dict[str, str] = {"PROCESSED": "Processed", "REJECTED": "Rejected", "FAILED": "Failed"}
METRIC_BYTES_READ = "BytesRead"
METRIC_PROCESSING_DELAY = "ProcessingDelay"


def extension_of(name: str) -> str:
    """The lower-cased suffix that routes a file (`.png`), from a file name or an object key; '' if none."""
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


_COMMON_ENV = (ENV_ENVIRONMENT, ENV_APP_VERSION, ENV_TABLE_NAME, ENV_BUCKET_NAME, ENV_MAX_UPLOAD_BYTES)


class FunctionContract(NamedTuple):
    """What a function's deployment must provide: its handler and the variables it reads."""

    name: str
    handler: str
    environment: tuple[str, ...]

    @property
    def module(self) -> str:
        """The dotted module that holds the handler."""
        return self.handler.rsplit(".", 1)[0]


API = FunctionContract(
    name="api",
    handler="tap_api.handler.handle",
    environment=(
        *_COMMON_ENV,
        ENV_OWNER_INDEX,
        ENV_SECRET_ARN,
        ENV_UPLOAD_URL_TTL,
        ENV_DOWNLOAD_URL_TTL,
        ENV_CORS_ORIGINS,
    ),
)
PROCESSORS: tuple[FunctionContract, ...] = tuple(
    FunctionContract(
        name=kind,
        handler=f"tap_processors.{kind}.handle",
        environment=(*_COMMON_ENV, ENV_READ_WINDOW_BYTES, ENV_METRICS_NAMESPACE),
    )
    for kind in KIND_SUFFIXES
)
FUNCTIONS: tuple[FunctionContract, ...] = (API, *PROCESSORS)


class Route(NamedTuple):
    """One route of the API: API Gateway passes it to the api function, whose `tap_api/routes.py` answers it."""

    name: str  # the stem of its logical ids in the template: CreateFile → CreateFileRoute (HTTP API)
    method: str
    path: str  # a `{name}` segment is a path parameter
    open: bool = False  # True: no authorisation at all (uptime probes); every other route needs a known caller
    query: tuple[str, ...] = ()  # the optional query-string parameters
    body: bool = False  # takes a JSON body, which the REST API checks against its model


# Every route of the API, open or authorised; API Gateway answers anything else with the function's 404 or 405.
ROUTES: tuple[Route, ...] = (
    Route("Health", "GET", "/health", open=True),
    Route("CreateFile", "POST", "/files", body=True),
    Route("ListFiles", "GET", "/files", query=("cursor", "limit")),
    Route("GetFile", "GET", "/files/{id}"),
    Route("DownloadFile", "GET", "/files/{id}/download"),
)
