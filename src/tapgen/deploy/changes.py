"""Change sets: create one, wait for it, read what it would do, and guard the resources that hold data."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tapgen.cfn.shapes import as_dict
from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.cloud.deployed import deployed_template, stack_parameters
from tapgen.errors import DeployError

if TYPE_CHECKING:
    from tapgen.cfn.replacement_chain import ChainLink

# CloudFormation's words for "this change set would change nothing".
NO_CHANGE_REASONS = ("didn't contain changes", "No updates are to be performed")
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class ChangeDetail:
    """One ResourceChangeDetail: what changes (attribute, property path, values, when DescribeChangeSet was asked
    for IncludePropertyValues), whether it recreates the resource, and what caused it."""

    attribute: str
    name: str = ""
    path: str = ""
    before: str | None = None
    after: str | None = None
    change_type: str = ""  # AttributeChangeType: Add, Remove, Modify, SyncWithActual
    requires_recreation: str = ""  # Never, Conditionally, Always
    change_source: str = ""  # DirectModification, ResourceReference, ParameterReference, ...
    causing_entity: str = ""
    evaluation: str = ""  # Static, Dynamic

    def line(self) -> str:
        from tapgen.cfn.values import shown

        where = self.path or " ".join(part for part in (self.attribute, self.name) if part)
        values = ""
        if self.before is not None or self.after is not None:
            before = "(absent)" if self.before is None else shown(self.before)
            after = "(absent)" if self.after is None else shown(self.after)
            values = f": {before} → {after}"
        source = self.change_source + (f" {self.causing_entity}" if self.causing_entity else "")
        facts = [f"recreation {self.requires_recreation or '-'}", source or "-"]
        facts += [self.change_type] if self.change_type else []
        facts += [self.evaluation] if self.evaluation == "Dynamic" else []
        return f"{where}{values}  ({', '.join(facts)})"


@dataclass(frozen=True)
class ResourceChange:
    """One row of a change set. `replacement` is True, False, Conditional, or '' when CloudFormation gave none."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str = ""
    predicted: tuple[str, ...] = ()
    """The changed property paths that the provider schemas say force replacement (`tapgen.cfn.replacement`), or
    the create-only paths that reference a replaced resource (`chained`)."""
    policy_action: str = ""  # what happens to the old physical resource: Delete, Retain, Snapshot, ReplaceAnd...
    details: tuple[ChangeDetail, ...] = ()
    chained: tuple[ChainLink, ...] = ()
    """For a replacement that follows from another: the references that cause it (`tapgen.cfn.replacement_chain`)."""
    listed: bool = True
    """False for a chained replacement the change set does not list (moto lists none): added by the prediction."""

    @property
    def replaced(self) -> bool:
        """Replaced, or possibly replaced, by CloudFormation's word or by the schema prediction."""
        reported = self.replacement in ("True", "Conditional")
        return self.action == "Modify" and (reported or bool(self.predicted))

    @property
    def destroys_data(self) -> bool:
        """A stateful resource removed, replaced, or possibly replaced."""
        return self.resource_type in STATEFUL_TYPES and (self.action == "Remove" or self.replaced)


@dataclass(frozen=True)
class ChangeSet:
    """A created change set: its id, its stack's id, and the resource changes (empty when nothing changes)."""

    id: str
    name: str
    stack_id: str
    changes: tuple[ResourceChange, ...]


@dataclass(frozen=True)
class ChangeSetRequest:
    """Everything CreateChangeSet needs; exactly one of `template_body` and `template_url`."""

    stack_name: str
    name: str
    change_set_type: str
    parameters: Mapping[str, str]
    template_body: str | None = None
    template_url: str | None = None

    def arguments(self) -> dict[str, Any]:
        template = {"TemplateURL": self.template_url} if self.template_url else {"TemplateBody": self.template_body}
        return {
            "StackName": self.stack_name,
            "ChangeSetName": self.name,
            "ChangeSetType": self.change_set_type,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(self.parameters.items())],
            "Capabilities": list(CAPABILITIES),
            "Description": "created by tapgen deploy",
            **template,
        }


