"""The lab's real engine, registry and stand-ins (issue: a real Dagger engine offline).

Run after `tools/lab up` with `eval "$(tools/lab env)"`; these fail, never skip, without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import anyio
import dagger
import httpx
import pytest
from dagger import dag

from tests.conftest import ROOT

pytestmark = pytest.mark.engine

T = TypeVar("T")
PYTHON_BASE = "ghcr.io/astral-sh/uv:python3.13-bookworm-slim"  # resolved by the lab's mirror
REGISTRY = "localhost:5000"
MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])


def pinned_version() -> str:
    for line in (ROOT / "pipeline/requirements.txt").read_text().splitlines():
        if line.startswith("dagger-io=="):
            return line.split("==", 1)[1].strip()
    raise AssertionError("no dagger-io pin")


def with_engine(fn: Callable[[], Awaitable[T]]) -> T:
    assert os.environ.get("_EXPERIMENTAL_DAGGER_CLI_BIN"), 'run eval "$(tools/lab env)" first'

    async def main() -> T:
        async with dagger.connection(dagger.Config(log_output=sys.stderr)):
            return await fn()

    return anyio.run(main)


def test_container_runs_and_output_is_read_back() -> None:
    token = uuid.uuid4().hex

    async def run() -> str:
        return await dag.container().from_(PYTHON_BASE).with_exec(
            ["python", "-c", f"print('{token}'[::-1])"]).stdout()

    assert with_engine(run).strip() == token[::-1]


def test_docker_build_two_stage_from_the_standin_base(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "ARG PYTHON_IMAGE\n"
        "FROM ${PYTHON_IMAGE} AS build\n"
        "RUN echo built-in-stage-one > /artifact && cc --version >/dev/null 2>&1 || echo no-cc > /cc\n"
        "FROM ${PYTHON_IMAGE}\n"
        "COPY --from=build /artifact /artifact\n"
        "ENV FROM_STAGE_TWO=yes\n"
    )

    async def run() -> tuple[str, str | None]:
        built = dag.host().directory(str(tmp_path)).docker_build(
            build_args=[dagger.BuildArg("PYTHON_IMAGE", PYTHON_BASE)])
        return await built.file("/artifact").contents(), await built.env_variable("FROM_STAGE_TWO")

    assert with_engine(run) == ("built-in-stage-one\n", "yes")


def test_publish_to_lab_registry_and_read_manifest_over_http() -> None:
    tag = f"lab-test-{uuid.uuid4().hex[:12]}"
    ref = f"{REGISTRY}/lab-tests/published:{tag}"

    async def run() -> str:
        return await dag.container().from_(PYTHON_BASE).with_new_file(
            "/marker", tag).publish(ref)

    published = with_engine(run)
    assert published.startswith(ref + "@sha256:")
    response = httpx.get(
        f"http://127.0.0.1:5000/v2/lab-tests/published/manifests/{tag}",
        headers={"Accept": MANIFEST_TYPES},
    )
    assert response.status_code == 200
    assert response.headers["Docker-Content-Digest"] == published.split("@", 1)[1]


def test_postgres_standin_as_a_service_answers_a_query() -> None:
    async def run() -> str:
        db = (dag.container().from_("postgres:14")
              .with_env_variable("POSTGRES_HOST_AUTH_METHOD", "trust")
              .with_exposed_port(5432).as_service(use_entrypoint=True))
        return await (dag.container().from_("postgres:14")
                      .with_service_binding("db", db)
                      .with_exec(["sh", "-c", "for i in $(seq 60); do pg_isready -qh db && break; sleep 1; done;"
                                  " psql -h db -U postgres -tAc 'select 6 * 7'"])
                      .stdout())

    assert with_engine(run).strip() == "42"


def test_pip_download_from_pypi_inside_a_container() -> None:
    async def run() -> str:
        return await dag.container().from_(PYTHON_BASE).with_exec(
            ["sh", "-c", "pip download -q --no-deps -d /tmp/dl six==1.16.0 && ls /tmp/dl"]).stdout()

    assert with_engine(run).strip() == "six-1.16.0-py2.py3-none-any.whl"


def test_dagger_cli_reports_the_pinned_version_and_dagger_run_works() -> None:
    version = subprocess.run(["dagger", "version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith(f"dagger v{pinned_version()} ")
    token = uuid.uuid4().hex
    script = (
        "import anyio, dagger\n"
        "from dagger import dag\n"
        "async def main():\n"
        "    async with dagger.connection():\n"
        f"        print(await dag.container().from_('{PYTHON_BASE}').with_exec(['echo', '{token}']).stdout())\n"
        "anyio.run(main)\n"
    )
    out = subprocess.run(["dagger", "run", sys.executable, "-c", script],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert token in out.stdout
