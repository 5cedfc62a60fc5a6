"""One engine connection per command, with engine failures turned into one clear line."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
import dagger

from pipeline.config import Config
from pipeline.errors import BuildFailed, PipelineError, Unreachable, leaf_errors
from pipeline.refs import ImageRef
from pipeline.registry import Credentials

T = TypeVar("T")


def run_with_engine(fn: Callable[[], Awaitable[T]]) -> T:
    """Run `fn` inside one Dagger session (reusing `dagger run`'s session when there is one)."""

    async def main() -> T:
        try:
            async with dagger.connection(dagger.Config(log_output=sys.stderr)):
                return await fn()
        except (dagger.ProvisionError, dagger.ClientConnectionError) as exc:
            raise Unreachable(f"cannot reach the Dagger engine: {_first_line(exc)}") from None
        except BaseExceptionGroup as group:
            leaves = leaf_errors(group)
            raise next((e for e in leaves if isinstance(e, PipelineError)), _as_failure(leaves[0])) from None
        except (dagger.ExecError, dagger.QueryError) as exc:
            raise _as_failure(exc) from None

    return anyio.run(main)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _as_failure(exc: BaseException) -> BaseException:
    """An engine-side error that escaped the steps' own handling, as one clear failure."""
    if isinstance(exc, dagger.ExecError):
        return BuildFailed(f"`{' '.join(exc.command)}` exited {exc.exit_code}\n{exc.stderr or exc.stdout}".rstrip())
    if isinstance(exc, dagger.QueryError):
        return BuildFailed(f"engine: {exc}")
    return exc


def registry_credentials(config: Config) -> dict[str, Credentials]:
    """REGISTRY_USER / REGISTRY_PASSWORD, offered only to the hosts our images live on."""
    user, password = os.environ.get("REGISTRY_USER"), os.environ.get("REGISTRY_PASSWORD")
    if not user or not password:
        return {}
    repos = [config.ar_reqs_repo, config.ci_reqs_repo] + [a.ar_repo for a in config.apps] + [
        a.dockerhub_repo for a in config.apps]
    hosts = {ImageRef.parse(f"{r}:x").host for r in repos}
    return {host: Credentials(user, password) for host in hosts}
