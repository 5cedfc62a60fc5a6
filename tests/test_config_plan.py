"""Configuration precedence and the offline build plan."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.plan import build_plan, default_targets, select
from pipeline.tags import compute_tags
from tests.conftest import ROOT, git

MakeRepo = Callable[..., Path]


def test_defaults_follow_the_spec(tmp_path: Path) -> None:
    config = load_config(tmp_path, env={})
    assert config.ar_reqs_repo == "codecov/umbrella-reqs"
    assert config.ci_reqs_repo == "codecov/umbrella-reqs"
    assert [(a.name, a.app_dir, a.ar_repo, a.dockerhub_repo, a.entrypoint, a.cov_source) for a in config.apps] == [
        ("api", "apps/codecov-api", "codecov/api", "codecov/self-hosted-api", "./api.sh", "./"),
        ("worker", "apps/worker", "codecov/worker", "codecov/self-hosted-worker", "./worker.sh", "./"),
        ("shared", "libs/shared", "codecov/dev-shared", "codecov/dev-hosted-shared", "/bin/sh", "./shared"),
    ]


def test_environment_overrides_pyproject_overrides_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pipeline]\nar_repo_prefix = "from-toml"\n[tool.pipeline.apps.api]\nar_repo = "toml/api"\n'
    )
    config = load_config(tmp_path, env={})
    assert config.ar_repo_prefix == "from-toml"
    assert config.app("api").ar_repo == "toml/api"
    assert config.app("worker").ar_repo == "from-toml/worker"
    env = {"AR_REPO_PREFIX": "env", "API_AR_REPO": "env/api", "AR_REQS_REPO": "env/reqs",
           "CI_REQS_REPO": "ci/reqs", "WORKER_DOCKERHUB_REPO": "hub/worker"}
    config = load_config(tmp_path, env=env)
    assert config.app("api").ar_repo == "env/api"
    assert config.app("worker").ar_repo == "env/worker"
    assert config.app("worker").dockerhub_repo == "hub/worker"
    assert (config.ar_reqs_repo, config.ci_reqs_repo) == ("env/reqs", "ci/reqs")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[tool.pipeline]\nar_repo_prefx = "x"\n', r"\[tool.pipeline\].ar_repo_prefx: unknown key"),
        ("[tool.pipeline]\nar_repo_prefix = 3\n", r"ar_repo_prefix: expected a non-empty string"),
        ("[tool.pipeline.apps.api]\nentrypont = 'x'\n", r"apps\].api.entrypont: unknown key"),
        ("[tool.pipeline.apps.new]\nar_repo = 'x'\n", r"new.app_dir: required"),
        ("[tool.pipeline.services.redis]\nport = 'x'\n", r"services\].redis.port"),
        ("[tool.pipeline\n", r"invalid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(PipelineError, match=message):
        load_config(tmp_path, env={})


def test_services_can_be_dropped_and_overridden(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pipeline.services]\nminio = false\nmailhog = false\n'
        '[tool.pipeline.services.redis]\nimage = "redis:7"\n'
    )
    services = {s.name: s for s in load_config(tmp_path, env={}).services}
    assert set(services) == {"postgres", "timescale", "redis"}
    assert services["redis"].image == "redis:7"
    assert services["timescale"].init_sql == "docker/init_test_analytics.sql"


def test_plan_refs_and_chaining(monorepo: MakeRepo) -> None:
    repo = monorepo()
    tags = compute_tags(repo, env={})
    plan = {i.target: i for i in build_plan(load_config(repo, env={}), tags)}
    sha7 = tags.commit_sha[:7]
    reqs = f"codecov/umbrella-reqs:{tags.requirements_tag}"
    assert plan["requirements"].refs == (reqs,)
    assert plan["test-requirements"].base == reqs
    assert plan["test-requirements"].refs == (f"codecov/umbrella-reqs:{tags.test_reqs_tag}",)
    assert plan["worker.app"].refs == (f"codecov/worker:release-{sha7}", "codecov/worker:latest")
    assert plan["worker.app"].build_args["BUILD_ENV"] == "cloud"
    assert plan["worker.app"].base == reqs
    assert plan["worker.test-app"].refs == (f"codecov/worker:test-release-{sha7}", "codecov/worker:test-latest")
    assert plan["worker.test-app"].base.endswith(tags.test_reqs_tag)
    assert plan["api.local"].build_args["BUILD_ENV"] == "local"
    assert plan["api.self-hosted"].refs == (
        f"codecov/self-hosted-api:release-{sha7}-no-dependencies",
        "codecov/self-hosted-api:latest-no-dependencies",
    )
    assert plan["api.self-hosted-runtime"].refs == (
        f"codecov/self-hosted-api:release-{sha7}", "codecov/self-hosted-api:latest",
    )
    assert plan["api.app"].labels["org.label-schema.version"] == f"26.7.6-{sha7}"
    assert plan["api.app"].moving_refs() == ("codecov/api:latest",)


def test_select_adds_dependencies_and_rejects_unknown(monorepo: MakeRepo) -> None:
    repo = monorepo()
    config = load_config(repo, env={})
    plan = build_plan(config, compute_tags(repo, env={}))
    assert [i.target for i in select(plan, ["worker.test-app"])] == [
        "requirements", "test-requirements", "worker.test-app"]
    assert [i.target for i in select(plan, ["api"])] == [
        "requirements", "test-requirements", "api.app", "api.test-app"]
    assert len(select(plan, default_targets(config))) == 2 + 2 * len(config.apps)
    with pytest.raises(PipelineError, match="unknown target 'nope'"):
        select(plan, ["nope"])


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def test_cli_tags_eval_in_a_shell() -> None:
    out = run_cli("tags")
    assert out.returncode == 0, out.stderr
    script = out.stdout + '\necho "$REQUIREMENTS_TAG|$VERSION"'
    evaluated = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
    tags = compute_tags(ROOT, env={})
    assert evaluated.strip() == f"{tags.requirements_tag}|{tags.version}"


def test_cli_plan_json_lists_every_image_of_the_sample() -> None:
    out = run_cli("plan", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    sha7 = git(ROOT, "rev-parse", "HEAD").strip()[:7]
    targets = {i["target"]: i for i in data["images"]}
    kinds = ("app", "test-app", "local", "self-hosted", "self-hosted-runtime")
    assert set(targets) == {"requirements", "test-requirements"} | {
        f"{a}.{k}" for a in ("api", "worker", "shared") for k in kinds}
    assert f"codecov/api:release-{sha7}" in targets["api.app"]["refs"]
    assert f"codecov/dev-shared:test-release-{sha7}" in targets["shared.test-app"]["refs"]
    assert targets["requirements"]["refs"] == [f"codecov/umbrella-reqs:{data['tags']['REQUIREMENTS_TAG']}"]
    text = run_cli("plan", "worker.app")
    assert "worker.app" in text.stdout and "api.app" not in text.stdout


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    out = run_cli("tags", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "not inside a git work tree" in out.stderr
    out = run_cli("plan", "bogus")
    assert out.returncode == 2 and "unknown target 'bogus'" in out.stderr


def test_cli_rejects_bad_arguments_before_any_engine_work() -> None:
    out = run_cli("test", "--pytest-args", "-k 'unbalanced")
    assert out.returncode == 2 and out.stderr.startswith("error: --pytest-args") and "Traceback" not in out.stderr
    out = run_cli("test", "--suite", "smoke")
    assert out.returncode == 2 and "--suite 'smoke': expected unit or integration" in out.stderr
    out = run_cli("promote", "qa")
    assert out.returncode == 2 and "stage 'qa': expected one of" in out.stderr
    out = run_cli("ci", "--event", "tag")
    assert out.returncode == 2 and "--event 'tag'" in out.stderr
