"""Loading environments: [defaults] merged under each [env.NAME], read against the Lambda contract's functions,
and the rules across environments."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tapgen.files import os_error_reason
from tapgen.settings.checks import ConfigError
from tapgen.settings.limits import DEFAULT_CONFIG, ENV_NAME_PATTERN, LAMBDAS_DIR, UNRESERVED_CONCURRENCY_MINIMUM
from tapgen.settings.quoting import shortened, show_value, toml_key
from tapgen.settings.reader import TableReader
from tapgen.settings.schema import FunctionRoles, Settings
from tapgen.settings.toml_file import read_config


def contract_roles(lambdas_dir: Path) -> FunctionRoles:
    """The function names of `lambdas_dir`'s contract, loaded by path as the builders load it."""
    from tapgen.code.contract import load_contract  # only when settings are read: the contract is in lambdas/

    contract = load_contract(lambdas_dir)
    return FunctionRoles(contract.API.name, tuple(fn.name for fn in contract.PROCESSORS))


def load_settings(env: str, path: Path = DEFAULT_CONFIG) -> Settings:
    """Read `path` and return the validated settings of environment `env`."""
    return _resolve_each([env], read_config(path), path)[0]


def load_all(path: Path = DEFAULT_CONFIG) -> list[Settings]:
    """Every environment defined in `path`, sorted by name."""
    document = read_config(path)
    environments = _resolve_each(environment_names(document), document, path)
    problems = list(_shared_account_problems(environments))
    if problems:
        raise ConfigError(str(path), problems)
    return environments


def _shared_account_problems(environments: list[Settings]) -> Iterator[str]:
    """Environments pinned to one account and region reserve concurrency from the same quota."""
    groups: dict[tuple[str, str], list[Settings]] = {}
    for settings in environments:
        if settings.account is not None:
            for region in settings.regions:
                groups.setdefault((settings.account, region), []).append(settings)
    for (account, region), sharing in groups.items():
        total = sum(sum(s.reserved_concurrency.values()) for s in sharing)
        limit = min(s.account_concurrency_limit for s in sharing)
        if len(sharing) > 1 and total > limit - UNRESERVED_CONCURRENCY_MINIMUM:
            tables = ", ".join(f"[env.{s.name}]" for s in sharing)
            yield (
                f"{tables} share account {account} in {region}: their reserved_concurrency adds up to {total}, but "
                f"account_concurrency_limit ({limit}) less the {UNRESERVED_CONCURRENCY_MINIMUM} Lambda keeps "
                f"unreserved allows {limit - UNRESERVED_CONCURRENCY_MINIMUM}"
            )


def environment_names(document: Mapping[str, Any]) -> list[str]:
    return sorted(document.get("env", {}))


def _resolve_each(envs: list[str], document: Mapping[str, Any], path: Path) -> list[Settings]:
    """The settings of each environment in `envs`; a problem inherited from [defaults] is reported once."""
    names = environment_names(document)
    unknown = [env for env in envs if env not in names]
    if unknown:
        known = ", ".join(shortened(toml_key(n)) for n in names)
        raise ConfigError(str(path), [f"unknown environment {shortened(repr(e))}; defined: {known}" for e in unknown])
    roles = _roles_beside(path)
    defaults = document.get("defaults", {})
    problems: list[str] = []
    # [defaults] alone: what no environment may inherit
    problems.extend(_both_region_keys("[defaults]", defaults))
    TableReader(None, problems, entries=_function_entries(roles)).build(Settings, defaults, "")
    resolved = [_resolve(env, defaults, document["env"][env], path, roles, problems) for env in envs]
    if problems:
        raise ConfigError(str(path), list(dict.fromkeys(problems)))
    return [settings for settings in resolved if settings is not None]


def _roles_beside(path: Path) -> FunctionRoles:
    """The functions of the Lambda contract in lambdas/ beside the settings file."""
    try:
        return contract_roles(path.parent / LAMBDAS_DIR)
    except OSError as error:
        problem = f"its functions must be the Lambda contract's, which cannot be read: {os_error_reason(error)}"
        raise ConfigError(str(path), [problem]) from None
    except Exception as error:  # the contract is Python: any error in it leaves the functions unknown
        where = path.parent / LAMBDAS_DIR / "tap_shared" / "contract.py"
        problem = f"its functions must be the Lambda contract's, but {where} fails: {type(error).__name__}: {error}"
        raise ConfigError(str(path), [problem]) from None


def _function_entries(roles: FunctionRoles) -> dict[str, tuple[tuple[str, ...], str]]:
    return {"functions": (roles.names, "the Lambda contract's functions")}


def _resolve(
    env: str, defaults: Mapping[str, Any], overrides: object, path: Path, roles: FunctionRoles, problems: list[str]
) -> Settings | None:
    table = f"[env.{shortened(toml_key(env))}]"
    if not re.fullmatch(ENV_NAME_PATTERN, env):
        problems.append(
            f"{table} environment name {shortened(repr(env))}: must match {ENV_NAME_PATTERN} (the stack suffix)"
        )
    if not isinstance(overrides, dict):
        problems.append(f"{table} must be a table")
        return None
    overridden, defaulted = frozenset(_dotted_keys(overrides)), frozenset(_dotted_keys(defaults))
    reader = TableReader(env, problems, overridden, defaulted, _function_entries(roles))
    preset = {"name": env, "lambdas_dir": path.parent / LAMBDAS_DIR, "function_roles": roles}
    both = list(_both_region_keys(table, overrides))
    problems.extend(both)
    merged = _deep_merge(defaults, overrides)
    # An environment's own `region` or `regions` replaces whichever of the two it inherits.
    for own, inherited in (("regions", "region"), ("region", "regions")):
        if own in overrides and not both:
            merged.pop(inherited, None)
    if "region" not in merged and "regions" not in merged:
        problems.append(f"{table} missing key region (or regions, a list)")
        return None
    return reader.build(Settings, merged, "", preset)


def _both_region_keys(table: str, values: Mapping[str, Any]) -> Iterator[str]:
    if "region" in values and "regions" in values:
        yield (
            f"{table} sets both region and regions: set one (region = {show_value(values['region'])} means "
            f"regions = [{show_value(values['region'])}])"
        )


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _dotted_keys(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Every key a table sets, nested ones dotted (`api.auth`), as problems name them."""
    for key, value in table.items():
        dotted = prefix + toml_key(key)
        yield dotted
        if isinstance(value, dict):
            yield from _dotted_keys(value, f"{dotted}.")
