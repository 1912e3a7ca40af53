"""Turning TOML tables into the schema's dataclasses, each problem told against the table that set the value."""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any, Literal, TypeVar

from tapgen.settings.checks import SettingCheck
from tapgen.settings.quoting import shortened, show_value, toml_key

T = TypeVar("T")


@dataclass
class TableReader:
    """Turns one table into dataclasses, collecting every problem against the table that set the value.

    With `env` None it reads [defaults] alone: keys may be missing, and rules across keys wait for the merge.
    """

    env: str | None
    problems: list[str]
    overridden: frozenset[str] = frozenset()  # keys the environment's own table sets
    defaulted: frozenset[str] = frozenset()  # keys [defaults] sets
    # The entries a table of named settings (`functions`) must hold, by its key, with where the names come from.
    entries: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)

    def table(self, keys: tuple[str, ...]) -> str:
        """[defaults] when it set these keys and the environment set none of them (nor anything inside)."""
        if self.env is None:
            return "[defaults]"
        # `overridden` holds every table on the way to a key, so a key inside `key` means `key` is in it too.
        inherited = not any(key in self.overridden for key in keys) and any(key in self.defaulted for key in keys)
        return "[defaults]" if inherited else f"[env.{shortened(toml_key(self.env))}]"

    def fail(self, key: str, value: object, allowed: str, reads: tuple[str, ...] = ()) -> None:
        self.problems.append(f"{self.table((key, *reads))} {key} = {show_value(value)}: must be {allowed}")

    def build(
        self, cls: type[T], table: Mapping[str, Any], prefix: str, preset: Mapping[str, Any] | None = None
    ) -> T | None:
        """Build `cls` from `table` (and `preset`, the fields tapgen sets); None when anything was wrong."""
        before = len(self.problems)
        settings_class: type = cls
        hints = _field_types(settings_class)
        spec = [f for f in fields(cls) if f.metadata.get("toml", True)]  # type: ignore[arg-type]
        fixed_fields = {f.name: f.metadata["why"] for f in fields(cls) if not f.metadata.get("toml", True)}  # type: ignore[arg-type]
        known = {f.name for f in spec}
        for key in sorted(set(table) - known):
            shown = prefix + shortened(toml_key(key))
            where = self.table((prefix + toml_key(key),))
            if key in fixed_fields:
                self.problems.append(f"{where} {shown} cannot be set: {fixed_fields[key]}")
            else:
                self.problems.append(f"{where} unknown key {shown}; allowed: {', '.join(sorted(known))}")
        values: dict[str, Any] = dict(preset or {})
        for f in spec:
            if f.name in table:
                values[f.name] = self.value(hints[f.name], table[f.name], prefix + f.name, f.metadata.get("check"))
            elif f.default is MISSING and f.default_factory is MISSING and self.env is not None:
                self.problems.append(f"{self.table((prefix + f.name,))} missing key {prefix}{f.name}")
        if len(self.problems) > before or self.env is None:
            return None
        built = cls(**values)
        for problem in getattr(built, "problems", tuple)():
            reads = tuple(prefix + key for key in problem.reads)
            self.fail(prefix + problem.key, problem.value, problem.allowed, reads)
        return built if len(self.problems) == before else None

    def value(self, hint: Any, raw: Any, key: str, check: SettingCheck | None) -> Any:
        converted = self.convert(hint, raw, key)
        if converted is _BAD or check is None or converted is None:
            return converted
        if isinstance(converted, dict):  # a table of free keys: each entry is checked, and named, on its own
            bad = [(k, v, allowed) for k, v in converted.items() if (allowed := check((k, v)))]
            for entry, entry_value, allowed in bad:
                self.fail(f"{key}.{shortened(toml_key(entry))}", entry_value, allowed)
            return _BAD if bad else converted
        allowed = check(converted)
        if allowed:
            self.fail(key, raw, allowed)
            return _BAD
        return converted

    def convert(self, hint: Any, raw: Any, key: str) -> Any:
        """`raw` as the type `hint` names, or _BAD (with the problem recorded)."""
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (types.UnionType, typing.Union):  # `X | None`: absent or X
            return self.convert(next(a for a in args if a is not type(None)), raw, key)
        expected: type
        convert: Callable[[Any], Any]
        if is_dataclass(hint):
            expected, convert = dict, lambda table: self.build(hint, table, f"{key}.")  # type: ignore[arg-type]
        elif origin is tuple:
            expected, convert = list, lambda items: self.convert_list(args[0], items, key)
        elif origin is dict and is_dataclass(args[1]):
            expected, convert = dict, lambda table: self.convert_entries(args[1], table, key)
        elif origin is dict:
            expected, convert = dict, lambda table: self.convert_strings(table, key)
        else:
            expected, convert = (str if origin is Literal else hint), lambda value: value
        if type(raw) is not expected:  # exact: a bool is not an int, an int is not a float
            self.fail(key, raw, f"of type {_toml_type(expected)}")
            return _BAD
        converted = convert(raw)
        return _BAD if converted is None else converted

    def convert_list(self, item_type: Any, items: list[Any], key: str) -> tuple[Any, ...] | None:
        """The items as `item_type`; the first wrong one is reported (a list of thousands gets one line)."""
        converted = []
        for item in items:
            converted.append(self.convert(item_type, item, key))
            if converted[-1] is _BAD:
                return None
        return tuple(converted)

    def convert_entries(self, cls: type[T], table: dict[str, Any], key: str) -> dict[str, T] | None:
        """One `cls` per entry, for exactly the entries `self.entries[key]` names, in that order."""
        names, source = self.entries[key]
        before = len(self.problems)
        for entry in sorted(set(table) - set(names)):
            dotted = f"{key}.{toml_key(entry)}"
            self.problems.append(
                f"{self.table((dotted,))} unknown key {shortened(dotted)}; {source}: {', '.join(names)}"
            )
        converted = {}
        for name in names:
            dotted = f"{key}.{toml_key(name)}"
            if name in table:
                converted[name] = self.convert(cls, table[name], dotted)
            elif self.env is not None:
                self.problems.append(f"{self.table((dotted,))} missing key {dotted} (one of {source})")
        return None if len(self.problems) > before else converted

    def convert_strings(self, table: dict[str, Any], key: str) -> dict[str, str] | None:
        wrong = [(k, v) for k, v in table.items() if not isinstance(v, str)]
        for entry, value in wrong:
            self.fail(f"{key}.{shortened(toml_key(entry))}", value, "of type string")
        return None if wrong else dict(sorted(table.items()))


_BAD = object()


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """The evaluated annotations of a settings class: read twice per environment, evaluated once."""
    return typing.get_type_hints(cls)


def _toml_type(python_type: type) -> str:
    names = {int: "integer", bool: "boolean", str: "string", float: "float", dict: "table", list: "array"}
    return names.get(python_type, python_type.__name__)
