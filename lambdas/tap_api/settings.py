"""The api function's own settings: the listing index, the cursor secret, the URL lifetimes and the CORS origins."""

from __future__ import annotations

import os
from typing import NamedTuple

from tap_shared import contract
from tap_shared.container import per_container
from tap_shared.settings import positive

DEFAULT_UPLOAD_URL_TTL = 900
DEFAULT_DOWNLOAD_URL_TTL = 300


class ApiSettings(NamedTuple):
    owner_index: str
    secret_arn: str
    upload_url_ttl: int
    download_url_ttl: int


@per_container
def api_settings() -> ApiSettings:
    """Read once per container, like the shared settings; all have the template's defaults."""
    return ApiSettings(
        owner_index=os.environ.get(contract.ENV_OWNER_INDEX, contract.OWNER_INDEX_NAME),
        secret_arn=os.environ.get(contract.ENV_SECRET_ARN, ""),
        upload_url_ttl=positive(contract.ENV_UPLOAD_URL_TTL, DEFAULT_UPLOAD_URL_TTL),
        download_url_ttl=positive(contract.ENV_DOWNLOAD_URL_TTL, DEFAULT_DOWNLOAD_URL_TTL),
    )


@per_container
def allowed_origins() -> tuple[str, ...]:
    """The origins browsers may read responses from ('*' for any): comma-separated, none when unset.

    Apart from api_settings because it cannot fail: even a misconfigured function's 500 carries them.
    """
    raw = os.environ.get(contract.ENV_CORS_ORIGINS, "")
    return tuple(origin for origin in (part.strip() for part in raw.split(",")) if origin)
