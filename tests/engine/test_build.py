"""`python -m pipeline build` against the lab: real images, read back from the registry."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git
from tests.engine.registry_client import (
    build_json,
    clone_sample,
    digest_of,
    env_of,
    image_config,
    lab_env,
    run_pipeline,
    unique_prefix,
)

pytestmark = pytest.mark.engine

# `local` shares the app image's tags and is never published: it is for developers' machines.
FLAVORS = {"app": "PRODUCTION", "test-app": "PRODUCTION", "self-hosted": "ENTERPRISE",
           "self-hosted-runtime": "ENTERPRISE"}
ENTRYPOINTS = {"api": "./api.sh", "worker": "./worker.sh", "shared": "/bin/sh"}
APP_DIRS = {"api": "apps/codecov-api", "worker": "apps/worker", "shared": "libs/shared"}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every image of the sample, published once under a prefix of this module's own."""
    repo = clone_sample(tmp_path_factory.mktemp("published") / "repo")
    prefix = unique_prefix("all")
    env = lab_env(prefix)
    targets = ["requirements", "test-requirements", "app", "test-app", "local", "self-hosted",
               "self-hosted-runtime"]
    images = build_json("--publish", *targets, env=env, source=repo)
    sha = git(repo, "rev-parse", "HEAD").strip()
    return {"repo": repo, "prefix": prefix, "env": env, "images": images, "sha": sha}


