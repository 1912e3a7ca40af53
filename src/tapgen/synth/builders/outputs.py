"""Stack outputs, each exported as `${AWS::StackName}-<Name>` for other stacks and pipelines."""

from __future__ import annotations

from collections.abc import Mapping

from troposphere import AWSHelperFn, Export, Output, Sub


def exported_outputs(values: Mapping[str, tuple[str, AWSHelperFn]]) -> list[Output]:
    """`values` maps output name to (description, value)."""
    return [
        Output(name, Description=description, Value=value, Export=Export(Sub(f"${{AWS::StackName}}-{name}")))
        for name, (description, value) in sorted(values.items())
    ]
