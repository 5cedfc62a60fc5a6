"""CI context, path filters, the pytest invocation and JUnit summaries (no engine)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline import ready
from pipeline.changes import changed_apps, changed_files, detect_context
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.reports import SuiteResult, pytest_command, read_junit, suites_of
from tests.conftest import git

MakeRepo = Callable[..., Path]


def test_context_from_github_variables() -> None:
    pr = detect_context({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main",
                         "GITHUB_REF": "refs/pull/7/merge"})
    assert (pr.mode, pr.since, pr.publishes_apps) == ("pull_request", "origin/main", False)
    main = detect_context({"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"})
    assert main.mode == "main" and main.promotion_stages() == ("production", "rolling") and main.moves_latest()
    assert main.published_kinds() == ("app", "test-app", "self-hosted", "self-hosted-runtime")
    staging = detect_context({}, event="push", branch="staging")
    assert staging.promotion_stages() == ("staging",) and not staging.moves_latest()
    assert pr.published_kinds() == ()
    other = detect_context({"GITHUB_REF": "refs/heads/feature"})
    assert other.mode == "branch" and not other.publishes_apps
    with pytest.raises(PipelineError, match="--event 'tag'"):
        detect_context({}, event="tag")


def test_flags_override_the_environment() -> None:
    ctx = detect_context({"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"},
                         event="pull_request", since="abc")
    assert (ctx.mode, ctx.since) == ("pull_request", "abc")


def test_changed_apps_follow_paths(tmp_path: Path) -> None:
    config = load_config(tmp_path, env={})

    def names(files: list[str] | None) -> list[str]:
        return [a.name for a in changed_apps(config, files)]

    assert names(["apps/worker/worker/main.py"]) == ["worker"]
    assert names(["apps/codecov-api/api.sh", "README.md"]) == ["api"]
    assert names(["README.md"]) == []
    assert names(["libs/shared/shared/db.py"]) == ["api", "worker", "shared"]
    assert names(["uv.lock"]) == ["api", "worker", "shared"]
    assert names(["docker/Dockerfile"]) == ["api", "worker", "shared"]
    assert names(None) == ["api", "worker", "shared"]
    assert names(["apps/workers/x.py"]) == []


def test_changed_files_since_a_ref(monorepo: MakeRepo) -> None:
    repo = monorepo()
    (repo / "apps/worker").mkdir(parents=True)
    (repo / "apps/worker/new.py").write_text("x")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "w")
    assert changed_files(repo, "HEAD~1") == ["apps/worker/new.py"]
    with pytest.raises(PipelineError, match="--since 'nope'"):
        changed_files(repo, "nope")


def test_pytest_command_is_the_makefiles(tmp_path: Path) -> None:
    config = load_config(tmp_path, env={})
    shared = config.app("shared")
    assert pytest_command(shared, "integration", "-x -k 'a b'") == [
        "pytest", "--cov=./shared", "-m", "integration", "--cov-report=xml:integration.coverage.xml",
        "--junitxml=integration.junit.xml", "-o", "junit_family=legacy", "-c", "pytest.ini",
        "--rootdir=/app", "-x", "-k", "a b"]
    assert suites_of(config.app("api")) == ("unit",)
    assert suites_of(config.app("worker")) == ("unit", "integration")


def test_read_junit_counts_and_broken_files(tmp_path: Path) -> None:
    path = tmp_path / "unit.junit.xml"
    path.write_text(
        '<?xml version="1.0"?><testsuites><testsuite name="pytest" errors="1" failures="2" skipped="1" '
        'tests="10" time="3.5"><testcase classname="t.m" name="test_a"/></testsuite></testsuites>')
    result = read_junit(path, SuiteResult("api", "unit", 1))
    assert (result.tests, result.failed, result.errors, result.skipped, result.passed) == (10, 2, 1, 1, 6)
    assert result.cases == ("t.m.test_a",) and not result.ok
    path.write_text("<testsuites><testsuite")
    broken = read_junit(path, SuiteResult("api", "unit", 0))
    assert broken.errors == 1 and not broken.ok
    assert not SuiteResult("api", "unit", 0).ok  # no report at all is not a pass


@pytest.fixture
def fake_redis() -> Iterator[int]:
    """A loopback server that answers PING like Redis, once."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(64)
            conn.sendall(b"+PONG\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    server.close()


def test_ready_probe_redis_and_timeout(fake_redis: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert ready.main(["5", f"127.0.0.1:redis:{fake_redis}"]) == 0
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert ready.main(["1", f"127.0.0.1:postgres:{port}"]) == 1
    assert "service '127.0.0.1' not ready after 1 s" in capsys.readouterr().out
