"""tapgen.toml: limits, the schema, the reader and loading of environments."""

from tapgen.settings.api_settings import ApiSettings
from tapgen.settings.checks import ConfigError
from tapgen.settings.limits import (
    ALARM_PERIOD_SECONDS,
    BUCKET_NAME_PATTERN,
    DEFAULT_CONFIG,
    ENV_NAME_PATTERN,
    LOG_RETENTION_DAYS,
    REGION_PATTERN,
    SUPPORTED_RUNTIMES,
)
from tapgen.settings.loading import environment_names, load_all, load_settings
from tapgen.settings.schema import AlarmSettings, FunctionRoles, FunctionSettings, ProcessingSettings, Settings

__all__ = [
    "ALARM_PERIOD_SECONDS",
    "BUCKET_NAME_PATTERN",
    "DEFAULT_CONFIG",
    "ENV_NAME_PATTERN",
    "LOG_RETENTION_DAYS",
    "REGION_PATTERN",
    "SUPPORTED_RUNTIMES",
    "AlarmSettings",
    "ApiSettings",
    "ConfigError",
    "FunctionRoles",
    "FunctionSettings",
    "ProcessingSettings",
    "Settings",
    "environment_names",
    "load_all",
    "load_settings",
]
