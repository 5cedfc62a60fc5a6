"""`python -m pipeline test` against the lab: real suites, real services, reports on the host."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git
from tests.engine.registry_client import clone_sample, lab_env, run_pipeline, unique_prefix

pytestmark = pytest.mark.engine


def run_tests(repo: Path, *args: str, timeout: int = 1800) -> tuple[int, dict[str, Any], str]:
    out = run_pipeline("test", "--json", *args, env=lab_env(unique_prefix("tests")), source=repo,
                       timeout=timeout)
    return out.returncode, json.loads(out.stdout) if out.stdout.strip() else {}, out.stderr


def test_sample_suites_pass_and_integration_used_postgres_and_redis(tmp_path: Path) -> None:
    repo = clone_sample(tmp_path / "repo")
    code, data, stderr = run_tests(repo)
    assert code == 0, stderr[-3000:]
    suites = {(s["app"], s["suite"]): s for s in data["suites"]}
    assert set(suites) == {("api", "unit"), ("worker", "unit"), ("worker", "integration"),
                           ("shared", "unit"), ("shared", "integration")}
    for (app, suite), result in suites.items():
        assert result["ok"] and result["passed"] > 0 and result["failed"] == 0, (app, suite)
        assert Path(result["junit"]).is_file() and Path(result["coverage"]).is_file()
    worker_junit = (repo / "apps/worker/integration.junit.xml").read_text()
    assert 'name="test_job_roundtrip_through_redis_and_postgres"' in worker_junit
    assert "<failure" not in worker_junit and "<error" not in worker_junit
    assert (repo / "libs/shared/unit.coverage.xml").read_text().startswith("<?xml")


def test_failing_test_gives_non_zero_exit_and_its_report(tmp_path: Path) -> None:
    repo = clone_sample(tmp_path / "repo")
    victim = next((repo / "apps/codecov-api/tests").rglob("test_*.py"))
    victim.write_text(victim.read_text() + "\n\ndef test_deliberately_broken():\n    assert 1 + 1 == 3\n")
    git(repo, "commit", "-qam", "break one assertion")
    code, data, _ = run_tests(repo, "api")
    assert code == 1
    (unit,) = data["suites"]
    assert unit["failed"] == 1 and not unit["ok"]
    junit = (repo / "apps/codecov-api/unit.junit.xml").read_text()
    assert 'name="test_deliberately_broken"' in junit and "<failure" in junit


def test_service_that_never_becomes_ready_fails_within_bounded_time(tmp_path: Path) -> None:
    repo = clone_sample(tmp_path / "repo")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.pipeline.services]\n",
        '[tool.pipeline.services]\nredis = { command = ["sleep", "3600"] }\n'))
    warm = run_pipeline("build", "worker.test-app", env=lab_env(unique_prefix("warm")), source=repo)
    assert warm.returncode == 0, warm.stderr[-2000:]  # so the timing below is the services' alone
    started = time.monotonic()
    code, data, stderr = run_tests(repo, "worker", "--service-timeout", "20")
    elapsed = time.monotonic() - started
    assert code == 1 and "Traceback" not in stderr
    (failure,) = data["failures"]
    assert failure.startswith("worker: service 'redis' (redis:6) did not open port 6379 within 20 s"), failure
    assert elapsed < 120, elapsed
    assert data["suites"] == []  # nothing ran against a missing service
