"""`python -m pipeline ci` on a simulated main push and a simulated pull request."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import git
from tests.engine.registry_client import clone_sample, digest_of, lab_env, run_pipeline, unique_prefix

pytestmark = pytest.mark.engine


def repo_tags(prefix: str, name: str) -> list[str]:
    path = prefix.split("/", 1)[1]
    response = httpx.get(f"http://127.0.0.1:5000/v2/{path}/{name}/tags/list")
    return sorted(response.json().get("tags") or []) if response.status_code == 200 else []


def test_main_push_publishes_release_production_and_latest(tmp_path: Path) -> None:
    repo = clone_sample(tmp_path / "repo")
    prefix = unique_prefix("ci-main")
    env = lab_env(prefix, GITHUB_EVENT_NAME="push", GITHUB_REF="refs/heads/main")
    out = run_pipeline("ci", "--json", env=env, source=repo)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    assert report["mode"] == "main" and report["ok"]
    v = "release-" + git(repo, "rev-parse", "HEAD").strip()[:7]
    for name in ("api", "worker", "dev-shared"):
        assert repo_tags(prefix, name) == sorted(
            [v, f"test-{v}", f"production-{v}", "latest", "test-latest"]), name
        assert digest_of(f"{prefix}/{name}:latest") == digest_of(f"{prefix}/{name}:{v}")
        assert digest_of(f"{prefix}/{name}:production-{v}") == digest_of(f"{prefix}/{name}:{v}")
    for hub in ("self-hosted-api", "self-hosted-worker", "dev-hosted-shared"):
        assert repo_tags(prefix, hub) == sorted([
            v, "latest", "rolling", f"{v}-no-dependencies", "latest-no-dependencies", "rolling_no_dependencies"]), hub
        assert digest_of(f"{prefix}/{hub}:rolling") == digest_of(f"{prefix}/{hub}:{v}")
        assert digest_of(f"{prefix}/{hub}:rolling_no_dependencies") == digest_of(f"{prefix}/{hub}:{v}-no-dependencies")
    release = (repo / "VERSION").read_text().strip()
    out = run_pipeline("promote", "release", "worker", env=env, source=repo)
    assert out.returncode == 0, out.stderr[-2000:]
    assert sorted(repo_tags(prefix, "self-hosted-worker")) == sorted([
        v, "latest", "rolling", f"{v}-no-dependencies", "latest-no-dependencies", "rolling_no_dependencies",
        release, "latest-stable", "latest-calver", f"{release}_no_dependencies",
        "latest-stable_no_dependencies", "latest-calver_no_dependencies"])


def test_pull_request_publishes_no_app_tags(tmp_path: Path) -> None:
    repo = clone_sample(tmp_path / "repo")
    git(repo, "branch", "base", "HEAD")
    (repo / "apps/worker/worker/pr_change.py").write_text("CHANGED = True\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a worker-only change")
    prefix = unique_prefix("ci-pr")
    env = lab_env(prefix, GITHUB_EVENT_NAME="pull_request")
    out = run_pipeline("ci", "--json", "--since", "base", env=env, source=repo)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    assert report["mode"] == "pull_request" and report["published"] == []
    assert report["skipped_apps"] == ["api", "shared"]
    assert {s["app"] for s in report["suites"]} == {"worker"}
    for name in ("api", "worker", "dev-shared"):
        assert repo_tags(prefix, name) == [], name
    reqs = repo_tags(prefix, "umbrella-reqs")
    assert len(reqs) == 2 and any(t.startswith("reqs-") for t in reqs)
