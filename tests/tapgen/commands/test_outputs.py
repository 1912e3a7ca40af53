"""`tapgen outputs`: flat JSON on stdout and in the file; errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from tapgen.cli import main
from tapgen.local.emulator import announced, running, state_file

TEMPLATE = {
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}},
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}, "Name": {"Value": "tap"}},
}


def test_prints_and_writes_flat_outputs(fresh_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "flat.json"
    with mock_aws():
        boto3.client("cloudformation", region_name="us-east-1").create_stack(
            StackName="tap-dev", TemplateBody=json.dumps(TEMPLATE)
        )
        result = CliRunner().invoke(
            main, ["outputs", "--env", "dev", "--outputs-file", str(target), "--config", str(fresh_project)]
        )
    assert result.exit_code == 0, result.output
    outputs = json.loads(result.stdout)
    assert outputs["Name"] == "tap" and outputs["QueueUrl"].endswith("/q")
    assert json.loads(target.read_text()) == outputs


def test_missing_stack_is_an_error(fresh_project: Path) -> None:
    with mock_aws():
        result = CliRunner().invoke(main, ["outputs", "--env", "dev", "--config", str(fresh_project)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: stack tap-dev does not exist"


def test_local_without_a_running_emulator_says_how_to_start_one(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["outputs", "--env", "dev", "--local", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "tapgen deploy --env dev --local --keep" in result.stderr


def test_local_reaches_only_the_emulator_of_its_own_environment(fresh_project: Path) -> None:
    """An emulator kept serving for staging never answers `outputs --env dev --local`."""
    with running("us-east-1") as staging, announced(state_file(fresh_project, "staging"), staging):
        result = CliRunner().invoke(main, ["outputs", "--env", "dev", "--local", "--config", str(fresh_project)])
    assert result.exit_code == 2, result.output
    assert "no local emulator is running for environment dev (records exist for: staging)" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("AWS_PROFILE", "nonexistent", "profile (nonexistent) could not be found"),
        ("AWS_CONFIG_FILE", "{broken}", "Unable to parse config file"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "bogus", "STS regional endpoints option bogus is invalid"),
        ("AWS_DEFAULTS_MODE", "bogus", "bogus"),
    ],
)
def test_broken_aws_settings_are_a_configuration_error_in_one_line(
    fresh_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, words: str
) -> None:
    broken = tmp_path / "aws-config"
    broken.write_text("[profile x\nnot ini at all")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv(variable, value.replace("{broken}", str(broken)))
    args = ["outputs", "--env", "dev", "--endpoint-url", "http://127.0.0.1:9", "--config", str(fresh_project)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert result.stderr.startswith("error: AWS configuration: ")


def test_an_endpoint_that_answers_garbage_is_one_line(fresh_project: Path) -> None:
    """Something that is not AWS at --endpoint-url (or an emulator failing with a 500 page)."""
    import http.server
    import threading

    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not an AWS answer</html>")

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        args = ["outputs", "--env", "dev", "--endpoint-url", endpoint, "--config", str(fresh_project)]
        result = CliRunner(env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}).invoke(main, args)
    finally:
        server.shutdown()
    assert result.exit_code == 1, result.output
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_an_outputs_file_that_cannot_be_written_still_prints_them(fresh_project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with mock_aws():
        boto3.client("cloudformation", region_name="us-east-1").create_stack(
            StackName="tap-dev", TemplateBody=json.dumps(TEMPLATE)
        )
        result = CliRunner().invoke(
            main,
            ["outputs", "--env", "dev", "--outputs-file", str(blocker / "o.json"), "--config", str(fresh_project)],
        )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["Name"] == "tap"
    assert result.stderr == (
        f"error: cannot write the outputs: {blocker}: exists but is not a directory, where one is needed: "
        "move it aside\n"
    )
