"""Which property changes make CloudFormation replace a resource, predicted offline.

The prediction reads `createOnlyProperties` from the resource provider schemas that cfn-lint ships, plus
`KNOWN_GAPS` for what those schemas miss. Change sets carry the same answer in their Replacement column, but
not always (moto never fills it, and some AWS change types leave it empty): the deploy guard and `tapgen diff`
use this prediction so that neither depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from tapgen.cfn.parameters import ParameterChanges, resolved
from tapgen.cfn.shapes import is_intrinsic

Properties = Mapping[str, Any]
GapRule = Callable[[Properties, Properties], Iterable[str]]

_MISSING: Any = object()


def predict_replacement(
    resource_type: str,
    old_properties: Properties,
    new_properties: Properties,
    region: str = "us-east-1",
) -> tuple[str, ...]:
    """The property paths (`KeySchema`, `Tags/0/Key`) whose change forces replacement; empty when none does."""
    found: list[str] = []
    for rule in replacement_rules(resource_type, region):
        found += (
            changed_paths(rule, old_properties, new_properties)
            if isinstance(rule, str)
            else rule(old_properties, new_properties)
        )
    return tuple(dict.fromkeys(found))


def replacement_rules(resource_type: str, region: str = "us-east-1") -> tuple[str | GapRule, ...]:
    """Everything that can force a replacement of the type: the schema's create-only pointers, then the gaps."""
    return (*create_only_pointers(resource_type, region), *KNOWN_GAPS.get(resource_type, ()))


def predict_resource_replacement(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    region: str = "us-east-1",
    parameter_changes: ParameterChanges | None = None,
) -> tuple[str, ...]:
    """`predict_replacement` for two template resources (`Type`, `Properties`); `Type` when the type changes.

    With `parameter_changes`, a property that names a changed parameter counts as changed (with its values).
    """
    if old.get("Type") != new.get("Type"):
        return ("Type",)
    changes = parameter_changes or {}
    before, after = resolved(_properties(old), changes, 0), resolved(_properties(new), changes, 1)
    return predict_replacement(str(new.get("Type")), before, after, region)


def _properties(resource: Mapping[str, Any]) -> Properties:
    properties = resource.get("Properties", {})
    return properties if isinstance(properties, Mapping) else {}


@cache
def create_only_pointers(resource_type: str, region: str = "us-east-1") -> tuple[str, ...]:
    """The schema's `createOnlyProperties` (JSON pointers); empty for a type or region cfn-lint does not know."""
    # cfn-lint takes about a second to import: only the commands that predict pay for it.
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type)
    except (ResourceNotFoundError, KeyError):  # KeyError: a region cfn-lint has no schemas for
        if region == "us-east-1":
            return ()
        return create_only_pointers(resource_type, "us-east-1")
    return tuple(schema.schema.get("createOnlyProperties", ()))


def changed_paths(pointer: str, old: Any, new: Any) -> list[str]:
    """Where the values under `pointer` (`/properties/A/*/B`) differ between two resources' properties.

    An intrinsic function met on the way is compared as a whole, structurally: a change under it is
    reported at its path, since what it resolves to cannot be known offline.
    """
    return [_join(path) for path in _differences(_pointer_parts(pointer), old, new, ())]


def values_under(pointer: str, properties: Any) -> list[tuple[str, Any]]:
    """Each value that `pointer` reaches in one resource's properties, with its path (`Tags/0/Key`).

    An intrinsic function met on the way is reached as a whole, as `changed_paths` compares it.
    """
    return [(_join(path), value) for path, value in _reached(_pointer_parts(pointer), properties, ())]


def _pointer_parts(pointer: str) -> list[str]:
    """`/properties/A/*/B` as `["A", "*", "B"]`, relative to the resource's properties."""
    parts = [_unescape(part) for part in pointer.split("/")[1:]]
    return parts[1:] if parts[:1] == ["properties"] else parts


