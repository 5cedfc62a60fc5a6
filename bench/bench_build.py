"""Benchmark on the lab: the pipeline against the Makefile's `docker build` sequence.

    eval "$(tools/lab env)" && python3 bench/bench_build.py

Three scenarios, each run once per tool on the same Dockerfiles, in fresh clones of this checkout
whose Dockerfiles get a salt so that neither Dagger's nor dockerd's cache has seen them:
  cold       nothing built yet
  no-op      a second run with nothing changed
  app-only   one file of apps/worker changed
The Makefile sequence is: pull the requirements image or build and push it, the same for the test
requirements, then build every app's image and test image (app images are always rebuilt).
Prints the seconds and the ratio (pipeline / docker) per scenario.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import load_config  # noqa: E402
from pipeline.tags import compute_tags  # noqa: E402

DOCKER = "/usr/bin/docker"
CA_SECRET = "id=host-ca,src=/etc/ssl/certs/ca-certificates.crt"


def sh(*cmd: str, cwd: Path = ROOT, env: dict[str, str] | None = None, check: bool = True) -> int:
    return subprocess.run(cmd, cwd=cwd, env=env, check=check, capture_output=True, text=True).returncode


def salted_clone(dest: Path) -> Path:
    sh("git", "clone", "-q", "--no-hardlinks", str(ROOT), str(dest))
    salt = uuid.uuid4().hex
    for name in ("Dockerfile.requirements", "Dockerfile.test-requirements", "Dockerfile"):
        path = dest / "docker" / name
        text = re.sub(r"^(FROM .*)$", rf"\1\nENV BENCH_SALT={salt}", path.read_text(), flags=re.M)
        text = text.replace(f"FROM ${{BUILD_ENV}}\nENV BENCH_SALT={salt}", "FROM ${BUILD_ENV}")
        path.write_text(text)
    commit(dest, "bench salt")
    return dest


def commit(repo: Path, message: str) -> None:
    sh("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qam", message, cwd=repo)


def change_worker(repo: Path) -> None:
    path = repo / "apps/worker/worker/__init__.py"
    path.write_text(path.read_text() + f"\n# bench change {uuid.uuid4().hex}\n")
    commit(repo, "bench: app-only change")


def lab_env(prefix: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"AR_REPO_PREFIX": prefix, "AR_REQS_REPO": f"{prefix}/umbrella-reqs",
                "CI_REQS_REPO": f"{prefix}/umbrella-reqs", "PYTHONPATH": str(ROOT)})
    return env


def pipeline_run(repo: Path, env: dict[str, str]) -> None:
    sh(sys.executable, "-m", "pipeline", "--source", str(repo), "build", "--publish", env=env)


def docker_run(repo: Path, env: dict[str, str]) -> None:
    """What the Makefile does, with dockerd's BuildKit."""
    config, tags = load_config(repo, env), compute_tags(repo, env)
    base = ["env", "DOCKER_BUILDKIT=1", DOCKER, "build", "-q", "--network", "host", "--secret", CA_SECRET]
    reqs = f"{config.ar_reqs_repo}:{tags.requirements_tag}"
    test_reqs = f"{config.ar_reqs_repo}:{tags.test_reqs_tag}"
    python_image = config.python_image.replace("ghcr.io", "localhost:5000")  # dockerd has no mirror for it
    for ref, dockerfile, arg in (
        (reqs, "docker/Dockerfile.requirements", f"PYTHON_IMAGE={python_image}"),
        (test_reqs, "docker/Dockerfile.test-requirements", f"REQUIREMENTS_IMAGE={reqs}"),
    ):
        if sh(DOCKER, "pull", "-q", ref, check=False) != 0:
            sh(*base, "-f", dockerfile, "--build-arg", arg, "-t", ref, ".", cwd=repo)
            sh(DOCKER, "push", "-q", ref)
    for app in config.apps:
        images = ((f"{app.ar_repo}:{tags.version}", reqs), (f"{app.ar_repo}:test-{tags.version}", test_reqs))
        for tag, requirements in images:
            sh(*base, "-f", "docker/Dockerfile", "-t", tag,
               "--build-arg", f"REQUIREMENTS_IMAGE={requirements}", "--build-arg", "BUILD_ENV=cloud",
               "--build-arg", f"APP_DIR={app.app_dir}", "--build-arg", f"ENTRYPOINT={app.entrypoint}",
               "--build-arg", f"RELEASE_VERSION={tags.release_version}", "--build-arg", f"COMMIT_SHA={tags.commit_sha}",
               "--build-arg", f"COMMIT_SHA7={tags.commit_sha7}", "--build-arg", f"REPO_URL={config.repo_url}",
               ".", cwd=repo)
            sh(DOCKER, "push", "-q", tag)


def timed(fn: Callable[[], None]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def scenarios(run: Callable[[Path, dict[str, str]], None], repo: Path, env: dict[str, str]) -> list[float]:
    cold = timed(lambda: run(repo, env))
    noop = timed(lambda: run(repo, env))
    change_worker(repo)
    app_only = timed(lambda: run(repo, env))
    return [cold, noop, app_only]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_id = uuid.uuid4().hex[:8]
        ours = scenarios(pipeline_run, salted_clone(Path(tmp) / "pipeline"),
                         lab_env(f"localhost:5000/bench-{run_id}-pipeline"))
        theirs = scenarios(docker_run, salted_clone(Path(tmp) / "docker"),
                           lab_env(f"localhost:5000/bench-{run_id}-docker"))
    print(f"{'scenario':<10} {'pipeline s':>11} {'docker s':>10} {'ratio':>7}")
    for name, a, b in zip(("cold", "no-op", "app-only"), ours, theirs, strict=True):
        print(f"{name:<10} {a:>11.1f} {b:>10.1f} {a / b:>7.2f}")


if __name__ == "__main__":
    main()
