"""Read images back from the lab registry over HTTP, independently of the pipeline's own output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT, git

REGISTRY = "http://127.0.0.1:5000"
ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])


def split(ref: str) -> tuple[str, str]:
    path = ref.split("/", 1)[1]  # drop localhost:5000
    repo, _, tag = path.rpartition(":")
    return repo, tag


def digest_of(ref: str) -> str | None:
    repo, tag = split(ref)
    r = httpx.head(f"{REGISTRY}/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
    return r.headers["Docker-Content-Digest"] if r.status_code == 200 else None


def image_config(ref: str) -> dict[str, Any]:
    """The image config (`config` section of the OCI config blob) of a linux/amd64 image."""
    repo, tag = split(ref)
    manifest = httpx.get(f"{REGISTRY}/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT}).json()
    if "manifests" in manifest:
        chosen = next(m for m in manifest["manifests"] if m.get("platform", {}).get("architecture") == "amd64")
        manifest = httpx.get(f"{REGISTRY}/v2/{repo}/manifests/{chosen['digest']}", headers={"Accept": ACCEPT}).json()
    blob = httpx.get(f"{REGISTRY}/v2/{repo}/blobs/{manifest['config']['digest']}", follow_redirects=True)
    config: dict[str, Any] = blob.json()["config"]
    return config


def env_of(config: dict[str, Any]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in config.get("Env") or [])


def lab_env(prefix: str, **extra: str) -> dict[str, str]:
    """The lab environment with every repository under a prefix of the test's own."""
    # Nothing of the host's CI context may leak in: these tests set what they simulate.
    leaking = ("GITHUB_", "CI_EVENT", "CI_BRANCH", "VERSION", "REGISTRY_USER", "REGISTRY_PASSWORD", "PYTHON_IMAGE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaking) and not k.endswith("_AR_REPO")}
    env.update({
        "AR_REPO_PREFIX": prefix,
        "AR_REQS_REPO": f"{prefix}/umbrella-reqs",
        "CI_REQS_REPO": f"{prefix}/ci-reqs",
        "DOCKERHUB_REPO_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def unique_prefix(name: str) -> str:
    return f"localhost:5000/t{uuid.uuid4().hex[:8]}-{name}"


def run_pipeline(*args: str, env: dict[str, str], source: Path = ROOT, timeout: int = 1800
                 ) -> subprocess.CompletedProcess[str]:
    """This checkout's pipeline (never the copy inside `source`) run on `source`."""
    return subprocess.run([sys.executable, "-m", "pipeline", "--source", str(source), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout, check=False)


def build_json(*args: str, env: dict[str, str], source: Path = ROOT) -> dict[str, dict[str, Any]]:
    out = run_pipeline("build", "--json", *args, env=env, source=source)
    assert out.returncode == 0, out.stderr[-4000:]
    return {image["target"]: image for image in json.loads(out.stdout)["images"]}


def clone_sample(dest: Path) -> Path:
    """A git clone of the sample at HEAD (committed files only), to change without harm."""
    git(ROOT, "worktree", "prune")
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    git(dest, "config", "user.email", "t@example.com")
    git(dest, "config", "user.name", "t")
    return dest