def _reached(parts: list[str], value: Any, here: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if not parts or is_intrinsic(value):
        yield here, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _reached(rest, item, (*here, str(index)))
    elif head != "*" and isinstance(value, Mapping) and head in value:
        yield from _reached(rest, value[head], (*here, head))


def _differences(parts: list[str], old: Any, new: Any, here: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if not parts:
        if not same_value(old, new):
            yield here
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if not (_descends(old, list) and _descends(new, list)):
            yield from _whole(old, new, here)
            return
        olds, news = _as_list(old), _as_list(new)
        for index in range(max(len(olds), len(news))):
            yield from _differences(rest, _item(olds, index), _item(news, index), (*here, str(index)))
        return
    if not (_descends(old, dict) and _descends(new, dict)):
        yield from _whole(old, new, here)
        return
    yield from _differences(rest, _field(old, head), _field(new, head), (*here, head))


def _whole(old: Any, new: Any, here: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if not same_value(old, new):
        yield here


def _descends(value: Any, kind: type) -> bool:
    """Whether a pointer can step into `value`: a missing value or a container of `kind`, not an intrinsic."""
    return value is _MISSING or (isinstance(value, kind) and not is_intrinsic(value))


def _as_list(value: Any) -> list[Any]:
    return [] if value is _MISSING else list(value)


def _item(values: list[Any], index: int) -> Any:
    return values[index] if index < len(values) else _MISSING


def _field(value: Any, key: str) -> Any:
    return _MISSING if value is _MISSING else value.get(key, _MISSING)


def _join(path: tuple[str, ...]) -> str:
    return "/".join(path)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def same_value(old: Any, new: Any) -> bool:
    """Equal as CloudFormation reads them: structurally, with `5` equal to `"5"` and `true` to `"true"`."""
    if old is _MISSING or new is _MISSING:
        return old is new
    return bool(_normalised(old) == _normalised(new))


def _normalised(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, Mapping):
        return {str(key): _normalised(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(item) for item in value]
    return value


def _dynamodb_key_attribute_types(old: Properties, new: Properties) -> list[str]:
    """A key attribute whose type changes changes the key schema itself, which only a new table can have."""
    old_types, new_types = _attribute_types(old), _attribute_types(new)
    if old_types is None or new_types is None:  # an intrinsic: compare the definitions as a whole
        return changed_paths("/AttributeDefinitions", old, new)
    keys = _key_attribute_names(old) | _key_attribute_names(new)
    return [
        f"AttributeDefinitions/{new_types[name][0] if name in new_types else old_types[name][0]}/AttributeType"
        for name in sorted(keys)
        if name in old_types and name in new_types and not same_value(old_types[name][1], new_types[name][1])
    ]


def _attribute_types(properties: Properties) -> dict[str, tuple[int, Any]] | None:
    """Attribute name -> (its index in AttributeDefinitions, its type); None when it cannot be read offline."""
    definitions = properties.get("AttributeDefinitions", [])
    if not isinstance(definitions, list):
        return None
    return {
        str(item.get("AttributeName")): (index, item.get("AttributeType"))
        for index, item in enumerate(definitions)
        if isinstance(item, Mapping) and not is_intrinsic(item)
    }


def _key_attribute_names(properties: Properties) -> set[str]:
    """The attributes in the table's key schema and its local indexes' (the keys only a new table can change)."""
    schemas = [properties.get("KeySchema", [])]
    indexes = properties.get("LocalSecondaryIndexes", [])
    if isinstance(indexes, list):
        schemas += [index.get("KeySchema", []) for index in indexes if isinstance(index, Mapping)]
    return {
        str(element["AttributeName"])
        for schema in schemas
        if isinstance(schema, list)
        for element in schema
        if isinstance(element, Mapping) and "AttributeName" in element
    }


# What the provider schemas in cfn-lint 1.58 miss: properties CloudFormation's documentation marks
# "Update requires: Replacement" (or that no update can change) but that `createOnlyProperties` omits.
# Checked against each schema; BucketName, TableName, LogGroupName, FunctionName, QueueName, FifoQueue,
# the secret's Name and TopicName are in the schemas already, so they are not repeated here.
KNOWN_GAPS: Mapping[str, tuple[str | GapRule, ...]] = {
    "AWS::DynamoDB::Table": (
        # A table's key schema and its local secondary indexes are fixed at creation: CloudFormation
        # replaces the table (and its items) to change them, though the schema lists neither.
        "/properties/KeySchema",
        "/properties/LocalSecondaryIndexes",
        # Changing a key attribute's type (S -> N) is a key schema change in disguise.
        _dynamodb_key_attribute_types,
    ),
    # KMS cannot change these on an existing key; the schema declares no create-only property at all.
    # CloudFormation fails such an update rather than orphan the data encrypted under the old key,
    # so the guard must stop it before it starts.
    "AWS::KMS::Key": ("/properties/KeySpec", "/properties/KeyUsage", "/properties/MultiRegion", "/properties/Origin"),
}