def create_change_set(cfn: Any, request: ChangeSetRequest, sleep: Sleep = time.sleep) -> ChangeSet | None:
    """Create the change set and wait for it; None (and the change set deleted) when nothing would change."""
    created = cfn.create_change_set(**request.arguments())
    try:
        pages = wait_for_change_set(cfn, created["Id"], sleep)
    except BaseException:  # Ctrl-C or a timeout while waiting: leave no change set behind
        cfn.delete_change_set(ChangeSetName=created["Id"])
        raise
    first = pages[0]
    if first["Status"] == "FAILED":
        cfn.delete_change_set(ChangeSetName=created["Id"])
        reason = first.get("StatusReason", "")
        if any(words in reason for words in NO_CHANGE_REASONS):
            return None
        raise DeployError(f"change set {request.name} failed (deleted): {reason}")
    return ChangeSet(created["Id"], request.name, created["StackId"], parse_changes(pages))


def wait_for_change_set(cfn: Any, change_set_id: str, sleep: Sleep, timeout: float = 600) -> list[dict[str, Any]]:
    """Poll until the change set is created or failed; every page of its description."""
    delay, waited = 0.2, 0.0
    while True:
        page = cfn.describe_change_set(ChangeSetName=change_set_id, IncludePropertyValues=True)
        if page["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return [page, *_more_pages(cfn, change_set_id, page.get("NextToken"))]
        if waited >= timeout:
            raise DeployError(f"change set {change_set_id} still {page['Status']} after {timeout:.0f} s")
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)


def _more_pages(cfn: Any, change_set_id: str, token: str | None) -> Iterable[dict[str, Any]]:
    while token:
        page = cfn.describe_change_set(ChangeSetName=change_set_id, NextToken=token, IncludePropertyValues=True)
        yield page
        token = page.get("NextToken")


def parse_changes(pages: Iterable[Mapping[str, Any]]) -> tuple[ResourceChange, ...]:
    """The resource changes of DescribeChangeSet pages, in CloudFormation's order."""
    return tuple(
        ResourceChange(
            action=rc.get("Action", ""),
            logical_id=rc.get("LogicalResourceId", ""),
            resource_type=rc.get("ResourceType", ""),
            replacement=rc.get("Replacement", ""),
            policy_action=rc.get("PolicyAction", ""),
            details=tuple(_detail(detail) for detail in rc.get("Details", [])),
        )
        for page in pages
        for change in page.get("Changes", [])
        if change.get("Type") == "Resource"
        for rc in [change["ResourceChange"]]
    )


def _detail(detail: Mapping[str, Any]) -> ChangeDetail:
    target = detail.get("Target", {})
    return ChangeDetail(
        attribute=target.get("Attribute", ""),
        name=target.get("Name", ""),
        path=target.get("Path", ""),
        before=target.get("BeforeValue"),
        after=target.get("AfterValue"),
        change_type=target.get("AttributeChangeType", ""),
        requires_recreation=target.get("RequiresRecreation", ""),
        change_source=detail.get("ChangeSource", ""),
        causing_entity=detail.get("CausingEntity", ""),
        evaluation=detail.get("Evaluation", ""),
    )


def with_predicted_replacements(
    cfn: Any, change_set: ChangeSet, template: str, region: str, parameters: Mapping[str, str] | None = None
) -> ChangeSet:
    """The change set with the prediction on each stateful resource that CloudFormation did not call replaced:
    the schema's, for a stateful Modify; a chained one, for a stateful resource whose create-only property
    references a replaced resource (a row of its own when the change set does not list it). The guard then
    refuses on the union. The deployed template (and, when `parameters` are given, the deployed parameter
    values) is read only when a prediction could find such a replacement."""
    from tapgen.cfn.parameters import changed_parameter_values
    from tapgen.cfn.replacement import predict_resource_replacement
    from tapgen.cfn.replacement_chain import chained_replacements

    proposed = json.loads(template)
    after = _resources(proposed)
    reported = {c.logical_id for c in change_set.changes if c.replaced}
    modified = {c.logical_id for c in change_set.changes if c.action == "Modify"}
    if not _prediction_could_matter(change_set.changes, after, modified, region):
        return change_set
    deployed = deployed_template(cfn, change_set.stack_id)
    values = {}
    if parameters is not None:
        stack = cfn.describe_stacks(StackName=change_set.stack_id)["Stacks"][0]
        values = changed_parameter_values(deployed, proposed, stack_parameters(stack), parameters)
    before = _resources(deployed)
    predicted = {
        logical_id: predict_resource_replacement(before[logical_id], after[logical_id], region, values)
        for logical_id in sorted(modified - reported)
        if logical_id in before and logical_id in after
    }
    replaced = reported | {logical_id for logical_id, paths in predicted.items() if paths}
    chains = chained_replacements(after, replaced, set(before) & set(after), region)
    return replace(change_set, changes=_predicted_changes(change_set.changes, after, predicted, chains))