def run_in(ref: str, *cmd: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command in an image pulled from the registry, through the real engine."""
    script = (
        "import sys, anyio, dagger\n"
        "from dagger import dag\n"
        "async def main():\n"
        "    async with dagger.connection():\n"
        f"        c = dag.container().from_({ref!r}).with_user('1001')\n"
        f"        print(await c.with_exec({list(cmd)!r}, use_entrypoint=False).stdout())\n"
        "anyio.run(main)\n"
    )
    return subprocess.run(["python3", "-c", script], env=env, capture_output=True, text=True, timeout=600)


def test_every_image_is_in_the_registry_with_its_tags(published: dict[str, Any]) -> None:
    prefix, sha7 = published["prefix"], published["sha"][:7]
    for target, image in published["images"].items():
        assert image["status"] == "built", target
        if target.endswith(".local"):
            assert image["refs"] == [] and image["digest"] is None, target
        for ref in image["refs"]:
            assert digest_of(ref) == image["digest"], ref
    assert digest_of(f"{prefix}/worker:release-{sha7}") is not None
    assert digest_of(f"{prefix}/worker:latest") == digest_of(f"{prefix}/worker:release-{sha7}")
    assert digest_of(f"{prefix}/api:test-latest") == digest_of(f"{prefix}/api:test-release-{sha7}")
    assert digest_of(f"{prefix}/self-hosted-worker:release-{sha7}-no-dependencies") is not None
    assert digest_of(f"{prefix}/self-hosted-api:latest") is not None
    reqs_tag = published["images"]["requirements"]["refs"][0].rsplit(":", 1)[1]
    assert digest_of(f"{prefix}/ci-reqs:{reqs_tag}") == published["images"]["requirements"]["digest"]


def test_image_configs_match_the_spec(published: dict[str, Any]) -> None:
    prefix, sha = published["prefix"], published["sha"]
    release = (published["repo"] / "VERSION").read_text().strip()
    for app in ("api", "worker"):
        for kind, run_env in FLAVORS.items():
            ref = next(r for r in published["images"][f"{app}.{kind}"]["refs"] if "latest" not in r)
            config = image_config(ref)
            env = env_of(config)
            assert config["User"] in ("1001", "1001:1001"), (ref, config["User"])
            assert config["WorkingDir"] == f"/app/{APP_DIRS[app]}", ref
            assert env["RUN_ENV"] == run_env, ref
            assert env["RELEASE_VERSION"] == release, ref
            assert env.get("ENTRYPOINT_SCRIPT") == ENTRYPOINTS[app], ref
            assert config["Entrypoint"], ref
            labels = config["Labels"]
            assert labels["org.label-schema.vendor"] == "Codecov"
            assert labels["org.label-schema.version"] == f"{release}-{sha[:7]}"
            assert labels["org.opencontainers.image.revision"] == sha
            assert labels["org.opencontainers.image.source"]
            if kind == "self-hosted":
                assert env["CODECOV_API_PORT"] == "8000"
    assert image_config(f"{prefix}/worker:latest")["Env"] == image_config(
        f"{prefix}/worker:release-{sha[:7]}")["Env"]


def test_app_image_imports_shared_and_runtime_reqs_have_no_compiler(published: dict[str, Any]) -> None:
    env, sha7 = published["env"], published["sha"][:7]
    out = run_in(f"{published['prefix']}/worker:release-{sha7}", "python", "-c",
                 "import shared, psycopg2, os; print('ok', os.getuid(), shared.__name__)", env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ok 1001 shared" in out.stdout
    reqs = published["images"]["requirements"]["refs"][0]
    out = run_in(reqs, "sh", "-c", "for c in gcc cc c++ make; do command -v $c; done; echo checked", env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "checked"


def test_rerun_reuses_and_shared_change_rebuilds(published: dict[str, Any]) -> None:
    repo, env = published["repo"], published["env"]
    again = build_json("requirements", "test-requirements", "worker.app", env=env, source=repo)
    assert again["requirements"]["status"] == "reused"
    assert again["test-requirements"]["status"] == "reused"
    assert again["requirements"]["digest"] == published["images"]["requirements"]["digest"]
    before = again["requirements"]["refs"][0]
    shared_init = repo / "libs/shared/shared/__init__.py"
    shared_init.write_text(shared_init.read_text() + "\n# changed by a test\n")
    changed = build_json("requirements", "test-requirements", env=env, source=repo)
    assert changed["requirements"]["status"] == "built"
    assert changed["requirements"]["refs"][0] != before
    assert changed["test-requirements"]["status"] == "built"


def test_dockerd_buildkit_gives_the_same_config(published: dict[str, Any], tmp_path: Path) -> None:
    """The app Dockerfile through Debian's dockerd (BuildKit) on the same requirements image."""
    repo, sha = published["repo"], published["sha"]
    image = published["images"]["worker.app"]
    reqs = published["images"]["requirements"]
    pinned = f"{reqs['refs'][0]}@{reqs['digest']}"
    args = {"REQUIREMENTS_IMAGE": pinned, "BUILD_ENV": "cloud", "APP_DIR": "apps/worker",
            "RELEASE_VERSION": (repo / "VERSION").read_text().strip(), "ENTRYPOINT": "./worker.sh",
            "COMMIT_SHA": sha, "COMMIT_SHA7": sha[:7], "REPO_URL": "https://github.com/codecov/umbrella"}
    tag = f"{published['prefix']}/dockerd-worker:parity"
    cmd = ["/usr/bin/docker", "build", "-q", "--network", "host", "-f", "docker/Dockerfile", "-t", tag]
    for key, value in args.items():
        cmd += ["--build-arg", f"{key}={value}"]
    out = subprocess.run([*cmd, "."], cwd=repo, env={"DOCKER_BUILDKIT": "1", "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    subprocess.run(["/usr/bin/docker", "push", "-q", tag], check=True, capture_output=True, timeout=300)
    ours, theirs = image_config(image["refs"][0]), image_config(tag)
    for key in ("Env", "User", "WorkingDir", "Entrypoint", "Cmd", "Labels"):
        assert ours.get(key) == theirs.get(key), key


def test_promote_retags_without_rebuilding(published: dict[str, Any]) -> None:
    prefix, env, repo = published["prefix"], published["env"], published["repo"]
    release = f"{prefix}/worker:release-{published['sha'][:7]}"
    out = run_pipeline("promote", "staging", "worker", env=env, source=repo)
    assert out.returncode == 0, out.stderr[-2000:]
    assert digest_of(f"{prefix}/worker:staging-release-{published['sha'][:7]}") == digest_of(release)
    assert digest_of(f"{prefix}/api:staging-release-{published['sha'][:7]}") is None
    out = run_pipeline("promote", "production", env=env, source=repo)
    assert out.returncode == 0, out.stderr[-2000:]
    for app in ("api", "worker", "dev-shared"):
        assert digest_of(f"{prefix}/{app}:production-release-{published['sha'][:7]}") is not None
    bad = run_pipeline("promote", "qa", env=env, source=repo)
    assert bad.returncode == 2 and "stage 'qa': expected one of staging, production, latest" in bad.stderr
    missing = run_pipeline("promote", "latest", env=lab_env(unique_prefix("empty")), source=repo)
    assert missing.returncode == 2 and "not in the registry" in missing.stderr
