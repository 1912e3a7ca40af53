"""Transforms a template declares, applied before tapgen's rules: Fn::ForEach (cfn-lint's own expansion) and
SAM (AWS's aws-sam-translator, the optional extra tapgen[sam]), so the resources CloudFormation creates are checked.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from tapgen.cfn.shapes import as_dict
from tapgen.lint.findings import Finding

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
SAM = "AWS::Serverless-2016-10-31"
NOT_EXPANDED = "TAP900"
SAM_INSTALL_FIX = "Install the SAM extra (pip install 'tapgen[sam]'), which brings aws-sam-translator."
# SAM properties naming local code or documents that `sam package` would upload; the translator wants S3.
LOCAL_ARTIFACTS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}
PLACEHOLDER_BUCKET = "bucket-of-sam-package"
PLACEHOLDER_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/image-of-sam-build:latest"


def _uploaded(local_path: str) -> str:
    """Where `sam package` would have uploaded a local path."""
    return f"s3://{PLACEHOLDER_BUCKET}/{local_path}"


def _as_nested_stack(application: dict[str, Any]) -> dict[str, Any]:
    """An AWS::Serverless::Application as the nested stack SAM makes of it, without asking the Serverless
    Application Repository (the translator would call it over the network) for the template's URL."""
    properties = as_dict(application.get("Properties"))
    location = properties.get("Location")
    url = location if isinstance(location, str) and location.startswith("https://") else None
    kept = ("Parameters", "NotificationARNs", "TimeoutInMinutes")
    stack: dict[str, Any] = {key: properties[key] for key in kept if key in properties}
    stack["TemplateURL"] = url or f"https://{PLACEHOLDER_BUCKET}.s3.amazonaws.com/serverless-application.yaml"
    tags = properties.get("Tags")
    if isinstance(tags, dict):
        stack["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    return {**application, "Type": "AWS::CloudFormation::Stack", "Properties": stack}


@dataclass(frozen=True)
class Expansion:
    """The template as CloudFormation would create it, what could not be expanded, and each generated resource's
    source resource (for its line number and waivers)."""

    template: dict[str, Any]
    findings: tuple[Finding, ...] = ()
    origins: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def transforms(template: dict[str, Any]) -> list[str]:
    declared = template.get("Transform")
    return [t for t in (declared if isinstance(declared, list) else [declared]) if isinstance(t, str)]


def _not_expanded(transform: str, why: str, fix: str) -> Finding:
    return Finding(
        NOT_EXPANDED, "", f"the {transform} transform was not applied ({why}); its resources were not checked", fix
    )


def expand_for_each(template: dict[str, Any], region: str) -> Expansion:
    """Fn::ForEach loops replaced by the resources they stand for, with cfn-lint's implementation."""
    from cfnlint.template import Template
    from cfnlint.template.transforms._language_extensions import language_extension

    cfn = Template("", copy.deepcopy(template), [region])
    try:
        matches, expanded = language_extension(cfn)
    except Exception as error:  # a loop cfn-lint cannot expand must still be reported, not crash the run
        return Expansion(template, (_not_expanded(LANGUAGE_EXTENSIONS, repr(error), "Fix the Fn::ForEach loops."),))
    if matches:
        why = "; ".join(str(m.message) for m in matches[:3])
        return Expansion(template, (_not_expanded(LANGUAGE_EXTENSIONS, why, "Fix the Fn::ForEach loops."),))
    return Expansion(expanded)


def _fill_placeholders(resource_type: str, properties: dict[str, Any], parameters: dict[str, Any]) -> None:
    prop = LOCAL_ARTIFACTS.get(resource_type, "")
    local = properties.get(prop)
    if isinstance(local, str) and not local.startswith(("s3://", "https://")):
        properties[prop] = _uploaded(local)
    elif isinstance(local, dict) and "Bucket" not in local:  # e.g. !Sub "s3://...": where the code is matters not
        properties[prop] = _uploaded("code.zip")
    if "ImageUri" in properties and "PackageType" not in properties:
        properties["PackageType"] = "Image"  # what cfn-lint and CloudFormation infer from an image
    if properties.get("PackageType") == "Image" and "ImageUri" not in properties:
        properties["ImageUri"] = PLACEHOLDER_IMAGE
    alias = as_dict(properties.get("AutoPublishAlias")).get("Ref")
    if alias in parameters:  # the translator resolves this Ref for functions, not for state machines
        properties["AutoPublishAlias"] = parameters[alias]


def _code_of_its_folder(properties: dict[str, Any], function_globals: dict[str, Any]) -> None:
    """A function naming no code gets its folder's, as `sam build` does (CodeUri defaults to ".")."""
    named = {"CodeUri", "InlineCode", "ImageUri"} & (set(properties) | set(function_globals))
    if not named and properties.get("PackageType") != "Image":
        properties["CodeUri"] = _uploaded(".")


def _with_placeholder_artifacts(template: dict[str, Any]) -> dict[str, Any]:
    """A copy whose local code paths name S3 objects and images, as `sam build` and `sam package` leave them
    (in the resources and in Globals, whose sections are named after the SAM type: Function, Api...)."""
    prepared = copy.deepcopy(template)
    parameters = _parameter_values(template)
    resources = as_dict(prepared.get("Resources"))
    for logical_id, resource in resources.items():
        if as_dict(resource).get("Type") == "AWS::Serverless::Application":
            resources[logical_id] = _as_nested_stack(resource)
            continue
        if isinstance(resource, dict) and not isinstance(resource.get("Properties", {}), dict):
            continue  # the translator reports it
        properties = as_dict(resource).setdefault("Properties", {}) if isinstance(resource, dict) else {}
        _fill_placeholders(str(as_dict(resource).get("Type")), properties, parameters)
        if as_dict(resource).get("Type") == "AWS::Serverless::Function":
            _code_of_its_folder(properties, as_dict(as_dict(prepared.get("Globals")).get("Function")))
    for section, properties in as_dict(prepared.get("Globals")).items():
        _fill_placeholders(f"AWS::Serverless::{section}", as_dict(properties), parameters)
    return prepared


class _AnyManagedPolicy(dict[str, str]):
    """Managed policy names resolved to their ARN without asking IAM (the translator would list the account's)."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __missing__(self, name: str) -> str:
        return f"arn:aws:iam::aws:policy/{name}"

    def get(self, name: str, default: Any = None) -> Any:
        return self[name]


def _parameter_values(template: dict[str, Any]) -> dict[str, Any]:
    """A value for each parameter, as a deploy would pass: its default, else its first allowed value, else a
    placeholder (SAM resolves some properties, such as AutoPublishAlias, from parameters)."""
    values: dict[str, Any] = {}
    for name, spec in as_dict(template.get("Parameters")).items():
        allowed = as_dict(spec).get("AllowedValues")
        if "Default" in as_dict(spec):
            values[name] = spec["Default"]
        elif isinstance(allowed, list) and allowed:
            values[name] = allowed[0]
        elif as_dict(spec).get("Type") == "Number":
            values[name] = 1
        else:
            values[name] = str(name)
    return values


def _origins(source: dict[str, Any], expanded: dict[str, Any]) -> dict[str, str]:
    """Generated logical id → the SAM resource it came from (SAM prefixes what it generates with that id)."""
    sources = sorted(source.get("Resources", {}), key=len, reverse=True)
    generated = set(expanded.get("Resources", {})) - set(source.get("Resources", {}))
    return {lid: next((s for s in sources if lid.startswith(s)), "") for lid in generated}


def expand_sam(template: dict[str, Any], region: str) -> Expansion:
    """SAM resources translated by aws-sam-translator; a finding, never a silent pass, when that is impossible."""
    try:
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError:
        return Expansion(template, (_not_expanded(SAM, "aws-sam-translator is not installed", SAM_INSTALL_FIX),))
    import boto3

    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # its metrics and feature-toggle chatter
    policies = _AnyManagedPolicy()
    session = boto3.session.Session(region_name=region)  # names the region only; nothing calls AWS
    try:
        translated = Translator(policies, Parser(), boto_session=session).translate(
            _with_placeholder_artifacts(template),
            parameter_values={**_parameter_values(template), "AWS::Region": region},
            get_managed_policy_map=lambda: policies,
        )
    except Exception as error:  # the translator reports invalid SAM by raising; that is a finding here
        why = " ".join(str(error).split())[:300]
        return Expansion(template, (_not_expanded(SAM, why, "Fix the SAM resources (`sam validate` explains)."),))
    return Expansion(translated, (), _origins(template, translated))


def expand(template: dict[str, Any], region: str) -> Expansion:
    """Every transform tapgen can apply, in the order the template declares them."""
    expansion = Expansion(template)
    for transform in transforms(template):
        step = {LANGUAGE_EXTENSIONS: expand_for_each, SAM: expand_sam}.get(transform)
        if step is None:
            note = f"the {transform} transform (a macro) runs only in CloudFormation: what it adds was not checked"
            expansion = replace(expansion, notes=(*expansion.notes, note))
            continue
        after = step(expansion.template, region)
        expansion = Expansion(
            after.template,
            (*expansion.findings, *after.findings),
            {**expansion.origins, **after.origins},
            expansion.notes,
        )
    return expansion
