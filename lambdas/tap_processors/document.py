"""The document processor (`tap_processors.document.handle`): PDF version and encryption, text encoding and lines."""

from __future__ import annotations

import re
from typing import Any

from tap_processors.pipeline import Metadata, RejectedError, handle_event
from tap_processors.text import decode_text

KIND = "document"
PDF_HEADER = re.compile(rb"%PDF-(\d\.\d)")
# PDFs may carry a few bytes of junk before the header; readers accept it within the first KiB.
PDF_HEADER_SEARCH = 1024


def inspect_pdf(data: bytes, complete: bool) -> Metadata:
    match = PDF_HEADER.search(data[:PDF_HEADER_SEARCH])
    if match is None:
        raise RejectedError("content is not a PDF (no %PDF- header)")
    if complete and b"%%EOF" not in data[-2048:]:
        raise RejectedError("truncated PDF: no %%EOF marker at the end")
    encrypted: bool | None = b"/Encrypt" in data
    if not encrypted and not complete:
        encrypted = None  # the trailer that would say so lies beyond the read window
    return {"format": "pdf", "version": match.group(1).decode(), "encrypted": encrypted}


def inspect_text(data: bytes, extension: str, complete: bool) -> Metadata:
    text, encoding = decode_text(data, complete)
    lines = text.count("\n") + (1 if complete and text and not text.endswith("\n") else 0)
    return {
        "format": "markdown" if extension == ".md" else "text",
        "encoding": encoding,
        "lineCount": lines,
        "lineCountComplete": complete,
    }


def inspect(data: bytes, extension: str, complete: bool) -> Metadata:
    if extension == ".pdf":
        return inspect_pdf(data, complete)
    return inspect_text(data, extension, complete)


def handle(event: Any, context: Any) -> dict[str, Any]:
    return handle_event(event, context, KIND, inspect)