def _prediction_could_matter(
    changes: Sequence[ResourceChange], after: Mapping[str, Any], modified: set[str], region: str
) -> bool:
    """Whether a stateful resource not reported replaced is modified, or would be replaced in a chain if every
    modified resource were: only then is there something to predict."""
    from tapgen.cfn.replacement_chain import chained_replacements

    if any(c.action == "Modify" and c.resource_type in STATEFUL_TYPES and not c.replaced for c in changes):
        return True
    stateful = {logical_id for logical_id, resource in after.items() if _type(resource) in STATEFUL_TYPES}
    at_risk = stateful - {c.logical_id for c in changes if c.replaced}
    return bool(at_risk and modified and at_risk & set(chained_replacements(after, modified, set(after), region)))


def _predicted_changes(
    changes: Sequence[ResourceChange],
    after: Mapping[str, Any],
    predicted: Mapping[str, tuple[str, ...]],
    chains: Mapping[str, tuple[ChainLink, ...]],
) -> tuple[ResourceChange, ...]:
    """The stateful rows with their prediction, then a row for each chained stateful replacement not listed."""
    from tapgen.cfn.replacement_chain import replaced_paths

    def predicted_row(change: ResourceChange) -> ResourceChange:
        if change.resource_type not in STATEFUL_TYPES or change.logical_id not in predicted:
            return change
        if predicted[change.logical_id] or change.logical_id not in chains:
            return replace(change, predicted=predicted[change.logical_id])
        links = chains[change.logical_id]
        return replace(change, predicted=replaced_paths(links), chained=links)

    listed = {c.logical_id for c in changes}
    unlisted = tuple(
        ResourceChange(
            "Modify", logical_id, _type(after[logical_id]), predicted=replaced_paths(links), chained=links, listed=False
        )
        for logical_id, links in sorted(chains.items())
        if logical_id not in listed and _type(after[logical_id]) in STATEFUL_TYPES
    )
    return (*(predicted_row(change) for change in changes), *unlisted)


def _type(resource: Any) -> str:
    return str(as_dict(resource).get("Type", ""))


def _resources(template: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    resources = template.get("Resources", {})
    return resources if isinstance(resources, Mapping) else {}


def data_loss(changes: Iterable[ResourceChange]) -> list[ResourceChange]:
    """The changes the replacement guard refuses."""
    return [change for change in changes if change.destroys_data]


def change_table(changes: Sequence[ResourceChange]) -> str:
    """A plain-text table: action, logical id, type, policy action, replacement (stateful losses marked), and
    under each change what it changes, property by property."""
    rows = [("ACTION", "LOGICAL ID", "TYPE", "POLICY", "REPLACEMENT")]
    rows += [(c.action, c.logical_id, c.resource_type, c.policy_action or "-", _replacement_cell(c)) for c in changes]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]]
        lines.append("  ".join(cells).rstrip())
        if index:
            lines += [f"    {detail.line()}" for detail in changes[index - 1].details]
    return "\n".join(lines)


def _replacement_cell(change: ResourceChange) -> str:
    cell = change.replacement or "-"
    if change.predicted and change.replacement not in ("True", "Conditional"):
        causes = [link.reason for link in change.chained] or [", ".join(change.predicted)]
        cell += f" (schema predicts replacement: {'; '.join(causes)})"
    if not change.listed:
        cell += " (not listed by the change set)"
    return cell + ("  <- data" if change.destroys_data else "")
