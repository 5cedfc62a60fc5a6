"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class PipelineError(Exception):
    """A problem the user can fix; the message names the thing to fix."""

    exit_code = 2


class BuildFailed(PipelineError):
    """A build or test step failed inside the engine."""

    exit_code = 1


class Unreachable(PipelineError):
    """The engine or a registry could not be reached or refused us."""

    exit_code = 3


def leaf_errors(exc: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups, in order."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in leaf_errors(inner)]
    return [exc]
