"""tapgen's one error model: every expected failure is a TapgenError carrying the exit code it ends with.

Exit codes: 0 success, 1 a check found problems or AWS refused or failed (EXIT_FINDINGS), 2 bad usage or
configuration (EXIT_USAGE). The CLI prints the message as one `error:` line and exits with the code.
"""

from __future__ import annotations

from typing import NoReturn

EXIT_FINDINGS = 1
EXIT_USAGE = 2


class TapgenError(Exception):
    """An error to report in one clear line; `exit_code` says whether it is a finding or a usage error."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class DeployError(TapgenError):
    """A failure on the AWS side of a command (refused, failed, or a stack in the wrong state): exit 1 unless said."""

    def __init__(self, message: str, exit_code: int = EXIT_FINDINGS) -> None:
        super().__init__(message, exit_code)


def fail(message: str, exit_code: int = EXIT_USAGE) -> NoReturn:
    raise TapgenError(message, exit_code)
