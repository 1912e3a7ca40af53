"""Where the AWS clients come from, how a paged listing is read, and how AWS failures become one clear line."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from tapgen.errors import EXIT_USAGE, DeployError

DEFAULT_MAX_ATTEMPTS = 8
"""Attempts per AWS call (standard retry mode) when AWS_MAX_ATTEMPTS is not set."""

Clients = Callable[[str], Any]
"""A factory of boto3 clients by service name: `clients("cloudformation")`."""


@dataclass(frozen=True)
class AwsTarget:
    """The account a command acts on: a region, optionally a named profile, an endpoint (an emulator) and
    explicit credentials (the emulator's dummy ones)."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    credentials: Mapping[str, str] | None = None


def paged_items(list_page: Callable[..., Mapping[str, Any]], key: str, **request: Any) -> Iterator[Any]:
    """Every item under `key` of a listing AWS pages with NextToken, in AWS's order, one page at a time."""
    token: str | None = None
    while True:
        page = list_page(**request, **({"NextToken": token} if token else {}))
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


def clients_for(target: AwsTarget) -> Clients:
    """One boto3 session for the target; each service's client is created once, when first asked for."""
    import boto3
    from botocore.config import Config

    credentials = target.credentials or {}
    session = boto3.session.Session(
        aws_access_key_id=credentials.get("aws_access_key_id"),
        aws_secret_access_key=credentials.get("aws_secret_access_key"),
        aws_session_token=credentials.get("aws_session_token"),
        profile_name=target.profile,
        region_name=target.region,
    )
    # Eight attempts unless AWS_MAX_ATTEMPTS says otherwise (botocore lets an explicit Config win over it).
    if os.environ.get("AWS_MAX_ATTEMPTS"):
        config = Config(retries={"mode": "standard"})
    else:
        config = Config(retries={"mode": "standard", "max_attempts": DEFAULT_MAX_ATTEMPTS})

    make: Callable[..., Any] = session.client  # by name: boto3's typed overloads want a literal service

    @cache
    def client(service: str) -> Any:
        return make(service, endpoint_url=target.endpoint_url, config=config)

    return client


@contextmanager
def aws_errors() -> Iterator[None]:
    """Translate botocore's exceptions into DeployError with a message a person can act on."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as error:
        info = error.response.get("Error", {})
        raise DeployError(f"AWS refused {error.operation_name}: {info.get('Code')}: {info.get('Message')}") from None
    except (NoCredentialsError, PartialCredentialsError):
        raise DeployError(
            "no AWS credentials found: set AWS_PROFILE or --profile, export credentials, "
            "or use --local for an embedded emulator",
            EXIT_USAGE,
        ) from None
    except _configuration_errors() as error:
        raise DeployError(f"AWS configuration: {error}", EXIT_USAGE) from None
    except EndpointConnectionError as error:
        raise DeployError(f"cannot reach AWS: {error}") from None
    except BotoCoreError as error:
        raise DeployError(f"AWS request failed: {error}") from None
    except ResponseParserError as error:  # an endpoint that answered something other than AWS's format
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no details"
        raise DeployError(f"the endpoint's answer could not be read: {first_line}") from None
    except (KeyError, IndexError, TypeError) as error:
        if not _raised_by_botocore(error):
            raise
        raise DeployError(f"the endpoint's answer is not an AWS response (botocore found no {error})") from None


def _raised_by_botocore(error: BaseException) -> bool:
    """Whether the innermost frame of the error is botocore's parsing an answer it did not expect."""
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and str(frame.tb_frame.f_globals.get("__name__", "")).startswith("botocore.")


def _configuration_errors() -> tuple[type[Exception], ...]:
    """botocore's errors about the person's AWS settings (profile, files, variables): exit 2, not a failure."""
    from botocore import exceptions

    names = (
        "ProfileNotFound",
        "NoRegionError",
        "ConfigNotFound",
        "ConfigParseError",
        "InvalidConfigError",
        "InvalidRegionError",
        "UnknownRegionError",
        "InvalidRetryConfigurationError",
        "InvalidSTSRegionalEndpointsConfigError",
        "InvalidS3UsEast1RegionalEndpointConfigError",
        "InvalidEndpointConfigurationError",
        "InvalidDefaultsMode",
        "InvalidProxiesConfigError",
        "InvalidIMDSEndpointError",
        "InvalidIMDSEndpointModeError",
    )
    return tuple(getattr(exceptions, name) for name in names if hasattr(exceptions, name))
