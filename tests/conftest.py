from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def make_monorepo(path: Path, shared_files: dict[str, bytes] | None = None) -> Path:
    """A minimal umbrella-shaped git repo with one commit."""
    files: dict[str, bytes] = {
        "uv.lock": b"version = 1\n",
        "VERSION": b"26.7.6\n",
        "docker/Dockerfile.requirements": b"ARG PYTHON_IMAGE\nFROM ${PYTHON_IMAGE}\n",
        "docker/Dockerfile.test-requirements": b"ARG REQUIREMENTS_IMAGE\nFROM ${REQUIREMENTS_IMAGE}\n",
        "docker/Dockerfile": b"ARG REQUIREMENTS_IMAGE\nFROM ${REQUIREMENTS_IMAGE}\n",
    }
    for name, data in (shared_files or {"libs/shared/shared/__init__.py": b"x = 1\n"}).items():
        files[name] = data
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    return path


@pytest.fixture
def monorepo(tmp_path: Path) -> Callable[..., Path]:
    def factory(shared_files: dict[str, bytes] | None = None) -> Path:
        return make_monorepo(tmp_path / "repo", shared_files)

    return factory
