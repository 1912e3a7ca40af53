"""`regions`: a list of real regions, each once, of one partition; `region` is a list of one; either replaces the
other when inherited; the name limits are measured with the longest region of the list."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tapgen.settings import load_all, load_settings
from tapgen.settings.checks import partition_name
from tapgen.settings.limits import KNOWN_REGIONS
from tapgen.settings.names import longest_names
from tests.tapgen.settings.helpers import BASE, dev_problems, problems_for, write_config


def test_region_alone_is_a_list_of_one(tmp_path: Path) -> None:
    settings = load_settings("dev", write_config(tmp_path, BASE))
    assert settings.region == "us-east-1" and settings.regions == ("us-east-1",)


def test_regions_replace_an_inherited_region(tmp_path: Path) -> None:
    text = BASE.replace("[env.dev]\n", '[env.dev]\nregions = ["eu-west-1", "us-east-1", "ap-southeast-2"]\n')
    settings = load_settings("dev", write_config(tmp_path, text))
    assert settings.regions == ("eu-west-1", "us-east-1", "ap-southeast-2")
    assert settings.region == "eu-west-1"  # the first region: the canary, and single-region code's region


def test_region_replaces_inherited_regions(tmp_path: Path) -> None:
    text = BASE.replace('region = "us-east-1"', 'regions = ["us-east-1", "us-west-2"]', 1)
    text = text.replace("[env.dev]\n", '[env.dev]\nregion = "eu-west-1"\n')
    settings = load_settings("dev", write_config(tmp_path, text))
    assert settings.regions == ("eu-west-1",) and settings.region == "eu-west-1"


def test_every_environment_of_the_project_has_its_regions() -> None:
    assert all(settings.regions == (settings.region,) for settings in load_all())


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ['regions = ["us-east-1", "eu-westt-1"]'],
            '[env.dev] regions = ["us-east-1", "eu-westt-1"]: must be a list of AWS regions such as '
            '["us-east-1", "eu-west-1"] ("eu-westt-1" is not one)',
            id="unknown",
        ),
        pytest.param(
            ['regions = ["us-east-1", "eu-west-1", "us-east-1"]'],
            '[env.dev] regions = ["us-east-1", "eu-west-1", "us-east-1"]: must be a list of distinct regions '
            "(us-east-1 appears more than once)",
            id="duplicate",
        ),
        pytest.param(
            ['regions = ["us-east-1", "cn-north-1"]'],
            '[env.dev] regions = ["us-east-1", "cn-north-1"]: must be regions of one partition, as one account\'s '
            "are (us-east-1 is in aws, cn-north-1 is in aws-cn)",
            id="mixed-partitions",
        ),
        pytest.param(["regions = []"], "[env.dev] regions = []: must be a list of 1 to 20 regions", id="empty"),
        pytest.param(['regions = "us-east-1"'], '[env.dev] regions = "us-east-1": must be of type array', id="string"),
        pytest.param(["regions = [1]"], "[env.dev] regions = 1: must be of type string", id="not-strings"),
        pytest.param(
            ['region = "us-east-1"', 'regions = ["us-east-1", "eu-west-1"]'],
            '[env.dev] sets both region and regions: set one (region = "us-east-1" means regions = ["us-east-1"])',
            id="both-in-one-table",
        ),
    ],
)
def test_bad_regions(tmp_path: Path, lines: list[str], expected: str) -> None:
    problems = dev_problems(tmp_path, *lines)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_both_in_defaults_is_told_against_defaults(tmp_path: Path) -> None:
    text = BASE.replace('region = "us-east-1"', 'region = "us-east-1"\nregions = ["us-east-1"]', 1)
    problems = problems_for(tmp_path, text)
    assert problems == [
        '[defaults] sets both region and regions: set one (region = "us-east-1" means regions = ["us-east-1"])'
    ]


def test_neither_is_missing(tmp_path: Path) -> None:
    text = BASE.replace('region = "us-east-1"\n', "", 1)
    assert problems_for(tmp_path, text) == ["[env.dev] missing key region (or regions, a list)"]


def test_names_are_measured_with_the_longest_region() -> None:
    """The longest region of the list, wherever it stands, makes the longest names."""
    names = longest_names("tapgen", ("us-east-1", "ap-southeast-4", "eu-west-1"), ("api",))
    assert ("uploads bucket", "tapgen-xxxxxxxxxxxxxxxxxxxx-uploads-000000000000-ap-southeast-4", 63) in names
    assert all(name.endswith("ap-southeast-4") for _, name, _ in names)


def test_longest_region_is_within_the_limits(tmp_path: Path) -> None:
    """ap-southeast-4 beside us-east-1 gives a 63-character uploads bucket for a 6-letter project: AWS's limit."""
    assert dev_problems(tmp_path, 'project = "tapgen"', 'regions = ["us-east-1", "ap-southeast-4"]') == []


def test_known_regions_are_botocores() -> None:
    """The copied list stays true to botocore's endpoint data, partition by partition."""
    session = boto3.session.Session()
    for partition, regions in KNOWN_REGIONS.items():
        assert set(regions) <= set(session.get_available_regions("cloudformation", partition_name=partition))
        assert all(partition_name(region) == partition for region in regions)


def test_a_rollout_goes_one_region_at_a_time_unless_told_otherwise(tmp_path: Path) -> None:
    text = BASE.replace("[env.dev]\n", '[env.dev]\nregions = ["us-east-1", "eu-west-1", "ap-south-1"]\n', 1)
    assert load_settings("dev", write_config(tmp_path, text)).parallel_regions == 1
    faster = text.replace("[env.dev]\n", "[env.dev]\nmax_parallel_regions = 2\n", 1)
    assert load_settings("dev", write_config(tmp_path, faster)).parallel_regions == 2


def test_an_overlong_unknown_region_is_quoted_short(tmp_path: Path) -> None:
    text = BASE.replace("[env.dev]\n", '[env.dev]\nregions = ["' + "a" * 500 + '"]\n', 1)
    (problem,) = problems_for(tmp_path, text)
    assert "(500 characters)" in problem
    assert len(problem) < 300
