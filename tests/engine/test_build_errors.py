"""Failures end with the documented message and exit code, and never move a moving tag."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import httpx
import pytest

from tests.conftest import git
from tests.engine.registry_client import (
    build_json,
    clone_sample,
    digest_of,
    lab_env,
    run_pipeline,
    unique_prefix,
)

pytestmark = pytest.mark.engine

AUTH_ADDR = "127.0.0.1:5001"
USER, PASSWORD = "ci-bot", "s3cret-test-password"


@pytest.fixture(scope="module")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second docker-registry, on loopback, that requires a login (htpasswd)."""
    root = tmp_path_factory.mktemp("auth-registry")
    (root / "htpasswd").write_text(f"{USER}:{bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt()).decode()}\n")
    (root / "config.yml").write_text(
        "version: 0.1\nlog: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}}}\n"
        f"http: {{addr: {AUTH_ADDR}}}\n"
        f"auth: {{htpasswd: {{realm: lab-auth, path: {root / 'htpasswd'}}}}}\n"
    )
    proc = subprocess.Popen(["/usr/bin/docker-registry", "serve", str(root / "config.yml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = None
        for _ in range(100):
            try:
                status = httpx.get(f"http://{AUTH_ADDR}/v2/").status_code
                if status == 401:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert status == 401, f"the login-only registry did not come up on {AUTH_ADDR} (last answer: {status})"
        yield "localhost:5001"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_registry_that_refuses_the_login(auth_registry: str) -> None:
    prefix = f"{auth_registry}/refused"
    env = lab_env(prefix, REGISTRY_USER=USER, REGISTRY_PASSWORD="wrong-password-xyz")
    out = run_pipeline("build", "--publish", "requirements", env=env)
    assert out.returncode == 3, out.stderr[-2000:]
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("error: registry localhost:5001 refused") and USER in last
    assert "wrong-password-xyz" not in out.stderr + out.stdout
    anonymous = run_pipeline("build", "requirements", env=lab_env(prefix))
    assert anonymous.returncode == 3
    assert "asks for a login: set REGISTRY_USER and REGISTRY_PASSWORD" in anonymous.stderr


def test_registry_that_wants_a_login_gets_it_as_a_secret(auth_registry: str) -> None:
    prefix = f"{auth_registry}/authed"
    env = lab_env(prefix, REGISTRY_USER=USER, REGISTRY_PASSWORD=PASSWORD)
    out = run_pipeline("build", "--json", "requirements", "test-requirements", env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert PASSWORD not in out.stderr + out.stdout
    tags = httpx.get(f"http://{AUTH_ADDR}/v2/authed/umbrella-reqs/tags/list", auth=(USER, PASSWORD)).json()
    assert any(t.startswith("reqs-") for t in tags["tags"]) and any(t.startswith("test-") for t in tags["tags"])


def test_registry_that_is_down() -> None:
    env = lab_env("localhost:5999/nobody")
    out = run_pipeline("build", "requirements", env=env)
    assert out.returncode == 3
    assert out.stderr.strip().splitlines()[-1].startswith("error: registry localhost:5999 is unreachable")


def test_failing_run_reports_its_output_and_moves_no_tag(tmp_path: Path) -> None:
    repo = clone_sample(tmp_path / "repo")
    prefix = unique_prefix("fail")
    env = lab_env(prefix)
    good = build_json("--publish", "worker.app", env=env, source=repo)
    latest = f"{prefix}/worker:latest"
    assert digest_of(latest) == good["worker.app"]["digest"]
    dockerfile = repo / "docker/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace(
        "FROM app AS cloud\n", "FROM app AS cloud\nRUN echo boom-from-the-failing-step && exit 7\n"))
    git(repo, "commit", "-qam", "break the cloud flavor")  # a new release-<sha7>, as in CI
    out = run_pipeline("build", "--publish", "worker.app", "api.app", env=env, source=repo)
    assert out.returncode == 1, out.stderr[-2000:]
    assert "boom-from-the-failing-step" in out.stderr and "Traceback" not in out.stderr
    assert digest_of(latest) == good["worker.app"]["digest"]
    new_sha7 = git(repo, "rev-parse", "HEAD").strip()[:7]
    assert digest_of(f"{prefix}/worker:release-{new_sha7}") is None
    assert digest_of(f"{prefix}/api:latest") is None
